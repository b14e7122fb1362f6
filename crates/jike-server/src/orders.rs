//! The work-order endpoints (`/api/v1/orders`), the SLA policy and the working-day calendar
//! (`/api/v1/sla/…`, `/api/v1/calendars/…`), and the evaluator as a service
//! (`POST /api/v1/sla/evaluate`, the same contract as `jike sla evaluate`).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jike_domain::{EventCreate, FieldError, OrderCreate, Vocabulary};
use jike_store::{
    Idempotency, ListParams, Order, OrderEvent, PolicyVersion, TimerView, WorkdayYearRecord,
};
use sha2::{Digest, Sha256};
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::Required;
use utoipa::PartialSchema;
use utoipa_axum::routes;

use crate::access::{Allow, Who, ADMIN, ORDER_OPEN, ORDER_WORK};
use crate::error::ApiError;
use crate::openapi::{Flag, Instant, PageLimit, PageOfOrders};
use crate::resources::Json;
use crate::routes::Routes;
use crate::AppState;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(Allow::Authenticated, routes!(list))
        // A customer and its account manager open faults and complaints on their own lines
        // (checked by the store, `check_raised_by_customer_side`).
        .route(Allow::Roles(ORDER_OPEN), routes!(create))
        .route(Allow::Authenticated, routes!(read))
        .route(Allow::Authenticated, routes!(events))
        .route(Allow::Roles(ORDER_WORK), routes!(record_event))
        .route(Allow::Authenticated, routes!(timers))
        .route(Allow::Authenticated, routes!(dashboard))
        .route(Allow::Authenticated, routes!(policies))
        .route(Allow::Roles(ADMIN), routes!(load_policy))
        .route(Allow::Authenticated, routes!(policy_source))
        .route(Allow::Authenticated, routes!(evaluate))
        .route(Allow::Authenticated, routes!(workday_years))
        .route(Allow::Roles(ADMIN), routes!(load_workday_year))
}

const TAG: &str = "orders 工单";
const SLA: &str = "SLA 服务等级";

/// The query of the order list: the filters of `Orders::SPEC`, then the paging.
struct OrderListQuery;

impl utoipa::IntoParams for OrderListQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        let param = |name: &str, description: &str| {
            ParameterBuilder::new()
                .name(name)
                .parameter_in(ParameterIn::Query)
                .required(Required::False)
                .description(Some(description))
                .schema(Some(match name {
                    "open" | "breached" | "mine" => Flag::schema(),
                    "limit" => PageLimit::schema(),
                    _ => ObjectBuilder::new().schema_type(Type::String).into(),
                }))
                .build()
        };
        let filters = <jike_store::Orders as jike_store::Entity>::SPEC.filters;
        filters
            .iter()
            .map(|f| param(f.param, f.doc))
            .chain([param(
                "mine",
                "true: the orders assigned to the staff member the caller's account is linked to \
                 (我的工单); a 422 for an account linked to none",
            )])
            .chain(["sort", "limit", "cursor"].map(|p| param(p, "paging")))
            .collect()
    }
}

/// The idempotency header of a request from another system.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";

fn list_params(pairs: Vec<(String, String)>) -> Result<ListParams, ApiError> {
    let mut params = ListParams::default();
    for (k, v) in pairs {
        match k.as_str() {
            "sort" => params.sort = Some(v),
            "limit" => {
                params.limit = Some(v.trim().parse().map_err(|_| {
                    ApiError::Invalid(vec![FieldError::new(
                        "limit",
                        format!("'{v}' is not a whole number"),
                    )])
                })?)
            }
            "cursor" => params.cursor = Some(v),
            _ if v.is_empty() => {}
            _ => params.filters.push((k, v)),
        }
    }
    Ok(params)
}

