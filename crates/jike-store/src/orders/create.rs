//! Creating an order: resolving what it refers to, deriving what it leaves out (the domain's
//! `derive`), writing it with its first events and timers, idempotently.

use super::*;

impl Store {
    /// Creates a work order on behalf of `caller`: checks and resolves what it refers to,
    /// derives what it leaves out (grade R-SL3, lead room R-F2, contractor R-MD), records
    /// `occurred` for a fault or a complaint, and writes its timers. With an idempotency key, a
    /// repeated request returns the order the first one made (and a reused key with another
    /// body is refused). Recorded as the order's creator and in
    /// the audit log, in the order's transaction.
    pub(crate) async fn create_order_as(
        &self,
        caller: &Caller,
        input: &OrderCreate,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
    ) -> Result<Created, StoreError> {
        // The customer side first: what it may not set is the first thing to tell it.
        if matches!(caller.scope, Scope::Customer { .. } | Scope::Manager { .. }) {
            jike_domain::check_raised_by_customer_side(input).map_err(StoreError::Invalid)?;
        }
        input.validate().map_err(StoreError::Invalid)?;
        if matches!(caller.scope, Scope::Customer { .. } | Scope::Manager { .. }) {
            self.check_own_lines(caller, input).await?;
        }
        if let Some(key) = idempotency {
            if let Some(order) = self.replay(key).await? {
                return Ok(Created {
                    order: seen_by(caller, order),
                    replayed: true,
                });
            }
        }
        let days = self.workdays().await?;
        // Reads first, outside the write lock (SQLite has one writer); a reference deleted in
        // between fails the insert's foreign key, reported as a conflict to retry.
        let plan = {
            let mut c = self.db.read().await?;
            self.plan_order(&mut c.conn(), input, now).await?
        };
        let mut tx = self.db.begin().await?;
        let result = self
            .write_order(
                &mut tx.conn(),
                caller,
                input,
                &plan,
                idempotency,
                now,
                &days,
            )
            .await
            .map_err(|e| match e {
                e if e.violation() == Some(crate::error::Violation::ForeignKey) => {
                    StoreError::Conflict {
                        message: "a row the order refers to was deleted meanwhile; try again"
                            .into(),
                        field: None,
                    }
                }
                other => other,
            });
        let id = match result {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) && idempotency.is_some() => {
                // Another request with the same key won the race.
                drop(tx);
                if let Some(key) = idempotency {
                    if let Some(order) = self.replay(key).await? {
                        return Ok(Created {
                            order: seen_by(caller, order),
                            replayed: true,
                        });
                    }
                }
                return Err(e);
            }
            Err(e) => return Err(e),
        };
        tx.commit().await?;
        Ok(Created {
            order: self.order_written_by(caller, id, now).await?,
            replayed: false,
        })
    }

    /// A customer or an account manager opens orders on its own lines only (its scope's
    /// circuits and customers); what it may set was checked before (`check_raised_by_customer_side`).
    async fn check_own_lines(
        &self,
        caller: &Caller,
        input: &OrderCreate,
    ) -> Result<(), StoreError> {
        let mut c = self.db.read().await?;
        let mut conn = c.conn();
        let mut problems = Vec::new();
        for (i, code) in input.circuit_codes.iter().enumerate() {
            if crate::inventory::ops::get_by_code::<crate::Circuits>(&mut conn, &caller.scope, code)
                .await
                .is_err_and(|e| matches!(e, StoreError::NotFound { .. }))
            {
                problems.push(FieldError::new(
                    format!("circuit_codes[{i}]"),
                    format!("no circuit with code '{code}' among your lines"),
                ));
            }
        }
        if let Some(code) = &input.customer_code {
            if crate::inventory::ops::get_by_code::<crate::Customers>(
                &mut conn,
                &caller.scope,
                code,
            )
            .await
            .is_err_and(|e| matches!(e, StoreError::NotFound { .. }))
            {
                problems.push(FieldError::new(
                    "customer_code",
                    format!("no customer with code '{code}' among yours"),
                ));
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Invalid(problems))
        }
    }

    async fn replay(&self, key: &Idempotency) -> Result<Option<Order>, StoreError> {
        let mut c = self.db.read().await?;
        let row: Option<(i64, Option<String>)> = c
            .conn()
            .fetch_optional(
                "SELECT id, request_hash FROM orders WHERE idempotency_key = $1",
                &[Val::text(&key.key)],
            )
            .await?;
        drop(c);
        match row {
            None => Ok(None),
            Some((id, hash)) if hash.as_deref() == Some(key.request_hash.as_str()) => {
                Ok(Some(self.order(id, Utc::now()).await?))
            }
            Some(_) => Err(StoreError::Conflict {
                message: format!(
                    "the idempotency key '{}' was used for a different request",
                    key.key
                ),
                field: Some("Idempotency-Key".into()),
            }),
        }
    }

    /// Everything a new order needs that can be read before taking the write lock: its
    /// references resolved, what it leaves out derived, its policy rule.
    async fn plan_order(
        &self,
        conn: &mut Conn<'_>,
        input: &OrderCreate,
        now: DateTime<Utc>,
    ) -> Result<Plan, StoreError> {
        let mut problems: Vec<FieldError> = Vec::new();
        let mut refs = Resolver::default();
        let customer = match &input.customer_code {
            Some(c) => {
                refs.require(
                    conn,
                    "customers",
                    "customer",
                    "customer_code",
                    c,
                    &mut problems,
                )
                .await?
            }
            None => None,
        };
        let mut circuits = Vec::with_capacity(input.circuit_codes.len());
        for (i, code) in input.circuit_codes.iter().enumerate() {
            let field = format!("circuit_codes[{i}]");
            if let Some(id) = refs
                .require(conn, "circuits", "circuit", field, code, &mut problems)
                .await?
            {
                circuits.push(id);
            }
        }
        let mut elements = Vec::with_capacity(input.element_codes.len());
        for (i, code) in input.element_codes.iter().enumerate() {
            let field = format!("element_codes[{i}]");
            if let Some(id) = refs
                .require(
                    conn,
                    "elements",
                    "network element",
                    field,
                    code,
                    &mut problems,
                )
                .await?
            {
                elements.push(id);
            }
        }
        let site = match &input.site_code {
            Some(c) => {
                refs.require(conn, "sites", "site", "site_code", c, &mut problems)
                    .await?
            }
            None => None,
        };
        let region = match &input.region_code {
            Some(c) => {
                refs.require(conn, "regions", "region", "region_code", c, &mut problems)
                    .await?
            }
            None => None,
        };
        let contractor = match &input.contractor_code {
            Some(c) => {
                refs.require(
                    conn,
                    "contractors",
                    "contractor",
                    "contractor_code",
                    c,
                    &mut problems,
                )
                .await?
            }
            None => None,
        };
        let occurred = input
            .occurred_at
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        let occurred = utc(secs(occurred));
        if secs(occurred) > secs(now) + FUTURE_SKEW_SECS {
            problems.push(FieldError::new("occurred_at", "is in the future"));
        }
        for (i, alarm) in input.alarms.iter().enumerate() {
            if let Some(raised) = alarm.raised_at {
                if raised.timestamp() > secs(now) + FUTURE_SKEW_SECS {
                    problems.push(FieldError::new(
                        format!("alarms[{i}].raised_at"),
                        "is in the future",
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(StoreError::Invalid(problems));
        }

        // What the first circuit says of the rest (R-BT, R-MD).
        #[allow(clippy::type_complexity)]
        let first_circuit: Option<(i64, String, Option<i64>, String, String, String)> = match circuits.first() {
            Some(id) => {
                conn.fetch_optional(
                    "SELECT customer_id, business_type, region_id, acceptance, builder_name, builder_phone \
                     FROM circuits WHERE id = $1",
                    &[Val::int(*id)],
                )
                .await?
            }
            None => None,
        };
        // The domain decides (R-BT, R-SL3); the store reads the facts it asks for.
        let line = derive::order_line(
            customer,
            input.business_type,
            region,
            first_circuit
                .as_ref()
                .map(|c| -> Result<_, StoreError> {
                    Ok(derive::FirstCircuit {
                        customer: c.0,
                        business_type: stored::<BusinessType>(&c.1)?,
                        region: c.2,
                    })
                })
                .transpose()?,
        );
        let (customer, business_type) = (line.customer, line.business_type);
        let region = match line.region {
            derive::RegionFrom::Known(r) => r,
            derive::RegionFrom::CustomersRegion(cu) => {
                let r: Option<(Option<i64>,)> = conn
                    .fetch_optional(
                        "SELECT region_id FROM customers WHERE id = $1",
                        &[Val::int(cu)],
                    )
                    .await?;
                r.and_then(|(r,)| r)
            }
        };
        let grade = match derive::order_grade(input.grade, customer)
            .map_err(|e| StoreError::Invalid(vec![e]))?
        {
            derive::GradeFrom::Given(g) => g,
            derive::GradeFrom::InForceAt(cu) => grade_at(conn, cu, occurred).await?,
        };
        // R-MD: the facts of the first circuit's path and the first element; the domain
        // decides (`derive::contractor`).
        let mut facts = ContractorFacts {
            given: contractor,
            failed_hop: input.failed_hop,
            hops: match circuits.first() {
                Some(c) => path_facts(conn, *c).await?,
                None => Vec::new(),
            },
            contracts: Vec::new(),
            element: match elements.first() {
                Some(e) => {
                    let c: Option<(Option<i64>,)> = conn
                        .fetch_optional(
                            "SELECT contractor_id FROM elements WHERE id = $1",
                            &[Val::int(*e)],
                        )
                        .await?;
                    c.and_then(|(c,)| c)
                }
                None => None,
            },
        };
        if let Some(region) = region {
            let mut domains: Vec<String> = Vec::new();
            for h in &facts.hops {
                if let Some(d) = &h.domain {
                    if !domains.contains(d) {
                        domains.push(d.clone());
                    }
                }
            }
            for d in domains {
                let c = contract_for(conn, region, &d).await?;
                facts.contracts.push((d, c));
            }
        }
        let derived = derive::contractor(&facts)
            .map_err(|e| StoreError::invalid("failed_hop", e.to_string()))?;
        let (mut contractor, mut contractor_basis) = match derived {
            Some((c, basis)) => (Some(c), Some(basis)),
            None => (None, None),
        };
        // Seed 6.4.1: a fault on a line not finally accepted goes to the engineering
        // department, through the project's builder, and to no contractor.
        let acceptance = first_circuit
            .as_ref()
            .map(|c| stored::<Acceptance>(&c.3))
            .transpose()?;
        let mut builder = None;
        if derive::to_engineering(input.kind, acceptance) {
            if input.contractor_code.is_some() {
                let why = derive::contractor_refused(Some(ContractorBasis::Engineering))
                    .unwrap_or_default();
                return Err(StoreError::invalid("contractor_code", why));
            }
            contractor = None;
            contractor_basis = Some(ContractorBasis::Engineering);
            builder = first_circuit.as_ref().map(|c| (c.4.clone(), c.5.clone()));
        }
        let lead_room = match input.lead_room {
            Some(r) => Some(r),
            None if input.kind.is_incident() => {
                Some(lead_room(input.alarms.iter().any(|a| a.transmission)))
            }
            None => None,
        };
        let (policy_id, policy) = self.policy_at(conn, occurred).await?;
        policy
            .lookup(input.kind, grade, business_type)
            .map_err(policy_error)?;
        Ok(Plan {
            customer,
            circuits,
            elements,
            site,
            region,
            contractor,
            contractor_basis,
            builder,
            occurred,
            business_type,
            grade,
            lead_room,
            policy_id,
            policy,
        })
    }

    /// Writes a planned order in the caller's (write) transaction, in as few statements as it
    /// can: the order with its derived state and clock summary, its links, its first event, its
    /// timers.
    #[allow(clippy::too_many_arguments)]
    async fn write_order(
        &self,
        conn: &mut Conn<'_>,
        caller: &Caller,
        input: &OrderCreate,
        plan: &Plan,
        idempotency: Option<&Idempotency>,
        now: DateTime<Utc>,
        days: &Workdays,
    ) -> Result<i64, StoreError> {
        let Plan {
            customer,
            ref circuits,
            ref elements,
            site,
            region,
            contractor,
            contractor_basis,
            ref builder,
            occurred,
            business_type,
            grade,
            lead_room,
            policy_id,
            ref policy,
        } = *plan;
        let rule = policy
            .lookup(input.kind, grade, business_type)
            .map_err(policy_error)?;
        let actor = actor_of(caller, input.actor.as_deref());
        let mut events = Vec::new();
        if input.kind.is_incident() {
            events.push(Event {
                kind: EventType::Occurred,
                at: secs(occurred),
                by: Some(actor.clone()),
                note: None,
                reason: None,
                approved_by: None,
            });
        }
        let status = Status::new(input.kind)
            .with_observation(rule.observation_secs)
            .fold(&events)
            .map_err(|e| StoreError::invalid("occurred_at", e))?;
        let stamps: Vec<EventAt> = events.iter().map(Event::stamp).collect();
        let ev = evaluate(rule, days, &stamps, secs(now));
        let timers = timers::plan(rule, &ev, secs(now), status.state, &[]).insert;
        let next_due = timers.iter().map(|t| t.at).min();
        let breached = ev.clocks().iter().any(|c| c.state == ClockState::Breached);

        let id = next_order_id(conn).await?;
        let code = format!("GD-{}-{id:06}", local(now).format("%Y%m%d"));
        let t_now = Val::Time(Some(utc(secs(now))));
        conn.execute(
            "INSERT INTO orders (id, code, kind, title, description, state, grade, business_type, customer_id, \
             site_id, region_id, contractor_id, lead_room, occurred_at, policy_id, idempotency_key, request_hash, \
             event_count, created_by, created_at, updated_at, next_due_at, breached, joint_handling_at, \
             contractor_basis, builder_name, builder_phone) \
             VALUES ($1, $2, $3, $4, $5, $19, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $20, $17, $18, $18, \
             $21, $22, $23, $24, $25, $26)",
            &[
                Val::int(id),
                Val::text(&code),
                Val::text(input.kind.code()),
                Val::text(input.title.trim()),
                Val::text(input.description.trim()),
                Val::text(grade.code()),
                Val::Text(business_type.map(|b| b.code().to_string())),
                Val::Int(customer),
                Val::Int(site),
                Val::Int(region),
                Val::Int(contractor),
                Val::Text(lead_room.map(|r| r.code().to_string())),
                Val::Time(Some(occurred)),
                Val::int(policy_id),
                Val::Text(idempotency.map(|k| k.key.clone())),
                Val::Text(idempotency.map(|k| k.request_hash.clone())),
                Val::text(&actor),
                t_now.clone(),
                Val::text(status.state.code()),
                Val::int(events.len() as i64),
                Val::Time(next_due.map(utc)),
                Val::int(i64::from(breached)),
                Val::Time(ev.escalated_at.map(utc)),
                Val::Text(contractor_basis.map(|b| b.code().to_string())),
                Val::Text(builder.as_ref().map(|b| b.0.clone())),
                Val::Text(builder.as_ref().map(|b| b.1.clone())),
            ],
        )
        .await?;
        for c in dedup(circuits) {
            conn.execute(
                "INSERT INTO order_circuits (order_id, circuit_id) VALUES ($1, $2)",
                &[Val::int(id), Val::int(c)],
            )
            .await?;
        }
        for e in dedup(elements) {
            conn.execute(
                "INSERT INTO order_elements (order_id, element_id) VALUES ($1, $2)",
                &[Val::int(id), Val::int(e)],
            )
            .await?;
        }
        for (n, a) in input.alarms.iter().enumerate() {
            conn.execute(
                "INSERT INTO order_alarms (order_id, seq, alarm_id, transmission, text, raised_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    Val::int(id),
                    Val::int(n as i64 + 1),
                    Val::text(a.alarm_id.trim()),
                    Val::int(i64::from(a.transmission)),
                    Val::text(a.text.trim()),
                    Val::Time(a.raised_at.map(|t| t.with_timezone(&Utc))),
                ],
            )
            .await?;
        }
        for (n, event) in events.iter().enumerate() {
            insert_event(conn, id, n as i64 + 1, event, now, None, None).await?;
        }
        insert_timers(conn, id, &timers).await?;
        let targets = self.targets("order.created");
        if !targets.is_empty() {
            let payload = serde_json::json!({
                "topic": "order.created",
                "subject": notices::order_created(&code, grade, input.kind, &input.title),
                "order": {"id": id, "code": code, "kind": input.kind, "grade": grade, "title": input.title.trim()},
            });
            crate::notify::enqueue(
                conn,
                "order.created",
                Some(id),
                None,
                &payload,
                &targets,
                now,
            )
            .await?;
        }
        let mut after = crate::audit::to_json(input)?;
        if let Some(map) = after.as_object_mut() {
            map.insert("id".into(), serde_json::json!(id));
            map.insert("state".into(), serde_json::json!(status.state));
            map.insert("grade".into(), serde_json::json!(grade));
        }
        let entry = caller
            .audit("orders.create", format!("orders/{code}"))
            .with_after(after);
        crate::audit::append(conn, &entry, now).await?;
        Ok(id)
    }
}

fn dedup(ids: &[i64]) -> Vec<i64> {
    let mut seen = HashSet::new();
    ids.iter().copied().filter(|i| seen.insert(*i)).collect()
}

fn is_unique_violation(e: &StoreError) -> bool {
    e.violation() == Some(crate::error::Violation::Unique)
}

async fn next_order_id(conn: &mut Conn<'_>) -> Result<i64, StoreError> {
    let (id,): (i64,) = match conn.backend() {
        Backend::Postgres => {
            conn.fetch_one(
                "SELECT nextval(pg_get_serial_sequence('orders', 'id'))",
                &[],
            )
            .await?
        }
        // The write transaction holds SQLite's one write lock: nobody else takes this id.
        Backend::Sqlite => {
            conn.fetch_one("SELECT COALESCE(MAX(id), 0) + 1 FROM orders", &[])
                .await?
        }
    };
    Ok(id)
}

/// R-SL3: the customer's grade at `t`, from its history (the current grade when the history
/// does not reach back that far).
async fn grade_at(
    conn: &mut Conn<'_>,
    customer: i64,
    t: DateTime<Utc>,
) -> Result<Grade, StoreError> {
    let row: Option<(String,)> = conn
        .fetch_optional(
            "SELECT grade FROM customer_grades WHERE customer_id = $1 AND valid_from <= $2 \
             ORDER BY valid_from DESC LIMIT 1",
            &[Val::int(customer), Val::Time(Some(t))],
        )
        .await?;
    let row = match row {
        Some(r) => r,
        None => {
            conn.fetch_one(
                "SELECT grade FROM customers WHERE id = $1",
                &[Val::int(customer)],
            )
            .await?
        }
    };
    stored(&row.0)
}

/// R-MD: the facts of a circuit's path for `derive::contractor`: each hop's contractor (its own,
/// else its element's) and maintenance domain (likewise), in path order.
async fn path_facts(conn: &mut Conn<'_>, circuit: i64) -> Result<Vec<HopFacts<i64>>, StoreError> {
    let rows: Vec<(Option<i64>, Option<String>)> = conn
        .fetch_all(
            "SELECT COALESCE(h.contractor_id, e.contractor_id), COALESCE(h.domain, e.domain) \
             FROM circuit_hops h LEFT JOIN elements e ON e.id = h.element_id \
             WHERE h.circuit_id = $1 ORDER BY h.seq",
            &[Val::int(circuit)],
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(contractor, domain)| HopFacts { contractor, domain })
        .collect())
}

/// R-MD: the contractor whose contract covers `domain` in `region` or a region above (the
/// lowest id when several do).
async fn contract_for(
    conn: &mut Conn<'_>,
    region: i64,
    domain: &str,
) -> Result<Option<i64>, StoreError> {
    let found: Option<(i64,)> = conn
        .fetch_optional(
            "WITH RECURSIVE up(id) AS (SELECT id FROM regions WHERE id = $1 \
             UNION ALL SELECT r.parent_id FROM regions r JOIN up ON r.id = up.id WHERE r.parent_id IS NOT NULL) \
             SELECT cd.contractor_id FROM contractor_domains cd \
             JOIN contractor_regions cr ON cr.contractor_id = cd.contractor_id \
             WHERE cd.domain = $2 AND cr.region_id IN (SELECT id FROM up) \
             ORDER BY cd.contractor_id LIMIT 1",
            &[Val::int(region), Val::text(domain)],
        )
        .await?;
    Ok(found.map(|(c,)| c))
}
