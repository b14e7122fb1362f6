//! Configuration compliance in the service (issue 6, domain.md §9, R-CF1..R-CF7): upload a
//! network element's configuration, have it checked by `jike-lint` with the site's conventions
//! (`[lint] rules`, the same TOML as `jike lint-config --config`), and read the newest findings
//! per element and per rule.
//!
//! - `POST /api/v1/elements/{id}/config`: the body is the text the device printed (raw, or a
//!   multipart form's `file` part); `vendor`, `role` and `file_name` in the query.
//! - `GET /api/v1/elements/{id}/config`: the element's newest check.
//! - `GET /api/v1/elements/{id}/config/text`: the text itself (audited: it holds secrets).
//! - `GET /api/v1/elements/{id}/config/history`: the configurations the element keeps.
//! - `GET /api/v1/config-findings`: findings across elements, by rule, severity or element.
//! - `GET /api/v1/config-findings/rules`: the rule catalogue with counts per rule.
//!
//! The check itself and R-CF2's comparison across devices are the store's workflow
//! (`jike_store::configs::lint`, asking `jike-lint`); this module reads the request.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use jike_domain::FieldError;
use jike_lint::{Role, Vendor, RULES};
use jike_store::configs::ConfigText;
use jike_store::configs::MAX_FINDINGS_LIMIT;
use jike_store::{Elements, FindingQuery};
use serde::Serialize;
use utoipa_axum::routes;

use crate::access::{Allow, Who, CONFIG_READ, CONFIG_UPLOAD};
use crate::error::ApiError;
use crate::openapi::{
    DeviceRoleParam, FindingsLimit, PageOfElementFindings, QueryId, SeverityParam, VendorParam,
};
use crate::resources::Json;
use crate::routes::Routes;
use crate::AppState;

/// Device configurations (issue 6): uploaded by those who maintain the elements, read by the
/// operator's rooms and the contractor (the rows each sees are its scope's). Configurations
/// hold secrets: not for account managers or customers.
pub(crate) fn routes() -> Routes {
    Routes::new()
        .upload(Allow::Roles(CONFIG_UPLOAD), routes!(upload))
        .upload(Allow::Roles(CONFIG_READ), routes!(latest))
        .route(Allow::Roles(CONFIG_READ), routes!(text))
        .route(Allow::Roles(CONFIG_READ), routes!(history))
        .route(Allow::Roles(CONFIG_READ), routes!(findings))
        .route(Allow::Roles(CONFIG_READ), routes!(rules))
}

const TAG: &str = "configuration compliance 配置核查";
const ELEMENT: &str = "the network element's id or code";

fn invalid(field: &str, reason: impl Into<String>) -> ApiError {
    ApiError::Invalid(vec![FieldError::new(field, reason.into())])
}

/// The vendor of the query: `auto` (or absent) detects it from the text. Codes or Chinese
/// names (domain.md §11).
pub fn vendor_of(raw: &str) -> Result<Option<Vendor>, ApiError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "auto" | "自动" => Ok(None),
        "huawei" | "华为" => Ok(Some(Vendor::Huawei)),
        "h3c" | "华三" | "新华三" => Ok(Some(Vendor::H3c)),
        "cisco" | "思科" => Ok(Some(Vendor::Cisco)),
        _ => Err(invalid(
            "vendor",
            format!("'{raw}' is not auto, huawei (华为), h3c (华三) or cisco (思科)"),
        )),
    }
}

/// The role of the query, `access` by default; codes or Chinese names.
pub fn role_of(raw: &str) -> Result<Role, ApiError> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "" | "access" | "接入" => Ok(Role::Access),
        "aggregation" | "汇聚" => Ok(Role::Aggregation),
        "core" | "核心" => Ok(Role::Core),
        _ => Err(invalid(
            "role",
            format!("'{raw}' is not access (接入), aggregation (汇聚) or core (核心)"),
        )),
    }
}

/// The text of an upload: UTF-8 (a byte-order mark dropped), else GB18030 (which Chinese
/// descriptions on Huawei and H3C devices are often written in); bytes that are neither are
/// refused rather than stored garbled.
pub fn decode(bytes: &[u8]) -> Result<String, ApiError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or_else(|| {
            invalid(
                "file",
                "the configuration is neither UTF-8 nor GB18030 text; upload what the device printed",
            )
        })
}

