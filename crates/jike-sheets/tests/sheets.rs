//! Import and export of the nine kinds through CSV and `.xlsx`: round trips, header languages,
//! encodings, and the import contract: a bad file gives every problem with row, column and
//! reason, and no input makes the reader panic.

use std::fmt::Debug;
use std::net::{IpAddr, Ipv4Addr};

use jike_domain::{
    Acceptance, AssetStatus, AssuranceLevel, Bandwidth, BusinessType, Certificate, CircuitInput,
    CircuitStatus, ContractorInput, CustomerInput, Education, ElementInput, ElementType, Grade,
    HopInput, InstrumentInput, InstrumentKind, MaintenanceDomain, Owner, RegionInput, RegionLevel,
    Scope, SiteInput, SiteKind, StaffInput, TrainingLevel, VehicleInput, VehicleKind,
};
use jike_sheets::{
    column_label, read, write, Format, HeaderLang, Kind, Parsed, RowError, Sheet, SheetError,
    MAX_ERRORS,
};

// ---------------------------------------------------------------------------------------------
// Samples

fn customers() -> Vec<CustomerInput> {
    vec![
        CustomerInput {
            code: "C001".into(),
            name: "市第一人民医院".into(),
            industry: "医疗".into(),
            grade: Grade::Gold,
            account_manager: "王经理".into(),
            contact_name: "张伟".into(),
            contact_phone: "13812345678".into(),
            region_code: Some("GZ".into()),
        },
        CustomerInput {
            code: "C002".into(),
            name: "地铁集团, \"总部\"".into(),
            industry: String::new(),
            grade: Grade::Diamond,
            account_manager: String::new(),
            contact_name: String::new(),
            contact_phone: "020-88887777".into(),
            region_code: None,
        },
    ]
}

fn circuit(code: &str, path: Option<Vec<HopInput>>) -> CircuitInput {
    CircuitInput {
        code: code.into(),
        customer_code: "C001".into(),
        business_type: BusinessType::DataLine,
        scope: Scope::CrossCity,
        bandwidth: Bandwidth::parse("2.5G").unwrap(),
        a_end: "广州市天河区体育西路 1 号".into(),
        z_end: "深圳市福田区\n深南大道 2 号".into(),
        assurance_level: AssuranceLevel::Aaa,
        status: CircuitStatus::Active,
        region_code: Some("GZ".into()),
        acceptance: Acceptance::FinalAccepted,
        builder_name: String::new(),
        builder_phone: String::new(),
        path,
    }
}

fn circuits() -> Vec<CircuitInput> {
    vec![
        circuit(
            "GZ-DL-0001",
            Some(vec![
                HopInput::element("OLT-0001"),
                HopInput::segment("FIB-0001", MaintenanceDomain::Aggregation, "CT01"),
                HopInput::element("ONU-0001"),
            ]),
        ),
        CircuitInput {
            scope: Scope::Local,
            bandwidth: Bandwidth::parse("100M").unwrap(),
            assurance_level: AssuranceLevel::Ordinary,
            status: CircuitStatus::Suspended,
            region_code: None,
            acceptance: Acceptance::FinalAccepted,
            builder_name: String::new(),
            builder_phone: String::new(),
            ..circuit("GZ-DL-0002", Some(vec![]))
        },
    ]
}

fn sites() -> Vec<SiteInput> {
    vec![
        SiteInput {
            code: "S001".into(),
            name: "天河基站".into(),
            kind: SiteKind::BaseStation,
            address: "天河路 100 号".into(),
            region_code: "GZ".into(),
            longitude: Some(113.324_520_1),
            latitude: Some(23.1),
        },
        SiteInput {
            code: "S002".into(),
            name: "客户机房".into(),
            kind: SiteKind::CustomerPremises,
            address: String::new(),
            region_code: "SZ".into(),
            longitude: Some(114.0),
            latitude: None,
        },
    ]
}

fn elements() -> Vec<ElementInput> {
    vec![
        ElementInput {
            code: "OLT-0001".into(),
            name: "天河OLT".into(),
            element_type: ElementType::Olt,
            vendor: "华为".into(),
            model: "MA5800-X17".into(),
            management_ip: Some(IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))),
            site_code: "S001".into(),
            owner: Owner::Operator,
            domain: MaintenanceDomain::Aggregation,
            contractor_code: Some("CT01".into()),
        },
        ElementInput {
            code: "ONU-0001".into(),
            name: "医院ONU".into(),
            element_type: ElementType::Onu,
            vendor: String::new(),
            model: String::new(),
            management_ip: Some("2001:db8::1".parse().unwrap()),
            site_code: "S002".into(),
            owner: Owner::Customer,
            domain: MaintenanceDomain::CustomerTerminal,
            contractor_code: None,
        },
    ]
}

fn staff() -> Vec<StaffInput> {
    vec![
        StaffInput {
            code: "0001".into(),
            name: "李工".into(),
            contractor_code: "CT01".into(),
            region_code: "GZ".into(),
            education: Education::Bachelor,
            major: "通信工程".into(),
            years_experience: 8,
            years_core_network: 3,
            certificates: vec![Certificate::EnterpriseClient, Certificate::Ccna],
            training_level: TrainingLevel::Senior,
            phone: "13900001111".into(),
        },
        StaffInput {
            code: "0002".into(),
            name: "陈工".into(),
            contractor_code: "CT01".into(),
            region_code: "GZ".into(),
            education: Education::College,
            major: String::new(),
            years_experience: 0,
            years_core_network: 0,
            certificates: vec![],
            training_level: TrainingLevel::Junior,
            phone: String::new(),
        },
    ]
}

