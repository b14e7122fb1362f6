//! The inventory endpoints, written once for every kind of row: list, create, read, update and
//! delete under `/api/v1/{kind}`.

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use jike_domain::{Customer, Validate};
use jike_store::{Entity, ListParams};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::access::Who;
use crate::error::ApiError;
use crate::AppState;
use jike_domain::Vocabulary;

/// An inventory kind as the API shows it.
pub trait Resource:
    Entity<Input: DeserializeOwned + Validate + utoipa::ToSchema, Output: Serialize + utoipa::ToSchema>
{
    /// The path segment: `/api/v1/{PATH}`.
    const PATH: &'static str;
    /// The OpenAPI tag, with the Chinese name.
    const TAG: &'static str;

    /// Whether rows hold confidential data that is masked unless revealed (and every
    /// revealing read audited).
    const CONFIDENTIAL: bool = false;

    /// Hides what the caller may not see by default (customer contacts, domain.md §10).
    fn mask(_output: &mut Self::Output, _reveal: bool) {}
}

/// Whether the caller reads this kind unmasked: only when it asks (`reveal=true`) and its role
/// may; a role that may not is refused rather than silently masked.
fn reveal_for<R: Resource>(who: &Who, asked: bool) -> Result<bool, ApiError> {
    if !asked || !R::CONFIDENTIAL {
        return Ok(false);
    }
    if !who.role().may_reveal() {
        return Err(ApiError::Forbidden(format!(
            "the role {} may not read customer contacts unmasked",
            who.role().code()
        )));
    }
    Ok(true)
}

macro_rules! resource {
    ($entity:ty, $path:literal, $tag:literal) => {
        impl Resource for $entity {
            const PATH: &'static str = $path;
            const TAG: &'static str = $tag;
        }
    };
}

resource!(jike_store::Regions, "regions", "regions 区域");
resource!(jike_store::Sites, "sites", "sites 站点");
resource!(jike_store::Elements, "elements", "elements 网元");
resource!(jike_store::Circuits, "circuits", "circuits 专线");
resource!(
    jike_store::Contractors,
    "contractors",
    "contractors 代维公司"
);
resource!(jike_store::StaffMembers, "staff", "staff 代维人员");
resource!(
    jike_store::Instruments,
    "instruments",
    "instruments 仪器仪表"
);
resource!(jike_store::Vehicles, "vehicles", "vehicles 车辆");

impl Resource for jike_store::Customers {
    const PATH: &'static str = "customers";
    const TAG: &'static str = "customers 客户";
    const CONFIDENTIAL: bool = true;

    fn mask(output: &mut Customer, reveal: bool) {
        if !reveal {
            output.mask_contact();
        }
    }
}

/// JSON bodies whose rejections come out as problem details naming the field.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // The body is read once (within the route's body limit), checked for text no field may
        // hold (`text::check_json`), then parsed by axum's extractor as before.
        let (parts, body) = req.into_parts();
        let bytes =
            axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), state)
                .await
                .map_err(|e| {
                    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::TooLarge(e.body_text())
                    } else {
                        ApiError::BadRequest(e.body_text())
                    }
                })?;
        crate::text::check_json(&bytes)?;
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Json(value))
    }
}

impl<T: Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// The query parameters every list takes besides its filters.
const PAGING: [&str; 4] = ["sort", "limit", "cursor", "reveal"];

fn list_params(pairs: Vec<(String, String)>) -> Result<(ListParams, bool), ApiError> {
    let mut params = ListParams::default();
    let mut reveal = false;
    for (k, v) in pairs {
        match k.as_str() {
            "sort" => params.sort = Some(v),
            "limit" => {
                params.limit = Some(v.trim().parse().map_err(|_| {
                    ApiError::Invalid(vec![jike_domain::FieldError::new(
                        "limit",
                        format!("'{v}' is not a whole number"),
                    )])
                })?)
            }
            "cursor" => params.cursor = Some(v),
            "reveal" => reveal = parse_bool("reveal", &v)?,
            _ if v.is_empty() => {}
            _ => params.filters.push((k, v)),
        }
    }
    Ok((params, reveal))
}