/// Issue 14: `mine=true` is the caller's own orders (我的工单), those assigned to the staff member
/// its account is linked to, i.e. `assignee=<its staff code>`; an account linked to nobody has
/// none, which is a 422 saying so rather than an empty page that would look like "no work".
fn mine_filter(who: &Who, params: &mut ListParams) -> Result<(), ApiError> {
    let mut mine = None;
    params.filters.retain(|(k, v)| {
        if k == "mine" {
            mine = Some(v.clone());
            false
        } else {
            true
        }
    });
    let Some(value) = mine else { return Ok(()) };
    let bad = |reason: String| ApiError::Invalid(vec![FieldError::new("mine", reason)]);
    match value.trim() {
        "false" | "0" | "no" => Ok(()),
        "true" | "1" | "yes" => match &who.principal.user.staff_code {
            Some(code) => {
                params.filters.push(("assignee".into(), code.clone()));
                Ok(())
            }
            None => Err(bad(format!(
                "the account '{}' is not linked to a staff member (代维人员), so no orders are its own; an administrator links a contractor's account to one of its staff (staff_code), or filter by assignee",
                who.principal.user.name
            ))),
        },
        other => Err(bad(format!("'{other}' is not true or false"))),
    }
}

/// `GET /api/v1/orders`: filters kind, state, open, grade, lead_room, breached, customer,
/// contractor, assignee, region, circuit, element, code_prefix, q, and `mine`; sort; cursor
/// pagination.
#[utoipa::path(get, path = "/api/v1/orders", tag = TAG, operation_id = "list_orders",
    summary = "List work orders with filters, sorting and cursor pagination",
    params(OrderListQuery),
    responses(
        (status = 200, description = "one page of orders", body = PageOfOrders),
        (status = 422, description = "a bad filter value"),
    ))]
async fn list(
    State(state): State<AppState>,
    who: Who,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let mut params = list_params(pairs)?;
    mine_filter(&who, &mut params)?;
    let page = state
        .store
        .scoped(&who.caller)
        .orders(&params, Utc::now())
        .await?;
    Ok(Json(page).into_response())
}

/// `GET /api/v1/dashboard`: the caller's open orders at a glance, evaluated now; with
/// `mine=true` (a technician's own, issue 14) or `assignee=CODE`, only the orders assigned to
/// that person, every part of the overview alike. Other query parameters are ignored.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = TAG, operation_id = "dashboard",
    summary = "The overview of the caller's open orders: counts by state and grade, the most urgent \
        with their live clocks, joint handling with the next update due, breaches today",
    params(
        ("mine" = inline(Option<Flag>), Query, description = "true: only the orders assigned to the \
            staff member the caller's account is linked to (我的); a 422 for an account linked to none"),
        ("assignee" = Option<String>, Query, description = "only the orders assigned to the staff \
            member with this code (工号); an unknown code is a 422"),
    ),
    responses(
        (status = 200, description = "the overview, evaluated now",
            body = jike_store::dashboard::Dashboard),
        (status = 422, description = "`mine` for an account linked to nobody, an unknown `assignee`"),
    ))]
async fn dashboard(
    State(state): State<AppState>,
    who: Who,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let pairs = pairs
        .into_iter()
        .filter(|(k, _)| k == "mine" || k == "assignee")
        .collect();
    let mut params = list_params(pairs)?;
    mine_filter(&who, &mut params)?;
    let mut assignees: Vec<String> = params.filters.into_iter().map(|(_, v)| v).collect();
    assignees.dedup();
    let scoped = state.store.scoped(&who.caller);
    let overview = match assignees.as_slice() {
        [] => scoped.dashboard(Utc::now()).await?,
        [one] => scoped.dashboard_assigned_to(one, Utc::now()).await?,
        [..] => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "assignee",
                "names more than one staff member (assignee given twice, or another than mine=true, the caller's own); give one",
            )]))
        }
    };
    Ok(Json(overview).into_response())
}