/// Text that is not a configuration at all (a spreadsheet, an archive): NUL bytes.
fn looks_binary(text: &str) -> bool {
    text.bytes().take(64 * 1024).any(|b| b == 0)
}

/// The element a path names, by id or by code, as the caller sees it.
async fn element_id(state: &AppState, who: &Who, key: &str) -> Result<i64, ApiError> {
    Ok(crate::resources::row_by_key::<Elements>(state, who, key)
        .await?
        .id)
}

const UPLOAD_PARAMS: &str = "vendor, role or file_name";

/// `POST /api/v1/elements/{id}/config?vendor=&role=&file_name=`
#[utoipa::path(post, path = "/api/v1/elements/{id}/config", tag = TAG,
    operation_id = "upload_element_config",
    summary = "Upload an element's configuration: it is checked against the access configuration \
        rules (R-CF1..R-CF7) and its findings replace the element's earlier ones",
    description = "The body is the text the device printed with `display current-configuration` or \
        `show running-config` (UTF-8 or GB18030), or multipart/form-data with a `file` part. \
        The element keeps its newest 10 configurations. CF2-inconsistent (R-CF2) compares \
        the newest configurations of every element of the same role at each upload, and \
        replaces that rule's findings of the whole group.",
    params(
        ("id" = String, Path, description = ELEMENT),
        ("vendor" = inline(Option<VendorParam>), Query,
            description = "auto (the default: detected from the text), huawei (华为), h3c (华三) or cisco (思科)"),
        ("role" = inline(Option<DeviceRoleParam>), Query,
            description = "access (接入, the default), aggregation (汇聚) or core (核心); R-CF6 applies from aggregation up"),
        ("file_name" = Option<String>, Query, description = "the file's name, kept with the upload"),
    ),
    request_body(content = String, content_type = "text/plain", description = "the configuration's text"),
    responses(
        (status = 201, description = "the check: the configuration and every finding",
            body = jike_store::ConfigCheck),
        (status = 404, description = "no element with this id or code that the caller sees"),
        (status = 413, description = "larger than max_upload_mb"),
        (status = 415, description = "a JSON body: send the text itself"),
        (status = 422, description = "an empty or binary file, text in an unknown encoding, a bad vendor or role"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    req: Request,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let (mut vendor, mut role, mut file_name) = (None, Role::Access, None);
    for (k, v) in pairs {
        match k.as_str() {
            "vendor" => vendor = vendor_of(&v)?,
            "role" => role = role_of(&v)?,
            "file_name" => file_name = Some(v.trim().to_string()),
            _ => {
                return Err(invalid(
                    &k,
                    format!("unknown parameter; use {UPLOAD_PARAMS}"),
                ))
            }
        }
    }
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if json {
        return Err(ApiError::UnsupportedMediaType(
            "send the configuration as text/plain (the text itself) or multipart/form-data with a `file` part, not JSON".into(),
        ));
    }
    let id = element_id(&state, &who, &key).await?;
    let (bytes, sent_name) = crate::transfer::file_bytes(req, &state).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid(
            "file",
            "the configuration is empty; upload the text the device prints with display current-configuration or show running-config",
        ));
    }
    let text = decode(&bytes)?;
    if looks_binary(&text) {
        return Err(invalid(
            "file",
            "the file holds binary data, not a configuration's text",
        ));
    }
    let file_name = file_name
        .filter(|n| !n.is_empty())
        .or(sent_name.filter(|n| !n.starts_with("upload.")))
        .unwrap_or_default();
    let upload = ConfigText {
        file_name,
        text,
        vendor,
        role,
    };
    let result = state
        .store
        .scoped(&who.caller)
        .config_check(id, upload, state.config.lint.clone())
        .await?;
    let location = format!("/api/v1/elements/{id}/config");
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(result),
    )
        .into_response())
}

/// `GET /api/v1/elements/{id}/config`
#[utoipa::path(get, path = "/api/v1/elements/{id}/config", tag = TAG, operation_id = "element_config",
    summary = "An element's newest check: its configuration and findings, in line order",
    params(("id" = String, Path, description = ELEMENT)),
    responses(
        (status = 200, description = "the newest check", body = jike_store::ConfigCheck),
        (status = 404, description = "no such element, or no configuration uploaded for it"),
    ))]
pub async fn latest(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let id = element_id(&state, &who, &key).await?;
    let check = state.store.scoped(&who.caller).config_latest(id).await?;
    Ok(Json(check).into_response())
}