// ---------------------------------------------------------------------------------------------
// Helpers

fn errors<T: Sheet + Debug>(format: Format, bytes: &[u8]) -> Vec<RowError> {
    match read::<T>(format, bytes) {
        Err(SheetError::Invalid(rows)) => rows,
        other => panic!("expected an invalid file, got {other:?}"),
    }
}

fn records<T: Sheet + Debug>(format: Format, bytes: &[u8]) -> Vec<T> {
    match read::<T>(format, bytes) {
        Ok(parsed) => parsed.into_records(),
        Err(e) => panic!("{e}"),
    }
}

fn csv_of<T: Sheet + Debug>(text: &str) -> Result<Parsed<T>, SheetError> {
    read::<T>(Format::Csv, text.as_bytes())
}

fn round_trip<T: Sheet + Debug + PartialEq>(original: &[T]) {
    for format in [Format::Csv, Format::Xlsx] {
        for lang in [HeaderLang::Chinese, HeaderLang::English] {
            let bytes = write(format, original, lang).unwrap();
            assert_eq!(Format::sniff(&bytes), format);
            let parsed = read::<T>(format, &bytes)
                .unwrap_or_else(|e| panic!("{} {format} {lang:?}: {e}", T::KIND));
            let rows: Vec<usize> = parsed.rows.iter().map(|(r, _)| *r).collect();
            assert_eq!(rows, (2..2 + original.len()).collect::<Vec<_>>());
            assert_eq!(
                parsed.into_records(),
                original,
                "{} {format} {lang:?}",
                T::KIND
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Round trips

#[test]
fn every_kind_round_trips_through_csv_and_xlsx() {
    round_trip(&customers());
    round_trip(&circuits());
    round_trip(&sites());
    round_trip(&elements());
    round_trip(&staff());
    round_trip(&regions());
    round_trip(&contractors());
    round_trip(&instruments());
    round_trip(&vehicles());
}

fn regions() -> Vec<RegionInput> {
    let region = |code: &str, name: &str, level, parent: Option<&str>| RegionInput {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(Into::into),
    };
    vec![
        region("GD", "广东省", RegionLevel::Province, None),
        region("GZ", "广州市", RegionLevel::City, Some("广东省")),
        region("TH", "天河区", RegionLevel::County, Some("GZ")),
        region("TH-01", "天河 网格 1", RegionLevel::Grid, Some("天河区")),
    ]
}

fn contractors() -> Vec<ContractorInput> {
    vec![ContractorInput {
        code: "CT01".into(),
        name: "南粤通服".into(),
        contract_start: chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        contract_end: chrono::NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        region_codes: vec!["天河区".into(), "GZ-BY".into()],
        domains: vec![
            MaintenanceDomain::Aggregation,
            MaintenanceDomain::EnterpriseAccess,
        ],
    }]
}

fn instruments() -> Vec<InstrumentInput> {
    vec![
        InstrumentInput {
            code: "YQ-1".into(),
            kind: InstrumentKind::Otdr,
            contractor_code: "CT01".into(),
            region_code: "天河区".into(),
            holder_code: Some("CT01-00001".into()),
            status: AssetStatus::UnderRepair,
        },
        InstrumentInput {
            code: "YQ-2".into(),
            kind: InstrumentKind::Laptop,
            contractor_code: "CT01".into(),
            region_code: "TH".into(),
            holder_code: None,
            status: AssetStatus::InService,
        },
    ]
}

fn vehicles() -> Vec<VehicleInput> {
    vec![VehicleInput {
        code: "粤A12345".into(),
        kind: VehicleKind::EmergencyRepair,
        contractor_code: "CT01".into(),
        region_code: "GZ".into(),
        status: AssetStatus::InService,
    }]
}

#[test]
fn region_files_take_chinese_levels_and_refuse_unknown_ones_once() {
    let text = "区域编码,区域名称,级别,上级区域\n\
                GD,广东省,省,\n\
                GZ,广州市,地市,广东省\n\
                TH,天河区,区县,GZ\n\
                TH-01,天河网格1,网格,TH\n";
    let read: Vec<RegionInput> = records(Format::Csv, text.as_bytes());
    let levels: Vec<RegionLevel> = read.iter().map(|r| r.level).collect();
    assert_eq!(
        levels,
        [
            RegionLevel::Province,
            RegionLevel::City,
            RegionLevel::County,
            RegionLevel::Grid
        ]
    );
    // An unknown level is one problem on its column (not also "a province has no parent"); a
    // city without a parent is another.
    let text = "code,name,level,parent\nX,某区,district,GZ\nY,某市,市,\n";
    let errs = errors::<RegionInput>(Format::Csv, text.as_bytes());
    let at: Vec<(usize, Option<&str>)> =
        errs.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(at, [(2, Some("level")), (3, Some("parent"))], "{errs:#?}");
    assert!(errs[0].reason.contains("'district'"), "{}", errs[0].reason);
    assert_eq!(errs[1].reason, "a city needs a parent province");
}

#[test]
fn contract_dates_read_as_spreadsheets_write_them() {
    let text = "代维公司编码,代维公司名称,合同开始日期,合同结束日期,合同区域,维护界面\n\
                CT1,甲,2025/1/1,2027年12月31日,天河区、GZ-BY,集客接入\n\
                CT2,乙,2025-13-01,,,\n";
    let errs = errors::<ContractorInput>(Format::Csv, text.as_bytes());
    let at: Vec<(usize, Option<&str>)> =
        errs.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        at,
        [(3, Some("合同开始日期")), (3, Some("合同结束日期"))],
        "{errs:#?}"
    );
    let good: Vec<ContractorInput> = records(
        Format::Csv,
        text.lines()
            .take(2)
            .collect::<Vec<_>>()
            .join("\n")
            .as_bytes(),
    );
    assert_eq!(good[0].contract_end.to_string(), "2027-12-31");
    assert_eq!(good[0].region_codes, ["天河区", "GZ-BY"]);
}

#[test]
fn circuits_without_a_path_leave_the_column_out_and_read_back_without_one() {
    let kept = vec![circuit("A1", None), circuit("A2", None)];
    round_trip(&kept);
    let csv = String::from_utf8(write(Format::Csv, &kept, HeaderLang::Chinese).unwrap()).unwrap();
    assert!(!csv.lines().next().unwrap().contains("路由"), "{csv}");

    // A 路由 column with an empty cell clears the path; without the column the path is kept.
    let header = "专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级";
    let without: Vec<CircuitInput> = records(
        Format::Csv,
        format!("{header}\nX1,C1,数据专线,本地,2M,a,z,AA\n").as_bytes(),
    );
    assert_eq!(without[0].path, None);
    let cleared: Vec<CircuitInput> = records(
        Format::Csv,
        format!("{header},路由\nX1,C1,数据专线,本地,2M,a,z,AA,\n").as_bytes(),
    );
    assert_eq!(cleared[0].path, Some(vec![]));
}

#[test]
fn the_path_notation_is_written_on_one_line() {
    let csv =
        String::from_utf8(write(Format::Csv, &circuits(), HeaderLang::English).unwrap()).unwrap();
    assert!(
        csv.contains("OLT-0001 > [FIB-0001;aggregation;CT01] > ONU-0001"),
        "{csv}"
    );
    assert!(csv.starts_with(
        "\u{feff}code,customer_code,business_type,scope,bandwidth,a_end,z_end,assurance_level,region,status,path,acceptance,builder_name,builder_phone\n"
    ));
}

#[test]
fn an_empty_export_is_a_header_that_reads_back_as_no_records() {
    for format in [Format::Csv, Format::Xlsx] {
        let bytes = write::<StaffInput>(format, &[], HeaderLang::Chinese).unwrap();
        assert!(read::<StaffInput>(format, &bytes).unwrap().rows.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------
// Headers and values

#[test]
fn chinese_english_and_mixed_headers_read_the_same() {
    let chinese = "客户编码,客户名称,行业,服务等级,客户经理,联系人,联系电话,区域\n\
                   C001,市第一人民医院,医疗,金牌,王经理,张伟,13812345678,GZ\n";
    let english =
        "Code, NAME ,industry,grade,account_manager,contact_name,contact_phone,region_code\n\
                   C001,市第一人民医院,医疗,gold,王经理,张伟,13812345678,GZ\n";
    // Another order, a BOM, a required mark and only some of the optional columns.
    let mixed =
        "\u{feff}服务等级, code*,客户名称,Region,联系电话,industry,联系人,account_manager\n\
                 金牌级,  C001 ,市第一人民医院,GZ,13812345678,医疗,张伟,王经理\n";
    let expected = vec![customers().remove(0)];
    for text in [chinese, english, mixed] {
        let got: Vec<CustomerInput> = records(Format::Csv, text.as_bytes());
        assert_eq!(got, expected, "{text}");
    }
}

#[test]
fn vocabulary_cells_take_codes_or_chinese_names() {
    let text = "专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级,状态,路由\n\
                X1,C1,互联网专线,跨省,1G,a,z,普通,拆除,[F1;线路;CT9] > R-1\n\
                X2,C1,internet_line,CROSS_PROVINCE,1000M,a,z,ordinary,terminated,[F1;transmission_access;CT9] > R-1\n";
    let got: Vec<CircuitInput> = records(Format::Csv, text.as_bytes());
    assert_eq!(
        got[0],
        CircuitInput {
            code: "X1".into(),
            ..got[1].clone()
        }
    );
    assert_eq!(got[0].business_type, BusinessType::InternetLine);
    assert_eq!(got[0].status, CircuitStatus::Terminated);
    assert_eq!(
        got[0].path.as_ref().unwrap()[0],
        HopInput::segment("F1", MaintenanceDomain::TransmissionAccess, "CT9")
    );
}

#[test]
fn staff_certificates_are_a_list() {
    let text = "工号,姓名,代维公司,区域,学历,工作年限,核心网年限,证书,培训等级\n\
                0001,李工,CT01,GZ,本科,8,3.0,\"CCNA、代维资格证\",高级\n";
    let got: Vec<StaffInput> = records(Format::Csv, text.as_bytes());
    assert_eq!(
        got[0].certificates,
        [Certificate::EnterpriseClient, Certificate::Ccna]
    );
    assert_eq!((got[0].years_experience, got[0].years_core_network), (8, 3));
}

#[test]
fn gbk_csv_as_excel_in_china_saves_it_reads() {
    let text = "客户编码,客户名称,服务等级,区域\r\nC001,市第一人民医院,金牌,GZ\r\n";
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the test needs non-UTF-8 bytes"
    );
    let got: Vec<CustomerInput> = records(Format::Csv, &gbk);
    assert_eq!(got[0].name, "市第一人民医院");
    assert_eq!(got[0].grade, Grade::Gold);
}

#[test]
fn blank_rows_are_skipped_and_counted_in_row_numbers() {
    // Row 3 is an empty line, row 4 a row of empty cells, row 6 is bad.
    let text = "客户编码,客户名称,服务等级\nC1,甲,金牌\n\n,,\nC2,乙,银牌\nC3,丙,白金\n";
    let errs = errors::<CustomerInput>(Format::Csv, text.as_bytes());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0].row, 6);

    let good = "客户编码,客户名称,服务等级\nC1,甲,金牌\n\n,,\nC2,\"乙\n(分部)\",银牌\nC3,丙,铜牌\n";
    let parsed = csv_of::<CustomerInput>(good).unwrap();
    let rows: Vec<usize> = parsed.rows.iter().map(|(r, _)| *r).collect();
    assert_eq!(rows, [2, 5, 6]);
    assert_eq!(parsed.rows[1].1.name, "乙\n(分部)");
}

#[test]
fn a_header_without_data_rows_is_a_valid_empty_file() {
    let parsed = csv_of::<CustomerInput>("客户编码,客户名称,服务等级\r\n\r\n,,\r\n").unwrap();
    assert!(parsed.rows.is_empty());
}

#[test]
fn column_labels_map_fields_to_headers() {
    assert_eq!(
        column_label::<CustomerInput>("region_code", HeaderLang::Chinese),
        Some("区域")
    );
    assert_eq!(
        column_label::<CustomerInput>("region_code", HeaderLang::English),
        Some("region")
    );
    assert_eq!(
        column_label::<StaffInput>("contractor_code", HeaderLang::Chinese),
        Some("代维公司")
    );
    assert_eq!(
        column_label::<ElementInput>("element_type", HeaderLang::English),
        Some("type")
    );
    assert_eq!(
        column_label::<CircuitInput>("customer_code", HeaderLang::Chinese),
        Some("客户编码")
    );
    assert_eq!(
        column_label::<CircuitInput>("colour", HeaderLang::Chinese),
        None
    );
}

#[test]
fn kinds_and_formats_parse_and_print() {
    for kind in Kind::ALL {
        assert_eq!(kind.to_string().parse::<Kind>().unwrap(), kind);
        assert_eq!(kind.zh().parse::<Kind>().unwrap(), kind);
    }
    assert_eq!("专线".parse::<Kind>().unwrap(), Kind::Circuits);
    assert_eq!("人员".parse::<Kind>().unwrap(), Kind::Staff);
    assert!("planets".parse::<Kind>().is_err());
    assert_eq!("XLSX".parse::<Format>().unwrap(), Format::Xlsx);
    assert_eq!("csv".parse::<Format>().unwrap(), Format::Csv);
    assert!("xls".parse::<Format>().is_err());
    assert_eq!(
        Format::from_path(std::path::Path::new("/tmp/客户.XLSX")),
        Some(Format::Xlsx)
    );
    assert_eq!(
        Format::from_path(std::path::Path::new("a.csv")),
        Some(Format::Csv)
    );
    assert_eq!(Format::from_path(std::path::Path::new("a.txt")), None);
    assert_eq!(Format::sniff(b"PK\x03\x04rest"), Format::Xlsx);
    assert_eq!(Format::sniff("客户编码".as_bytes()), Format::Csv);
    assert_eq!(Format::Xlsx.extension(), "xlsx");
    assert!(Format::Csv.content_type().starts_with("text/csv"));
    assert_eq!(HeaderLang::default(), HeaderLang::Chinese);
}

// ---------------------------------------------------------------------------------------------
// Errors

#[test]
fn a_file_with_bad_rows_gives_every_problem_with_row_and_column() {
    // Row 2 is good; every other row has one or more problems.
    let text = "\
专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级,区域,状态,路由
GZ-1,C1,数据专线,本地,100M,a,z,AAA,GZ,,OLT-1 > ONU-1
GZ-2,C1,数据专线,本地,100X,a,z,AAA,GZ,,
GZ 3,C 1,传真,跨国,,a,,AAA,,,
GZ-4,C1,数据专线,本地,2M,a,z,钻石,GZ,在用,OLT-1 > [F1;aggregation]
GZ-1,C1,数据专线,本地,2M,a,z,AA,G Z,,OLT-1 > [;aggregation;CT1]
GZ-6,C1,数据专线,本地,2M,a,z
GZ-7,C1,数据专线,本地,2M,a,z,AA,,,A > > B
";
    // A region is named by its code or its name, spaces allowed, but not by a whole paragraph.
    let text = text.replace("G Z", &"区".repeat(201));
    let errs = errors::<CircuitInput>(Format::Csv, text.as_bytes());
    let rows: Vec<usize> = errs.iter().map(|e| e.row).collect();
    assert!(rows.is_sorted());
    assert!(!rows.contains(&2), "row 2 is good: {errs:#?}");
    insta::assert_json_snapshot!("bad_circuit_rows", errs);

    assert_eq!(
        errs[0].to_string(),
        "row 3, column 带宽: '100X' is not a bandwidth (write e.g. 2M, 100M, 1G)"
    );
}

#[test]
fn validation_problems_land_on_the_columns_the_user_wrote() {
    // English headers: the columns are named as the file names them.
    let text = "code,name,grade,contact_phone,REGION_CODE\n\
                C 1,,gold,12,G Z\n"
        .replace("G Z", &"区".repeat(201));
    let errs = errors::<CustomerInput>(Format::Csv, text.as_bytes());
    let columns: Vec<Option<&str>> = errs.iter().map(|e| e.column.as_deref()).collect();
    assert_eq!(
        columns,
        [
            Some("code"),
            Some("name"),
            Some("contact_phone"),
            Some("REGION_CODE")
        ]
    );
    assert!(errs.iter().all(|e| e.row == 2));
}

#[test]
fn staff_rule_problems_name_their_columns() {
    let text = "工号,姓名,代维公司,区域,学历,工作年限,核心网年限,证书,培训等级,联系电话\n\
                0001,李工,CT 1,GZ,本科,2,3,CCNA、驾照,特级,abc\n\
                0002,陈工,CT1,GZ,大专,300,x,,初级,\n";
    let errs = errors::<StaffInput>(Format::Csv, text.as_bytes());
    insta::assert_json_snapshot!("bad_staff_rows", errs);
}

#[test]
fn header_problems_are_reported_alone() {
    let missing = "客户编码,行业\nC1,医疗\n";
    let errs = errors::<CustomerInput>(Format::Csv, missing.as_bytes());
    let reasons: Vec<&str> = errs.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "the required column 客户名称 (name) is missing",
            "the required column 服务等级 (grade) is missing"
        ]
    );
    assert!(errs.iter().all(|e| e.row == 1 && e.column.is_none()));

    let unknown = "客户编码,客户名称,服务等级,颜色\nC1,甲,金牌,红\nC1,甲,金牌,红\n";
    let errs = errors::<CustomerInput>(Format::Csv, unknown.as_bytes());
    assert_eq!(errs.len(), 1, "only the header is reported: {errs:?}");
    assert_eq!((errs[0].row, errs[0].column.as_deref()), (1, Some("颜色")));
    assert!(errs[0].reason.starts_with("unknown column '颜色'; the accepted columns are 客户编码 (code)*, 客户名称 (name)*, 行业 (industry),"), "{}", errs[0].reason);

    let twice = "客户编码,客户名称,服务等级,Code\nC1,甲,金牌,C1\n";
    let errs = errors::<CustomerInput>(Format::Csv, twice.as_bytes());
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].column.as_deref(), Some("Code"));
    assert_eq!(
        errs[0].reason,
        "column D 'Code' repeats column A '客户编码': both are 客户编码 (code)"
    );
}