/// An order is named by its id or by its code (`GD-20251001-000001`).
/// Not found when the caller's scope does not hold it.
async fn find(state: &AppState, who: &Who, key: &str) -> Result<Order, ApiError> {
    Ok(state
        .store
        .scoped(&who.caller)
        .order(key, Utc::now())
        .await?)
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = TAG, operation_id = "read_order",
    summary = "A work order with its links, events, live clocks and allowed events",
    params(("id" = String, Path, description = "the order's id or code")),
    responses(
        (status = 200, description = "the order", body = Order),
        (status = 404, description = "no such order"),
    ))]
async fn read(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(find(&state, &who, &key).await?).into_response())
}

/// `POST /api/v1/orders`: 201 with the order; with an `Idempotency-Key` header a repeated
/// request answers 200 with the order the first one made (`Idempotent-Replayed: true`).
#[utoipa::path(post, path = "/api/v1/orders", tag = TAG, operation_id = "create_order",
    summary = "Create a work order",
    description = "Grade, business type, region, lead room (R-F2) and contractor (R-MD) are derived when left out. \
        With an Idempotency-Key header a retried request returns the order the first one made (200, \
        Idempotent-Replayed: true); the same key with another body is a 409.",
    params(("Idempotency-Key" = Option<String>, Header, nullable = false,
        description = "a key from the calling system: one order per key")),
    request_body = OrderCreate,
    responses(
        (status = 201, description = "the order, with its clocks", body = Order),
        (status = 200, description = "the order an earlier request with this key made", body = Order),
        (status = 409, description = "the idempotency key was used for another request"),
        (status = 422, description = "bad input, each problem naming its field"),
    ))]
async fn create(
    State(state): State<AppState>,
    who: Who,
    headers: HeaderMap,
    Json(input): Json<OrderCreate>,
) -> Result<Response, ApiError> {
    let idempotency = match headers.get(IDEMPOTENCY_KEY) {
        None => None,
        Some(v) => {
            let key = v
                .to_str()
                .ok()
                .map(str::trim)
                .filter(|k| !k.is_empty() && k.len() <= 200)
                .ok_or_else(|| {
                    ApiError::Invalid(vec![FieldError::new(
                        "Idempotency-Key",
                        "must be 1 to 200 visible ASCII characters",
                    )])
                })?;
            // The digest of the request as understood (not as spelled): a retry that differs
            // only in whitespace or key order is the same request.
            let canonical = serde_json::to_vec(&input).unwrap_or_default();
            Some(Idempotency {
                key: key.to_string(),
                request_hash: hex::encode(Sha256::digest(&canonical)),
            })
        }
    };
    let created = state
        .store
        .scoped(&who.caller)
        .create_order(&input, idempotency.as_ref(), Utc::now())
        .await?;
    // The order's notifications go out now, not at the next poll (and no poll is caused when
    // nobody is to be told).
    if !state.config.notify.targets_for("order.created").is_empty() {
        crate::notify::wake();
    }
    let location = format!("/api/v1/orders/{}", created.order.id);
    let status = if created.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        [
            (header::LOCATION, location),
            (
                header::HeaderName::from_static("idempotent-replayed"),
                created.replayed.to_string(),
            ),
        ],
        Json(created.order),
    )
        .into_response())
}

async fn order_id(state: &AppState, who: &Who, key: &str) -> Result<i64, ApiError> {
    Ok(state.store.scoped(&who.caller).order_id(key).await?)
}

/// `POST /api/v1/orders/{id}/events`: 201 with the order as it now stands; 409 with
/// `allowed_events` when its state refuses the event.
#[utoipa::path(post, path = "/api/v1/orders/{id}/events", tag = TAG, operation_id = "record_event",
    summary = "Record an event: dispatch, accept, on site, suspend, restore, close …",
    params(("id" = String, Path, description = "the order's id or code")),
    request_body = EventCreate,
    responses(
        (status = 201, description = "the order as it now stands", body = Order),
        (status = 404, description = "no such order"),
        (status = 409, description = "the order's state refuses the event; `allowed_events` lists what it accepts"),
        (status = 422, description = "bad input, each problem naming its field"),
    ))]
