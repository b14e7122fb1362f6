//! What is maintained (domain.md §2): regions, sites, network elements, customers, circuits and
//! their paths, contractors, their staff, instruments and vehicles.
//!
//! Each kind has an `…Input` (what a client or an import row gives: references by natural key,
//! values by code or Chinese name). `validate` checks an input on its own; whether the codes it
//! refers to exist is the store's business, and so is the row read back (ids, resolved names,
//! timestamps: `jike_store::Region`, …). A customer's grade history (`GradePeriod`, R-SL3) is
//! a domain fact: `grade_at` answers the grade in force at a time from it.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::path::HopInput;
use crate::values::{
    check_code, check_optional_text, check_phone, check_text, Bandwidth, FieldError, Problems,
};
use crate::vocab::*;

/// What an input must answer to before the store sees it.
pub trait Validate {
    /// Every problem of the input on its own, each naming its field.
    fn validate(&self) -> Result<(), Vec<FieldError>>;
}

const NAME_MAX: usize = 200;
const TEXT_MAX: usize = 500;

fn code(p: &mut Problems, field: &str, value: &str) {
    p.check(field, check_code(value));
}

fn optional_code(p: &mut Problems, field: &str, value: &Option<String>) {
    if let Some(v) = value {
        code(p, field, v);
    }
}

/// A reference to a region: its code, or its name when no other region has it (the store
/// decides which), so a name's spaces are allowed; one line.
fn region(p: &mut Problems, field: &str, value: &str) {
    let checked = check_text(value, NAME_MAX).and_then(|()| {
        if value.contains(['\n', '\r', '\t']) {
            Err("must not contain control characters".to_string())
        } else {
            Ok(())
        }
    });
    p.check(field, checked);
}

fn optional_region(p: &mut Problems, field: &str, value: &Option<String>) {
    if let Some(v) = value {
        region(p, field, v);
    }
}

fn name(p: &mut Problems, field: &str, value: &str) {
    p.check(field, check_text(value, NAME_MAX));
}

fn optional_text(p: &mut Problems, field: &str, value: &str, max: usize) {
    p.check(field, check_optional_text(value, max));
}

// ---------------------------------------------------------------------------------------------
// Regions

/// 区域 a region of the tree province > city > county > grid (网格).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegionInput {
    /// 区域编码
    pub code: String,
    /// 区域名称
    pub name: String,
    pub level: RegionLevel,
    /// The parent region's code (or its name, when no other region has it); required for every
    /// level below province.
    #[serde(default)]
    pub parent_code: Option<String>,
}

impl Validate for RegionInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        name(&mut p, "name", &self.name);
        optional_region(&mut p, "parent_code", &self.parent_code);
        match (self.level.parent_level(), &self.parent_code) {
            (None, Some(_)) => p.add("parent_code", "a province has no parent region"),
            (Some(level), None) => p.add(
                "parent_code",
                format!("a {} needs a parent {level}", self.level),
            ),
            _ => {}
        }
        if self.parent_code.as_deref() == Some(self.code.as_str()) {
            p.add("parent_code", "a region cannot be its own parent");
        }
        p.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Sites

/// 站点: a base station, an access point (综合业务接入点), customer premises or a machine room.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// 站点编码
    pub code: String,
    /// 站点名称
    pub name: String,
    pub kind: SiteKind,
    /// 地址
    #[serde(default)]
    pub address: String,
    /// 区域: the region's code, or its name when no other region has it
    pub region_code: String,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub latitude: Option<f64>,
}

impl Validate for SiteInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        name(&mut p, "name", &self.name);
        optional_text(&mut p, "address", &self.address, TEXT_MAX);
        region(&mut p, "region_code", &self.region_code);
        if let Some(lon) = self.longitude {
            if !(-180.0..=180.0).contains(&lon) {
                p.add("longitude", format!("{lon} is not between -180 and 180"));
            }
        }
        if let Some(lat) = self.latitude {
            if !(-90.0..=90.0).contains(&lat) {
                p.add("latitude", format!("{lat} is not between -90 and 90"));
            }
        }
        p.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Network elements

