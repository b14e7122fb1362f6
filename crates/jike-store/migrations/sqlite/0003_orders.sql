-- jike work orders and the SLA engine (issue 3; domain.md §3, §4, §5, §8), SQLite dialect.
-- Times are UTC instants (TEXT, RFC 3339, whole seconds for SLA instants); enums are codes.

-- SLA policies with their history: the policy in force at an instant is the one with the
-- greatest valid_from at or before it, so a report uses the policy of its time.
CREATE TABLE sla_policies (
    id INTEGER PRIMARY KEY,
    version TEXT NOT NULL UNIQUE,
    valid_from TEXT NOT NULL,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);
CREATE INDEX sla_policies_valid_from ON sla_policies(valid_from);

-- R-C2: working-day calendar years loaded by an administrator; they override the years built
-- into the binary.
CREATE TABLE workday_years (
    year INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    loaded_at TEXT NOT NULL,
    loaded_by TEXT NOT NULL
);

-- 工单 work orders. The state is derived from order_events; it is kept here, with the clocks'
-- summary, so that lists filter on it without replaying events.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL,
    grade TEXT NOT NULL,
    business_type TEXT,
    customer_id INTEGER REFERENCES customers(id),
    site_id INTEGER REFERENCES sites(id),
    region_id INTEGER REFERENCES regions(id),
    contractor_id INTEGER REFERENCES contractors(id),
    lead_room TEXT,
    occurred_at TEXT NOT NULL,
    policy_id INTEGER NOT NULL REFERENCES sla_policies(id),
    -- A request from another system carries a key: the same key makes one order.
    idempotency_key TEXT UNIQUE,
    request_hash TEXT,
    joint_handling_at TEXT,
    breached INTEGER NOT NULL DEFAULT 0,
    next_due_at TEXT,
    event_count INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX orders_state ON orders(state, id);
CREATE INDEX orders_kind ON orders(kind, id);
CREATE INDEX orders_grade ON orders(grade, id);
CREATE INDEX orders_customer ON orders(customer_id, id);
CREATE INDEX orders_contractor ON orders(contractor_id, id);
CREATE INDEX orders_region ON orders(region_id, id);
CREATE INDEX orders_lead_room ON orders(lead_room, id);
CREATE INDEX orders_breached ON orders(breached, id);
CREATE INDEX orders_occurred ON orders(occurred_at, id);

CREATE TABLE order_circuits (
    order_id INTEGER NOT NULL REFERENCES orders(id),
    circuit_id INTEGER NOT NULL REFERENCES circuits(id),
    PRIMARY KEY (order_id, circuit_id)
) WITHOUT ROWID;
CREATE INDEX order_circuits_circuit ON order_circuits(circuit_id, order_id);

CREATE TABLE order_elements (
    order_id INTEGER NOT NULL REFERENCES orders(id),
    element_id INTEGER NOT NULL REFERENCES elements(id),
    PRIMARY KEY (order_id, element_id)
) WITHOUT ROWID;
CREATE INDEX order_elements_element ON order_elements(element_id, order_id);

-- The alarms an order concerns (R-F2: a transmission alarm makes the transport room lead).
CREATE TABLE order_alarms (
    order_id INTEGER NOT NULL REFERENCES orders(id),
    seq INTEGER NOT NULL,
    alarm_id TEXT NOT NULL,
    transmission INTEGER NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    raised_at TEXT,
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;

-- Every change of an order, append-only: the triggers refuse updates and deletes.
CREATE TABLE order_events (
    order_id INTEGER NOT NULL REFERENCES orders(id),
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    reason TEXT,
    approved_by TEXT,
    data TEXT,
    PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;
CREATE TRIGGER order_events_no_update BEFORE UPDATE ON order_events
BEGIN SELECT RAISE(ABORT, 'order_events is append-only'); END;
CREATE TRIGGER order_events_no_delete BEFORE DELETE ON order_events
BEGIN SELECT RAISE(ABORT, 'order_events is append-only'); END;

-- Durable timers: what falls due for an order (a clock's warning or breach, the escalation to
-- joint handling, an hourly update). Fired once: fired_at is set in the transaction that
-- writes the notifications, and a due that was fired is never inserted again (the unique key).
CREATE TABLE timers (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders(id),
    kind TEXT NOT NULL,
    clock TEXT NOT NULL DEFAULT '',
    due_at TEXT NOT NULL,
    fired_at TEXT,
    fired_by TEXT,
    lease_owner TEXT,
    lease_until TEXT,
    UNIQUE (order_id, kind, clock, due_at)
);
CREATE INDEX timers_pending ON timers(due_at) WHERE fired_at IS NULL;

-- Notifications to deliver (webhook or e-mail), written in the transaction of what caused them.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    topic TEXT NOT NULL,
    order_id INTEGER REFERENCES orders(id),
    timer_id INTEGER REFERENCES timers(id),
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    delivered_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_pending ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_order ON outbox(order_id, id);

-- Each delivery attempt, kept.
CREATE TABLE delivery_attempts (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES outbox(id),
    attempt INTEGER NOT NULL,
    at TEXT NOT NULL,
    ok INTEGER NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL
);
CREATE INDEX delivery_attempts_outbox ON delivery_attempts(outbox_id, attempt);
