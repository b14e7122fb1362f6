//! The OpenAPI 3.1 document, generated from the routes: each handler's `#[utoipa::path]` gives
//! its operation (the areas' `routes()`, `routes.rs`), the schemas come from the types'
//! `ToSchema`. This module adds what holds for every operation alike, and the schemas of the
//! parameters the handlers parse into something narrower than text.

use std::borrow::Cow;

use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, KnownFormat, OpenApi, Ref, RefOr, Required, ResponseBuilder,
};
use utoipa::{PartialSchema, ToSchema};

use crate::error::Problem;
use crate::routes::{Allow, RuleTable};

/// The document of the routes `api` was split from, with their `rules`.
pub(crate) fn document(mut doc: OpenApi, rules: &RuleTable) -> OpenApi {
    doc.info = InfoBuilder::new()
        .title("jike 集客专线服务保障")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some(
            "Service assurance of enterprise private lines: inventory, import and export. Times are \
             RFC 3339 with an offset; values are accepted by code or Chinese name; errors are RFC 9457 \
             problem details.",
        ))
        .build();
    // OpenAPI writes axum's catch-all `{*path}` as `{path}`.
    doc.paths.paths = std::mem::take(&mut doc.paths.paths)
        .into_iter()
        .map(|(path, item)| (path.replace("{*", "{"), item))
        .collect();
    let components = doc.components.get_or_insert_with(Default::default);
    let mut problem = Vec::new();
    Problem::schemas(&mut problem);
    problem.push((Problem::name().into_owned(), Problem::schema()));
    components.schemas.extend(problem);
    complete(&mut doc, rules);
    doc
}

fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(RefOr::Ref(Ref::from_schema_name(Problem::name()))))
                .build(),
        )
        .build()
}

/// Tells the whole truth about every operation: each problem status that can answer it besides
/// its own (the access rule's 401 and 403, a bad body's 400, 413 and 415, bad text in the path
/// or query's 422, the database out of reach's 503), and that every problem of the API is a
/// problem document. Checked by schemathesis (`.ci/schemathesis`).
fn complete(doc: &mut OpenApi, rules: &RuleTable) {
    use axum::http::Method;
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/v1/") && path != "/api/v1/openapi.json";
        let console = path == "/" || path.starts_with("/console");
        let route = path.replace("{path}", "{*path}");
        for (method, op) in [
            (Method::GET, item.get.as_mut()),
            (Method::POST, item.post.as_mut()),
            (Method::PUT, item.put.as_mut()),
            (Method::PATCH, item.patch.as_mut()),
            (Method::DELETE, item.delete.as_mut()),
        ] {
            let Some(op) = op else { continue };
            // Every `{name}` of the path is a parameter (the console's `{path}` declares none).
            for name in path.split('{').skip(1).filter_map(|p| p.split('}').next()) {
                let params = op.parameters.get_or_insert_with(Vec::new);
                if !params.iter().any(|p| p.name == name) {
                    params.push(
                        ParameterBuilder::new()
                            .name(name)
                            .parameter_in(ParameterIn::Path)
                            .required(Required::True)
                            .description(Some("a part of the address"))
                            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                            .build(),
                    );
                }
            }
            // A problem declared by its status and description is a problem document (the
            // console answers its 404 bare).
            if !console {
                for (status, response) in op.responses.responses.iter_mut() {
                    if let RefOr::T(r) = response {
                        if status.as_str() >= "400" && r.content.is_empty() {
                            *r = problem(&r.description);
                        }
                    }
                }
            }
            let mut add = |status: &str, what: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| problem(what).into());
            };
            let public = rules
                .rule_of(&method, &route)
                .is_none_or(|r| r.allow == Allow::Public);
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

/// A schema type of its own for a parameter or a body: `("limit" = inline(Option<PageLimit>),
/// Query, …)` in a `#[utoipa::path]`.
macro_rules! schema_type {
    ($(#[$doc:meta])* $name:ident => $schema:expr) => {
        $(#[$doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                $schema
            }
        }

        impl ToSchema for $name {}
    };
}

/// A page's schema under its own name: utoipa names every `Page<T>` plain `Page`, so the pages
/// of orders, findings and audit entries would overwrite one another; and a generic's schemas
/// leave out its argument's own, which the page refers to.
macro_rules! page_schema {
    ($(#[$doc:meta])* $name:ident = Page<$item:ty>) => {
        $(#[$doc])*
        pub struct $name;

        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                <jike_store::Page<$item> as PartialSchema>::schema()
            }
        }

        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <jike_store::Page<$item> as ToSchema>::schemas(schemas);
                <$item as ToSchema>::schemas(schemas);
                schemas.push((<$item>::name().into_owned(), <$item>::schema()));
            }
        }
    };
}

page_schema!(
    /// One page of work orders.
    PageOfOrders = Page<jike_store::Order>
);
page_schema!(
    /// One page of configuration findings.
    PageOfElementFindings = Page<jike_store::ElementFinding>
);
page_schema!(
    /// One page of audit entries.
    PageOfAuditRecords = Page<jike_store::AuditRecord>
);

fn integer(max: Option<u32>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(1))
        .maximum(max)
        .into()
}

