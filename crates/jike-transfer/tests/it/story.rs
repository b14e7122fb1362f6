//! One scripted story of the inventory, its files included (import, export, round trips), run on
//! SQLite and on PostgreSQL every time.

use chrono::NaiveDate;
use jike_domain::*;
use jike_store::testing::TestDb;
use jike_store::*;
use jike_transfer::{Format, HeaderLang, Kind, TransferError};

fn region(code: &str, name: &str, level: RegionLevel, parent: Option<&str>) -> RegionInput {
    RegionInput {
        code: code.into(),
        name: name.into(),
        level,
        parent_code: parent.map(Into::into),
    }
}

fn customer(code: &str, grade: Grade) -> CustomerInput {
    CustomerInput {
        code: code.into(),
        name: format!("客户{code}"),
        industry: "医疗".into(),
        grade,
        account_manager: "王经理".into(),
        contact_name: "张伟".into(),
        contact_phone: "13812345678".into(),
        region_code: Some("TH".into()),
    }
}

fn circuit(code: &str, customer: &str, path: Option<Vec<HopInput>>) -> CircuitInput {
    CircuitInput {
        code: code.into(),
        customer_code: customer.into(),
        business_type: BusinessType::DataLine,
        scope: Scope::Local,
        bandwidth: Bandwidth::parse("100M").unwrap(),
        a_end: "天河路1号".into(),
        z_end: "体育西路2号".into(),
        assurance_level: AssuranceLevel::Aaa,
        status: CircuitStatus::Active,
        region_code: Some("TH".into()),
        acceptance: Acceptance::FinalAccepted,
        builder_name: String::new(),
        builder_phone: String::new(),
        path,
    }
}

fn element(code: &str, ty: ElementType, domain: MaintenanceDomain) -> ElementInput {
    ElementInput {
        code: code.into(),
        name: format!("网元{code}"),
        element_type: ty,
        vendor: "华为".into(),
        model: "OptiX".into(),
        management_ip: Some("10.0.0.1".parse().unwrap()),
        site_code: "S1".into(),
        owner: Owner::Operator,
        domain,
        contractor_code: Some("CT1".into()),
    }
}

async fn seed(store: &Store) {
    for r in [
        region("GD", "广东省", RegionLevel::Province, None),
        region("GZ", "广州市", RegionLevel::City, Some("GD")),
        region("TH", "天河区", RegionLevel::County, Some("GZ")),
        region("TH-01", "天河网格1", RegionLevel::Grid, Some("TH")),
    ] {
        store.system().create::<Regions>(&r).await.unwrap();
    }
    store
        .system()
        .create::<Contractors>(&ContractorInput {
            code: "CT1".into(),
            name: "广州某代维公司".into(),
            contract_start: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            contract_end: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            region_codes: vec!["TH".into()],
            domains: vec![
                MaintenanceDomain::EnterpriseAccess,
                MaintenanceDomain::Aggregation,
            ],
        })
        .await
        .unwrap();
    store
        .system()
        .create::<Sites>(&SiteInput {
            code: "S1".into(),
            name: "天河基站".into(),
            kind: SiteKind::BaseStation,
            address: "天河路".into(),
            region_code: "TH-01".into(),
            longitude: Some(113.3),
            latitude: Some(23.1),
        })
        .await
        .unwrap();
    store
        .system()
        .create::<Elements>(&element(
            "PTN-1",
            ElementType::Ptn,
            MaintenanceDomain::Aggregation,
        ))
        .await
        .unwrap();
    store
        .system()
        .create::<Elements>(&element(
            "ONU-1",
            ElementType::Onu,
            MaintenanceDomain::CustomerTerminal,
        ))
        .await
        .unwrap();
}