async fn record_event(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
    Json(input): Json<EventCreate>,
) -> Result<Response, ApiError> {
    // Not found before forbidden: an order out of scope does not show that it exists.
    let id = order_id(&state, &who, &key).await?;
    if !who.role().may_record(input.kind) {
        let may: Vec<&str> = who.role().recordable().iter().map(|e| e.code()).collect();
        return Err(ApiError::Forbidden(format!(
            "the role {} may not record '{}'; it may record: {}",
            who.role().code(),
            input.kind.code(),
            if may.is_empty() {
                "nothing".to_string()
            } else {
                may.join(", ")
            }
        )));
    }
    let order = state
        .store
        .scoped(&who.caller)
        .record_event(id, &input, Utc::now())
        .await?;
    if !state.config.notify.targets_for("order.event").is_empty() {
        crate::notify::wake();
    }
    Ok((StatusCode::CREATED, Json(order)).into_response())
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/events", tag = TAG, operation_id = "order_events",
    summary = "The events of an order, oldest first",
    params(("id" = String, Path, description = "the order's id or code")),
    responses(
        (status = 200, description = "events", body = [OrderEvent]),
        (status = 404, description = "no such order"),
    ))]
async fn events(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let order = find(&state, &who, &key).await?;
    Ok(Json(order.events.unwrap_or_default()).into_response())
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/timers", tag = TAG, operation_id = "order_timers",
    summary = "The durable timers of an order: warnings, breaches, escalation, updates",
    params(("id" = String, Path, description = "the order's id or code")),
    responses(
        (status = 200, description = "timers", body = [TimerView]),
        (status = 404, description = "no such order"),
    ))]
async fn timers(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    // 404 for an unknown order rather than an empty list.
    let id = order_id(&state, &who, &key).await?;
    Ok(Json(state.store.timers_of(id).await?).into_response())
}

#[utoipa::path(get, path = "/api/v1/sla/policies", tag = SLA, operation_id = "sla_policies",
    summary = "The stored versions of the SLA policy",
    responses((status = 200, description = "versions, oldest first", body = [PolicyVersion])))]
async fn policies(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.store.policy_versions().await?).into_response())
}

fn text_body(body: &Bytes, what: &str) -> Result<String, ApiError> {
    String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::BadRequest(format!("the {what} must be UTF-8 text")))
}

/// `POST /api/v1/sla/policies`: a new policy version, the TOML file as the body.
#[utoipa::path(post, path = "/api/v1/sla/policies", tag = SLA, operation_id = "load_sla_policy",
    summary = "Store a new version of the SLA policy (TOML)",
    request_body(content = String, content_type = "application/toml",
        description = "the policy file; see examples/sla-policy.toml"),
    responses(
        (status = 201, description = "the stored version", body = PolicyVersion),
        (status = 409, description = "that version is already stored"),
        (status = 422, description = "the file is invalid; the problem names the field"),
    ))]
async fn load_policy(
    State(state): State<AppState>,
    who: Who,
    body: Bytes,
) -> Result<Response, ApiError> {
    let source = text_body(&body, "policy file")?;
    let version = state.store.load_policy(&source, &who.caller.user).await?;
    let entry = who
        .caller
        .audit(
            "sla_policies.create",
            format!("sla_policies/{}", version.id),
        )
        .with_after(serde_json::json!({ "source": source }));
    state.store.audit(&entry).await?;
    Ok((StatusCode::CREATED, Json(version)).into_response())
}

/// `GET /api/v1/sla/policies/{id}`: the policy file of a version, as loaded.
#[utoipa::path(get, path = "/api/v1/sla/policies/{id}", tag = SLA, operation_id = "sla_policy_source",
    summary = "The policy file of a version, as loaded",
    params(("id" = String, Path, description = "the version's id")),
    responses(
        (status = 200, description = "the TOML file"),
        (status = 404, description = "no such version"),
    ))]