#[test]
fn a_code_given_twice_is_reported_on_the_later_row() {
    let text = "客户编码,客户名称,服务等级\nC1,甲,金牌\nC2,乙,金牌\nC1,丙,银牌\nC1,丁,银牌\n";
    let errs = errors::<CustomerInput>(Format::Csv, text.as_bytes());
    let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "row 4, column 客户编码: the code 'C1' is already on row 2",
            "row 5, column 客户编码: the code 'C1' is already on row 2",
        ]
    );
}

#[test]
fn csv_rows_with_the_wrong_number_of_cells_are_row_problems() {
    let text = "客户编码,客户名称,服务等级\nC1,甲\nC2,乙,金牌,多余\nC3,丙,金牌,\n";
    let errs = errors::<CustomerInput>(Format::Csv, text.as_bytes());
    let rows: Vec<(usize, Option<&str>)> =
        errs.iter().map(|e| (e.row, e.column.as_deref())).collect();
    // Row 4's extra cell is empty (a trailing comma): accepted.
    assert_eq!(rows, [(2, None), (3, None)]);
    assert!(errs[0].reason.contains("has 2 cells but the header has 3"));

    // A header with a trailing comma (a blank column) does not ask rows for one more cell.
    let text = "客户编码,客户名称,服务等级,\nC1,甲,金牌\nC2,乙,金牌,\nC3,丙\n";
    let errs = errors::<CustomerInput>(Format::Csv, text.as_bytes());
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(
        errs[0].to_string(),
        "row 4: the row has 2 cells but the header has 3; is a comma missing or too many, or a quote not closed?"
    );
}