/// `GET /api/v1/elements/{id}/config/history`
#[utoipa::path(get, path = "/api/v1/elements/{id}/config/history", tag = TAG,
    operation_id = "element_config_history",
    summary = "The configurations an element keeps, newest first, without their text",
    params(("id" = String, Path, description = ELEMENT)),
    responses(
        (status = 200, description = "newest first", body = [jike_store::ConfigSummary]),
        (status = 404, description = "no such element"),
    ))]
pub async fn history(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
) -> Result<Response, ApiError> {
    let id = element_id(&state, &who, &key).await?;
    let list = state.store.scoped(&who.caller).config_history(id).await?;
    Ok(Json(list).into_response())
}

/// `GET /api/v1/elements/{id}/config/text?upload=`
#[utoipa::path(get, path = "/api/v1/elements/{id}/config/text", tag = TAG,
    operation_id = "element_config_text",
    summary = "The text of an element's configuration (the newest unless `upload` names one); \
        every read is recorded in the audit log",
    params(
        ("id" = String, Path, description = ELEMENT),
        ("upload" = inline(Option<QueryId>), Query, description = "the id of one of the element's configurations"),
    ),
    responses(
        (status = 200, description = "the text as uploaded", body = String, content_type = "text/plain"),
        (status = 404, description = "no such element or configuration"),
        (status = 422, description = "an unknown parameter or a bad upload id"),
    ))]
pub async fn text(
    State(state): State<AppState>,
    who: Who,
    Path(key): Path<String>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let mut upload = None;
    for (k, v) in pairs {
        match k.as_str() {
            "upload" => {
                upload = Some(
                    v.trim()
                        .parse::<i64>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| invalid("upload", format!("'{v}' is not an upload id")))?,
                )
            }
            _ => return Err(invalid(&k, "unknown parameter; use upload")),
        }
    }
    let id = element_id(&state, &who, &key).await?;
    let (summary, text) = state
        .store
        .scoped(&who.caller)
        .config_text(id, upload)
        .await?;
    let name = if summary.file_name.is_empty() {
        format!("element-{id}-config-{}.txt", summary.id)
    } else {
        summary.file_name.clone()
    };
    // The name is the uploader's: only its safe characters go into the header.
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/plain; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{safe}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        text,
    )
        .into_response())
}

const FINDING_PARAMS: &str = "rule, severity, element, limit or cursor";

fn finding_query(pairs: Vec<(String, String)>) -> Result<FindingQuery, ApiError> {
    let mut q = FindingQuery::default();
    for (k, v) in pairs {
        let v = v.trim().to_string();
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "rule" => {
                if !RULES.iter().any(|r| r.id == v) {
                    return Err(invalid(
                        "rule",
                        format!(
                            "'{v}' is not a rule id (GET /api/v1/config-findings/rules lists them)"
                        ),
                    ));
                }
                q.rule = Some(v)
            }
            "severity" => q.severity = Some(v),
            "element" => q.element = Some(v),
            "limit" => {
                q.limit = Some(v.parse().map_err(|_| {
                    invalid(
                        "limit",
                        format!("'{v}' is not a whole number from 1 to {MAX_FINDINGS_LIMIT}"),
                    )
                })?)
            }
            "cursor" => q.cursor = Some(v),
            _ => {
                return Err(invalid(
                    &k,
                    format!("unknown parameter; use {FINDING_PARAMS}"),
                ))
            }
        }
    }
    Ok(q)
}

/// `GET /api/v1/config-findings?rule=&severity=&element=&limit=&cursor=`
#[utoipa::path(get, path = "/api/v1/config-findings", tag = TAG, operation_id = "config_findings",
    summary = "Findings of the newest checks across the elements the caller sees, by element then line",
    params(
        ("rule" = Option<String>, Query, description = "only this rule's findings, e.g. CF5-missing-description"),
        ("severity" = inline(Option<SeverityParam>), Query, description = "error, warning or note"),
        ("element" = Option<String>, Query, description = "only this element's findings (its code)"),
        ("limit" = inline(Option<FindingsLimit>), Query, description = format!(
            "findings per page, 1 to {MAX_FINDINGS_LIMIT}, default {}",
            jike_store::DEFAULT_LIMIT
        )),
        ("cursor" = Option<String>, Query, description = "the next_cursor of the previous page"),
    ),
    responses(
        (status = 200, description = "one page", body = PageOfElementFindings),
        (status = 422, description = "an unknown parameter or rule, a bad severity, limit or cursor"),
    ))]
