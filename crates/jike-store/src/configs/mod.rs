//! Configuration compliance in the service (issue 6, domain.md §9, R-CF1..R-CF7): the
//! configurations uploaded for a network element and the findings of its newest check.
//!
//! The workflow is the order's: the store reads the facts, `jike-lint`'s pure functions decide,
//! the store writes the outcome. [`Store::config_check_as`] (`lint.rs`) checks the uploaded text
//! and hands it with its findings to [`Store::config_upload_as`], which writes them in one
//! transaction with an audit entry. Each element keeps its newest [`KEEP_CONFIGS`]
//! configurations (to see what changed) and the findings of the newest only: an upload replaces
//! the element's findings, so the lists per element and per rule always show the state of the
//! network as last checked.
//!
//! One rule compares devices with each other (R-CF2, `CF2-inconsistent`: NTP, syslog and SNMP
//! trap hosts, time zone, AAA servers uniform across the devices of one role). Each
//! configuration keeps its global parameters (`globals`, JSON the store does not read), and an
//! upload hands the store a [`FleetCheck`]: inside the upload's transaction the store gives it the
//! newest configuration of every element of the role (all elements, whoever uploads: the fleet is
//! the network, not the caller's part of it), and replaces that rule's findings of the whole
//! group with what it returns. The group the element left, when its role changed, is compared
//! again too.
//!
//! Who sees what follows the element (`scope.rs`): a contractor sees the configurations and
//! findings of the elements it maintains, and a caller that does not see an element is told it
//! does not exist.

use chrono::{DateTime, FixedOffset, SubsecRound, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::FromRow;

use crate::db::{Conn, Val};
use crate::error::StoreError;
use crate::inventory::ops::{check_visible, scope_condition};
use crate::page::Page;
use crate::{Caller, Elements, Store};
use jike_domain::time::local;

pub mod lint;
pub use lint::ConfigText;

/// How many configurations an element keeps, newest first; older ones are deleted at upload.
pub const KEEP_CONFIGS: i64 = 10;

/// The largest page of [`Store::config_findings_as`].
pub const MAX_FINDINGS_LIMIT: u32 = 1000;

/// The severities a finding may have, as `jike-lint` names them.
pub const SEVERITIES: [&str; 3] = ["error", "warning", "note"];

/// One finding of a check, as stored with the element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigFinding {
    /// 1-based line of the statement at fault.
    pub line: i64,
    /// The rule's stable id, e.g. `CF5-missing-description` (`jike lint-config --rules`).
    pub rule: String,
    /// `error`, `warning` or `note`.
    pub severity: String,
    pub message: String,
    /// The configuration object the statement belongs to (`interface GigabitEthernet0/0/1`).
    pub object: Option<String>,
    /// The message in Chinese (empty when the rule wrote none).
    pub message_zh: String,
    /// The other elements a comparison across devices (R-CF2) found differing the same way:
    /// only those the reader may see (the message itself names none).
    pub related_elements: Vec<String>,
}

/// A configuration to store: the text as uploaded and what the check found in it.
#[derive(Debug, Clone)]
pub struct ConfigUpload {
    /// The name the uploader gave the file (`NE-0001.cfg`); may be empty.
    pub file_name: String,
    /// The dialect it was read as: `huawei`, `h3c` or `cisco`.
    pub vendor: String,
    /// The device's place in the network it was checked for: `access`, `aggregation`, `core`.
    pub role: String,
    pub content: String,
    /// Lines of text, as the parser counted them.
    pub lines: i64,
    /// The device's own findings (not those comparing it with others).
    pub findings: Vec<ConfigFinding>,
    /// Its global parameters for the comparison across devices, as the [`FleetCheck`] reads
    /// them (JSON).
    pub globals: String,
}

/// The newest configuration of an element, as the comparison across devices sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FleetDevice {
    pub element_id: i64,
    pub element_code: String,
    /// The configuration's [`ConfigUpload::globals`].
    pub globals: String,
}

/// Given a role and the newest configurations of its elements, the findings of each (by element
/// id) of the rule comparing them.
pub type Compare<'a> = dyn Fn(&str, &[FleetDevice]) -> Vec<(i64, ConfigFinding)> + Send + Sync + 'a;

