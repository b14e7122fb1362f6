//! 代维资源配置 contractor compliance (domain.md §6, R-S1..R-S8; issue 15): is a maintenance
//! contractor staffed and equipped as the contract's rules require?
//!
//! Pure: the store reads the facts of one contractor on a date ([`ComplianceFacts`]: its
//! regions with their enterprise sites and aggregation-layer elements, its staff, instruments
//! and vehicles) and [`evaluate`] answers, per region (and per minimum grid for R-S5), each rule
//! with what it requires, what the contractor has, whether it passes and by how much
//! ([`Check`]), and R-S8's training levels counted ([`TrainingCount`]). [`what_if`] answers the
//! same after sites are added or removed (or the rules changed) and lists the shortfalls that
//! changed: who must be hired or equipped where. Every threshold is a [`ComplianceRules`]
//! field (TOML, defaults = domain.md's).
//!
//! Scopes: the rules are checked for each contract region (its whole subtree: a city with its
//! counties and grids); R-S1, R-S3 and R-S4, which the seed states for the contractor as a
//! whole, also once for the whole contractor (`region: null`, every staff member of the facts,
//! the sites of every contract region). R-S2 is per region only (每个区域), R-S5 per minimum
//! grid, R-S6's vehicles per city.
//!
//! Shortfalls: `shortfall` is always `required − actual` when short, in the check's `unit`
//! (people to hire or qualify, instruments to issue, vehicles). For a share (R-S3, R-S4's 60 %)
//! hiring also raises what is required, so the detail adds `hires_needed`, the fewest
//! qualifying hires after which the rule passes (`null` when hiring alone cannot: a share of
//! 100 %).

mod grid;
mod rules;
mod tree;
mod whatif;

#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use crate::inventory::{InstrumentInput, StaffInput, VehicleInput};
use crate::values::{FieldError, Problems};
use crate::vocab::{
    AssetStatus, Certificate, Education, InstrumentKind, MaintenanceDomain, RegionLevel,
    TrainingLevel, VehicleKind, Vocabulary,
};

pub use grid::grid_required;
pub use rules::{
    ComplianceRules, EducationRule, ExperienceRule, GridRole, GridRule, InstrumentsRule, KitRule,
    RulesError, StaffPerSitesRule, TechniciansRule, TrainingRule, DEFAULT_RULES_TOML,
};
pub use whatif::{apply_changes, what_if, CheckChange, SiteChange, WhatIf, WhatIfAnswer};

use grid::EPSILON;
use tree::Tree;

vocabulary! {
    /// 工种 what a contractor's staff member does, as the compliance rules count people: R-S5
    /// staffs tech support and inspection/maintenance per grid, R-S3 and R-S7 speak of
    /// client-side (on-site) staff.
    pub enum StaffRole ("staff role") {
        /// 技术支撑人员 (R-S5: 1 per 300 sites).
        TechSupport = "tech_support" ["技术支撑人员", "技术支撑"],
        /// 巡检、维护人员 (R-S5: 1 per 50 sites).
        Maintenance = "maintenance" ["巡检维护人员", "巡检、维护人员", "巡检人员", "维护人员"],
        /// 客户端设备维护人员 / 上门服务人员 (R-S3's data certificates, R-S7's on-site kit).
        ClientSide = "client_side" ["客户端维护人员", "客户端设备维护人员", "上门服务人员"],
        /// 管理人员.
        Manager = "manager" ["管理人员", "管理"],
        Other = "other" ["其他"],
    }
}

// ---------------------------------------------------------------------------------------------
// Facts

/// What the rules are checked on: one contractor's contract, regions, staff, instruments and
/// vehicles on a date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComplianceFacts {
    /// 代维公司编码
    pub contractor_code: String,
    /// 维护界面 of the contract: R-S5 and R-S6 apply to a contract holding one of their
    /// `domains` (the aggregation layer by default).
    #[serde(default)]
    pub domains: Vec<MaintenanceDomain>,
    /// 合同区域: codes of regions listed in `regions`.
    pub contract_regions: Vec<String>,
    /// The region tree: the contract regions with every region below them, and those above up
    /// to the city (R-S6 counts vehicles per city). Counts are of the region itself, not of
    /// the regions below it.
    pub regions: Vec<RegionFacts>,
    #[serde(default)]
    pub staff: Vec<StaffFacts>,
    #[serde(default)]
    pub instruments: Vec<InstrumentFacts>,
    #[serde(default)]
    pub vehicles: Vec<VehicleFacts>,
}

