//! The closed vocabularies of domain.md §11: each value has a stable code (what the API and the
//! database speak) and the Chinese names that imports and the console accept.

/// A closed vocabulary: parsed from its code (case-insensitive) or any of its Chinese names.
pub trait Vocabulary: Sized + Copy + 'static {
    /// What the vocabulary is called in error messages, e.g. `service grade`.
    const WHAT: &'static str;
    /// Every value, in display order.
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    /// The first Chinese name, used by the console and Chinese exports.
    fn zh(self) -> &'static str;
    fn aliases(self) -> &'static [&'static str];

    /// Parses a code or a Chinese name; surrounding white space is ignored.
    fn parse(text: &str) -> Result<Self, UnknownValue> {
        let text = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.code().eq_ignore_ascii_case(text) || v.aliases().contains(&text))
            .ok_or_else(|| UnknownValue {
                what: Self::WHAT,
                given: text.chars().take(80).collect(),
                allowed: Self::ALL.iter().map(|v| v.code()).collect(),
            })
    }
}

/// A value outside a vocabulary; the message lists the allowed codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} '{given}'; expected one of: {}", allowed.join(", "))]
pub struct UnknownValue {
    pub what: &'static str,
    pub given: String,
    pub allowed: Vec<&'static str>,
}

macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal [$($alias:literal),* $(,)?] ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $crate::vocab::Vocabulary for $name {
            const WHAT: &'static str = $what;
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn code(self) -> &'static str {
                match self { $(Self::$variant => $code),+ }
            }
            fn zh(self) -> &'static str {
                match self { $(Self::$variant => [$($alias,)* $code][0]),+ }
            }
            fn aliases(self) -> &'static [&'static str] {
                match self { $(Self::$variant => &[$($alias),*]),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::vocab::Vocabulary::code(*self))
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::vocab::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as $crate::vocab::Vocabulary>::parse(s)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str($crate::vocab::Vocabulary::code(*self))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <Self as $crate::vocab::Vocabulary>::parse(&text).map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::vocab::string_enum_schema::<$name>()
            }
        }
        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

/// The OpenAPI schema of a vocabulary: a string enum of its codes; the description lists the
/// Chinese names that are accepted too.
#[cfg(feature = "openapi")]
pub fn string_enum_schema<V: Vocabulary>() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>
{
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let names: Vec<String> = V::ALL
        .iter()
        .map(|v| format!("{} ({})", v.code(), v.aliases().join("/")))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(V::ALL.iter().map(|v| v.code())))
        .description(Some(format!(
            "{}; Chinese names are accepted on input: {}",
            V::WHAT,
            names.join(", ")
        )))
        .into()
}

vocabulary! {
    /// 客户服务等级 customer service grade (R-SL1).
    pub enum Grade ("service grade") {
        Diamond = "diamond" ["钻石", "钻石级"],
        Gold = "gold" ["金牌", "金牌级"],
        Silver = "silver" ["银牌", "银牌级"],
        Bronze = "bronze" ["铜牌", "铜牌级"],
        Standard = "standard" ["标准", "标准级"],
    }
}

impl Grade {
    /// 重要客户: diamond and gold by default (domain.md §3).
    pub fn is_important(self) -> bool {
        matches!(self, Grade::Diamond | Grade::Gold)
    }
}

vocabulary! {
    /// 业务保障等级 service assurance level (R-SL2), the default set.
    pub enum AssuranceLevel ("assurance level") {
        Aaa = "AAA" [],
        Aa = "AA" [],
        A = "A" [],
        Ordinary = "ordinary" ["普通"],
    }
}

vocabulary! {
    /// 业务种类 business type (R-BT).
    pub enum BusinessType ("business type") {
        DataLine = "data_line" ["数据专线"],
        InternetLine = "internet_line" ["互联网专线"],
        VoiceLine = "voice_line" ["语音专线"],
        TransmissionLine = "transmission_line" ["传输专线"],
        GprsApn = "gprs_apn" ["GPRS专线", "物联网专线"],
        SmsMms = "sms_mms" ["短彩信"],
        SmsGateway = "sms_gateway" ["企业信息机"],
        SchoolMessaging = "school_messaging" ["校讯通"],
        Video = "video" ["视频专线"],
        Broadband = "broadband" ["宽带"],
    }
}

