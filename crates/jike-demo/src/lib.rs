//! 演示数据: the deterministic demo dataset behind `jike demo [--scale N]` and
//! `jike serve --demo`.
//!
//! One invented city, 港州市 (code `GZ`) in 南粤省 (`NY`), with six districts and counties
//! (临江区, 东山区, 新港区, 花城区, 南湖区, 青溪县) and grids (网格) under each. Three maintenance
//! contractors (代维公司) split the city by area, two counties each, for every maintenance domain
//! (综合代维, R-MD1..R-MD5):
//!
//! | code | name | counties |
//! | --- | --- | --- |
//! | `CT01` | 南粤通服技术有限公司 | 临江区, 东山区 |
//! | `CT02` | 港州华讯网络工程有限公司 | 新港区, 花城区 |
//! | `CT03` | 粤海信通建设有限公司 | 南湖区, 青溪县 |
//!
//! Sizes at scale N (the province, the city, the six counties and the three contractors stay):
//!
//! | kind | per scale unit | layout |
//! | --- | --- | --- |
//! | grids | 24 | 4 per county |
//! | sites | 312 | 13 per grid: 1 aggregation machine room, 5 base stations, 2 access points, 5 customer buildings |
//! | elements | 3,048 | 127 per grid, see [`Demo::element`] |
//! | customers | 400 | ~17 per grid, ten industries, all five grades |
//! | circuits | 3,000 | every customer has one; the rest go mostly to important customers |
//! | staff | 180 | 60 per contractor, 30 per county |
//!
//! so that scale 334 gives 1,002,000 circuits.
//!
//! The module is pure: item `i` of any kind is computed on its own from a small hash of
//! (kind, index, salt) (splitmix64), so the store can stream a million circuits without this
//! module building any list. Calling the same function twice gives the same item.
//!
//! **Deliberate shortfall**: `CT03` (粤海信通) has only 45 % of its staff with a bachelor's degree
//! or higher, below the 60 % of R-S4, so the compliance views have something to show. `CT01`
//! (70 %) and `CT02` (65 %) comply. Every other staffing rule (R-S2, R-S3, R-S6) is met.

pub mod orders;

pub use orders::{day_of_orders, DemoOrder, DEMO_TECHNICIAN};

use std::net::{IpAddr, Ipv4Addr};

use chrono::NaiveDate;

use jike_domain::inventory::{
    CircuitInput, ContractorInput, CustomerInput, ElementInput, InstrumentInput, RegionInput,
    SiteInput, StaffInput, VehicleInput,
};
use jike_domain::path::HopInput;
use jike_domain::values::Bandwidth;
use jike_domain::vocab::{
    Acceptance, AssetStatus, AssuranceLevel, BusinessType, Certificate, CircuitStatus, Education,
    ElementType, Grade, InstrumentKind, MaintenanceDomain, Owner, RegionLevel, Scope, SiteKind,
    TrainingLevel, VehicleKind, Vocabulary,
};

// ---------------------------------------------------------------------------------------------
// The fixed frame: province, city, counties, contractors

const PROVINCE_CODE: &str = "NY";
const PROVINCE_NAME: &str = "南粤省";
const CITY_CODE: &str = "GZ";
const CITY_NAME: &str = "港州市";
const CITY_SHORT: &str = "港州";

struct County {
    code: &'static str,
    name: &'static str,
    short: &'static str,
    lon: f64,
    lat: f64,
}

const COUNTIES: [County; 6] = [
    County {
        code: "GZ-LJ",
        name: "临江区",
        short: "临江",
        lon: 113.264,
        lat: 23.129,
    },
    County {
        code: "GZ-DS",
        name: "东山区",
        short: "东山",
        lon: 113.318,
        lat: 23.138,
    },
    County {
        code: "GZ-XG",
        name: "新港区",
        short: "新港",
        lon: 113.452,
        lat: 23.103,
    },
    County {
        code: "GZ-HC",
        name: "花城区",
        short: "花城",
        lon: 113.362,
        lat: 23.215,
    },
    County {
        code: "GZ-NH",
        name: "南湖区",
        short: "南湖",
        lon: 113.298,
        lat: 23.046,
    },
    County {
        code: "GZ-QX",
        name: "青溪县",
        short: "青溪",
        lon: 113.586,
        lat: 23.548,
    },
];

struct Firm {
    code: &'static str,
    name: &'static str,
    /// The letter of its plates (粤A + letter + four digits).
    plate: char,
    /// Staff with a bachelor's degree or higher, out of every 20 (R-S4 wants 12).
    bachelor_per_20: usize,
}

const CONTRACTORS: [Firm; 3] = [
    Firm {
        code: "CT01",
        name: "南粤通服技术有限公司",
        plate: 'K',
        bachelor_per_20: 14,
    },
    Firm {
        code: "CT02",
        name: "港州华讯网络工程有限公司",
        plate: 'M',
        bachelor_per_20: 13,
    },
    Firm {
        code: "CT03",
        name: "粤海信通建设有限公司",
        plate: 'R',
        bachelor_per_20: 9,
    },
];

/// Counties per contractor: contractor `k` covers counties `2k` and `2k + 1`.
const COUNTIES_PER_CONTRACTOR: usize = 2;

// ---------------------------------------------------------------------------------------------
// Sizes per scale unit

const GRIDS_PER_COUNTY: usize = 4;
const SITES_PER_GRID: usize = 13;
const ELEMENTS_PER_GRID: usize = 127;
const CUSTOMERS_PER_SCALE: usize = 400;
const CIRCUITS_PER_SCALE: usize = 3000;
const STAFF_PER_CONTRACTOR: usize = 60;

/// Site positions in a grid: 0 the aggregation machine room, 1..=5 base stations, 6..=7 access
/// points, 8..=12 customer buildings.
const FIRST_BASE_STATION: usize = 1;
const BASE_STATIONS: usize = 5;
const FIRST_ACCESS_POINT: usize = 6;
const ACCESS_POINTS: usize = 2;
const FIRST_PREMISES: usize = 8;
const PREMISES: usize = 5;

// ---------------------------------------------------------------------------------------------
// Element layout of a grid

type Models = &'static [(&'static str, &'static str)];

#[derive(Clone, Copy)]
struct Spec {
    ty: ElementType,
    abbr: &'static str,
    domain: MaintenanceDomain,
    owner: Owner,
    /// Has a management address.
    managed: bool,
    /// Customer-side equipment: the model varies per item; otherwise one vendor per county.
    cpe: bool,
    models: Models,
}

const PTN_CORE: Models = &[
    ("华为", "OptiX PTN 3900"),
    ("中兴", "ZXCTN 9004"),
    ("烽火", "CiTRANS 680"),
];
const PTN_EDGE: Models = &[
    ("华为", "OptiX PTN 960"),
    ("中兴", "ZXCTN 6150"),
    ("烽火", "CiTRANS 640"),
];
const IPRAN_CORE: Models = &[
    ("华为", "CX600-X8"),
    ("中兴", "ZXCTN 9000-8E"),
    ("烽火", "CiTRANS R880"),
];
const IPRAN_EDGE: Models = &[
    ("华为", "ATN 910C"),
    ("中兴", "ZXCTN 6180H"),
    ("烽火", "CiTRANS R820"),
];
const OLT_MODELS: Models = &[
    ("华为", "MA5800-X17"),
    ("中兴", "ZXA10 C600"),
    ("烽火", "AN6000-17"),
];
const WDM_MODELS: Models = &[
    ("华为", "OptiX OSN 8800"),
    ("中兴", "ZXONE 9700"),
    ("烽火", "FONST 5000"),
];
const MSTP_MODELS: Models = &[
    ("华为", "OptiX OSN 3500"),
    ("中兴", "ZXMP S385"),
    ("烽火", "CiTRANS 660"),
];
const SWITCH_MODELS: Models = &[
    ("华为", "S5735-L48T4X"),
    ("新华三", "S5130S-52P"),
    ("锐捷", "RG-S5750"),
];
const ODF_MODELS: Models = &[
    ("华脉", "ODF-144芯"),
    ("烽火", "GPX-144"),
    ("日海", "ODF-288芯"),
];
const POWER_MODELS: Models = &[
    ("维谛", "NetSure 701"),
    ("中恒", "DUM-48/50H"),
    ("动力源", "DKD51"),
];
const ONU_MODELS: Models = &[
    ("华为", "EchoLife HG8321R"),
    ("中兴", "ZXHN F663N"),
    ("烽火", "HG6143D"),
];
const CONVERTER_MODELS: Models = &[
    ("瑞斯康达", "RC831-120-FE"),
    ("烽火", "OC-4E1"),
    ("华环", "H0FL-04"),
];
const ROUTER_MODELS: Models = &[
    ("华为", "AR6140-9G-2AC"),
    ("华为", "AR1220E"),
    ("新华三", "MSR2630"),
    ("中兴", "ZXR10 1800-2S"),
];
const FIREWALL_MODELS: Models = &[
    ("华为", "USG6330E"),
    ("深信服", "AF-1000-B1300"),
    ("新华三", "SecPath F1000"),
];
const IAD_MODELS: Models = &[
    ("华为", "eSpace IAD132E"),
    ("中兴", "ZXV10 I508C"),
    ("新华三", "VG 20-08"),
];
const PBX_MODELS: Models = &[
    ("华为", "eSpace U1960"),
    ("Avaya", "IP Office 500"),
    ("松下", "KX-TDA600"),
];
const VIDEO_MODELS: Models = &[
    ("华为", "TE30"),
    ("宝利通", "Group 500"),
    ("中兴", "ZXV10 ET312"),
];

const fn spec(
    ty: ElementType,
    abbr: &'static str,
    domain: MaintenanceDomain,
    managed: bool,
    models: Models,
) -> Spec {
    Spec {
        ty,
        abbr,
        domain,
        owner: Owner::Operator,
        managed,
        cpe: false,
        models,
    }
}

const fn cpe(ty: ElementType, abbr: &'static str, models: Models) -> Spec {
    Spec {
        ty,
        abbr,
        domain: MaintenanceDomain::CustomerTerminal,
        owner: Owner::Operator,
        managed: true,
        cpe: true,
        models,
    }
}