/// A region with what the contractor maintains in it (itself, not the regions below it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegionFacts {
    pub code: String,
    #[serde(default)]
    pub name: String,
    pub level: RegionLevel,
    #[serde(default)]
    pub parent_code: Option<String>,
    /// 集团业务站点 enterprise sites the contractor maintains here (R-S1).
    #[serde(default)]
    pub enterprise_sites: u32,
    /// 汇聚层网元 aggregation-layer elements (sites, 站点) the contractor maintains here (R-S5).
    #[serde(default)]
    pub aggregation_elements: u32,
    /// 维护站 the contractor's maintenance stations here (R-S7).
    #[serde(default)]
    pub maintenance_stations: u32,
}

/// 代维人员 a staff member as the rules see them: the inventory's [`StaffInput`] with the job
/// type and whether they are a technician (技术人员), which the inventory does not hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffFacts {
    /// 工号
    pub code: String,
    #[serde(default)]
    pub name: String,
    pub region_code: String,
    /// 工种
    pub role: StaffRole,
    /// 技术人员 (R-S2, R-S4, R-S8).
    pub technician: bool,
    pub education: Education,
    #[serde(default)]
    pub major: String,
    #[serde(default)]
    pub years_experience: u8,
    #[serde(default)]
    pub years_core_network: u8,
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    pub training_level: TrainingLevel,
}

impl StaffFacts {
    /// From an inventory input.
    pub fn from_input(s: &StaffInput, role: StaffRole, technician: bool) -> StaffFacts {
        StaffFacts {
            code: s.code.clone(),
            name: s.name.clone(),
            region_code: s.region_code.clone(),
            role,
            technician,
            education: s.education,
            major: s.major.clone(),
            years_experience: s.years_experience,
            years_core_network: s.years_core_network,
            certificates: s.certificates.clone(),
            training_level: s.training_level,
        }
    }
}

/// 仪器仪表 an instrument: held by a person, or (no holder) in stock in its region, where a
/// maintenance station's equipment is counted (R-S6, R-S7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstrumentFacts {
    pub code: String,
    pub kind: InstrumentKind,
    pub region_code: String,
    #[serde(default)]
    pub holder_code: Option<String>,
    /// Only `in_service` counts.
    pub status: AssetStatus,
}

impl From<&InstrumentInput> for InstrumentFacts {
    fn from(i: &InstrumentInput) -> Self {
        InstrumentFacts {
            code: i.code.clone(),
            kind: i.kind,
            region_code: i.region_code.clone(),
            holder_code: i.holder_code.clone(),
            status: i.status,
        }
    }
}

/// 车辆 a vehicle (R-S6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VehicleFacts {
    pub code: String,
    pub kind: VehicleKind,
    pub region_code: String,
    /// Only `in_service` counts.
    pub status: AssetStatus,
}

impl From<&VehicleInput> for VehicleFacts {
    fn from(v: &VehicleInput) -> Self {
        VehicleFacts {
            code: v.code.clone(),
            kind: v.kind,
            region_code: v.region_code.clone(),
            status: v.status,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The answer

/// The rule a check is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RuleId {
    #[serde(rename = "R-S1")]
    S1,
    #[serde(rename = "R-S2")]
    S2,
    #[serde(rename = "R-S3")]
    S3,
    #[serde(rename = "R-S4")]
    S4,
    #[serde(rename = "R-S5")]
    S5,
    #[serde(rename = "R-S6")]
    S6,
    #[serde(rename = "R-S7")]
    S7,
    #[serde(rename = "R-S8")]
    S8,
}

/// What a check counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// R-S1 people per 100 enterprise sites.
    StaffPerSites,
    /// R-S2 技术人员 per region.
    Technicians,
    /// R-S2 technicians with the enterprise-client certificate.
    CertifiedTechnicians,
    /// R-S3 staff with 2+ years of core-network maintenance.
    CoreNetworkExperience,
    /// R-S3 client-side staff with CCNA, HCNE or an equivalent.
    DataCertificate,
    /// R-S4 staff with a bachelor's degree or higher.
    Degree,
    /// R-S4 technicians with 大专 or higher and 1+ year of experience.
    TechnicianQualification,
    /// R-S5 people of one job type per minimum grid.
    GridStaff,
    /// R-S6 one instrument of a kind per person.
    InstrumentPerPerson,
    /// R-S6 vehicles per city.
    VehiclePerCity,
    /// R-S7 one kit item per on-site person.
    OnSiteKit,
    /// R-S7 one item per maintenance station.
    StationKit,
}

/// What a shortfall is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// People to hire (or, for a qualification, to qualify).
    People,
    /// Instruments to issue or buy.
    Instruments,
    Vehicles,
}

