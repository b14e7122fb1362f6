//! The what-if of issue 15 (`POST /api/v1/compliance/what-if`): the facts with sites added or
//! removed per region (or other rules), and the shortfalls that change: who must be hired or
//! equipped where.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    evaluate, Check, CheckKey, ComplianceError, ComplianceFacts, ComplianceReport, ComplianceRules,
    Requirement, RuleId, StaffRole, Unit,
};
use crate::values::Problems;
use crate::vocab::{InstrumentKind, VehicleKind};

/// Sites added (positive) or removed (negative) in one region (a minimum grid, a county …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SiteChange {
    pub region_code: String,
    /// 集团业务站点 (R-S1).
    #[serde(default)]
    pub enterprise_sites: i64,
    /// 汇聚层网元 (R-S5).
    #[serde(default)]
    pub aggregation_elements: i64,
    /// 维护站 (R-S7).
    #[serde(default)]
    pub maintenance_stations: i64,
}

/// A what-if: changes of sites, and rules to use instead of the current ones.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WhatIf {
    #[serde(default)]
    pub sites: Vec<SiteChange>,
    #[serde(default)]
    pub rules: Option<ComplianceRules>,
}

/// One check whose figures differ between now and the what-if. A check that exists on one
/// side only counts as requiring nothing on the other.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckChange {
    pub rule: RuleId,
    pub requirement: Requirement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<StaffRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<InstrumentKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<VehicleKind>,
    pub region: Option<String>,
    pub grid: Option<String>,
    pub unit: Unit,
    pub required_before: u32,
    pub required_after: u32,
    pub actual_before: u32,
    pub actual_after: u32,
    pub shortfall_before: u32,
    pub shortfall_after: u32,
    /// `shortfall_after − shortfall_before`: more to hire or equip (positive) or fewer.
    pub delta: i64,
}

/// The answer of a what-if.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhatIfAnswer {
    pub before: ComplianceReport,
    pub after: ComplianceReport,
    /// The checks that changed, in the order of `after` (then those gone, in the order of
    /// `before`).
    pub changes: Vec<CheckChange>,
}

/// The facts with `changes` applied; a region not in the facts, or removing more than there
/// is, is refused (`sites[i].…`).
pub fn apply_changes(
    facts: &ComplianceFacts,
    changes: &[SiteChange],
) -> Result<ComplianceFacts, ComplianceError> {
    let mut out = facts.clone();
    let mut p = Problems::default();
    for (i, c) in changes.iter().enumerate() {
        let Some(region) = out.regions.iter_mut().find(|r| r.code == c.region_code) else {
            p.add(
                format!("sites[{i}].region_code"),
                format!("'{}' is not among the regions", c.region_code),
            );
            continue;
        };
        let fields: [(&str, &mut u32, i64); 3] = [
            (
                "enterprise_sites",
                &mut region.enterprise_sites,
                c.enterprise_sites,
            ),
            (
                "aggregation_elements",
                &mut region.aggregation_elements,
                c.aggregation_elements,
            ),
            (
                "maintenance_stations",
                &mut region.maintenance_stations,
                c.maintenance_stations,
            ),
        ];
        for (name, value, delta) in fields {
            match u32::try_from(i64::from(*value).saturating_add(delta)) {
                Ok(v) => *value = v,
                Err(_) if delta < 0 => p.add(
                    format!("sites[{i}].{name}"),
                    format!(
                        "{} has {} {name}; {} cannot be removed",
                        c.region_code, *value, -delta
                    ),
                ),
                Err(_) => p.add(format!("sites[{i}].{name}"), format!("{delta} is too many")),
            }
        }
    }
    p.into_result().map_err(ComplianceError::Changes)?;
    Ok(out)
}

/// Evaluates `facts` under `rules`, and again with the what-if's sites and rules, and lists the
/// checks that changed.
pub fn what_if(
    facts: &ComplianceFacts,
    rules: &ComplianceRules,
    change: &WhatIf,
) -> Result<WhatIfAnswer, ComplianceError> {
    let before = evaluate(facts, rules)?;
    let changed = apply_changes(facts, &change.sites)?;
    let after = evaluate(&changed, change.rules.as_ref().unwrap_or(rules))?;
    let changes = diff(&before.checks, &after.checks);
    Ok(WhatIfAnswer {
        before,
        after,
        changes,
    })
}

fn diff(before: &[Check], after: &[Check]) -> Vec<CheckChange> {
    let old: BTreeMap<CheckKey, &Check> = before.iter().map(|c| (c.key(), c)).collect();
    let new: BTreeMap<CheckKey, &Check> = after.iter().map(|c| (c.key(), c)).collect();
    let figures = |c: Option<&&Check>| c.map_or((0, 0, 0), |c| (c.required, c.actual, c.shortfall));
    let one = |c: &Check, b: Option<&&Check>, a: Option<&&Check>| {
        let (rb, ab, sb) = figures(b);
        let (ra, aa, sa) = figures(a);
        ((rb, ab, sb) != (ra, aa, sa)).then(|| CheckChange {
            rule: c.rule,
            requirement: c.requirement,
            role: c.role,
            instrument: c.instrument,
            vehicle: c.vehicle,
            region: c.region.clone(),
            grid: c.grid.clone(),
            unit: c.unit,
            required_before: rb,
            required_after: ra,
            actual_before: ab,
            actual_after: aa,
            shortfall_before: sb,
            shortfall_after: sa,
            delta: i64::from(sa) - i64::from(sb),
        })
    };
    let mut out: Vec<CheckChange> = after
        .iter()
        .filter_map(|c| one(c, old.get(&c.key()), Some(&c)))
        .collect();
    out.extend(
        before
            .iter()
            .filter(|c| !new.contains_key(&c.key()))
            .filter_map(|c| one(c, Some(&c), None)),
    );
    out
}