use MaintenanceDomain::{Aggregation, EnterpriseAccess, TransmissionAccess};

/// The aggregation machine room (汇聚机房): R-MD1 equipment, with the ODF outside it (R-MD1: the
/// ODF and everything outside belong to others).
const MACHINE_ROOM: [Spec; 12] = [
    spec(ElementType::Ptn, "PTN", Aggregation, true, PTN_CORE),
    spec(ElementType::Ptn, "PTN", Aggregation, true, PTN_CORE),
    spec(ElementType::Ipran, "IPRAN", Aggregation, true, IPRAN_CORE),
    spec(ElementType::Ipran, "IPRAN", Aggregation, true, IPRAN_CORE),
    spec(ElementType::Olt, "OLT", Aggregation, true, OLT_MODELS),
    spec(ElementType::Olt, "OLT", Aggregation, true, OLT_MODELS),
    spec(ElementType::Wdm, "WDM", Aggregation, true, WDM_MODELS),
    spec(ElementType::Mstp, "MSTP", Aggregation, true, MSTP_MODELS),
    spec(ElementType::Switch, "SW", Aggregation, true, SWITCH_MODELS),
    spec(
        ElementType::Odf,
        "ODF",
        TransmissionAccess,
        false,
        ODF_MODELS,
    ),
    spec(
        ElementType::Odf,
        "ODF",
        TransmissionAccess,
        false,
        ODF_MODELS,
    ),
    spec(ElementType::Power, "PWR", Aggregation, false, POWER_MODELS),
];

/// A base station (基站): its transport equipment is the aggregation domain (R-MD2 starts below it).
const BASE_STATION: [Spec; 4] = [
    spec(ElementType::Ptn, "PTN", Aggregation, true, PTN_EDGE),
    spec(ElementType::Ipran, "IPRAN", Aggregation, true, IPRAN_EDGE),
    spec(
        ElementType::Odf,
        "ODF",
        TransmissionAccess,
        false,
        ODF_MODELS,
    ),
    spec(ElementType::Power, "PWR", Aggregation, false, POWER_MODELS),
];

/// An access point (综合业务接入点): the OLT is aggregation (R-MD1), the rest enterprise access
/// equipment in the access-point room (R-MD4 part 1).
const ACCESS_POINT: [Spec; 5] = [
    spec(ElementType::Olt, "OLT", Aggregation, true, OLT_MODELS),
    spec(ElementType::Ptn, "PTN", EnterpriseAccess, true, PTN_EDGE),
    spec(
        ElementType::Mstp,
        "MSTP",
        EnterpriseAccess,
        true,
        MSTP_MODELS,
    ),
    spec(
        ElementType::Odf,
        "ODF",
        TransmissionAccess,
        false,
        ODF_MODELS,
    ),
    spec(
        ElementType::Power,
        "PWR",
        EnterpriseAccess,
        false,
        POWER_MODELS,
    ),
];

/// A customer building (客户机房): customer-side terminals (R-MD5); the PBX is the customer's own.
const PREMISES_ROOM: [Spec; 17] = [
    cpe(ElementType::Onu, "ONU", ONU_MODELS),
    cpe(ElementType::Onu, "ONU", ONU_MODELS),
    cpe(ElementType::Onu, "ONU", ONU_MODELS),
    cpe(ElementType::Onu, "ONU", ONU_MODELS),
    cpe(ElementType::ProtocolConverter, "PCV", CONVERTER_MODELS),
    cpe(ElementType::ProtocolConverter, "PCV", CONVERTER_MODELS),
    cpe(ElementType::ProtocolConverter, "PCV", CONVERTER_MODELS),
    cpe(ElementType::Router, "RT", ROUTER_MODELS),
    cpe(ElementType::Router, "RT", ROUTER_MODELS),
    cpe(ElementType::Router, "RT", ROUTER_MODELS),
    cpe(ElementType::Router, "RT", ROUTER_MODELS),
    cpe(ElementType::Switch, "SW", SWITCH_MODELS),
    cpe(ElementType::Switch, "SW", SWITCH_MODELS),
    cpe(ElementType::Firewall, "FW", FIREWALL_MODELS),
    cpe(ElementType::Iad, "IAD", IAD_MODELS),
    Spec {
        ty: ElementType::Pbx,
        abbr: "PBX",
        domain: MaintenanceDomain::CustomerTerminal,
        owner: Owner::Customer,
        managed: false,
        cpe: true,
        models: PBX_MODELS,
    },
    cpe(ElementType::VideoTerminal, "VT", VIDEO_MODELS),
];

// Positions in the layouts above that paths use.
const MR_PTN: usize = 0;
const MR_IPRAN: usize = 2;
const MR_MSTP: usize = 7;
const BS_PTN: usize = 0;
const BS_IPRAN: usize = 1;
const BS_ODF: usize = 2;
const AP_OLT: usize = 0;
const AP_PTN: usize = 1;
const AP_MSTP: usize = 2;
const AP_ODF: usize = 3;
const CP_ONU: usize = 0;
const CP_CONVERTER: usize = 4;
const CP_ROUTER: usize = 7;
const CP_FIREWALL: usize = 13;
const CP_IAD: usize = 14;
const CP_PBX: usize = 15;
const CP_VIDEO: usize = 16;

/// The layout of the sites of a grid, in element order.
const fn site_specs(local: usize) -> &'static [Spec] {
    match local {
        0 => &MACHINE_ROOM,
        FIRST_BASE_STATION..FIRST_ACCESS_POINT => &BASE_STATION,
        FIRST_ACCESS_POINT..FIRST_PREMISES => &ACCESS_POINT,
        _ => &PREMISES_ROOM,
    }
}

/// Where the elements of site `local` of a grid start in the grid's element block.
const fn site_first_element(local: usize) -> usize {
    let mr = MACHINE_ROOM.len();
    let bs = BASE_STATION.len();
    let ap = ACCESS_POINT.len();
    let cp = PREMISES_ROOM.len();
    match local {
        0 => 0,
        FIRST_BASE_STATION..FIRST_ACCESS_POINT => mr + (local - FIRST_BASE_STATION) * bs,
        FIRST_ACCESS_POINT..FIRST_PREMISES => {
            mr + BASE_STATIONS * bs + (local - FIRST_ACCESS_POINT) * ap
        }
        _ => mr + BASE_STATIONS * bs + ACCESS_POINTS * ap + (local - FIRST_PREMISES) * cp,
    }
}

/// The site position and the position within the site of element `slot` of a grid.
fn element_slot(slot: usize) -> (usize, usize) {
    let mut local = SITES_PER_GRID - 1;
    while site_first_element(local) > slot {
        local -= 1;
    }
    (local, slot - site_first_element(local))
}

const _: () = assert!(site_first_element(SITES_PER_GRID) == ELEMENTS_PER_GRID);
const _: () = assert!(FIRST_PREMISES + PREMISES == SITES_PER_GRID);
const _: () = assert!(FIRST_ACCESS_POINT == FIRST_BASE_STATION + BASE_STATIONS);
const _: () = assert!(FIRST_PREMISES == FIRST_ACCESS_POINT + ACCESS_POINTS);

// ---------------------------------------------------------------------------------------------
// Word lists

const ROADS: &[&str] = &[
    "滨江路",
    "中山大道",
    "解放路",
    "人民路",
    "东风路",
    "环市路",
    "江南大道",
    "新港路",
    "科学大道",
    "花城大道",
    "工业大道",
    "学院路",
    "建设路",
    "沿江路",
    "五羊路",
    "广园路",
    "湖滨路",
    "青年路",
    "振兴路",
    "文昌路",
    "迎宾大道",
    "创业路",
    "长兴路",
    "府前路",
];

const GRID_PLACES: &[&str] = &[
    "城东",
    "城西",
    "城南",
    "城北",
    "江南",
    "江北",
    "新城",
    "老城",
    "工业园",
    "科技园",
    "大学城",
    "高铁站",
    "滨江",
    "湖畔",
    "港口",
    "商务区",
];

const BRANDS: &[&str] = &[
    "华信", "宏达", "金鹏", "恒通", "海川", "南方", "粤海", "天成", "新越", "立信", "东方", "华美",
    "百盛", "嘉和", "永盛", "鸿运", "瑞丰", "中科", "星河", "明珠", "珠江", "岭南", "富华", "佳禾",
    "远航", "博远", "祥和", "万利", "顺达", "金桥", "华南", "凯迪", "联创", "智汇", "启航", "晨光",
    "绿源", "雅达", "泰丰", "信诚",
];

const BUILDINGS: &[&str] = &[
    "大厦",
    "国际中心",
    "商务中心",
    "科技园",
    "广场",
    "产业园",
    "金融大厦",
    "创意园",
];

const NUMERALS: &[&str] = &[
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二",
];

/// The two halves of customers' brand names (字号), 30 × 30.
const BRAND_HEADS: &[&str] = &[
    "华", "宏", "金", "恒", "海", "天", "新", "立", "东", "嘉", "永", "鸿", "瑞", "星", "明", "富",
    "佳", "远", "博", "祥", "万", "顺", "凯", "联", "智", "启", "晨", "绿", "雅", "泰",
];
const BRAND_TAILS: &[&str] = &[
    "信", "达", "鹏", "通", "川", "成", "越", "诚", "美", "盛", "和", "运", "丰", "科", "河", "珠",
    "德", "禾", "航", "洋", "利", "桥", "迪", "创", "汇", "光", "源", "业", "隆", "润",
];

/// The brand of customer `i`: a permutation of the 900 brands, so that the first 900 customers
/// have brands of their own and neighbours do not look alike.
fn customer_brand(i: usize) -> String {
    let b = (i * 557 + 211) % (BRAND_HEADS.len() * BRAND_TAILS.len());
    format!(
        "{}{}",
        BRAND_HEADS[b / BRAND_TAILS.len()],
        BRAND_TAILS[b % BRAND_TAILS.len()]
    )
}

/// Surnames, weighted to the south by repetition.
const SURNAMES: &[&str] = &[
    "陈", "陈", "黄", "黄", "李", "李", "梁", "林", "张", "王", "刘", "何", "罗", "郑", "吴", "谢",
    "周", "冯", "邓", "曾", "彭", "许", "苏", "叶", "钟", "卢", "蔡", "潘", "杨", "赵", "徐", "朱",
    "胡", "郭", "马", "邱", "温", "方", "余", "廖", "欧阳", "司徒", "麦", "莫", "关", "区",
];

