//! Databases for tests: a fresh SQLite file, and a fresh PostgreSQL database on the server named
//! by `JIKE_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`). Every test gets
//! its own database, dropped afterwards.
//!
//! When PostgreSQL cannot be reached the PostgreSQL half of a test is skipped with a message;
//! under `CI=true` it fails instead, so CI never passes without having run it.

use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::Connection;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// A database made for one test.
pub struct TestDb {
    pub url: String,
    name: Option<String>,
    admin: Option<String>,
    dir: Option<std::path::PathBuf>,
}

impl TestDb {
    /// A new, empty SQLite database in a folder of its own.
    pub fn sqlite() -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir =
            std::env::temp_dir().join(format!("jike-test-{}-{n}-{}", std::process::id(), nanos()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TestDb {
            url: format!("sqlite://{}", dir.join("jike.db").display()),
            name: None,
            admin: None,
            dir: Some(dir),
        }
    }

    /// A new, empty PostgreSQL database, or `None` (after saying so) when the server cannot be
    /// reached outside CI.
    pub async fn postgres() -> Option<TestDb> {
        let admin =
            std::env::var("JIKE_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_string());
        let mut conn = match sqlx::PgConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL at {admin} is required under CI=true: {e}");
                }
                eprintln!(
                    "SKIPPED the PostgreSQL half of this test: cannot connect to {admin}: {e}"
                );
                return None;
            }
        };
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!(
            "jike_test_{}_{n}_{}",
            std::process::id(),
            nanos() % 1_000_000
        );
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let _ = conn.close().await;
        let base = admin
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(admin.clone());
        Some(TestDb {
            url: format!("{base}/{name}"),
            name: Some(name),
            admin: Some(admin),
            dir: None,
        })
    }

    /// Both backends: SQLite always, PostgreSQL when it can be reached.
    pub async fn both() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// Drops the database (PostgreSQL) or removes its folder (SQLite).
    pub async fn cleanup(self) {
        if let (Some(name), Some(admin)) = (&self.name, &self.admin) {
            if let Ok(mut conn) = sqlx::PgConnection::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await;
            }
        }
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

/// A bearer token of a user with `role` (created when missing, without a password), for tests
/// that call the API: `Authorization: Bearer TOKEN`.
pub async fn token_for(
    store: &crate::Store,
    name: &str,
    new_user: crate::accounts::NewUser,
) -> String {
    let caller = crate::Caller::system("test");
    if store.user(name).await.is_err() {
        store
            .add_user(&caller, &new_user)
            .await
            .expect("add a test user");
    }
    let (_, secret) = store
        .create_token(
            &caller,
            name,
            "test",
            &["read".into(), "write".into()],
            None,
        )
        .await
        .expect("create a test token");
    secret
}

/// [`token_for`] an administrator named `admin`.
pub async fn admin_token(store: &crate::Store) -> String {
    token_for(
        store,
        "admin",
        crate::accounts::NewUser {
            name: "admin".into(),
            display_name: None,
            role: jike_domain::Role::Admin,
            password: None,
            room: None,
            contractor_code: None,
            customer_code: None,
            account_manager: None,
            region_codes: vec![],
            staff_code: None,
        },
    )
    .await
}

/// Runs `f` with a freshly migrated store on SQLite, then on PostgreSQL (when it answers; under
/// `CI=true` it must), closing and dropping each database afterwards.
pub async fn on_both<F, Fut>(f: F)
where
    F: Fn(crate::Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in TestDb::both().await {
        let store = crate::Store::open(&db.url).await.unwrap();
        eprintln!("-- {}", store.backend().name());
        f(store.clone()).await;
        store.close().await;
        db.cleanup().await;
    }
}