#[test]
fn errors_stop_at_the_cap_and_say_how_many_were_left_out() {
    let mut text = String::from("客户编码,客户名称,服务等级\n");
    for i in 0..1500 {
        text.push_str(&format!("C{i},甲,白金\n"));
    }
    let errs = errors::<CustomerInput>(Format::Csv, text.as_bytes());
    assert_eq!(errs.len(), MAX_ERRORS + 1);
    let last = errs.last().unwrap();
    assert_eq!(last.row, MAX_ERRORS + 2);
    assert!(
        last.reason.starts_with("500 more problems"),
        "{}",
        last.reason
    );
}

#[test]
fn broken_files_are_file_problems_and_nothing_panics() {
    let xlsx = write(Format::Xlsx, &customers(), HeaderLang::Chinese).unwrap();
    let mut inputs: Vec<Vec<u8>> = vec![
        vec![],
        b"\n\n\n".to_vec(),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 old xls".to_vec(),
        b"\xFF\xFE\x41\x00".to_vec(),
        b"PK\x03\x04 not really a zip".to_vec(),
        b"\"unclosed, quote\n".to_vec(),
        vec![0; 100],
        xlsx[..xlsx.len() / 2].to_vec(),
        xlsx.clone(),
    ];
    // Pseudo-random garbage, and the workbook with bytes flipped here and there.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for n in 0..40 {
        inputs.push((0..(n * 37)).map(|_| next() as u8).collect());
        let mut damaged = xlsx.clone();
        for _ in 0..(1 + n % 5) {
            let at = (next() as usize) % damaged.len();
            damaged[at] = next() as u8;
        }
        inputs.push(damaged);
    }
    for bytes in &inputs {
        for format in [Format::Csv, Format::Xlsx] {
            let _ = read::<CustomerInput>(format, bytes);
            let _ = read::<CircuitInput>(format, bytes);
        }
    }

    for (bytes, format, expected) in [
        (
            &b""[..],
            Format::Csv,
            "the file is empty: there is no header row",
        ),
        (&b""[..], Format::Xlsx, "the file is empty"),
        (
            &b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"[..],
            Format::Xlsx,
            "the file is an old Excel .xls",
        ),
        (
            &b"PK\x03\x04 junk"[..],
            Format::Xlsx,
            "the .xlsx workbook cannot be opened",
        ),
        (
            &b"a,b\n"[..],
            Format::Xlsx,
            "the file is not an .xlsx workbook",
        ),
        (
            &xlsx[..],
            Format::Csv,
            "the file is an .xlsx workbook (a zip archive), not CSV",
        ),
        (&[0u8; 10][..], Format::Csv, "the file holds binary data"),
        (
            &b"\xFF\xFE\x41\x00"[..],
            Format::Csv,
            "the file is UTF-16 text",
        ),
    ] {
        let errs = errors::<CustomerInput>(format, bytes);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].row <= 1 && errs[0].column.is_none());
        assert!(
            errs[0].reason.starts_with(expected),
            "{format}: {}",
            errs[0].reason
        );
    }
}

