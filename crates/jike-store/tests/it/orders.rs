//! Work orders on SQLite and PostgreSQL: the whole lifecycle for every grade, refusals,
//! idempotent creation, the policy in force at the time, and timers fired exactly once with
//! their notifications in the outbox.

use std::sync::Arc;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use jike_domain::*;
use jike_store::outbox::{Channel, Target};
use jike_store::testing::TestDb;
use jike_store::*;

struct Everyone;

impl Fanout for Everyone {
    fn targets(&self, topic: &str) -> Vec<Target> {
        if topic.starts_with("order.")
            && topic != "order.joint_handling"
            && topic != "order.update_due"
        {
            return Vec::new();
        }
        vec![Target {
            channel: Channel::Webhook,
            target: "http://127.0.0.1:9/hook".into(),
        }]
    }
}

fn t(s: DateTime<Utc>) -> Option<DateTime<FixedOffset>> {
    Some(s.fixed_offset())
}

async fn seed(store: &Store) {
    store
        .system()
        .create::<Regions>(&RegionInput {
            code: "GZ".into(),
            name: "广东省".into(),
            level: RegionLevel::Province,
            parent_code: None,
        })
        .await
        .unwrap();
    // Who maintains the orders below: they name no circuit path, so they name it (R-MD), or
    // their dispatch would be refused.
    store
        .system()
        .create::<Contractors>(&ContractorInput {
            code: "CT01".into(),
            name: "广州代维".into(),
            contract_start: chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            contract_end: chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
            region_codes: vec!["GZ".into()],
            domains: vec![],
        })
        .await
        .unwrap();
    for (i, grade) in Grade::ALL.iter().enumerate() {
        store
            .system()
            .create::<Customers>(&CustomerInput {
                code: format!("C{i}"),
                name: format!("客户{i}"),
                industry: "医疗".into(),
                grade: *grade,
                account_manager: "王经理".into(),
                contact_name: "张伟".into(),
                contact_phone: "13812345678".into(),
                region_code: Some("GZ".into()),
            })
            .await
            .unwrap();
        store
            .system()
            .create::<Circuits>(&CircuitInput {
                code: format!("L{i}"),
                customer_code: format!("C{i}"),
                business_type: BusinessType::DataLine,
                scope: Scope::Local,
                bandwidth: Bandwidth::parse("100M").unwrap(),
                a_end: "A".into(),
                z_end: "Z".into(),
                assurance_level: AssuranceLevel::Aa,
                status: CircuitStatus::Active,
                region_code: Some("GZ".into()),
                acceptance: Acceptance::FinalAccepted,
                builder_name: String::new(),
                builder_phone: String::new(),
                path: None,
            })
            .await
            .unwrap();
    }
}

fn fault(customer: &str, occurred: DateTime<Utc>) -> OrderCreate {
    OrderCreate {
        kind: OrderKind::Fault,
        title: "专线中断".into(),
        description: String::new(),
        customer_code: None,
        circuit_codes: vec![format!("L{}", &customer[1..])],
        element_codes: vec![],
        site_code: None,
        region_code: None,
        alarms: vec![AlarmInput {
            alarm_id: "ALM-1".into(),
            transmission: false,
            text: "LOS".into(),
            raised_at: None,
        }],
        occurred_at: t(occurred),
        grade: None,
        business_type: None,
        lead_room: None,
        contractor_code: Some("CT01".into()),
        failed_hop: None,
        actor: Some("dispatcher".into()),
    }
}

fn event(kind: EventType, at: DateTime<Utc>) -> EventCreate {
    EventCreate {
        kind,
        at: t(at),
        note: String::new(),
        reason: None,
        approved_by: None,
        actor: Some("tech".into()),
        contractor_code: None,
        lead_room: None,
        assignee_code: None,
        data: None,
    }
}

fn clock<'a>(order: &'a Order, name: &str) -> &'a jike_domain::sla::ClockReport {
    let sla = order.sla.as_ref().unwrap();
    sla.clocks.iter().find(|c| c.name == name).unwrap()
}

