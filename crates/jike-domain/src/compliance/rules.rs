//! The thresholds of R-S1..R-S8 as configuration (a TOML document, versioned by the store like
//! the SLA policy). Every field has domain.md §6's default; a file gives only what it changes.
//! [`DEFAULT_RULES_TOML`] is the whole default written out.

use serde::{Deserialize, Serialize};

use crate::values::{FieldError, Problems};
use crate::vocab::{
    Certificate, Education, InstrumentKind, MaintenanceDomain, VehicleKind, Vocabulary,
};

use super::StaffRole;

/// The default rules written out, every field with its source (parsed by a test into
/// [`ComplianceRules::default`]).
pub const DEFAULT_RULES_TOML: &str = r#"# 代维资源配置 contractor compliance rules (domain.md §6, R-S1..R-S8)
version = 1

[r_s1]  # 每100个集团业务站点至少配备2.5人
enabled = true
people_per_100_sites = 2.5

[r_s2]  # 每个区域至少配备2名技术人员和1名集团业务客户端代维资格证技术人员
enabled = true
min_technicians = 2
min_certified = 1
certificate = "enterprise_client"
# false: at least 2 technicians, at least 1 of them certified; true: 2 + 1 certified (3 people)
certified_counted_separately = false

[r_s3]  # 至少5%人员(如不满1人,计1人)2年以上核心网维护经验; 至少10%客户端设备维护人员CCNA/HCNE
enabled = true
core_network_share = 0.05
core_network_years = 2
core_network_min_people = 1
data_certificate_share = 0.1
data_certificate_min_people = 1
data_certificates = ["ccna", "ccnp", "ccie", "hcne", "hcia", "hcip", "hcie", "h3cne"]
client_side_roles = ["client_side"]

[r_s4]  # 60%代维人员本科或以上; 所有技术人员通讯专业大专以上文凭, 一年以上相关工作经验
enabled = true
degree_share = 0.6
degree_min_education = "bachelor"
technician_min_education = "college"
technician_min_years = 1
related_majors = []  # keywords a technician's major must contain; empty: the major is not checked

[r_s5]  # 最小网格: 技术支撑人员1人/300站点, 巡检、维护人员1人/50站点, 超过基本配置40%增配1人
enabled = true
domains = ["aggregation"]
overflow = 0.4
roles = [
  { role = "tech_support", sites_per_person = 300 },
  { role = "maintenance", sites_per_person = 50 },
]

[r_s6]  # 汇聚层: 笔记本电脑、网线钳、光功率计、光源、工具包 1/人; 应急抢修车 1辆/每地市
enabled = true
domains = ["aggregation"]
roles = ["tech_support", "maintenance"]
per_person = ["laptop", "crimper", "optical_power_meter", "light_source", "tool_kit"]
vehicle = "emergency_repair"
vehicles_per_city = 1

[r_s7]  # 上门服务人员必备工具; 维护站需配备
enabled = true
roles = ["client_side"]
on_site = ["light_source", "optical_power_meter", "laptop", "multimeter", "crimper", "punch_down",
  "e1_stripper", "cable_tester", "soldering_iron", "tool_kit", "fiber_cleaning_kit"]
station = ["light_source", "optical_power_meter", "e1_tester", "otdr", "fusion_splicer",
  "fiber_identifier", "attenuator", "pon_power_meter", "pon_otdr", "ethernet_tester", "generator",
  "insulation_tester"]

[r_s8]  # 初级、中级、高级 现场服务工程师
enabled = true
technicians_only = true
"#;

/// Most people, instruments or vehicles a threshold may ask for.
const MAX_COUNT: u32 = 10_000;
/// Most years a threshold may ask for.
const MAX_YEARS: u8 = 60;

/// 代维资源配置 rules: every threshold of R-S1..R-S8 (domain.md §6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ComplianceRules {
    /// The rules' version (>= 1); the store keeps every version.
    pub version: u32,
    pub r_s1: StaffPerSitesRule,
    pub r_s2: TechniciansRule,
    pub r_s3: ExperienceRule,
    pub r_s4: EducationRule,
    pub r_s5: GridRule,
    pub r_s6: InstrumentsRule,
    pub r_s7: KitRule,
    pub r_s8: TrainingRule,
}

impl Default for ComplianceRules {
    fn default() -> Self {
        ComplianceRules {
            version: 1,
            r_s1: StaffPerSitesRule::default(),
            r_s2: TechniciansRule::default(),
            r_s3: ExperienceRule::default(),
            r_s4: EducationRule::default(),
            r_s5: GridRule::default(),
            r_s6: InstrumentsRule::default(),
            r_s7: KitRule::default(),
            r_s8: TrainingRule::default(),
        }
    }
}

