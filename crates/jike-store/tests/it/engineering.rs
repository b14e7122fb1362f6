//! Seed 6.4.1 (工程建设部门…负责…未终验业务的故障处理): a fault on a line not finally accepted
//! goes to the engineering department through the project's builder, never to a contractor; on
//! SQLite and PostgreSQL.

use chrono::Utc;
use jike_domain::derive::ContractorBasis;
use jike_domain::*;
use jike_store::testing::on_both;
use jike_store::*;
use serde_json::json;

fn fields(err: &StoreError) -> Vec<String> {
    match err {
        StoreError::Invalid(problems) => problems.iter().map(|p| p.field.clone()).collect(),
        other => panic!("expected a field error, got {other}"),
    }
}

fn circuit(code: &str, extra: serde_json::Value) -> CircuitInput {
    let mut v = json!({
        "code": code, "customer_code": "C1", "business_type": "数据专线", "scope": "本地",
        "bandwidth": "100M", "a_end": "A", "z_end": "Z", "assurance_level": "AA",
        "region_code": "GZ",
    });
    for (k, x) in extra.as_object().unwrap() {
        v[k] = x.clone();
    }
    serde_json::from_value(v).unwrap()
}

async fn seed(store: &Store) {
    store
        .system()
        .create::<Regions>(
            &serde_json::from_value(json!({"code": "GZ", "name": "广东省", "level": "province"}))
                .unwrap(),
        )
        .await
        .unwrap();
    store
        .system().create::<Contractors>(
            &serde_json::from_value(json!({"code": "CT01", "name": "广州代维",
                "contract_start": "2020-01-01", "contract_end": "2030-12-31", "region_codes": ["GZ"]}))
            .unwrap(),
        )
        .await
        .unwrap();
    store
        .system()
        .create::<Customers>(
            &serde_json::from_value(json!({"code": "C1", "name": "客户一", "industry": "医疗",
                "grade": "silver", "account_manager": "王经理", "contact_name": "张伟",
                "contact_phone": "13812345678", "region_code": "GZ"}))
            .unwrap(),
        )
        .await
        .unwrap();
}

fn order(kind: &str, circuit: &str, extra: serde_json::Value) -> OrderCreate {
    let mut v = json!({"kind": kind, "title": "专线中断", "circuit_codes": [circuit]});
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_circuit_not_finally_accepted_needs_its_builder() {
    on_both(|store| async move {
        seed(&store).await;
        // Without the field a line is finally accepted, as every existing row is.
        let old = store.system().create::<Circuits>(&circuit("L0", json!({}))).await.unwrap();
        assert_eq!(old.acceptance, Acceptance::FinalAccepted);
        let err = store
            .system().create::<Circuits>(&circuit("L1", json!({"acceptance": "未终验"})))
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["builder_name"], "{err}");
        let err = store
            .system().create::<Circuits>(&circuit(
                "L1",
                json!({"acceptance": "not_final_accepted", "builder_name": "项目经理 刘工", "builder_phone": "12"}),
            ))
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["builder_phone"], "{err}");
        // Nothing was written by the refusals.
        let err = store.system().get_by_code::<Circuits>("L1").await;
        assert!(err.is_err(), "{err:?}");
        let c = store
            .system().create::<Circuits>(&circuit(
                "L1",
                json!({"acceptance": "未终验", "builder_name": "项目经理 刘工", "builder_phone": "13900001111"}),
            ))
            .await
            .unwrap();
        let c = store.system().get::<Circuits>(c.id).await.unwrap();
        assert_eq!(c.acceptance, Acceptance::NotFinalAccepted);
        assert_eq!(c.builder_name, "项目经理 刘工");
        assert_eq!(c.builder_phone, "13900001111");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fault_on_a_line_not_finally_accepted_goes_to_the_builder_not_a_contractor() {
    on_both(|store| async move {
        seed(&store).await;
        store
            .system().create::<Circuits>(&circuit(
                "L1",
                json!({"acceptance": "未终验", "builder_name": "项目经理 刘工", "builder_phone": "13900001111"}),
            ))
            .await
            .unwrap();
        store.system().create::<Circuits>(&circuit("L2", json!({}))).await.unwrap();
        let now = Utc::now();
        let o = store
            .system().create_order(&order("fault", "L1", json!({})), None, now)
            .await
            .unwrap()
            .order;
        assert_eq!(o.contractor_basis, Some(ContractorBasis::Engineering));
        assert_eq!(o.contractor_code, None);
        assert_eq!(o.builder_name.as_deref(), Some("项目经理 刘工"));
        assert_eq!(o.builder_phone.as_deref(), Some("13900001111"));
        let read = store.system().order(&o.id.to_string(), now).await.unwrap();
        assert_eq!(read.builder_name.as_deref(), Some("项目经理 刘工"));
        // Naming a contractor for it is refused, at creation, dispatch and reassignment.
        let err = store
            .system().create_order(&order("complaint", "L1", json!({"contractor_code": "CT01"})), None, now)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["contractor_code"], "{err}");
        assert!(err.to_string().contains("未终验"), "{err}");
        let err = store
            .system().record_event(o.id, &event("dispatched", json!({"contractor_code": "CT01"})), now)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["contractor_code"], "{err}");
        // Dispatched without one: it goes to the engineering department.
        let d = store
            .system().record_event(o.id, &event("dispatched", json!({})), now)
            .await
            .unwrap();
        assert_eq!(d.state, OrderState::Dispatched);
        assert_eq!(d.contractor_code, None);
        let err = store
            .system().record_event(o.id, &event("reassigned", json!({"contractor_code": "CT01"})), now)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["contractor_code"], "{err}");
        // Planned work on the same line, and a fault on a finally accepted one, are not routed
        // to engineering.
        let i = store
            .system().create_order(&order("inspection", "L1", json!({"contractor_code": "CT01"})), None, now)
            .await
            .unwrap()
            .order;
        assert_eq!(i.contractor_basis, Some(ContractorBasis::Given));
        assert_eq!(i.builder_name, None);
        let f = store
            .system().create_order(&order("fault", "L2", json!({})), None, now)
            .await
            .unwrap()
            .order;
        assert_ne!(f.contractor_basis, Some(ContractorBasis::Engineering));
        // Dispatching that one without a contractor is still refused (R-MD).
        let err = store
            .system().record_event(f.id, &event("dispatched", json!({})), now)
            .await
            .unwrap_err();
        assert_eq!(fields(&err), ["contractor_code"], "{err}");
    })
    .await;
}