/// One requirement of one rule in one place.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Check {
    pub rule: RuleId,
    pub requirement: Requirement,
    /// R-S5's job type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<StaffRole>,
    /// R-S6's and R-S7's instrument.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<InstrumentKind>,
    /// R-S6's vehicle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vehicle: Option<VehicleKind>,
    /// The contract region (R-S6's vehicles: the city); `null`: the whole contractor.
    pub region: Option<String>,
    /// R-S5's unit: the minimum grid, or the county staffed as one, or the region whose own
    /// elements these are.
    pub grid: Option<String>,
    pub required: u32,
    pub actual: u32,
    pub passed: bool,
    /// `required − actual` when short, else 0, in `unit`.
    pub shortfall: u32,
    pub unit: Unit,
    /// 配置率 `actual / required` (§7a); `null` when nothing is required.
    pub rate: Option<f64>,
    pub detail: Option<Detail>,
}

impl Check {
    fn new(
        rule: RuleId,
        requirement: Requirement,
        region: Option<&str>,
        required: u32,
        actual: u32,
        unit: Unit,
    ) -> Check {
        Check {
            rule,
            requirement,
            role: None,
            instrument: None,
            vehicle: None,
            region: region.map(str::to_string),
            grid: None,
            required,
            actual,
            passed: actual >= required,
            shortfall: required.saturating_sub(actual),
            unit,
            rate: (required > 0).then(|| f64::from(actual) / f64::from(required)),
            detail: None,
        }
    }

    fn with(mut self, detail: Detail) -> Check {
        self.detail = Some(detail);
        self
    }

    /// What identifies the check across two reports (the what-if).
    fn key(&self) -> CheckKey {
        (
            self.rule,
            self.requirement,
            self.role,
            self.instrument,
            self.vehicle,
            self.region.clone(),
            self.grid.clone(),
        )
    }
}

type CheckKey = (
    RuleId,
    Requirement,
    Option<StaffRole>,
    Option<InstrumentKind>,
    Option<VehicleKind>,
    Option<String>,
    Option<String>,
);

/// How a check's figures came about, by rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Detail {
    Sites(SitesDetail),
    Technicians(TechniciansDetail),
    Share(ShareDetail),
    Qualification(QualificationDetail),
    Grid(GridDetail),
    Kit(KitDetail),
    Vehicles(VehiclesDetail),
    Station(StationDetail),
}

/// R-S1: `required = ceil(sites × people_per_100_sites / 100)`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SitesDetail {
    pub sites: u32,
    pub people_per_100_sites: f64,
}

/// R-S2: the technicians counted and the certified ones among them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TechniciansDetail {
    pub certificate: Certificate,
    pub certified_counted_separately: bool,
    pub technicians: Vec<String>,
    pub certified: Vec<String>,
}

/// R-S3, R-S4's degree: `required = max(min_people, ceil(share × base))`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareDetail {
    /// The people the share is of (all staff, or client-side staff).
    pub base: u32,
    pub share: f64,
    pub min_people: u32,
    /// The fewest qualifying hires after which the rule passes (each hire raises the base);
    /// `null` when hiring alone cannot make it pass.
    pub hires_needed: Option<u32>,
}

/// R-S4's technicians: who falls short, and of what.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QualificationDetail {
    pub min_education: Education,
    pub min_years: u8,
    pub failing: Vec<FailingPerson>,
}

/// A technician short of R-S4.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FailingPerson {
    pub code: String,
    pub name: String,
    pub education: Education,
    pub years_experience: u8,
    pub major: String,
    pub reasons: Vec<Shortcoming>,
}

/// What a technician lacks (R-S4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Shortcoming {
    Education,
    Experience,
    Major,
}

/// R-S5: `required = max(1, ⌊n/B⌋ + (n mod B > overflow·B ? 1 : 0))`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridDetail {
    /// n, the unit's elements (sites).
    pub elements: u32,
    /// B.
    pub sites_per_person: u32,
    pub overflow: f64,
    /// ⌊n/B⌋.
    pub base: u32,
    /// n mod B.
    pub remainder: u32,
    /// Whether the remainder exceeds overflow·B (增配1人).
    pub extra: bool,
    /// A county with fewer than B elements, staffed as one minimum grid.
    pub county_as_grid: bool,
    /// The people of the job type counted.
    pub staff: Vec<String>,
}