/// R-S1 每100个集团业务站点至少配备2.5人: people per 100 enterprise sites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct StaffPerSitesRule {
    pub enabled: bool,
    /// People required per 100 enterprise sites (2.5).
    pub people_per_100_sites: f64,
}

impl Default for StaffPerSitesRule {
    fn default() -> Self {
        StaffPerSitesRule {
            enabled: true,
            people_per_100_sites: 2.5,
        }
    }
}

/// R-S2 technicians per region, and certified ones among them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TechniciansRule {
    pub enabled: bool,
    /// 技术人员 per region (2).
    pub min_technicians: u32,
    /// Technicians holding [`Self::certificate`] per region (1).
    pub min_certified: u32,
    /// 集团业务客户端代维资格证.
    pub certificate: Certificate,
    /// `false` (default): the certified ones are among the `min_technicians`; `true`: they come
    /// on top (2 + 1 = 3 technicians), as some provinces read 2名技术人员和1名…资格证技术人员.
    pub certified_counted_separately: bool,
}

impl Default for TechniciansRule {
    fn default() -> Self {
        TechniciansRule {
            enabled: true,
            min_technicians: 2,
            min_certified: 1,
            certificate: Certificate::EnterpriseClient,
            certified_counted_separately: false,
        }
    }
}

/// R-S3 core-network experience and data certificates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct ExperienceRule {
    pub enabled: bool,
    /// Share of all staff with core-network experience (0.05).
    pub core_network_share: f64,
    /// Years of digital switching core-network maintenance that count (2).
    pub core_network_years: u8,
    /// 如不满1人,计1人: at least this many (1).
    pub core_network_min_people: u32,
    /// Share of client-side staff with a data certificate (0.1).
    pub data_certificate_share: f64,
    /// 如不满1人,计1人 (1).
    pub data_certificate_min_people: u32,
    /// CCNA, HCNE or equivalent (默认: every data-communications certificate of the vocabulary).
    pub data_certificates: Vec<Certificate>,
    /// Who is 客户端设备维护人员 (client-side staff).
    pub client_side_roles: Vec<StaffRole>,
}

impl Default for ExperienceRule {
    fn default() -> Self {
        ExperienceRule {
            enabled: true,
            core_network_share: 0.05,
            core_network_years: 2,
            core_network_min_people: 1,
            data_certificate_share: 0.1,
            data_certificate_min_people: 1,
            data_certificates: Certificate::ALL
                .iter()
                .copied()
                .filter(|c| c.is_data_certificate())
                .collect(),
            client_side_roles: vec![StaffRole::ClientSide],
        }
    }
}

/// R-S4 education and experience.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EducationRule {
    pub enabled: bool,
    /// Share of all staff with [`Self::degree_min_education`] or higher (0.6).
    pub degree_share: f64,
    /// 本科 bachelor.
    pub degree_min_education: Education,
    /// Every technician at least this (大专 college).
    pub technician_min_education: Education,
    /// Every technician at least this many years of experience (1).
    pub technician_min_years: u8,
    /// 通讯专业: keywords one of which a technician's major must contain; empty (default): the
    /// major is not checked (it is free text in the inventory).
    pub related_majors: Vec<String>,
}

impl Default for EducationRule {
    fn default() -> Self {
        EducationRule {
            enabled: true,
            degree_share: 0.6,
            degree_min_education: Education::Bachelor,
            technician_min_education: Education::College,
            technician_min_years: 1,
            related_majors: Vec::new(),
        }
    }
}

/// R-S5 aggregation-layer staffing per minimum grid (最小网格).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct GridRule {
    pub enabled: bool,
    /// The rule applies to a contract holding one of these domains; empty: to every contract.
    pub domains: Vec<MaintenanceDomain>,
    /// 超过基本配置的40%: one more person when the remainder exceeds this share of the base.
    pub overflow: f64,
    /// 工种 and its base allotment.
    pub roles: Vec<GridRole>,
}

/// One job type of R-S5: one person per `sites_per_person` sites (elements).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GridRole {
    pub role: StaffRole,
    pub sites_per_person: u32,
}

impl Default for GridRule {
    fn default() -> Self {
        GridRule {
            enabled: true,
            domains: vec![MaintenanceDomain::Aggregation],
            overflow: 0.4,
            roles: vec![
                GridRole {
                    role: StaffRole::TechSupport,
                    sites_per_person: 300,
                },
                GridRole {
                    role: StaffRole::Maintenance,
                    sites_per_person: 50,
                },
            ],
        }
    }
}

