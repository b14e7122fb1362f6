//! The OpenAPI 3.1 document, generated from the code: the schemas come from the domain types'
//! `ToSchema`, the inventory paths from the same [`Resource`] list that builds the routes, so a
//! kind cannot be routed without being documented.

use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItemBuilder,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Ref,
    RefOr, Required, ResponseBuilder,
};
use utoipa::ToSchema;

use crate::error::Problem;
use crate::resources::{paging_params, Resource};

type Schemas = Vec<(String, RefOr<Schema>)>;

fn collect<T: ToSchema>(schemas: &mut Schemas) {
    T::schemas(schemas);
    schemas.push((T::name().into_owned(), T::schema()));
}

fn reference<T: ToSchema>() -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(T::name()))
}

/// A generic type's schema under its own name: utoipa names every `Page<T>` plain `Page`, so
/// the pages of orders, findings and audit entries would overwrite one another.
pub(crate) fn collect_named<T: ToSchema>(schemas: &mut Schemas, name: &str) {
    T::schemas(schemas);
    schemas.push((name.into(), T::schema()));
}

pub(crate) fn named(name: &str) -> RefOr<Schema> {
    RefOr::Ref(Ref::from_schema_name(name))
}

fn json(schema: RefOr<Schema>) -> utoipa::openapi::Content {
    ContentBuilder::new().schema(Some(schema)).build()
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/problem+json", json(reference::<Problem>()))
        .build()
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

/// Adds the list/create/read/update/delete paths of one kind.
pub(crate) fn add_resource<R: Resource>(
    paths: PathsBuilder,
    schemas: &mut Schemas,
) -> PathsBuilder {
    collect::<R::Input>(schemas);
    collect::<R::Output>(schemas);
    let tag = R::TAG;
    let noun = R::SPEC.noun;
    let page = ObjectBuilder::new()
        .property("items", ArrayBuilder::new().items(reference::<R::Output>()))
        .required("items")
        .property(
            "next_cursor",
            ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                    Type::String,
                    Type::Null,
                ]))
                .description(Some(
                    "pass as `cursor` for the next page; null on the last page",
                )),
        )
        .required("next_cursor");

    let mut list_params: Vec<_> = R::SPEC
        .filters
        .iter()
        .map(|f| string_param(f.param, ParameterIn::Query, false, f.doc))
        .collect();
    let sorts: Vec<&str> = R::SPEC.sorts.iter().map(|s| s.name).collect();
    for p in paging_params() {
        let doc = match *p {
            "sort" => format!(
                "one of {}; prefix - for descending; default id",
                sorts.join(", ")
            ),
            "limit" => format!(
                "rows per page, 1 to {}, default {}",
                jike_store::MAX_LIMIT,
                jike_store::DEFAULT_LIMIT
            ),
            "cursor" => "the next_cursor of the previous page".to_string(),
            _ => "true to show confidential fields unmasked".to_string(),
        };
        list_params.push(string_param(p, ParameterIn::Query, false, &doc));
    }
    let list = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("list_{}", R::PATH)))
        .summary(Some(format!(
            "List {noun}s with filters, sorting and cursor pagination"
        )))
        .parameters(Some(list_params))
        .response(
            "200",
            ResponseBuilder::new()
                .description("one page")
                .content("application/json", json(page.into()))
                .build(),
        )
        .response(
            "422",
            problem("an unknown filter, a bad value, sort, limit or cursor"),
        );
    let body = RequestBodyBuilder::new()
        .required(Some(Required::True))
        .content("application/json", json(reference::<R::Input>()))
        .build();
    let one = || {
        ResponseBuilder::new()
            .description(format!("the {noun}"))
            .content("application/json", json(reference::<R::Output>()))
            .build()
    };
    let create = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("create_{}", R::PATH)))
        .summary(Some(format!("Create a {noun}")))
        .request_body(Some(body.clone()))
        .response("201", one())
        .response("400", problem("the body is not JSON"))
        .response("409", problem("the code is taken"))
        .response("422", problem("a field is invalid or refers to nothing"));
    let id = || {
        string_param(
            "id",
            ParameterIn::Path,
            true,
            "the numeric id, or the code (GET only)",
        )
    };
    let read = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("get_{}", R::PATH)))
        .summary(Some(format!("Read a {noun}")))
        .parameter(id())
        .response("200", one())
        .response("404", problem("no such id"));
    let update = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("update_{}", R::PATH)))
        .summary(Some(format!("Replace a {noun}")))
        .parameter(id())
        .request_body(Some(body))
        .response("200", one())
        .response("404", problem("no such id"))
        .response("409", problem("the new code is taken"))
        .response("422", problem("a field is invalid or refers to nothing"));
    let delete = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(format!("delete_{}", R::PATH)))
        .summary(Some(format!("Delete a {noun}")))
        .parameter(id())
        .response("204", ResponseBuilder::new().description("deleted").build())
        .response("404", problem("no such id"))
        .response("409", problem("other rows still refer to it"));
    paths
        .path(
            format!("/api/v1/{}", R::PATH),
            PathItemBuilder::new()
                .operation(HttpMethod::Get, list)
                .operation(HttpMethod::Post, create)
                .build(),
        )
        .path(
            format!("/api/v1/{}/{{id}}", R::PATH),
            PathItemBuilder::new()
                .operation(HttpMethod::Get, read)
                .operation(HttpMethod::Put, update)
                .operation(HttpMethod::Delete, delete)
                .build(),
        )
}

