//! Login and logout, the caller's own account, and the administration of users and API tokens
//! (`/api/v1/auth/…`, `/api/v1/users`, `/api/v1/tokens`).

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use jike_domain::{FieldError, Role};
use jike_store::users::{ApiToken, Login, LoginPolicy, NewUser, User};
use serde::{Deserialize, Serialize};

use utoipa_axum::routes;

use crate::access::{self, Allow, Who, ADMIN, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::ApiError;
use crate::resources::Json;
use crate::routes::Routes;
use crate::AppState;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .route(Allow::Public, routes!(login))
        .route(Allow::Authenticated, routes!(logout))
        .route(Allow::Authenticated, routes!(me))
        .route(Allow::Roles(ADMIN), routes!(list_users))
        .route(Allow::Roles(ADMIN), routes!(add_user))
        .route(Allow::Roles(ADMIN), routes!(get_user))
        .route(Allow::Roles(ADMIN), routes!(change_user))
        .route(Allow::Authenticated, routes!(list_tokens))
        .route(Allow::Authenticated, routes!(create_token))
        .route(Allow::Authenticated, routes!(revoke_token))
}

const AUTH: &str = "auth 登录";
const USERS: &str = "users 用户";

/// `[auth]`: how logins are throttled and how the session cookie is set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AuthConfig {
    pub login: LoginPolicy,
    /// Mark cookies `Secure` always (set when jike is served over TLS by a proxy that does
    /// not send `X-Forwarded-Proto: https`).
    pub secure_cookies: bool,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub name: String,
    pub password: String,
}

/// What a login or `GET /api/v1/auth/me` answers.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user: User,
    /// The events this user's role may record on the orders it sees.
    pub may_record: Vec<jike_domain::EventType>,
    /// The session's CSRF token, to repeat in the `X-CSRF-Token` header of writes (also in
    /// the `jike_csrf` cookie); absent for token callers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

fn secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.auth.secure_cookies
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn cookie(name: &str, value: &str, max_age: i64, http_only: bool, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; SameSite=Strict; Max-Age={max_age}");
    if http_only {
        c.push_str("; HttpOnly");
    }
    if secure {
        c.push_str("; Secure");
    }
    HeaderValue::from_str(&c).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// `POST /api/v1/auth/login`: a session cookie (HttpOnly, SameSite=Strict, Secure over TLS)
/// and the CSRF token. Failures in a row are answered more and more slowly, then lock the
/// account for a while (429).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = AUTH, operation_id = "login",
    summary = "Log in: sets the session cookie (HttpOnly, SameSite=Strict) and returns the CSRF token to \
        repeat in X-CSRF-Token on writes",
    request_body = LoginInput,
    responses(
        (status = 200, description = "the user, its CSRF token", body = Me),
        (status = 401, description = "wrong user name or password (answered more slowly after repeated failures)"),
        (status = 429, description = "the account is locked after too many failed logins"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: axum::extract::Request,
) -> Result<Response, ApiError> {
    let source = access::source_of(request.extensions());
    let Json(input) =
        <Json<LoginInput> as axum::extract::FromRequest<AppState>>::from_request(request, &state)
            .await?;
    let policy = state.config.auth.login;
    let outcome = state
        .store
        .login(
            input.name.trim(),
            &input.password,
            &source,
            &policy,
            Utc::now(),
        )
        .await?;
    match outcome {
        Login::Session {
            token,
            csrf,
            expires_at,
            principal,
        } => {
            let secure = secure(&state, &headers);
            let age = i64::from(policy.session_hours) * 3600;
            let me = Me {
                may_record: principal.user.role.recordable(),
                user: principal.user,
                csrf_token: Some(csrf.clone()),
                expires_at: Some(expires_at),
            };
            let mut response = Json(me).into_response();
            let h = response.headers_mut();
            h.append(
                header::SET_COOKIE,
                cookie(SESSION_COOKIE, &token, age, true, secure),
            );
            h.append(
                header::SET_COOKIE,
                cookie(CSRF_COOKIE, &csrf, age, false, secure),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            Ok(response)
        }
        Login::Refused { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            Err(ApiError::Unauthorized("wrong user name or password".into()))
        }
        Login::Locked { until } => Err(ApiError::Locked(format!(
            "too many failed logins: the account is locked until {}",
            jike_store::orders::local(until).to_rfc3339()
        ))),
    }
}

/// `POST /api/v1/auth/logout`: ends the session and clears its cookies.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = AUTH, operation_id = "logout",
    summary = "Log out: ends the session and clears its cookies",
    responses(
        (status = 204, description = "logged out"),
        (status = 401, description = "not logged in"),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
    _who: Who,
) -> Result<Response, ApiError> {
    if let Some(token) = access::cookie(&headers, SESSION_COOKIE) {
        state.store.logout(token).await?;
    }
    let secure = secure(&state, &headers);
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.append(
        header::SET_COOKIE,
        cookie(SESSION_COOKIE, "", 0, true, secure),
    );
    h.append(
        header::SET_COOKIE,
        cookie(CSRF_COOKIE, "", 0, false, secure),
    );
    Ok(response)
}

/// `GET /api/v1/auth/me`
#[utoipa::path(get, path = "/api/v1/auth/me", tag = AUTH, operation_id = "me",
    summary = "The caller's account and the events its role may record",
    responses(
        (status = 200, description = "the caller", body = Me),
        (status = 401, description = "not logged in"),
    ))]
pub async fn me(who: Who) -> Response {
    Json(Me {
        may_record: who.role().recordable(),
        user: who.principal.user,
        csrf_token: None,
        expires_at: None,
    })
    .into_response()
}

/// `GET /api/v1/users`
#[utoipa::path(get, path = "/api/v1/users", tag = USERS, operation_id = "list_users",
    summary = "Every account (administrators)",
    responses(
        (status = 200, description = "the accounts", body = [User]),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not an administrator"),
    ))]