vocabulary! {
    /// 范围 the reach of a line.
    pub enum Scope ("scope") {
        Local = "local" ["本地"],
        CrossCity = "cross_city" ["跨市", "跨地市"],
        CrossProvince = "cross_province" ["跨省"],
    }
}

vocabulary! {
    /// 区域层级 the level of a region in the tree province > city > county > grid.
    pub enum RegionLevel ("region level") {
        Province = "province" ["省"],
        City = "city" ["市", "地市"],
        County = "county" ["县", "区县"],
        Grid = "grid" ["网格"],
    }
}

impl RegionLevel {
    /// The level a parent must have; `None` for the root level.
    pub fn parent_level(self) -> Option<RegionLevel> {
        match self {
            RegionLevel::Province => None,
            RegionLevel::City => Some(RegionLevel::Province),
            RegionLevel::County => Some(RegionLevel::City),
            RegionLevel::Grid => Some(RegionLevel::County),
        }
    }
}

vocabulary! {
    /// 站点类型 kind of site.
    pub enum SiteKind ("site kind") {
        BaseStation = "base_station" ["基站"],
        AccessPoint = "access_point" ["综合业务接入点", "接入点"],
        CustomerPremises = "customer_premises" ["客户端", "客户机房", "客户侧"],
        MachineRoom = "machine_room" ["机房", "传输机房"],
        Other = "other" ["其他"],
    }
}

vocabulary! {
    /// 网元类型 network element type (domain.md §2, equipment).
    pub enum ElementType ("element type") {
        Onu = "onu" ["ONU"],
        Olt = "olt" ["OLT"],
        Pon = "pon" ["PON", "GPON"],
        Ptn = "ptn" ["PTN"],
        Ipran = "ipran" ["IPRAN"],
        Sdh = "sdh" ["SDH"],
        Mstp = "mstp" ["MSTP"],
        Wdm = "wdm" ["WDM", "DWDM", "波分"],
        Olp = "olp" ["OLP", "光线路保护"],
        ProtocolConverter = "protocol_converter" ["协议转换器", "协转"],
        OeConverter = "oe_converter" ["光电转换器", "光猫"],
        Router = "router" ["路由器"],
        Switch = "switch" ["交换机"],
        Firewall = "firewall" ["防火墙"],
        Bras = "bras" ["BRAS"],
        Pbx = "pbx" ["PBX", "程控交换机"],
        Iad = "iad" ["IAD"],
        WlanAp = "wlan_ap" ["WLAN AP", "AP"],
        WlanAc = "wlan_ac" ["WLAN AC", "AC"],
        SmsGateway = "sms_gateway" ["短信网关", "企业信息机"],
        VideoTerminal = "video_terminal" ["视频终端"],
        Odf = "odf" ["ODF", "光配线架"],
        Power = "power" ["电源", "动力"],
        Other = "other" ["其他"],
    }
}

vocabulary! {
    /// 产权 who owns an element.
    pub enum Owner ("owner") {
        Operator = "operator" ["运营商", "我方"],
        Customer = "customer" ["客户"],
    }
}

vocabulary! {
    /// 维护界面 maintenance domain (R-MD1..R-MD5).
    pub enum MaintenanceDomain ("maintenance domain") {
        /// R-MD1 数据汇聚层, up to (excluding) the ODF.
        Aggregation = "aggregation" ["数据汇聚层", "汇聚层"],
        /// R-MD2 集客接入.
        EnterpriseAccess = "enterprise_access" ["集客接入"],
        /// R-MD3 家客接入.
        HomeAccess = "home_access" ["家客接入"],
        /// R-MD4 传输接入 (2019 spec), its configurable part 2.
        TransmissionAccess = "transmission_access" ["传输接入", "线路"],
        /// R-MD5 客户侧终端设备.
        CustomerTerminal = "customer_terminal" ["客户侧终端", "客户端设备"],
    }
}