/// The rule comparing devices with each other, and the comparison.
pub struct FleetCheck<'a> {
    /// Its findings are replaced for the whole group at every upload.
    pub rule: &'a str,
    pub compare: &'a Compare<'a>,
}

/// One stored configuration, without its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigSummary {
    /// The upload's id.
    pub id: i64,
    pub element_id: i64,
    /// When it was uploaded and checked, in +08:00.
    pub uploaded_at: DateTime<FixedOffset>,
    /// Who uploaded it.
    pub uploaded_by: String,
    pub file_name: String,
    /// `huawei`, `h3c` or `cisco`: the dialect it was read as.
    pub vendor: String,
    /// `access`, `aggregation` or `core`: the role it was checked for.
    pub role: String,
    /// SHA-256 (hex) of the text: the same text uploaded twice has the same hash.
    pub sha256: String,
    pub bytes: i64,
    pub lines: i64,
    /// Findings of each severity: for an element's newest configuration all of them, those
    /// comparing it with other devices included; for an older one, its own when it was checked.
    pub errors: i64,
    pub warnings: i64,
    pub notes: i64,
}

/// The element a check belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElementRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// An element's newest check: the configuration and every finding, in line order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigCheck {
    pub element: ElementRef,
    pub config: ConfigSummary,
    pub findings: Vec<ConfigFinding>,
}

/// A finding across elements, for the list per rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ElementFinding {
    /// The finding's id (the list's order).
    pub id: i64,
    pub element_id: i64,
    pub element_code: String,
    pub element_name: String,
    /// The configuration it was found in.
    pub config_id: i64,
    /// When that configuration was checked, in +08:00.
    pub checked_at: DateTime<FixedOffset>,
    pub line: i64,
    pub rule: String,
    pub severity: String,
    pub message: String,
    pub object: Option<String>,
    /// The message in Chinese (empty when the rule wrote none).
    pub message_zh: String,
    /// The other elements the finding compares with (R-CF2) that the reader may see.
    pub related_elements: Vec<String>,
}

/// A request for findings across elements, oldest check first within each element.
#[derive(Debug, Clone, Default)]
pub struct FindingQuery {
    /// Only this rule's findings (`CF5-missing-description`).
    pub rule: Option<String>,
    /// Only findings of this severity.
    pub severity: Option<String>,
    /// Only this element's findings (its code).
    pub element: Option<String>,
    /// Findings per page, 1 to [`MAX_FINDINGS_LIMIT`]; default [`crate::DEFAULT_LIMIT`].
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// How many findings of a rule the newest checks hold, and on how many elements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleCount {
    pub rule: String,
    pub severity: String,
    pub findings: i64,
    pub elements: i64,
}

/// The state of the checked network as the caller sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfigOverview {
    /// Elements with at least one configuration uploaded.
    pub elements_checked: i64,
    /// Of those, the elements whose newest check found an error.
    pub elements_with_errors: i64,
    /// Findings per rule and severity, rules in id order.
    pub rules: Vec<RuleCount>,
}

#[derive(FromRow)]
struct SummaryRow {
    id: i64,
    element_id: i64,
    uploaded_at: DateTime<Utc>,
    uploaded_by: String,
    file_name: String,
    vendor: String,
    role: String,
    sha256: String,
    bytes: i64,
    lines: i64,
    errors: i64,
    warnings: i64,
    notes: i64,
}
crate::lite_record!(SummaryRow {
    id,
    element_id,
    uploaded_at,
    uploaded_by,
    file_name,
    vendor,
    role,
    sha256,
    bytes,
    lines,
    errors,
    warnings,
    notes
});

const SUMMARY_COLUMNS: &str = "id, element_id, uploaded_at, uploaded_by, file_name, vendor, role, \
     sha256, bytes, lines, errors, warnings, notes";

impl SummaryRow {
    fn summary(self) -> ConfigSummary {
        ConfigSummary {
            id: self.id,
            element_id: self.element_id,
            uploaded_at: local(self.uploaded_at),
            uploaded_by: self.uploaded_by,
            file_name: self.file_name,
            vendor: self.vendor,
            role: self.role,
            sha256: self.sha256,
            bytes: self.bytes,
            lines: self.lines,
            errors: self.errors,
            warnings: self.warnings,
            notes: self.notes,
        }
    }
}

