//! Device configurations and their findings (issue 6) on SQLite and PostgreSQL: an upload
//! replaces the element's findings, the newest ten configurations are kept, the lists per
//! element and per rule follow the caller's scope, a refused upload writes nothing, and
//! deleting an element deletes its configurations.

use chrono::NaiveDate;
use jike_domain::*;
use jike_store::scope::Scope as Seen;
use jike_store::testing::on_both;
use jike_store::*;

/// Two contractors, each maintaining one element; returns the elements' ids and the
/// contractors' ids.
async fn seed(store: &Store) -> ([i64; 2], [i64; 2]) {
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
    store
        .system()
        .create::<Sites>(&SiteInput {
            code: "S1".into(),
            name: "天河机房".into(),
            kind: SiteKind::MachineRoom,
            address: "天河路 1 号".into(),
            region_code: "GZ".into(),
            longitude: None,
            latitude: None,
        })
        .await
        .unwrap();
    let mut elements = [0; 2];
    let mut contractors = [0; 2];
    for i in 0..2 {
        let c = store
            .system()
            .create::<Contractors>(&ContractorInput {
                code: format!("DW{i}"),
                name: format!("代维{i}"),
                contract_start: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                contract_end: NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
                region_codes: vec!["GZ".into()],
                domains: vec![MaintenanceDomain::EnterpriseAccess],
            })
            .await
            .unwrap();
        contractors[i] = c.id;
        let e = store
            .system()
            .create::<Elements>(&ElementInput {
                code: format!("NE-{i}"),
                name: format!("汇聚交换机{i}"),
                element_type: ElementType::Switch,
                vendor: "华为".into(),
                model: "S5735".into(),
                management_ip: None,
                site_code: "S1".into(),
                owner: Owner::Operator,
                domain: MaintenanceDomain::EnterpriseAccess,
                contractor_code: Some(format!("DW{i}")),
            })
            .await
            .unwrap();
        elements[i] = e.id;
    }
    (elements, contractors)
}

/// Elements `NE-{i}` for `range`, all maintained by `DW0` at the seed's site; their ids.
async fn more_dw0_elements(store: &Store, range: std::ops::Range<usize>) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in range {
        let e = store
            .system()
            .create::<Elements>(&ElementInput {
                code: format!("NE-{i}"),
                name: format!("汇聚交换机{i}"),
                element_type: ElementType::Switch,
                vendor: "华为".into(),
                model: "S5735".into(),
                management_ip: None,
                site_code: "S1".into(),
                owner: Owner::Operator,
                domain: MaintenanceDomain::EnterpriseAccess,
                contractor_code: Some("DW0".into()),
            })
            .await
            .unwrap();
        ids.push(e.id);
    }
    ids
}

fn finding(line: i64, rule: &str, severity: &str) -> ConfigFinding {
    ConfigFinding {
        line,
        rule: rule.into(),
        severity: severity.into(),
        message: format!("{rule} at {line}"),
        object: Some("interface GigabitEthernet0/0/1".into()),
        message_zh: String::new(),
        related_elements: vec![],
    }
}

fn upload(text: &str, findings: Vec<ConfigFinding>) -> ConfigUpload {
    ConfigUpload {
        file_name: "NE.cfg".into(),
        vendor: "huawei".into(),
        role: "access".into(),
        content: text.into(),
        lines: text.lines().count() as i64,
        findings,
        globals: "{}".into(),
    }
}

/// No comparison across devices.
const ALONE: FleetCheck<'static> = FleetCheck {
    rule: "CF2-inconsistent",
    compare: &|_, _| Vec::new(),
};

fn contractor(id: i64) -> Caller {
    Caller {
        user: format!("tech{id}"),
        role: "contractor".into(),
        source: "local".into(),
        scope: Seen::Contractor {
            contractor_id: id,
            regions: vec![],
        },
    }
}

