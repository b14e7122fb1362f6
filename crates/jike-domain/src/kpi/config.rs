//! The KPI configuration (指标配置): targets (§7a), weights of the score, the repeat-fault window,
//! the assurance levels' availability and repeat targets (§7a), the grades' availability targets
//! (§3) and the rule table of the assurance level (R-SL2). Every number is configuration; the
//! defaults are domain.md's, in `data/kpi-defaults.toml` ([`DEFAULT_KPI_TOML`], equal to
//! [`KpiConfig::default`], tested).
//!
//! A configuration is a TOML document; every key is optional and a missing one keeps its
//! default, so a file states only what it changes:
//!
//! ```toml
//! version = 2
//! recurrence_window = "60d"          # some provinces (§7a)
//! suspension_is_outage = true
//! [targets]
//! fault_timeliness = 0.95
//! mttr_seconds = "4h"                # a duration, or seconds
//! satisfaction = 0.9
//! handover_docs_on_time = "none"     # no target
//! [weights]
//! availability = 2
//! [levels.AAA]
//! outage_per_year = "3h"
//! repeats_per_year = 2
//! [grade_availability]
//! gold = 0.9995
//! [assurance.importance]
//! video = "high"
//! [assurance.levels]
//! silver = { high = "AA", normal = "A" }
//! ```
//!
//! [`KpiConfig::parse`] names the bad field (`targets.fault_timeliness: 1.5 is not a fraction
//! in [0, 1]`); `KpiConfig` also deserializes with serde (from TOML or JSON) through the same
//! checks.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::KpiCode;
use crate::calendar::DAY;
use crate::policy::parse_duration;
use crate::vocab::{AssuranceLevel, BusinessType, Grade, Vocabulary};

/// The default configuration's text (`crates/jike-domain/data/kpi-defaults.toml`).
pub const DEFAULT_KPI_TOML: &str = include_str!("../../data/kpi-defaults.toml");

/// The length of the year the per-year allowances of §7a are spread over: 365 days.
pub const YEAR_SECS: i64 = 365 * DAY;

vocabulary! {
    /// 业务种类重要程度 how important a business type is (R-SL2: the assurance level is derived
    /// from the customer's grade and the importance of the business type).
    pub enum Importance ("business importance") {
        High = "high" ["重要"],
        Normal = "normal" ["一般", "普通"],
    }
}

/// A problem with a KPI configuration: the message names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KpiConfigError {
    #[error("the KPI configuration is not valid TOML: {0}")]
    Toml(String),
    #[error("KPI configuration {field}: {message}")]
    Invalid { field: String, message: String },
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> KpiConfigError {
    KpiConfigError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// What an assurance level (业务保障等级, R-SL2) promises per line and year (§7a).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelTargets {
    /// 年中断时长上限: outage per line per year, at most (seconds); `None`: not set (the
    /// grade's availability target applies, §3).
    pub outage_per_year_secs: Option<i64>,
    /// 年重复故障次数上限: repeated faults per line per year, at most.
    pub repeats_per_year: Option<u32>,
}

impl LevelTargets {
    /// The availability the yearly allowance means: `1 − allowance / 365 d`.
    pub fn availability(&self) -> Option<f64> {
        self.outage_per_year_secs
            .map(|s| 1.0 - s as f64 / YEAR_SECS as f64)
    }
}

/// R-SL2: the rule table from grade × importance of the business type to the assurance level.
#[derive(Debug, Clone, PartialEq)]
pub struct AssuranceRules {
    /// Each business type's importance; one not listed is [`Importance::Normal`].
    pub importance: BTreeMap<BusinessType, Importance>,
    /// `(grade, importance)` → level; a pair not listed is [`AssuranceLevel::Ordinary`].
    pub levels: BTreeMap<(Grade, Importance), AssuranceLevel>,
}

impl AssuranceRules {
    /// The importance of a business type (`None`: normal).
    pub fn importance_of(&self, bt: Option<BusinessType>) -> Importance {
        bt.and_then(|b| self.importance.get(&b).copied())
            .unwrap_or(Importance::Normal)
    }