#[derive(FromRow)]
struct FindingRow {
    line: i64,
    rule: String,
    severity: String,
    message: String,
    object: Option<String>,
    message_zh: String,
    related: String,
}
crate::lite_record!(FindingRow {
    line,
    rule,
    severity,
    message,
    object,
    message_zh,
    related
});

#[derive(FromRow)]
struct ElementFindingRow {
    id: i64,
    element_id: i64,
    element_code: String,
    element_name: String,
    config_id: i64,
    checked_at: DateTime<Utc>,
    line: i64,
    rule: String,
    severity: String,
    message: String,
    object: Option<String>,
    message_zh: String,
    related: String,
}
crate::lite_record!(ElementFindingRow {
    id,
    element_id,
    element_code,
    element_name,
    config_id,
    checked_at,
    line,
    rule,
    severity,
    message,
    object,
    message_zh,
    related
});

/// The related elements as stored (a JSON array of codes; a malformed value reads as none).
fn related_of(stored: &str) -> Vec<String> {
    serde_json::from_str(stored).unwrap_or_default()
}

fn related_text(codes: &[String]) -> String {
    serde_json::to_string(codes).unwrap_or_else(|_| "[]".into())
}

/// Keeps of each finding's related elements those `scope` sees: a contractor reading its
/// element's R-CF2 finding must not learn the codes of elements it does not maintain.
async fn hide_unseen(
    conn: &mut Conn<'_>,
    scope: &crate::scope::Scope,
    related: &mut [&mut Vec<String>],
) -> Result<(), StoreError> {
    let mut wanted: Vec<String> = related.iter().flat_map(|r| r.iter().cloned()).collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(());
    }
    let mut vals: Vec<Val> = Vec::new();
    let cond = match scope_condition("elements", scope, &mut vals) {
        None => {
            for r in related.iter_mut() {
                r.clear();
            }
            return Ok(());
        }
        Some(c) => c,
    };
    let mut seen = std::collections::HashSet::new();
    for chunk in wanted.chunks(500) {
        let mut binds = vals.clone();
        let first = binds.len() + 1;
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| format!("${}", first + i))
            .collect();
        binds.extend(chunk.iter().map(|c| Val::text(c.as_str())));
        let scope_sql = cond
            .as_ref()
            .map(|c| format!(" AND {c}"))
            .unwrap_or_default();
        let rows: Vec<(String,)> = conn
            .fetch_all(
                &format!(
                    "SELECT t.code FROM elements t WHERE t.code IN ({}){scope_sql}",
                    marks.join(", ")
                ),
                &binds,
            )
            .await?;
        seen.extend(rows.into_iter().map(|(c,)| c));
    }
    for r in related.iter_mut() {
        r.retain(|c| seen.contains(c));
    }
    Ok(())
}

fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The upload's fields, checked before anything is written.
fn validate(upload: &ConfigUpload) -> Result<(), StoreError> {
    if upload.content.trim().is_empty() {
        return Err(StoreError::invalid(
            "content",
            "the configuration is empty; upload the text the device prints with display current-configuration or show running-config",
        ));
    }
    if !["huawei", "h3c", "cisco"].contains(&upload.vendor.as_str()) {
        return Err(StoreError::invalid(
            "vendor",
            format!("'{}' is not huawei, h3c or cisco", upload.vendor),
        ));
    }
    if !["access", "aggregation", "core"].contains(&upload.role.as_str()) {
        return Err(StoreError::invalid(
            "role",
            format!("'{}' is not access, aggregation or core", upload.role),
        ));
    }
    if upload.file_name.chars().count() > 255 {
        return Err(StoreError::invalid(
            "file_name",
            "is longer than 255 characters",
        ));
    }
    for (i, f) in upload.findings.iter().enumerate() {
        if !SEVERITIES.contains(&f.severity.as_str()) {
            return Err(StoreError::invalid(
                format!("findings[{i}].severity"),
                format!("'{}' is not error, warning or note", f.severity),
            ));
        }
    }
    Ok(())
}