// ---------------------------------------------------------------------------------------------
// XLSX written by others

/// A workbook as a user's Excel leaves it: numbers typed into phone and year cells, a blank
/// leading row, a boolean, and a stray value far to the right.
fn user_workbook(
    fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet) -> Result<(), rust_xlsxwriter::XlsxError>,
) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    fill(sheet).unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn numbers_typed_into_xlsx_cells_read_as_text() {
    let bytes = user_workbook(|s| {
        for (c, h) in [
            "工号",
            "姓名",
            "代维公司",
            "区域",
            "学历",
            "工作年限",
            "核心网年限",
            "培训等级",
            "联系电话",
            "专业",
        ]
        .iter()
        .enumerate()
        {
            s.write_string(0, c as u16, *h)?;
        }
        s.write_number(1, 0, 1001)?; // 工号 as a number
        s.write_string(1, 1, "李工")?;
        s.write_string(1, 2, "CT01")?;
        s.write_string(1, 3, "GZ")?;
        s.write_string(1, 4, "本科")?;
        s.write_number(1, 5, 5.0)?;
        s.write_number(1, 6, 2)?;
        s.write_string(1, 7, "中级")?;
        s.write_number(1, 8, 13_812_345_678.0)?;
        // A date where text was expected reads as the date, not as Excel's day number.
        let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
        let day = rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 15)?;
        s.write_datetime_with_format(1, 9, &day, &date)?;
        Ok(())
    });
    let got: Vec<StaffInput> = records(Format::Xlsx, &bytes);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].code, "1001");
    assert_eq!(got[0].phone, "13812345678");
    assert_eq!((got[0].years_experience, got[0].years_core_network), (5, 2));
    assert_eq!(got[0].major, "2024-01-15");
}