/// The paths that are not one kind's CRUD: import, export, grade history, health, metrics.
pub(crate) fn add_other(paths: PathsBuilder, schemas: &mut Schemas) -> PathsBuilder {
    collect::<Problem>(schemas);
    collect::<jike_store::ImportReport>(schemas);
    collect::<jike_domain::GradePeriod>(schemas);
    let kind = || string_param("kind", ParameterIn::Path, true, jike_sheets::Kind::CODES);
    let format = || {
        string_param(
            "format",
            ParameterIn::Query,
            false,
            "csv or xlsx; guessed from the body when absent",
        )
    };
    let binary = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::Custom("binary".into())))
    };
    let import = OperationBuilder::new()
        .tag("import and export 导入导出")
        .operation_id(Some("import"))
        .summary(Some("Import a .xlsx or CSV file: all rows or none"))
        .description(Some(
            "The body is the file itself, or multipart/form-data with a `file` part. Rows are upserted by code; \
             a file with any bad row writes nothing and answers 422 with every row error. With dry_run=true \
             nothing is written and the report says what would be.",
        ))
        .parameter(kind())
        .parameter(format())
        .parameter(string_param("dry_run", ParameterIn::Query, false, "true to check and count without writing"))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content("text/csv", ContentBuilder::new().schema(Some(binary())).build())
                .content(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ContentBuilder::new().schema(Some(binary())).build(),
                )
                .build(),
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("what was imported")
                .content("application/json", json(reference::<jike_store::ImportReport>()))
                .build(),
        )
        .response(
            "413",
            problem(
                "the file is larger than max_upload_mb, or the .xlsx inflates beyond its zip \
                 limits (the detail names the entry)",
            ),
        )
        .response("422", problem("bad rows, each with its row number, column and reason"));
    let export = OperationBuilder::new()
        .tag("import and export 导入导出")
        .operation_id(Some("export"))
        .summary(Some(
            "Export every row of a kind as a file that import reads back",
        ))
        .parameter(kind())
        .parameter(string_param(
            "format",
            ParameterIn::Query,
            false,
            "csv (default) or xlsx",
        ))
        .parameter(string_param(
            "headers",
            ParameterIn::Query,
            false,
            "zh (default) or en",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("the file")
                .content(
                    "text/csv",
                    ContentBuilder::new().schema(Some(binary())).build(),
                )
                .content(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    ContentBuilder::new().schema(Some(binary())).build(),
                )
                .build(),
        );
    let history = OperationBuilder::new()
        .tag("customers 客户")
        .operation_id(Some("customer_grade_history"))
        .summary(Some("A customer's service grades over time (R-SL3)"))
        .parameter(string_param(
            "id",
            ParameterIn::Path,
            true,
            "the customer's id",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("grade periods, oldest first")
                .content(
                    "application/json",
                    json(
                        ArrayBuilder::new()
                            .items(reference::<jike_domain::GradePeriod>())
                            .into(),
                    ),
                )
                .build(),
        )
        .response("404", problem("no such customer"));
    let health = OperationBuilder::new()
        .tag("operations 运维")
        .operation_id(Some("healthz"))
        .summary(Some("Liveness and database reachability"))
        .response(
            "200",
            ResponseBuilder::new()
                .description("the service and its database answer")
                .build(),
        )
        .response("503", problem("the database does not answer"));
    let metrics = OperationBuilder::new()
        .tag("operations 运维")
        .operation_id(Some("metrics"))
        .summary(Some("Prometheus metrics (OpenMetrics text)"))
        .response("200", ResponseBuilder::new().description("metrics").build());
    let console = |id: &str, summary: &str, ok: utoipa::openapi::Response| {
        PathItemBuilder::new()
            .operation(
                HttpMethod::Get,
                OperationBuilder::new()
                    .tag("console 控制台")
                    .operation_id(Some(id))
                    .summary(Some(summary))
                    .response(
                        if ok.description.starts_with("redirect") {
                            "303"
                        } else {
                            "200"
                        },
                        ok,
                    )
                    .build(),
            )
            .build()
    };
    let redirect = || {
        ResponseBuilder::new()
            .description("redirect to /console/")
            .build()
    };
    let paths = paths
        .path("/", console("root", "The console's address", redirect()))
        .path(
            "/console",
            console("console_bare", "The console's address", redirect()),
        )
        .path(
            "/console/",
            console(
                "console",
                "The web console (embedded single-page application, zh-CN by default)",
                ResponseBuilder::new()
                    .description("the console's page")
                    .build(),
            ),
        )
        .path(
            "/console/{path}",
            console(
                "console_asset",
                "One of the console's embedded scripts, styles or images",
                ResponseBuilder::new()
                    .description("the file (404 when there is none)")
                    .build(),
            ),
        );
    paths
        .path(
            "/api/v1/import/{kind}",
            PathItemBuilder::new()
                .operation(HttpMethod::Post, import)
                .build(),
        )
        .path(
            "/api/v1/export/{kind}",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, export)
                .build(),
        )
        .path(
            "/api/v1/customers/{id}/grade-history",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, history)
                .build(),
        )
        .path(
            "/healthz",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, health)
                .build(),
        )
        .path(
            "/metrics",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, metrics)
                .build(),
        )
}