    /// R-SL2: the assurance level of a line of business type `bt` for a customer of `grade`.
    pub fn level(&self, grade: Grade, bt: Option<BusinessType>) -> AssuranceLevel {
        self.levels
            .get(&(grade, self.importance_of(bt)))
            .copied()
            .unwrap_or(AssuranceLevel::Ordinary)
    }
}

/// The checked KPI configuration.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawKpiConfig")]
pub struct KpiConfig {
    pub version: u32,
    /// Each KPI's target; absent: none (then `met` is `None`). The direction is the KPI's
    /// ([`KpiCode::lower_is_better`]); `mttr_seconds` in seconds. `availability` here, when
    /// set, replaces the scorecard's target derived from its lines' levels and grades.
    pub targets: BTreeMap<KpiCode, f64>,
    /// The weights of the score; every KPI 1 by default (equal weights).
    pub weights: BTreeMap<KpiCode, f64>,
    /// §7 故障重复发生率: a fault repeats one on the same line within this many seconds before
    /// it (30 days by default, §7a; 60 in some provinces).
    pub recurrence_window_secs: i64,
    /// Whether an approved suspension (挂起, R-C3) inside an outage counts as outage for
    /// availability (`true` by default; see the module doc of `kpi`).
    pub suspension_is_outage: bool,
    /// §7a per assurance level.
    pub levels: BTreeMap<AssuranceLevel, LevelTargets>,
    /// §3 availability target per grade, used where the line's level sets no outage allowance.
    pub grade_availability: BTreeMap<Grade, f64>,
    pub assurance: AssuranceRules,
}

impl Default for KpiConfig {
    /// domain.md's defaults (§3, §7, §7a; R-SL2's table is jike's default, see
    /// `data/kpi-defaults.toml`).
    fn default() -> KpiConfig {
        use AssuranceLevel as L;
        use BusinessType as B;
        use Importance::{High, Normal};
        let targets = BTreeMap::from([
            // §7a: 故障投诉响应及时率 ≥ 97 %, read for handling, complaints and arrival alike.
            (KpiCode::FaultTimeliness, 0.97),
            (KpiCode::ComplaintTimeliness, 0.97),
            (KpiCode::OnTimeArrival, 0.97),
            // Its complement: at most 3 % of orders over any limit.
            (KpiCode::TimeoutRate, 0.03),
        ]);
        let weights = KpiCode::ALL.iter().map(|k| (*k, 1.0)).collect();
        let levels = BTreeMap::from([
            (
                L::Aaa,
                LevelTargets {
                    outage_per_year_secs: Some(3 * 3600),
                    repeats_per_year: Some(2),
                },
            ),
            (
                L::Aa,
                LevelTargets {
                    outage_per_year_secs: Some(6 * 3600),
                    repeats_per_year: Some(3),
                },
            ),
            (
                L::A,
                LevelTargets {
                    outage_per_year_secs: Some(12 * 3600),
                    repeats_per_year: None,
                },
            ),
            (
                L::Ordinary,
                LevelTargets {
                    outage_per_year_secs: None,
                    repeats_per_year: Some(4),
                },
            ),
        ]);
        let grade_availability = BTreeMap::from([
            (Grade::Diamond, 0.9999),
            (Grade::Gold, 0.9995),
            (Grade::Silver, 0.999),
            (Grade::Bronze, 0.995),
            (Grade::Standard, 0.99),
        ]);
        let importance = BTreeMap::from([
            (B::DataLine, High),
            (B::InternetLine, High),
            (B::VoiceLine, High),
            (B::TransmissionLine, High),
            (B::Video, High),
            (B::GprsApn, Normal),
            (B::SmsMms, Normal),
            (B::SmsGateway, Normal),
            (B::SchoolMessaging, Normal),
            (B::Broadband, Normal),
        ]);
        let levels_by_grade = [
            (Grade::Diamond, L::Aaa, L::Aa),
            (Grade::Gold, L::Aaa, L::Aa),
            (Grade::Silver, L::Aa, L::A),
            (Grade::Bronze, L::A, L::Ordinary),
            (Grade::Standard, L::Ordinary, L::Ordinary),
        ];
        let mut table = BTreeMap::new();
        for (g, high, normal) in levels_by_grade {
            table.insert((g, High), high);
            table.insert((g, Normal), normal);
        }
        KpiConfig {
            version: 1,
            targets,
            weights,
            recurrence_window_secs: 30 * DAY,
            suspension_is_outage: true,
            levels,
            grade_availability,
            assurance: AssuranceRules {
                importance,
                levels: table,
            },
        }
    }
}