/// 网元 a network element, with the maintenance domain and contractor that answer for it (R-MD).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ElementInput {
    /// 网元编码
    pub code: String,
    /// 网元名称
    pub name: String,
    /// 网元类型
    #[serde(rename = "type")]
    pub element_type: ElementType,
    /// 厂家
    #[serde(default)]
    pub vendor: String,
    /// 型号
    #[serde(default)]
    pub model: String,
    /// 管理地址
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "10.1.2.3"))]
    pub management_ip: Option<IpAddr>,
    /// 所在站点编码
    pub site_code: String,
    /// 产权
    pub owner: Owner,
    /// 维护界面 (R-MD1..R-MD5)
    pub domain: MaintenanceDomain,
    /// 代维公司编码
    #[serde(default)]
    pub contractor_code: Option<String>,
}

impl Validate for ElementInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        name(&mut p, "name", &self.name);
        optional_text(&mut p, "vendor", &self.vendor, NAME_MAX);
        optional_text(&mut p, "model", &self.model, NAME_MAX);
        code(&mut p, "site_code", &self.site_code);
        optional_code(&mut p, "contractor_code", &self.contractor_code);
        p.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Customers

/// 集团客户 an enterprise customer. The contact is confidential (domain.md §10): stored, masked
/// in listings unless asked for.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    /// 客户编码
    pub code: String,
    /// 客户名称
    pub name: String,
    /// 行业
    #[serde(default)]
    pub industry: String,
    /// 服务等级 (R-SL1); a change is kept in the grade history.
    pub grade: Grade,
    /// 客户经理
    #[serde(default)]
    pub account_manager: String,
    /// 联系人
    #[serde(default)]
    pub contact_name: String,
    /// 联系电话
    #[serde(default)]
    pub contact_phone: String,
    /// 区域编码
    #[serde(default)]
    pub region_code: Option<String>,
}

impl Validate for CustomerInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        name(&mut p, "name", &self.name);
        optional_text(&mut p, "industry", &self.industry, NAME_MAX);
        optional_text(&mut p, "account_manager", &self.account_manager, NAME_MAX);
        optional_text(&mut p, "contact_name", &self.contact_name, NAME_MAX);
        if !self.contact_phone.trim().is_empty() {
            p.check("contact_phone", check_phone(&self.contact_phone));
        }
        optional_region(&mut p, "region_code", &self.region_code);
        p.into_result()
    }
}

/// One period of a customer's service grade (R-SL3: grades change over time, reports need the
/// grade in force at the time).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradePeriod {
    pub grade: Grade,
    pub valid_from: DateTime<Utc>,
    /// `None` while the grade is in force.
    pub valid_to: Option<DateTime<Utc>>,
}

/// The grade in force at `at`, from a customer's history.
pub fn grade_at(history: &[GradePeriod], at: DateTime<Utc>) -> Option<Grade> {
    history
        .iter()
        .find(|p| p.valid_from <= at && p.valid_to.is_none_or(|to| at < to))
        .map(|p| p.grade)
}

// ---------------------------------------------------------------------------------------------
// Circuits

/// 专线 / 电路 an enterprise line, with the path it takes.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CircuitInput {
    /// 专线编号
    pub code: String,
    /// 客户编码
    pub customer_code: String,
    /// 业务类型 (R-BT)
    pub business_type: BusinessType,
    /// 范围
    pub scope: Scope,
    /// 带宽
    pub bandwidth: Bandwidth,
    /// A端
    pub a_end: String,
    /// Z端
    pub z_end: String,
    /// 保障等级 (R-SL2)
    pub assurance_level: AssuranceLevel,
    /// 状态; `active` when not given.
    #[serde(default = "default_circuit_status")]
    pub status: CircuitStatus,
    /// 区域编码
    #[serde(default)]
    pub region_code: Option<String>,
    /// 验收状态; `final_accepted` when not given. A line not finally accepted has its faults
    /// handled by the engineering department (seed 6.4.1), through its builder below.
    #[serde(default = "default_acceptance")]
    pub acceptance: Acceptance,
    /// 建设单位/项目经理 the project's builder (R-W1): who handles the faults of a line not
    /// finally accepted; required then.
    #[serde(default)]
    pub builder_name: String,
    /// 建设单位电话 the builder's phone.
    #[serde(default)]
    pub builder_phone: String,
    /// 路由: the ordered elements and segments the line crosses. On update, leaving it out keeps
    /// the path as it is; an empty list clears it.
    #[serde(default)]
    pub path: Option<Vec<HopInput>>,
}