/// Every grade through the whole lifecycle, with a suspension and the R-F10 refusal.
async fn lifecycle(store: &Store) {
    let now = Utc::now();
    for (i, grade) in Grade::ALL.iter().enumerate() {
        let t0 = now - Duration::hours(6);
        let created = store
            .system()
            .create_order(&fault(&format!("C{i}"), t0), None, now)
            .await
            .unwrap();
        let o = created.order;
        assert_eq!(o.grade, *grade, "R-SL3: the grade comes from the customer");
        assert_eq!(o.state, OrderState::New);
        assert_eq!(
            o.lead_room,
            Some(Room::ServiceSupport),
            "R-F2: no transmission alarm"
        );
        assert!(o.code.starts_with("GD-"));
        let at = |m: i64| t0 + Duration::minutes(m);
        let mut o2 = o.clone();
        for (kind, m) in [
            (EventType::Dispatched, 5),
            (EventType::Accepted, 10),
            (EventType::CustomerContacted, 15),
            (EventType::EnRoute, 20),
            (EventType::OnSite, 60),
        ] {
            o2 = store
                .system()
                .record_event(o.id, &event(kind, at(m)), now)
                .await
                .unwrap();
        }
        assert_eq!(o2.state, OrderState::InProgress);
        // R-C3: a suspension needs a reason and an approver.
        let err = store
            .system()
            .record_event(o.id, &event(EventType::Suspended, at(70)), now)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Transition { .. }), "{err}");
        let mut s = event(EventType::Suspended, at(70));
        s.reason = Some("客户机房无法进入".into());
        s.approved_by = Some("值班经理".into());
        store.system().record_event(o.id, &s, now).await.unwrap();
        store
            .system()
            .record_event(o.id, &event(EventType::Resumed, at(100)), now)
            .await
            .unwrap();
        let restored = store
            .system()
            .record_event(o.id, &event(EventType::Restored, at(150)), now)
            .await
            .unwrap();
        assert_eq!(restored.state, OrderState::Restored);
        let restore = clock(&restored, "restore");
        assert_eq!(
            restore.paused_seconds,
            30 * 60,
            "the suspension paused the clock"
        );
        assert_eq!(
            restore.state, "met",
            "120 running minutes is within every grade's limit"
        );
        // R-F10: confirmed only after an hour of observation.
        let err = store
            .system()
            .record_event(o.id, &event(EventType::Confirmed, at(180)), now)
            .await
            .unwrap_err();
        match &err {
            StoreError::Transition { allowed, state, .. } => {
                assert_eq!(state, "restored");
                assert!(allowed.contains(&"observing".to_string()), "{allowed:?}");
            }
            other => panic!("expected a refused transition, got {other}"),
        }
        store
            .system()
            .record_event(o.id, &event(EventType::Observing, at(155)), now)
            .await
            .unwrap();
        for (kind, m) in [
            (EventType::Confirmed, 215),
            (EventType::Replied, 220),
            (EventType::Closed, 230),
        ] {
            o2 = store
                .system()
                .record_event(o.id, &event(kind, at(m)), now)
                .await
                .unwrap();
        }
        assert_eq!(o2.state, OrderState::Closed);
        assert!(o2.closed_at.is_some());
        assert_eq!(o2.events.as_ref().unwrap().len(), 13);
        assert_eq!(
            o2.allowed_events.as_deref(),
            Some(&[EventType::Reopened][..])
        );
        // A closed order keeps no pending timers.
        let timers = store.timers_of(o.id).await.unwrap();
        assert!(timers.iter().all(|t| t.fired_at.is_some()), "{timers:?}");
        // An event on a closed order is refused with the allowed ones.
        let err = store
            .system()
            .record_event(o.id, &event(EventType::Accepted, now), now)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Transition { ref allowed, .. } if allowed == &["reopened"])
        );
    }
    // Lists filter on what the events made of the orders.
    let closed = store
        .system()
        .list::<Orders>(&ListParams {
            filters: vec![("state".into(), "归档".into())],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(closed.items.len(), Grade::ALL.len());
    let gold = store
        .system()
        .list::<Orders>(&ListParams {
            filters: vec![
                ("grade".into(), "gold".into()),
                ("open".into(), "false".into()),
            ],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(gold.items.len(), 1);
}

/// Bad input names its field; a retried request with its key makes one order.
async fn refusals_and_idempotency(store: &Store) {
    let now = Utc::now();
    let mut bad = fault("C0", now);
    bad.circuit_codes = vec!["NOPE".into()];
    bad.customer_code = Some("NOBODY".into());
    let err = store
        .system()
        .create_order(&bad, None, now)
        .await
        .unwrap_err();
    match &err {
        StoreError::Invalid(e) => {
            let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, ["customer_code", "circuit_codes[0]"]);
        }
        other => panic!("{other}"),
    }
    let future = fault("C0", now + Duration::hours(2));
    let err = store
        .system()
        .create_order(&future, None, now)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e[0].field == "occurred_at"),
        "{err}"
    );
    let mut hop = fault("C0", now);
    hop.failed_hop = Some(9);
    let err = store
        .system()
        .create_order(&hop, None, now)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Invalid(e) if e[0].field == "failed_hop"),
        "{err}"
    );

    let key = Idempotency {
        key: "eoms-4711".into(),
        request_hash: "h1".into(),
    };
    let first = store
        .system()
        .create_order(&fault("C1", now), Some(&key), now)
        .await
        .unwrap();
    let again = store
        .system()
        .create_order(&fault("C1", now), Some(&key), now)
        .await
        .unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(first.order.id, again.order.id);
    let other = Idempotency {
        request_hash: "h2".into(),
        ..key.clone()
    };
    let err = store
        .system()
        .create_order(&fault("C1", now), Some(&other), now)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err}");
    // Transmission alarms make the transport room lead (R-F2).
    let mut tx = fault("C2", now);
    tx.alarms[0].transmission = true;
    let o = store
        .system()
        .create_order(&tx, None, now)
        .await
        .unwrap()
        .order;
    assert_eq!(o.lead_room, Some(Room::Transport));
}