async fn element_ref(conn: &mut Conn<'_>, element_id: i64) -> Result<ElementRef, StoreError> {
    let (code, name): (String, String) = conn
        .fetch_one(
            "SELECT code, name FROM elements WHERE id = $1",
            &[Val::int(element_id)],
        )
        .await?;
    Ok(ElementRef {
        id: element_id,
        code,
        name,
    })
}

async fn findings_of(
    conn: &mut Conn<'_>,
    scope: &crate::scope::Scope,
    config_id: i64,
) -> Result<Vec<ConfigFinding>, StoreError> {
    let rows: Vec<FindingRow> = conn
        .fetch_all(
            "SELECT line, rule, severity, message, object, message_zh, related \
             FROM config_findings WHERE config_id = $1 ORDER BY line, id",
            &[Val::int(config_id)],
        )
        .await?;
    let mut findings: Vec<ConfigFinding> = rows
        .into_iter()
        .map(|r| ConfigFinding {
            line: r.line,
            rule: r.rule,
            severity: r.severity,
            message: r.message,
            object: r.object,
            message_zh: r.message_zh,
            related_elements: related_of(&r.related),
        })
        .collect();
    let mut related: Vec<&mut Vec<String>> = findings
        .iter_mut()
        .map(|f| &mut f.related_elements)
        .collect();
    hide_unseen(conn, scope, &mut related).await?;
    Ok(findings)
}

/// Errors, warnings and notes among `findings`.
fn counts(findings: &[ConfigFinding]) -> (i64, i64, i64) {
    let mut c = (0, 0, 0);
    for f in findings {
        match f.severity.as_str() {
            "error" => c.0 += 1,
            "warning" => c.1 += 1,
            _ => c.2 += 1,
        }
    }
    c
}

/// Compares the newest configurations of every element of `role` (`fleet.compare`) and
/// replaces the group's findings of `fleet.rule` with the result, in the caller's transaction.
async fn compare_fleet(
    conn: &mut Conn<'_>,
    fleet: &FleetCheck<'_>,
    role: &str,
) -> Result<(), StoreError> {
    let newest: Vec<(i64, String, i64, String)> = conn
        .fetch_all(
            "SELECT c.element_id, e.code, c.id, c.globals FROM element_configs c \
             JOIN elements e ON e.id = c.element_id \
             WHERE c.role = $1 AND c.id = (SELECT MAX(n.id) FROM element_configs n \
             WHERE n.element_id = c.element_id) ORDER BY e.code",
            &[Val::text(role)],
        )
        .await?;
    let config_of: std::collections::HashMap<i64, i64> =
        newest.iter().map(|(e, _, c, _)| (*e, *c)).collect();
    let devices: Vec<FleetDevice> = newest
        .into_iter()
        .map(|(element_id, element_code, _, globals)| FleetDevice {
            element_id,
            element_code,
            globals,
        })
        .collect();
    let found = (fleet.compare)(role, &devices);
    // Only what changed is written: the findings of the group as stored, by content, against
    // the comparison's; most of them stay as they are from one upload to the next.
    /// id, config_id, line, severity, message, object, related.
    type Stored = (i64, i64, i64, String, String, Option<String>, String);
    let stored: Vec<Stored> = conn
        .fetch_all(
            "SELECT f.id, f.config_id, f.line, f.severity, f.message, f.object, f.related \
             FROM config_findings f WHERE f.rule = $1 AND f.config_id IN \
             (SELECT id FROM element_configs WHERE role = $2)",
            &[Val::text(fleet.rule), Val::text(role)],
        )
        .await?;
    type Key = (i64, i64, String, String, Option<String>, String);
    let mut kept: std::collections::HashMap<Key, Vec<i64>> = std::collections::HashMap::new();
    for (id, config_id, line, severity, message, object, related) in stored {
        kept.entry((config_id, line, severity, message, object, related))
            .or_default()
            .push(id);
    }
    let mut rows = Vec::new();
    for (element_id, f) in found {
        let Some(config_id) = config_of.get(&element_id) else {
            continue;
        };
        if f.rule != fleet.rule || !SEVERITIES.contains(&f.severity.as_str()) {
            return Err(StoreError::invalid(
                "findings",
                format!(
                    "a comparison across devices gave a finding of {} ({})",
                    f.rule, f.severity
                ),
            ));
        }
        let related = related_text(&f.related_elements);
        let key = (*config_id, f.line, f.severity, f.message, f.object, related);
        if kept.get_mut(&key).and_then(Vec::pop).is_some() {
            continue;
        }
        let (config_id, line, severity, message, object, related) = key;
        rows.push(vec![
            Val::int(element_id),
            Val::int(config_id),
            Val::int(line),
            Val::text(f.rule),
            Val::text(severity),
            Val::text(message),
            Val::Text(object),
            Val::text(f.message_zh),
            Val::text(related),
        ]);
    }
    let stale: Vec<Vec<Val>> = kept
        .into_values()
        .flatten()
        .map(|id| vec![Val::int(id)])
        .collect();
    conn.execute_each("DELETE FROM config_findings WHERE id = $1", &stale)
        .await?;
    conn.execute_each(
        "INSERT INTO config_findings (element_id, config_id, line, rule, severity, message, \
         object, message_zh, related) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &rows,
    )
    .await
}

