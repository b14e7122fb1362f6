//! The columns of the nine kinds and how a row becomes an input and back.

use jike_domain::{
    format_path, join_codes, Acceptance, AssetStatus, CircuitInput, CircuitStatus, ContractorInput,
    CustomerInput, ElementInput, InstrumentInput, RegionInput, SiteInput, StaffInput, VehicleInput,
    Vocabulary,
};

use crate::cells::{Cells, Fields};
use crate::{Column, Kind, RowError, Sheet};

/// A column that must be in the file.
const fn required(field: &'static str, zh: &'static str, en: &'static str) -> Column {
    Column {
        field,
        zh,
        en,
        aliases: &[],
        required: true,
        numeric: false,
    }
}

/// A column that may be left out of the file.
const fn optional(field: &'static str, zh: &'static str, en: &'static str) -> Column {
    Column {
        required: false,
        ..required(field, zh, en)
    }
}

const fn aliases(column: Column, aliases: &'static [&'static str]) -> Column {
    Column { aliases, ..column }
}

const fn numeric(column: Column) -> Column {
    Column {
        numeric: true,
        ..column
    }
}

/// The 区域 column: the input field is `region_code`, the header `region` (`region_code` is
/// accepted too). The cell is a region's code or its name when no other region has that name.
const fn region(required_column: bool) -> Column {
    let c = if required_column {
        required("region_code", "区域", "region")
    } else {
        optional("region_code", "区域", "region")
    };
    aliases(c, &["region_code", "区域编码"])
}

/// The 代维公司 column: the field is `contractor_code`, the header `contractor`.
const fn contractor(required_column: bool) -> Column {
    let c = if required_column {
        required("contractor_code", "代维公司", "contractor")
    } else {
        optional("contractor_code", "代维公司", "contractor")
    };
    aliases(c, &["contractor_code", "代维公司编码"])
}

fn code_of(v: impl Vocabulary) -> String {
    v.code().to_string()
}

// ---------------------------------------------------------------------------------------------
// Customers

static CUSTOMER_COLUMNS: [Column; 8] = [
    required("code", "客户编码", "code"),
    required("name", "客户名称", "name"),
    optional("industry", "行业", "industry"),
    aliases(
        required("grade", "服务等级", "grade"),
        &["客户等级", "客户服务等级"],
    ),
    optional("account_manager", "客户经理", "account_manager"),
    optional("contact_name", "联系人", "contact_name"),
    optional("contact_phone", "联系电话", "contact_phone"),
    region(false),
];

/// 客户: 客户编码, 客户名称, 行业, 服务等级 (R-SL1), 客户经理, 联系人, 联系电话, 区域.
impl Sheet for CustomerInput {
    const KIND: Kind = Kind::Customers;

    fn columns() -> &'static [Column] {
        &CUSTOMER_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = CustomerInput {
            code: f.text("code"),
            name: f.text("name"),
            industry: f.text("industry"),
            grade: f.vocab("grade", None),
            account_manager: f.text("account_manager"),
            contact_name: f.text("contact_name"),
            contact_phone: f.text("contact_phone"),
            region_code: f.optional("region_code"),
        };
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            self.industry.clone(),
            code_of(self.grade),
            self.account_manager.clone(),
            self.contact_name.clone(),
            self.contact_phone.clone(),
            self.region_code.clone().unwrap_or_default(),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

// ---------------------------------------------------------------------------------------------
// Circuits

const CIRCUIT_PATH: usize = 10;

static CIRCUIT_COLUMNS: [Column; 14] = [
    aliases(
        required("code", "专线编号", "code"),
        &["电路编号", "专线编码"],
    ),
    required("customer_code", "客户编码", "customer_code"),
    aliases(
        required("business_type", "业务类型", "business_type"),
        &["业务种类"],
    ),
    required("scope", "范围", "scope"),
    required("bandwidth", "带宽", "bandwidth"),
    required("a_end", "A端", "a_end"),
    required("z_end", "Z端", "z_end"),
    aliases(
        required("assurance_level", "保障等级", "assurance_level"),
        &["业务保障等级"],
    ),
    region(false),
    optional("status", "状态", "status"),
    optional("path", "路由", "path"),
    optional("acceptance", "验收状态", "acceptance"),
    aliases(
        optional("builder_name", "建设单位", "builder_name"),
        &["项目经理", "建设单位/项目经理"],
    ),
    optional("builder_phone", "建设单位电话", "builder_phone"),
];

/// 专线: 专线编号, 客户编码, 业务类型 (R-BT), 范围, 带宽, A端, Z端, 保障等级 (R-SL2), 区域, 状态
/// (`active` when empty), 路由 (the one-line path notation of [`jike_domain::path`]; without the
/// column the stored path is kept, an empty cell clears it).
impl Sheet for CircuitInput {
    const KIND: Kind = Kind::Circuits;