impl MaintenanceDomain {
    /// The rule id of domain.md that defines the domain.
    pub fn rule(self) -> &'static str {
        match self {
            MaintenanceDomain::Aggregation => "R-MD1",
            MaintenanceDomain::EnterpriseAccess => "R-MD2",
            MaintenanceDomain::HomeAccess => "R-MD3",
            MaintenanceDomain::TransmissionAccess => "R-MD4",
            MaintenanceDomain::CustomerTerminal => "R-MD5",
        }
    }
}

vocabulary! {
    /// 电路状态 the state of a circuit in the inventory.
    pub enum CircuitStatus ("circuit status") {
        Provisioning = "provisioning" ["开通中", "在建"],
        Active = "active" ["在用", "正常"],
        Suspended = "suspended" ["暂停", "停机"],
        Terminated = "terminated" ["拆除", "已拆除"],
    }
}

vocabulary! {
    /// 验收状态 whether a circuit's build has passed final acceptance (终验). Until it has, its
    /// faults are handled by the engineering department (工程建设部门), not a contractor (seed
    /// 6.4.1: 工程建设部门…负责…未终验业务的故障处理; R-W1).
    pub enum Acceptance ("acceptance") {
        FinalAccepted = "final_accepted" ["已终验"],
        NotFinalAccepted = "not_final_accepted" ["未终验"],
    }
}

vocabulary! {
    /// 学历 education.
    pub enum Education ("education") {
        Doctorate = "doctorate" ["博士"],
        Master = "master" ["硕士", "研究生"],
        Bachelor = "bachelor" ["本科"],
        College = "college" ["大专", "专科"],
        Secondary = "secondary" ["中专", "高中", "技校"],
        Other = "other" ["其他"],
    }
}

impl Education {
    /// R-S4: a bachelor's degree or higher.
    pub fn is_bachelor_or_higher(self) -> bool {
        matches!(
            self,
            Education::Doctorate | Education::Master | Education::Bachelor
        )
    }
    /// R-S4: a college diploma (大专) or higher.
    pub fn is_college_or_higher(self) -> bool {
        self.is_bachelor_or_higher() || self == Education::College
    }
}

vocabulary! {
    /// 证书 certificates held by contractor staff (R-S2, R-S3).
    pub enum Certificate ("certificate") {
        /// 集团业务客户端代维资格证, required of one technician per region (R-S2).
        EnterpriseClient = "enterprise_client" ["集团业务客户端代维资格证", "集客代维资格证", "代维资格证"],
        Ccna = "ccna" ["CCNA"],
        Ccnp = "ccnp" ["CCNP"],
        Ccie = "ccie" ["CCIE"],
        Hcne = "hcne" ["HCNE"],
        Hcia = "hcia" ["HCIA", "HCNA"],
        Hcip = "hcip" ["HCIP", "HCNP"],
        Hcie = "hcie" ["HCIE"],
        H3cne = "h3cne" ["H3CNE"],
        Electrician = "electrician" ["电工证", "低压电工证"],
        WorkAtHeight = "work_at_height" ["登高证", "高处作业证"],
    }
}

impl Certificate {
    /// R-S3: CCNA, HCNE or an equivalent data-communications certificate.
    pub fn is_data_certificate(self) -> bool {
        !matches!(
            self,
            Certificate::EnterpriseClient | Certificate::Electrician | Certificate::WorkAtHeight
        )
    }
}

vocabulary! {
    /// 培训等级 training level of a field engineer (R-S8).
    pub enum TrainingLevel ("training level") {
        Junior = "junior" ["初级"],
        Intermediate = "intermediate" ["中级"],
        Senior = "senior" ["高级"],
    }
}

