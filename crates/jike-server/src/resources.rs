//! The inventory endpoints, written once for every kind of row: list, create, read, update and
//! delete under `/api/v1/{kind}`, each routed, ruled and documented from the kind's description
//! ([`Resource`], the store's `Entity::SPEC`) in [`routes`].

use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete as delete_route, get, post, put, MethodRouter};
use jike_domain::Validate;
use jike_store::{Customer, Entity, ListParams};
use serde::de::DeserializeOwned;
use serde::Serialize;
use utoipa::openapi::path::{
    HttpMethod, Operation, OperationBuilder, ParameterBuilder, ParameterIn, Paths,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{PartialSchema, ToSchema};
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;

use crate::access::{inventory_readers, Allow, Who, ADMIN};
use crate::error::ApiError;
use crate::openapi::{Flag, PageLimit};
use crate::routes::Routes;
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
        Ok(_) => {
            state
                .store
                .scoped(&who.caller)
                .get::<E>(parse_id(key)?)
                .await?
        }
        Err(_) => {
            state
                .store
                .scoped(&who.caller)
                .get_by_code::<E>(key.trim())
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
    let mut page = state.store.scoped(&who.caller).list::<R>(&params).await?;
    for item in &mut page.items {
        R::mask(item, reveal);
    }
    if reveal {
        let ids: Vec<i64> = page.items.iter().map(R::id).collect();
        state
            .store
            .scoped(&who.caller)
            .audit_unmasked_read(R::PATH, &ids)
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
            .scoped(&who.caller)
            .audit_unmasked_read(&object, &[id])
            .await?;
    }
    Ok(Json(item).into_response())
}

async fn create<R: Resource>(
    State(state): State<AppState>,
    who: Who,
    Json(input): Json<R::Input>,
) -> Result<Response, ApiError> {
    let item = state.store.scoped(&who.caller).create::<R>(&input).await?;
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
        .scoped(&who.caller)
        .update::<R>(parse_id(&id)?, &input)
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
        .scoped(&who.caller)
        .delete::<R>(parse_id(&id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Every inventory kind (routed, ruled and documented alike, [`kind`]) and the grade history.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .merge(kind::<jike_store::Regions>())
        .merge(kind::<jike_store::Sites>())
        .merge(kind::<jike_store::Elements>())
        .merge(kind::<jike_store::Customers>())
        .merge(kind::<jike_store::Circuits>())
        .merge(kind::<jike_store::Contractors>())
        .merge(kind::<jike_store::StaffMembers>())
        .merge(kind::<jike_store::Instruments>())
        .merge(kind::<jike_store::Vehicles>())
        .route(
            Allow::Roles(inventory_readers("customers")),
            routes!(grade_history),
        )
}

/// The five routes of one kind: read by the roles of its readers (`inventory_readers`), written
/// by administrators. `#[utoipa::path]` cannot describe a handler generic over the kind, so the
/// operations are built here from the kind's description.
fn kind<R: Resource>() -> Routes {
    let readers = Allow::Roles(inventory_readers(R::PATH));
    let write = Allow::Roles(ADMIN);
    let all = format!("/api/v1/{}", R::PATH);
    let one = format!("/api/v1/{}/{{id}}", R::PATH);
    let noun = R::SPEC.noun;
    let op = |id: &str, summary: String| {
        OperationBuilder::new()
            .tag(R::TAG)
            .operation_id(Some(format!("{id}_{}", R::PATH)))
            .summary(Some(summary))
    };
    let body = || {
        RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content("application/json", json(reference::<R::Input>()))
            .build()
    };
    let the_row = || {
        ResponseBuilder::new()
            .description(format!("the {noun}"))
            .content("application/json", json(reference::<R::Output>()))
            .build()
    };
    let id = || {
        string_param(
            "id",
            ParameterIn::Path,
            true,
            "the numeric id, or the code (GET only)",
        )
    };
    let list_op = op(
        "list",
        format!("List {noun}s with filters, sorting and cursor pagination"),
    )
    .parameters(Some(list_parameters::<R>()))
    .response(
        "200",
        ResponseBuilder::new()
            .description("one page")
            .content("application/json", json(page_of::<R>()))
            .build(),
    )
    .response(
        "422",
        problem("an unknown filter, a bad value, sort, limit or cursor"),
    );
    let create_op = op("create", format!("Create a {noun}"))
        .request_body(Some(body()))
        .response("201", the_row())
        .response("400", problem("the body is not JSON"))
        .response("409", problem("the code is taken"))
        .response("422", problem("a field is invalid or refers to nothing"));
    let read_op = op("get", format!("Read a {noun}"))
        .parameter(id())
        .parameter(reveal_param())
        .response("200", the_row())
        .response("404", problem("no such id"));
    let update_op = op("update", format!("Replace a {noun}"))
        .parameter(id())
        .request_body(Some(body()))
        .response("200", the_row())
        .response("404", problem("no such id"))
        .response("409", problem("the new code is taken"))
        .response("422", problem("a field is invalid or refers to nothing"));
    let delete_op = op("delete", format!("Delete a {noun}"))
        .parameter(id())
        .response("204", ResponseBuilder::new().description("deleted").build())
        .response("404", problem("no such id"))
        .response("409", problem("other rows still refer to it"));
    Routes::new()
        .route(
            readers,
            operation::<R>(HttpMethod::Get, &all, list_op.build(), get(list::<R>)),
        )
        .route(
            write,
            operation::<R>(HttpMethod::Post, &all, create_op.build(), post(create::<R>)),
        )
        .route(
            readers,
            operation::<R>(HttpMethod::Get, &one, read_op.build(), get(read::<R>)),
        )
        .route(
            write,
            operation::<R>(HttpMethod::Put, &one, update_op.build(), put(update::<R>)),
        )
        .route(
            write,
            operation::<R>(
                HttpMethod::Delete,
                &one,
                delete_op.build(),
                delete_route(delete::<R>),
            ),
        )
}

/// One operation of a kind as `routes!` would give it: the schemas it refers to, its path and
/// its handler.
fn operation<R: Resource>(
    method: HttpMethod,
    path: &str,
    operation: Operation,
    handler: MethodRouter<AppState>,
) -> UtoipaMethodRouter<AppState> {
    let mut schemas = Vec::new();
    for (name, schema, deps) in [
        (
            R::Input::name(),
            R::Input::schema(),
            R::Input::schemas as fn(&mut Vec<_>),
        ),
        (R::Output::name(), R::Output::schema(), R::Output::schemas),
    ] {
        deps(&mut schemas);
        schemas.push((name.into_owned(), schema));
    }
    let mut paths = Paths::new();
    paths.add_path_operation(path, vec![method], operation);
    (schemas, paths, handler)
}

/// A list's filters (the kind's `SPEC`), then sort, limit, cursor and reveal.
fn list_parameters<R: Resource>() -> Vec<utoipa::openapi::path::Parameter> {
    let mut params: Vec<_> = R::SPEC
        .filters
        .iter()
        .map(|f| string_param(f.param, ParameterIn::Query, false, f.doc))
        .collect();
    let sorts: Vec<&str> = R::SPEC.sorts.iter().map(|s| s.name).collect();
    params.push(string_param(
        "sort",
        ParameterIn::Query,
        false,
        &format!(
            "one of {}; prefix - for descending; default id",
            sorts.join(", ")
        ),
    ));
    let mut limit = string_param(
        "limit",
        ParameterIn::Query,
        false,
        &format!(
            "rows per page, 1 to {}, default {}",
            jike_store::MAX_LIMIT,
            jike_store::DEFAULT_LIMIT
        ),
    );
    limit.schema = Some(PageLimit::schema());
    params.push(limit);
    params.push(string_param(
        "cursor",
        ParameterIn::Query,
        false,
        "the next_cursor of the previous page",
    ));
    params.push(reveal_param());
    params
}

/// `reveal=true`: confidential fields unmasked (audited), for the roles that may.
fn reveal_param() -> utoipa::openapi::path::Parameter {
    let mut reveal = string_param(
        "reveal",
        ParameterIn::Query,
        false,
        "true to show confidential fields unmasked",
    );
    reveal.schema = Some(Flag::schema());
    reveal
}

fn page_of<R: Resource>() -> RefOr<Schema> {
    ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(reference::<R::Output>()))
        .required("items")
        .property(
            "next_cursor",
            ObjectBuilder::new()
                .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
                .description(Some(
                    "pass as `cursor` for the next page; null on the last page",
                )),
        )
        .required("next_cursor")
        .into()
}

fn reference<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn problem(description: &str) -> utoipa::openapi::Response {
    // The document makes it a problem document (`openapi::complete`).
    ResponseBuilder::new().description(description).build()
}

fn string_param(
    name: &str,
    location: ParameterIn,
    required: bool,
    description: &str,
) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(location)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .build()
}

/// `GET /api/v1/customers/{id}/grade-history`
#[utoipa::path(get, path = "/api/v1/customers/{id}/grade-history", tag = "customers 客户",
    operation_id = "customer_grade_history",
    summary = "A customer's service grades over time (R-SL3)",
    params(("id" = String, Path, description = "the customer's id")),
    responses(
        (status = 200, description = "grade periods, oldest first", body = [jike_domain::GradePeriod]),
        (status = 404, description = "no such customer"),
    ))]
pub async fn grade_history(
    State(state): State<AppState>,
    who: Who,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let history = state
        .store
        .scoped(&who.caller)
        .grade_history(parse_id(&id)?)
        .await?;
    Ok(Json(history).into_response())
}
