//! Who may call what (issue 4, domain.md §10): authentication (a session cookie or a bearer
//! token), the rules every route is declared with ([`Allow`], beside the route in its area's
//! `routes()`, `routes.rs`), CSRF for cookie requests, and the [`Who`] extractor handlers use to
//! act on the caller's behalf. Which rows a caller sees is the store's business (`jike-store`,
//! `scope.rs`); this module only decides whether it may call the endpoint at all.
//!
//! A route cannot be added without a rule (`Routes::route` takes one); a request that reaches a
//! route the table does not know is refused for everyone all the same (fail closed).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use jike_domain::{Role, Vocabulary};
use jike_store::users::Principal;
use jike_store::Caller;
use tower::{Layer, ServiceExt};
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::routes::Routes;
pub use crate::routes::{Allow, Body, Rule, RuleTable};
use crate::AppState;

/// The session cookie.
pub const SESSION_COOKIE: &str = "jike_session";
/// The cookie holding the session's CSRF token, readable by the page's scripts.
pub const CSRF_COOKIE: &str = "jike_csrf";
/// The header that must repeat the CSRF token on a cookie-authenticated write.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The field that may carry it instead in a form post (`application/x-www-form-urlencoded`).
pub const CSRF_FIELD: &str = "csrf_token";

use Role::*;

pub(crate) const ADMIN: &[Role] = &[Admin];
pub(crate) const OPERATIONS_READ: &[Role] = &[Admin, Monitoring, Auditor];
pub(crate) const AUDIT_READ: &[Role] = &[Admin, Auditor];
/// Who may open an order: the monitoring room (any kind), a customer and its account manager
/// (faults and complaints on their own lines).
pub(crate) const ORDER_OPEN: &[Role] = &[Admin, Monitoring, AccountManager, Customer];
/// Those who work orders: everyone but the read-only auditor (which event each may record is
/// `Role::may_record`).
pub(crate) const ORDER_WORK: &[Role] = &[
    Admin,
    Monitoring,
    LeadRoom,
    Contractor,
    AccountManager,
    Customer,
];

/// Who may upload a device configuration to be checked (R-CF1..R-CF7).
pub(crate) const CONFIG_UPLOAD: &[Role] = &[Admin, Monitoring, LeadRoom, Contractor];
/// Who may read configurations and their findings.
pub(crate) const CONFIG_READ: &[Role] = &[Admin, Monitoring, LeadRoom, Contractor, Auditor];

/// The roles that may read an inventory kind (the rows each sees are its scope's): its
/// audience's (`jike_domain::kinds`, `Audience::readers`). A customer in the portal sees its own
/// record and lines, and nothing of the network.
pub fn inventory_readers(kind: jike_domain::Kind) -> &'static [Role] {
    kind.readers()
}

/// The authenticated caller of a request, put there by [`authorize`].
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub principal: Principal,
    /// How it authenticated.
    pub via: Via,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// A session cookie; the session's CSRF token.
    Session { csrf: String },
    /// A bearer token with its scopes.
    Token { scopes: Vec<String> },
}