#[test]
fn xlsx_problems_name_spreadsheet_rows_and_columns() {
    let bytes = user_workbook(|s| {
        // Row 1 is blank: the header is on row 2, data on rows 3 and 4.
        for (c, h) in ["客户编码", "客户名称", "服务等级", "", "联系电话"]
            .iter()
            .enumerate()
        {
            if !h.is_empty() {
                s.write_string(1, c as u16, *h)?;
            }
        }
        s.write_string(2, 0, "C1")?;
        s.write_string(2, 1, "甲")?;
        s.write_string(2, 2, "金牌")?;
        s.write_number(2, 4, 13_812_345_678.0)?;
        s.write_string(3, 0, "C2")?;
        s.write_string(3, 1, "乙")?;
        s.write_boolean(3, 2, true)?;
        s.write_string(3, 3, "stray")?;
        s.write_string(3, 10, "far away")?;
        // An error cell (a formula whose result is #N/A), and a formula with a good result.
        s.write_string(4, 0, "C3")?;
        s.write_formula(
            4,
            1,
            rust_xlsxwriter::Formula::new("=\"丙\"").set_result("丙"),
        )?;
        s.write_formula(
            4,
            2,
            rust_xlsxwriter::Formula::new("=NA()").set_result("#N/A"),
        )?;
        Ok(())
    });
    let errs = errors::<CustomerInput>(Format::Xlsx, &bytes);
    let shown: Vec<String> = errs.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "row 4, column 服务等级: unknown service grade 'true'; expected one of: diamond, gold, silver, bronze, standard",
            "row 4, column D: column D has a value but no header",
            "row 4, column K: column K has a value but no header",
            "row 5, column 服务等级: the cell holds the Excel error #N/A",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Size (the speed is measured in benches/read.rs, not here)

#[test]
fn twenty_thousand_circuit_rows_read_back_whole() {
    let n = 20_000;
    let records: Vec<CircuitInput> = (0..n)
        .map(|i| {
            circuit(
                &format!("GZ-DL-{i:06}"),
                Some(vec![
                    HopInput::element(format!("OLT-{:04}", i % 1000)),
                    HopInput::segment(format!("FIB-{i}"), MaintenanceDomain::Aggregation, "CT01"),
                    HopInput::element(format!("ONU-{i:06}")),
                ]),
            )
        })
        .collect();
    let bytes = write(Format::Csv, &records, HeaderLang::Chinese).unwrap();
    let parsed = read::<CircuitInput>(Format::Csv, &bytes).unwrap();
    assert_eq!(parsed.rows.len(), n);
    assert_eq!(parsed.rows[n - 1], (n + 1, records[n - 1].clone()));
}

// ---------------------------------------------------------------------------------------------
// Reading in batches

/// Batches of numbered records, as `read_batches` hands them on.
type Batches = Vec<Vec<(usize, CircuitInput)>>;

/// Reads a file through `read_batches`: the batches it handed on, and its verdict.
fn batches_of(format: Format, bytes: &[u8], batch: usize) -> (Batches, Result<(), SheetError>) {
    let (batches, _, result) = batches_with_flags(format, bytes, batch);
    (batches, result)
}

/// [`batches_of`], with whether the file was clean so far when each batch went out.
fn batches_with_flags(
    format: Format,
    bytes: &[u8],
    batch: usize,
) -> (Batches, Vec<bool>, Result<(), SheetError>) {
    let mut batches = Vec::new();
    let mut flags = Vec::new();
    let mut expected = None;
    let result = jike_sheets::read_batches::<CircuitInput>(
        format,
        bytes,
        batch,
        &mut |n| expected = Some(n),
        &mut |rows, clean| {
            batches.push(rows);
            flags.push(clean);
            true
        },
    );
    if result.is_ok() {
        assert!(
            expected.is_some(),
            "a good file says how many rows to expect"
        );
    }
    (batches, flags, result)
}

#[test]
fn batches_hand_on_every_record_in_file_order() {
    let many: Vec<CircuitInput> = (0..25)
        .map(|i| circuit(&format!("L{i:03}"), None))
        .collect();
    for format in [Format::Csv, Format::Xlsx] {
        let bytes = write(format, &many, HeaderLang::Chinese).unwrap();
        let whole = read::<CircuitInput>(format, &bytes).unwrap().rows;
        let (batches, result) = batches_of(format, &bytes, 10);
        result.unwrap();
        assert_eq!(
            batches.iter().map(Vec::len).collect::<Vec<_>>(),
            [10, 10, 5],
            "{format:?}"
        );
        assert_eq!(batches.concat(), whole, "{format:?}");
    }
}

#[test]
fn batches_of_a_bad_file_carry_its_good_rows_marked_unclean_and_the_verdict_lists_every_problem() {
    let mut text = String::from("专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级\n");
    for i in 0..30 {
        let bandwidth = if i == 14 || i == 27 { "fast" } else { "2M" };
        text.push_str(&format!("L{i:03},C001,数据专线,本地,{bandwidth},A,Z,AAA\n"));
    }
    let (batches, clean, result) = batches_with_flags(Format::Csv, text.as_bytes(), 10);
    // The first batch (rows 2..=11) went out before row 16 was read; the good rows after it
    // still go out (for the caller to check their references), marked as from a bad file.
    assert_eq!(
        batches.iter().map(Vec::len).collect::<Vec<_>>(),
        [10, 10, 8]
    );
    assert_eq!(clean, [true, false, false]);
    let rows: Vec<usize> = batches.concat().iter().map(|(r, _)| *r).collect();
    assert!(!rows.contains(&16) && !rows.contains(&29), "{rows:?}");
    assert_eq!(rows.len(), 28);
    let Err(SheetError::Invalid(problems)) = result else {
        panic!("a bad file is refused: {result:?}")
    };
    let rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, [16, 29], "{problems:?}");
}