async fn policy_source(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound(format!("'{id}' is not a policy id")))?;
    let source = state.store.policy_source(id).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/toml; charset=utf-8")],
        source,
    )
        .into_response())
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct EvaluateQuery {
    at: Option<String>,
}

/// `POST /api/v1/sla/evaluate?at=TIME`: the body is an events file; the answer is what
/// `jike sla evaluate` prints, with the stored policy in force at the first event.
#[utoipa::path(post, path = "/api/v1/sla/evaluate", tag = SLA, operation_id = "sla_evaluate",
    summary = "Evaluate one order's events against the stored policy (as `jike sla evaluate`)",
    params(("at" = inline(Option<Instant>), Query, description = "RFC 3339; default now")),
    request_body(content = String, content_type = "application/json",
        description = "{\"order\": {kind, grade, business_type}, \"events\": [{type, at, …}]}"),
    responses(
        (status = 200, description = "clocks, escalations, updates_due"),
        (status = 422, description = "bad events; the problem names the field"),
    ))]
async fn evaluate(
    State(state): State<AppState>,
    query: Result<Query<EvaluateQuery>, axum::extract::rejection::QueryRejection>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let Query(q) = query?;
    let text = text_body(&body, "events file")?;
    let input = jike_domain::sla::parse_order_json(&text).map_err(|e| sla_error(e.into()))?;
    let at = match q.at.as_deref() {
        Some(t) => jike_domain::sla::parse_time(t, "at").map_err(|e| sla_error(e.into()))?,
        None => Utc::now().timestamp(),
    };
    let first = input.events.first().map_or(at, |e| e.at);
    let policy = state
        .store
        .policy_in_force(jike_store::orders::utc(first))
        .await?;
    let days = state.store.workdays().await?;
    let report = jike_domain::evaluate_order(&policy, &days, &input, at).map_err(sla_error)?;
    Ok(Json(report).into_response())
}

fn sla_error(e: jike_domain::sla::SlaError) -> ApiError {
    use jike_domain::sla::{InputError, SlaError};
    match e {
        SlaError::Input(InputError::Field { field, message }) => {
            ApiError::Invalid(vec![FieldError::new(field, message)])
        }
        other => ApiError::Invalid(vec![FieldError::new("events", other.to_string())]),
    }
}

#[utoipa::path(get, path = "/api/v1/calendars/workdays", tag = SLA, operation_id = "workday_years",
    summary = "The working-day calendar's years (R-C2): built in and loaded",
    responses((status = 200, description = "years", body = [WorkdayYearRecord])))]
async fn workday_years(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.store.workday_years().await?).into_response())
}

/// `PUT /api/v1/calendars/workdays`: one year of the official calendar (R-C2), as the TOML year
/// file `jike calendar load` reads.
#[utoipa::path(put, path = "/api/v1/calendars/workdays", tag = SLA, operation_id = "load_workday_year",
    summary = "Load or replace one year of the official calendar (TOML year file)",
    request_body(content = String, content_type = "application/toml",
        description = "year = 2027, holidays = [...], make_up_workdays = [...]"),
    responses(
        (status = 200, description = "the year loaded"),
        (status = 422, description = "the file is invalid"),
    ))]
async fn load_workday_year(
    State(state): State<AppState>,
    who: Who,
    body: Bytes,
) -> Result<Response, ApiError> {
    let source = text_body(&body, "calendar file")?;
    let year = state
        .store
        .load_workday_year(&source, &who.caller.user)
        .await?;
    let entry = who
        .caller
        .audit("calendars.load", format!("calendars/workdays/{year}"))
        .with_after(serde_json::json!({ "source": source }));
    state.store.audit(&entry).await?;
    Ok(Json(serde_json::json!({ "year": year, "loaded": true })).into_response())
}
