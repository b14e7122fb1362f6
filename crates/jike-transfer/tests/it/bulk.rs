//! A big import into a (nearly) empty table takes SQLite's bulk path: no foreign-key checks on
//! its connection and secondary indexes rebuilt instead of updated. These tests check that the
//! result is the same database as the row-by-row path would leave, and that a refused import
//! leaves the indexes and the pool's connections as they were. They run on PostgreSQL too, where
//! the import is an ordinary transaction.

use jike_demo::Demo;
use jike_store::testing::TestDb;
use jike_store::*;
use jike_transfer::{Format, HeaderLang, Kind, TransferError};

/// 4 × 3,000 circuits: above the bulk threshold of 10,000 rows.
const SCALE: u32 = 4;

async fn indexes(store: &Store) -> Vec<String> {
    let mut c = store.db().read().await.unwrap();
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN \
             ('circuits', 'circuit_hops') ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT indexname::text FROM pg_indexes WHERE tablename IN \
             ('circuits', 'circuit_hops') ORDER BY indexname"
        }
    };
    let rows: Vec<(String,)> = c.conn().fetch_all(sql, &[]).await.unwrap();
    rows.into_iter().map(|(n,)| n).collect()
}

async fn count(store: &Store, table: &str) -> i64 {
    let mut c = store.db().read().await.unwrap();
    let (n,): (i64,) = c
        .conn()
        .fetch_one(&format!("SELECT count(*) FROM {table}"), &[])
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn a_bulk_import_leaves_the_same_indexes_and_sound_references() {
    for test in TestDb::both().await {
        let store = Store::open(&test.url).await.unwrap();
        let demo = Demo::new(SCALE);
        store
            .load_demo_without_circuits(&demo, |_, _| {})
            .await
            .unwrap();
        let before = indexes(&store).await;
        let circuits: Vec<_> = (0..demo.circuit_count()).map(|i| demo.circuit(i)).collect();
        let hops: usize = circuits
            .iter()
            .map(|c| c.path.as_ref().map_or(0, Vec::len))
            .sum();
        let csv = jike_sheets::write(Format::Csv, &circuits, HeaderLang::Chinese).unwrap();

        let report =
            jike_transfer::import_file(&store, Kind::Circuits, Format::Csv, csv.as_slice(), false)
                .await
                .unwrap();
        assert_eq!(report.created, circuits.len());
        assert_eq!(indexes(&store).await, before, "{}", test.url);
        assert_eq!(count(&store, "circuit_hops").await, hops as i64);

        if store.backend() == Backend::Sqlite {
            let mut c = store.db().read().await.unwrap();
            let broken: Vec<(String,)> = c
                .conn()
                .fetch_all("SELECT \"table\" FROM pragma_foreign_key_check", &[])
                .await
                .unwrap();
            assert!(broken.is_empty(), "dangling references: {broken:?}");
            drop(c);
            // The writer checks foreign keys again once the import is over.
            let mut tx = store.db().begin().await.unwrap();
            let dangling = tx
                .conn()
                .execute(
                    "INSERT INTO circuit_hops (circuit_id, seq) VALUES (987654321, 1)",
                    &[],
                )
                .await;
            assert!(dangling.is_err(), "a dangling hop was accepted");
            // The automatic checkpoint, skipped by the import, is back for the writers that
            // follow (else the WAL would grow without end).
            let (pages,): (i64,) = tx
                .conn()
                .fetch_one("PRAGMA wal_autocheckpoint", &[])
                .await
                .unwrap();
            assert_eq!(pages, 1000);
            drop(tx);
            // The read connections check them too.
            for _ in 0..3 {
                let mut c = store.db().read().await.unwrap();
                let (on,): (i64,) = c
                    .conn()
                    .fetch_one("SELECT foreign_keys FROM pragma_foreign_keys", &[])
                    .await
                    .unwrap();
                assert_eq!(on, 1);
            }
        }

        // A filter served by a rebuilt index answers.
        let element = circuits[0].path.as_ref().unwrap()[0]
            .element
            .clone()
            .expect("the demo's paths start at an element");
        let page = store
            .system()
            .list::<Circuits>(&ListParams {
                filters: vec![("element".into(), element)],
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(!page.items.is_empty());

        // Importing it again changes nothing.
        let again =
            jike_transfer::import_file(&store, Kind::Circuits, Format::Csv, csv.as_slice(), false)
                .await
                .unwrap();
        assert_eq!(again.unchanged, circuits.len());
        store.close().await;
        test.cleanup().await;
    }
}

#[tokio::test]
async fn a_refused_bulk_import_writes_nothing_and_keeps_the_indexes() {
    for test in TestDb::both().await {
        let store = Store::open(&test.url).await.unwrap();
        let demo = Demo::new(SCALE);
        store
            .load_demo_without_circuits(&demo, |_, _| {})
            .await
            .unwrap();
        let before = indexes(&store).await;
        let mut circuits: Vec<_> = (0..demo.circuit_count()).map(|i| demo.circuit(i)).collect();
        let last = circuits.len() - 1;
        circuits[last].customer_code = "NO-SUCH-CUSTOMER".into();
        let csv = jike_sheets::write(Format::Csv, &circuits, HeaderLang::Chinese).unwrap();

        let err =
            jike_transfer::import_file(&store, Kind::Circuits, Format::Csv, csv.as_slice(), false)
                .await
                .unwrap_err();
        let TransferError::InvalidRows(rows) = err else {
            panic!("expected row errors, got {err:?}");
        };
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].row, circuits.len() + 1, "the header is row 1");
        assert_eq!(count(&store, "circuits").await, 0);
        assert_eq!(count(&store, "circuit_hops").await, 0);
        assert_eq!(indexes(&store).await, before);
        store.close().await;
        test.cleanup().await;
    }
}

#[tokio::test]
async fn a_file_read_while_it_is_written_reports_its_own_and_the_stores_problems_together() {
    for test in TestDb::both().await {
        let store = Store::open(&test.url).await.unwrap();
        let demo = Demo::new(SCALE);
        store
            .load_demo_without_circuits(&demo, |_, _| {})
            .await
            .unwrap();
        let mut circuits: Vec<_> = (0..demo.circuit_count()).map(|i| demo.circuit(i)).collect();
        // A reference the store refuses in the first batch, a cell the reader refuses in the
        // second: the first batch has been written by the time the reader finds its problem.
        circuits[1].customer_code = "NO-SUCH-CUSTOMER".into();
        let mut csv = String::from_utf8(
            jike_sheets::write(Format::Csv, &circuits, HeaderLang::Chinese).unwrap(),
        )
        .unwrap();
        let bad_row = circuits.len() - 5;
        let code = &circuits[bad_row - 2].code;
        let at = csv.find(&format!("\n{code},")).unwrap() + 1;
        csv.insert_str(at, "not a code,");
        let err =
            jike_transfer::import_file(&store, Kind::Circuits, Format::Csv, csv.as_bytes(), false)
                .await
                .unwrap_err();
        let TransferError::InvalidRows(rows) = err else {
            panic!("expected the file's problems, got {err:?}");
        };
        // Issue 14: both at once, by row, so that one attempt shows everything to fix.
        // The shifted row may fail in one cell or in many (its last cells are often empty, so
        // the extra one passes as a trailing comma): the rows are what must both be there.
        let mut at: Vec<usize> = rows.iter().map(|r| r.row).collect();
        at.dedup();
        assert_eq!(at, [3, bad_row], "{rows:?}");
        assert!(rows[0].reason.contains("NO-SUCH-CUSTOMER"), "{rows:?}");
        assert_eq!(count(&store, "circuits").await, 0);
        assert_eq!(count(&store, "circuit_hops").await, 0);

        // With the file mended, the store's problem is still reported, and nothing is written.
        let csv = jike_sheets::write(Format::Csv, &circuits, HeaderLang::Chinese).unwrap();
        let err =
            jike_transfer::import_file(&store, Kind::Circuits, Format::Csv, csv.as_slice(), false)
                .await
                .unwrap_err();
        let TransferError::InvalidRows(rows) = err else {
            panic!("expected the store's problems, got {err:?}");
        };
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].row, 3);
        assert_eq!(count(&store, "circuits").await, 0);
        store.close().await;
        test.cleanup().await;
    }
}
