//! `POST /api/v1/import/{kind}` and `GET /api/v1/export/{kind}`.

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use jike_domain::FieldError;
use jike_transfer::{Format, HeaderLang, Kind};
use serde::Deserialize;
use utoipa_axum::routes;

use crate::access::{Allow, Who, ADMIN};
use crate::error::ApiError;
use crate::openapi::{Binary, FileFormat, FileKind, Flag, HeaderLanguage};
use crate::resources::{parse_bool, Json};
use crate::routes::Routes;
use crate::AppState;
use jike_domain::Vocabulary;

pub(crate) fn routes() -> Routes {
    Routes::new()
        .upload(Allow::Roles(ADMIN), routes!(import))
        // Which kinds a role may export is checked per kind by the handler, with the same
        // table as the lists (`inventory_readers`).
        .route(Allow::Authenticated, routes!(export))
}

const TAG: &str = "import and export 导入导出";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[derive(Deserialize)]
pub(crate) struct ImportQuery {
    format: Option<String>,
    dry_run: Option<String>,
}

fn kind_of(raw: &str) -> Result<Kind, ApiError> {
    raw.parse::<Kind>().map_err(|_| {
        ApiError::NotFound(format!(
            "'{raw}' cannot be imported or exported; use one of: {}",
            Kind::CODES
        ))
    })
}

fn format_of(raw: &str) -> Result<Format, ApiError> {
    raw.parse::<Format>().map_err(|_| {
        ApiError::Invalid(vec![FieldError::new(
            "format",
            format!("'{raw}' is not csv or xlsx"),
        )])
    })
}

/// The body is the file itself, or a multipart form whose `file` part is.
pub(crate) async fn file_bytes(
    req: Request,
    state: &AppState,
) -> Result<(Bytes, Option<String>), ApiError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let limit = state.config.max_upload_bytes;
    if content_type.starts_with("multipart/form-data") {
        let mut form = Multipart::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        while let Some(field) = form
            .next_field()
            .await
            .map_err(|e| multipart_error(e, limit))?
        {
            if field.name() == Some("file") {
                let name = field.file_name().map(str::to_string);
                let bytes = field.bytes().await.map_err(|e| multipart_error(e, limit))?;
                return Ok((bytes, name));
            }
        }
        Err(ApiError::Invalid(vec![FieldError::new(
            "file",
            "the form has no `file` part",
        )]))
    } else {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge(format!(
                    "the file is larger than {limit} bytes (max_upload_mb)"
                ))
            } else {
                ApiError::BadRequest(e.body_text())
            }
        })?;
        let guess = if content_type.contains("spreadsheetml") {
            Some("upload.xlsx".to_string())
        } else if content_type.contains("csv") {
            Some("upload.csv".to_string())
        } else {
            None
        };
        Ok((bytes, guess))
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError, limit: usize) -> ApiError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge(format!(
            "the file is larger than {limit} bytes (max_upload_mb)"
        ))
    } else {
        ApiError::BadRequest(e.body_text())
    }
}

#[utoipa::path(post, path = "/api/v1/import/{kind}", tag = TAG, operation_id = "import",
    summary = "Import a .xlsx or CSV file: all rows or none",
    description = "The body is the file itself, or multipart/form-data with a `file` part. Rows are upserted by code; \
        a file with any bad row writes nothing and answers 422 with every row error. With dry_run=true \
        nothing is written and the report says what would be.",
    params(
        ("kind" = inline(FileKind), Path, description = Kind::CODES),
        ("format" = inline(Option<FileFormat>), Query,
            description = "csv or xlsx; guessed from the body when absent"),
        ("dry_run" = inline(Option<Flag>), Query, description = "true to check and count without writing"),
    ),
    request_body(content((inline(Binary) = "text/csv"), (inline(Binary) = XLSX))),
    responses(
        (status = 200, description = "what was imported", body = jike_store::ImportReport),
        (status = 413, description = "the file is larger than max_upload_mb, or the .xlsx inflates beyond its zip \
            limits (the detail names the entry)"),
        (status = 422, description = "bad rows, each with its row number, column and reason"),
    ))]
pub(crate) async fn import(
    State(state): State<AppState>,
    who: Who,
    Path(kind): Path<String>,
    query: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    req: Request,
) -> Result<Response, ApiError> {
    let Query(q) = query?;
    let kind = kind_of(&kind)?;
    let dry_run = parse_bool("dry_run", q.dry_run.as_deref().unwrap_or(""))?;
    let (bytes, name) = file_bytes(req, &state).await?;
    if bytes.is_empty() {
        return Err(ApiError::Invalid(vec![FieldError::new(
            "file",
            "the file is empty",
        )]));
    }
    let format = match q.format.as_deref() {
        Some(f) => format_of(f)?,
        None => name
            .as_deref()
            .and_then(|n| Format::from_path(std::path::Path::new(n)))
            .unwrap_or_else(|| Format::sniff(&bytes)),
    };
    let report =
        jike_transfer::import_file_as(&state.store, &who.caller, kind, format, bytes, dry_run)
            .await?;
    Ok(Json(report).into_response())
}

#[derive(Deserialize)]
pub(crate) struct ExportQuery {
    format: Option<String>,
    headers: Option<String>,
    /// Customer contacts unmasked (audited); for the roles that may (`Role::may_reveal`).
    reveal: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/export/{kind}", tag = TAG, operation_id = "export",
    summary = "Export every row of a kind as a file that import reads back",
    params(
        ("kind" = inline(FileKind), Path, description = Kind::CODES),
        ("format" = inline(Option<FileFormat>), Query, description = "csv (default) or xlsx"),
        ("headers" = inline(Option<HeaderLanguage>), Query, description = "zh (default) or en"),
        ("reveal" = inline(Option<Flag>), Query,
            description = "true for customer contacts unmasked (audited); only for the roles that may"),
    ),
    responses(
        (status = 200, description = "the file",
            content((inline(Binary) = "text/csv"), (inline(Binary) = XLSX))),
    ))]
pub(crate) async fn export(
    State(state): State<AppState>,
    who: Who,
    Path(kind): Path<String>,
    query: Result<Query<ExportQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query?;
    let kind = kind_of(&kind)?;
    // The same rule as the kind's list: the file holds the rows the caller's scope sees.
    if !crate::access::inventory_readers(kind).contains(&who.role()) {
        return Err(ApiError::Forbidden(format!(
            "the role {} may not export {kind}",
            who.role().code()
        )));
    }
    let reveal = parse_bool("reveal", q.reveal.as_deref().unwrap_or(""))?;
    if reveal && !who.role().may_reveal() {
        return Err(ApiError::Forbidden(format!(
            "the role {} may not read customer contacts unmasked",
            who.role().code()
        )));
    }
    let format = format_of(q.format.as_deref().unwrap_or("csv"))?;
    let lang = match q.headers.as_deref().unwrap_or("zh") {
        "zh" | "cn" | "chinese" => HeaderLang::Chinese,
        "en" | "english" => HeaderLang::English,
        other => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "headers",
                format!("'{other}' is not zh or en"),
            )]));
        }
    };
    let bytes =
        jike_transfer::export_file_as(&state.store, &who.caller, kind, format, lang, reveal)
            .await?;
    let disposition = format!("attachment; filename=\"{kind}.{}\"", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