pub async fn findings(
    State(state): State<AppState>,
    who: Who,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(pairs) = query?;
    let q = finding_query(pairs)?;
    let page = state.store.scoped(&who.caller).config_findings(&q).await?;
    Ok(Json(page).into_response())
}

/// A rule of the catalogue as this service applies it, with what the newest checks found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RuleStatus {
    /// The stable id, e.g. `CF5-missing-description`.
    pub rule: String,
    /// The severity this service grades it with (`[lint] rules` may re-grade it); `off` when
    /// switched off.
    pub severity: String,
    /// The clause of domain.md §9 (`R-CF5`), or `security`.
    pub clause: String,
    pub rationale: String,
    /// Findings of the rule in the newest checks of the elements the caller sees.
    pub findings: i64,
    /// On how many elements.
    pub elements: i64,
}

/// `GET /api/v1/config-findings/rules`: what the list per rule starts from.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RulesOverview {
    /// Elements with a configuration uploaded.
    pub elements_checked: i64,
    /// Of those, the elements whose newest check found an error.
    pub elements_with_errors: i64,
    pub rules: Vec<RuleStatus>,
}

/// `GET /api/v1/config-findings/rules`
#[utoipa::path(get, path = "/api/v1/config-findings/rules", tag = TAG, operation_id = "config_rules",
    summary = "The rule catalogue as this service applies it, with the findings of each rule in the \
        newest checks and on how many elements",
    responses((status = 200, description = "every rule", body = RulesOverview)))]
pub async fn rules(State(state): State<AppState>, who: Who) -> Result<Response, ApiError> {
    let overview = state.store.scoped(&who.caller).config_overview().await?;
    let cfg = &state.config.lint;
    let rules = RULES
        .iter()
        .map(|r| {
            let (findings, elements) = overview
                .rules
                .iter()
                .filter(|c| c.rule == r.id)
                .fold((0, 0), |(f, e), c| (f + c.findings, e.max(c.elements)));
            RuleStatus {
                rule: r.id.to_string(),
                severity: cfg.severity(r.id).map_or("off", |s| s.as_str()).to_string(),
                clause: r.clause.to_string(),
                rationale: r.rationale.to_string(),
                findings,
                elements,
            }
        })
        .collect();
    Ok(Json(RulesOverview {
        elements_checked: overview.elements_checked,
        elements_with_errors: overview.elements_with_errors,
        rules,
    })
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendors_and_roles_are_read_by_code_or_chinese_name() {
        assert_eq!(vendor_of("auto").unwrap(), None);
        assert_eq!(vendor_of("").unwrap(), None);
        assert_eq!(vendor_of("华为").unwrap(), Some(Vendor::Huawei));
        assert_eq!(vendor_of("H3C").unwrap(), Some(Vendor::H3c));
        assert_eq!(role_of("汇聚").unwrap(), Role::Aggregation);
        assert_eq!(role_of("").unwrap(), Role::Access);
        for (f, r) in [
            ("vendor", vendor_of("juniper").map(|_| ())),
            ("role", role_of("edge").map(|_| ())),
        ] {
            match r {
                Err(ApiError::Invalid(e)) => assert_eq!(e[0].field, f),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn uploads_decode_as_utf8_or_gb18030_and_nothing_else() {
        assert_eq!(decode(b"\xEF\xBB\xBFsysname A\n").unwrap(), "sysname A\n");
        // "描述" in GB18030.
        let gbk = b"description \xC3\xE8\xCA\xF6\n";
        assert_eq!(decode(gbk).unwrap(), "description 描述\n");
        assert!(decode(b"\xFF\xFF\xFF").is_err());
        assert!(looks_binary("PK\u{0}\u{3}"));
        assert!(!looks_binary("sysname A"));
    }

    #[test]
    fn finding_queries_refuse_unknown_rules_and_parameters() {
        let q = finding_query(vec![
            ("rule".into(), "CF5-missing-description".into()),
            ("limit".into(), "50".into()),
        ])
        .unwrap();
        assert_eq!(q.rule.as_deref(), Some("CF5-missing-description"));
        assert_eq!(q.limit, Some(50));
        for (k, v) in [("rule", "CF9"), ("limit", "x"), ("colour", "red")] {
            match finding_query(vec![(k.into(), v.into())]) {
                Err(ApiError::Invalid(e)) => assert_eq!(e[0].field, k),
                other => panic!("{other:?}"),
            }
        }
    }
}
