//! The demo dataset and the database URLs, on SQLite and on PostgreSQL. (The scripted story of
//! the inventory, which imports and exports files, is `crates/jike-transfer/tests/it/story.rs`.)

use jike_store::testing::TestDb;
use jike_store::*;

#[tokio::test]
async fn the_demo_dataset_loads_and_loading_it_again_changes_nothing() {
    for db in TestDb::both().await {
        let store = Store::open(&db.url).await.unwrap();
        let demo = jike_demo::Demo::new(1);
        let counts = store.load_demo(&demo, |_, _| {}).await.unwrap();
        assert_eq!(counts[Kind::Circuits] as usize, demo.circuit_count());
        assert_eq!(counts[Kind::Customers] as usize, demo.customer_count());
        assert!(
            counts[Kind::Elements] >= 1000
                && counts[Kind::Sites] >= 100
                && counts[Kind::Contractors] == 3
        );
        let again = store.load_demo(&demo, |_, _| {}).await.unwrap();
        assert_eq!(again, counts);
        // Every circuit's path resolved.
        let one = store.system().get::<Circuits>(1).await.unwrap();
        assert!(!one.path.unwrap().is_empty());
        store.close().await;
        db.cleanup().await;
    }
}

#[tokio::test]
async fn bad_urls_are_refused_clearly() {
    let err = Store::connect("mysql://x").await.unwrap_err();
    assert!(err.to_string().contains("is not a database URL"), "{err}");
    let err = Store::connect("postgres://nobody:secret@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("cannot connect") && !err.to_string().contains("secret"),
        "{err}"
    );
}