pub(crate) fn parse_bool(field: &str, v: &str) -> Result<bool, ApiError> {
    match v.trim() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" | "" => Ok(false),
        _ => Err(ApiError::Invalid(vec![jike_domain::FieldError::new(
            field,
            format!("'{v}' is not true or false"),
        )])),
    }
}

fn parse_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
        ApiError::NotFound(format!(
            "'{raw}' is not an id; ids are positive whole numbers"
        ))
    })
}

/// The row a path names, as `who` sees it: by its id or, for the console's links and people's
/// bookmarks, its code.
pub(crate) async fn row_by_key<E: Entity>(
    state: &AppState,
    who: &Who,
    key: &str,
) -> Result<E::Output, ApiError> {
    Ok(match key.parse::<i64>() {
        Ok(_) => state.store.get_as::<E>(&who.caller, parse_id(key)?).await?,
        Err(_) => {
            state
                .store
                .get_by_code_as::<E>(&who.caller, key.trim())
                .await?
        }
    })
}

async fn list<R: Resource>(
    State(state): State<AppState>,
    who: Who,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let (params, reveal) = list_params(pairs)?;
    let reveal = reveal_for::<R>(&who, reveal)?;
    let mut page = state.store.list_as::<R>(&who.caller, &params).await?;
    for item in &mut page.items {
        R::mask(item, reveal);
    }
    if reveal {
        let ids: Vec<i64> = page.items.iter().map(R::id).collect();
        state
            .store
            .audit_unmasked_read(&who.caller, R::PATH, &ids)
            .await?;
    }
    Ok(Json(page).into_response())
}

#[derive(serde::Deserialize)]
struct RevealQuery {
    #[serde(default)]
    reveal: Option<String>,
}

async fn read<R: Resource>(
    State(state): State<AppState>,
    who: Who,
    Path(id): Path<String>,
    query: Result<Query<RevealQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query?;
    let reveal = parse_bool("reveal", q.reveal.as_deref().unwrap_or(""))?;
    let mut item = row_by_key::<R>(&state, &who, &id).await?;
    let id = R::id(&item);
    let reveal = reveal_for::<R>(&who, reveal)?;
    R::mask(&mut item, reveal);
    if reveal {
        let object = format!("{}/{id}", R::PATH);
        state
            .store
            .audit_unmasked_read(&who.caller, &object, &[id])
            .await?;
    }
    Ok(Json(item).into_response())
}

async fn create<R: Resource>(
    State(state): State<AppState>,
    who: Who,
    Json(input): Json<R::Input>,
) -> Result<Response, ApiError> {
    let item = state.store.create_as::<R>(&who.caller, &input).await?;
    let location = format!("/api/v1/{}/{}", R::PATH, R::id(&item));
    Ok((
        StatusCode::CREATED,
        [(axum::http::header::LOCATION, location)],
        Json(item),
    )
        .into_response())
}

async fn update<R: Resource>(
    State(state): State<AppState>,
    who: Who,
    Path(id): Path<String>,
    Json(input): Json<R::Input>,
) -> Result<Response, ApiError> {
    let item = state
        .store
        .update_as::<R>(&who.caller, parse_id(&id)?, &input)
        .await?;
    Ok(Json(item).into_response())
}

async fn delete<R: Resource>(
    State(state): State<AppState>,
    who: Who,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state
        .store
        .delete_as::<R>(&who.caller, parse_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The five routes of one kind.
pub fn routes<R: Resource>() -> Router<AppState> {
    Router::new()
        .route(
            &format!("/api/v1/{}", R::PATH),
            get(list::<R>).post(create::<R>),
        )
        .route(
            &format!("/api/v1/{}/{{id}}", R::PATH),
            get(read::<R>).put(update::<R>).delete(delete::<R>),
        )
}

/// `GET /api/v1/customers/{id}/grade-history`
pub async fn grade_history(
    State(state): State<AppState>,
    who: Who,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let history = state
        .store
        .grade_history_as(&who.caller, parse_id(&id)?)
        .await?;
    Ok(Json(history).into_response())
}

/// The names every list reserves, for the OpenAPI document.
pub fn paging_params() -> &'static [&'static str] {
    &PAGING
}