    fn columns() -> &'static [Column] {
        &CIRCUIT_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = CircuitInput {
            code: f.text("code"),
            customer_code: f.text("customer_code"),
            business_type: f.vocab("business_type", None),
            scope: f.vocab("scope", None),
            bandwidth: f.bandwidth("bandwidth"),
            a_end: f.text("a_end"),
            z_end: f.text("z_end"),
            assurance_level: f.vocab("assurance_level", None),
            status: f.vocab("status", Some(CircuitStatus::Active)),
            region_code: f.optional("region_code"),
            acceptance: f.vocab("acceptance", Some(Acceptance::FinalAccepted)),
            builder_name: f.text("builder_name"),
            builder_phone: f.text("builder_phone"),
            path: None,
        };
        // `parse_path` has already checked the hops (`validate_hops`): validating them again
        // would only cost time on large imports.
        let path = f.path("path");
        f.finish(record)
            .map(|record| CircuitInput { path, ..record })
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.customer_code.clone(),
            code_of(self.business_type),
            code_of(self.scope),
            self.bandwidth.to_string(),
            self.a_end.clone(),
            self.z_end.clone(),
            code_of(self.assurance_level),
            self.region_code.clone().unwrap_or_default(),
            code_of(self.status),
            self.path.as_deref().map(format_path).unwrap_or_default(),
            code_of(self.acceptance),
            self.builder_name.clone(),
            self.builder_phone.clone(),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }

    fn is_absent(&self, index: usize) -> bool {
        index == CIRCUIT_PATH && self.path.is_none()
    }
}

// ---------------------------------------------------------------------------------------------
// Sites

static SITE_COLUMNS: [Column; 7] = [
    required("code", "站点编码", "code"),
    required("name", "站点名称", "name"),
    required("kind", "站点类型", "kind"),
    optional("address", "地址", "address"),
    region(true),
    numeric(optional("longitude", "经度", "longitude")),
    numeric(optional("latitude", "纬度", "latitude")),
];

/// 站点: 站点编码, 站点名称, 站点类型, 地址, 区域, 经度, 纬度.
impl Sheet for SiteInput {
    const KIND: Kind = Kind::Sites;

    fn columns() -> &'static [Column] {
        &SITE_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = SiteInput {
            code: f.text("code"),
            name: f.text("name"),
            kind: f.vocab("kind", None),
            address: f.text("address"),
            region_code: f.text("region_code"),
            longitude: f.decimal("longitude"),
            latitude: f.decimal("latitude"),
        };
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            code_of(self.kind),
            self.address.clone(),
            self.region_code.clone(),
            self.longitude.map(|v| v.to_string()).unwrap_or_default(),
            self.latitude.map(|v| v.to_string()).unwrap_or_default(),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

// ---------------------------------------------------------------------------------------------
// Network elements

static ELEMENT_COLUMNS: [Column; 10] = [
    required("code", "网元编码", "code"),
    required("name", "网元名称", "name"),
    required("element_type", "网元类型", "type"),
    optional("vendor", "厂家", "vendor"),
    optional("model", "型号", "model"),
    aliases(
        optional("management_ip", "管理地址", "management_ip"),
        &["管理IP", "IP地址"],
    ),
    aliases(
        required("site_code", "站点编码", "site_code"),
        &["所在站点"],
    ),
    required("owner", "产权", "owner"),
    aliases(required("domain", "维护界面", "domain"), &["维护域"]),
    contractor(false),
];

/// 网元: 网元编码, 网元名称, 网元类型, 厂家, 型号, 管理地址, 站点编码, 产权, 维护界面
/// (R-MD1..R-MD5), 代维公司.
impl Sheet for ElementInput {
    const KIND: Kind = Kind::Elements;

