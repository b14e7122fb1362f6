//! The store's batch import without any file format: rows with their numbers, all written or
//! none, every problem of every row in one pass; from memory and from a source that finds
//! problems of its own. On SQLite and on PostgreSQL.

use jike_domain::*;
use jike_store::testing::TestDb;
use jike_store::*;

fn customer(code: &str, region: Option<&str>, phone: &str) -> CustomerInput {
    CustomerInput {
        code: code.into(),
        name: format!("客户{code}"),
        industry: "医疗".into(),
        grade: Grade::Gold,
        account_manager: "王经理".into(),
        contact_name: "张伟".into(),
        contact_phone: phone.into(),
        region_code: region.map(Into::into),
    }
}

/// Rows with a problem the source found itself (as a file's reader does) and its own names for
/// the fields.
struct Checked {
    rows: Option<Vec<(usize, CustomerInput)>>,
}

impl RowSource<CustomerInput> for Checked {
    fn expected(&self) -> usize {
        self.rows.as_ref().map_or(0, Vec::len)
    }

    async fn next_batch(&mut self) -> Option<Vec<(usize, CustomerInput)>> {
        self.rows.take()
    }

    async fn finish(&mut self) -> Vec<RowError> {
        vec![RowError {
            row: 3,
            column: Some("服务等级".into()),
            reason: "'platinum' is not a service grade".into(),
        }]
    }

    fn column(&self, field: &str) -> Option<String> {
        (field == "region_code").then(|| "区域".to_string())
    }
}

async fn batches(db: &TestDb) {
    let store = Store::open(&db.url).await.unwrap();
    let report = store
        .system()
        .import::<Customers>(vec![(2, customer("C1", None, "13812345678"))], false)
        .await
        .unwrap();
    assert_eq!((report.kind.as_str(), report.created), ("customers", 1));

    // A reference to nothing and a value the input refuses: both, by row, naming the field.
    let err = store
        .system()
        .import::<Customers>(
            vec![
                (2, customer("C2", Some("NOWHERE"), "13812345678")),
                (3, customer("C3", None, "not a phone")),
                (4, customer("C4", None, "13812345678")),
            ],
            false,
        )
        .await
        .unwrap_err();
    let StoreError::InvalidRows(rows) = err else {
        panic!("expected row problems, got {err:?}");
    };
    let seen: Vec<(usize, Option<&str>)> =
        rows.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(seen, [(2, None), (3, None)], "{rows:#?}");
    assert_eq!(
        rows[0].reason,
        "region_code: no region with code or name 'NOWHERE'"
    );
    assert!(rows[1].reason.starts_with("contact_phone: "), "{rows:#?}");
    assert_eq!(
        store.counts().await.unwrap()[Kind::Customers],
        1,
        "nothing written"
    );

    // The source's own problems and the store's, together and sorted by row, the store's on
    // the column the source names.
    let source = Checked {
        rows: Some(vec![
            (2, customer("C5", None, "13812345678")),
            (4, customer("C6", Some("NOWHERE"), "13812345678")),
        ]),
    };
    let err = store
        .scoped(&Caller::system("test"))
        .import_rows::<Customers, _>(source, false)
        .await
        .unwrap_err();
    let StoreError::InvalidRows(rows) = err else {
        panic!("expected row problems, got {err:?}");
    };
    let seen: Vec<(usize, Option<&str>)> =
        rows.iter().map(|e| (e.row, e.column.as_deref())).collect();
    assert_eq!(
        seen,
        [(3, Some("服务等级")), (4, Some("区域"))],
        "{rows:#?}"
    );
    assert_eq!(rows[1].reason, "no region with code or name 'NOWHERE'");
    assert_eq!(
        store.counts().await.unwrap()[Kind::Customers],
        1,
        "nothing written"
    );
    store.close().await;
}

#[tokio::test]
async fn a_batch_imports_whole_or_reports_every_row_problem_on_both_databases() {
    for db in TestDb::both().await {
        batches(&db).await;
        db.cleanup().await;
    }
}