/// R-S6's and R-S7's per-person items.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KitDetail {
    /// The people who must carry it.
    pub people: u32,
    /// Those who hold none in service.
    pub lacking: Vec<String>,
    /// In-service ones held by nobody in the region, beyond what its maintenance stations
    /// need: they can be issued.
    pub spare: u32,
    /// `max(0, shortfall − spare)`: to buy.
    pub to_buy: u32,
}

/// R-S6's vehicles of a city.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VehiclesDetail {
    pub vehicles: Vec<String>,
}

/// R-S7's maintenance stations: the unheld in-service instruments of the region are theirs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StationDetail {
    pub stations: u32,
}

/// R-S8: people per training level in a region (`null`: the whole contractor).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrainingCount {
    pub rule: RuleId,
    pub region: Option<String>,
    /// Every level, in order, with 0 where nobody is.
    pub levels: Vec<LevelCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelCount {
    pub level: TrainingLevel,
    pub count: u32,
}

/// The compliance of one contractor.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplianceReport {
    pub contractor: String,
    pub rules_version: u32,
    /// Every check passed.
    pub passed: bool,
    /// By rule, the whole contractor before its regions, regions in the contract's order.
    pub checks: Vec<Check>,
    pub training: Vec<TrainingCount>,
    /// Staff in no contract region: counted for the whole contractor only.
    pub unplaced_staff: Vec<String>,
}

/// Facts, rules or changes that cannot be evaluated; each problem names its field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComplianceError {
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error("the compliance facts are not valid: {}", rules::join(.0))]
    Facts(Vec<FieldError>),
    #[error("the what-if changes are not valid: {}", rules::join(.0))]
    Changes(Vec<FieldError>),
}

// ---------------------------------------------------------------------------------------------
// Evaluation

/// `ceil(x)` for a non-negative product of decimals, forgiving the binary float's last bits.
fn ceil_count(x: f64) -> u32 {
    let c = (x - EPSILON).ceil();
    if c <= 0.0 || c.is_nan() {
        0
    } else if c >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        c as u32
    }
}

/// `max(min, ceil(share × base))` (如不满1人,计1人).
fn share_required(base: u32, share: f64, min: u32) -> u32 {
    ceil_count(share * f64::from(base)).max(min)
}

/// The fewest qualifying hires `h` with `actual + h ≥ share_required(base + h)`; `None` when no
/// number of hires does it (a share of 1 with unqualified people on the staff).
fn hires_needed(actual: u32, base: u32, share: f64, min: u32) -> Option<u32> {
    let ok =
        |h: u32| actual.saturating_add(h) >= share_required(base.saturating_add(h), share, min);
    if ok(0) {
        return Some(0);
    }
    if share >= 1.0 - EPSILON {
        // a + h ≥ b + h needs a ≥ b: only the minimum may still be hired up to.
        let h = min.saturating_sub(actual);
        return ok(h).then_some(h);
    }
    // a + h ≥ s(b + h) ⟺ h ≥ (s·b − a) / (1 − s); then the minimum, then the float's edges.
    let closed = (share * f64::from(base) - f64::from(actual)) / (1.0 - share);
    let mut h = ceil_count(closed).max(min.saturating_sub(actual));
    while h > 0 && ok(h - 1) {
        h -= 1;
    }
    for _ in 0..64 {
        if ok(h) {
            return Some(h);
        }
        h = h.saturating_add(1);
    }
    None
}

/// One scope the rules are checked in: a contract region's subtree, or the whole contractor.
struct Scope<'a> {
    region: Option<&'a str>,
    /// Index in the tree of the contract region.
    node: Option<usize>,
    /// Per tree node: inside the scope.
    member: Vec<bool>,
}

struct Ctx<'a> {
    facts: &'a ComplianceFacts,
    rules: &'a ComplianceRules,
    tree: Tree<'a>,
    /// Per staff member: the tree node of their region.
    staff_node: Vec<Option<usize>>,
}