    fn columns() -> &'static [Column] {
        &ELEMENT_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = ElementInput {
            code: f.text("code"),
            name: f.text("name"),
            element_type: f.vocab("element_type", None),
            vendor: f.text("vendor"),
            model: f.text("model"),
            management_ip: f.ip("management_ip"),
            site_code: f.text("site_code"),
            owner: f.vocab("owner", None),
            domain: f.vocab("domain", None),
            contractor_code: f.optional("contractor_code"),
        };
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            code_of(self.element_type),
            self.vendor.clone(),
            self.model.clone(),
            self.management_ip
                .map(|ip| ip.to_string())
                .unwrap_or_default(),
            self.site_code.clone(),
            code_of(self.owner),
            code_of(self.domain),
            self.contractor_code.clone().unwrap_or_default(),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

// ---------------------------------------------------------------------------------------------
// Staff

static STAFF_COLUMNS: [Column; 11] = [
    required("code", "工号", "code"),
    required("name", "姓名", "name"),
    contractor(true),
    region(true),
    required("education", "学历", "education"),
    optional("major", "专业", "major"),
    numeric(optional("years_experience", "工作年限", "years_experience")),
    numeric(aliases(
        optional("years_core_network", "核心网年限", "years_core_network"),
        &["核心网维护年限"],
    )),
    optional("certificates", "证书", "certificates"),
    required("training_level", "培训等级", "training_level"),
    optional("phone", "联系电话", "phone"),
];

/// 代维人员: 工号, 姓名, 代维公司, 区域, 学历 (R-S4), 专业, 工作年限, 核心网年限 (R-S3), 证书
/// (R-S2, R-S3; a list), 培训等级 (R-S8), 联系电话.
impl Sheet for StaffInput {
    const KIND: Kind = Kind::Staff;

    fn columns() -> &'static [Column] {
        &STAFF_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = StaffInput {
            code: f.text("code"),
            name: f.text("name"),
            contractor_code: f.text("contractor_code"),
            region_code: f.text("region_code"),
            education: f.vocab("education", None),
            major: f.text("major"),
            years_experience: f.small_number("years_experience"),
            years_core_network: f.small_number("years_core_network"),
            certificates: f.list("certificates"),
            training_level: f.vocab("training_level", None),
            phone: f.text("phone"),
        };
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            self.contractor_code.clone(),
            self.region_code.clone(),
            code_of(self.education),
            self.major.clone(),
            self.years_experience.to_string(),
            self.years_core_network.to_string(),
            join_codes(&self.certificates, ","),
            code_of(self.training_level),
            self.phone.clone(),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

// ---------------------------------------------------------------------------------------------
// Regions

static REGION_COLUMNS: [Column; 4] = [
    required("code", "区域编码", "code"),
    required("name", "区域名称", "name"),
    aliases(required("level", "级别", "level"), &["区域级别", "层级"]),
    aliases(
        optional("parent_code", "上级区域", "parent"),
        &["上级区域编码", "上级", "parent_code"],
    ),
];

/// 区域: 区域编码, 区域名称, 级别 (省 市 区县 网格), 上级区域 (a code, or a name no other region
/// has; required below province).
impl Sheet for RegionInput {
    const KIND: Kind = Kind::Regions;

    fn columns() -> &'static [Column] {
        &REGION_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = RegionInput {
            code: f.text("code"),
            name: f.text("name"),
            level: f.vocab("level", None),
            parent_code: f.optional("parent_code"),
        };
        f.depends("parent_code", "level");
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            code_of(self.level),
            self.parent_code.clone().unwrap_or_default(),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

// ---------------------------------------------------------------------------------------------
// Contractors

static CONTRACTOR_COLUMNS: [Column; 6] = [
    aliases(required("code", "代维公司编码", "code"), &["代维单位编码"]),
    aliases(required("name", "代维公司名称", "name"), &["代维单位"]),
    aliases(
        required("contract_start", "合同开始日期", "contract_start"),
        &["合同开始"],
    ),
    aliases(
        required("contract_end", "合同结束日期", "contract_end"),
        &["合同结束"],
    ),
    aliases(
        optional("region_codes", "合同区域", "regions"),
        &["区域", "region_codes"],
    ),
    aliases(optional("domains", "维护界面", "domains"), &["维护域"]),
];

/// 代维公司: 代维公司编码, 代维公司名称, 合同开始日期, 合同结束日期, 合同区域 (regions by code or
/// unique name, a list), 维护界面 (R-MD; a list).
impl Sheet for ContractorInput {
    const KIND: Kind = Kind::Contractors;