/// R-S6 instruments per person and vehicles per city (aggregation layer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct InstrumentsRule {
    pub enabled: bool,
    /// The rule applies to a contract holding one of these domains; empty: to every contract.
    pub domains: Vec<MaintenanceDomain>,
    /// Whose person the instruments are (the aggregation layer's job types).
    pub roles: Vec<StaffRole>,
    /// One of each per person.
    pub per_person: Vec<InstrumentKind>,
    /// 应急抢修车.
    pub vehicle: VehicleKind,
    /// Per city (1).
    pub vehicles_per_city: u32,
}

impl Default for InstrumentsRule {
    fn default() -> Self {
        InstrumentsRule {
            enabled: true,
            domains: vec![MaintenanceDomain::Aggregation],
            roles: vec![StaffRole::TechSupport, StaffRole::Maintenance],
            per_person: InstrumentKind::PER_PERSON_AGGREGATION.to_vec(),
            vehicle: VehicleKind::EmergencyRepair,
            vehicles_per_city: 1,
        }
    }
}

/// R-S7 the on-site kit of each on-site person, and a maintenance station's equipment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct KitRule {
    pub enabled: bool,
    /// 上门服务人员: who carries the on-site kit.
    pub roles: Vec<StaffRole>,
    /// 上门服务人员必备工具, one of each per person.
    pub on_site: Vec<InstrumentKind>,
    /// 维护站需配备, one of each per station (办公电脑 and 传真机 are no instruments of the
    /// vocabulary and are left out).
    pub station: Vec<InstrumentKind>,
}

impl Default for KitRule {
    fn default() -> Self {
        use InstrumentKind as K;
        KitRule {
            enabled: true,
            roles: vec![StaffRole::ClientSide],
            on_site: vec![
                K::LightSource,
                K::OpticalPowerMeter,
                K::Laptop,
                K::Multimeter,
                K::Crimper,
                K::PunchDown,
                K::E1Stripper,
                K::CableTester,
                K::SolderingIron,
                K::ToolKit,
                K::FiberCleaningKit,
            ],
            station: vec![
                K::LightSource,
                K::OpticalPowerMeter,
                K::E1Tester,
                K::Otdr,
                K::FusionSplicer,
                K::FiberIdentifier,
                K::Attenuator,
                K::PonPowerMeter,
                K::PonOtdr,
                K::EthernetTester,
                K::Generator,
                K::InsulationTester,
            ],
        }
    }
}

/// R-S8 training levels, counted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct TrainingRule {
    pub enabled: bool,
    /// Count technicians only (现场服务工程师, field engineers); `false`: every staff member.
    pub technicians_only: bool,
}

impl Default for TrainingRule {
    fn default() -> Self {
        TrainingRule {
            enabled: true,
            technicians_only: true,
        }
    }
}

/// A problem with a rules document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("the compliance rules are not valid TOML: {0}")]
    Toml(String),
    #[error("the compliance rules are not valid: {}", join(.0))]
    Invalid(Vec<FieldError>),
}