/// A closed set of values; a query parameter given empty (`?severity=`) is as if absent, in
/// every handler, so the query sets include "".
fn one_of(values: &[&str]) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.to_vec()))
        .into()
}

schema_type!(
    /// `limit` of the inventory, order and audit lists.
    PageLimit => integer(Some(jike_store::MAX_LIMIT))
);
schema_type!(
    /// `limit` of the notifications.
    NotificationLimit => integer(Some(jike_store::outbox::MAX_NOTIFICATION_LIMIT))
);
schema_type!(
    /// `limit` of the configuration findings.
    FindingsLimit => integer(Some(jike_store::configs::MAX_FINDINGS_LIMIT))
);
schema_type!(
    /// A row's numeric id in the query (`order_id`, `upload`).
    QueryId => integer(None)
);
schema_type!(
    /// `true` or `false`.
    Flag => ObjectBuilder::new().schema_type(Type::Boolean).into()
);
schema_type!(
    /// An instant in the query (`since`, `until`, `at`).
    Instant => RefOr::T(Schema::OneOf(
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            )
            .item(one_of(&[""]))
            .description(Some(
                "an RFC 3339 instant with its offset; empty is as if absent",
            ))
            .build(),
    ))
);
schema_type!(
    /// The inventory kinds a file holds (`{kind}` of import and export).
    FileKind => one_of(&jike_domain::Kind::ALL.map(jike_domain::Kind::code))
);
schema_type!(
    /// `format` of import and export.
    FileFormat => one_of(&["csv", "xlsx", ""])
);
schema_type!(
    /// `headers` of an export.
    HeaderLanguage => one_of(&["zh", "en", ""])
);
schema_type!(
    /// `severity` of the configuration findings.
    SeverityParam => one_of(&["error", "warning", "note", ""])
);
schema_type!(
    /// `status` of the notifications.
    DeliveryStatusParam => one_of(&["pending", "delivered", "failed", ""])
);
schema_type!(
    /// `vendor` of a configuration upload.
    VendorParam => one_of(&["auto", "huawei", "华为", "h3c", "华三", "cisco", "思科", ""])
);
schema_type!(
    /// `role` of a configuration upload.
    DeviceRoleParam => one_of(&["access", "接入", "aggregation", "汇聚", "core", "核心", ""])
);
schema_type!(
    /// A file's bytes (CSV or .xlsx).
    Binary => ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::Custom("binary".into())))
        .into()
);

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every documented operation has its rule and every rule its operation: both come from the
    /// same declarations, and the router builds (axum refuses a method routed twice).
    #[test]
    fn every_operation_has_its_rule_and_every_rule_its_operation() {
        let (_router, doc, rules) = crate::api().into_parts();
        let doc = crate::openapi::document(doc, &rules);
        let mut documented = BTreeSet::new();
        for (path, item) in &doc.paths.paths {
            for method in crate::routes::methods(item) {
                // OpenAPI's `{path}` is axum's catch-all `{*path}`.
                documented.insert((method.to_string(), path.replace("{path}", "{*path}")));
            }
        }
        let ruled: BTreeSet<(String, String)> = rules
            .all()
            .iter()
            .map(|r| (r.method.to_string(), r.path.clone()))
            .collect();
        assert_eq!(ruled.len(), rules.all().len(), "a route ruled twice");
        assert_eq!(documented, ruled);
        // Each path has its operations; the audit log's and its schema among them.
        assert!(documented.contains(&("GET".into(), "/api/v1/audit".into())));
        let schemas = &doc.components.as_ref().unwrap().schemas;
        for name in [
            "AuditRecord",
            "PageOfAuditRecords",
            "PageOfOrders",
            "Problem",
        ] {
            assert!(schemas.contains_key(name), "{name} is not in the document");
        }
    }

    /// Every `$ref` of the document names a schema it has.
    #[test]
    fn every_reference_resolves() {
        let doc = crate::openapi();
        let json = serde_json::to_value(&doc).unwrap();
        let schemas = json["components"]["schemas"].as_object().unwrap();
        fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    if let Some(serde_json::Value::String(r)) = m.get("$ref") {
                        out.push(r.clone());
                    }
                    m.values().for_each(|v| refs(v, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&json, &mut found);
        assert!(!found.is_empty());
        for r in found {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(schemas.contains_key(name), "{r} names no schema");
        }
    }

    /// The parameters the handlers read are documented (schemathesis found them missing):
    /// `reveal` on a single row's read and on an export, `user` on the token list.
    #[test]
    fn the_parameters_the_handlers_read_are_documented() {
        let json = serde_json::to_value(crate::openapi()).unwrap();
        let params = |path: &str, method: &str| -> Vec<String> {
            json["paths"][path][method]["parameters"]
                .as_array()
                .unwrap_or_else(|| panic!("{method} {path} has no parameters"))
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_string())
                .collect()
        };
        assert!(params("/api/v1/customers/{id}", "get").contains(&"reveal".into()));
        assert!(params("/api/v1/customers", "get").contains(&"reveal".into()));
        assert!(params("/api/v1/export/{kind}", "get").contains(&"reveal".into()));
        assert!(params("/api/v1/tokens", "get").contains(&"user".into()));
        assert!(params("/api/v1/orders", "get").contains(&"mine".into()));
    }
}