/// Timers fire once each, with one outbox row per target; a fired warning is not repeated.
async fn timers(store: &Store) {
    store.set_fanout(Arc::new(Everyone));
    let now = Utc::now();
    // A gold fault 5 hours old, never dispatched: its on-site and restore clocks breached, and
    // it escalated to joint handling after 1 hour (R-F4), with hourly updates since (R-F6).
    let o = store
        .system()
        .create_order(&fault("C1", now - Duration::hours(5)), None, now)
        .await
        .unwrap()
        .order;
    assert!(o.breached);
    assert!(o.joint_handling_at.is_some());
    let sla = o.sla.as_ref().unwrap();
    assert_eq!(sla.escalations.len(), 1);
    assert_eq!(sla.updates_due.len(), 4, "{:?}", sla.updates_due);
    let later = now + Duration::seconds(1);
    let claimed = store
        .claim_timers("test-a", 100, later, later + Duration::seconds(30))
        .await
        .unwrap();
    let mine: Vec<_> = claimed.iter().filter(|c| c.order_id == o.id).collect();
    // on_site and restore: warning and breach each; the escalation.
    let kinds: Vec<String> = store
        .timers_of(o.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.due_at <= later)
        .map(|t| format!("{}:{}", t.kind, t.clock.unwrap_or_default()))
        .collect();
    assert_eq!(mine.len(), kinds.len(), "{kinds:?}");
    assert!(kinds.contains(&"breach:restore".to_string()), "{kinds:?}");
    assert!(kinds.contains(&"escalation:".to_string()), "{kinds:?}");
    // Another claimant gets none of them while the lease holds.
    let none = store
        .claim_timers("test-b", 100, later, later + Duration::seconds(30))
        .await
        .unwrap();
    assert!(none.iter().all(|c| c.order_id != o.id));
    let mut fired = 0;
    for c in &mine {
        match store.fire_timer(c.id, "test-a", later).await.unwrap() {
            Fired::Fired { notifications, .. } => {
                assert_eq!(notifications, 1);
                fired += 1;
            }
            Fired::Stale => panic!("a claimed timer is not stale"),
        }
        // Firing twice does nothing; another owner cannot fire it.
        assert_eq!(
            store.fire_timer(c.id, "test-a", later).await.unwrap(),
            Fired::Stale
        );
        assert_eq!(
            store.fire_timer(c.id, "test-b", later).await.unwrap(),
            Fired::Stale
        );
    }
    assert_eq!(fired, mine.len());
    let mut conn = store.db().read().await.unwrap();
    let (rows,): (i64,) = conn
        .conn()
        .fetch_one(
            "SELECT count(*) FROM outbox WHERE order_id = $1 AND timer_id IS NOT NULL",
            &[Val::int(o.id)],
        )
        .await
        .unwrap();
    assert_eq!(rows as usize, fired);
    drop(conn);
    // The next hourly update is pending, in the future.
    let pending: Vec<_> = store
        .timers_of(o.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.fired_at.is_none())
        .collect();
    assert!(pending.iter().any(|t| t.kind == "update"), "{pending:?}");
    assert!(pending.iter().all(|t| t.due_at > later));
    // Dispatch and accept: the breaches already announced are not announced again.
    store
        .system()
        .record_event(o.id, &event(EventType::Dispatched, now), now)
        .await
        .unwrap();
    let again = store.timers_of(o.id).await.unwrap();
    let breaches = again
        .iter()
        .filter(|t| t.kind == "breach" && t.clock.as_deref() == Some("restore"))
        .count();
    assert_eq!(breaches, 1);
    // Nothing else is due now.
    let rest = store
        .claim_timers("test-a", 100, later, later + Duration::seconds(30))
        .await
        .unwrap();
    assert!(rest.iter().all(|c| c.order_id != o.id), "{rest:?}");
}