fn ok_json(description: &str, schema: RefOr<Schema>) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content("application/json", json(schema))
        .build()
}

fn array_of<T: ToSchema>() -> RefOr<Schema> {
    ArrayBuilder::new().items(reference::<T>()).into()
}

fn json_body(schema: RefOr<Schema>) -> Option<utoipa::openapi::request_body::RequestBody> {
    Some(
        RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content("application/json", json(schema))
            .build(),
    )
}

fn text_body(media: &str, description: &str) -> Option<utoipa::openapi::request_body::RequestBody> {
    Some(
        RequestBodyBuilder::new()
            .required(Some(Required::True))
            .description(Some(description))
            .content(
                media,
                ContentBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .build(),
            )
            .build(),
    )
}

/// The work-order, SLA policy and calendar paths (`orders.rs`).
pub(crate) fn add_orders(paths: PathsBuilder, schemas: &mut Schemas) -> PathsBuilder {
    use jike_domain::{EventCreate, Order, OrderCreate};
    use jike_store::{Page, PolicyVersion, TimerView, WorkdayYearRecord};
    collect::<Order>(schemas);
    collect::<OrderCreate>(schemas);
    collect::<EventCreate>(schemas);
    collect::<PolicyVersion>(schemas);
    collect::<TimerView>(schemas);
    collect::<WorkdayYearRecord>(schemas);
    collect_named::<Page<Order>>(schemas, "PageOfOrders");
    const TAG: &str = "orders 工单";
    let id = || string_param("id", ParameterIn::Path, true, "the order's id or code");
    let mut list = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("list_orders"))
        .summary(Some(
            "List work orders with filters, sorting and cursor pagination",
        ));
    for f in <jike_store::Orders as jike_store::Entity>::SPEC.filters {
        list = list.parameter(string_param(f.param, ParameterIn::Query, false, f.doc));
    }
    list = list.parameter(string_param(
        "mine",
        ParameterIn::Query,
        false,
        "true: the orders assigned to the staff member the caller's account is linked to (我的工单); \
         a 422 for an account linked to none",
    ));
    for p in paging_params().iter().filter(|p| **p != "reveal") {
        list = list.parameter(string_param(p, ParameterIn::Query, false, "paging"));
    }
    let list = list
        .response("200", ok_json("one page of orders", named("PageOfOrders")))
        .response("422", problem("a bad filter value"));
    let create = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("create_order"))
        .summary(Some("Create a work order"))
        .description(Some(
            "Grade, business type, region, lead room (R-F2) and contractor (R-MD) are derived when left out. \
             With an Idempotency-Key header a retried request returns the order the first one made (200, \
             Idempotent-Replayed: true); the same key with another body is a 409.",
        ))
        .parameter(string_param(
            "Idempotency-Key",
            ParameterIn::Header,
            false,
            "a key from the calling system: one order per key",
        ))
        .request_body(json_body(reference::<OrderCreate>()))
        .response("201", ok_json("the order, with its clocks", reference::<Order>()))
        .response("200", ok_json("the order an earlier request with this key made", reference::<Order>()))
        .response("409", problem("the idempotency key was used for another request"))
        .response("422", problem("bad input, each problem naming its field"));
    let read = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("read_order"))
        .summary(Some(
            "A work order with its links, events, live clocks and allowed events",
        ))
        .parameter(id())
        .response("200", ok_json("the order", reference::<Order>()))
        .response("404", problem("no such order"));
    let record = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("record_event"))
        .summary(Some(
            "Record an event: dispatch, accept, on site, suspend, restore, close …",
        ))
        .parameter(id())
        .request_body(json_body(reference::<EventCreate>()))
        .response(
            "201",
            ok_json("the order as it now stands", reference::<Order>()),
        )
        .response("404", problem("no such order"))
        .response(
            "409",
            problem("the order's state refuses the event; `allowed_events` lists what it accepts"),
        )
        .response("422", problem("bad input, each problem naming its field"));
    let events = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("order_events"))
        .summary(Some("The events of an order, oldest first"))
        .parameter(id())
        .response(
            "200",
            ok_json("events", array_of::<jike_domain::OrderEvent>()),
        )
        .response("404", problem("no such order"));
    collect::<jike_domain::OrderEvent>(schemas);
    let timers = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("order_timers"))
        .summary(Some(
            "The durable timers of an order: warnings, breaches, escalation, updates",
        ))
        .parameter(id())
        .response("200", ok_json("timers", array_of::<TimerView>()))
        .response("404", problem("no such order"));
    const SLA: &str = "SLA 服务等级";
    let policies = OperationBuilder::new()
        .tag(SLA)
        .operation_id(Some("sla_policies"))
        .summary(Some("The stored versions of the SLA policy"))
        .response(
            "200",
            ok_json("versions, oldest first", array_of::<PolicyVersion>()),
        );
    let load_policy = OperationBuilder::new()
        .tag(SLA)
        .operation_id(Some("load_sla_policy"))
        .summary(Some("Store a new version of the SLA policy (TOML)"))
        .request_body(text_body(
            "application/toml",
            "the policy file; see examples/sla-policy.toml",
        ))
        .response(
            "201",
            ok_json("the stored version", reference::<PolicyVersion>()),
        )
        .response("409", problem("that version is already stored"))
        .response(
            "422",
            problem("the file is invalid; the problem names the field"),
        );
    let policy = OperationBuilder::new()
        .tag(SLA)
        .operation_id(Some("sla_policy_source"))
        .summary(Some("The policy file of a version, as loaded"))
        .parameter(string_param(
            "id",
            ParameterIn::Path,
            true,
            "the version's id",
        ))
        .response(
            "200",
            ResponseBuilder::new().description("the TOML file").build(),
        )
        .response("404", problem("no such version"));
    let evaluate = OperationBuilder::new()
        .tag(SLA)
        .operation_id(Some("sla_evaluate"))
        .summary(Some(
            "Evaluate one order's events against the stored policy (as `jike sla evaluate`)",
        ))
        .parameter(string_param(
            "at",
            ParameterIn::Query,
            false,
            "RFC 3339; default now",
        ))
        .request_body(text_body(
            "application/json",
            "{\"order\": {kind, grade, business_type}, \"events\": [{type, at, …}]}",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("clocks, escalations, updates_due")
                .build(),
        )
        .response("422", problem("bad events; the problem names the field"));
    let years = OperationBuilder::new()
        .tag(SLA)
        .operation_id(Some("workday_years"))
        .summary(Some(
            "The working-day calendar's years (R-C2): built in and loaded",
        ))
        .response("200", ok_json("years", array_of::<WorkdayYearRecord>()));
    let load_year = OperationBuilder::new()
        .tag(SLA)
        .operation_id(Some("load_workday_year"))
        .summary(Some(
            "Load or replace one year of the official calendar (TOML year file)",
        ))
        .request_body(text_body(
            "application/toml",
            "year = 2027, holidays = [...], make_up_workdays = [...]",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("the year loaded")
                .build(),
        )
        .response("422", problem("the file is invalid"));
    paths
        .path(
            "/api/v1/orders",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, list)
                .operation(HttpMethod::Post, create)
                .build(),
        )
        .path(
            "/api/v1/orders/{id}",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, read)
                .build(),
        )
        .path(
            "/api/v1/orders/{id}/events",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, events)
                .operation(HttpMethod::Post, record)
                .build(),
        )
        .path(
            "/api/v1/orders/{id}/timers",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, timers)
                .build(),
        )
        .path(
            "/api/v1/sla/policies",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, policies)
                .operation(HttpMethod::Post, load_policy)
                .build(),
        )
        .path(
            "/api/v1/sla/policies/{id}",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, policy)
                .build(),
        )
        .path(
            "/api/v1/sla/evaluate",
            PathItemBuilder::new()
                .operation(HttpMethod::Post, evaluate)
                .build(),
        )
        .path(
            "/api/v1/calendars/workdays",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, years)
                .operation(HttpMethod::Put, load_year)
                .build(),
        )
}

