//! Accounts, tokens and scopes on SQLite and PostgreSQL: every refusal of an account or a token
//! names its field and writes nothing; tokens authenticate until revoked or expired; a disabled
//! account authenticates no more; each role's anchor gives its scope.

use chrono::{Duration, Utc};
use jike_domain::{Role, Room};
use jike_store::scope::Scope;
use jike_store::testing::on_both;
use jike_store::users::{LoginPolicy, NewUser};
use jike_store::*;

fn user(name: &str, role: Role) -> NewUser {
    NewUser {
        name: name.into(),
        display_name: None,
        role,
        password: None,
        room: None,
        contractor_code: None,
        customer_code: None,
        account_manager: None,
        region_codes: vec![],
        staff_code: None,
    }
}

fn fields(e: StoreError) -> Vec<String> {
    match e {
        StoreError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

#[tokio::test]
async fn bad_accounts_and_tokens_are_refused_naming_the_field() {
    on_both(|store| async move {
        let cli = Caller::system("test");
        let mut u = user("li", Role::Contractor);
        u.password = Some("short".into());
        let f = fields(store.add_user(&cli, &u).await.unwrap_err());
        assert_eq!(f, ["password", "contractor_code"]);

        let mut u = user("bad name", Role::LeadRoom);
        u.customer_code = Some("C1".into());
        let f = fields(store.add_user(&cli, &u).await.unwrap_err());
        assert_eq!(f, ["name", "room", "customer_code"]);

        let mut u = user("wang", Role::LeadRoom);
        u.room = Some(Room::Monitoring);
        assert_eq!(
            fields(store.add_user(&cli, &u).await.unwrap_err()),
            ["room"]
        );

        let mut u = user("zhao", Role::Contractor);
        u.contractor_code = Some("NO-SUCH".into());
        u.region_codes = vec!["NOWHERE".into()];
        let f = fields(store.add_user(&cli, &u).await.unwrap_err());
        assert_eq!(f, ["contractor_code", "region_codes[0]"]);
        assert!(
            store.users().await.unwrap().is_empty(),
            "nothing was written"
        );

        store
            .add_user(&cli, &user("sun", Role::Auditor))
            .await
            .unwrap();
        let taken = store.add_user(&cli, &user("sun", Role::Auditor)).await;
        assert!(
            matches!(taken, Err(StoreError::Conflict { .. })),
            "{taken:?}"
        );

        let bad = store
            .create_token(
                &cli,
                "sun",
                "",
                &["admin".into()],
                Some(Utc::now() - Duration::days(1)),
            )
            .await
            .unwrap_err();
        assert_eq!(fields(bad), ["scopes", "name", "expires_at"]);
        let none = store
            .create_token(&cli, "nobody", "t", &["read".into()], None)
            .await;
        assert!(matches!(none, Err(StoreError::NotFound { .. })), "{none:?}");
        let weak = store
            .set_password(&cli, "sun", "sun12345678")
            .await
            .unwrap_err();
        assert_eq!(fields(weak), ["password"]);
    })
    .await;
}

#[tokio::test]
async fn tokens_work_until_revoked_expired_or_the_account_is_disabled() {
    on_both(|store| async move {
        let cli = Caller::system("test");
        let mut u = user("zhou", Role::Customer);
        u.customer_code = Some("C-NONE".into());
        assert_eq!(
            fields(store.add_user(&cli, &u).await.unwrap_err()),
            ["customer_code"]
        );
        store
            .add_user(&cli, &user("qian", Role::Monitoring))
            .await
            .unwrap();
        let now = Utc::now();
        let (token, secret) = store
            .create_token(
                &cli,
                "qian",
                "bridge",
                &["read".into()],
                Some(now + Duration::hours(1)),
            )
            .await
            .unwrap();
        let (principal, scopes) = store.token_principal(&secret, now).await.unwrap().unwrap();
        assert_eq!(principal.user.name, "qian");
        assert_eq!(principal.scope, Scope::All);
        assert_eq!(scopes, ["read"]);
        assert!(store
            .token_principal("jk_wrong", now)
            .await
            .unwrap()
            .is_none());
        let later = now + Duration::hours(2);
        assert!(
            store
                .token_principal(&secret, later)
                .await
                .unwrap()
                .is_none(),
            "expired"
        );

        store.set_disabled(&cli, "qian", true).await.unwrap();
        assert!(
            store.token_principal(&secret, now).await.unwrap().is_none(),
            "disabled"
        );
        store.set_disabled(&cli, "qian", false).await.unwrap();
        assert!(store.token_principal(&secret, now).await.unwrap().is_some());
        store.revoke_token(&cli, token.id).await.unwrap();
        assert!(
            store.token_principal(&secret, now).await.unwrap().is_none(),
            "revoked"
        );

        // Logins: wrong passwords lock; the lock holds against the right one.
        let mut u = user("feng", Role::Auditor);
        u.password = Some("Shenji-2026-ok".into());
        store.add_user(&cli, &u).await.unwrap();
        let policy = LoginPolicy {
            slow_after: 1,
            lock_after: 2,
            lock_minutes: 5,
            session_hours: 1,
        };
        let login = |pw: &'static str| {
            let store = store.clone();
            async move {
                store
                    .login("feng", pw, "127.0.0.1", &policy, Utc::now())
                    .await
                    .unwrap()
            }
        };
        assert!(matches!(
            login("nope").await,
            users::Login::Refused { delay_ms: 1000 }
        ));
        assert!(matches!(login("nope").await, users::Login::Locked { .. }));
        assert!(matches!(
            login("Shenji-2026-ok").await,
            users::Login::Locked { .. }
        ));
        store.set_disabled(&cli, "feng", false).await.unwrap();
        let users::Login::Session { token, .. } = login("Shenji-2026-ok").await else {
            panic!("the right password after the lock was lifted");
        };
        assert!(store.session(&token, Utc::now()).await.unwrap().is_some());
        store.logout(&token).await.unwrap();
        assert!(store.session(&token, Utc::now()).await.unwrap().is_none());
        // Every one of these writes is in the audit log, whose chain holds.
        let report = store.audit_verify().await.unwrap();
        assert!(report.ok, "{report:?}");
        assert!(report.entries >= 10, "{report:?}");
    })
    .await;
}

/// Parallel wrong passwords do not bypass the slow-down and the lock: each attempt takes its
/// number in one atomic UPDATE before its password is verified, so 40 at once lock the account
/// (the right password is then refused too) and every failure is counted.
#[tokio::test]
async fn parallel_failures_are_counted_and_lock() {
    on_both(|store| async move {
        let cli = Caller::system("test");
        let mut u = user("zhou", Role::Auditor);
        u.password = Some("Shenji-2026-ok".into());
        store.add_user(&cli, &u).await.unwrap();
        let policy = LoginPolicy::default();
        let mut tasks = vec![];
        for _ in 0..40 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .login("zhou", "wrong-password-1", "127.0.0.1", &policy, Utc::now())
                    .await
                    .unwrap()
            }));
        }
        let (mut refused, mut locked, mut slowed) = (0, 0, 0);
        for t in tasks {
            match t.await.unwrap() {
                users::Login::Refused { delay_ms } => {
                    refused += 1;
                    if delay_ms > 0 {
                        slowed += 1;
                    }
                }
                users::Login::Locked { .. } => locked += 1,
                users::Login::Session { .. } => panic!("a wrong password opened a session"),
            }
        }
        // The first lock_after - 1 attempts are plain refusals (the last of them slowed down),
        // every later one is a lock.
        assert_eq!(
            refused,
            policy.lock_after as usize - 1,
            "{refused} {locked}"
        );
        assert_eq!(slowed, (policy.lock_after - policy.slow_after) as usize);
        assert_eq!(locked, 40 - refused);
        assert!(matches!(
            store
                .login("zhou", "Shenji-2026-ok", "127.0.0.1", &policy, Utc::now())
                .await
                .unwrap(),
            users::Login::Locked { .. }
        ));
        let report = store.audit_verify().await.unwrap();
        assert!(report.ok, "{report:?}");
    })
    .await;
}