vocabulary! {
    /// 仪器仪表 instruments and tools (R-S6, R-S7).
    pub enum InstrumentKind ("instrument kind") {
        Laptop = "laptop" ["笔记本电脑", "笔记本"],
        Crimper = "crimper" ["网线钳", "压线钳", "RJ45压线钳"],
        OpticalPowerMeter = "optical_power_meter" ["光功率计"],
        LightSource = "light_source" ["光源"],
        ToolKit = "tool_kit" ["工具包", "工具箱"],
        Multimeter = "multimeter" ["万用表"],
        PunchDown = "punch_down" ["打线刀"],
        E1Stripper = "e1_stripper" ["2M剥线钳", "2M压线钳"],
        CableTester = "cable_tester" ["测线仪", "网线测试仪"],
        SolderingIron = "soldering_iron" ["电烙铁"],
        FiberCleaningKit = "fiber_cleaning_kit" ["光纤清洁工具"],
        E1Tester = "e1_tester" ["2M误码仪", "2M测试仪"],
        Otdr = "otdr" ["OTDR"],
        FusionSplicer = "fusion_splicer" ["熔接机", "光纤熔接机"],
        FiberIdentifier = "fiber_identifier" ["光纤识别仪"],
        Attenuator = "attenuator" ["衰耗器"],
        PonPowerMeter = "pon_power_meter" ["PON光功率计"],
        PonOtdr = "pon_otdr" ["PON OTDR"],
        EthernetTester = "ethernet_tester" ["以太网测试仪"],
        Generator = "generator" ["发电机", "小型发电机"],
        InsulationTester = "insulation_tester" ["绝缘测试仪", "兆欧表"],
    }
}

impl InstrumentKind {
    /// R-S6: what each person of the aggregation layer carries.
    pub const PER_PERSON_AGGREGATION: &'static [InstrumentKind] = &[
        InstrumentKind::Laptop,
        InstrumentKind::Crimper,
        InstrumentKind::OpticalPowerMeter,
        InstrumentKind::LightSource,
        InstrumentKind::ToolKit,
    ];
}

vocabulary! {
    /// 车辆类型 vehicle kind (R-S6: one emergency repair vehicle per city).
    pub enum VehicleKind ("vehicle kind") {
        EmergencyRepair = "emergency_repair" ["抢修车", "应急抢修车"],
        Maintenance = "maintenance" ["维护车", "巡检车"],
    }
}

vocabulary! {
    /// 资产状态 the state of an instrument or a vehicle.
    pub enum AssetStatus ("asset status") {
        InService = "in_service" ["在用", "正常"],
        UnderRepair = "under_repair" ["维修", "维修中"],
        Retired = "retired" ["报废", "停用"],
    }
}

vocabulary! {
    /// 工单类型 the kind of a work order (§11).
    pub enum OrderKind ("order kind") {
        /// 故障 a fault order (§4).
        Fault = "fault" ["故障", "故障单"],
        /// 投诉 a complaint order, handled like a fault by default (R-F11).
        Complaint = "complaint" ["投诉", "投诉单"],
        /// 巡检 an inspection (R-W2).
        Inspection = "inspection" ["巡检", "现场巡检"],
        /// 开通 provisioning (R-W3).
        Provisioning = "provisioning" ["开通", "业务开通"],
        /// 资源勘查 a resource survey (R-W3).
        ResourceSurvey = "resource_survey" ["资源勘查", "勘查"],
        /// 交维验收 handover acceptance (R-W1).
        Handover = "handover" ["交维验收", "交维"],
        /// 资产清点 an asset count (R-W4).
        AssetCount = "asset_count" ["资产清点"],
    }
}

impl OrderKind {
    /// Faults and complaints (R-F11): an incident, with restoration, observation (R-F10) and
    /// escalation to joint handling (R-F4, R-F5); every other kind is planned work.
    pub fn is_incident(self) -> bool {
        matches!(self, OrderKind::Fault | OrderKind::Complaint)
    }
}

