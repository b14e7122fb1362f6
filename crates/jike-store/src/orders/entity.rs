//! The order as a listed entity: its row, its output shape, its filters and columns.

use super::*;

pub struct Orders;

#[derive(FromRow)]
pub struct OrderRow {
    id: i64,
    code: String,
    kind: String,
    title: String,
    description: String,
    state: String,
    grade: String,
    business_type: Option<String>,
    customer_code: Option<String>,
    customer_name: Option<String>,
    site_code: Option<String>,
    region_code: Option<String>,
    contractor_code: Option<String>,
    contractor_name: Option<String>,
    contractor_basis: Option<String>,
    builder_name: Option<String>,
    builder_phone: Option<String>,
    lead_room: Option<String>,
    assignee_code: Option<String>,
    assignee_name: Option<String>,
    occurred_at: DateTime<Utc>,
    breached: i64,
    joint_handling_at: Option<DateTime<Utc>>,
    next_due_at: Option<DateTime<Utc>>,
    policy_id: i64,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
}
crate::lite_record!(OrderRow {
    id,
    code,
    kind,
    title,
    description,
    state,
    grade,
    business_type,
    customer_code,
    customer_name,
    site_code,
    region_code,
    contractor_code,
    contractor_name,
    contractor_basis,
    builder_name,
    builder_phone,
    lead_room,
    assignee_code,
    assignee_name,
    occurred_at,
    breached,
    joint_handling_at,
    next_due_at,
    policy_id,
    created_by,
    created_at,
    updated_at,
    closed_at
});

fn vocab<V: Vocabulary>(text: &str) -> Result<&'static str, String> {
    V::parse(text).map(|v| v.code()).map_err(|e| e.to_string())
}

fn boolean(text: &str) -> Result<&'static str, String> {
    match text.trim() {
        "true" | "1" | "yes" => Ok("1"),
        "false" | "0" | "no" => Ok("0"),
        _ => Err(format!("'{text}' is not true or false")),
    }
}

impl Entity for Orders {
    type Input = OrderCreate;
    type Output = Order;
    type Row = OrderRow;
    const SPEC: Spec = Spec {
        table: "orders",
        noun: "work order",
        select: "SELECT t.id, t.code, t.kind, t.title, t.description, t.state, t.grade, t.business_type, \
                 cu.code AS customer_code, cu.name AS customer_name, s.code AS site_code, r.code AS region_code, \
                 c.code AS contractor_code, c.name AS contractor_name, t.contractor_basis, t.builder_name, t.builder_phone, t.lead_room, \
                 st.code AS assignee_code, st.name AS assignee_name, t.occurred_at, t.breached, \
                 t.joint_handling_at, t.next_due_at, t.policy_id, t.created_by, t.created_at, t.updated_at, \
                 t.closed_at FROM orders t LEFT JOIN customers cu ON cu.id = t.customer_id \
                 LEFT JOIN sites s ON s.id = t.site_id LEFT JOIN regions r ON r.id = t.region_id \
                 LEFT JOIN contractors c ON c.id = t.contractor_id LEFT JOIN staff st ON st.id = t.assignee_id",
        filters: &[
            Filter { param: "kind", sql: "t.kind = ?", kind: FilterKind::Vocab(vocab::<OrderKind>), doc: "order kind" },
            Filter { param: "state", sql: "t.state = ?", kind: FilterKind::Vocab(vocab::<OrderState>), doc: "order state" },
            Filter {
                param: "open",
                sql: "((t.state <> 'closed') = (? = '1'))",
                kind: FilterKind::Vocab(boolean),
                doc: "true: not closed; false: closed",
            },
            Filter { param: "grade", sql: "t.grade = ?", kind: FilterKind::Vocab(vocab::<Grade>), doc: "service grade" },
            Filter {
                param: "lead_room",
                sql: "t.lead_room = ?",
                kind: FilterKind::Vocab(vocab::<Room>),
                doc: "lead room (R-F2)",
            },
            Filter {
                param: "breached",
                sql: "t.breached = CAST(? AS INTEGER)",
                kind: FilterKind::Vocab(boolean),
                doc: "a clock breached",
            },
            Filter {
                param: "customer",
                sql: "t.customer_id = (SELECT id FROM customers WHERE code = ?)",
                kind: FilterKind::Text,
                doc: "customer code",
            },
            Filter {
                param: "contractor",
                sql: "t.contractor_id = (SELECT id FROM contractors WHERE code = ?)",
                kind: FilterKind::Code { table: "contractors", noun: "contractor" },
                doc: "contractor code",
            },
            Filter {
                param: "assignee",
                sql: "t.assignee_id = (SELECT id FROM staff WHERE code = ?)",
                kind: FilterKind::Code { table: "staff", noun: "staff member" },
                doc: "assigned to the staff member (代维人员) with this code (工号)",
            },
            Filter {
                param: "region",
                sql: concat!("t.region_id + 0 IN ", crate::region_subtree!()),
                kind: FilterKind::Code { table: "regions", noun: "region" },
                doc: "in the region with this code or any region below it",
            },
            Filter {
                param: "circuit",
                sql: "t.id IN (SELECT oc.order_id FROM order_circuits oc JOIN circuits ci ON ci.id = oc.circuit_id \
                      WHERE ci.code = ?)",
                kind: FilterKind::Text,
                doc: "concerns the circuit with this code",
            },
            Filter {
                param: "element",
                sql: "t.id IN (SELECT oe.order_id FROM order_elements oe JOIN elements e ON e.id = oe.element_id \
                      WHERE e.code = ?)",
                kind: FilterKind::Text,
                doc: "concerns the network element with this code",
            },
            code_prefix(),
            Filter {
                param: "q",
                sql: "(LOWER(t.code) LIKE ? OR LOWER(t.title) LIKE ?)",
                kind: FilterKind::Contains,
                doc: "code or title contains (case-insensitive; scans)",
            },
        ],
        sorts: &[
            ID_SORTS[0],
            ID_SORTS[1],
            Sort { name: "occurred_at", column: "t.occurred_at", ty: SortType::Time },
            ID_SORTS[2],
            ID_SORTS[3],
        ],
        dependents: &[],
    };