    fn columns() -> &'static [Column] {
        &CONTRACTOR_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = ContractorInput {
            code: f.text("code"),
            name: f.text("name"),
            contract_start: f.date("contract_start"),
            contract_end: f.date("contract_end"),
            region_codes: f.texts("region_codes"),
            domains: f.list("domains"),
        };
        f.depends("contract_end", "contract_start");
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            self.name.clone(),
            self.contract_start.to_string(),
            self.contract_end.to_string(),
            self.region_codes.join(","),
            join_codes(&self.domains, ","),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

// ---------------------------------------------------------------------------------------------
// Instruments

static INSTRUMENT_COLUMNS: [Column; 6] = [
    aliases(required("code", "资产编号", "code"), &["仪器编号"]),
    aliases(required("kind", "仪器类型", "kind"), &["仪表类型", "类型"]),
    contractor(true),
    region(true),
    aliases(
        optional("holder_code", "持有人", "holder"),
        &["持有人工号", "holder_code"],
    ),
    aliases(optional("status", "状态", "status"), &["资产状态"]),
];

/// 仪器仪表: 资产编号, 仪器类型 (R-S6, R-S7), 代维公司, 区域, 持有人 (a staff member's 工号), 状态
/// (`in_service` when empty).
impl Sheet for InstrumentInput {
    const KIND: Kind = Kind::Instruments;

    fn columns() -> &'static [Column] {
        &INSTRUMENT_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = InstrumentInput {
            code: f.text("code"),
            kind: f.vocab("kind", None),
            contractor_code: f.text("contractor_code"),
            region_code: f.text("region_code"),
            holder_code: f.optional("holder_code"),
            status: f.vocab("status", Some(AssetStatus::InService)),
        };
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            code_of(self.kind),
            self.contractor_code.clone(),
            self.region_code.clone(),
            self.holder_code.clone().unwrap_or_default(),
            code_of(self.status),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

// ---------------------------------------------------------------------------------------------
// Vehicles

static VEHICLE_COLUMNS: [Column; 5] = [
    aliases(required("code", "车牌号", "code"), &["车牌号码", "车牌"]),
    aliases(required("kind", "车辆类型", "kind"), &["类型"]),
    contractor(true),
    region(true),
    aliases(optional("status", "状态", "status"), &["资产状态"]),
];

/// 车辆: 车牌号, 车辆类型 (R-S6), 代维公司, 区域, 状态 (`in_service` when empty).
impl Sheet for VehicleInput {
    const KIND: Kind = Kind::Vehicles;

    fn columns() -> &'static [Column] {
        &VEHICLE_COLUMNS
    }

    fn from_cells(cells: &Cells<'_>) -> Result<Self, Vec<RowError>> {
        let mut f = Fields::new(cells);
        let record = VehicleInput {
            code: f.text("code"),
            kind: f.vocab("kind", None),
            contractor_code: f.text("contractor_code"),
            region_code: f.text("region_code"),
            status: f.vocab("status", Some(AssetStatus::InService)),
        };
        f.finish(record)
    }

    fn to_cells(&self) -> Vec<String> {
        vec![
            self.code.clone(),
            code_of(self.kind),
            self.contractor_code.clone(),
            self.region_code.clone(),
            code_of(self.status),
        ]
    }

    fn natural_key(&self) -> &str {
        &self.code
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HeaderLang;

    fn check<T: Sheet>() {
        let columns = T::columns();
        assert!(columns.len() <= 64);
        assert_eq!(
            columns[0].field,
            "code",
            "{}: the natural key comes first",
            T::KIND
        );
        // No header, field or alias names two columns.
        for (i, a) in columns.iter().enumerate() {
            for b in &columns[i + 1..] {
                for name in [a.zh, a.en, a.field].iter().chain(a.aliases) {
                    assert!(!b.matches(name), "{}: '{name}' names two columns", T::KIND);
                }
            }
        }
    }

    #[test]
    fn every_header_names_one_column() {
        check::<CustomerInput>();
        check::<CircuitInput>();
        check::<SiteInput>();
        check::<ElementInput>();
        check::<StaffInput>();
        check::<RegionInput>();
        check::<ContractorInput>();
        check::<InstrumentInput>();
        check::<VehicleInput>();
    }

    #[test]
    fn path_column_index_is_the_path() {
        assert_eq!(CIRCUIT_COLUMNS[CIRCUIT_PATH].field, "path");
        assert_eq!(
            crate::column_label::<CircuitInput>("path", HeaderLang::Chinese),
            Some("路由")
        );
    }
}