/// A new policy version applies to orders that occur from its valid_from on (R-SL3-like
/// history: reports use the rule of their time).
async fn policy_history(store: &Store) {
    let versions = store.policy_versions().await.unwrap();
    assert_eq!(
        versions.len(),
        1,
        "the default policy is stored at migration"
    );
    let now = Utc::now();
    let from = (now - Duration::hours(1)).fixed_offset().to_rfc3339();
    let text = policy::DEFAULT_POLICY_TOML
        .replace("version = 1", "version = 2")
        .replace(
            "valid_from = \"2025-01-01T00:00:00+08:00\"",
            &format!("valid_from = \"{from}\""),
        )
        .replace(
            "{ name = \"accept\", limit = \"10m\"",
            "{ name = \"accept\", limit = \"5m\"",
        );
    let v2 = store.load_policy(&text, "admin").await.unwrap();
    assert_eq!(v2.version, "2");
    let err = store.load_policy(&text, "admin").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict { field: Some(f), .. } if f == "version"),
        "{err}"
    );
    let err = store
        .load_policy("version = 3\nrule = 5", "admin")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");

    let old = store
        .system()
        .create_order(&fault("C1", now - Duration::hours(2)), None, now)
        .await
        .unwrap()
        .order;
    let new = store
        .system()
        .create_order(&fault("C1", now - Duration::minutes(10)), None, now)
        .await
        .unwrap()
        .order;
    assert_eq!(old.policy_version, versions[0].id);
    assert_eq!(new.policy_version, v2.id);
    assert_eq!(clock(&old, "accept").limit_seconds, Some(600));
    assert_eq!(clock(&new, "accept").limit_seconds, Some(300));
}

async fn calendars(store: &Store) {
    let err = store
        .load_workday_year("year = 2027\nholidays = [\"2026-01-01\"]", "admin")
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");
    let year = store
        .load_workday_year(
            "year = 2027\nholidays = [\"2027-01-01\"]\nmake_up_workdays = []\n",
            "admin",
        )
        .await
        .unwrap();
    assert_eq!(year, 2027);
    let years = store.workday_years().await.unwrap();
    let y = years.iter().find(|y| y.year == 2027).unwrap();
    assert_eq!(y.origin, "loaded");
    assert!(years
        .iter()
        .any(|y| y.year == 2025 && y.origin == "builtin"));
    assert!(!store
        .workdays()
        .await
        .unwrap()
        .is_workday_date(chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()));
}

#[tokio::test]
async fn work_orders_on_both_databases() {
    for test in TestDb::both().await {
        let store = Store::open(&test.url).await.unwrap();
        seed(&store).await;
        lifecycle(&store).await;
        refusals_and_idempotency(&store).await;
        timers(&store).await;
        policy_history(&store).await;
        calendars(&store).await;
        store.close().await;
        test.cleanup().await;
    }
}