pub(crate) fn document(paths: PathsBuilder, schemas: Schemas) -> OpenApi {
    let mut components = ComponentsBuilder::new();
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    let mut doc = OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("jike 集客专线服务保障")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(
                    "Service assurance of enterprise private lines: inventory, import and export. Times are \
                     RFC 3339 with an offset; values are accepted by code or Chinese name; errors are RFC 9457 \
                     problem details.",
                ))
                .build(),
        )
        .paths(paths.build())
        .components(Some(components.build()))
        .build();
    complete(&mut doc);
    doc
}

/// Tells the whole truth about every operation: the types of the parameters the handlers
/// parse (integers, instants, booleans, closed sets), and each problem status that can answer
/// it besides its own (the access rule's 401 and 403, a bad body's 400, 413 and 415, bad text
/// in the path or query's 422, the database out of reach's 503). Checked by schemathesis
/// (`.ci/schemathesis`).
fn complete(doc: &mut OpenApi) {
    use crate::access::{rule_of, Allow};
    use axum::http::Method;
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/v1/") && path != "/api/v1/openapi.json";
        // OpenAPI writes axum's catch-all `{*path}` as `{path}`.
        let route = path.replace("{path}", "{*path}");
        for (method, op) in [
            (Method::GET, item.get.as_mut()),
            (Method::POST, item.post.as_mut()),
            (Method::PUT, item.put.as_mut()),
            (Method::PATCH, item.patch.as_mut()),
            (Method::DELETE, item.delete.as_mut()),
        ] {
            let Some(op) = op else { continue };
            // Every `{name}` of the path is a parameter (the console's `{path}` had none).
            for name in path.split('{').skip(1).filter_map(|p| p.split('}').next()) {
                let params = op.parameters.get_or_insert_with(Vec::new);
                if !params.iter().any(|p| p.name == name) {
                    params.push(string_param(
                        name,
                        ParameterIn::Path,
                        true,
                        "a part of the address",
                    ));
                }
            }
            for param in op.parameters.iter_mut().flatten() {
                if let Some(schema) = parameter_schema(path, &param.name, &param.parameter_in) {
                    param.schema = Some(schema);
                }
            }
            let mut add = |status: &str, what: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| problem(what).into());
            };
            let public = rule_of(&method, &route).is_none_or(|r| r.allow == Allow::Public);
            if !public {
                add(
                    "401",
                    "no credentials, or a token or session that is unknown, expired or revoked",
                );
                add(
                    "403",
                    "the caller's role, or the token's scope, does not allow this call",
                );
            }
            if !api {
                // The console answers an unknown file with an empty 404.
                if path.contains('{') {
                    op.responses
                        .responses
                        .entry("404".into())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description("no such file")
                                .build()
                                .into()
                        });
                }
                continue;
            }
            if path.contains('{') {
                add("404", "nothing at this address that the caller sees");
            }
            add(
                "422",
                "bad text (a NUL byte, invalid UTF-8) in the path or the query, or a bad parameter",
            );
            add(
                "503",
                "the database does not answer; retry after Retry-After seconds",
            );
            if op
                .parameters
                .iter()
                .flatten()
                .any(|p| matches!(p.parameter_in, ParameterIn::Query))
            {
                add("400", "a query string that does not parse");
            }
            if let Some(body) = &op.request_body {
                let is_json = body.content.contains_key("application/json");
                if is_json {
                    add("400", "the body is not JSON");
                }
                add("413", "the body is larger than the service accepts");
                add(
                    "415",
                    "the body is not of a media type this operation reads",
                );
            }
        }
    }
}