/// The client's address, as the audit log records it.
pub fn source_of(req_extensions: &axum::http::Extensions) -> String {
    req_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The value of a cookie of the request.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Finds out who calls, from a bearer token or the session cookie; `None` without credentials.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Authenticated>, ApiError> {
    let now = Utc::now();
    if let Some(token) = bearer(headers) {
        return match state.store.token_principal(token, now).await? {
            Some((principal, scopes)) => Ok(Some(Authenticated {
                principal,
                via: Via::Token { scopes },
            })),
            None => Err(ApiError::Unauthorized(
                "the bearer token is unknown, expired or revoked".into(),
            )),
        };
    }
    if let Some(token) = cookie(headers, SESSION_COOKIE) {
        return match state.store.session(token, now).await? {
            Some((principal, csrf)) => Ok(Some(Authenticated {
                principal,
                via: Via::Session { csrf },
            })),
            None => Err(ApiError::Unauthorized(
                "the session has ended; log in again".into(),
            )),
        };
    }
    Ok(None)
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The middleware on every route: looks up the route's rule, authenticates, checks the role,
/// the token's scope and, for cookie writes, the CSRF token; then hands the caller to the
/// handler as a request extension, with the body limit the route was declared with.
pub async fn authorize(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    match check(&state, &mut req).await {
        Ok(body) => {
            let limit = match body {
                Body::Json => state.config.max_json_bytes,
                Body::Upload => state.config.max_upload_bytes,
            };
            match DefaultBodyLimit::max(limit).layer(next).oneshot(req).await {
                Ok(response) => response,
                Err(never) => match never {},
            }
        }
        Err(e) => e.into_response(),
    }
}

async fn check(state: &AppState, req: &mut Request) -> Result<Body, ApiError> {
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let Some(rule) = state.rules.rule_of(req.method(), &path) else {
        // A known path asked with a method it does not have: 405 with the methods it has
        // (RFC 9110 §15.5.6), before any credential is looked at.
        let allowed = state.rules.methods_of(&path);
        if !allowed.is_empty() {
            return Err(ApiError::MethodNotAllowed {
                method: req.method().to_string(),
                allowed,
            });
        }
        tracing::error!(method = %req.method(), path, "a route without an access rule");
        return Err(ApiError::Forbidden(
            "this endpoint has no access rule; it is closed to everyone".into(),
        ));
    };
    if rule.allow == Allow::Public {
        // A public endpoint still knows its caller when there is one (login, for instance,
        // does not need it; `me` is not public).
        return Ok(rule.body);
    }
    let Some(auth) = authenticate(state, req.headers()).await? else {
        return Err(ApiError::Unauthorized(
            "log in first, or send an API token as 'Authorization: Bearer TOKEN'".into(),
        ));
    };
    let role = auth.principal.user.role;
    if !rule.allow.permits(role) {
        return Err(ApiError::Forbidden(format!(
            "the role {} ({}) may not {} {}",
            role.code(),
            role.zh(),
            req.method(),
            rule.path
        )));
    }
    let write = is_write(req.method());
    match &auth.via {
        Via::Token { scopes } if write && !scopes.iter().any(|s| s == "write") => {
            return Err(ApiError::Forbidden(
                "this API token has the read scope only".into(),
            ));
        }
        Via::Token { scopes } if !write && !scopes.iter().any(|s| s == "read" || s == "write") => {
            return Err(ApiError::Forbidden(
                "this API token has no read scope".into(),
            ));
        }
        Via::Session { csrf } if write => {
            let mut sent = req
                .headers()
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            if sent.is_none() && is_form(req.headers()) {
                sent = form_token(req, state.config.max_json_bytes).await?;
            }
            let sent = sent.unwrap_or_default();
            if !constant_time_eq(sent.as_bytes(), csrf.as_bytes()) {
                return Err(ApiError::Forbidden(format!(
                    "a write with a session cookie must repeat the CSRF token (cookie {CSRF_COOKIE}) in the {CSRF_HEADER} header, or a form post in its {CSRF_FIELD} field"
                )));
            }
        }
        _ => {}
    }
    req.extensions_mut().insert(auth);
    Ok(rule.body)
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"))
}

/// The CSRF field of a form post; the body is read (up to `limit` bytes) and put back for the
/// handler.
async fn form_token(req: &mut Request, limit: usize) -> Result<Option<String>, ApiError> {
    let body = std::mem::take(req.body_mut());
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::TooLarge(format!("a form is at most {limit} bytes")))?;
    let token = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
        .ok()
        .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == CSRF_FIELD))
        .map(|(_, v)| v);
    *req.body_mut() = axum::body::Body::from(bytes);
    Ok(token)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The caller of a handler: its account, and the store's view of it (scope and audit).
#[derive(Debug, Clone)]
pub struct Who {
    pub principal: Principal,
    pub caller: Caller,
}

impl Who {
    pub fn role(&self) -> Role {
        self.principal.user.role
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Who {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let auth = parts
            .extensions
            .get::<Authenticated>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthorized("log in first".into()))?;
        let source = source_of(&parts.extensions);
        Ok(Who {
            caller: auth.principal.caller(&source),
            principal: auth.principal,
        })
    }
}

pub(crate) fn routes() -> Routes {
    Routes::new().route(Allow::Authenticated, routes!(list_rules))
}

/// `GET /api/v1/access/rules`: the route table, for operators and for the tests.
#[utoipa::path(get, path = "/api/v1/access/rules", tag = "access 权限", operation_id = "access_rules",
    summary = "The route table: every endpoint with the roles that may call it",
    responses(
        (status = 200, description = "method, path, allow (public, authenticated or roles) and roles",
            body = [Object]),
        (status = 401, description = "not logged in"),
    ))]
async fn list_rules(State(state): State<AppState>) -> Response {
    axum::Json(state.rules.all()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            "a=1; jike_session=abc; jike_csrf=x".parse().unwrap(),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
    }

    #[test]
    fn every_route_has_one_rule() {
        let (_, _, rules) = crate::api().into_parts();
        let mut seen = std::collections::HashSet::new();
        for r in rules.all() {
            assert!(
                seen.insert((r.method.clone(), r.path.clone())),
                "two rules for {} {}",
                r.method,
                r.path
            );
        }
        assert!(rules.rule_of(&Method::HEAD, "/healthz").is_some());
    }

    #[test]
    fn writes_to_the_inventory_are_the_administrators() {
        let (_, _, rules) = crate::api().into_parts();
        let rule = rules
            .rule_of(&Method::PUT, "/api/v1/customers/{id}")
            .unwrap();
        assert!(rule.allow.permits(Admin));
        assert!(!rule.allow.permits(Monitoring));
        assert!(!rule.allow.permits(Auditor));
        let rule = rules.rule_of(&Method::GET, "/api/v1/sites").unwrap();
        assert!(!rule.allow.permits(Customer));
        assert!(rule.allow.permits(Contractor));
    }
}