const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞",
    "平", "刚", "文", "华", "建", "国", "志", "海", "晓", "俊", "斌", "鹏", "辉", "玲", "婷", "雪",
    "琳", "欣", "宇", "浩", "嘉", "颖", "诗", "思", "梓", "博", "健", "锋", "荣", "永", "家", "子",
    "佳", "慧", "燕", "红", "丹", "凯", "东", "坤", "炜", "铭", "泽", "昊",
];

/// China Mobile number blocks.
const MOBILE_PREFIXES: &[u64] = &[
    134, 135, 136, 137, 138, 139, 147, 150, 151, 152, 157, 158, 159, 172, 178, 182, 183, 184, 187,
    188, 195, 197, 198,
];

/// Far ends of cross-city lines (other cities of the province, invented).
const PROVINCE_CITIES: &[&str] = &["韶岭市", "梅江市", "湛港市", "汕海市", "佛城市", "珠澳市"];

/// Far ends of cross-province lines.
const FAR_CITIES: &[&str] = &[
    "北京市",
    "上海市",
    "武汉市",
    "长沙市",
    "成都市",
    "南宁市",
    "福州市",
    "杭州市",
];

// ---------------------------------------------------------------------------------------------
// Customers: industries, grades, business types

/// The business types the demo's lines carry (those with a physical path), in the order of
/// [`Industry::types`].
const LINE_TYPES: [BusinessType; 6] = [
    BusinessType::DataLine,
    BusinessType::InternetLine,
    BusinessType::VoiceLine,
    BusinessType::TransmissionLine,
    BusinessType::Video,
    BusinessType::Broadband,
];

struct Industry {
    zh: &'static str,
    /// Share of customers, in per cent.
    weight: u32,
    /// Grade mix, per mille: diamond, gold, silver, bronze, standard.
    grades: &'static [u32; 5],
    /// Name templates: `{C}` city, `{D}` county short name, `{Df}` county name, `{B}` a brand,
    /// `{n}` a Chinese numeral. Every template has a brand, which [`customer_brand`] makes unique
    /// for the first 900 customers, so that names do not repeat.
    templates: &'static [&'static str],
    /// Weights of [`LINE_TYPES`].
    types: [u32; 6],
}

/// Grade mixes: key industries (hospitals, transport, banks, government, energy) have more
/// important customers.
const GRADES_KEY: &[u32; 5] = &[50, 150, 270, 270, 260];
const GRADES_MID: &[u32; 5] = &[15, 80, 220, 300, 385];
const GRADES_OTHER: &[u32; 5] = &[5, 40, 150, 320, 485];

const INDUSTRIES: [Industry; 10] = [
    Industry {
        zh: "医疗",
        weight: 10,
        grades: GRADES_KEY,
        templates: &[
            "{C}市第{n}人民医院{B}院区",
            "{Df}{B}人民医院",
            "{Df}{B}中医院",
            "{C}{B}妇产医院",
            "{C}医科大学附属{B}医院",
            "{C}市{B}口腔医院",
            "{Df}{B}社区卫生服务中心",
            "{C}{B}康复医院",
        ],
        types: [35, 20, 10, 10, 15, 10],
    },
    Industry {
        zh: "交通",
        weight: 6,
        grades: GRADES_KEY,
        templates: &[
            "{C}地铁集团{B}车辆段",
            "{C}港务集团{B}港区",
            "{C}公交集团{B}客运站",
            "{C}市高速公路{B}收费站",
            "{C}{B}综合交通枢纽",
            "{C}城际铁路{B}站",
        ],
        types: [30, 10, 10, 35, 10, 5],
    },
    Industry {
        zh: "教育",
        weight: 12,
        grades: GRADES_MID,
        templates: &[
            "{C}大学{B}校区",
            "{C}{B}理工学院",
            "{C}{B}职业技术学院",
            "{Df}{B}中学",
            "{Df}{B}实验小学",
            "{C}{B}外国语学校",
        ],
        types: [15, 30, 5, 5, 10, 35],
    },
    Industry {
        zh: "金融",
        weight: 14,
        grades: GRADES_KEY,
        templates: &[
            "{C}银行{B}支行",
            "南粤农商银行{D}{B}支行",
            "{B}证券{C}{D}营业部",
            "{B}保险{C}{D}支公司",
            "{C}农信社{B}分社",
        ],
        types: [50, 15, 15, 15, 3, 2],
    },
    Industry {
        zh: "政务",
        weight: 14,
        grades: GRADES_KEY,
        templates: &[
            "{Df}{B}街道办事处",
            "{C}市公安局{D}分局{B}派出所",
            "{C}市税务局{D}{B}税务所",
            "{Df}人民法院{B}人民法庭",
            "{Df}{B}镇人民政府",
            "{Df}{B}政务服务中心",
        ],
        types: [35, 25, 10, 10, 15, 5],
    },
    Industry {
        zh: "制造",
        weight: 20,
        grades: GRADES_OTHER,
        templates: &[
            "{C}{B}汽车零部件有限公司",
            "{B}电子科技({C})有限公司",
            "{C}{B}精密制造股份有限公司",
            "{B}新材料科技有限公司",
            "{C}{B}食品有限公司",
            "{B}智能装备有限公司",
            "{C}{B}服装有限公司",
        ],
        types: [20, 40, 5, 5, 5, 25],
    },
    Industry {
        zh: "能源",
        weight: 4,
        grades: GRADES_KEY,
        templates: &[
            "南粤电网{C}{D}{B}供电所",
            "{C}燃气集团{B}门站",
            "{C}自来水公司{B}水厂",
            "{C}{B}热电有限公司",
        ],
        types: [40, 15, 10, 25, 5, 5],
    },
    Industry {
        zh: "商贸",
        weight: 10,
        grades: GRADES_OTHER,
        templates: &[
            "{B}百货{D}店",
            "{B}购物广场",
            "{B}连锁超市{D}配送中心",
            "{C}{B}酒店",
            "{B}汽车贸易有限公司",
        ],
        types: [20, 40, 10, 5, 5, 20],
    },
    Industry {
        zh: "信息技术",
        weight: 6,
        grades: GRADES_MID,
        templates: &[
            "{B}数据科技有限公司",
            "{C}{B}软件股份有限公司",
            "{B}云计算({C})有限公司",
            "{C}{B}网络科技有限公司",
        ],
        types: [30, 45, 2, 10, 3, 10],
    },
    Industry {
        zh: "物流",
        weight: 4,
        grades: GRADES_OTHER,
        templates: &[
            "{B}物流{C}分拨中心",
            "{B}供应链管理有限公司",
            "{C}{B}快递{D}转运中心",
        ],
        types: [30, 35, 5, 5, 5, 20],
    },
];

/// [`Industry::weight`] of every industry.
const INDUSTRY_WEIGHTS: [u32; INDUSTRIES.len()] = {
    let mut w = [0; INDUSTRIES.len()];
    let mut i = 0;
    while i < INDUSTRIES.len() {
        w[i] = INDUSTRIES[i].weight;
        i += 1;
    }
    w
};

const GRADES: [Grade; 5] = [
    Grade::Diamond,
    Grade::Gold,
    Grade::Silver,
    Grade::Bronze,
    Grade::Standard,
];

/// The bandwidths the demo uses, in Mbit/s: 2M, 10M, 20M, 50M, 100M, 200M, 500M, 1G, 10G.
pub const BANDWIDTHS_MBPS: [u64; 9] = [2, 10, 20, 50, 100, 200, 500, 1000, 10_000];

/// The bandwidths offered per business type (Mbit/s), in the order of [`LINE_TYPES`].
const TYPE_BANDWIDTHS: [&[u64]; 6] = [
    &[2, 10, 20, 50, 100, 200],
    &[10, 20, 50, 100, 200, 500, 1000],
    &[2],
    &[2, 10, 100, 1000, 10_000],
    &[10, 20, 50, 100],
    &[100, 200, 500, 1000],
];

/// 业务保障等级 the demo's reading of R-SL2: the assurance level from the customer's grade and
/// the importance of the business type (data, transmission and voice lines high; internet,
/// video and GPRS medium; the rest low). Diamond and gold data lines are AAA.
pub fn assurance_level(grade: Grade, business_type: BusinessType) -> AssuranceLevel {
    use AssuranceLevel::{Aa, Aaa, Ordinary, A};
    let importance = match business_type {
        BusinessType::DataLine | BusinessType::TransmissionLine | BusinessType::VoiceLine => 0,
        BusinessType::InternetLine | BusinessType::Video | BusinessType::GprsApn => 1,
        _ => 2,
    };
    let table: [AssuranceLevel; 3] = match grade {
        Grade::Diamond => [Aaa, Aaa, Aa],
        Grade::Gold => [Aaa, Aa, A],
        Grade::Silver => [Aa, A, Ordinary],
        Grade::Bronze => [A, Ordinary, Ordinary],
        Grade::Standard => [Ordinary, Ordinary, Ordinary],
    };
    table[importance]
}

// ---------------------------------------------------------------------------------------------
// Contractor resources

const MAJORS_BACHELOR: &[&str] = &[
    "通信工程",
    "电子信息工程",
    "计算机科学与技术",
    "网络工程",
    "光电信息科学与工程",
];
const MAJORS_COLLEGE: &[&str] = &[
    "通信技术",
    "计算机网络技术",
    "电子信息工程技术",
    "光通信技术",
];
const DATA_CERTIFICATES: &[Certificate] = &[
    Certificate::Ccna,
    Certificate::Hcia,
    Certificate::Hcne,
    Certificate::H3cne,
    Certificate::Ccnp,
    Certificate::Hcip,
];

/// What a client-side technician carries (part of R-S7).
const CLIENT_KIT: &[InstrumentKind] = &[
    InstrumentKind::Laptop,
    InstrumentKind::OpticalPowerMeter,
    InstrumentKind::LightSource,
    InstrumentKind::CableTester,
];