fn not_found_config(element_id: i64) -> StoreError {
    StoreError::NotFound {
        noun: "configuration",
        key: format!("of element id {element_id} (none was uploaded)"),
    }
}

impl Store {
    /// Stores a configuration uploaded for an element `caller` sees, with its findings, which
    /// replace the element's earlier findings; keeps the element's newest [`KEEP_CONFIGS`]
    /// configurations; records the upload (without the text) in the audit log. One
    /// transaction: a refused upload writes nothing.
    pub(crate) async fn config_upload_as(
        &self,
        caller: &Caller,
        element_id: i64,
        upload: &ConfigUpload,
        fleet: &FleetCheck<'_>,
    ) -> Result<ConfigCheck, StoreError> {
        validate(upload)?;
        // Microseconds: what both databases keep, so that the answer equals a later read.
        let now = Utc::now().trunc_subsecs(6);
        // The device's own findings, kept with the configuration for its history.
        let (errors, warnings, notes) = counts(&upload.findings);
        let sha256 = sha256_hex(&upload.content);
        let bytes = upload.content.len() as i64;

        let mut tx = self.db.begin().await?;
        let mut conn = tx.conn();
        check_visible::<Elements>(&mut conn, &caller.scope, element_id).await?;
        let element = element_ref(&mut conn, element_id).await?;
        let previous: Option<(String, String)> = conn
            .fetch_optional(
                "SELECT role, globals FROM element_configs WHERE element_id = $1 \
                 ORDER BY id DESC LIMIT 1",
                &[Val::int(element_id)],
            )
            .await?;
        conn.execute(
            "DELETE FROM config_findings WHERE element_id = $1 AND rule <> $2",
            &[Val::int(element_id), Val::text(fleet.rule)],
        )
        .await?;
        let (config_id,): (i64,) = conn
            .fetch_one(
                "INSERT INTO element_configs (element_id, uploaded_at, uploaded_by, file_name, \
                 vendor, role, sha256, bytes, lines, errors, warnings, notes, content, globals) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                 RETURNING id",
                &[
                    Val::int(element_id),
                    Val::Time(Some(now)),
                    Val::text(caller.user.as_str()),
                    Val::text(upload.file_name.as_str()),
                    Val::text(upload.vendor.as_str()),
                    Val::text(upload.role.as_str()),
                    Val::text(sha256.as_str()),
                    Val::int(bytes),
                    Val::int(upload.lines),
                    Val::int(errors),
                    Val::int(warnings),
                    Val::int(notes),
                    Val::text(upload.content.as_str()),
                    Val::text(upload.globals.as_str()),
                ],
            )
            .await?;
        let rows: Vec<Vec<Val>> = upload
            .findings
            .iter()
            .map(|f| {
                vec![
                    Val::int(element_id),
                    Val::int(config_id),
                    Val::int(f.line),
                    Val::text(f.rule.as_str()),
                    Val::text(f.severity.as_str()),
                    Val::text(f.message.as_str()),
                    Val::Text(f.object.clone()),
                    Val::text(f.message_zh.as_str()),
                    Val::text(related_text(&f.related_elements)),
                ]
            })
            .collect();
        conn.execute_each(
            "INSERT INTO config_findings (element_id, config_id, line, rule, severity, message, \
             object, message_zh, related) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &rows,
        )
        .await?;
        // The same role and parameters as before (a configuration uploaded again, or changed
        // elsewhere): the comparison across devices cannot come out differently, and its
        // findings move to the new configuration. Otherwise the group is compared again, and
        // the group the element left when its role changed.
        let same = previous
            .as_ref()
            .is_some_and(|(role, globals)| *role == upload.role && *globals == upload.globals);
        if same {
            conn.execute(
                "UPDATE config_findings SET config_id = $1 WHERE element_id = $2 AND rule = $3",
                &[
                    Val::int(config_id),
                    Val::int(element_id),
                    Val::text(fleet.rule),
                ],
            )
            .await?;
        } else {
            conn.execute(
                "DELETE FROM config_findings WHERE element_id = $1 AND rule = $2",
                &[Val::int(element_id), Val::text(fleet.rule)],
            )
            .await?;
            compare_fleet(&mut conn, fleet, &upload.role).await?;
            if let Some((old, _)) = previous.filter(|(r, _)| *r != upload.role) {
                compare_fleet(&mut conn, fleet, &old).await?;
            }
        }
        conn.execute(
            "DELETE FROM element_configs WHERE element_id = $1 AND id NOT IN \
             (SELECT id FROM element_configs WHERE element_id = $1 ORDER BY id DESC LIMIT $2)",
            &[Val::int(element_id), Val::int(KEEP_CONFIGS)],
        )
        .await?;
        let findings = findings_of(&mut conn, &caller.scope, config_id).await?;
        let (errors, warnings, notes) = counts(&findings);
        let config = ConfigSummary {
            id: config_id,
            element_id,
            uploaded_at: local(now),
            uploaded_by: caller.user.clone(),
            file_name: upload.file_name.clone(),
            vendor: upload.vendor.clone(),
            role: upload.role.clone(),
            sha256,
            bytes,
            lines: upload.lines,
            errors,
            warnings,
            notes,
        };
        let entry = caller
            .audit(
                "elements.config_upload",
                format!("elements/{element_id}/configs/{config_id}"),
            )
            .with_after(crate::audit::to_json(&config)?);
        crate::audit::append(&mut conn, &entry, now).await?;
        tx.commit().await?;
        Ok(ConfigCheck {
            element,
            config,
            findings,
        })
    }