pub(super) fn join(problems: &[FieldError]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn share(p: &mut Problems, field: &str, value: f64) {
    if !(value.is_finite() && (0.0..=1.0).contains(&value)) {
        p.add(field, format!("{value} is not a share between 0 and 1"));
    }
}

fn count(p: &mut Problems, field: &str, value: u32) {
    if value > MAX_COUNT {
        p.add(field, format!("{value} is more than {MAX_COUNT}"));
    }
}

fn years(p: &mut Problems, field: &str, value: u8) {
    if value > MAX_YEARS {
        p.add(field, format!("{value} is more than {MAX_YEARS} years"));
    }
}

fn unique<T: PartialEq + Serialize>(p: &mut Problems, field: &str, list: &[T]) {
    for (i, v) in list.iter().enumerate() {
        if list[..i].contains(v) {
            let name = serde_json::to_string(v).unwrap_or_default();
            p.add(format!("{field}[{i}]"), format!("{name} is listed twice"));
        }
    }
}

fn non_empty<T>(p: &mut Problems, field: &str, list: &[T], why: &str) {
    if list.is_empty() {
        p.add(field, format!("is empty: {why}"));
    }
}

impl ComplianceRules {
    /// Parses a rules document (fields left out keep their defaults) and checks it.
    pub fn parse(text: &str) -> Result<ComplianceRules, RulesError> {
        let rules: ComplianceRules =
            toml::from_str(text).map_err(|e| RulesError::Toml(e.to_string()))?;
        rules.validate()?;
        Ok(rules)
    }

    /// Every problem of the rules, each naming its field (`r_s3.core_network_share`).
    pub fn validate(&self) -> Result<(), RulesError> {
        let mut p = Problems::default();
        if self.version < 1 {
            p.add("version", "must be 1 or more");
        }
        let r1 = &self.r_s1;
        if !(r1.people_per_100_sites.is_finite()
            && r1.people_per_100_sites > 0.0
            && r1.people_per_100_sites <= 100.0)
        {
            p.add(
                "r_s1.people_per_100_sites",
                format!(
                    "{} is not a number of people above 0 and at most 100",
                    r1.people_per_100_sites
                ),
            );
        }
        let r2 = &self.r_s2;
        count(&mut p, "r_s2.min_technicians", r2.min_technicians);
        count(&mut p, "r_s2.min_certified", r2.min_certified);
        if !r2.certified_counted_separately && r2.min_certified > r2.min_technicians {
            p.add(
                "r_s2.min_certified",
                format!(
                    "{} certified cannot be among {} technicians; raise r_s2.min_technicians or set r_s2.certified_counted_separately",
                    r2.min_certified, r2.min_technicians
                ),
            );
        }
        let r3 = &self.r_s3;
        share(&mut p, "r_s3.core_network_share", r3.core_network_share);
        years(&mut p, "r_s3.core_network_years", r3.core_network_years);
        count(
            &mut p,
            "r_s3.core_network_min_people",
            r3.core_network_min_people,
        );
        share(
            &mut p,
            "r_s3.data_certificate_share",
            r3.data_certificate_share,
        );
        count(
            &mut p,
            "r_s3.data_certificate_min_people",
            r3.data_certificate_min_people,
        );
        non_empty(
            &mut p,
            "r_s3.data_certificates",
            &r3.data_certificates,
            "nobody could qualify",
        );
        unique(&mut p, "r_s3.data_certificates", &r3.data_certificates);
        non_empty(
            &mut p,
            "r_s3.client_side_roles",
            &r3.client_side_roles,
            "nobody would be client-side staff",
        );
        unique(&mut p, "r_s3.client_side_roles", &r3.client_side_roles);
        let r4 = &self.r_s4;
        share(&mut p, "r_s4.degree_share", r4.degree_share);
        years(&mut p, "r_s4.technician_min_years", r4.technician_min_years);
        for (i, m) in r4.related_majors.iter().enumerate() {
            if m.trim().is_empty() {
                p.add(format!("r_s4.related_majors[{i}]"), "is blank");
            }
        }
        let r5 = &self.r_s5;
        unique(&mut p, "r_s5.domains", &r5.domains);
        if !(r5.overflow.is_finite() && (0.0..1.0).contains(&r5.overflow)) {
            p.add(
                "r_s5.overflow",
                format!(
                    "{} is not a share from 0 up to (not including) 1",
                    r5.overflow
                ),
            );
        }
        for (i, r) in r5.roles.iter().enumerate() {
            if r.sites_per_person == 0 {
                p.add(
                    format!("r_s5.roles[{i}].sites_per_person"),
                    "must be 1 or more",
                );
            }
            if r5.roles[..i].iter().any(|o| o.role == r.role) {
                p.add(
                    format!("r_s5.roles[{i}].role"),
                    format!("{} is listed twice", r.role.code()),
                );
            }
        }
        let r6 = &self.r_s6;
        unique(&mut p, "r_s6.domains", &r6.domains);
        non_empty(
            &mut p,
            "r_s6.roles",
            &r6.roles,
            "nobody would carry the instruments",
        );
        unique(&mut p, "r_s6.roles", &r6.roles);
        unique(&mut p, "r_s6.per_person", &r6.per_person);
        count(&mut p, "r_s6.vehicles_per_city", r6.vehicles_per_city);
        let r7 = &self.r_s7;
        if !r7.on_site.is_empty() {
            non_empty(
                &mut p,
                "r_s7.roles",
                &r7.roles,
                "nobody would carry the on-site kit",
            );
        }
        unique(&mut p, "r_s7.roles", &r7.roles);
        unique(&mut p, "r_s7.on_site", &r7.on_site);
        unique(&mut p, "r_s7.station", &r7.station);
        p.into_result().map_err(RulesError::Invalid)
    }
}