#[test]
fn a_reader_told_to_stop_reads_no_further() {
    let many: Vec<CircuitInput> = (0..25)
        .map(|i| circuit(&format!("L{i:03}"), None))
        .collect();
    let bytes = write(Format::Csv, &many, HeaderLang::English).unwrap();
    let mut taken = 0;
    let result = jike_sheets::read_batches::<CircuitInput>(
        Format::Csv,
        &bytes,
        10,
        &mut |_| {},
        &mut |_, _| {
            taken += 1;
            false
        },
    );
    assert!(result.is_ok());
    assert_eq!(taken, 1);
}

// ---------------------------------------------------------------------------------------------
// CSV formula injection (issue 14)

/// Customers whose text cells begin like spreadsheet formulas.
fn formula_customers() -> Vec<CustomerInput> {
    let customer = |code: &str, name: &str, industry: &str, manager: &str| CustomerInput {
        code: code.into(),
        name: name.into(),
        industry: industry.into(),
        grade: Grade::Gold,
        account_manager: manager.into(),
        contact_name: String::new(),
        contact_phone: String::new(),
        region_code: None,
    };
    vec![
        customer(
            "C001",
            "=HYPERLINK(\"http://x\")",
            "@SUM(1)",
            "+cmd|' /C calc'!A0",
        ),
        customer("C002", "\t=1+1", "-1+1", "\r@x"),
        customer("C003", "'=already quoted", "-", "plain text"),
    ]
}