/// The schema of a parameter the handlers parse into something narrower than text.
fn parameter_schema(path: &str, name: &str, location: &ParameterIn) -> Option<RefOr<Schema>> {
    use utoipa::openapi::schema::SchemaFormat;
    use utoipa::openapi::KnownFormat;
    let integer = |max: Option<u32>| {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(1))
                .maximum(max)
                .build(),
        ))
    };
    // A query parameter given empty (`?severity=`) is as if absent, in every handler.
    let empty_too = |location: &ParameterIn, values: &[&'static str]| {
        let mut values = values.to_vec();
        if matches!(location, ParameterIn::Query) {
            values.push("");
        }
        values
    };
    let one_of = |values: Vec<&str>| {
        RefOr::T(Schema::Object(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(values))
                .build(),
        ))
    };
    let one_of = |values: &[&'static str]| one_of(empty_too(location, values));
    Some(match (location, name) {
        (ParameterIn::Query, "limit") => integer(Some(if path == "/api/v1/notifications" {
            jike_store::outbox::MAX_NOTIFICATION_LIMIT
        } else if path == "/api/v1/config-findings" {
            jike_store::configs::MAX_FINDINGS_LIMIT
        } else {
            jike_store::MAX_LIMIT
        })),
        (ParameterIn::Query, "order_id" | "upload") => integer(None),
        (ParameterIn::Query, "since" | "until" | "at") => RefOr::T(Schema::OneOf(
            utoipa::openapi::schema::OneOfBuilder::new()
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
                )
                .item(one_of(&[]))
                .description(Some(
                    "an RFC 3339 instant with its offset; empty is as if absent",
                ))
                .build(),
        )),
        (ParameterIn::Query, "reveal" | "dry_run" | "open" | "breached" | "mine") => RefOr::T(
            Schema::Object(ObjectBuilder::new().schema_type(Type::Boolean).build()),
        ),
        (ParameterIn::Path, "kind") => one_of(&[
            "regions",
            "contractors",
            "customers",
            "sites",
            "elements",
            "circuits",
            "staff",
            "instruments",
            "vehicles",
        ]),
        (ParameterIn::Query, "format") => one_of(&["csv", "xlsx"]),
        (ParameterIn::Query, "headers") => one_of(&["zh", "en"]),
        (ParameterIn::Query, "severity") => one_of(&["error", "warning", "note"]),
        (ParameterIn::Query, "status") if path == "/api/v1/notifications" => {
            one_of(&["pending", "delivered", "failed"])
        }
        (ParameterIn::Query, "vendor") if path.ends_with("/config") => {
            one_of(&["auto", "huawei", "华为", "h3c", "华三", "cisco", "思科"])
        }
        (ParameterIn::Query, "role") if path.ends_with("/config") => {
            one_of(&["access", "接入", "aggregation", "汇聚", "core", "核心"])
        }
        _ => return None,
    })
}