    /// The newest check of an element `caller` sees; not found when none was uploaded.
    pub(crate) async fn config_latest_as(
        &self,
        caller: &Caller,
        element_id: i64,
    ) -> Result<ConfigCheck, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        check_visible::<Elements>(&mut conn, &caller.scope, element_id).await?;
        let row: Option<SummaryRow> = conn
            .fetch_optional(
                &format!(
                    "SELECT {SUMMARY_COLUMNS} FROM element_configs WHERE element_id = $1 \
                     ORDER BY id DESC LIMIT 1"
                ),
                &[Val::int(element_id)],
            )
            .await?;
        let mut config = row.ok_or_else(|| not_found_config(element_id))?.summary();
        let findings = findings_of(&mut conn, &caller.scope, config.id).await?;
        (config.errors, config.warnings, config.notes) = counts(&findings);
        let element = element_ref(&mut conn, element_id).await?;
        Ok(ConfigCheck {
            element,
            config,
            findings,
        })
    }

    /// The configurations an element keeps, newest first, without their text.
    pub(crate) async fn config_history_as(
        &self,
        caller: &Caller,
        element_id: i64,
    ) -> Result<Vec<ConfigSummary>, StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        check_visible::<Elements>(&mut conn, &caller.scope, element_id).await?;
        let rows: Vec<SummaryRow> = conn
            .fetch_all(
                &format!(
                    "SELECT {SUMMARY_COLUMNS} FROM element_configs WHERE element_id = $1 \
                     ORDER BY id DESC"
                ),
                &[Val::int(element_id)],
            )
            .await?;
        Ok(rows.into_iter().map(SummaryRow::summary).collect())
    }

    /// The text of one of an element's configurations (the newest when `config_id` is
    /// `None`). Configurations hold secrets (password hashes, sometimes plain text, SNMP
    /// communities): every read is recorded in the audit log.
    pub(crate) async fn config_text_as(
        &self,
        caller: &Caller,
        element_id: i64,
        config_id: Option<i64>,
    ) -> Result<(ConfigSummary, String), StoreError> {
        let found = {
            let mut c = self.db.read().await?;
            let mut conn = c.conn();
            check_visible::<Elements>(&mut conn, &caller.scope, element_id).await?;
            let (sql, vals) = match config_id {
                Some(id) => (
                    format!(
                        "SELECT {SUMMARY_COLUMNS} FROM element_configs WHERE element_id = $1 \
                         AND id = $2"
                    ),
                    vec![Val::int(element_id), Val::int(id)],
                ),
                None => (
                    format!(
                        "SELECT {SUMMARY_COLUMNS} FROM element_configs WHERE element_id = $1 \
                         ORDER BY id DESC LIMIT 1"
                    ),
                    vec![Val::int(element_id)],
                ),
            };
            let row: Option<SummaryRow> = conn.fetch_optional(&sql, &vals).await?;
            match row {
                None => None,
                Some(row) => {
                    let (text,): (String,) = conn
                        .fetch_one(
                            "SELECT content FROM element_configs WHERE id = $1",
                            &[Val::int(row.id)],
                        )
                        .await?;
                    Some((row.summary(), text))
                }
            }
        };
        let (summary, text) = found.ok_or_else(|| match config_id {
            Some(id) => StoreError::NotFound {
                noun: "configuration",
                key: format!("id {id} of element id {element_id}"),
            },
            None => not_found_config(element_id),
        })?;
        let entry = caller.audit(
            "read.config",
            format!("elements/{element_id}/configs/{}", summary.id),
        );
        self.audit(&entry).await?;
        Ok((summary, text))
    }

    /// Findings of the newest checks of the elements `caller` sees, filtered, one page in
    /// the order they were found (by element, then line).
    pub(crate) async fn config_findings_as(
        &self,
        caller: &Caller,
        q: &FindingQuery,
    ) -> Result<Page<ElementFinding>, StoreError> {
        let limit = q.limit.unwrap_or(crate::DEFAULT_LIMIT);
        if !(1..=MAX_FINDINGS_LIMIT).contains(&limit) {
            return Err(StoreError::invalid(
                "limit",
                format!("must be from 1 to {MAX_FINDINGS_LIMIT}"),
            ));
        }
        if let Some(s) = &q.severity {
            if !SEVERITIES.contains(&s.as_str()) {
                return Err(StoreError::invalid(
                    "severity",
                    format!("'{s}' is not error, warning or note"),
                ));
            }
        }
        let mut vals = Vec::new();
        let mut conds = Vec::new();
        match scope_condition("elements", &caller.scope, &mut vals) {
            None => {
                return Ok(Page {
                    items: vec![],
                    next_cursor: None,
                })
            }
            Some(Some(c)) => conds.push(c),
            Some(None) => {}
        }
        for (column, value) in [
            ("f.rule", &q.rule),
            ("f.severity", &q.severity),
            ("t.code", &q.element),
        ] {
            if let Some(v) = value {
                vals.push(Val::text(v.as_str()));
                conds.push(format!("{column} = ${}", vals.len()));
            }
        }
        if let Some(cursor) = &q.cursor {
            let after: i64 = cursor.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                StoreError::invalid("cursor", "is not a cursor this service gave out")
            })?;
            vals.push(Val::int(after));
            conds.push(format!("f.id > ${}", vals.len()));
        }
        let filter = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let sql = format!(
            "SELECT f.id, f.element_id, t.code AS element_code, t.name AS element_name, \
             f.config_id, c.uploaded_at AS checked_at, f.line, f.rule, f.severity, f.message, \
             f.object, f.message_zh, f.related FROM config_findings f JOIN elements t ON t.id = f.element_id \
             JOIN element_configs c ON c.id = f.config_id{filter} ORDER BY f.id LIMIT {}",
            limit + 1
        );
        let mut c = self.db.read().await?;
        let mut rows: Vec<ElementFindingRow> = c.conn().fetch_all(&sql, &vals).await?;
        let more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| r.id.to_string())
        } else {
            None
        };
        let mut items: Vec<ElementFinding> = rows
            .into_iter()
            .map(|r| ElementFinding {
                id: r.id,
                element_id: r.element_id,
                element_code: r.element_code,
                element_name: r.element_name,
                config_id: r.config_id,
                checked_at: local(r.checked_at),
                line: r.line,
                rule: r.rule,
                severity: r.severity,
                message: r.message,
                object: r.object,
                message_zh: r.message_zh,
                related_elements: related_of(&r.related),
            })
            .collect();
        let mut related: Vec<&mut Vec<String>> =
            items.iter_mut().map(|f| &mut f.related_elements).collect();
        hide_unseen(&mut c.conn(), &caller.scope, &mut related).await?;
        Ok(Page { items, next_cursor })
    }

    /// How many findings of each rule the newest checks of the elements `caller` sees hold,
    /// on how many elements; how many elements were checked and how many have errors.
    pub(crate) async fn config_overview_as(
        &self,
        caller: &Caller,
    ) -> Result<ConfigOverview, StoreError> {
        let mut vals = Vec::new();
        let scope = match scope_condition("elements", &caller.scope, &mut vals) {
            None => {
                return Ok(ConfigOverview {
                    elements_checked: 0,
                    elements_with_errors: 0,
                    rules: vec![],
                })
            }
            Some(Some(c)) => format!(" AND {c}"),
            Some(None) => String::new(),
        };
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let rules: Vec<(String, String, i64, i64)> = conn
            .fetch_all(
                &format!(
                    "SELECT f.rule, f.severity, COUNT(*), COUNT(DISTINCT f.element_id) \
                     FROM config_findings f JOIN elements t ON t.id = f.element_id \
                     WHERE 1 = 1{scope} GROUP BY f.rule, f.severity ORDER BY f.rule, f.severity"
                ),
                &vals,
            )
            .await?;
        let (checked,): (i64,) = conn
            .fetch_one(
                &format!(
                    "SELECT COUNT(DISTINCT c.element_id) FROM element_configs c \
                     JOIN elements t ON t.id = c.element_id WHERE 1 = 1{scope}"
                ),
                &vals,
            )
            .await?;
        let (with_errors,): (i64,) = conn
            .fetch_one(
                &format!(
                    "SELECT COUNT(DISTINCT f.element_id) FROM config_findings f \
                     JOIN elements t ON t.id = f.element_id WHERE f.severity = 'error'{scope}"
                ),
                &vals,
            )
            .await?;
        Ok(ConfigOverview {
            elements_checked: checked,
            elements_with_errors: with_errors,
            rules: rules
                .into_iter()
                .map(|(rule, severity, findings, elements)| RuleCount {
                    rule,
                    severity,
                    findings,
                    elements,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload() -> ConfigUpload {
        ConfigUpload {
            file_name: "NE-1.cfg".into(),
            vendor: "huawei".into(),
            role: "access".into(),
            content: "sysname NE-1\n".into(),
            lines: 1,
            findings: vec![],
            globals: "{}".into(),
        }
    }

    #[test]
    fn uploads_are_checked_before_anything_is_written() {
        assert!(validate(&upload()).is_ok());
        type Spoil = fn(&mut ConfigUpload);
        let cases: [(&str, Spoil); 5] = [
            ("content", |u| u.content = " \n".into()),
            ("vendor", |u| u.vendor = "juniper".into()),
            ("role", |u| u.role = "edge".into()),
            ("file_name", |u| u.file_name = "x".repeat(256)),
            ("findings[0].severity", |u| {
                u.findings.push(ConfigFinding {
                    line: 1,
                    rule: "CF1-syntax".into(),
                    severity: "fatal".into(),
                    message: "m".into(),
                    object: None,
                    message_zh: String::new(),
                    related_elements: vec![],
                })
            }),
        ];
        for (field, spoil) in cases {
            let mut u = upload();
            spoil(&mut u);
            match validate(&u) {
                Err(StoreError::Invalid(errors)) => assert_eq!(errors[0].field, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_hash_is_the_texts_sha256() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
