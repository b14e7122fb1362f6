//! Importing regions, and naming a region by its code or its unique name wherever one is
//! referred to; the other kinds that import since (contractors, instruments, vehicles); a refused
//! file lists its value and reference problems together. On SQLite and on PostgreSQL.

use jike_domain::*;
use jike_store::testing::TestDb;
use jike_store::*;
use jike_transfer::{Format, HeaderLang, Kind, TransferError};

async fn import(store: &Store, kind: Kind, csv: &str) -> Result<ImportReport, TransferError> {
    jike_transfer::import_file(store, kind, Format::Csv, csv.as_bytes(), false).await
}

fn problems(result: Result<ImportReport, TransferError>) -> Vec<RowError> {
    match result {
        Err(TransferError::InvalidRows(rows)) => rows,
        other => panic!("expected a refused file, got {other:?}"),
    }
}

/// Children before their parents, parents by code and by name, Chinese and English levels.
const REGIONS: &str = "\
区域编码,区域名称,级别,上级区域
TH,天河区,区县,广州市
TH-01,天河网格1,网格,TH
GZ,广州市,市,GD
GD,广东省,省,
FS,佛山市,city,广东省
FS-BY,白云区,county,FS
GZ-BY,白云区,county,GZ
";

async fn regions_and_references(db: &TestDb) {
    let store = Store::open(&db.url).await.unwrap();

    let report = import(&store, Kind::Regions, REGIONS).await.unwrap();
    assert_eq!((report.rows, report.created), (7, 7), "{report:?}");
    let th = store.system().get_by_code::<Regions>("TH").await.unwrap();
    assert_eq!(th.parent_code.as_deref(), Some("GZ"));
    assert_eq!(th.level, RegionLevel::County);
    let fs = store.system().get_by_code::<Regions>("FS").await.unwrap();
    assert_eq!(
        fs.parent_code.as_deref(),
        Some("GD"),
        "a parent by its name"
    );
    // Importing it again changes nothing; so does importing its export.
    let again = import(&store, Kind::Regions, REGIONS).await.unwrap();
    assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 7));
    let exported =
        jike_transfer::export_file(&store, Kind::Regions, Format::Csv, HeaderLang::English)
            .await
            .unwrap();
    let text = String::from_utf8(exported).unwrap();
    assert!(
        text.starts_with("\u{feff}code,name,level,parent\n"),
        "{text}"
    );
    assert!(text.contains("TH,天河区,county,GZ\n"), "{text}");
    let back =
        jike_transfer::import_file(&store, Kind::Regions, Format::Csv, text.as_bytes(), false)
            .await
            .unwrap();
    assert_eq!(back.unchanged, 7, "{back:?}");

    // Unknown level, unknown parent, a parent of the wrong level: all reported at once, and
    // nothing is written. (The store's problems name their column by its Chinese header.)
    let bad = "code,name,level,parent\n\
               X1,某区,district,GZ\n\
               X2,某网格,网格,NOWHERE\n\
               X3,某市,市,GZ\n\
               X4,新区,区县,白云区\n";
    let rows = problems(import(&store, Kind::Regions, bad).await);
    let seen: Vec<(usize, Option<&str>)> =
        rows.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        seen,
        [
            (2, Some("level")),
            (3, Some("上级区域")),
            (4, Some("上级区域")),
            (5, Some("上级区域"))
        ],
        "{rows:#?}"
    );
    assert!(
        rows[0].reason.contains("'district'") && rows[0].reason.contains("province"),
        "{}",
        rows[0].reason
    );
    assert_eq!(rows[1].reason, "no region with code or name 'NOWHERE'");
    assert!(rows[2].reason.contains("is a city"), "{}", rows[2].reason);
    assert!(
        rows[3].reason.contains("FS-BY, GZ-BY"),
        "an ambiguous parent names its candidates: {}",
        rows[3].reason
    );
    assert!(store.system().get_by_code::<Regions>("X3").await.is_err());

    // A customer's region by its unique name; an ambiguous name is refused naming the codes.
    let customers = "客户编码,客户名称,服务等级,区域\n\
                     C1,天河医院,金牌,天河区\n\
                     C2,白云学校,银牌,白云区\n\
                     C3,番禺工厂,铜牌,番禺区\n";
    let rows = problems(import(&store, Kind::Customers, customers).await);
    assert_eq!(rows.len(), 2, "{rows:#?}");
    assert_eq!((rows[0].row, rows[0].column.as_deref()), (3, Some("区域")));
    assert_eq!(
        rows[0].reason,
        "'白云区' is the name of 2 regions (FS-BY, GZ-BY); write the code of the one meant"
    );
    assert_eq!(rows[1].row, 4);
    assert_eq!(rows[1].reason, "no region with code or name '番禺区'");
    let customers = "客户编码,客户名称,服务等级,区域\n\
                     C1,天河医院,金牌,天河区\n\
                     C2,白云学校,银牌,GZ-BY\n";
    import(&store, Kind::Customers, customers).await.unwrap();
    let c1 = store.system().get_by_code::<Customers>("C1").await.unwrap();
    assert_eq!(c1.region_code.as_deref(), Some("TH"));
    // The export writes the code, and reads back unchanged.
    let out = jike_transfer::export_file(&store, Kind::Customers, Format::Csv, HeaderLang::Chinese)
        .await
        .unwrap();
    assert!(String::from_utf8_lossy(&out).contains(",TH\n"));
    let back =
        jike_transfer::import_file(&store, Kind::Customers, Format::Csv, out.as_slice(), false)
            .await
            .unwrap();
    assert_eq!(back.unchanged, 2);

    // Contractors: contract regions by name or code, domains, the contract period.
    let contractors = "代维公司编码,代维公司名称,合同开始日期,合同结束日期,合同区域,维护界面\n\
                       CT1,广州某代维公司,2025-01-01,2027/12/31,\"天河区,GZ-BY\",集客接入、aggregation\n";
    let report = import(&store, Kind::Contractors, contractors)
        .await
        .unwrap();
    assert_eq!(report.created, 1);
    let ct = store
        .system()
        .get_by_code::<Contractors>("CT1")
        .await
        .unwrap();
    let mut list = store
        .system()
        .list::<Contractors>(&ListParams {
            filters: vec![("code_prefix".into(), "CT1".into())],
            ..Default::default()
        })
        .await
        .unwrap();
    let listed = list.items.remove(0);
    assert_eq!(listed.id, ct.id);
    assert_eq!(ct.region_codes, ["GZ-BY", "TH"]);
    assert_eq!(
        ct.domains,
        [
            MaintenanceDomain::Aggregation,
            MaintenanceDomain::EnterpriseAccess
        ]
    );
    assert_eq!(ct.contract_end.to_string(), "2027-12-31");
    let out =
        jike_transfer::export_file(&store, Kind::Contractors, Format::Csv, HeaderLang::Chinese)
            .await
            .unwrap();
    let back = jike_transfer::import_file(
        &store,
        Kind::Contractors,
        Format::Csv,
        out.as_slice(),
        false,
    )
    .await
    .unwrap();
    assert_eq!(back.unchanged, 1, "{}", String::from_utf8_lossy(&out));
    let bad = "code,name,contract_start,contract_end,regions\n\
               CT2,某公司,2026-01-01,2025-01-01,TH\n\
               CT3,某公司,明年,2027-01-01,TH\n\
               CT4,某公司,2026-01-01,2027-01-01,白云区\n";
    let rows = problems(import(&store, Kind::Contractors, bad).await);
    let seen: Vec<(usize, Option<&str>)> =
        rows.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        seen,
        [
            (2, Some("contract_end")),
            (3, Some("contract_start")),
            (4, Some("合同区域"))
        ],
        "{rows:#?}"
    );

    // Staff, sites, instruments and vehicles name their region the same way.
    import(
        &store,
        Kind::Staff,
        "工号,姓名,代维公司,区域,学历,培训等级\nS1,李工,CT1,天河网格1,本科,初级\n",
    )
    .await
    .unwrap();
    assert_eq!(
        store
            .system()
            .get_by_code::<StaffMembers>("S1")
            .await
            .unwrap()
            .region_code,
        "TH-01"
    );
    import(
        &store,
        Kind::Sites,
        "站点编码,站点名称,站点类型,区域\nSITE1,天河基站,基站,天河网格1\n",
    )
    .await
    .unwrap();
    let report = import(
        &store,
        Kind::Instruments,
        "资产编号,仪器类型,代维公司,区域,持有人,状态\n\
         I1,光功率计,CT1,天河区,S1,在用\n\
         I2,OTDR,CT1,TH,,\n",
    )
    .await
    .unwrap();
    assert_eq!(report.created, 2);
    let i1 = store
        .system()
        .get_by_code::<Instruments>("I1")
        .await
        .unwrap();
    assert_eq!(
        (i1.region_code.as_str(), i1.holder_code.as_deref()),
        ("TH", Some("S1"))
    );
    let report = import(
        &store,
        Kind::Vehicles,
        "车牌号,车辆类型,代维公司,区域\n粤A12345,抢修车,CT1,广州市\n",
    )
    .await
    .unwrap();
    assert_eq!(report.created, 1);
    for kind in [Kind::Instruments, Kind::Vehicles, Kind::Staff, Kind::Sites] {
        let out = jike_transfer::export_file(&store, kind, Format::Xlsx, HeaderLang::Chinese)
            .await
            .unwrap();
        let back = jike_transfer::import_file(&store, kind, Format::Xlsx, out.as_slice(), false)
            .await
            .unwrap();
        assert_eq!((back.created, back.updated), (0, 0), "{kind}: {back:?}");
    }
    let rows = problems(
        import(
            &store,
            Kind::Vehicles,
            "车牌号,车辆类型,代维公司,区域\n粤A1,飞机,CT1,广州市\n粤A2,抢修车,CT9,白云区\n",
        )
        .await,
    );
    let seen: Vec<(usize, Option<&str>)> =
        rows.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        seen,
        [
            (2, Some("车辆类型")),
            (3, Some("代维公司")),
            (3, Some("区域"))
        ],
        "{rows:#?}"
    );

    // A user's regions, by name too.
    let user = store
        .add_user(
            &Caller::system("test"),
            &users::NewUser {
                name: "ct-user".into(),
                display_name: None,
                role: Role::Contractor,
                password: None,
                room: None,
                contractor_code: Some("CT1".into()),
                customer_code: None,
                account_manager: None,
                region_codes: vec!["天河区".into()],
                staff_code: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(user.region_codes, ["TH"]);
    let err = store
        .add_user(
            &Caller::system("test"),
            &users::NewUser {
                name: "ct-user2".into(),
                display_name: None,
                role: Role::Contractor,
                password: None,
                room: None,
                contractor_code: Some("CT1".into()),
                customer_code: None,
                account_manager: None,
                region_codes: vec!["白云区".into()],
                staff_code: None,
            },
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("FS-BY, GZ-BY"), "{err}");
    store.close().await;
}

/// The scenario of the issue: one row with an unknown customer, another with a bad bandwidth;
/// both are reported by the first import, with their rows, and nothing is written.
async fn every_problem_at_once(db: &TestDb) {
    let store = Store::open(&db.url).await.unwrap();
    import(
        &store,
        Kind::Customers,
        "客户编码,客户名称,服务等级\nC1,甲,金牌\n",
    )
    .await
    .unwrap();
    let circuits = "专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级\n\
                    L1,C1,数据专线,本地,100M,a,z,AAA\n\
                    L2,NOBODY,数据专线,本地,100M,a,z,AAA\n\
                    L3,C1,数据专线,本地,100X,a,z,AAA\n";
    let rows = problems(import(&store, Kind::Circuits, circuits).await);
    let seen: Vec<(usize, Option<&str>)> =
        rows.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        seen,
        [(3, Some("客户编码")), (4, Some("带宽"))],
        "{rows:#?}"
    );
    assert_eq!(rows[0].reason, "no customer with code 'NOBODY'");
    assert!(rows[1].reason.contains("'100X' is not a bandwidth"));
    // Also when the bad value comes first and the unknown reference in a later batch's rows.
    let mut big = String::from("专线编号,客户编码,业务类型,范围,带宽,A端,Z端,保障等级\n");
    big.push_str("B0,C1,数据专线,本地,fast,a,z,AAA\n");
    for i in 1..25_000 {
        let customer = if i == 24_000 { "NOBODY" } else { "C1" };
        big.push_str(&format!("B{i},{customer},数据专线,本地,2M,a,z,AAA\n"));
    }
    let rows = problems(import(&store, Kind::Circuits, &big).await);
    let seen: Vec<(usize, Option<&str>)> =
        rows.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        seen,
        [(2, Some("带宽")), (24_002, Some("客户编码"))],
        "{rows:#?}"
    );
    assert_eq!(
        store.counts().await.unwrap()[Kind::Circuits],
        0,
        "nothing written"
    );
    store.close().await;
}

#[tokio::test]
async fn regions_import_and_are_named_by_code_or_unique_name_on_both_databases() {
    for db in TestDb::both().await {
        regions_and_references(&db).await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn a_refused_file_lists_its_value_and_reference_problems_together_on_both_databases() {
    for db in TestDb::both().await {
        every_problem_at_once(&db).await;
        db.cleanup().await;
    }
}
