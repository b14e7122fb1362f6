//! Issue 14, a technician and not only a company: an account linked to a staff member of its
//! contractor, orders assigned (指派) to a person at dispatch (派单), transfer (转派) or later,
//! and who may say so; on SQLite and PostgreSQL.

use chrono::Utc;
use jike_domain::*;
use jike_store::testing::{on_both, token_for};
use jike_store::users::NewUser;
use jike_store::*;
use serde_json::json;

fn fields(err: &StoreError) -> Vec<String> {
    match err {
        StoreError::Invalid(problems) => problems.iter().map(|p| p.field.clone()).collect(),
        other => panic!("expected a field error, got {other}"),
    }
}

fn new_user(name: &str, role: Role) -> NewUser {
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

fn technician(name: &str, contractor: &str, staff: Option<&str>) -> NewUser {
    NewUser {
        contractor_code: Some(contractor.into()),
        staff_code: staff.map(str::to_string),
        ..new_user(name, Role::Contractor)
    }
}

fn create<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

async fn seed(store: &Store) {
    store
        .system()
        .create::<Regions>(&create(
            json!({"code": "GZ", "name": "广东省", "level": "province"}),
        ))
        .await
        .unwrap();
    for c in ["CT01", "CT02"] {
        store
            .system().create::<Contractors>(&create(json!({"code": c, "name": format!("代维{c}"),
                "contract_start": "2020-01-01", "contract_end": "2030-12-31", "region_codes": ["GZ"]})))
            .await
            .unwrap();
    }
    for (code, name, contractor) in [
        ("S1", "张强", "CT01"),
        ("S2", "李明", "CT01"),
        ("S9", "王五", "CT02"),
    ] {
        store
            .system()
            .create::<StaffMembers>(&create(json!({"code": code, "name": name,
                "contractor_code": contractor, "region_code": "GZ", "education": "本科",
                "training_level": "初级"})))
            .await
            .unwrap();
    }
    store
        .system()
        .create::<Customers>(&create(
            json!({"code": "C1", "name": "客户一", "grade": "gold",
            "region_code": "GZ"}),
        ))
        .await
        .unwrap();
    for (code, extra) in [
        ("L1", json!({})),
        (
            "L2",
            json!({"acceptance": "未终验", "builder_name": "项目经理 刘工", "builder_phone": "13900001111"}),
        ),
    ] {
        let mut v = json!({"code": code, "customer_code": "C1", "business_type": "数据专线",
            "scope": "本地", "bandwidth": "100M", "a_end": "A", "z_end": "Z",
            "assurance_level": "AA", "region_code": "GZ"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        store.system().create::<Circuits>(&create(v)).await.unwrap();
    }
}

fn order(circuit: &str, extra: serde_json::Value) -> OrderCreate {
    let mut v = json!({"kind": "fault", "title": "专线中断", "circuit_codes": [circuit]});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    serde_json::from_value(v).unwrap()
}

fn event(kind: &str, extra: serde_json::Value) -> EventCreate {
    let mut v = json!({"type": kind});
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    serde_json::from_value(v).unwrap()
}

/// The caller of a new account, as the server would make it from its token.
async fn caller_of(store: &Store, name: &str, user: NewUser) -> Caller {
    let token = token_for(store, name, user).await;
    let (principal, _) = store
        .token_principal(&token, Utc::now())
        .await
        .unwrap()
        .unwrap();
    principal.caller("test")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_is_linked_to_staff_of_its_own_contractor_only() {
    on_both(|store| async move {
        seed(&store).await;
        let cli = Caller::system("test");
        let u = store
            .add_user(&cli, &technician("zhang", "CT01", Some("S1")))
            .await
            .unwrap();
        assert_eq!(
            (u.staff_code.as_deref(), u.staff_name.as_deref()),
            (Some("S1"), Some("张强"))
        );
        // Another contractor's staff, nobody, a role that has no staff: each names staff_code,
        // and nothing is written.
        for (name, input) in [
            ("li", technician("li", "CT01", Some("S9"))),
            ("wang", technician("wang", "CT01", Some("NOBODY"))),
            (
                "mon",
                NewUser {
                    staff_code: Some("S1".into()),
                    ..new_user("mon", Role::Monitoring)
                },
            ),
        ] {
            let err = store.add_user(&cli, &input).await.unwrap_err();
            assert_eq!(fields(&err), ["staff_code"], "{name}: {err}");
            assert!(store.user(name).await.is_err(), "{name} was not written");
        }
        let err = store
            .add_user(&cli, &technician("li", "CT01", Some("S9")))
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("not staff of the account's contractor CT01"),
            "{err}"
        );
        // Linked and unlinked later; refused for another company's staff and other roles.
        store
            .add_user(&cli, &technician("disp", "CT01", None))
            .await
            .unwrap();
        let linked = store.set_staff(&cli, "disp", Some("S2")).await.unwrap();
        assert_eq!(linked.staff_code.as_deref(), Some("S2"));
        let err = store.set_staff(&cli, "disp", Some("S9")).await.unwrap_err();
        assert_eq!(fields(&err), ["staff_code"]);
        assert_eq!(
            store.user("disp").await.unwrap().staff_code.as_deref(),
            Some("S2")
        );
        let unlinked = store.set_staff(&cli, "disp", None).await.unwrap();
        assert_eq!(unlinked.staff_code, None);
        store
            .add_user(&cli, &new_user("boss", Role::Monitoring))
            .await
            .unwrap();
        let err = store.set_staff(&cli, "boss", Some("S1")).await.unwrap_err();
        assert_eq!(fields(&err), ["staff_code"]);
        // A linked staff member cannot be deleted from under its account (409 naming it).
        let s1 = store
            .system()
            .get_by_code::<StaffMembers>("S1")
            .await
            .unwrap();
        let err = store
            .system()
            .delete::<StaffMembers>(s1.id)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("user account"), "{err}");
        // Every change is audited.
        let log = store
            .audit_list(&AuditQuery {
                action: Some("users.staff".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(log.items.len(), 2, "{:?}", log.items);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_are_assigned_to_staff_of_their_contractor_at_dispatch_transfer_or_later() {
    on_both(|store| async move {
        seed(&store).await;
        let now = Utc::now();
        let o = store
            .system()
            .create_order(&order("L1", json!({"contractor_code": "CT01"})), None, now)
            .await
            .unwrap()
            .order;
        assert_eq!(o.assignee_code, None);
        // Another contractor's staff, nobody: 422 naming assignee_code; nothing written.
        for who in ["S9", "NOBODY"] {
            let err = store
                .system()
                .record_event(
                    o.id,
                    &event("dispatched", json!({"assignee_code": who})),
                    now,
                )
                .await
                .unwrap_err();
            assert_eq!(fields(&err), ["assignee_code"], "{err}");
        }
        let still = store.system().order(&o.id.to_string(), now).await.unwrap();
        assert_eq!(
            (still.state, still.events.unwrap().len()),
            (OrderState::New, 1)
        );
        // 派单 to a person.
        let d = store
            .system()
            .record_event(
                o.id,
                &event("dispatched", json!({"assignee_code": "S1"})),
                now,
            )
            .await
            .unwrap();
        assert_eq!(d.state, OrderState::Dispatched);
        assert_eq!(
            (d.assignee_code.as_deref(), d.assignee_name.as_deref()),
            (Some("S1"), Some("张强"))
        );
        let last = d.events.as_ref().unwrap().last().unwrap().clone();
        assert_eq!(
            (
                last.kind,
                last.assignee_code.as_deref(),
                last.assignee_name.as_deref()
            ),
            (EventType::Dispatched, Some("S1"), Some("张强"))
        );
        assert!(d.allowed_events.unwrap().contains(&EventType::Assigned));
        // 指派 another person of the contractor: the state stays.
        let a = store
            .system()
            .record_event(
                o.id,
                &event(
                    "assigned",
                    json!({"assignee_code": "S2", "note": "张强休假"}),
                ),
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            (a.state, a.assignee_code.as_deref()),
            (OrderState::Dispatched, Some("S2"))
        );
        // The list filters by assignee; an unknown code is a 422, not an empty page.
        let mine = |code: &str| ListParams {
            filters: vec![("assignee".into(), code.into())],
            ..Default::default()
        };
        let page = store
            .scoped(&Caller::system("t"))
            .orders(&mine("S2"), now)
            .await
            .unwrap();
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].assignee_name.as_deref(), Some("李明"));
        let page = store
            .scoped(&Caller::system("t"))
            .orders(&mine("S1"), now)
            .await
            .unwrap();
        assert!(page.items.is_empty());
        let err = store
            .scoped(&Caller::system("t"))
            .orders(&mine("NOBODY"), now)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["assignee"]);
        // 转派 to another contractor drops the person, or names one of the new company's.
        let r = store
            .system()
            .record_event(
                o.id,
                &event("reassigned", json!({"contractor_code": "CT02"})),
                now,
            )
            .await
            .unwrap();
        assert_eq!(
            (r.contractor_code.as_deref(), r.assignee_code),
            (Some("CT02"), None)
        );
        let err = store
            .system()
            .record_event(
                o.id,
                &event("assigned", json!({"assignee_code": "S1"})),
                now,
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["assignee_code"]);
        assert!(
            err.to_string()
                .contains("not staff of the order's contractor CT02"),
            "{err}"
        );
        let r = store
            .system()
            .record_event(
                o.id,
                &event(
                    "reassigned",
                    json!({"contractor_code": "CT01", "assignee_code": "S1"}),
                ),
                now,
            )
            .await
            .unwrap();
        assert_eq!(r.assignee_code.as_deref(), Some("S1"));
        // An assigned person cannot be deleted (409 naming the order).
        let s1 = store
            .system()
            .get_by_code::<StaffMembers>("S1")
            .await
            .unwrap();
        let err = store
            .system()
            .delete::<StaffMembers>(s1.id)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("work order"), "{err}");
        // Assigning needs a person.
        let err = store
            .system()
            .record_event(o.id, &event("assigned", json!({})), now)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["assignee_code"]);
    })
    .await;
}

/// Seed 6.4.1: an order routed to the engineering department has no contractor's staff.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engineering_orders_are_assigned_to_nobody() {
    on_both(|store| async move {
        seed(&store).await;
        let now = Utc::now();
        let o = store
            .system()
            .create_order(&order("L2", json!({})), None, now)
            .await
            .unwrap()
            .order;
        let err = store
            .system()
            .record_event(
                o.id,
                &event("dispatched", json!({"assignee_code": "S1"})),
                now,
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["assignee_code"]);
        assert!(err.to_string().contains("seed 6.4.1"), "{err}");
        let d = store
            .system()
            .record_event(o.id, &event("dispatched", json!({})), now)
            .await
            .unwrap();
        assert!(
            !d.allowed_events
                .as_ref()
                .unwrap()
                .contains(&EventType::Assigned),
            "assignment is not offered: {:?}",
            d.allowed_events
        );
        let err = store
            .system()
            .record_event(
                o.id,
                &event("assigned", json!({"assignee_code": "S1"})),
                now,
            )
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["assignee_code"]);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_technician_takes_unassigned_orders_and_hands_on_its_own_and_sees_it_in_mine() {
    on_both(|store| async move {
        seed(&store).await;
        let now = Utc::now();
        let zhang = caller_of(&store, "zhang", technician("zhang", "CT01", Some("S1"))).await;
        let dispatcher = caller_of(&store, "ct01", technician("ct01", "CT01", None)).await;
        let dispatch = |assignee: Option<&str>| {
            let extra = match assignee {
                Some(a) => json!({"assignee_code": a}),
                None => json!({}),
            };
            event("dispatched", extra)
        };
        let mut orders = Vec::new();
        for assignee in [None, Some("S2")] {
            let o = store
                .system()
                .create_order(&order("L1", json!({"contractor_code": "CT01"})), None, now)
                .await
                .unwrap()
                .order;
            store
                .system()
                .record_event(o.id, &dispatch(assignee), now)
                .await
                .unwrap();
            orders.push(o.id);
        }
        let (open, others) = (orders[0], orders[1]);
        // The technician takes the unassigned order …
        let took = store
            .scoped(&zhang)
            .record_event(
                open,
                &event("assigned", json!({"assignee_code": "S1"})),
                now,
            )
            .await
            .unwrap();
        assert_eq!(took.assignee_code.as_deref(), Some("S1"));
        // … but not the one assigned to its colleague: 403, nothing written.
        let err = store
            .scoped(&zhang)
            .record_event(
                others,
                &event("assigned", json!({"assignee_code": "S1"})),
                now,
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Forbidden(_)), "{err}");
        assert!(err.to_string().contains("dispatcher"), "{err}");
        assert_eq!(
            store
                .system()
                .order(&others.to_string(), now)
                .await
                .unwrap()
                .assignee_code
                .as_deref(),
            Some("S2")
        );
        // It hands its own on; the company's dispatcher reassigns anyone's.
        store
            .scoped(&zhang)
            .record_event(
                open,
                &event("assigned", json!({"assignee_code": "S2"})),
                now,
            )
            .await
            .unwrap();
        store
            .scoped(&dispatcher)
            .record_event(
                others,
                &event("assigned", json!({"assignee_code": "S1"})),
                now,
            )
            .await
            .unwrap();
        let page = store
            .scoped(&zhang)
            .orders(
                &ListParams {
                    filters: vec![("assignee".into(), "S1".into())],
                    ..Default::default()
                },
                now,
            )
            .await
            .unwrap();
        let ids: Vec<i64> = page.items.iter().map(|o| o.id).collect();
        assert_eq!(ids, [others]);
        // A customer never sees who works its order.
        let customer = caller_of(
            &store,
            "cust",
            NewUser {
                customer_code: Some("C1".into()),
                ..new_user("cust", Role::Customer)
            },
        )
        .await;
        let seen = store
            .scoped(&customer)
            .order(&others.to_string(), now)
            .await
            .unwrap();
        assert_eq!((seen.assignee_code, seen.assignee_name), (None, None));
        assert!(seen
            .events
            .unwrap()
            .iter()
            .all(|e| e.kind != EventType::Assigned && e.assignee_code.is_none()));
    })
    .await;
}