impl<'a> Ctx<'a> {
    /// The staff of a scope (the whole contractor: all of them).
    fn staff(&self, scope: &Scope<'_>) -> Vec<&'a StaffFacts> {
        self.facts
            .staff
            .iter()
            .zip(&self.staff_node)
            .filter(|(_, n)| scope.node.is_none() || n.is_some_and(|n| scope.member[n]))
            .map(|(s, _)| s)
            .collect()
    }

    fn sum(&self, scope: &Scope<'_>, f: impl Fn(&RegionFacts) -> u32) -> u32 {
        self.tree
            .nodes
            .iter()
            .zip(&scope.member)
            .filter(|(_, m)| **m)
            .fold(0u32, |s, (r, _)| s.saturating_add(f(r)))
    }

    fn in_scope(&self, scope: &Scope<'_>, region_code: &str) -> bool {
        self.tree.find(region_code).is_some_and(|n| scope.member[n])
    }

    fn applies(&self, domains: &[MaintenanceDomain]) -> bool {
        domains.is_empty() || domains.iter().any(|d| self.facts.domains.contains(d))
    }
}

fn codes(people: &[&StaffFacts]) -> Vec<String> {
    people.iter().map(|s| s.code.clone()).collect()
}

/// Checks every rule of `rules` on `facts`.
pub fn evaluate(
    facts: &ComplianceFacts,
    rules: &ComplianceRules,
) -> Result<ComplianceReport, ComplianceError> {
    rules.validate()?;
    let tree = Tree::build(&facts.regions).map_err(ComplianceError::Facts)?;
    let mut p = Problems::default();
    let mut contract: Vec<usize> = Vec::new();
    for (i, code) in facts.contract_regions.iter().enumerate() {
        match tree.find(code) {
            Some(n) if !contract.contains(&n) => contract.push(n),
            Some(_) => p.add(
                format!("contract_regions[{i}]"),
                format!("'{code}' is listed twice"),
            ),
            None => p.add(
                format!("contract_regions[{i}]"),
                format!("'{code}' is not among the regions"),
            ),
        }
    }
    p.into_result().map_err(ComplianceError::Facts)?;

    let staff_node = facts
        .staff
        .iter()
        .map(|s| tree.find(&s.region_code))
        .collect();
    let cx = Ctx {
        facts,
        rules,
        tree,
        staff_node,
    };
    let n = facts.regions.len();
    let regions: Vec<Scope<'_>> = contract
        .iter()
        .map(|&c| {
            let mut member = vec![false; n];
            for i in cx.tree.subtree(c) {
                member[i] = true;
            }
            Scope {
                region: Some(facts.regions[c].code.as_str()),
                node: Some(c),
                member,
            }
        })
        .collect();
    let mut union = vec![false; n];
    for s in &regions {
        for (u, m) in union.iter_mut().zip(&s.member) {
            *u |= *m;
        }
    }
    let whole = Scope {
        region: None,
        node: None,
        member: union,
    };
    let with_whole: Vec<&Scope<'_>> = std::iter::once(&whole).chain(&regions).collect();

    let mut checks = Vec::new();
    if rules.r_s1.enabled {
        for s in &with_whole {
            checks.push(r_s1(&cx, s));
        }
    }
    if rules.r_s2.enabled {
        for s in &regions {
            checks.extend(r_s2(&cx, s));
        }
    }
    if rules.r_s3.enabled {
        for s in &with_whole {
            checks.extend(r_s3(&cx, s));
        }
    }
    if rules.r_s4.enabled {
        for s in &with_whole {
            checks.extend(r_s4(&cx, s));
        }
    }
    if rules.r_s5.enabled && cx.applies(&rules.r_s5.domains) {
        for s in &regions {
            checks.extend(r_s5(&cx, s));
        }
    }
    if rules.r_s6.enabled && cx.applies(&rules.r_s6.domains) {
        for s in &regions {
            checks.extend(per_person(
                &cx,
                s,
                RuleId::S6,
                Requirement::InstrumentPerPerson,
                &rules.r_s6.roles,
                &rules.r_s6.per_person,
            ));
        }
        checks.extend(r_s6_vehicles(&cx, &contract));
    }
    if rules.r_s7.enabled {
        for s in &regions {
            checks.extend(per_person(
                &cx,
                s,
                RuleId::S7,
                Requirement::OnSiteKit,
                &rules.r_s7.roles,
                &rules.r_s7.on_site,
            ));
            checks.extend(r_s7_station(&cx, s));
        }
    }
    let training = if rules.r_s8.enabled {
        with_whole.iter().map(|s| r_s8(&cx, s)).collect()
    } else {
        Vec::new()
    };
    let unplaced_staff = facts
        .staff
        .iter()
        .zip(&cx.staff_node)
        .filter(|(_, n)| n.is_none_or(|n| !whole.member[n]))
        .map(|(s, _)| s.code.clone())
        .collect();
    Ok(ComplianceReport {
        contractor: facts.contractor_code.clone(),
        rules_version: rules.version,
        passed: checks.iter().all(|c| c.passed),
        checks,
        training,
        unplaced_staff,
    })
}

/// R-S1 每100个集团业务站点至少配备2.5人: `required = ceil(sites × 2.5 / 100)` (§7a: required =
/// ceil(resources / standard per person)), everybody on the staff counted.
fn r_s1(cx: &Ctx<'_>, s: &Scope<'_>) -> Check {
    let rate = cx.rules.r_s1.people_per_100_sites;
    let sites = cx.sum(s, |r| r.enterprise_sites);
    let required = ceil_count(f64::from(sites) * rate / 100.0);
    let actual = cx.staff(s).len() as u32;
    Check::new(
        RuleId::S1,
        Requirement::StaffPerSites,
        s.region,
        required,
        actual,
        Unit::People,
    )
    .with(Detail::Sites(SitesDetail {
        sites,
        people_per_100_sites: rate,
    }))
}

/// R-S2 每个区域至少配备2名技术人员和1名集团业务客户端代维资格证技术人员: at least 2 technicians,
/// at least 1 of them certified; with `certified_counted_separately`, 2 + 1 = 3 technicians.
fn r_s2(cx: &Ctx<'_>, s: &Scope<'_>) -> [Check; 2] {
    let r = &cx.rules.r_s2;
    let techs: Vec<&StaffFacts> = cx.staff(s).into_iter().filter(|p| p.technician).collect();
    let certified: Vec<&StaffFacts> = techs
        .iter()
        .copied()
        .filter(|p| p.certificates.contains(&r.certificate))
        .collect();
    let required_techs = if r.certified_counted_separately {
        r.min_technicians.saturating_add(r.min_certified)
    } else {
        r.min_technicians
    };
    let detail = Detail::Technicians(TechniciansDetail {
        certificate: r.certificate,
        certified_counted_separately: r.certified_counted_separately,
        technicians: codes(&techs),
        certified: codes(&certified),
    });
    [
        Check::new(
            RuleId::S2,
            Requirement::Technicians,
            s.region,
            required_techs,
            techs.len() as u32,
            Unit::People,
        )
        .with(detail.clone()),
        Check::new(
            RuleId::S2,
            Requirement::CertifiedTechnicians,
            s.region,
            r.min_certified,
            certified.len() as u32,
            Unit::People,
        )
        .with(detail),
    ]
}

fn share_check(
    requirement: Requirement,
    rule: RuleId,
    s: &Scope<'_>,
    base: u32,
    actual: u32,
    share: f64,
    min: u32,
) -> Check {
    Check::new(
        rule,
        requirement,
        s.region,
        share_required(base, share, min),
        actual,
        Unit::People,
    )
    .with(Detail::Share(ShareDetail {
        base,
        share,
        min_people: min,
        hires_needed: hires_needed(actual, base, share, min),
    }))
}

/// R-S3 至少有5%人员(如不满1人,计1人)必须有2年以上数字程控交换机系统核心网部分的维护工作经验,
/// 至少有10%(如不满1人,计1人)客户端设备维护人员获得CCNA认证或华为HCNE认证或数据专业同等资格认证.
fn r_s3(cx: &Ctx<'_>, s: &Scope<'_>) -> [Check; 2] {
    let r = &cx.rules.r_s3;
    let staff = cx.staff(s);
    let core = staff
        .iter()
        .filter(|p| p.years_core_network >= r.core_network_years)
        .count() as u32;
    let client: Vec<&&StaffFacts> = staff
        .iter()
        .filter(|p| r.client_side_roles.contains(&p.role))
        .collect();
    let certified = client
        .iter()
        .filter(|p| {
            p.certificates
                .iter()
                .any(|c| r.data_certificates.contains(c))
        })
        .count() as u32;
    [
        share_check(
            Requirement::CoreNetworkExperience,
            RuleId::S3,
            s,
            staff.len() as u32,
            core,
            r.core_network_share,
            r.core_network_min_people,
        ),
        share_check(
            Requirement::DataCertificate,
            RuleId::S3,
            s,
            client.len() as u32,
            certified,
            r.data_certificate_share,
            r.data_certificate_min_people,
        ),
    ]
}

/// R-S4 60%代维人员应为本科或以上学历,所有技术人员均需具有通讯专业大专以上文凭,一年以上相关工作经验.
/// Education is ordered as the vocabulary lists it, highest first (`其他` lowest).
fn r_s4(cx: &Ctx<'_>, s: &Scope<'_>) -> [Check; 2] {
    let r = &cx.rules.r_s4;
    let staff = cx.staff(s);
    let degree = staff
        .iter()
        .filter(|p| p.education <= r.degree_min_education)
        .count() as u32;
    let techs: Vec<&&StaffFacts> = staff.iter().filter(|p| p.technician).collect();
    let failing: Vec<FailingPerson> = techs
        .iter()
        .filter_map(|p| {
            let mut reasons = Vec::new();
            if p.education > r.technician_min_education {
                reasons.push(Shortcoming::Education);
            }
            if p.years_experience < r.technician_min_years {
                reasons.push(Shortcoming::Experience);
            }
            if !r.related_majors.is_empty()
                && !r.related_majors.iter().any(|m| p.major.contains(m.trim()))
            {
                reasons.push(Shortcoming::Major);
            }
            (!reasons.is_empty()).then(|| FailingPerson {
                code: p.code.clone(),
                name: p.name.clone(),
                education: p.education,
                years_experience: p.years_experience,
                major: p.major.clone(),
                reasons,
            })
        })
        .collect();
    let n_techs = techs.len() as u32;
    [
        share_check(
            Requirement::Degree,
            RuleId::S4,
            s,
            staff.len() as u32,
            degree,
            r.degree_share,
            0,
        ),
        Check::new(
            RuleId::S4,
            Requirement::TechnicianQualification,
            s.region,
            n_techs,
            n_techs - failing.len() as u32,
            Unit::People,
        )
        .with(Detail::Qualification(QualificationDetail {
            min_education: r.technician_min_education,
            min_years: r.technician_min_years,
            failing,
        })),
    ]
}

/// R-S5 per minimum grid and job type: [`grid_required`] people of the role, a county with
/// fewer elements than the base staffed as one grid ([`grid::units`]).
fn r_s5(cx: &Ctx<'_>, s: &Scope<'_>) -> Vec<Check> {
    let r = &cx.rules.r_s5;
    let Some(root) = s.node else {
        return Vec::new();
    };
    let scope = cx.tree.subtree(root);
    let mut out = Vec::new();
    for gr in &r.roles {
        let people_in = |members: &[usize]| -> Vec<&StaffFacts> {
            cx.facts
                .staff
                .iter()
                .zip(&cx.staff_node)
                .filter(|(p, n)| p.role == gr.role && n.is_some_and(|n| members.contains(&n)))
                .map(|(p, _)| p)
                .collect()
        };
        let has_staff = |members: &[usize]| !people_in(members).is_empty();
        for u in grid::units(&cx.tree, &scope, gr.sites_per_person, &has_staff) {
            let people = people_in(&u.members);
            let b = gr.sites_per_person.max(1);
            let required = grid_required(u.elements, b, r.overflow);
            let mut c = Check::new(
                RuleId::S5,
                Requirement::GridStaff,
                s.region,
                required,
                people.len() as u32,
                Unit::People,
            )
            .with(Detail::Grid(GridDetail {
                elements: u.elements,
                sites_per_person: b,
                overflow: r.overflow,
                base: u.elements / b,
                remainder: u.elements % b,
                extra: f64::from(u.elements % b) > r.overflow * f64::from(b) + EPSILON,
                county_as_grid: u.county_as_grid,
                staff: codes(&people),
            }));
            c.role = Some(gr.role);
            c.grid = Some(cx.tree.nodes[u.node].code.clone());
            out.push(c);
        }
    }
    out
}

/// In-service instruments of `kind` held by nobody in the scope, beyond what its maintenance
/// stations need of that kind (R-S7).
fn spare(cx: &Ctx<'_>, s: &Scope<'_>, kind: InstrumentKind) -> u32 {
    let unheld = cx
        .facts
        .instruments
        .iter()
        .filter(|i| {
            i.kind == kind
                && i.status == AssetStatus::InService
                && i.holder_code.is_none()
                && cx.in_scope(s, &i.region_code)
        })
        .count() as u32;
    let reserved = if cx.rules.r_s7.enabled && cx.rules.r_s7.station.contains(&kind) {
        cx.sum(s, |r| r.maintenance_stations)
    } else {
        0
    };
    unheld.saturating_sub(reserved)
}

/// R-S6 (笔记本电脑、网线钳、光功率计、光源、工具包 1/人) and R-S7 (上门服务人员必备工具): one of
/// each `kinds` per person of `roles`; a person covered by holding one in service.
fn per_person(
    cx: &Ctx<'_>,
    s: &Scope<'_>,
    rule: RuleId,
    requirement: Requirement,
    roles: &[StaffRole],
    kinds: &[InstrumentKind],
) -> Vec<Check> {
    let people: Vec<&StaffFacts> = cx
        .staff(s)
        .into_iter()
        .filter(|p| roles.contains(&p.role))
        .collect();
    kinds
        .iter()
        .map(|&kind| {
            let lacking: Vec<String> = people
                .iter()
                .filter(|p| {
                    !cx.facts.instruments.iter().any(|i| {
                        i.kind == kind
                            && i.status == AssetStatus::InService
                            && i.holder_code.as_deref() == Some(p.code.as_str())
                    })
                })
                .map(|p| p.code.clone())
                .collect();
            let n = people.len() as u32;
            let short = lacking.len() as u32;
            let spare = spare(cx, s, kind);
            let mut c = Check::new(rule, requirement, s.region, n, n - short, Unit::Instruments)
                .with(Detail::Kit(KitDetail {
                    people: n,
                    lacking,
                    spare,
                    to_buy: short.saturating_sub(spare),
                }));
            c.instrument = Some(kind);
            c
        })
        .collect()
}

/// The cities of the contract: a contract city, the city above a contract county or grid (the
/// region itself when the facts list no city above it), the cities below a contract province
/// (the province itself when none is listed).
fn cities(cx: &Ctx<'_>, contract: &[usize]) -> Vec<usize> {
    let mut out: Vec<usize> = Vec::new();
    let mut add = |i: usize| {
        if !out.contains(&i) {
            out.push(i);
        }
    };
    for &c in contract {
        let tree = &cx.tree;
        match tree.nodes[c].level {
            RegionLevel::City => add(c),
            RegionLevel::Province => {
                let below: Vec<usize> = tree
                    .children(c)
                    .iter()
                    .copied()
                    .filter(|&k| tree.nodes[k].level == RegionLevel::City)
                    .collect();
                if below.is_empty() {
                    add(c);
                }
                below.into_iter().for_each(&mut add);
            }
            RegionLevel::County | RegionLevel::Grid => add(tree
                .ancestors(c)
                .find(|&a| tree.nodes[a].level == RegionLevel::City)
                .unwrap_or(c)),
        }
    }
    out
}

/// R-S6 应急抢修车 1辆/每地市: in-service vehicles of the kind anywhere in the city.
fn r_s6_vehicles(cx: &Ctx<'_>, contract: &[usize]) -> Vec<Check> {
    let r = &cx.rules.r_s6;
    cities(cx, contract)
        .into_iter()
        .map(|city| {
            let below = cx.tree.subtree(city);
            let vehicles: Vec<String> = cx
                .facts
                .vehicles
                .iter()
                .filter(|v| {
                    v.kind == r.vehicle
                        && v.status == AssetStatus::InService
                        && cx
                            .tree
                            .find(&v.region_code)
                            .is_some_and(|n| below.contains(&n))
                })
                .map(|v| v.code.clone())
                .collect();
            let mut c = Check::new(
                RuleId::S6,
                Requirement::VehiclePerCity,
                Some(cx.tree.nodes[city].code.as_str()),
                r.vehicles_per_city,
                vehicles.len() as u32,
                Unit::Vehicles,
            )
            .with(Detail::Vehicles(VehiclesDetail { vehicles }));
            c.vehicle = Some(r.vehicle);
            c
        })
        .collect()
}

/// R-S7 维护站需配备: one of each station item per maintenance station of the region, counted
/// among the unheld in-service instruments of the region; nothing when it has no station.
fn r_s7_station(cx: &Ctx<'_>, s: &Scope<'_>) -> Vec<Check> {
    let stations = cx.sum(s, |r| r.maintenance_stations);
    if stations == 0 {
        return Vec::new();
    }
    cx.rules
        .r_s7
        .station
        .iter()
        .map(|&kind| {
            let stock = cx
                .facts
                .instruments
                .iter()
                .filter(|i| {
                    i.kind == kind
                        && i.status == AssetStatus::InService
                        && i.holder_code.is_none()
                        && cx.in_scope(s, &i.region_code)
                })
                .count() as u32;
            let mut c = Check::new(
                RuleId::S7,
                Requirement::StationKit,
                s.region,
                stations,
                stock,
                Unit::Instruments,
            )
            .with(Detail::Station(StationDetail { stations }));
            c.instrument = Some(kind);
            c
        })
        .collect()
}

/// R-S8 初级、中级、高级: people per training level.
fn r_s8(cx: &Ctx<'_>, s: &Scope<'_>) -> TrainingCount {
    let staff = cx.staff(s);
    let counted: Vec<&&StaffFacts> = staff
        .iter()
        .filter(|p| !cx.rules.r_s8.technicians_only || p.technician)
        .collect();
    TrainingCount {
        rule: RuleId::S8,
        region: s.region.map(str::to_string),
        levels: TrainingLevel::ALL
            .iter()
            .map(|&level| LevelCount {
                level,
                count: counted.iter().filter(|p| p.training_level == level).count() as u32,
            })
            .collect(),
    }
}