impl KpiConfig {
    /// Parses and checks a configuration over the defaults; errors name the field.
    pub fn parse(text: &str) -> Result<KpiConfig, KpiConfigError> {
        let raw: RawKpiConfig =
            toml::from_str(text).map_err(|e| KpiConfigError::Toml(e.to_string()))?;
        KpiConfig::try_from(raw)
    }

    /// A KPI's target, if any.
    pub fn target(&self, code: KpiCode) -> Option<f64> {
        self.targets.get(&code).copied()
    }

    /// A KPI's weight in the score (0 when not listed).
    pub fn weight(&self, code: KpiCode) -> f64 {
        self.weights.get(&code).copied().unwrap_or(0.0)
    }

    /// R-SL2: the assurance level of a line.
    pub fn level(&self, grade: Grade, bt: Option<BusinessType>) -> AssuranceLevel {
        self.assurance.level(grade, bt)
    }

    /// The share of time a line of this grade and business type may be out: its level's yearly
    /// allowance over 365 days (§7a), or else `1 −` its grade's availability target (§3).
    pub fn outage_allowance_rate(&self, grade: Grade, bt: Option<BusinessType>) -> Option<f64> {
        let level = self.level(grade, bt);
        match self.levels.get(&level).and_then(|l| l.outage_per_year_secs) {
            Some(s) => Some(s as f64 / YEAR_SECS as f64),
            None => self.grade_availability.get(&grade).map(|a| 1.0 - a),
        }
    }
}

// ---- the TOML shape -------------------------------------------------------------------------

/// A scalar as written: a number, a text (a duration or `none`) or a boolean.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
}

impl Scalar {
    fn is_none_text(&self) -> bool {
        matches!(self, Scalar::Text(t) if t.trim().eq_ignore_ascii_case("none"))
    }