/// What a maintenance station (维护站) keeps, per county and scale unit (R-S7).
const STATION_KIT: &[InstrumentKind] = &[
    InstrumentKind::Otdr,
    InstrumentKind::FusionSplicer,
    InstrumentKind::E1Tester,
    InstrumentKind::PonPowerMeter,
    InstrumentKind::EthernetTester,
    InstrumentKind::FiberIdentifier,
    InstrumentKind::Generator,
];

// ---------------------------------------------------------------------------------------------
// Hashing

const K_SITE: u64 = 1;
const K_ELEMENT: u64 = 2;
const K_CUSTOMER: u64 = 3;
const K_CIRCUIT: u64 = 4;
const K_STAFF: u64 = 5;
const K_INSTRUMENT: u64 = 6;
const K_VEHICLE: u64 = 7;
const K_GRID: u64 = 8;
const K_MANAGER: u64 = 9;

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The hash of item `i` of `kind`, for the purpose `salt`.
fn h(kind: u64, i: usize, salt: u64) -> u64 {
    splitmix64(splitmix64((kind << 32) ^ salt) ^ i as u64)
}

fn pick<T: Copy>(list: &[T], r: u64) -> T {
    list[(r % list.len() as u64) as usize]
}

/// An index drawn by weight.
fn weighted(weights: &[u32], r: u64) -> usize {
    let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
    let mut x = r % total;
    for (i, &w) in weights.iter().enumerate() {
        if x < u64::from(w) {
            return i;
        }
        x -= u64::from(w);
    }
    weights.len() - 1
}

/// Percent: whether `r` falls in the first `p` of 100.
fn chance(r: u64, p: u64) -> bool {
    r % 100 < p
}

fn person_name(r: u64) -> String {
    let surname = pick(SURNAMES, r);
    let first = pick(GIVEN, r >> 16);
    if matches!((r >> 40) % 3, 0) {
        format!("{surname}{first}")
    } else {
        format!("{surname}{first}{}", pick(GIVEN, r >> 28))
    }
}

fn mobile(r: u64) -> String {
    format!("{}{:08}", pick(MOBILE_PREFIXES, r), (r >> 12) % 100_000_000)
}

/// A coordinate rounded to 6 decimals, `spread` degrees around `centre`.
fn jitter(centre: f64, r: u64, spread: f64) -> f64 {
    let unit = (r % 1_000_001) as f64 / 1_000_000.0 * 2.0 - 1.0;
    ((centre + unit * spread) * 1e6).round() / 1e6
}

fn mbps(m: u64) -> Bandwidth {
    Bandwidth::from_bps(m * 1_000_000).expect("demo bandwidths are in range")
}

fn asset_status(r: u64) -> AssetStatus {
    match r % 100 {
        0..=2 => AssetStatus::UnderRepair,
        3 => AssetStatus::Retired,
        _ => AssetStatus::InService,
    }
}

// ---------------------------------------------------------------------------------------------
// The dataset

/// The demo dataset at a scale. Cheap to copy; every item is computed on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Demo {
    pub scale: u32,
}

/// What a customer's other items derive from.
struct Profile {
    grid: usize,
    county: usize,
    industry: usize,
    grade: Grade,
    /// The position (0..5) of its main building among the grid's customer buildings.
    building: usize,
}

/// The transport technology a line rides on to the access site.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tech {
    Ptn,
    Ipran,
    Olt,
    Mstp,
}

impl Demo {
    /// The dataset at `scale` (0 is taken as 1).
    pub fn new(scale: u32) -> Demo {
        Demo {
            scale: scale.max(1),
        }
    }

    fn n(&self) -> usize {
        self.scale.max(1) as usize
    }

    // --- regions -----------------------------------------------------------------------------

    fn grids_per_county(&self) -> usize {
        GRIDS_PER_COUNTY * self.n()
    }

    fn grid_count(&self) -> usize {
        COUNTIES.len() * self.grids_per_county()
    }

    fn county_of_grid(&self, grid: usize) -> usize {
        grid / self.grids_per_county()
    }

    fn grid_code(&self, grid: usize) -> String {
        let county = &COUNTIES[self.county_of_grid(grid)];
        format!("{}-G{:03}", county.code, grid % self.grids_per_county() + 1)
    }

    /// The place a grid is named after, e.g. `城东` or `城东2`.
    fn grid_place(&self, grid: usize) -> String {
        let county = self.county_of_grid(grid);
        let k = grid % self.grids_per_county();
        let place = GRID_PLACES[(k + county * 5) % GRID_PLACES.len()];
        match k / GRID_PLACES.len() {
            0 => place.to_string(),
            round => format!("{place}{}", round + 1),
        }
    }

    /// 区域: the province, the city, its six counties and their grids, parents first.
    pub fn regions(&self) -> Vec<RegionInput> {
        let mut out = Vec::with_capacity(2 + COUNTIES.len() + self.grid_count());
        out.push(RegionInput {
            code: PROVINCE_CODE.into(),
            name: PROVINCE_NAME.into(),
            level: RegionLevel::Province,
            parent_code: None,
        });
        out.push(RegionInput {
            code: CITY_CODE.into(),
            name: CITY_NAME.into(),
            level: RegionLevel::City,
            parent_code: Some(PROVINCE_CODE.into()),
        });
        for county in &COUNTIES {
            out.push(RegionInput {
                code: county.code.into(),
                name: county.name.into(),
                level: RegionLevel::County,
                parent_code: Some(CITY_CODE.into()),
            });
        }
        for grid in 0..self.grid_count() {
            let county = &COUNTIES[self.county_of_grid(grid)];
            out.push(RegionInput {
                code: self.grid_code(grid),
                name: format!("{}{}网格", county.name, self.grid_place(grid)),
                level: RegionLevel::Grid,
                parent_code: Some(county.code.into()),
            });
        }
        out
    }

    // --- contractors -------------------------------------------------------------------------