fn default_circuit_status() -> CircuitStatus {
    CircuitStatus::Active
}

fn default_acceptance() -> Acceptance {
    Acceptance::FinalAccepted
}

impl Validate for CircuitInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        code(&mut p, "customer_code", &self.customer_code);
        p.check("a_end", check_text(&self.a_end, TEXT_MAX));
        p.check("z_end", check_text(&self.z_end, TEXT_MAX));
        optional_region(&mut p, "region_code", &self.region_code);
        optional_text(&mut p, "builder_name", &self.builder_name, NAME_MAX);
        // Seed 6.4.1: the faults of a line not finally accepted go to its builder, who must
        // therefore be known.
        if self.acceptance == Acceptance::NotFinalAccepted && self.builder_name.trim().is_empty() {
            p.add(
                "builder_name",
                "is required when acceptance is not_final_accepted (未终验): its faults go to the builder",
            );
        }
        if !self.builder_phone.trim().is_empty() {
            p.check("builder_phone", check_phone(&self.builder_phone));
        }
        if let Some(path) = &self.path {
            crate::path::validate_hops(path, &mut p);
        }
        p.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Contractors and their resources (§6)

/// 代维公司 a maintenance contractor, with the regions and domains of its contract.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContractorInput {
    /// 代维公司编码
    pub code: String,
    /// 代维公司名称
    pub name: String,
    /// 合同开始日期
    pub contract_start: NaiveDate,
    /// 合同结束日期
    pub contract_end: NaiveDate,
    /// 合同区域 (region codes, or names no other region has)
    #[serde(default)]
    pub region_codes: Vec<String>,
    /// 维护界面
    #[serde(default)]
    pub domains: Vec<MaintenanceDomain>,
}

impl Validate for ContractorInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        name(&mut p, "name", &self.name);
        if self.contract_end < self.contract_start {
            p.add("contract_end", "is before contract_start");
        }
        for (i, r) in self.region_codes.iter().enumerate() {
            region(&mut p, &format!("region_codes[{i}]"), r);
        }
        p.into_result()
    }
}

/// 代维人员 a contractor's technician (R-S2..R-S4, R-S8).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StaffInput {
    /// 工号
    pub code: String,
    /// 姓名
    pub name: String,
    /// 代维公司编码
    pub contractor_code: String,
    /// 区域: the region's code, or its name when no other region has it
    pub region_code: String,
    /// 学历
    pub education: Education,
    /// 专业
    #[serde(default)]
    pub major: String,
    /// 工作年限
    #[serde(default)]
    pub years_experience: u8,
    /// 核心网维护年限 (R-S3)
    #[serde(default)]
    pub years_core_network: u8,
    /// 证书
    #[serde(default)]
    pub certificates: Vec<Certificate>,
    /// 培训等级 (R-S8)
    pub training_level: TrainingLevel,
    /// 联系电话
    #[serde(default)]
    pub phone: String,
}

impl Validate for StaffInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        name(&mut p, "name", &self.name);
        code(&mut p, "contractor_code", &self.contractor_code);
        region(&mut p, "region_code", &self.region_code);
        optional_text(&mut p, "major", &self.major, NAME_MAX);
        if self.years_experience > 60 {
            p.add("years_experience", "must be at most 60");
        }
        if self.years_core_network > self.years_experience {
            p.add("years_core_network", "cannot exceed years_experience");
        }
        if !self.phone.trim().is_empty() {
            p.check("phone", check_phone(&self.phone));
        }
        p.into_result()
    }
}

/// 仪器仪表 an instrument or tool of a contractor (R-S6, R-S7).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InstrumentInput {
    /// 资产编号
    pub code: String,
    pub kind: InstrumentKind,
    pub contractor_code: String,
    pub region_code: String,
    /// 持有人工号
    #[serde(default)]
    pub holder_code: Option<String>,
    #[serde(default = "default_asset_status")]
    pub status: AssetStatus,
}

