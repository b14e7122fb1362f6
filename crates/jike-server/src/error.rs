//! The HTTP edge's one error type, written as RFC 9457 problem details. Store errors are mapped
//! to statuses here, once.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use jike_domain::{FieldError, RowError};
use jike_store::StoreError;
use jike_transfer::TransferError;
use serde::Serialize;
use utoipa::ToSchema;

/// An RFC 9457 problem: `type`, `title`, `status`, `detail`, and the field or row errors that
/// make it up.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Problems with fields of the request, each naming its field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Problems with rows of an uploaded file, each with its row number and column.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<RowError>,
    /// For an event an order refuses (409): the order's state and the events it accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_events: Option<Vec<String>>,
}

impl Problem {
    /// A problem with no field or row errors.
    pub fn simple(status: u16, kind: &str, title: &str, detail: &str) -> Problem {
        Problem {
            kind: format!("https://jike.dev/problems/{kind}"),
            title: title.into(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
            rows: Vec::new(),
            state: None,
            allowed_events: None,
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response()
    }
}

/// What a 503 says: the database did not answer, so a write may or may not have been committed.
pub const UNAVAILABLE: &str = "the database is unavailable; retry after a few seconds. If this \
was a write, it may or may not have been committed: retry it with the same Idempotency-Key, \
which makes the retry safe";
/// `Retry-After` on a 503, in seconds.
pub const RETRY_AFTER_SECS: &str = "5";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    BadRequest(String),
    #[error("invalid input: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldError>),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    NotFound(String),
    /// No credentials, or credentials that are unknown, expired or revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but the role (or the token's scope) does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// A known path asked with a method it does not have.
    #[error("{method} is not a method of this endpoint; it answers {}", .allowed.iter().map(|m| m.as_str()).collect::<Vec<_>>().join(", "))]
    MethodNotAllowed {
        method: String,
        allowed: Vec<axum::http::Method>,
    },
    /// Too many failed logins: the account is locked.
    #[error("{0}")]
    Locked(String),
    /// A failure that is no one's input: logged, not shown.
    #[error("{0}")]
    Internal(String),
}

impl From<TransferError> for ApiError {
    /// A refused file is a store refusal of rows (422 with every row), a zip bomb a payload too
    /// large (413 naming the entry): the problems an import answered before the file formats
    /// left the store.
    fn from(e: TransferError) -> ApiError {
        match e {
            TransferError::InvalidRows(rows) => ApiError::Store(StoreError::InvalidRows(rows)),
            TransferError::FileTooLarge(limit) => ApiError::TooLarge(limit.to_string()),
            TransferError::Store(e) => ApiError::Store(e),
            e @ TransferError::Interrupted(_) => ApiError::Internal(e.to_string()),
        }
    }
}

impl ApiError {
    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            ApiError::Store(e) => match e {
                StoreError::NotFound { .. } => (StatusCode::NOT_FOUND, "not-found", "Not found"),
                StoreError::Invalid(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    "Invalid input",
                ),
                StoreError::InvalidRows(_) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "invalid-file",
                    "The file has bad rows",
                ),
                StoreError::Conflict { .. } => (StatusCode::CONFLICT, "conflict", "Conflict"),
                StoreError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
                StoreError::Transition { .. } => (
                    StatusCode::CONFLICT,
                    "illegal-transition",
                    "Event not allowed in this state",
                ),
                e if e.is_unavailable() => (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "Service unavailable",
                ),
                // The net below the store's dependents check: never a 500 for a delete.
                e if e.is_reference_violation() => (StatusCode::CONFLICT, "conflict", "Conflict"),
                e if e.is_unrepresentable_text() => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "validation",
                    "Invalid input",
                ),
                StoreError::Config(_)
                | StoreError::Corrupt(_)
                | StoreError::Database(_)
                | StoreError::Sqlite(_)
                | StoreError::Migrate(_) => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Internal error",
                ),
            },
            ApiError::BadRequest(_) => (StatusCode::BAD_REQUEST, "bad-request", "Bad request"),
            ApiError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "Invalid input",
            ),
            ApiError::TooLarge(_) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Payload too large",
            ),
            ApiError::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
            ),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, "not-found", "Not found"),
            ApiError::Unauthorized(_) => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Authentication required",
            ),
            ApiError::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", "Forbidden"),
            ApiError::MethodNotAllowed { .. } => (
                StatusCode::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "Method not allowed",
            ),
            ApiError::Locked(_) => (StatusCode::TOO_MANY_REQUESTS, "locked", "Account locked"),
            ApiError::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
            ),
        }
    }

    pub fn problem(&self) -> Problem {
        let (status, kind, title) = self.parts();
        let detail = if status == StatusCode::INTERNAL_SERVER_ERROR {
            // The cause is logged, not shown: it may hold SQL or paths.
            "the service failed to handle the request; the log has the details".to_string()
        } else if status == StatusCode::SERVICE_UNAVAILABLE {
            UNAVAILABLE.to_string()
        } else if matches!(self, ApiError::Store(e) if e.is_reference_violation()) {
            "other rows still refer to this one; delete or move them first".to_string()
        } else if matches!(self, ApiError::Store(e) if e.is_unrepresentable_text()) {
            "a text holds a character the database cannot store (NUL, U+0000)".to_string()
        } else {
            self.to_string()
        };
        let (errors, rows) = match self {
            ApiError::Store(StoreError::Invalid(e)) | ApiError::Invalid(e) => {
                (e.clone(), Vec::new())
            }
            ApiError::Store(StoreError::Conflict {
                field: Some(f),
                message,
            }) => (vec![FieldError::new(f.clone(), message)], Vec::new()),
            ApiError::Store(StoreError::InvalidRows(r)) => (Vec::new(), r.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        let (state, allowed_events) = match self {
            ApiError::Store(StoreError::Transition { state, allowed, .. }) => {
                (Some(state.clone()), Some(allowed.clone()))
            }
            _ => (None, None),
        };
        Problem {
            errors,
            rows,
            state,
            allowed_events,
            ..Problem::simple(status.as_u16(), kind, title, &detail)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        if problem.status >= 500 {
            tracing::error!(error = %self, "request failed");
        }
        let unavailable = problem.status == 503;
        let mut response = problem.into_response();
        if unavailable {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from_static(RETRY_AFTER_SECS),
            );
        }
        if let ApiError::MethodNotAllowed { allowed, .. } = &self {
            let allow = allowed
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer realm=\"jike\""),
            );
        }
        response
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => {
                // serde's message names the field: "unknown field `colour`", "missing field `code`".
                let detail = std::error::Error::source(&e)
                    .map(ToString::to_string)
                    .unwrap_or_else(|| e.body_text());
                let field = field_of(&detail);
                // The path is the field; the reason is the rest of serde's message.
                let reason = match detail.split_once(": ") {
                    Some((path, rest)) if path == field || path == "." => rest.to_string(),
                    _ => detail.clone(),
                };
                ApiError::Invalid(vec![FieldError::new(field, reason)])
            }
            JsonRejection::JsonSyntaxError(e) => {
                let detail = std::error::Error::source(&e)
                    .map(ToString::to_string)
                    .unwrap_or_else(|| e.body_text());
                ApiError::BadRequest(format!("the body is not valid JSON: {detail}"))
            }
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                "send the body as JSON with Content-Type: application/json".into(),
            ),
            JsonRejection::BytesRejection(e) => {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge("the JSON body is larger than the service accepts".into())
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::BadRequest(format!("bad query string: {}", r.body_text()))
    }
}