    /// The contractor maintaining county `county` (for every domain).
    fn contractor_of_county(county: usize) -> &'static Firm {
        &CONTRACTORS[county / COUNTIES_PER_CONTRACTOR]
    }

    /// 代维公司: three, each with two counties and all five maintenance domains, contract
    /// 2025-01-01 to 2027-12-31.
    pub fn contractors(&self) -> Vec<ContractorInput> {
        CONTRACTORS
            .iter()
            .enumerate()
            .map(|(k, firm)| ContractorInput {
                code: firm.code.into(),
                name: firm.name.into(),
                contract_start: NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date"),
                contract_end: NaiveDate::from_ymd_opt(2027, 12, 31).expect("a date"),
                region_codes: (0..COUNTIES_PER_CONTRACTOR)
                    .map(|j| COUNTIES[k * COUNTIES_PER_CONTRACTOR + j].code.to_string())
                    .collect(),
                domains: MaintenanceDomain::ALL.to_vec(),
            })
            .collect()
    }

    // --- sites -------------------------------------------------------------------------------

    /// 站点: 312 per scale unit, 13 per grid.
    pub fn site_count(&self) -> usize {
        self.grid_count() * SITES_PER_GRID
    }

    fn site_kind(local: usize) -> (SiteKind, &'static str) {
        match local {
            0 => (SiteKind::MachineRoom, "MR"),
            FIRST_BASE_STATION..FIRST_ACCESS_POINT => (SiteKind::BaseStation, "BS"),
            FIRST_ACCESS_POINT..FIRST_PREMISES => (SiteKind::AccessPoint, "AP"),
            _ => (SiteKind::CustomerPremises, "CP"),
        }
    }

    fn site_code(&self, i: usize) -> String {
        let (_, abbr) = Self::site_kind(i % SITES_PER_GRID);
        format!("{CITY_CODE}-{abbr}-{:06}", i + 1)
    }

    /// The road and house number of site `i`.
    fn site_place(i: usize) -> (&'static str, u64) {
        let r = h(K_SITE, i, 1);
        (pick(ROADS, r), 1 + (r >> 20) % 388)
    }

    fn site_name(&self, i: usize) -> String {
        let grid = i / SITES_PER_GRID;
        let local = i % SITES_PER_GRID;
        let short = COUNTIES[self.county_of_grid(grid)].short;
        let (road, number) = Self::site_place(i);
        match Self::site_kind(local).0 {
            SiteKind::MachineRoom => format!("{short}{}汇聚机房", self.grid_place(grid)),
            SiteKind::BaseStation => format!("{short}{road}{number}号基站"),
            SiteKind::AccessPoint => format!("{short}{road}综合业务接入点"),
            _ => {
                let r = h(K_SITE, i, 2);
                format!("{short}{}{}", pick(BRANDS, r), pick(BUILDINGS, r >> 20))
            }
        }
    }

    /// Site `i` (`0..site_count()`), in grid order.
    pub fn site(&self, i: usize) -> SiteInput {
        let grid = i / SITES_PER_GRID;
        let county = &COUNTIES[self.county_of_grid(grid)];
        let (road, number) = Self::site_place(i);
        let g = h(K_GRID, grid, 0);
        let grid_lon = jitter(county.lon, g, 0.06);
        let grid_lat = jitter(county.lat, g >> 21, 0.05);
        let r = h(K_SITE, i, 3);
        SiteInput {
            code: self.site_code(i),
            name: self.site_name(i),
            kind: Self::site_kind(i % SITES_PER_GRID).0,
            address: format!("{PROVINCE_NAME}{CITY_NAME}{}{road}{number}号", county.name),
            region_code: self.grid_code(grid),
            longitude: Some(jitter(grid_lon, r, 0.012)),
            latitude: Some(jitter(grid_lat, r >> 21, 0.01)),
        }
    }

    // --- elements ----------------------------------------------------------------------------

    /// 网元: 3,048 per scale unit, 127 per grid.
    pub fn element_count(&self) -> usize {
        self.grid_count() * ELEMENTS_PER_GRID
    }

    /// The index of the element at position `pos` of site `local` of `grid`.
    fn element_index(grid: usize, local: usize, pos: usize) -> usize {
        grid * ELEMENTS_PER_GRID + site_first_element(local) + pos
    }

    fn element_code(&self, i: usize) -> String {
        let (local, pos) = element_slot(i % ELEMENTS_PER_GRID);
        format!("{CITY_CODE}-{}-{:06}", site_specs(local)[pos].abbr, i + 1)
    }

    /// Element `i` (`0..element_count()`). Each grid holds, in order: the machine room's PTN ×2,
    /// IPRAN ×2, OLT ×2, WDM, MSTP, switch, ODF ×2 and power (aggregation, R-MD1); per base
    /// station a PTN, an IPRAN, an ODF and power; per access point an OLT, a PTN, an MSTP, an ODF
    /// and power; per customer building ONU ×4, protocol converter ×3, router ×4, switch ×2, a
    /// firewall, an IAD, the customer's own PBX (no contractor) and a video terminal (R-MD5).
    /// Transport equipment has one vendor per county; customer-side models vary.
    pub fn element(&self, i: usize) -> ElementInput {
        let grid = i / ELEMENTS_PER_GRID;
        let county = self.county_of_grid(grid);
        let (local, pos) = element_slot(i % ELEMENTS_PER_GRID);
        let specs = site_specs(local);
        let spec = specs[pos];
        let site = grid * SITES_PER_GRID + local;
        let r = h(K_ELEMENT, i, 0);
        let (vendor, model) = if spec.cpe {
            pick(spec.models, r)
        } else {
            spec.models[county % spec.models.len()]
        };
        let ordinal = specs[..pos].iter().filter(|s| s.abbr == spec.abbr).count() + 1;
        let management_ip = spec.managed.then(|| {
            let host = (i % 250 + 2) as u8;
            let rest = i / 250;
            IpAddr::V4(Ipv4Addr::new(
                10,
                (rest / 256 % 256) as u8,
                (rest % 256) as u8,
                host,
            ))
        });
        ElementInput {
            code: self.element_code(i),
            name: format!("{}/{}-{ordinal}", self.site_name(site), spec.abbr),
            element_type: spec.ty,
            vendor: vendor.into(),
            model: model.into(),
            management_ip,
            site_code: self.site_code(site),
            owner: spec.owner,
            domain: spec.domain,
            contractor_code: (spec.owner == Owner::Operator)
                .then(|| Self::contractor_of_county(county).code.to_string()),
        }
    }

    // --- customers ---------------------------------------------------------------------------

    /// 集团客户: 400 per scale unit.
    pub fn customer_count(&self) -> usize {
        CUSTOMERS_PER_SCALE * self.n()
    }

    fn profile(&self, i: usize) -> Profile {
        let grid = i * self.grid_count() / self.customer_count();
        let industry = weighted(&INDUSTRY_WEIGHTS, h(K_CUSTOMER, i, 1));
        let grade = GRADES[weighted(INDUSTRIES[industry].grades, h(K_CUSTOMER, i, 2))];
        Profile {
            grid,
            county: self.county_of_grid(grid),
            industry,
            grade,
            building: (h(K_CUSTOMER, i, 3) % PREMISES as u64) as usize,
        }
    }

    fn customer_code(i: usize) -> String {
        format!("C{:06}", i + 1)
    }

    fn customer_name(&self, i: usize, p: &Profile) -> String {
        let county = &COUNTIES[p.county];
        let template = pick(INDUSTRIES[p.industry].templates, h(K_CUSTOMER, i, 7));
        template
            .replace("{C}", CITY_SHORT)
            .replace("{Df}", county.name)
            .replace("{D}", county.short)
            .replace("{B}", &customer_brand(i))
            .replace("{n}", pick(NUMERALS, h(K_CUSTOMER, i, 9)))
    }

    /// Customer `i` (`0..customer_count()`), in grid order. Grades depend on the industry:
    /// about 3 % diamond, 10 % gold, 22 % silver, 29 % bronze and 36 % standard.
    pub fn customer(&self, i: usize) -> CustomerInput {
        let p = self.profile(i);
        let manager = h(K_CUSTOMER, i, 4) % 8;
        CustomerInput {
            code: Self::customer_code(i),
            name: self.customer_name(i, &p),
            industry: INDUSTRIES[p.industry].zh.into(),
            grade: p.grade,
            account_manager: person_name(h(K_MANAGER, p.county * 8 + manager as usize, 0)),
            contact_name: person_name(h(K_CUSTOMER, i, 5)),
            contact_phone: mobile(h(K_CUSTOMER, i, 6)),
            region_code: Some(COUNTIES[p.county].code.into()),
        }
    }

    // --- circuits ----------------------------------------------------------------------------

    /// 专线: 3,000 per scale unit.
    pub fn circuit_count(&self) -> usize {
        CIRCUITS_PER_SCALE * self.n()
    }

    /// The customer of circuit `i`: circuit `i` belongs to customer `i` for the first
    /// `customer_count()` circuits; the rest are drawn with a preference for important customers
    /// (a bank has many branch lines).
    fn circuit_customer(&self, i: usize) -> usize {
        let count = self.customer_count();
        if i < count {
            return i;
        }
        let mut candidate = 0;
        for attempt in 0..4 {
            let r = h(K_CIRCUIT, i, 100 + attempt);
            candidate = (r % count as u64) as usize;
            let keep = match self.profile(candidate).grade {
                Grade::Diamond => 100,
                Grade::Gold => 80,
                Grade::Silver => 50,
                Grade::Bronze => 30,
                Grade::Standard => 20,
            };
            if chance(r >> 32, keep) {
                break;
            }
        }
        candidate
    }

    fn circuit_abbr(business_type: BusinessType) -> &'static str {
        match business_type {
            BusinessType::DataLine => "DL",
            BusinessType::InternetLine => "IL",
            BusinessType::VoiceLine => "VL",
            BusinessType::TransmissionLine => "TL",
            BusinessType::Video => "VD",
            BusinessType::Broadband => "BB",
            BusinessType::GprsApn => "AP",
            BusinessType::SmsMms => "SM",
            BusinessType::SmsGateway => "SG",
            BusinessType::SchoolMessaging => "XT",
        }
    }

    /// Circuit `i` (`0..circuit_count()`), computed on its own. Its path runs (for AAA and AA
    /// lines, from the machine room's equipment over the aggregation ring `RING-…`) from the
    /// PTN, IPRAN, OLT or MSTP at a base station or access point of the customer's grid, maybe
    /// through that site's ODF, over the access fibre `FIB-…` (transmission access; enterprise
    /// access for PON) to the customer-side equipment: a protocol converter, router, ONU or IAD,
    /// followed for some lines by the customer's PBX, a firewall, a router or a video terminal.
    /// The circuits the demo's day of orders is on ([`day_of_orders`]): spread over the
    /// dataset, so over customers of every grade and all three contractors.
    pub fn order_circuits(&self) -> Vec<String> {
        let n = self.circuit_count();
        (0..16).map(|k| self.circuit(k * n / 16 + k).code).collect()
    }

    pub fn circuit(&self, i: usize) -> CircuitInput {
        let c = self.circuit_customer(i);
        let p = self.profile(c);
        let r = |salt: u64| h(K_CIRCUIT, i, salt);
        let type_index = weighted(&INDUSTRIES[p.industry].types, r(1));
        let business_type = LINE_TYPES[type_index];

        let scope = match business_type {
            BusinessType::DataLine | BusinessType::TransmissionLine | BusinessType::Video => {
                match r(2) % 100 {
                    0..=81 => Scope::Local,
                    82..=93 => Scope::CrossCity,
                    _ => Scope::CrossProvince,
                }
            }
            _ => Scope::Local,
        };

        let offered = TYPE_BANDWIDTHS[type_index];
        let a = (r(3) % offered.len() as u64) as usize;
        let b = (r(4) % offered.len() as u64) as usize;
        let bw = match p.grade {
            Grade::Diamond | Grade::Gold => offered[a.max(b)],
            Grade::Silver => offered[a],
            Grade::Bronze | Grade::Standard => offered[a.min(b)],
        };

        let assurance_level = assurance_level(p.grade, business_type);
        let status = match r(5) % 100 {
            0..=90 => CircuitStatus::Active,
            91..=94 => CircuitStatus::Provisioning,
            95..=97 => CircuitStatus::Suspended,
            _ => CircuitStatus::Terminated,
        };

        // The path.
        let grid = p.grid;
        let contractor = Self::contractor_of_county(p.county).code;
        let tech = match business_type {
            BusinessType::DataLine if chance(r(6), 70) => Tech::Ptn,
            BusinessType::DataLine => Tech::Ipran,
            BusinessType::TransmissionLine if chance(r(6), 50) => Tech::Ptn,
            BusinessType::TransmissionLine => Tech::Mstp,
            BusinessType::VoiceLine if chance(r(6), 60) => Tech::Mstp,
            BusinessType::VoiceLine => Tech::Ptn,
            BusinessType::InternetLine if chance(r(6), 60) => Tech::Ipran,
            BusinessType::InternetLine => Tech::Olt,
            BusinessType::Video if chance(r(6), 50) => Tech::Ptn,
            BusinessType::Video => Tech::Ipran,
            _ => Tech::Olt,
        };
        let site_r = r(7);
        let (access_site, access_pos) = match tech {
            Tech::Ptn => {
                let local = FIRST_BASE_STATION + (site_r % 7) as usize;
                if local < FIRST_ACCESS_POINT {
                    (local, BS_PTN)
                } else {
                    (local, AP_PTN)
                }
            }
            Tech::Ipran => (
                FIRST_BASE_STATION + (site_r % BASE_STATIONS as u64) as usize,
                BS_IPRAN,
            ),
            Tech::Olt => (
                FIRST_ACCESS_POINT + (site_r % ACCESS_POINTS as u64) as usize,
                AP_OLT,
            ),
            Tech::Mstp => (
                FIRST_ACCESS_POINT + (site_r % ACCESS_POINTS as u64) as usize,
                AP_MSTP,
            ),
        };
        // A local point-to-point line ends at a branch in another building of the grid; other
        // lines mostly at the customer's main building.
        let point_to_point = matches!(
            business_type,
            BusinessType::DataLine | BusinessType::TransmissionLine | BusinessType::Video
        );
        let building = if point_to_point && scope == Scope::Local {
            (p.building + 1 + (r(9) % (PREMISES as u64 - 1)) as usize) % PREMISES
        } else if !point_to_point && chance(r(8), 20) {
            (r(9) % PREMISES as u64) as usize
        } else {
            p.building
        };
        let premises = FIRST_PREMISES + building;
        let element = |local: usize, pos: usize| {
            HopInput::element(self.element_code(Self::element_index(grid, local, pos)))
        };

        let mut path = Vec::with_capacity(7);
        if matches!(assurance_level, AssuranceLevel::Aaa | AssuranceLevel::Aa) {
            let twin = (r(10) % 2) as usize;
            let upper = match tech {
                Tech::Ptn => MR_PTN + twin,
                Tech::Ipran | Tech::Olt => MR_IPRAN + twin,
                Tech::Mstp => MR_MSTP,
            };
            path.push(element(0, upper));
            path.push(HopInput::segment(
                format!("RING-{:05}-{access_site}", grid + 1),
                MaintenanceDomain::Aggregation,
                contractor,
            ));
        }
        path.push(element(access_site, access_pos));
        if chance(r(11), 50) {
            let odf = if access_site < FIRST_ACCESS_POINT {
                BS_ODF
            } else {
                AP_ODF
            };
            path.push(element(access_site, odf));
        }
        let fibre = (grid * (BASE_STATIONS + ACCESS_POINTS) + access_site - FIRST_BASE_STATION)
            * PREMISES
            + building
            + 1;
        let fibre_domain = if tech == Tech::Olt {
            MaintenanceDomain::EnterpriseAccess
        } else {
            MaintenanceDomain::TransmissionAccess
        };
        path.push(HopInput::segment(
            format!("FIB-{fibre:06}"),
            fibre_domain,
            contractor,
        ));
        let cpe_r = r(12);
        let converter = CP_CONVERTER + (cpe_r % 3) as usize;
        let router = CP_ROUTER + ((cpe_r >> 8) % 4) as usize;
        let onu = CP_ONU + ((cpe_r >> 16) % 4) as usize;
        let second = chance(cpe_r >> 24, 40);
        let cpes: &[usize] = match business_type {
            BusinessType::DataLine if bw <= 10 && tech == Tech::Ptn => &[converter],
            BusinessType::DataLine => &[router],
            BusinessType::TransmissionLine => &[converter],
            BusinessType::VoiceLine if second => &[CP_IAD],
            BusinessType::VoiceLine => &[converter, CP_PBX],
            BusinessType::InternetLine if tech == Tech::Olt && second => &[onu, router],
            BusinessType::InternetLine if tech == Tech::Olt => &[onu],
            BusinessType::InternetLine if second => &[router, CP_FIREWALL],
            BusinessType::InternetLine => &[router],
            BusinessType::Video => &[router, CP_VIDEO],
            _ => &[onu],
        };
        for &pos in cpes {
            path.push(element(premises, pos));
        }

        // The ends.
        let customer = self.customer_name(c, &p);
        let site_of = |local: usize| self.site_name(grid * SITES_PER_GRID + local);
        let premises_name = site_of(premises);
        let z_local = format!("{customer}({premises_name})");
        let (a_end, z_end) = match business_type {
            BusinessType::InternetLine | BusinessType::Broadband => {
                (format!("{CITY_SHORT}CMNET城域网({})", site_of(0)), z_local)
            }
            BusinessType::VoiceLine => (
                format!("{CITY_SHORT}{}关口局", COUNTIES[p.county].short),
                z_local,
            ),
            _ => {
                let head = format!("{customer}总部({})", site_of(FIRST_PREMISES + p.building));
                let far = match scope {
                    Scope::Local => format!("{customer}分支机构({premises_name})"),
                    Scope::CrossCity => {
                        format!("{customer}{}分支机构", pick(PROVINCE_CITIES, r(13)))
                    }
                    Scope::CrossProvince => {
                        format!("{customer}{}分支机构", pick(FAR_CITIES, r(13)))
                    }
                };
                (head, far)
            }
        };

        // A line still being built has not passed final acceptance (seed 6.4.1); the day of
        // orders' circuits (`order_circuits`) stay finally accepted, so that its faults keep
        // their contractors.
        let n = self.circuit_count();
        let not_accepted =
            status == CircuitStatus::Provisioning && !(0..16).any(|k| k * n / 16 + k == i);
        CircuitInput {
            code: format!(
                "{CITY_CODE}-{}-{:07}",
                Self::circuit_abbr(business_type),
                i + 1
            ),
            customer_code: Self::customer_code(c),
            business_type,
            scope,
            bandwidth: mbps(bw),
            a_end,
            z_end,
            assurance_level,
            status,
            region_code: Some(COUNTIES[p.county].code.into()),
            // A line still being built has not passed final acceptance: its faults go to the
            // engineering department's project manager (seed 6.4.1).
            acceptance: if not_accepted {
                Acceptance::NotFinalAccepted
            } else {
                Acceptance::FinalAccepted
            },
            builder_name: if not_accepted {
                format!(
                    "工程建设部 项目经理{}",
                    pick(&["刘工", "陈工", "赵工"], i as u64)
                )
            } else {
                String::new()
            },
            builder_phone: if not_accepted {
                format!("139{:08}", 20_000_000 + i % 1_000_000)
            } else {
                String::new()
            },
            path: Some(path),
        }
    }

    // --- staff -------------------------------------------------------------------------------

    fn staff_per_contractor(&self) -> usize {
        STAFF_PER_CONTRACTOR * self.n()
    }

    /// 代维人员: 60 per contractor and scale unit, half in each of its counties.
    pub fn staff_count(&self) -> usize {
        CONTRACTORS.len() * self.staff_per_contractor()
    }

    fn staff_code(contractor: usize, local: usize) -> String {
        format!("{}-{:05}", CONTRACTORS[contractor].code, local + 1)
    }

    /// The county of a contractor's staff member `local`.
    fn staff_county(contractor: usize, local: usize) -> usize {
        contractor * COUNTIES_PER_CONTRACTOR + local % COUNTIES_PER_CONTRACTOR
    }

    /// Staff member `i` (`0..staff_count()`), contractor by contractor. Every one holds a
    /// telecom-related college diploma (大专) or higher and at least a year of experience
    /// (R-S4); the share with a bachelor's degree is 70 %, 65 % and 45 % (the shortfall, see the
    /// module documentation). The first two of every contractor, one per county, hold the
    /// enterprise-client certificate (R-S2), as do about a third of the others; 10 % have two or
    /// more years of core-network maintenance and at least 20 % a data certificate (R-S3).
    pub fn staff(&self, i: usize) -> StaffInput {
        let k = i / self.staff_per_contractor();
        let l = i % self.staff_per_contractor();
        let firm = &CONTRACTORS[k];
        let r = |salt: u64| h(K_STAFF, i, salt);

        // A permutation of 0..20 within each block of 20, so that shares are exact.
        let slot = (l * 7) % 20;
        let education = if slot >= firm.bachelor_per_20 {
            Education::College
        } else if slot == 0 {
            Education::Master
        } else {
            Education::Bachelor
        };
        let major = if education == Education::College {
            pick(MAJORS_COLLEGE, r(1))
        } else {
            pick(MAJORS_BACHELOR, r(1))
        };
        let years_core_network = if l % 20 == 3 || l % 20 == 13 {
            2 + (r(2) % 5) as u8
        } else {
            0
        };
        let years_experience = (1 + (r(3) % 15) as u8).max(years_core_network + 1);

        let mut certificates = Vec::new();
        if l < COUNTIES_PER_CONTRACTOR || chance(r(4), 35) {
            certificates.push(Certificate::EnterpriseClient);
        }
        if l % 10 == 4 || l % 10 == 5 || chance(r(5), 10) {
            certificates.push(pick(DATA_CERTIFICATES, r(6)));
        }
        if chance(r(7), 30) {
            certificates.push(Certificate::Electrician);
        }
        if chance(r(8), 25) {
            certificates.push(Certificate::WorkAtHeight);
        }
        certificates.sort();
        certificates.dedup();

        let training_level = match years_experience {
            0..=3 => TrainingLevel::Junior,
            4..=9 => TrainingLevel::Intermediate,
            _ => TrainingLevel::Senior,
        };

        StaffInput {
            code: Self::staff_code(k, l),
            name: person_name(r(9)),
            contractor_code: firm.code.into(),
            region_code: COUNTIES[Self::staff_county(k, l)].code.into(),
            education,
            major: major.into(),
            years_experience,
            years_core_network,
            certificates,
            training_level,
            phone: mobile(r(10)),
        }
    }

    // --- instruments and vehicles ------------------------------------------------------------

    /// 仪器仪表: every third staff member works on the aggregation layer and carries the R-S6
    /// set (laptop, crimper, optical power meter, light source, tool kit); the others carry a
    /// laptop, an optical power meter, a light source and a cable tester. Each county's
    /// maintenance station keeps, per scale unit, an OTDR, a fusion splicer, a 2M tester, a PON
    /// power meter, an Ethernet tester, a fibre identifier and a generator (R-S7), held by no one.
    /// About 4 % are under repair or retired.
    pub fn instruments(&self) -> Vec<InstrumentInput> {
        let per = self.staff_per_contractor();
        let mut out = Vec::with_capacity(
            CONTRACTORS.len() * (per * 5 + COUNTIES_PER_CONTRACTOR * self.n() * STATION_KIT.len()),
        );
        for (k, firm) in CONTRACTORS.iter().enumerate() {
            let mut seq = 0usize;
            let mut push = |kind: InstrumentKind, county: usize, holder: Option<String>| {
                seq += 1;
                out.push(InstrumentInput {
                    code: format!("{}-YQ-{seq:06}", firm.code),
                    kind,
                    contractor_code: firm.code.into(),
                    region_code: COUNTIES[county].code.into(),
                    holder_code: holder,
                    status: asset_status(h(K_INSTRUMENT, (k << 40) | seq, 0)),
                });
            };
            for l in 0..per {
                let kit = if matches!(l % 3, 0) {
                    InstrumentKind::PER_PERSON_AGGREGATION
                } else {
                    CLIENT_KIT
                };
                for &kind in kit {
                    push(kind, Self::staff_county(k, l), Some(Self::staff_code(k, l)));
                }
            }
            for j in 0..COUNTIES_PER_CONTRACTOR {
                let county = k * COUNTIES_PER_CONTRACTOR + j;
                for _ in 0..self.n() {
                    for &kind in STATION_KIT {
                        push(kind, county, None);
                    }
                }
            }
        }
        out
    }

    /// 车辆: per contractor one emergency repair vehicle for the city (R-S6), and per county and
    /// scale unit two more, every third of them an emergency repair vehicle, the rest
    /// maintenance vehicles. Plates are `粤A` + the contractor's letter + four digits.
    pub fn vehicles(&self) -> Vec<VehicleInput> {
        let mut out = Vec::new();
        for (k, firm) in CONTRACTORS.iter().enumerate() {
            let mut seq = 0usize;
            let mut push = |kind: VehicleKind, region: &str| {
                seq += 1;
                let status = if kind == VehicleKind::EmergencyRepair {
                    AssetStatus::InService
                } else {
                    asset_status(h(K_VEHICLE, (k << 40) | seq, 0))
                };
                out.push(VehicleInput {
                    code: format!("粤A{}{seq:04}", firm.plate),
                    kind,
                    contractor_code: firm.code.into(),
                    region_code: region.into(),
                    status,
                });
            };
            push(VehicleKind::EmergencyRepair, CITY_CODE);
            for j in 0..COUNTIES_PER_CONTRACTOR {
                let county = COUNTIES[k * COUNTIES_PER_CONTRACTOR + j].code;
                for v in 0..2 * self.n() {
                    let kind = if matches!(v % 3, 0) {
                        VehicleKind::EmergencyRepair
                    } else {
                        VehicleKind::Maintenance
                    };
                    push(kind, county);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jike_domain::inventory::Validate;
    use std::collections::{HashMap, HashSet};

    fn valid<T: Validate + std::fmt::Debug>(item: &T) {
        if let Err(e) = item.validate() {
            panic!("{item:?} is invalid: {e:?}");
        }
    }

    fn unique<'a>(what: &str, codes: impl Iterator<Item = &'a str>) -> HashSet<&'a str> {
        let mut set = HashSet::new();
        for code in codes {
            assert!(set.insert(code), "{what} code {code} repeats");
        }
        set
    }

    /// Everything the dataset holds, computed once.
    struct All {
        regions: Vec<RegionInput>,
        contractors: Vec<ContractorInput>,
        sites: Vec<SiteInput>,
        elements: Vec<ElementInput>,
        customers: Vec<CustomerInput>,
        circuits: Vec<CircuitInput>,
        staff: Vec<StaffInput>,
        instruments: Vec<InstrumentInput>,
        vehicles: Vec<VehicleInput>,
    }

    fn all(demo: &Demo) -> All {
        All {
            regions: demo.regions(),
            contractors: demo.contractors(),
            sites: (0..demo.site_count()).map(|i| demo.site(i)).collect(),
            elements: (0..demo.element_count()).map(|i| demo.element(i)).collect(),
            customers: (0..demo.customer_count())
                .map(|i| demo.customer(i))
                .collect(),
            circuits: (0..demo.circuit_count()).map(|i| demo.circuit(i)).collect(),
            staff: (0..demo.staff_count()).map(|i| demo.staff(i)).collect(),
            instruments: demo.instruments(),
            vehicles: demo.vehicles(),
        }
    }

    #[test]
    fn sizes_at_scale_one_and_a_million_circuits_at_334() {
        let d = Demo::new(1);
        assert_eq!(d.regions().len(), 1 + 1 + 6 + 24);
        assert_eq!(d.contractors().len(), 3);
        assert_eq!(d.site_count(), 312);
        assert_eq!(d.element_count(), 3048);
        assert_eq!(d.customer_count(), 400);
        assert_eq!(d.circuit_count(), 3000);
        assert_eq!(d.staff_count(), 180);
        assert_eq!(Demo::new(0), Demo::new(1));
        let big = Demo::new(334);
        assert_eq!(big.circuit_count(), 1_002_000);
        assert_eq!(big.contractors().len(), 3);
        assert_eq!(
            big.regions()
                .iter()
                .filter(|r| r.level == RegionLevel::County)
                .count(),
            6
        );
        // What `jike bench import` relies on: scale ⌈rows / 3000⌉ has at least `rows` circuits.
        for rows in [1usize, 2999, 3000, 3001, 100_000] {
            let scale = rows.div_ceil(3000) as u32;
            assert!(Demo::new(scale).circuit_count() >= rows);
        }
    }

    #[test]
    fn every_item_at_scale_one_is_valid_unique_and_refers_to_existing_codes() {
        let d = Demo::new(1);
        let a = all(&d);
        a.regions.iter().for_each(valid);
        a.contractors.iter().for_each(valid);
        a.sites.iter().for_each(valid);
        a.elements.iter().for_each(valid);
        a.customers.iter().for_each(valid);
        a.circuits.iter().for_each(valid);
        a.staff.iter().for_each(valid);
        a.instruments.iter().for_each(valid);
        a.vehicles.iter().for_each(valid);

        // Unique codes per kind.
        let regions = unique("region", a.regions.iter().map(|r| r.code.as_str()));
        let contractors = unique("contractor", a.contractors.iter().map(|c| c.code.as_str()));
        let sites = unique("site", a.sites.iter().map(|s| s.code.as_str()));
        unique("element", a.elements.iter().map(|e| e.code.as_str()));
        let customers = unique("customer", a.customers.iter().map(|c| c.code.as_str()));
        unique("circuit", a.circuits.iter().map(|c| c.code.as_str()));
        let staff = unique("staff", a.staff.iter().map(|s| s.code.as_str()));
        unique("instrument", a.instruments.iter().map(|x| x.code.as_str()));
        unique("vehicle", a.vehicles.iter().map(|v| v.code.as_str()));

        // Regions: parents before children, at the right level.
        let level: HashMap<&str, RegionLevel> = a
            .regions
            .iter()
            .map(|r| (r.code.as_str(), r.level))
            .collect();
        let parent: HashMap<&str, &str> = a
            .regions
            .iter()
            .filter_map(|r| Some((r.code.as_str(), r.parent_code.as_deref()?)))
            .collect();
        let mut seen = HashSet::new();
        for r in &a.regions {
            if let Some(p) = &r.parent_code {
                assert!(
                    seen.contains(p.as_str()),
                    "{} comes before its parent",
                    r.code
                );
                assert_eq!(Some(level[p.as_str()]), r.level.parent_level());
            }
            seen.insert(r.code.as_str());
        }
        let is = |code: &str, l: RegionLevel| level.get(code) == Some(&l);

        // Who covers what.
        let mut covers: HashMap<(&str, MaintenanceDomain), &str> = HashMap::new();
        for c in &a.contractors {
            assert_eq!(
                c.contract_start,
                NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
            );
            assert_eq!(
                c.contract_end,
                NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()
            );
            for r in &c.region_codes {
                assert!(is(r, RegionLevel::County), "{r}");
                for &d in &c.domains {
                    let before = covers.insert((r.as_str(), d), c.code.as_str());
                    assert!(before.is_none(), "{r} {d} has two contractors");
                }
            }
        }

        let site_county: HashMap<&str, &str> = a
            .sites
            .iter()
            .map(|s| (s.code.as_str(), parent[s.region_code.as_str()]))
            .collect();
        for s in &a.sites {
            assert!(is(&s.region_code, RegionLevel::Grid), "{}", s.code);
        }

        let element_by_code: HashMap<&str, &ElementInput> =
            a.elements.iter().map(|e| (e.code.as_str(), e)).collect();
        for e in &a.elements {
            assert!(sites.contains(e.site_code.as_str()), "{}", e.code);
            let county = site_county[e.site_code.as_str()];
            match (&e.contractor_code, e.owner) {
                (Some(c), Owner::Operator) => {
                    assert_eq!(
                        Some(&c.as_str()),
                        covers.get(&(county, e.domain)),
                        "{}",
                        e.code
                    )
                }
                (None, Owner::Customer) => {}
                other => panic!("{}: {other:?}", e.code),
            }
        }

        for c in &a.customers {
            assert!(is(c.region_code.as_deref().unwrap(), RegionLevel::County));
        }
        let customer_county: HashMap<&str, &str> = a
            .customers
            .iter()
            .map(|c| (c.code.as_str(), c.region_code.as_deref().unwrap()))
            .collect();

        let mut with_circuits = HashSet::new();
        for c in &a.circuits {
            assert!(customers.contains(c.customer_code.as_str()), "{}", c.code);
            with_circuits.insert(c.customer_code.as_str());
            let county = c.region_code.as_deref().unwrap();
            assert!(is(county, RegionLevel::County));
            assert_eq!(customer_county[c.customer_code.as_str()], county);
            assert!(BANDWIDTHS_MBPS.iter().any(|&m| c.bandwidth == mbps(m)));
            let customer = &a.customers[c.customer_code[1..].parse::<usize>().unwrap() - 1];
            assert_eq!(customer.code, c.customer_code);
            assert_eq!(
                c.assurance_level,
                assurance_level(customer.grade, c.business_type)
            );
            let path = c.path.as_ref().unwrap();
            assert!((3..=7).contains(&path.len()), "{}: {path:?}", c.code);
            let mut segments = 0;
            for hop in path {
                match (&hop.element, &hop.segment) {
                    (Some(code), None) => {
                        let e = element_by_code
                            .get(code.as_str())
                            .unwrap_or_else(|| panic!("{}: no element {code}", c.code));
                        assert_eq!(site_county[e.site_code.as_str()], county, "{}", c.code);
                    }
                    (None, Some(_)) => {
                        segments += 1;
                        let contractor = hop.contractor.as_deref().unwrap();
                        assert!(contractors.contains(contractor));
                        assert_eq!(
                            Some(&contractor),
                            covers.get(&(county, hop.domain.unwrap()))
                        );
                    }
                    _ => panic!("{}: {hop:?}", c.code),
                }
            }
            assert!(segments >= 1);
            let first = element_by_code[path[0].element.as_deref().unwrap()];
            assert!(matches!(
                first.element_type,
                ElementType::Ptn | ElementType::Ipran | ElementType::Olt | ElementType::Mstp
            ));
            let last = element_by_code[path.last().unwrap().element.as_deref().unwrap()];
            assert_eq!(
                last.domain,
                MaintenanceDomain::CustomerTerminal,
                "{}",
                c.code
            );
        }
        assert_eq!(
            with_circuits.len(),
            customers.len(),
            "a customer has no line"
        );

        for s in &a.staff {
            assert!(contractors.contains(s.contractor_code.as_str()));
            assert!(is(&s.region_code, RegionLevel::County));
            assert_eq!(
                covers[&(s.region_code.as_str(), MaintenanceDomain::EnterpriseAccess)],
                s.contractor_code
            );
        }
        let staff_by_code: HashMap<&str, &StaffInput> =
            a.staff.iter().map(|s| (s.code.as_str(), s)).collect();
        for x in &a.instruments {
            assert!(contractors.contains(x.contractor_code.as_str()));
            assert!(regions.contains(x.region_code.as_str()));
            if let Some(holder) = &x.holder_code {
                assert!(staff.contains(holder.as_str()), "{}", x.code);
                let s = staff_by_code[holder.as_str()];
                assert_eq!(s.contractor_code, x.contractor_code);
                assert_eq!(s.region_code, x.region_code);
            }
        }
        for v in &a.vehicles {
            assert!(contractors.contains(v.contractor_code.as_str()));
            assert!(regions.contains(v.region_code.as_str()));
        }
    }

    #[test]
    fn a_sample_at_scale_334_is_valid_and_resolves() {
        let d = Demo::new(334);
        let regions: HashSet<String> = d.regions().into_iter().map(|r| r.code).collect();
        assert_eq!(regions.len(), 2 + 6 + 24 * 334);
        let contractors: HashSet<String> = d.contractors().into_iter().map(|c| c.code).collect();
        // A code ends in its index + 1: resolve by recomputing that item.
        let number = |code: &str| -> usize {
            code.rsplit('-')
                .next()
                .unwrap()
                .trim_start_matches('C')
                .parse::<usize>()
                .unwrap()
                - 1
        };
        let element_exists = |code: &str| {
            let i = number(code);
            i < d.element_count() && d.element(i).code == code
        };
        let site_exists = |code: &str| {
            let i = number(code);
            i < d.site_count() && d.site(i).code == code
        };
        let sample = |count: usize| {
            (0..1500)
                .map(move |k| (k * 104_729 + 17) % count)
                .chain([0, count - 1])
        };
        for i in sample(d.site_count()) {
            let s = d.site(i);
            valid(&s);
            assert!(regions.contains(&s.region_code));
        }
        for i in sample(d.element_count()) {
            let e = d.element(i);
            valid(&e);
            assert!(site_exists(&e.site_code));
            if let Some(c) = &e.contractor_code {
                assert!(contractors.contains(c));
            }
        }
        for i in sample(d.customer_count()) {
            let c = d.customer(i);
            valid(&c);
            assert!(regions.contains(c.region_code.as_ref().unwrap()));
        }
        for i in sample(d.circuit_count()) {
            let c = d.circuit(i);
            valid(&c);
            let k = number(&c.customer_code);
            assert!(k < d.customer_count() && d.customer(k).code == c.customer_code);
            assert!(regions.contains(c.region_code.as_ref().unwrap()));
            for hop in c.path.as_ref().unwrap() {
                if let Some(e) = &hop.element {
                    assert!(element_exists(e), "{}: {e}", c.code);
                } else {
                    assert!(contractors.contains(hop.contractor.as_ref().unwrap()));
                }
            }
        }
        for i in sample(d.staff_count()) {
            let s = d.staff(i);
            valid(&s);
            assert!(regions.contains(&s.region_code));
        }
        let staff: HashSet<String> = (0..d.staff_count()).map(|i| d.staff(i).code).collect();
        let instruments = d.instruments();
        unique("instrument", instruments.iter().map(|x| x.code.as_str()));
        for x in &instruments {
            valid(x);
            assert!(x.holder_code.as_ref().is_none_or(|h| staff.contains(h)));
            assert!(regions.contains(&x.region_code));
        }
        let vehicles = d.vehicles();
        unique("vehicle", vehicles.iter().map(|v| v.code.as_str()));
        for v in &vehicles {
            valid(v);
            assert!(regions.contains(&v.region_code));
        }
    }

    #[test]
    fn the_same_scale_gives_the_same_data() {
        let (a, b) = (all(&Demo::new(1)), all(&Demo::new(1)));
        assert_eq!(a.regions, b.regions);
        assert_eq!(a.contractors, b.contractors);
        assert_eq!(a.sites, b.sites);
        assert_eq!(a.elements, b.elements);
        assert_eq!(a.customers, b.customers);
        assert_eq!(a.circuits, b.circuits);
        assert_eq!(a.staff, b.staff);
        assert_eq!(a.instruments, b.instruments);
        assert_eq!(a.vehicles, b.vehicles);
        let big = Demo::new(334);
        assert_eq!(big.circuit(987_654), big.circuit(987_654));
    }

    #[test]
    fn grades_are_a_realistic_mix_and_important_customers_have_more_lines() {
        let d = Demo::new(1);
        let mut customers: HashMap<Grade, usize> = HashMap::new();
        for i in 0..d.customer_count() {
            *customers.entry(d.customer(i).grade).or_default() += 1;
        }
        for g in Grade::ALL {
            assert!(
                customers.get(g).copied().unwrap_or(0) > 0,
                "no {g} customer"
            );
        }
        assert!(customers[&Grade::Diamond] < customers[&Grade::Gold]);
        assert!(customers[&Grade::Gold] < customers[&Grade::Standard]);
        assert!(customers[&Grade::Diamond] * 100 < d.customer_count() * 6);

        let grade_of: Vec<Grade> = (0..d.customer_count())
            .map(|i| d.customer(i).grade)
            .collect();
        let mut lines: HashMap<Grade, usize> = HashMap::new();
        let mut levels: HashMap<AssuranceLevel, usize> = HashMap::new();
        let mut types: HashSet<BusinessType> = HashSet::new();
        for i in 0..d.circuit_count() {
            let c = d.circuit(i);
            let k: usize = c.customer_code[1..].parse().unwrap();
            *lines.entry(grade_of[k - 1]).or_default() += 1;
            *levels.entry(c.assurance_level).or_default() += 1;
            types.insert(c.business_type);
        }
        let per = |g: Grade| lines[&g] as f64 / customers[&g] as f64;
        assert!(per(Grade::Diamond) > 2.0 * per(Grade::Standard));
        assert_eq!(levels.len(), 4, "{levels:?}");
        assert_eq!(types.len(), LINE_TYPES.len());
    }

    #[test]
    fn assurance_follows_grade_and_business_type() {
        use AssuranceLevel::*;
        assert_eq!(assurance_level(Grade::Diamond, BusinessType::DataLine), Aaa);
        assert_eq!(assurance_level(Grade::Gold, BusinessType::DataLine), Aaa);
        assert_eq!(assurance_level(Grade::Gold, BusinessType::Broadband), A);
        assert_eq!(assurance_level(Grade::Silver, BusinessType::DataLine), Aa);
        assert_eq!(
            assurance_level(Grade::Standard, BusinessType::DataLine),
            Ordinary
        );
    }

    #[test]
    fn staffing_meets_the_rules_except_the_documented_education_shortfall() {
        let d = Demo::new(1);
        let staff: Vec<StaffInput> = (0..d.staff_count()).map(|i| d.staff(i)).collect();
        for firm in &CONTRACTORS {
            let mine: Vec<&StaffInput> = staff
                .iter()
                .filter(|s| s.contractor_code == firm.code)
                .collect();
            assert_eq!(mine.len(), STAFF_PER_CONTRACTOR);
            // R-S4.
            let bachelor = mine
                .iter()
                .filter(|s| s.education.is_bachelor_or_higher())
                .count();
            let complies = bachelor * 100 >= 60 * mine.len();
            assert_eq!(complies, firm.code != "CT03", "{}: {bachelor}", firm.code);
            assert!(mine.iter().all(|s| s.education.is_college_or_higher()));
            assert!(mine.iter().all(|s| s.years_experience >= 1));
            // R-S3.
            let core = mine.iter().filter(|s| s.years_core_network >= 2).count();
            assert!(core * 100 >= 5 * mine.len() && core >= 1);
            let data = mine
                .iter()
                .filter(|s| s.certificates.iter().any(|c| c.is_data_certificate()))
                .count();
            assert!(data * 100 >= 10 * mine.len());
        }
        // R-S2: every county, per contractor, two technicians and one enterprise-client holder.
        for c in d.contractors() {
            for region in &c.region_codes {
                let here: Vec<&StaffInput> = staff
                    .iter()
                    .filter(|s| s.contractor_code == c.code && &s.region_code == region)
                    .collect();
                assert!(here.len() >= 2);
                assert!(here
                    .iter()
                    .any(|s| s.certificates.contains(&Certificate::EnterpriseClient)));
            }
        }
        // R-S6: the aggregation kit per person, an emergency vehicle per contractor in the city.
        let instruments = d.instruments();
        for kind in InstrumentKind::PER_PERSON_AGGREGATION {
            assert!(instruments
                .iter()
                .any(|x| x.kind == *kind && x.holder_code.is_some()));
        }
        let vehicles = d.vehicles();
        for firm in &CONTRACTORS {
            assert!(vehicles.iter().any(|v| v.contractor_code == firm.code
                && v.region_code == CITY_CODE
                && v.kind == VehicleKind::EmergencyRepair
                && v.status == AssetStatus::InService));
        }
    }

    #[test]
    fn names_and_phones_look_real() {
        let d = Demo::new(1);
        let c = d.customer(0);
        assert!(c.contact_phone.len() == 11 && c.contact_phone.starts_with('1'));
        assert!(!c.contact_name.is_ascii());
        let names: HashSet<String> = (0..d.customer_count())
            .map(|i| d.customer(i).name)
            .collect();
        assert!(
            names.len() * 100 >= d.customer_count() * 95,
            "{}",
            names.len()
        );
        let e = d.element(0);
        assert_eq!(e.code, "GZ-PTN-000001");
        assert_eq!(d.customer(122).code, "C000123");
        assert!(d.circuit(122).code.ends_with("-0000123"));
    }
}
