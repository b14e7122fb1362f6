//! The files an import refuses as a whole, before the store opens its transaction: a zip bomb,
//! a wrong header; a file without rows; and what an export reveals. On SQLite and on PostgreSQL.

#[path = "../../../jike-sheets/tests/support/bomb.rs"]
mod bomb;

use jike_store::testing::TestDb;
use jike_store::*;
use jike_transfer::{Format, HeaderLang, Kind, TransferError};

const MB: u64 = 1_000_000;

/// How many unmasked reads the audit log holds.
async fn audited(store: &Store) -> usize {
    let query = AuditQuery {
        action: Some("read.unmasked".into()),
        ..Default::default()
    };
    store.audit_list(&query).await.unwrap().items.len()
}

async fn refusals(db: &TestDb) {
    let store = Store::open(&db.url).await.unwrap();

    // A workbook that inflates beyond the limits is refused naming its entry (413 at the edge).
    let err = jike_transfer::import_file(
        &store,
        Kind::Customers,
        Format::Xlsx,
        bomb::xlsx(1000, 300 * MB, false),
        false,
    )
    .await
    .unwrap_err();
    let TransferError::FileTooLarge(limit) = &err else {
        panic!("expected a zip limit refusal, got {err:?}");
    };
    assert_eq!(limit.entry(), Some(bomb::SHEET));
    assert!(
        err.to_string()
            .starts_with("xl/worksheets/sheet1.xml inflates beyond 200 MB"),
        "{err}"
    );

    // A header without a required column: only the header's problems, on row 1.
    let err = jike_transfer::import_file(
        &store,
        Kind::Customers,
        Format::Csv,
        "客户编码,服务等级\nC1,金牌\n",
        false,
    )
    .await
    .unwrap_err();
    let rows = err.rows().expect("a refused file");
    assert!(rows.iter().all(|r| r.row == 1), "{rows:?}");
    assert!(
        rows.iter().any(|r| r.reason.contains("客户名称")),
        "the missing column is named: {rows:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "the file has {} problem(s); nothing was imported",
            rows.len()
        )
    );

    // A header and no rows is a file of nothing: imported, nothing written.
    let report = jike_transfer::import_file(
        &store,
        Kind::Customers,
        Format::Csv,
        "客户编码,客户名称,服务等级\n",
        false,
    )
    .await
    .unwrap();
    assert_eq!((report.kind.as_str(), report.rows), ("customers", 0));
    assert_eq!(store.counts().await.unwrap(), Counts::default());

    // An export masks customer contacts unless asked not to, and records the unmasked one.
    jike_transfer::import_file(
        &store,
        Kind::Customers,
        Format::Csv,
        "客户编码,客户名称,服务等级,联系人,联系电话\nC1,甲,金牌,张伟,13812345678\n",
        false,
    )
    .await
    .unwrap();
    let caller = Caller::system("test");
    let masked = jike_transfer::export_file_as(
        &store,
        &caller,
        Kind::Customers,
        Format::Csv,
        HeaderLang::English,
        false,
    )
    .await
    .unwrap();
    let masked = String::from_utf8(masked).unwrap();
    assert!(!masked.contains("13812345678"), "{masked}");
    assert_eq!(audited(&store).await, 0);
    let whole =
        jike_transfer::export_file(&store, Kind::Customers, Format::Csv, HeaderLang::English)
            .await
            .unwrap();
    assert!(String::from_utf8(whole).unwrap().contains("13812345678"));
    assert_eq!(audited(&store).await, 1, "an unmasked export is audited");
    store.close().await;
}

#[tokio::test]
async fn files_refused_whole_and_exports_masked_on_both_databases() {
    for db in TestDb::both().await {
        refusals(&db).await;
        db.cleanup().await;
    }
}