pub async fn list_users(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.store.users().await?).into_response())
}

/// `POST /api/v1/users`
#[utoipa::path(post, path = "/api/v1/users", tag = USERS, operation_id = "add_user",
    summary = "Add an account; each role needs its anchor (room, contractor_code, customer_code)",
    request_body = NewUser,
    responses(
        (status = 201, description = "the account", body = User),
        (status = 403, description = "not an administrator"),
        (status = 409, description = "the name is taken"),
        (status = 422, description = "a field is wrong, named in errors"),
    ))]
pub async fn add_user(
    State(state): State<AppState>,
    who: Who,
    Json(input): Json<NewUser>,
) -> Result<Response, ApiError> {
    let user = state.store.add_user(&who.caller, &input).await?;
    let location = format!("/api/v1/users/{}", user.name);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(user),
    )
        .into_response())
}

/// `GET /api/v1/users/{name}`
#[utoipa::path(get, path = "/api/v1/users/{name}", tag = USERS, operation_id = "get_user",
    summary = "One account",
    params(("name" = String, Path, description = "the login name")),
    responses(
        (status = 200, description = "the account", body = User),
        (status = 403, description = "not an administrator"),
        (status = 404, description = "no such user"),
    ))]
pub async fn get_user(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    Ok(Json(state.store.user(&name).await?).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    /// Disable (true) or enable (false) the account.
    #[serde(default)]
    pub disabled: Option<bool>,
    /// A new password; the user's sessions end.
    #[serde(default)]
    pub password: Option<String>,
    /// A contractor account: the code (工号) of the staff member of its contractor whose account
    /// it is (a technician, issue 14); empty to remove the link.
    #[serde(default)]
    pub staff_code: Option<String>,
}

/// `PATCH /api/v1/users/{name}`: disable or enable, set a new password, or link the account to
/// a staff member of its contractor.
#[utoipa::path(patch, path = "/api/v1/users/{name}", tag = USERS, operation_id = "change_user",
    summary = "Disable or enable an account, set its password, or link it to a staff member",
    params(("name" = String, Path, description = "the login name")),
    request_body = UserChange,
    responses(
        (status = 200, description = "the account", body = User),
        (status = 403, description = "not an administrator"),
        (status = 404, description = "no such user"),
        (status = 422, description = "a bad password, a staff member who cannot be linked, or nothing to change"),
    ))]
pub async fn change_user(
    State(state): State<AppState>,
    who: Who,
    Path(name): Path<String>,
    Json(change): Json<UserChange>,
) -> Result<Response, ApiError> {
    if change.disabled.is_none() && change.password.is_none() && change.staff_code.is_none() {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "disabled",
            "say what to change: disabled, password and/or staff_code",
        )]));
    }
    // The link first: a refused one (422) changes nothing else.
    if let Some(code) = &change.staff_code {
        link_staff(&state, &who, &name, code).await?;
    }
    if change.disabled == Some(true) && name == who.principal.user.name {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "disabled",
            "an administrator cannot disable its own account",
        )]));
    }
    if let Some(pw) = &change.password {
        state.store.set_password(&who.caller, &name, pw).await?;
    }
    if let Some(disabled) = change.disabled {
        state
            .store
            .set_disabled(&who.caller, &name, disabled)
            .await?;
    }
    Ok(Json(state.store.user(&name).await?).into_response())
}