/// The console's overview (issue 5): counts by state and grade, the most urgent first, joint
/// handling with its next update (R-F4, R-F6), today's breaches, all within the caller's scope.
#[tokio::test]
async fn the_dashboard_shows_the_callers_open_orders_most_urgent_first() {
    for test in TestDb::both().await {
        let store = Store::open(&test.url).await.unwrap();
        seed(&store).await;
        let now = Utc::now();
        // Diamond (C0), five hours ago: restore (4 h) breached an hour ago, joint handling
        // since four hours ago (1 h unsolved, R-F4).
        let late = store
            .system()
            .create_order(&fault("C0", now - Duration::hours(5)), None, now)
            .await
            .unwrap()
            .order;
        // Standard (C4), just now: every clock running.
        let fresh = store
            .system()
            .create_order(&fault("C4", now - Duration::minutes(1)), None, now)
            .await
            .unwrap()
            .order;
        let system = Caller::system("test");
        let board = store.scoped(&system).dashboard(now).await.unwrap();
        assert_eq!(board.open_total, 2);
        let counts: Vec<(OrderState, Grade, i64)> = board
            .by_state_grade
            .iter()
            .map(|c| (c.state, c.grade, c.count))
            .collect();
        assert!(
            counts.contains(&(OrderState::New, Grade::Diamond, 1)),
            "{counts:?}"
        );
        assert!(
            counts.contains(&(OrderState::New, Grade::Standard, 1)),
            "{counts:?}"
        );
        let ids: Vec<i64> = board.orders.iter().map(|o| o.id).collect();
        assert_eq!(ids, [late.id, fresh.id], "the breached order comes first");
        assert!(board
            .orders
            .iter()
            .all(|o| o.sla.is_some() && o.events.is_none()));
        let restore = clock(&board.orders[0], "restore");
        assert_eq!(restore.state, "breached");
        assert_eq!(board.joint_handling.len(), 1);
        assert_eq!(board.joint_handling[0].id, late.id);
        assert!(
            board.joint_handling[0].next_update_due.is_some(),
            "R-F6: an hourly update is due"
        );
        // The breach fell an hour ago: today's, unless today began since.
        let breach_at = now - Duration::hours(1);
        let today_began = (now + Duration::hours(8))
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            - Duration::hours(8);
        let expected = i64::from(breach_at.naive_utc() >= today_began);
        assert_eq!(
            board.breached_today.count, expected,
            "{:?}",
            board.breached_today
        );

        // A portal customer sees only its own order.
        let c4 = store.system().get_by_code::<Customers>("C4").await.unwrap();
        let customer = Caller {
            user: "portal".into(),
            role: "customer".into(),
            source: "local".into(),
            scope: jike_store::scope::Scope::Customer { customer_id: c4.id },
        };
        let board = store.scoped(&customer).dashboard(now).await.unwrap();
        assert_eq!(board.open_total, 1);
        assert_eq!(board.orders.len(), 1);
        assert_eq!(board.orders[0].id, fresh.id);
        assert!(board.joint_handling.is_empty());
        assert_eq!(board.breached_today.count, 0);
        store.close().await;
        test.cleanup().await;
    }
}

/// 今日超时 shows only what is still breached: a breach timer that fired stays fired, but events
/// recorded afterwards with earlier times (backdated) that stop the clock in time withdraw the
/// order from today's breaches.
#[tokio::test]
async fn backdated_events_withdraw_a_breach_from_the_dashboard() {
    for test in TestDb::both().await {
        let store = Store::open(&test.url).await.unwrap();
        seed(&store).await;
        let now = Utc::now();
        let t0 = now - Duration::hours(3);
        // Diamond: on site within 2 h; it breached an hour ago.
        let order = store
            .system()
            .create_order(&fault("C0", t0), None, now)
            .await
            .unwrap()
            .order;
        for timer in store
            .claim_timers("test", 100, now, now + Duration::seconds(30))
            .await
            .unwrap()
        {
            store.fire_timer(timer.id, "test", now).await.unwrap();
        }
        let system = Caller::system("test");
        let today_began = (now + Duration::hours(8))
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            - Duration::hours(8);
        let today = (now - Duration::hours(1)).naive_utc() >= today_began;
        let board = store.scoped(&system).dashboard(now).await.unwrap();
        if today {
            assert_eq!(board.breached_today.count, 1, "{:?}", board.breached_today);
            assert_eq!(board.breached_today.orders[0].id, order.id);
            assert_eq!(board.breached_today.orders[0].clocks, ["on_site"]);
        }
        // The technician's events, entered late with the times they happened: every clock met.
        for (kind, m) in [
            (EventType::Dispatched, 1),
            (EventType::Accepted, 2),
            (EventType::CustomerContacted, 3),
            (EventType::OnSite, 30),
        ] {
            store
                .system()
                .record_event(order.id, &event(kind, t0 + Duration::minutes(m)), now)
                .await
                .unwrap();
        }
        let board = store.scoped(&system).dashboard(now).await.unwrap();
        assert_eq!(board.breached_today.count, 0, "{:?}", board.breached_today);
        assert!(board.breached_today.orders.is_empty());
        store.close().await;
        test.cleanup().await;
    }
}