/// `GET /api/v1/notifications`: the outbox with its delivery attempts.
/// The monitoring room's overview (`GET /api/v1/dashboard`).
pub(crate) fn add_dashboard(paths: PathsBuilder, schemas: &mut Schemas) -> PathsBuilder {
    use jike_store::dashboard::{
        BreachedOrder, BreachedToday, Dashboard, JointHandling, StateGradeCount,
    };
    collect::<StateGradeCount>(schemas);
    collect::<JointHandling>(schemas);
    collect::<BreachedOrder>(schemas);
    collect::<BreachedToday>(schemas);
    collect::<Dashboard>(schemas);
    let get = OperationBuilder::new()
        .tag("orders 工单")
        .operation_id(Some("dashboard"))
        .summary(Some(
            "The overview of the caller's open orders: counts by state and grade, the most urgent \
             with their live clocks, joint handling with the next update due, breaches today",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("the overview, evaluated now")
                .content("application/json", json(reference::<Dashboard>()))
                .build(),
        )
        .build();
    paths.path(
        "/api/v1/dashboard",
        PathItemBuilder::new()
            .operation(HttpMethod::Get, get)
            .build(),
    )
}

pub(crate) fn add_notifications(paths: PathsBuilder, schemas: &mut Schemas) -> PathsBuilder {
    use jike_store::outbox::{DeliveryAttempt, Notification, NotificationPage};
    collect::<jike_store::outbox::Channel>(schemas);
    collect::<jike_store::outbox::DeliveryStatus>(schemas);
    collect::<DeliveryAttempt>(schemas);
    collect::<Notification>(schemas);
    collect::<NotificationPage>(schemas);
    let list = OperationBuilder::new()
        .tag("notifications 通知")
        .operation_id(Some("list_notifications"))
        .summary(Some(
            "Notifications (webhook and e-mail), newest first, with their delivery attempts",
        ))
        .parameter(string_param(
            "order_id",
            ParameterIn::Query,
            false,
            "only the notifications of this order",
        ))
        .parameter(string_param(
            "status",
            ParameterIn::Query,
            false,
            "pending, delivered or failed",
        ))
        .parameter(string_param(
            "limit",
            ParameterIn::Query,
            false,
            &format!(
                "rows per page, 1 to {}, default {}",
                jike_store::outbox::MAX_NOTIFICATION_LIMIT,
                jike_store::DEFAULT_LIMIT
            ),
        ))
        .parameter(string_param(
            "cursor",
            ParameterIn::Query,
            false,
            "the next_cursor of the previous page",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("one page")
                .content("application/json", json(reference::<NotificationPage>()))
                .build(),
        )
        .response(
            "422",
            problem("an unknown parameter, a bad status, limit or cursor"),
        );
    paths.path(
        "/api/v1/notifications",
        PathItemBuilder::new()
            .operation(HttpMethod::Get, list)
            .build(),
    )
}

/// One operation: tag, id, summary, an optional JSON body, its success and its problems.
fn operation(
    tag: &str,
    id: &str,
    summary: &str,
    body: Option<RefOr<Schema>>,
    ok: (&str, utoipa::openapi::Response),
    problems: &[(&str, &str)],
) -> utoipa::openapi::path::Operation {
    let mut op = OperationBuilder::new()
        .tag(tag)
        .operation_id(Some(id))
        .summary(Some(summary));
    if let Some(schema) = body {
        op = op.request_body(json_body(schema));
    }
    op = op.response(ok.0, ok.1);
    for (status, what) in problems {
        op = op.response(*status, problem(what));
    }
    op.build()
}

/// Login and logout, users, API tokens and the access rules (`accounts.rs`, `access.rs`).
pub(crate) fn add_accounts(paths: PathsBuilder, schemas: &mut Schemas) -> PathsBuilder {
    use crate::accounts::{LoginInput, Me, NewToken, TokenInput, UserChange};
    use jike_store::users::{ApiToken, NewUser, User};
    collect::<jike_domain::Role>(schemas);
    collect::<LoginInput>(schemas);
    collect::<Me>(schemas);
    collect::<User>(schemas);
    collect::<NewUser>(schemas);
    collect::<UserChange>(schemas);
    collect::<ApiToken>(schemas);
    collect::<TokenInput>(schemas);
    collect::<NewToken>(schemas);
    const AUTH: &str = "auth 登录";
    const USERS: &str = "users 用户";
    let with_param = |op: utoipa::openapi::path::Operation, name: &str, what: &str| {
        let mut op = op;
        op.parameters
            .get_or_insert_with(Vec::new)
            .push(string_param(name, ParameterIn::Path, true, what));
        op
    };
    let login = operation(
        AUTH,
        "login",
        "Log in: sets the session cookie (HttpOnly, SameSite=Strict) and returns the CSRF token to \
         repeat in X-CSRF-Token on writes",
        Some(reference::<LoginInput>()),
        ("200", ok_json("the user, its CSRF token", reference::<Me>())),
        &[
            ("401", "wrong user name or password (answered more slowly after repeated failures)"),
            ("429", "the account is locked after too many failed logins"),
        ],
    );
    let logout = operation(
        AUTH,
        "logout",
        "Log out: ends the session and clears its cookies",
        None,
        (
            "204",
            ResponseBuilder::new().description("logged out").build(),
        ),
        &[("401", "not logged in")],
    );
    let me = operation(
        AUTH,
        "me",
        "The caller's account and the events its role may record",
        None,
        ("200", ok_json("the caller", reference::<Me>())),
        &[("401", "not logged in")],
    );
    let list_users = operation(
        USERS,
        "list_users",
        "Every account (administrators)",
        None,
        ("200", ok_json("the accounts", array_of::<User>())),
        &[("401", "not logged in"), ("403", "not an administrator")],
    );
    let add_user = operation(
        USERS,
        "add_user",
        "Add an account; each role needs its anchor (room, contractor_code, customer_code)",
        Some(reference::<NewUser>()),
        ("201", ok_json("the account", reference::<User>())),
        &[
            ("403", "not an administrator"),
            ("409", "the name is taken"),
            ("422", "a field is wrong, named in errors"),
        ],
    );
    let get_user = with_param(
        operation(
            USERS,
            "get_user",
            "One account",
            None,
            ("200", ok_json("the account", reference::<User>())),
            &[("403", "not an administrator"), ("404", "no such user")],
        ),
        "name",
        "the login name",
    );
    let change_user = with_param(
        operation(
            USERS,
            "change_user",
            "Disable or enable an account, or set its password",
            Some(reference::<UserChange>()),
            ("200", ok_json("the account", reference::<User>())),
            &[
                ("403", "not an administrator"),
                ("404", "no such user"),
                ("422", "a bad password, or nothing to change"),
            ],
        ),
        "name",
        "the login name",
    );
    let list_tokens = operation(
        USERS,
        "list_tokens",
        "API tokens: the caller's own; an administrator's any user's (?user=) or all",
        None,
        (
            "200",
            ok_json("the tokens, never their secrets", array_of::<ApiToken>()),
        ),
        &[("401", "not logged in"), ("403", "another user's tokens")],
    );
    let create_token = operation(
        USERS,
        "create_token",
        "Create an API token (scopes read, write; optional expiry); the secret is shown once",
        Some(reference::<TokenInput>()),
        (
            "201",
            ok_json("the token and its secret", reference::<NewToken>()),
        ),
        &[
            (
                "403",
                "a token for another user, without being an administrator",
            ),
            ("422", "a bad scope or expiry"),
        ],
    );
    let revoke_token = with_param(
        operation(
            USERS,
            "revoke_token",
            "Revoke an API token at once",
            None,
            ("200", ok_json("the revoked token", reference::<ApiToken>())),
            &[("404", "no such token of the caller")],
        ),
        "id",
        "the token's id",
    );
    let rules = operation(
        "access 权限",
        "access_rules",
        "The route table: every endpoint with the roles that may call it",
        None,
        (
            "200",
            ok_json(
                "method, path, allow (public, authenticated or roles) and roles",
                ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::Object))
                    .into(),
            ),
        ),
        &[("401", "not logged in")],
    );
    let document = operation(
        "access 权限",
        "openapi",
        "This OpenAPI document",
        None,
        (
            "200",
            ok_json(
                "the OpenAPI 3.1 document",
                ObjectBuilder::new().schema_type(Type::Object).into(),
            ),
        ),
        &[],
    );
    paths
        .path(
            "/api/v1/openapi.json",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, document)
                .build(),
        )
        .path(
            "/api/v1/auth/login",
            PathItemBuilder::new()
                .operation(HttpMethod::Post, login)
                .build(),
        )
        .path(
            "/api/v1/auth/logout",
            PathItemBuilder::new()
                .operation(HttpMethod::Post, logout)
                .build(),
        )
        .path(
            "/api/v1/auth/me",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, me)
                .build(),
        )
        .path(
            "/api/v1/users",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, list_users)
                .operation(HttpMethod::Post, add_user)
                .build(),
        )
        .path(
            "/api/v1/users/{name}",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, get_user)
                .operation(HttpMethod::Patch, change_user)
                .build(),
        )
        .path(
            "/api/v1/tokens",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, list_tokens)
                .operation(HttpMethod::Post, create_token)
                .build(),
        )
        .path(
            "/api/v1/tokens/{id}",
            PathItemBuilder::new()
                .operation(HttpMethod::Delete, revoke_token)
                .build(),
        )
        .path(
            "/api/v1/access/rules",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, rules)
                .build(),
        )
}