/// Links an account to a staff member (`code`), or unlinks it (`code` empty).
async fn link_staff(state: &AppState, who: &Who, name: &str, code: &str) -> Result<(), ApiError> {
    let code = Some(code.trim()).filter(|c| !c.is_empty());
    state.store.set_staff(&who.caller, name, code).await?;
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenQuery {
    #[serde(default)]
    pub user: Option<String>,
}

/// `GET /api/v1/tokens[?user=NAME]`: the caller's tokens; an administrator's may name anyone's,
/// or leave `user` out for all.
#[utoipa::path(get, path = "/api/v1/tokens", tag = USERS, operation_id = "list_tokens",
    summary = "API tokens: the caller's own; an administrator's any user's (?user=) or all",
    params(("user" = Option<String>, Query,
        description = "the login name whose tokens to list; another user's for an administrator only")),
    responses(
        (status = 200, description = "the tokens, never their secrets", body = [ApiToken]),
        (status = 401, description = "not logged in"),
        (status = 403, description = "another user's tokens"),
    ))]
pub async fn list_tokens(
    State(state): State<AppState>,
    who: Who,
    query: Result<Query<TokenQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query?;
    let own = who.principal.user.name.clone();
    let user = match (who.role(), q.user) {
        (Role::Admin, u) => u,
        (_, Some(u)) if u != own => {
            return Err(ApiError::Forbidden(
                "only an administrator lists the tokens of others".into(),
            ))
        }
        _ => Some(own),
    };
    Ok(Json(state.store.tokens(user.as_deref()).await?).into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What the token is for: `eoms-bridge`.
    pub name: String,
    /// `read` and/or `write`; both when left out.
    #[serde(default)]
    pub scopes: Option<Vec<String>>,
    /// Days until it expires; never when left out.
    #[serde(default)]
    pub expires_in_days: Option<u32>,
    /// Whose token (administrators only); the caller's when left out.
    #[serde(default)]
    pub user: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NewToken {
    pub token: ApiToken,
    /// The bearer token itself: shown this once, stored only as a hash.
    pub secret: String,
}

/// `POST /api/v1/tokens`
#[utoipa::path(post, path = "/api/v1/tokens", tag = USERS, operation_id = "create_token",
    summary = "Create an API token (scopes read, write; optional expiry); the secret is shown once",
    request_body = TokenInput,
    responses(
        (status = 201, description = "the token and its secret", body = NewToken),
        (status = 403, description = "a token for another user, without being an administrator"),
        (status = 422, description = "a bad scope or expiry"),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    who: Who,
    Json(input): Json<TokenInput>,
) -> Result<Response, ApiError> {
    let own = who.principal.user.name.clone();
    let user = match input.user {
        Some(u) if u != own && who.role() != Role::Admin => {
            return Err(ApiError::Forbidden(
                "only an administrator creates tokens for others".into(),
            ))
        }
        Some(u) => u,
        None => own,
    };
    let scopes = input
        .scopes
        .unwrap_or_else(|| vec!["read".into(), "write".into()]);
    let expires = match input.expires_in_days {
        Some(0) => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "expires_in_days",
                "must be at least 1",
            )]))
        }
        Some(d) if d > 3650 => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "expires_in_days",
                "must be at most 3650",
            )]))
        }
        Some(d) => Some(Utc::now() + chrono::Duration::days(i64::from(d))),
        None => None,
    };
    let (token, secret) = state
        .store
        .create_token(&who.caller, &user, &input.name, &scopes, expires)
        .await?;
    Ok((StatusCode::CREATED, Json(NewToken { token, secret })).into_response())
}

/// `DELETE /api/v1/tokens/{id}`: revokes one of the caller's tokens (an administrator's: any).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = USERS, operation_id = "revoke_token",
    summary = "Revoke an API token at once",
    params(("id" = String, Path, description = "the token's id")),
    responses(
        (status = 200, description = "the revoked token", body = ApiToken),
        (status = 404, description = "no such token of the caller"),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    who: Who,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id: i64 = id
        .parse()
        .map_err(|_| ApiError::NotFound(format!("'{id}' is not a token id")))?;
    if who.role() != Role::Admin {
        let own = state.store.tokens(Some(&who.principal.user.name)).await?;
        if !own.iter().any(|t| t.id == id) {
            return Err(ApiError::NotFound(format!("no API token with id {id}")));
        }
    }
    Ok(Json(state.store.revoke_token(&who.caller, id).await?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jike_domain::Vocabulary;

    #[test]
    fn session_cookies_are_http_only_and_strict() {
        let c = cookie(SESSION_COOKIE, "abc", 60, true, true);
        let c = c.to_str().unwrap();
        assert!(c.contains("HttpOnly"));
        assert!(c.contains("SameSite=Strict"));
        assert!(c.contains("Secure"));
        let c = cookie(CSRF_COOKIE, "x", 60, false, false);
        assert!(!c.to_str().unwrap().contains("HttpOnly"));
        assert!(!c.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn role_names_show_in_chinese() {
        assert_eq!(Role::Contractor.zh(), "代维");
    }
}
