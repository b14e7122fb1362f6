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
    let id = || string_param("id", ParameterIn::Path, true, "the numeric id");
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
    let kind = || {
        string_param(
            "kind",
            ParameterIn::Path,
            true,
            "customers, circuits, sites, elements or staff",
        )
    };
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
        .response("413", problem("the file is too large"))
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

pub(crate) fn document(paths: PathsBuilder, schemas: Schemas) -> OpenApi {
    let mut components = ComponentsBuilder::new();
    for (name, schema) in schemas {
        components = components.schema(name, schema);
    }
    OpenApiBuilder::new()
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
        .build()
}