/// Device configurations and their compliance findings (`configs.rs`, issue 6).
pub(crate) fn add_configs(paths: PathsBuilder, schemas: &mut Schemas) -> PathsBuilder {
    use crate::configs::{RuleStatus, RulesOverview};
    use jike_store::{ConfigCheck, ConfigFinding, ConfigSummary, ElementFinding, ElementRef, Page};
    collect::<ConfigFinding>(schemas);
    collect::<ConfigSummary>(schemas);
    collect::<ElementRef>(schemas);
    collect::<ConfigCheck>(schemas);
    collect::<ElementFinding>(schemas);
    collect_named::<Page<ElementFinding>>(schemas, "PageOfElementFindings");
    collect::<RuleStatus>(schemas);
    collect::<RulesOverview>(schemas);
    const TAG: &str = "configuration compliance 配置核查";
    let element = || {
        string_param(
            "id",
            ParameterIn::Path,
            true,
            "the network element's id or code",
        )
    };
    let query =
        |name: &str, description: &str| string_param(name, ParameterIn::Query, false, description);
    let upload = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("upload_element_config"))
        .summary(Some(
            "Upload an element's configuration: it is checked against the access configuration \
             rules (R-CF1..R-CF7) and its findings replace the element's earlier ones",
        ))
        .description(Some(
            "The body is the text the device printed with `display current-configuration` or \
             `show running-config` (UTF-8 or GB18030), or multipart/form-data with a `file` part. \
             The element keeps its newest 10 configurations. CF2-inconsistent (R-CF2) compares \
             the newest configurations of every element of the same role at each upload, and \
             replaces that rule's findings of the whole group.",
        ))
        .parameter(element())
        .parameter(query(
            "vendor",
            "auto (the default: detected from the text), huawei (华为), h3c (华三) or cisco (思科)",
        ))
        .parameter(query(
            "role",
            "access (接入, the default), aggregation (汇聚) or core (核心); R-CF6 applies from aggregation up",
        ))
        .parameter(query("file_name", "the file's name, kept with the upload"))
        .request_body(text_body(
            "text/plain",
            "the configuration's text",
        ))
        .response(
            "201",
            ok_json("the check: the configuration and every finding", reference::<ConfigCheck>()),
        )
        .response("404", problem("no element with this id or code that the caller sees"))
        .response("413", problem("larger than max_upload_mb"))
        .response("415", problem("a JSON body: send the text itself"))
        .response(
            "422",
            problem("an empty or binary file, text in an unknown encoding, a bad vendor or role"),
        )
        .build();
    let latest = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("element_config"))
        .summary(Some(
            "An element's newest check: its configuration and findings, in line order",
        ))
        .parameter(element())
        .response(
            "200",
            ok_json("the newest check", reference::<ConfigCheck>()),
        )
        .response(
            "404",
            problem("no such element, or no configuration uploaded for it"),
        )
        .build();
    let text = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("element_config_text"))
        .summary(Some(
            "The text of an element's configuration (the newest unless `upload` names one); \
             every read is recorded in the audit log",
        ))
        .parameter(element())
        .parameter(query(
            "upload",
            "the id of one of the element's configurations",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("the text as uploaded")
                .content(
                    "text/plain",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
                .build(),
        )
        .response("404", problem("no such element or configuration"))
        .response("422", problem("an unknown parameter or a bad upload id"))
        .build();
    let history = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("element_config_history"))
        .summary(Some(
            "The configurations an element keeps, newest first, without their text",
        ))
        .parameter(element())
        .response("200", ok_json("newest first", array_of::<ConfigSummary>()))
        .response("404", problem("no such element"))
        .build();
    let findings = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("config_findings"))
        .summary(Some(
            "Findings of the newest checks across the elements the caller sees, by element then line",
        ))
        .parameter(query("rule", "only this rule's findings, e.g. CF5-missing-description"))
        .parameter(query("severity", "error, warning or note"))
        .parameter(query("element", "only this element's findings (its code)"))
        .parameter(query(
            "limit",
            &format!(
                "findings per page, 1 to {}, default {}",
                jike_store::configs::MAX_FINDINGS_LIMIT,
                jike_store::DEFAULT_LIMIT
            ),
        ))
        .parameter(query("cursor", "the next_cursor of the previous page"))
        .response("200", ok_json("one page", named("PageOfElementFindings")))
        .response(
            "422",
            problem("an unknown parameter or rule, a bad severity, limit or cursor"),
        )
        .build();
    let rules = OperationBuilder::new()
        .tag(TAG)
        .operation_id(Some("config_rules"))
        .summary(Some(
            "The rule catalogue as this service applies it, with the findings of each rule in the \
             newest checks and on how many elements",
        ))
        .response("200", ok_json("every rule", reference::<RulesOverview>()))
        .build();
    paths
        .path(
            "/api/v1/elements/{id}/config",
            PathItemBuilder::new()
                .operation(HttpMethod::Post, upload)
                .operation(HttpMethod::Get, latest)
                .build(),
        )
        .path(
            "/api/v1/elements/{id}/config/text",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, text)
                .build(),
        )
        .path(
            "/api/v1/elements/{id}/config/history",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, history)
                .build(),
        )
        .path(
            "/api/v1/config-findings",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, findings)
                .build(),
        )
        .path(
            "/api/v1/config-findings/rules",
            PathItemBuilder::new()
                .operation(HttpMethod::Get, rules)
                .build(),
        )
}