/// The field a serde message is about: `path.to.field: …` or "… field `name` …".
fn field_of(detail: &str) -> String {
    let path = match detail.split_once(": ") {
        Some((path, _)) if !path.contains(' ') && path != "." => Some(path.to_string()),
        _ => None,
    };
    // "unknown field `colour`" and "missing field `code`" name the field in backticks.
    let quoted = || {
        let start = detail.find("field `")? + "field `".len();
        let len = detail[start..].find('`')?;
        Some(detail[start..start + len].to_string())
    };
    path.or_else(quoted).unwrap_or_else(|| "body".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_messages_name_their_field() {
        assert_eq!(
            field_of("unknown field `colour`, expected one of `code`"),
            "colour"
        );
        assert_eq!(field_of(". : missing field `code`"), "code");
        assert_eq!(
            field_of("path[0].element: invalid type: integer `5`, expected a string"),
            "path[0].element"
        );
        assert_eq!(field_of("grade: unknown service grade 'platinum'"), "grade");
        assert_eq!(field_of("expected value at line 1 column 2"), "body");
    }

    #[test]
    fn internal_errors_do_not_leak_their_cause() {
        let e = ApiError::Store(StoreError::Corrupt("SELECT secret FROM x".into()));
        let p = e.problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("secret"));
    }

    #[test]
    fn a_file_that_is_refused_answers_as_before_the_transfer_crate() {
        let rows = vec![RowError::file("not a CSV")];
        let p = ApiError::from(TransferError::InvalidRows(rows.clone())).problem();
        assert_eq!((p.status, p.title.as_str()), (422, "The file has bad rows"));
        assert_eq!(p.kind, "https://jike.dev/problems/invalid-file");
        assert_eq!(p.rows, rows);
        assert_eq!(p.detail, "the file has 1 problem(s); nothing was imported");
        let p = ApiError::from(TransferError::Interrupted("a thread /secret".into())).problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("secret"));
    }
}