vocabulary! {
    /// 室 a room of the operator's network operations (§1, §11).
    pub enum Room ("room") {
        /// 监控室 / 网管中心 the monitoring room.
        Monitoring = "monitoring" ["监控室", "网管中心"],
        /// 传送网室 the transport room, lead room for transmission alarms (R-F2).
        Transport = "transport" ["传送网室"],
        /// 服务支撑室 the service support room, lead room for every other alarm (R-F2).
        ServiceSupport = "service_support" ["服务支撑室"],
        /// 数据室 the data room.
        Data = "data" ["数据室"],
        /// 核心网室 the core network room.
        Core = "core" ["核心网室"],
        /// 动力环境室 the power and environment room.
        Power = "power" ["动力环境室"],
    }
}

vocabulary! {
    /// 工单事件 what happened to a work order: every change of an order is one append-only
    /// event of one of these types (see `order.rs`).
    pub enum EventType ("event type") {
        /// 故障发生 the fault occurred (or the complaint came in): the start of restoration time.
        Occurred = "occurred" ["故障发生", "发生"],
        /// 派单 dispatched to the handler (the lead room R-F2, or a contractor).
        Dispatched = "dispatched" ["派单"],
        /// 受理 accepted by the handler.
        Accepted = "accepted" ["受理"],
        /// 联系客户 the customer's technical contact was reached (R-F8).
        CustomerContacted = "customer_contacted" ["联系客户", "已联系客户"],
        /// 出发 on the way to the site.
        EnRoute = "en_route" ["出发", "在途"],
        /// 到达现场 on site (R-F4: within 2 h for important customers).
        OnSite = "on_site" ["到达现场", "到场"],
        /// 挂起 suspended, with a reason and an approver (R-C3): every running clock pauses.
        Suspended = "suspended" ["挂起"],
        /// 解挂 resumed after a suspension: the clocks run again.
        Resumed = "resumed" ["解挂", "恢复计时"],
        /// 业务恢复 service restored (先抢通, R-F1).
        Restored = "restored" ["业务恢复"],
        /// 观察 start of the observation after restoration (R-F10).
        Observing = "observing" ["观察", "开始观察"],
        /// 客户确认 the customer confirmed the service is back (R-F10).
        Confirmed = "confirmed" ["客户确认"],
        /// 回单 the handler's reply: the order goes back to the dispatcher.
        Replied = "replied" ["回单"],
        /// 归档 closed and archived.
        Closed = "closed" ["归档", "关闭"],
        /// 驳回 rejected back to the dispatcher.
        Rejected = "rejected" ["驳回"],
        /// 转派 reassigned to another handler.
        Reassigned = "reassigned" ["转派"],
        /// 重开 reopened: the problem is back.
        Reopened = "reopened" ["重开"],
        /// 进展通报 a progress update published (R-F6, hourly during joint handling).
        UpdatePublished = "update_published" ["进展通报"],
        /// 验收通过 handover acceptance passed (R-W1).
        Passed = "passed" ["验收通过"],
        /// 资料移交 the handover documents were delivered (R-W1).
        DocumentsDelivered = "documents_delivered" ["资料移交", "资料交付"],
        /// 完成 the work is done (inspection, provisioning, survey, asset count).
        Completed = "completed" ["完成", "已完成"],
        /// 指派 assigned to a person of the order's contractor (a technician, 代维人员); the
        /// state does not change (issue 14).
        Assigned = "assigned" ["指派"],
    }
}

vocabulary! {
    /// 工单状态 the state of a work order, derived from its events (EOMS style).
    pub enum OrderState ("order state") {
        /// 新建 created, not yet dispatched.
        New = "new" ["新建"],
        /// 已派单 dispatched.
        Dispatched = "dispatched" ["已派单", "派单"],
        /// 已受理 accepted.
        Accepted = "accepted" ["已受理", "受理"],
        /// 处理中 in progress (sub-steps: customer contacted, en route, on site).
        InProgress = "in_progress" ["处理中"],
        /// 挂起 suspended (R-C3).
        Suspended = "suspended" ["挂起", "已挂起"],
        /// 已驳回 rejected back to the dispatcher.
        Rejected = "rejected" ["已驳回", "驳回"],
        /// 业务恢复 service restored, observation running (R-F10).
        Restored = "restored" ["业务恢复", "已恢复"],
        /// 观察中 observing after restoration (R-F10).
        Observing = "observing" ["观察中"],
        /// 客户已确认 the customer confirmed.
        Confirmed = "confirmed" ["客户已确认", "已确认"],
        /// 验收通过 handover acceptance passed, documents due (R-W1).
        Passed = "passed" ["验收通过", "已验收"],
        /// 已完成 the work is done (planned work; handover: documents delivered).
        Completed = "completed" ["已完成", "完成"],
        /// 已回单 replied.
        Replied = "replied" ["已回单", "回单"],
        /// 已归档 closed.
        Closed = "closed" ["已归档", "归档"],
    }
}