async fn story(store: &Store) {
    store.migrate().await.unwrap();
    seed(store).await;

    // A region filter covers the regions below it: the site is in a grid of TH.
    let sites = store
        .system()
        .list::<Sites>(&ListParams {
            filters: vec![("region".into(), "TH".into())],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(sites.items.len(), 1);

    // A region below the wrong level is refused, naming the field.
    let err = store
        .system()
        .create::<Regions>(&region("X", "x", RegionLevel::Grid, Some("GZ")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e[0].field == "parent_code"),
        "{err}"
    );

    // Customers: grade history (R-SL3).
    let c = store
        .system()
        .create::<Customers>(&customer("C1", Grade::Silver))
        .await
        .unwrap();
    let c = store
        .system()
        .update::<Customers>(c.id, &customer("C1", Grade::Gold))
        .await
        .unwrap();
    assert_eq!(c.grade, Grade::Gold);
    let history = store.system().grade_history(c.id).await.unwrap();
    assert_eq!(
        history.iter().map(|p| p.grade).collect::<Vec<_>>(),
        [Grade::Silver, Grade::Gold]
    );
    assert!(history[0].valid_to.is_some() && history[1].valid_to.is_none());
    // An update that changes nothing leaves the history and updated_at alone.
    let same = store
        .system()
        .update::<Customers>(c.id, &customer("C1", Grade::Gold))
        .await
        .unwrap();
    assert_eq!(same.updated_at, c.updated_at);
    assert_eq!(store.system().grade_history(c.id).await.unwrap().len(), 2);

    // A taken code is a conflict naming the field.
    let err = store
        .system()
        .create::<Customers>(&customer("C1", Grade::Gold))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { field: Some(f), .. } if f == "code"),
        "{err}"
    );

    // A circuit with a path; references are checked, every missing one named.
    let path = vec![
        HopInput::element("PTN-1"),
        HopInput::segment("FIB-1", MaintenanceDomain::TransmissionAccess, "CT1"),
        HopInput::element("ONU-1"),
    ];
    let bad = circuit("L1", "NOPE", Some(vec![HopInput::element("GHOST")]));
    let err = store.system().create::<Circuits>(&bad).await.unwrap_err();
    let StoreError::Invalid(problems) = &err else {
        panic!("{err}")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["customer_code", "path[0].element"]);

    let l1 = store
        .system()
        .create::<Circuits>(&circuit("L1", "C1", Some(path.clone())))
        .await
        .unwrap();
    let hops = l1.path.as_ref().unwrap();
    assert_eq!(hops.len(), 3);
    assert_eq!(hops[0].domain, MaintenanceDomain::Aggregation);
    assert_eq!(hops[0].contractor_code.as_deref(), Some("CT1"));
    assert_eq!(hops[1].segment.as_deref(), Some("FIB-1"));
    assert_eq!(hops[1].domain, MaintenanceDomain::TransmissionAccess);

    // Updating without a path keeps it.
    let l1 = store
        .system()
        .update::<Circuits>(l1.id, &circuit("L1", "C1", None))
        .await
        .unwrap();
    assert_eq!(l1.path.unwrap().len(), 3);

    // Filters through joins and hops.
    for (filter, value, expected) in [
        ("element", "ONU-1", 1),
        ("contractor", "CT1", 1),
        ("grade", "金牌", 1),
        ("grade", "bronze", 0),
        ("business_type", "数据专线", 1),
        ("q", "体育西", 1),
    ] {
        let page = store
            .system()
            .list::<Circuits>(&ListParams {
                filters: vec![(filter.into(), value.into())],
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.items.len(), expected, "{filter}={value}");
    }
    let err = store
        .system()
        .list::<Circuits>(&ListParams {
            filters: vec![("colour".into(), "red".into())],
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("colour: is not a filter of circuits"),
        "{err}"
    );

    // Deletes are refused while rows refer to the row.
    let err = store.system().delete::<Customers>(c.id).await.unwrap_err();
    assert!(
        err.to_string().contains("still referred to by 1 circuit"),
        "{err}"
    );
    let err = store
        .system()
        .delete::<Circuits>(999_999)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }));

    // Cursor pagination walks every row once, in order, either way.
    for i in 0..23 {
        store
            .system()
            .create::<Customers>(&customer(&format!("P{i:02}"), Grade::Standard))
            .await
            .unwrap();
    }
    for sort in ["code", "-code", "name", "-created_at", "id", "-id"] {
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store
                .system()
                .list::<Customers>(&ListParams {
                    filters: vec![("code_prefix".into(), "P".into())],
                    sort: Some(sort.into()),
                    limit: Some(5),
                    cursor: cursor.clone(),
                })
                .await
                .unwrap();
            seen.extend(page.items.iter().map(|c| c.code.clone()));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        assert_eq!(seen.len(), 23, "{sort}");
        let mut sorted = seen.clone();
        sorted.sort();
        if sort == "-code" {
            sorted.reverse();
        }
        if sort.contains("code") {
            assert_eq!(seen, sorted, "{sort}");
        }
        sorted.dedup();
        assert_eq!(sorted.len(), 23, "{sort}: a row came twice");
    }

    // Import: a good file upserts; the same file again changes nothing.
    let csv = "客户编码,客户名称,行业,服务等级,客户经理,联系人,联系电话,区域\n\
               C1,客户C1,医疗,钻石,王经理,张伟,13812345678,TH\n\
               N1,新客户,教育,铜牌级,李经理,李娜,13900001111,TH\n";
    let report =
        jike_transfer::import_file(store, Kind::Customers, Format::Csv, csv.as_bytes(), false)
            .await
            .unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (1, 1, 0)
    );
    let report =
        jike_transfer::import_file(store, Kind::Customers, Format::Csv, csv.as_bytes(), false)
            .await
            .unwrap();
    assert_eq!(
        (report.created, report.updated, report.unchanged),
        (0, 0, 2)
    );
    let c1 = store.system().get_by_code::<Customers>("C1").await.unwrap();
    assert_eq!(c1.grade, Grade::Diamond);
    assert_eq!(store.system().grade_history(c1.id).await.unwrap().len(), 3);

    // A file with a bad reference imports nothing and names the row and column.
    let before = store.counts().await.unwrap();
    let bad = "客户编码,客户名称,服务等级,区域\nN2,好客户,金牌,TH\nN3,坏客户,金牌,NOWHERE\n";
    let err =
        jike_transfer::import_file(store, Kind::Customers, Format::Csv, bad.as_bytes(), false)
            .await
            .unwrap_err();
    let TransferError::InvalidRows(rows) = &err else {
        panic!("{err}")
    };
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].row, 3);
    assert_eq!(rows[0].column.as_deref(), Some("区域"));
    assert_eq!(store.counts().await.unwrap(), before);

    // A dry run reports and writes nothing.
    let dry = "客户编码,客户名称,服务等级\nN9,试算客户,标准\n";
    let report =
        jike_transfer::import_file(store, Kind::Customers, Format::Csv, dry.as_bytes(), true)
            .await
            .unwrap();
    assert_eq!((report.created, report.dry_run), (1, true));
    assert_eq!(store.counts().await.unwrap(), before);

    // Export writes what import reads: a round trip changes nothing, in both formats.
    for kind in [
        Kind::Customers,
        Kind::Circuits,
        Kind::Sites,
        Kind::Elements,
        Kind::Staff,
    ] {
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = jike_transfer::export_file(store, kind, format, HeaderLang::Chinese)
                .await
                .unwrap();
            let report = jike_transfer::import_file(store, kind, format, bytes.as_slice(), false)
                .await
                .unwrap();
            assert_eq!(
                (report.created, report.updated),
                (0, 0),
                "{kind} {format:?}"
            );
        }
    }
    let exported =
        jike_transfer::export_file(store, Kind::Circuits, Format::Csv, HeaderLang::English)
            .await
            .unwrap();
    let text = String::from_utf8(exported).unwrap();
    assert!(
        text.contains("PTN-1 > [FIB-1;transmission_access;CT1] > ONU-1"),
        "{text}"
    );
}

#[tokio::test]
async fn the_inventory_story_holds_on_both_databases() {
    for db in TestDb::both().await {
        let store = Store::connect(&db.url).await.unwrap();
        story(&store).await;
        store.close().await;
        db.cleanup().await;
    }
}