    fn output(r: OrderRow) -> Result<Order, StoreError> {
        Ok(Order {
            id: r.id,
            code: r.code,
            kind: stored(&r.kind)?,
            title: r.title,
            description: r.description,
            state: stored(&r.state)?,
            grade: stored(&r.grade)?,
            business_type: r.business_type.as_deref().map(stored).transpose()?,
            customer_code: r.customer_code,
            customer_name: r.customer_name,
            site_code: r.site_code,
            region_code: r.region_code,
            contractor_code: r.contractor_code,
            contractor_name: r.contractor_name,
            builder_name: r.builder_name,
            builder_phone: r.builder_phone,
            contractor_basis: r
                .contractor_basis
                .as_deref()
                .and_then(ContractorBasis::parse),
            lead_room: r.lead_room.as_deref().map(stored).transpose()?,
            assignee_code: r.assignee_code,
            assignee_name: r.assignee_name,
            occurred_at: local(r.occurred_at),
            breached: r.breached != 0,
            joint_handling_at: r.joint_handling_at.map(local),
            next_due_at: r.next_due_at.map(local),
            policy_version: r.policy_id,
            created_by: r.created_by,
            created_at: local(r.created_at),
            updated_at: local(r.updated_at),
            closed_at: r.closed_at.map(local),
            circuit_codes: None,
            element_codes: None,
            alarms: None,
            events: None,
            sla_summary: None,
            participants: None,
            sla: None,
            allowed_events: None,
        })
    }
    fn id(o: &Order) -> i64 {
        o.id
    }
    /// Orders have no natural key in their input (the service assigns the code); only the
    /// generic upsert asks, and orders never go through it.
    fn code(_: &OrderCreate) -> &str {
        ""
    }
    fn sort_value(o: &Order, sort: &str) -> Val {
        if sort == "occurred_at" {
            return Val::Time(Some(o.occurred_at.with_timezone(&Utc)));
        }
        crate::inventory::entities::code_sort(
            &o.code,
            o.created_at.with_timezone(&Utc),
            o.updated_at.with_timezone(&Utc),
            o.id,
            sort,
        )
    }

    async fn columns(
        _conn: &mut Conn<'_>,
        _refs: &mut Resolver,
        _input: &OrderCreate,
        _problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        // Orders are never upserted: they are created by `Scoped::create_order` and changed only
        // by their events.
        Err(StoreError::Corrupt(
            "work orders are written through create_order and record_event".into(),
        ))
    }
}