/// Writes a list of vocabulary codes joined by `sep`.
pub fn join_codes<V: Vocabulary>(values: &[V], sep: &str) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(v.code());
    }
    out
}

/// Parses a list of vocabulary values separated by commas, semicolons, `、` or `/`.
pub fn parse_list<V: Vocabulary + Ord>(text: &str) -> Result<Vec<V>, UnknownValue> {
    let mut out: Vec<V> = text
        .split([',', ';', '，', '；', '、', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(V::parse)
        .collect::<Result<_, _>>()?;
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grade_parses_code_chinese_and_suffixed_chinese() {
        assert_eq!(Grade::parse("gold").unwrap(), Grade::Gold);
        assert_eq!(Grade::parse(" GOLD ").unwrap(), Grade::Gold);
        assert_eq!(Grade::parse("金牌").unwrap(), Grade::Gold);
        assert_eq!(Grade::parse("钻石级").unwrap(), Grade::Diamond);
        assert_eq!(Grade::Gold.zh(), "金牌");
    }

    #[test]
    fn unknown_value_lists_the_allowed_codes() {
        let err = Scope::parse("跨国").unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown scope '跨国'; expected one of: local, cross_city, cross_province"
        );
    }

    #[test]
    fn every_code_and_alias_round_trips_and_none_is_shared() {
        fn check<V: Vocabulary + PartialEq + std::fmt::Debug>() {
            let mut seen = std::collections::HashSet::new();
            for v in V::ALL {
                assert_eq!(V::parse(v.code()).unwrap(), *v);
                assert!(seen.insert(v.code().to_lowercase()), "{} repeats", v.code());
                for a in v.aliases() {
                    assert_eq!(V::parse(a).unwrap(), *v, "alias {a}");
                    assert!(seen.insert(a.to_lowercase()) || a.eq_ignore_ascii_case(v.code()));
                }
            }
        }
        check::<Grade>();
        check::<AssuranceLevel>();
        check::<BusinessType>();
        check::<Scope>();
        check::<RegionLevel>();
        check::<SiteKind>();
        check::<ElementType>();
        check::<Owner>();
        check::<MaintenanceDomain>();
        check::<CircuitStatus>();
        check::<Acceptance>();
        check::<Education>();
        check::<Certificate>();
        check::<TrainingLevel>();
        check::<InstrumentKind>();
        check::<VehicleKind>();
        check::<AssetStatus>();
        check::<OrderKind>();
        check::<Room>();
        check::<EventType>();
        check::<OrderState>();
    }

    #[test]
    fn serde_writes_codes_and_reads_chinese() {
        let g: BusinessType = serde_json::from_str("\"数据专线\"").unwrap();
        assert_eq!(g, BusinessType::DataLine);
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"data_line\"");
        let err = serde_json::from_str::<BusinessType>("\"fax\"").unwrap_err();
        assert!(err.to_string().contains("unknown business type 'fax'"));
    }

    #[test]
    fn lists_accept_chinese_separators_and_dedupe() {
        let certs: Vec<Certificate> = parse_list("CCNA、HCNE, ccna").unwrap();
        assert_eq!(certs, vec![Certificate::Ccna, Certificate::Hcne]);
        assert_eq!(join_codes(&certs, ","), "ccna,hcne");
        assert!(parse_list::<Certificate>("CCNA, 驾照").is_err());
    }
}
