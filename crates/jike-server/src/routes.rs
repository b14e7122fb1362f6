//! Each route declared once (issue 14): an area's `routes()` names each handler with the rule
//! that guards it, `.route(Allow::Roles(ADMIN), routes!(load_policy))`, and the handler's
//! `#[utoipa::path]` says its path, method, parameters, body and answers. From that one
//! declaration come the axum route, its OpenAPI operation and its row in the rule table that
//! the access middleware (`access::authorize`) and the document's 401/403 read: a route cannot
//! be added without a rule, nor documented apart from its handler.

use axum::http::Method;
use axum::Router;
use jike_domain::Role;
use serde::Serialize;
use utoipa::openapi::path::PathItem;
use utoipa::openapi::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouter};

use crate::AppState;

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "allow", content = "roles", rename_all = "snake_case")]
pub enum Allow {
    /// Anyone, without credentials (health, metrics, the API document, login).
    Public,
    /// Any authenticated user.
    Authenticated,
    /// Users of these roles.
    Roles(&'static [Role]),
}

impl Allow {
    pub fn permits(self, role: Role) -> bool {
        match self {
            Allow::Public | Allow::Authenticated => true,
            Allow::Roles(roles) => roles.contains(&role),
        }
    }
}

/// How large a body an endpoint reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// JSON or a small text file: up to `max_json_bytes`.
    Json,
    /// A file (an import, a device configuration): up to `max_upload_bytes`.
    Upload,
}

/// One endpoint's rule.
#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    #[serde(serialize_with = "method_name")]
    pub method: Method,
    /// The route as axum writes it: `/api/v1/orders/{id}`.
    pub path: String,
    #[serde(flatten)]
    pub allow: Allow,
    #[serde(skip)]
    pub body: Body,
}

fn method_name<S: serde::Serializer>(m: &Method, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(m.as_str())
}

/// Every endpoint of the service with its rule, as the routes were declared (`Routes`).
#[derive(Debug, Default)]
pub struct RuleTable(Vec<Rule>);

impl RuleTable {
    pub(crate) fn new(rules: Vec<Rule>) -> Self {
        RuleTable(rules)
    }

    pub fn all(&self) -> &[Rule] {
        &self.0
    }

    /// The rule of a route, if it has one.
    pub fn rule_of(&self, method: &Method, path: &str) -> Option<&Rule> {
        // HEAD is answered by the GET handler, so it takes the GET rule.
        let method = if method == Method::HEAD {
            &Method::GET
        } else {
            method
        };
        self.0.iter().find(|r| r.method == method && r.path == path)
    }

    /// The methods a route answers, for `Allow` (HEAD with GET, as axum answers it).
    pub fn methods_of(&self, path: &str) -> Vec<Method> {
        let mut methods: Vec<Method> = self
            .0
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.method.clone())
            .collect();
        if methods.contains(&Method::GET) {
            methods.push(Method::HEAD);
        }
        methods
    }
}

/// Routes with their OpenAPI operations and their rules, built together.
pub struct Routes {
    router: OpenApiRouter<AppState>,
    rules: Vec<Rule>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    pub fn new() -> Self {
        Routes {
            router: OpenApiRouter::default(),
            rules: Vec::new(),
        }
    }

    /// Routes the handlers of `routes!(…)` (all at one path) for the callers `allow` lets in;
    /// their bodies are JSON or small text, up to `max_json_bytes`.
    pub fn route(self, allow: Allow, routes: UtoipaMethodRouter<AppState>) -> Self {
        self.add(allow, Body::Json, routes)
    }

    /// As [`Routes::route`], for handlers that take a file: bodies up to `max_upload_bytes`.
    pub fn upload(self, allow: Allow, routes: UtoipaMethodRouter<AppState>) -> Self {
        self.add(allow, Body::Upload, routes)
    }

    fn add(mut self, allow: Allow, body: Body, routes: UtoipaMethodRouter<AppState>) -> Self {
        for (path, item) in &routes.1.paths {
            for method in methods(item) {
                self.rules.push(Rule {
                    method,
                    path: path.clone(),
                    allow,
                    body,
                });
            }
        }
        self.router = self.router.routes(routes);
        self
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.rules.extend(other.rules);
        self
    }

    /// The axum router, the OpenAPI paths and schemas of its handlers, and the rule table.
    pub fn into_parts(self) -> (Router<AppState>, OpenApi, RuleTable) {
        let (router, api) = self.router.split_for_parts();
        (router, api, RuleTable::new(self.rules))
    }
}

/// The methods of a path item's operations.
pub(crate) fn methods(item: &PathItem) -> Vec<Method> {
    [
        (Method::GET, item.get.is_some()),
        (Method::POST, item.post.is_some()),
        (Method::PUT, item.put.is_some()),
        (Method::PATCH, item.patch.is_some()),
        (Method::DELETE, item.delete.is_some()),
        (Method::HEAD, item.head.is_some()),
        (Method::OPTIONS, item.options.is_some()),
        (Method::TRACE, item.trace.is_some()),
    ]
    .into_iter()
    .filter_map(|(method, present)| present.then_some(method))
    .collect()
}