#[tokio::test]
async fn an_upload_replaces_the_elements_findings_and_the_lists_follow() {
    on_both(|store| async move {
        let (ne, dw) = seed(&store).await;
        let admin = Caller::system("admin");
        let first = store
            .scoped(&admin)
            .config_upload(
                ne[0],
                &upload(
                    "sysname NE-0\ninterface GigabitEthernet0/0/1\n",
                    vec![
                        finding(2, "CF5-missing-description", "warning"),
                        finding(1, "SEC-plaintext-password", "error"),
                    ],
                ),
                &ALONE,
            )
            .await
            .unwrap();
        assert_eq!(first.element.code, "NE-0");
        assert_eq!((first.config.errors, first.config.warnings), (1, 1));
        assert_eq!(first.config.uploaded_by, "admin");
        assert_eq!(first.config.bytes, 44);
        assert_eq!(
            first.config.uploaded_at.offset().local_minus_utc(),
            8 * 3600
        );

        let latest = store.scoped(&admin).config_latest(ne[0]).await.unwrap();
        assert_eq!(latest, first);

        // The second upload's findings replace the first's.
        let second = store
            .scoped(&admin)
            .config_upload(
                ne[0],
                &upload(
                    "sysname NE-0\n",
                    vec![finding(1, "CF5-missing-description", "warning")],
                ),
                &ALONE,
            )
            .await
            .unwrap();
        let latest = store.scoped(&admin).config_latest(ne[0]).await.unwrap();
        assert_eq!(latest.config.id, second.config.id);
        assert_eq!(latest.findings.len(), 1);
        store
            .scoped(&admin)
            .config_upload(
                ne[1],
                &upload(
                    "sysname NE-1\n",
                    vec![
                        finding(3, "CF5-missing-description", "warning"),
                        finding(4, "CF5-missing-description", "warning"),
                        finding(5, "CF3-unused-object", "warning"),
                    ],
                ),
                &ALONE,
            )
            .await
            .unwrap();

        // Per rule: three findings of CF5 on two elements, none left of the first upload.
        let overview = store.scoped(&admin).config_overview().await.unwrap();
        assert_eq!(overview.elements_checked, 2);
        assert_eq!(overview.elements_with_errors, 0);
        let cf5 = overview
            .rules
            .iter()
            .find(|r| r.rule == "CF5-missing-description")
            .unwrap();
        assert_eq!((cf5.findings, cf5.elements), (3, 2));
        assert!(!overview
            .rules
            .iter()
            .any(|r| r.rule == "SEC-plaintext-password"));

        let q = FindingQuery {
            rule: Some("CF5-missing-description".into()),
            limit: Some(2),
            ..Default::default()
        };
        let page = store.scoped(&admin).config_findings(&q).await.unwrap();
        assert_eq!(page.items.len(), 2);
        assert_eq!(page.items[0].element_code, "NE-0");
        assert_eq!(page.items[1].element_code, "NE-1");
        assert_eq!(page.items[1].line, 3);
        let q = FindingQuery {
            cursor: page.next_cursor.clone(),
            ..q
        };
        let rest = store.scoped(&admin).config_findings(&q).await.unwrap();
        assert_eq!(rest.items.len(), 1);
        assert_eq!(rest.items[0].line, 4);
        assert_eq!(rest.next_cursor, None);

        let by_element = store
            .scoped(&admin)
            .config_findings(&FindingQuery {
                element: Some("NE-1".into()),
                severity: Some("warning".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(by_element.items.len(), 3);

        // A contractor sees its own element's configuration and findings only; another's
        // element does not exist for it.
        let c0 = contractor(dw[0]);
        let elements = ne;
        let own = store
            .scoped(&c0)
            .config_findings(&FindingQuery::default())
            .await
            .unwrap();
        assert!(own.items.iter().all(|f| f.element_code == "NE-0"));
        assert_eq!(own.items.len(), 1);
        assert_eq!(
            store
                .scoped(&c0)
                .config_overview()
                .await
                .unwrap()
                .elements_checked,
            1
        );
        for e in [
            store
                .scoped(&c0)
                .config_latest(elements[1])
                .await
                .unwrap_err(),
            store
                .scoped(&c0)
                .config_upload(elements[1], &upload("x\n", vec![]), &ALONE)
                .await
                .unwrap_err(),
            store
                .scoped(&c0)
                .config_text(elements[1], None)
                .await
                .unwrap_err(),
        ] {
            assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
        }
        // A portal customer sees no element at all.
        let portal = Caller {
            scope: Seen::Customer { customer_id: 1 },
            ..c0.clone()
        };
        let none = store
            .scoped(&portal)
            .config_findings(&FindingQuery::default())
            .await
            .unwrap();
        assert!(none.items.is_empty());
        assert_eq!(
            store.scoped(&portal).config_overview().await.unwrap().rules,
            vec![]
        );
    })
    .await;
}

#[tokio::test]
async fn an_element_keeps_its_newest_ten_configurations_and_reading_one_is_audited() {
    on_both(|store| async move {
        let (ne, _) = seed(&store).await;
        let admin = Caller::system("admin");
        let mut ids = Vec::new();
        for i in 0..12 {
            let c = store
                .scoped(&admin)
                .config_upload(ne[0], &upload(&format!("sysname v{i}\n"), vec![]), &ALONE)
                .await
                .unwrap();
            ids.push(c.config.id);
        }
        let history = store.scoped(&admin).config_history(ne[0]).await.unwrap();
        assert_eq!(history.len(), 10);
        assert_eq!(history[0].id, ids[11]);
        assert_eq!(history[9].id, ids[2]);

        let (summary, text) = store.scoped(&admin).config_text(ne[0], None).await.unwrap();
        assert_eq!((summary.id, text.as_str()), (ids[11], "sysname v11\n"));
        let (_, text) = store
            .scoped(&admin)
            .config_text(ne[0], Some(ids[5]))
            .await
            .unwrap();
        assert_eq!(text, "sysname v5\n");
        // The oldest two are gone.
        let gone = store
            .scoped(&admin)
            .config_text(ne[0], Some(ids[0]))
            .await
            .unwrap_err();
        assert!(matches!(gone, StoreError::NotFound { .. }), "{gone:?}");

        let reads = store
            .audit_list(&AuditQuery {
                action: Some("read.config".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(reads.items.len(), 2);
        assert_eq!(
            reads.items[0].object,
            format!("elements/{}/configs/{}", ne[0], ids[5])
        );
        let uploads = store
            .audit_list(&AuditQuery {
                action: Some("elements.config_upload".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(uploads.items.len(), 12);
        // The audit log records the upload, not the text (which holds secrets).
        assert!(uploads.items[0]
            .after
            .as_ref()
            .unwrap()
            .get("content")
            .is_none());
        assert!(store.audit_verify().await.unwrap().ok);

        // Deleting the element deletes its configurations and findings.
        store
            .scoped(&admin)
            .config_upload(
                ne[1],
                &upload("x\n", vec![finding(1, "CF1-syntax", "error")]),
                &ALONE,
            )
            .await
            .unwrap();
        store.system().delete::<Elements>(ne[1]).await.unwrap();
        let overview = store.scoped(&admin).config_overview().await.unwrap();
        assert_eq!(overview.elements_checked, 1);
        assert!(overview.rules.is_empty());
    })
    .await;
}

#[tokio::test]
async fn refused_uploads_and_queries_name_their_field_and_write_nothing() {
    on_both(|store| async move {
        let (ne, _) = seed(&store).await;
        let admin = Caller::system("admin");
        let mut bad = upload("sysname A\n", vec![finding(1, "CF1-syntax", "error")]);
        bad.vendor = "juniper".into();
        let e = store
            .scoped(&admin)
            .config_upload(ne[0], &bad, &ALONE)
            .await
            .unwrap_err();
        match e {
            StoreError::Invalid(errors) => assert_eq!(errors[0].field, "vendor"),
            other => panic!("{other:?}"),
        }
        let e = store
            .scoped(&admin)
            .config_upload(999_999, &upload("sysname A\n", vec![]), &ALONE)
            .await
            .unwrap_err();
        assert!(matches!(e, StoreError::NotFound { .. }), "{e:?}");
        let none = store.scoped(&admin).config_latest(ne[0]).await.unwrap_err();
        assert!(matches!(none, StoreError::NotFound { .. }), "{none:?}");
        assert_eq!(
            store
                .scoped(&admin)
                .config_overview()
                .await
                .unwrap()
                .elements_checked,
            0
        );

        for (q, field) in [
            (
                FindingQuery {
                    limit: Some(0),
                    ..Default::default()
                },
                "limit",
            ),
            (
                FindingQuery {
                    severity: Some("fatal".into()),
                    ..Default::default()
                },
                "severity",
            ),
            (
                FindingQuery {
                    cursor: Some("abc".into()),
                    ..Default::default()
                },
                "cursor",
            ),
        ] {
            match store.scoped(&admin).config_findings(&q).await.unwrap_err() {
                StoreError::Invalid(errors) => assert_eq!(errors[0].field, field),
                other => panic!("{other:?}"),
            }
        }
    })
    .await;
}

/// A comparison like R-CF2's: with three devices or more, those whose globals differ from a
/// strict majority's.
fn majority(_role: &str, devices: &[FleetDevice]) -> Vec<(i64, ConfigFinding)> {
    if devices.len() < 3 {
        return Vec::new();
    }
    let mut counts = std::collections::HashMap::new();
    for d in devices {
        *counts.entry(d.globals.as_str()).or_insert(0) += 1;
    }
    let (value, n) = counts.into_iter().max_by_key(|(_, n)| *n).unwrap();
    if n * 2 <= devices.len() {
        return Vec::new();
    }
    let odd: Vec<&FleetDevice> = devices.iter().filter(|d| d.globals != value).collect();
    odd.iter()
        .map(|d| {
            (
                d.element_id,
                ConfigFinding {
                    line: 3,
                    rule: "CF2-inconsistent".into(),
                    severity: "warning".into(),
                    message: format!("{} differs from {value}", d.element_code),
                    object: Some("ntp_servers".into()),
                    message_zh: format!("{} 与 {value} 不一致", d.element_code),
                    related_elements: odd
                        .iter()
                        .filter(|o| o.element_id != d.element_id)
                        .map(|o| o.element_code.clone())
                        .collect(),
                },
            )
        })
        .collect()
}

const FLEET: FleetCheck<'static> = FleetCheck {
    rule: "CF2-inconsistent",
    compare: &majority,
};

#[tokio::test]
async fn the_devices_of_a_role_are_compared_again_at_every_upload() {
    on_both(|store| async move {
        let (ne, _) = seed(&store).await;
        let mut ids = ne.to_vec();
        ids.extend(more_dw0_elements(&store, 2..4).await);
        let admin = Caller::system("admin");
        let put = |id: i64, globals: &'static str, role: &'static str| {
            let store = store.clone();
            let admin = admin.clone();
            async move {
                let mut u = upload(
                    "sysname X\n",
                    vec![finding(1, "CF5-missing-description", "warning")],
                );
                u.globals = globals.into();
                u.role = role.into();
                store
                    .scoped(&admin)
                    .config_upload(id, &u, &FLEET)
                    .await
                    .unwrap()
            }
        };
        let odd = |store: Store| async move {
            let page = store
                .scoped(&Caller::system("admin"))
                .config_findings(&FindingQuery {
                    rule: Some("CF2-inconsistent".into()),
                    ..Default::default()
                })
                .await
                .unwrap();
            page.items
                .into_iter()
                .map(|f| f.element_code)
                .collect::<Vec<_>>()
        };
        put(ids[0], "ntp-a", "aggregation").await;
        put(ids[1], "ntp-a", "aggregation").await;
        assert!(
            odd(store.clone()).await.is_empty(),
            "two devices are not compared"
        );
        // The third, odd one is found at its own upload, with its own findings.
        let third = put(ids[2], "ntp-b", "aggregation").await;
        assert_eq!(odd(store.clone()).await, ["NE-2"]);
        assert_eq!(third.findings.len(), 2);
        assert_eq!(third.findings[1].rule, "CF2-inconsistent");
        assert_eq!((third.config.warnings, third.config.errors), (2, 0));
        // The same configuration again: the comparison cannot change, its finding moves to the
        // newest configuration.
        let again = put(ids[2], "ntp-b", "aggregation").await;
        assert_ne!(again.config.id, third.config.id);
        assert_eq!(again.findings, third.findings);
        assert_eq!(odd(store.clone()).await, ["NE-2"]);
        // An upload elsewhere in the group compares the group again: NE-2 stays odd, and its
        // newest check shows it.
        put(ids[3], "ntp-a", "aggregation").await;
        assert_eq!(odd(store.clone()).await, ["NE-2"]);
        let latest = store.scoped(&admin).config_latest(ids[2]).await.unwrap();
        assert_eq!(latest.config.warnings, 2);
        // NE-2 fixed: nobody is odd.
        put(ids[2], "ntp-a", "aggregation").await;
        assert!(odd(store.clone()).await.is_empty());
        // NE-1 odd, then checked as an access device: it leaves the aggregation group, which is
        // compared again, and the access group is too small to compare.
        put(ids[1], "ntp-c", "aggregation").await;
        assert_eq!(odd(store.clone()).await, ["NE-1"]);
        put(ids[1], "ntp-c", "access").await;
        assert!(odd(store.clone()).await.is_empty());
    })
    .await;
}

/// R-CF2 names the other elements that differ the same way; a contractor reading its element's
/// finding sees only those it maintains itself, the administrator all of them.
#[tokio::test]
async fn a_comparison_names_only_the_elements_the_reader_sees() {
    on_both(|store| async move {
        let (ne, dw) = seed(&store).await;
        let mut ids = ne.to_vec();
        ids.extend(more_dw0_elements(&store, 2..7).await);
        let admin = Caller::system("admin");
        // NE-0 (DW0) and NE-1 (DW1) differ from the majority, and NE-6 (DW0) too.
        for (i, globals) in [
            "ntp-b", "ntp-b", "ntp-a", "ntp-a", "ntp-a", "ntp-a", "ntp-b",
        ]
        .iter()
        .enumerate()
        {
            let id = ids[i];
            let mut u = upload("sysname X\n", vec![]);
            u.globals = (*globals).into();
            u.role = "aggregation".into();
            store
                .scoped(&admin)
                .config_upload(id, &u, &FLEET)
                .await
                .unwrap();
        }
        let related = |c: &jike_store::ConfigCheck| {
            c.findings
                .iter()
                .find(|f| f.rule == "CF2-inconsistent")
                .map(|f| f.related_elements.clone())
                .unwrap()
        };
        let all = store.scoped(&admin).config_latest(ids[1]).await.unwrap();
        assert_eq!(related(&all), ["NE-0", "NE-6"]);
        assert_eq!(all.findings[0].message_zh, "NE-1 与 ntp-a 不一致");
        // DW1 maintains NE-1 only: the odd NE-0 and NE-6 are DW0's.
        let own = store
            .scoped(&contractor(dw[1]))
            .config_latest(ids[1])
            .await
            .unwrap();
        assert_eq!(related(&own), Vec::<String>::new());
        // DW0 sees NE-6 beside its NE-0, not DW1's NE-1; in the list across elements too.
        let dw0 = store
            .scoped(&contractor(dw[0]))
            .config_latest(ids[0])
            .await
            .unwrap();
        assert_eq!(related(&dw0), ["NE-6"]);
        let page = store
            .scoped(&contractor(dw[0]))
            .config_findings(&FindingQuery {
                rule: Some("CF2-inconsistent".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        let listed: Vec<(String, Vec<String>)> = page
            .items
            .into_iter()
            .map(|f| (f.element_code, f.related_elements))
            .collect();
        assert_eq!(
            listed,
            [
                ("NE-0".to_string(), vec!["NE-6".to_string()]),
                ("NE-6".to_string(), vec!["NE-0".to_string()])
            ]
        );
    })
    .await;
}

/// The workflow with the real checks (`config_check_as`, R-CF2 as orders ask the domain): the
/// store lints the text with `jike-lint` and compares the role's fleet in the same upload.
#[tokio::test]
async fn an_uploaded_text_is_checked_and_compared_with_its_fleet_by_the_store() {
    on_both(|store| async move {
        let (ne, _) = seed(&store).await;
        let mut ids = ne.to_vec();
        ids.extend(more_dw0_elements(&store, 2..3).await);
        let admin = Caller::system("admin");
        let text = |ntp: &str| {
            format!(
                "#\nsysname NE\n#\nclock timezone BJ add 08:00:00\n#\nntp-service unicast-server {ntp}\n#\n\
                 interface GigabitEthernet0/0/1\n port link-type access\n#\nreturn\n"
            )
        };
        let lint = std::sync::Arc::new(jike_lint::LintConfig::default());
        let put = |id: i64, ntp: &'static str| {
            let (store, admin, lint, text) = (store.clone(), admin.clone(), lint.clone(), text(ntp));
            async move {
                let upload = ConfigText {
                    file_name: format!("NE-{id}.cfg"),
                    text,
                    vendor: None,
                    role: jike_lint::Role::Aggregation,
                };
                store.scoped(&admin).config_check(id, upload, lint).await.unwrap()
            }
        };
        let first = put(ids[0], "10.255.0.1").await;
        assert_eq!(first.config.vendor, "huawei", "detected from the text");
        assert_eq!(first.config.role, "aggregation");
        assert!(
            first.findings.iter().any(|f| f.rule == "CF5-missing-description" && f.line == 8),
            "{:?}",
            first.findings
        );
        put(ids[1], "10.255.0.1").await;
        let odd = put(ids[2], "10.9.9.9").await;
        let cf2: Vec<_> = odd
            .findings
            .iter()
            .filter(|f| f.rule == "CF2-inconsistent")
            .collect();
        assert_eq!(cf2.len(), 1, "{:?}", odd.findings);
        assert!(cf2[0].message.contains("10.255.0.1"), "{}", cf2[0].message);
        let stored = store
            .scoped(&admin).config_findings(&FindingQuery {
                    rule: Some("CF2-inconsistent".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let odd_ones: Vec<_> = stored.items.iter().map(|f| f.element_code.as_str()).collect();
        assert_eq!(odd_ones, ["NE-2"]);
    })
    .await;
}

/// Scoping as a type (issue 14): a handle of a contractor reads and lists only what it
/// maintains; `system()` is the explicit way past the scope.
#[tokio::test]
async fn a_scoped_handle_sees_what_its_caller_sees_and_system_sees_all() {
    on_both(|store| async move {
        let (ne, dw) = seed(&store).await;
        let first = contractor(dw[0]);
        let mine = store.scoped(&first);
        assert_eq!(mine.caller().user, first.user);
        assert_eq!(mine.get::<Elements>(ne[0]).await.unwrap().id, ne[0]);
        assert!(
            matches!(
                mine.get::<Elements>(ne[1]).await,
                Err(StoreError::NotFound { .. })
            ),
            "another contractor's element looks like no element"
        );
        assert!(matches!(
            mine.get_by_code::<Elements>("NE-1").await,
            Err(StoreError::NotFound { .. })
        ));
        let page = mine.list::<Elements>(&ListParams::default()).await.unwrap();
        let ids: Vec<i64> = page.items.iter().map(|e| e.id).collect();
        assert_eq!(ids, [ne[0]]);
        let system = store.system();
        assert_eq!(system.caller().role, "system");
        assert_eq!(system.get::<Elements>(ne[1]).await.unwrap().id, ne[1]);
        let all = system
            .list::<Elements>(&ListParams::default())
            .await
            .unwrap();
        assert_eq!(all.items.len(), 2);
    })
    .await;
}