/// The CSV cells of `bytes`, by row, as a spreadsheet would see them (quotes of RFC 4180
/// removed, nothing else).
fn raw_csv_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes)
        .unwrap()
        .trim_start_matches('\u{feff}');
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn csv_export_quotes_cells_that_begin_like_formulas() {
    let original = formula_customers();
    let bytes = write(Format::Csv, &original, HeaderLang::English).unwrap();
    let rows = raw_csv_cells(&bytes);
    assert_eq!(&rows[0][..3], ["code", "name", "industry"]);
    assert_eq!(rows[1][1], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[1][2], "'@SUM(1)");
    assert_eq!(rows[1][4], "'+cmd|' /C calc'!A0");
    assert_eq!(rows[2][1], "'\t=1+1");
    assert_eq!(rows[2][2], "'-1+1");
    assert_eq!(rows[2][4], "'\r@x");
    // A cell already quoted is quoted once more, so that import gives it back as it was.
    assert_eq!(rows[3][1], "''=already quoted");
    assert_eq!(rows[3][2], "'-");
    assert_eq!(rows[3][4], "plain text");
    // No cell of the file begins like a formula any more.
    for cell in rows.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?} in {rows:?}"
        );
    }
}

#[test]
fn formula_like_cells_round_trip_through_csv() {
    let original = formula_customers();
    for lang in [HeaderLang::Chinese, HeaderLang::English] {
        let bytes = write(Format::Csv, &original, lang).unwrap();
        assert_eq!(records::<CustomerInput>(Format::Csv, &bytes), original);
    }
    // .xlsx writes text cells, which no spreadsheet runs: nothing is quoted there. (Its reader
    // trims cells, so the tab-led name is left out of this one.)
    let xlsx: Vec<CustomerInput> = original
        .iter()
        .filter(|c| c.code != "C002")
        .cloned()
        .collect();
    let bytes = write(Format::Xlsx, &xlsx, HeaderLang::Chinese).unwrap();
    assert_eq!(records::<CustomerInput>(Format::Xlsx, &bytes), xlsx);
}

#[test]
fn negative_numbers_are_not_quoted() {
    let mut sites = sites();
    sites[0].longitude = Some(-73.985_7);
    sites[0].latitude = Some(-33.9);
    sites[1].name = "-5".into();
    let bytes = write(Format::Csv, &sites, HeaderLang::English).unwrap();
    let rows = raw_csv_cells(&bytes);
    let column = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(rows[1][column("longitude")], "-73.9857");
    assert_eq!(rows[1][column("latitude")], "-33.9");
    // A plain number is left alone in a text column too: a spreadsheet reads it as a number.
    assert_eq!(rows[2][column("name")], "-5");
    assert_eq!(records::<SiteInput>(Format::Csv, &bytes), sites);
}

#[test]
fn a_hand_written_csv_cell_quoted_against_formulas_imports_without_the_quote() {
    let parsed = records::<CustomerInput>(
        Format::Csv,
        "code,name,grade,industry\nC001,'=1+1,gold,'abc\n".as_bytes(),
    );
    assert_eq!(parsed[0].name, "=1+1");
    // A quote before anything else is the user's text.
    assert_eq!(parsed[0].industry, "'abc");
}

/// Seed 6.4.1: a circuit's acceptance and builder read from Chinese headers and names; a line
/// without the column is finally accepted; a bad acceptance is a row error naming the column.
#[test]
fn acceptance_and_builder_read_from_chinese_headers() {
    let text =
        "专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级,验收状态,项目经理,建设单位电话\n\
                X1,C1,数据专线,本地,100M,a,z,AA,未终验,工程部 刘工,13900001111\n\
                X2,C1,数据专线,本地,100M,a,z,AA,,,\n";
    let got: Vec<CircuitInput> = records(Format::Csv, text.as_bytes());
    assert_eq!(got[0].acceptance, Acceptance::NotFinalAccepted);
    assert_eq!(got[0].builder_name, "工程部 刘工");
    assert_eq!(got[0].builder_phone, "13900001111");
    assert_eq!(got[1].acceptance, Acceptance::FinalAccepted);
    let bad = "专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级,验收状态\n\
               X1,C1,数据专线,本地,100M,a,z,AA,验收中\n";
    let err = read::<CircuitInput>(Format::Csv, bad.as_bytes()).unwrap_err();
    assert!(err.to_string().contains("acceptance"), "{err}");
}