fn default_asset_status() -> AssetStatus {
    AssetStatus::InService
}

impl Validate for InstrumentInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        code(&mut p, "contractor_code", &self.contractor_code);
        region(&mut p, "region_code", &self.region_code);
        optional_code(&mut p, "holder_code", &self.holder_code);
        p.into_result()
    }
}

/// 车辆 a contractor's vehicle (R-S6: one emergency repair vehicle per city).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VehicleInput {
    /// 车牌号
    pub code: String,
    pub kind: VehicleKind,
    pub contractor_code: String,
    pub region_code: String,
    #[serde(default = "default_asset_status")]
    pub status: AssetStatus,
}

impl Validate for VehicleInput {
    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut p = Problems::default();
        code(&mut p, "code", &self.code);
        code(&mut p, "contractor_code", &self.contractor_code);
        region(&mut p, "region_code", &self.region_code);
        p.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn customer() -> CustomerInput {
        CustomerInput {
            code: "C001".into(),
            name: "市第一人民医院".into(),
            industry: "医疗".into(),
            grade: Grade::Gold,
            account_manager: "王经理".into(),
            contact_name: "张伟".into(),
            contact_phone: "13812345678".into(),
            region_code: Some("GZ".into()),
        }
    }

    #[test]
    fn a_good_customer_passes_and_a_bad_one_names_every_field() {
        assert!(customer().validate().is_ok());
        let bad = CustomerInput {
            code: "C 1".into(),
            name: " ".into(),
            contact_phone: "abc".into(),
            ..customer()
        };
        let fields: Vec<String> = bad
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["code", "name", "contact_phone"]);
    }

    #[test]
    fn unknown_json_fields_are_refused() {
        let err = serde_json::from_str::<CustomerInput>(
            r#"{"code":"C1","name":"x","grade":"gold","colour":"red"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn region_levels_need_the_right_parent() {
        let city = RegionInput {
            code: "GZ".into(),
            name: "广州".into(),
            level: RegionLevel::City,
            parent_code: None,
        };
        assert_eq!(
            city.validate().unwrap_err()[0].reason,
            "a city needs a parent province"
        );
        let province = RegionInput {
            level: RegionLevel::Province,
            parent_code: Some("X".into()),
            ..city
        };
        assert_eq!(province.validate().unwrap_err()[0].field, "parent_code");
    }

    #[test]
    fn staff_core_years_cannot_exceed_experience() {
        let s = StaffInput {
            code: "S1".into(),
            name: "李工".into(),
            contractor_code: "CT1".into(),
            region_code: "GZ".into(),
            education: Education::College,
            major: "通信".into(),
            years_experience: 2,
            years_core_network: 3,
            certificates: vec![],
            training_level: TrainingLevel::Junior,
            phone: String::new(),
        };
        assert_eq!(s.validate().unwrap_err()[0].field, "years_core_network");
    }

    #[test]
    fn contract_end_must_not_precede_start() {
        let c = ContractorInput {
            code: "CT1".into(),
            name: "某代维公司".into(),
            contract_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            contract_end: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            region_codes: vec![],
            domains: vec![],
        };
        assert_eq!(c.validate().unwrap_err()[0].field, "contract_end");
    }

    #[test]
    fn grade_history_answers_the_grade_at_a_time() {
        let t = |d| Utc.with_ymd_and_hms(2025, 1, d, 0, 0, 0).unwrap();
        let history = vec![
            GradePeriod {
                grade: Grade::Silver,
                valid_from: t(1),
                valid_to: Some(t(10)),
            },
            GradePeriod {
                grade: Grade::Gold,
                valid_from: t(10),
                valid_to: None,
            },
        ];
        assert_eq!(grade_at(&history, t(5)), Some(Grade::Silver));
        assert_eq!(grade_at(&history, t(10)), Some(Grade::Gold));
        assert_eq!(grade_at(&history, t(30)), Some(Grade::Gold));
        assert_eq!(
            grade_at(&history, Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()),
            None
        );
    }
}