    fn shown(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(t) => format!("'{}'", t.chars().take(40).collect::<String>()),
            Scalar::Bool(b) => b.to_string(),
        }
    }

    fn number(&self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// A duration: seconds as an integer, or `3h`, `30d`, `1h30m`.
    fn seconds(&self) -> Result<i64, String> {
        match self {
            Scalar::Int(i) if *i >= 0 => Ok(*i),
            Scalar::Text(t) => parse_duration(t),
            other => Err(format!(
                "{} is not a duration like 3h or 30d, nor seconds",
                other.shown()
            )),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawKpiConfig {
    version: Option<i64>,
    recurrence_window: Option<Scalar>,
    suspension_is_outage: Option<bool>,
    #[serde(default)]
    targets: BTreeMap<String, Scalar>,
    #[serde(default)]
    weights: BTreeMap<String, Scalar>,
    #[serde(default)]
    levels: BTreeMap<String, RawLevel>,
    #[serde(default)]
    grade_availability: BTreeMap<String, Scalar>,
    assurance: Option<RawAssurance>,
    #[allow(dead_code)]
    name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    outage_per_year: Option<Scalar>,
    repeats_per_year: Option<Scalar>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssurance {
    #[serde(default)]
    importance: BTreeMap<String, String>,
    #[serde(default)]
    levels: BTreeMap<String, RawLevelRow>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevelRow {
    high: Option<String>,
    normal: Option<String>,
}

fn parse_code<V: Vocabulary>(text: &str, field: &str) -> Result<V, KpiConfigError> {
    V::parse(text).map_err(|e| invalid(field, e.to_string()))
}

fn fraction(v: &Scalar, field: &str) -> Result<f64, KpiConfigError> {
    match v.number() {
        Some(f) if (0.0..=1.0).contains(&f) => Ok(f),
        _ => Err(invalid(
            field,
            format!("{} is not a fraction in [0, 1], e.g. 0.97", v.shown()),
        )),
    }
}

impl TryFrom<RawKpiConfig> for KpiConfig {
    type Error = KpiConfigError;

    fn try_from(raw: RawKpiConfig) -> Result<KpiConfig, KpiConfigError> {
        let mut c = KpiConfig::default();
        if let Some(v) = raw.version {
            c.version = u32::try_from(v)
                .ok()
                .filter(|v| *v >= 1)
                .ok_or_else(|| invalid("version", format!("{v} is not a version >= 1")))?;
        }
        if let Some(w) = &raw.recurrence_window {
            let secs = w.seconds().map_err(|m| invalid("recurrence_window", m))?;
            if secs <= 0 {
                return Err(invalid(
                    "recurrence_window",
                    "must be longer than zero, e.g. 30d",
                ));
            }
            c.recurrence_window_secs = secs;
        }
        if let Some(b) = raw.suspension_is_outage {
            c.suspension_is_outage = b;
        }
        for (key, v) in &raw.targets {
            let field = format!("targets.{key}");
            let code: KpiCode = parse_code(key, &field)?;
            if v.is_none_text() {
                c.targets.remove(&code);
                continue;
            }
            let target = if code == KpiCode::MttrSeconds {
                v.seconds().map_err(|m| invalid(&field, m))? as f64
            } else {
                fraction(v, &field)?
            };
            c.targets.insert(code, target);
        }
        for (key, v) in &raw.weights {
            let field = format!("weights.{key}");
            let code: KpiCode = parse_code(key, &field)?;
            match v.number() {
                Some(w) if w.is_finite() && w >= 0.0 => {
                    c.weights.insert(code, w);
                }
                _ => {
                    return Err(invalid(
                        field,
                        format!("{} is not a weight >= 0, e.g. 1", v.shown()),
                    ))
                }
            }
        }
        for (key, l) in &raw.levels {
            let field = format!("levels.{key}");
            let level: AssuranceLevel = parse_code(key, &field)?;
            let entry = c.levels.entry(level).or_insert(LevelTargets {
                outage_per_year_secs: None,
                repeats_per_year: None,
            });
            if let Some(v) = &l.outage_per_year {
                let f = format!("{field}.outage_per_year");
                entry.outage_per_year_secs = if v.is_none_text() {
                    None
                } else {
                    let s = v.seconds().map_err(|m| invalid(&f, m))?;
                    if s >= YEAR_SECS {
                        return Err(invalid(f, "must be shorter than a year"));
                    }
                    Some(s)
                };
            }
            if let Some(v) = &l.repeats_per_year {
                let f = format!("{field}.repeats_per_year");
                entry.repeats_per_year = match v {
                    v if v.is_none_text() => None,
                    Scalar::Int(n) => Some(
                        u32::try_from(*n)
                            .map_err(|_| invalid(&f, format!("{n} is not a count >= 0")))?,
                    ),
                    other => {
                        return Err(invalid(
                            f,
                            format!("{} is not a count >= 0, e.g. 2", other.shown()),
                        ))
                    }
                };
            }
        }
        for (key, v) in &raw.grade_availability {
            let field = format!("grade_availability.{key}");
            let grade: Grade = parse_code(key, &field)?;
            if v.is_none_text() {
                c.grade_availability.remove(&grade);
            } else {
                c.grade_availability.insert(grade, fraction(v, &field)?);
            }
        }
        if let Some(a) = &raw.assurance {
            for (key, v) in &a.importance {
                let field = format!("assurance.importance.{key}");
                let bt: BusinessType = parse_code(key, &field)?;
                c.assurance.importance.insert(bt, parse_code(v, &field)?);
            }
            for (key, row) in &a.levels {
                let field = format!("assurance.levels.{key}");
                let grade: Grade = parse_code(key, &field)?;
                for (imp, v) in [
                    (Importance::High, &row.high),
                    (Importance::Normal, &row.normal),
                ] {
                    if let Some(v) = v {
                        let f = format!("{field}.{}", imp.code());
                        c.assurance.levels.insert((grade, imp), parse_code(v, &f)?);
                    }
                }
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_file_is_the_default() {
        assert_eq!(
            KpiConfig::parse(DEFAULT_KPI_TOML).unwrap(),
            KpiConfig::default()
        );
        assert_eq!(KpiConfig::parse("").unwrap(), KpiConfig::default());
    }

    /// §7a: 3 h, 6 h, 12 h per line per year for AAA, AA, A; repeats 2, 3, —, 4.
    #[test]
    fn level_targets_are_section_7a() {
        let c = KpiConfig::default();
        let l = |x| c.levels[&x];
        assert_eq!(l(AssuranceLevel::Aaa).outage_per_year_secs, Some(3 * 3600));
        assert_eq!(l(AssuranceLevel::Aa).outage_per_year_secs, Some(6 * 3600));
        assert_eq!(l(AssuranceLevel::A).outage_per_year_secs, Some(12 * 3600));
        assert_eq!(l(AssuranceLevel::Ordinary).outage_per_year_secs, None);
        let repeats: Vec<_> = AssuranceLevel::ALL
            .iter()
            .map(|x| l(*x).repeats_per_year)
            .collect();
        assert_eq!(repeats, [Some(2), Some(3), None, Some(4)]);
        // 3 h of 8760 h: 99.9658 %.
        let a = l(AssuranceLevel::Aaa).availability().unwrap();
        assert!((a - (1.0 - 3.0 / 8760.0)).abs() < 1e-12);
        assert_eq!(c.target(KpiCode::FaultTimeliness), Some(0.97));
        assert_eq!(c.target(KpiCode::MttrSeconds), None);
        assert_eq!(c.recurrence_window_secs, 30 * DAY);
    }

    /// R-SL2: the level comes from the grade and the business type's importance.
    #[test]
    fn assurance_level_from_grade_and_importance() {
        let c = KpiConfig::default();
        assert_eq!(
            c.level(Grade::Gold, Some(BusinessType::DataLine)),
            AssuranceLevel::Aaa
        );
        assert_eq!(
            c.level(Grade::Gold, Some(BusinessType::SmsMms)),
            AssuranceLevel::Aa
        );
        assert_eq!(
            c.level(Grade::Silver, Some(BusinessType::InternetLine)),
            AssuranceLevel::Aa
        );
        assert_eq!(c.level(Grade::Silver, None), AssuranceLevel::A);
        assert_eq!(
            c.level(Grade::Standard, Some(BusinessType::DataLine)),
            AssuranceLevel::Ordinary
        );
        // Ordinary has no outage allowance (§7a "—"): the grade's target applies (§3).
        let r = c
            .outage_allowance_rate(Grade::Standard, Some(BusinessType::DataLine))
            .unwrap();
        assert!((r - 0.01).abs() < 1e-12);
        let c = KpiConfig::parse(
            r#"
            [assurance.importance]
            "短彩信" = "重要"
            [assurance.levels]
            gold = { high = "AA" }
            "#,
        )
        .unwrap();
        assert_eq!(
            c.level(Grade::Gold, Some(BusinessType::SmsMms)),
            AssuranceLevel::Aa
        );
        assert_eq!(
            c.level(Grade::Gold, Some(BusinessType::SmsGateway)),
            AssuranceLevel::Aa,
            "the normal column keeps its default"
        );
    }

    #[test]
    fn a_file_changes_what_it_states() {
        let c = KpiConfig::parse(
            r#"
            version = 3
            recurrence_window = "60d"
            suspension_is_outage = false
            [targets]
            fault_timeliness = 0.95
            mttr_seconds = "4h"
            satisfaction = 1
            timeout_rate = "none"
            [weights]
            availability = 2.5
            recurrence = 0
            [levels.A]
            repeats_per_year = 5
            [grade_availability]
            "金牌" = 0.999
            "#,
        )
        .unwrap();
        assert_eq!(c.version, 3);
        assert_eq!(c.recurrence_window_secs, 60 * DAY);
        assert!(!c.suspension_is_outage);
        assert_eq!(c.target(KpiCode::FaultTimeliness), Some(0.95));
        assert_eq!(c.target(KpiCode::ComplaintTimeliness), Some(0.97));
        assert_eq!(c.target(KpiCode::MttrSeconds), Some(4.0 * 3600.0));
        assert_eq!(c.target(KpiCode::Satisfaction), Some(1.0));
        assert_eq!(c.target(KpiCode::TimeoutRate), None);
        assert_eq!(c.weight(KpiCode::Availability), 2.5);
        assert_eq!(c.weight(KpiCode::Recurrence), 0.0);
        assert_eq!(c.weight(KpiCode::Satisfaction), 1.0);
        let a = c.levels[&AssuranceLevel::A];
        assert_eq!(a.repeats_per_year, Some(5));
        assert_eq!(a.outage_per_year_secs, Some(12 * 3600));
        assert_eq!(c.grade_availability[&Grade::Gold], 0.999);
        // serde reads the same through the same checks.
        let json: KpiConfig =
            serde_json::from_str(r#"{"targets": {"fault_timeliness": 0.9}}"#).unwrap();
        assert_eq!(json.target(KpiCode::FaultTimeliness), Some(0.9));
        let err = serde_json::from_str::<KpiConfig>(r#"{"targets": {"fault_timeliness": 9}}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("targets.fault_timeliness"), "{err}");
    }

    #[test]
    fn errors_name_the_bad_field() {
        let e = |text: &str| KpiConfig::parse(text).unwrap_err().to_string();
        assert_eq!(
            e("[targets]\nfault_timeliness = 1.5"),
            "KPI configuration targets.fault_timeliness: 1.5 is not a fraction in [0, 1], e.g. 0.97"
        );
        assert!(e("[targets]\nspeed = 0.5").starts_with(
            "KPI configuration targets.speed: unknown KPI 'speed'; expected one of: fault_timeliness"
        ));
        assert!(e("[targets]\nmttr_seconds = \"soon\"")
            .starts_with("KPI configuration targets.mttr_seconds: 'soon' is not a duration"));
        assert!(e("[weights]\navailability = -1")
            .starts_with("KPI configuration weights.availability: -1 is not a weight"));
        assert!(e("recurrence_window = 0").contains("recurrence_window: must be longer"));
        assert!(e("recurrence_window = \"x\"").starts_with("KPI configuration recurrence_window:"));
        assert!(e("[levels.AAAA]\nrepeats_per_year = 1")
            .starts_with("KPI configuration levels.AAAA: unknown assurance level"));
        assert!(e("[levels.AA]\nrepeats_per_year = -1")
            .starts_with("KPI configuration levels.AA.repeats_per_year: -1 is not a count"));
        assert!(e("[levels.AA]\noutage_per_year = \"400d\"")
            .contains("levels.AA.outage_per_year: must be shorter than a year"));
        assert!(e("[grade_availability]\nplatinum = 0.9")
            .starts_with("KPI configuration grade_availability.platinum: unknown service grade"));
        assert!(e("[assurance.levels]\ngold = { high = \"AAAA\" }")
            .starts_with("KPI configuration assurance.levels.gold.high: unknown assurance level"));
        assert!(
            e("[assurance.importance]\ndata_line = \"vital\"").starts_with(
                "KPI configuration assurance.importance.data_line: unknown business importance"
            )
        );
        assert!(e("version = 0").starts_with("KPI configuration version:"));
        assert!(e("colour = 1").starts_with("the KPI configuration is not valid TOML"));
    }
}
