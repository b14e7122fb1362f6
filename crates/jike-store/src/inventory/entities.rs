//! The kinds of inventory row (domain.md §2) as [`Entity`]s: how each is read, listed, written.

use chrono::{DateTime, NaiveDate, Utc};
use jike_domain::path::format_path;
use jike_domain::*;
use sqlx::FromRow;

use crate::db::{placeholders, Conn, Val};
use crate::error::{stored, StoreError};
use crate::inventory::entity::*;
use crate::inventory::views::*;

fn vocab<V: Vocabulary>(text: &str) -> Result<&'static str, String> {
    V::parse(text).map(|v| v.code()).map_err(|e| e.to_string())
}

fn text(s: &str) -> Val {
    Val::text(s.trim())
}

fn opt_id(id: Option<i64>) -> Val {
    Val::Int(id)
}

pub(crate) fn code_sort(
    output_code: &str,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
    id: i64,
    sort: &str,
) -> Val {
    match sort {
        "code" => Val::text(output_code),
        "created_at" => Val::Time(Some(created)),
        "updated_at" => Val::Time(Some(updated)),
        _ => Val::int(id),
    }
}

const Q_CODE_NAME: Filter = Filter {
    param: "q",
    sql: "(LOWER(t.code) LIKE ? OR LOWER(t.name) LIKE ?)",
    kind: FilterKind::Contains,
    doc: "code or name contains (case-insensitive; scans)",
};

const REGION_FILTER: Filter = Filter {
    param: "region",
    // `+ 0` keeps the planner from reading the region index for each of the subtree's regions and
    // sorting the union: walking rows in page order and testing membership stops after a page.
    sql: concat!("t.region_id + 0 IN ", crate::region_subtree!()),
    kind: FilterKind::Code {
        table: "regions",
        noun: "region",
    },
    doc: "in the region with this code or any region below it",
};

const CONTRACTOR_FILTER: Filter = Filter {
    param: "contractor",
    sql: "t.contractor_id = (SELECT id FROM contractors WHERE code = ?)",
    kind: FilterKind::Code {
        table: "contractors",
        noun: "contractor",
    },
    doc: "contractor code",
};

const NAME_SORTS: [Sort; 5] = [
    ID_SORTS[0],
    ID_SORTS[1],
    Sort {
        name: "name",
        column: "t.name",
        ty: SortType::Text,
    },
    ID_SORTS[2],
    ID_SORTS[3],
];

// ---------------------------------------------------------------------------------------------

pub struct Regions;

#[derive(FromRow)]
pub struct RegionRow {
    id: i64,
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(RegionRow {
    id,
    code,
    name,
    level,
    parent_code,
    created_at,
    updated_at
});

impl Entity for Regions {
    type Input = RegionInput;
    type Output = Region;
    type Row = RegionRow;
    const SPEC: Spec = Spec {
        table: Kind::Regions.table(),
        noun: Kind::Regions.noun(),
        select: "SELECT t.id, t.code, t.name, t.level, p.code AS parent_code, t.created_at, t.updated_at \
                 FROM regions t LEFT JOIN regions p ON p.id = t.parent_id",
        filters: &[
            Filter { param: "level", sql: "t.level = ?", kind: FilterKind::Vocab(vocab::<RegionLevel>), doc: "region level" },
            Filter {
                param: "parent",
                sql: "t.parent_id = (SELECT id FROM regions WHERE code = ?)",
                kind: FilterKind::Text,
                doc: "parent region code",
            },
            code_prefix(),
            Q_CODE_NAME,
        ],
        sorts: &NAME_SORTS,
        dependents: &[
            Dependent { table: "regions", column: "parent_id", noun: "region" },
            Dependent { table: "sites", column: "region_id", noun: "site" },
            Dependent { table: "customers", column: "region_id", noun: "customer" },
            Dependent { table: "circuits", column: "region_id", noun: "circuit" },
            Dependent { table: "staff", column: "region_id", noun: "staff member" },
            Dependent { table: "contractor_regions", column: "region_id", noun: "contractor" },
            Dependent { table: "instruments", column: "region_id", noun: "instrument" },
            Dependent { table: "vehicles", column: "region_id", noun: "vehicle" },
        ],
    };

    fn output(r: RegionRow) -> Result<Region, StoreError> {
        Ok(Region {
            id: r.id,
            code: r.code,
            name: r.name,
            level: stored(&r.level)?,
            parent_code: r.parent_code,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Region) -> i64 {
        o.id
    }
    fn code(i: &RegionInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Region, sort: &str) -> Val {
        if sort == "name" {
            return Val::text(&o.name);
        }
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &RegionInput) -> Vec<(&'static str, &str)> {
        i.parent_code
            .as_deref()
            .map(|p| ("regions", p))
            .into_iter()
            .collect()
    }

    /// A parent is stored before its children: an import writes the regions of a file one
    /// level at a time, provinces first, whatever their order in the file.
    fn wave(i: &RegionInput) -> u8 {
        RegionLevel::ALL
            .iter()
            .position(|l| *l == i.level)
            .unwrap_or_default() as u8
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &RegionInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let mut parent_id = None;
        if let Some(parent) = &i.parent_code {
            match refs.region_hit(conn, parent).await? {
                RegionHit::Found { id, level } => {
                    let level: RegionLevel = stored(&level)?;
                    if Some(level) != i.level.parent_level() {
                        problems.push(FieldError::new(
                            "parent_code",
                            format!(
                                "'{parent}' is a {level}; the parent of a {} must be a {}",
                                i.level,
                                i.level
                                    .parent_level()
                                    .map(|l| l.code())
                                    .unwrap_or("nothing")
                            ),
                        ));
                    }
                    parent_id = Some(id);
                }
                other => problems.extend(other.problem("parent_code", parent)),
            }
        }
        Ok(vec![
            ("code", text(&i.code)),
            ("name", text(&i.name)),
            ("level", Val::text(i.level.code())),
            ("parent_id", opt_id(parent_id)),
        ])
    }
}

// ---------------------------------------------------------------------------------------------

pub struct Sites;

#[derive(FromRow)]
pub struct SiteRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    address: String,
    region_code: String,
    region_name: String,
    longitude: Option<f64>,
    latitude: Option<f64>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(SiteRow {
    id,
    code,
    name,
    kind,
    address,
    region_code,
    region_name,
    longitude,
    latitude,
    created_at,
    updated_at
});

impl Entity for Sites {
    type Input = SiteInput;
    type Output = Site;
    type Row = SiteRow;
    const SPEC: Spec = Spec {
        table: Kind::Sites.table(),
        noun: Kind::Sites.noun(),
        select: "SELECT t.id, t.code, t.name, t.kind, t.address, r.code AS region_code, r.name AS region_name, \
                 t.longitude, t.latitude, t.created_at, t.updated_at FROM sites t JOIN regions r ON r.id = t.region_id",
        filters: &[
            Filter { param: "kind", sql: "t.kind = ?", kind: FilterKind::Vocab(vocab::<SiteKind>), doc: "site kind" },
            REGION_FILTER,
            code_prefix(),
            Q_CODE_NAME,
        ],
        sorts: &NAME_SORTS,
        dependents: &[Dependent { table: "elements", column: "site_id", noun: "network element" }],
    };

    fn output(r: SiteRow) -> Result<Site, StoreError> {
        Ok(Site {
            id: r.id,
            code: r.code,
            name: r.name,
            kind: stored(&r.kind)?,
            address: r.address,
            region_code: r.region_code,
            region_name: r.region_name,
            longitude: r.longitude,
            latitude: r.latitude,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Site) -> i64 {
        o.id
    }
    fn code(i: &SiteInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Site, sort: &str) -> Val {
        if sort == "name" {
            return Val::text(&o.name);
        }
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &SiteInput) -> Vec<(&'static str, &str)> {
        vec![("regions", &i.region_code)]
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &SiteInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let region = refs
            .region(conn, "region_code", &i.region_code, problems)
            .await?;
        Ok(vec![
            ("code", text(&i.code)),
            ("name", text(&i.name)),
            ("kind", Val::text(i.kind.code())),
            ("address", text(&i.address)),
            ("region_id", opt_id(region)),
            ("longitude", Val::Real(i.longitude)),
            ("latitude", Val::Real(i.latitude)),
        ])
    }
}

// ---------------------------------------------------------------------------------------------

pub struct Elements;

#[derive(FromRow)]
pub struct ElementRow {
    id: i64,
    code: String,
    name: String,
    element_type: String,
    vendor: String,
    model: String,
    management_ip: Option<String>,
    site_code: String,
    site_name: String,
    owner: String,
    domain: String,
    contractor_code: Option<String>,
    contractor_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(ElementRow {
    id,
    code,
    name,
    element_type,
    vendor,
    model,
    management_ip,
    site_code,
    site_name,
    owner,
    domain,
    contractor_code,
    contractor_name,
    created_at,
    updated_at
});

impl Entity for Elements {
    type Input = ElementInput;
    type Output = Element;
    type Row = ElementRow;
    const SPEC: Spec = Spec {
        table: Kind::Elements.table(),
        noun: Kind::Elements.noun(),
        select: "SELECT t.id, t.code, t.name, t.type AS element_type, t.vendor, t.model, t.management_ip, \
                 s.code AS site_code, s.name AS site_name, t.owner, t.domain, c.code AS contractor_code, \
                 c.name AS contractor_name, t.created_at, t.updated_at FROM elements t \
                 JOIN sites s ON s.id = t.site_id LEFT JOIN contractors c ON c.id = t.contractor_id",
        filters: &[
            Filter { param: "type", sql: "t.type = ?", kind: FilterKind::Vocab(vocab::<ElementType>), doc: "element type" },
            Filter {
                param: "domain",
                sql: "t.domain = ?",
                kind: FilterKind::Vocab(vocab::<MaintenanceDomain>),
                doc: "maintenance domain (R-MD)",
            },
            Filter { param: "owner", sql: "t.owner = ?", kind: FilterKind::Vocab(vocab::<Owner>), doc: "owner" },
            Filter { param: "vendor", sql: "t.vendor = ?", kind: FilterKind::Text, doc: "vendor" },
            Filter {
                param: "site",
                sql: "t.site_id = (SELECT id FROM sites WHERE code = ?)",
                kind: FilterKind::Text,
                doc: "site code",
            },
            Filter {
                param: "region",
                sql: concat!("t.site_id IN (SELECT id FROM sites WHERE region_id IN ", crate::region_subtree!(), ")"),
                kind: FilterKind::Code { table: "regions", noun: "region" },
                doc: "at a site in this region or below",
            },
            CONTRACTOR_FILTER,
            code_prefix(),
            Q_CODE_NAME,
        ],
        sorts: &NAME_SORTS,
        dependents: &[Dependent { table: "circuit_hops", column: "element_id", noun: "circuit path hop" }],
    };

    fn output(r: ElementRow) -> Result<Element, StoreError> {
        Ok(Element {
            id: r.id,
            code: r.code,
            name: r.name,
            element_type: stored(&r.element_type)?,
            vendor: r.vendor,
            model: r.model,
            management_ip: match r.management_ip {
                Some(ip) => Some(
                    ip.parse()
                        .map_err(|_| StoreError::Corrupt(format!("management ip '{ip}'")))?,
                ),
                None => None,
            },
            site_code: r.site_code,
            site_name: r.site_name,
            owner: stored(&r.owner)?,
            domain: stored(&r.domain)?,
            contractor_code: r.contractor_code,
            contractor_name: r.contractor_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Element) -> i64 {
        o.id
    }
    fn code(i: &ElementInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Element, sort: &str) -> Val {
        if sort == "name" {
            return Val::text(&o.name);
        }
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &ElementInput) -> Vec<(&'static str, &str)> {
        let mut refs = vec![("sites", i.site_code.as_str())];
        refs.extend(i.contractor_code.as_deref().map(|c| ("contractors", c)));
        refs
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &ElementInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let site = refs
            .require(conn, "sites", "site", "site_code", &i.site_code, problems)
            .await?;
        let contractor = refs
            .optional(
                conn,
                "contractors",
                "contractor",
                "contractor_code",
                i.contractor_code.as_deref(),
                problems,
            )
            .await?;
        Ok(vec![
            ("code", text(&i.code)),
            ("name", text(&i.name)),
            ("type", Val::text(i.element_type.code())),
            ("vendor", text(&i.vendor)),
            ("model", text(&i.model)),
            (
                "management_ip",
                Val::Text(i.management_ip.map(|ip| ip.to_string())),
            ),
            ("site_id", opt_id(site)),
            ("owner", Val::text(i.owner.code())),
            ("domain", Val::text(i.domain.code())),
            ("contractor_id", opt_id(contractor)),
        ])
    }
}

// ---------------------------------------------------------------------------------------------

pub struct Customers;

#[derive(FromRow)]
pub struct CustomerRow {
    id: i64,
    code: String,
    name: String,
    industry: String,
    grade: String,
    account_manager: String,
    contact_name: String,
    contact_phone: String,
    region_code: Option<String>,
    region_name: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(CustomerRow {
    id,
    code,
    name,
    industry,
    grade,
    account_manager,
    contact_name,
    contact_phone,
    region_code,
    region_name,
    created_at,
    updated_at
});

impl Entity for Customers {
    type Input = CustomerInput;
    type Output = Customer;
    type Row = CustomerRow;
    const CHILD_TABLES: &'static [&'static str] = &["customer_grades"];
    const SPEC: Spec = Spec {
        table: Kind::Customers.table(),
        noun: Kind::Customers.noun(),
        select: "SELECT t.id, t.code, t.name, t.industry, t.grade, t.account_manager, t.contact_name, \
                 t.contact_phone, r.code AS region_code, r.name AS region_name, t.created_at, t.updated_at \
                 FROM customers t LEFT JOIN regions r ON r.id = t.region_id",
        filters: &[
            Filter { param: "grade", sql: "t.grade = ?", kind: FilterKind::Vocab(vocab::<Grade>), doc: "service grade (R-SL1)" },
            Filter { param: "industry", sql: "t.industry = ?", kind: FilterKind::Text, doc: "industry" },
            Filter { param: "account_manager", sql: "t.account_manager = ?", kind: FilterKind::Text, doc: "account manager" },
            REGION_FILTER,
            code_prefix(),
            Q_CODE_NAME,
        ],
        sorts: &NAME_SORTS,
        dependents: &[Dependent { table: "circuits", column: "customer_id", noun: "circuit" }],
    };

    fn output(r: CustomerRow) -> Result<Customer, StoreError> {
        Ok(Customer {
            id: r.id,
            code: r.code,
            name: r.name,
            industry: r.industry,
            grade: stored(&r.grade)?,
            account_manager: r.account_manager,
            contact_name: r.contact_name,
            contact_phone: r.contact_phone,
            contact_masked: false,
            region_code: r.region_code,
            region_name: r.region_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Customer) -> i64 {
        o.id
    }
    fn code(i: &CustomerInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Customer, sort: &str) -> Val {
        if sort == "name" {
            return Val::text(&o.name);
        }
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &CustomerInput) -> Vec<(&'static str, &str)> {
        i.region_code
            .as_deref()
            .map(|r| ("regions", r))
            .into_iter()
            .collect()
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &CustomerInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let region = refs
            .optional_region(conn, "region_code", i.region_code.as_deref(), problems)
            .await?;
        Ok(vec![
            ("code", text(&i.code)),
            ("name", text(&i.name)),
            ("industry", text(&i.industry)),
            ("grade", Val::text(i.grade.code())),
            ("account_manager", text(&i.account_manager)),
            ("contact_name", text(&i.contact_name)),
            ("contact_phone", text(&i.contact_phone)),
            ("region_id", opt_id(region)),
        ])
    }

    /// R-SL3: a new customer opens its grade history; a changed grade closes the period in
    /// force and opens a new one at the same instant.
    async fn after_write(
        conn: &mut Conn<'_>,
        _refs: &mut Resolver,
        written: &[Written<'_, CustomerInput>],
    ) -> Result<(), StoreError> {
        let now = Utc::now();
        let changed: Vec<&Written<'_, CustomerInput>> =
            written.iter().filter(|w| w.changed("grade")).collect();
        let reopened: Vec<i64> = changed
            .iter()
            .filter(|w| w.old.is_some())
            .map(|w| w.id)
            .collect();
        for chunk in reopened.chunks(500) {
            let mut vals = vec![Val::Time(Some(now))];
            vals.extend(chunk.iter().map(|id| Val::int(*id)));
            let sql = format!(
                "UPDATE customer_grades SET valid_to = $1 WHERE valid_to IS NULL AND customer_id IN ({})",
                placeholders(2, chunk.len())
            );
            conn.execute(&sql, &vals).await?;
        }
        for chunk in changed.chunks(1000) {
            let mut vals = Vec::with_capacity(chunk.len() * 3);
            let mut tuples = Vec::with_capacity(chunk.len());
            for w in chunk {
                tuples.push(format!("({})", placeholders(vals.len() + 1, 3)));
                vals.push(Val::int(w.id));
                vals.push(Val::text(w.input.grade.code()));
                vals.push(Val::Time(Some(now)));
            }
            let sql = format!(
                "INSERT INTO customer_grades (customer_id, grade, valid_from) VALUES {}",
                tuples.join(", ")
            );
            conn.execute(&sql, &vals).await?;
        }
        Ok(())
    }
}

/// A customer's grade history, oldest first (R-SL3).
pub(crate) async fn grade_history(
    conn: &mut Conn<'_>,
    customer_id: i64,
) -> Result<Vec<GradePeriod>, StoreError> {
    let rows: Vec<(String, DateTime<Utc>, Option<DateTime<Utc>>)> = conn
        .fetch_all(
            "SELECT grade, valid_from, valid_to FROM customer_grades WHERE customer_id = $1 ORDER BY valid_from, id",
            &[Val::int(customer_id)],
        )
        .await?;
    rows.into_iter()
        .map(|(grade, valid_from, valid_to)| {
            Ok(GradePeriod {
                grade: stored(&grade)?,
                valid_from,
                valid_to,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------

pub struct Circuits;

#[derive(FromRow)]
pub struct CircuitRow {
    id: i64,
    code: String,
    customer_code: String,
    customer_name: String,
    business_type: String,
    scope: String,
    bandwidth_bps: i64,
    a_end: String,
    z_end: String,
    assurance_level: String,
    status: String,
    region_code: Option<String>,
    region_name: Option<String>,
    acceptance: String,
    builder_name: String,
    builder_phone: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(CircuitRow {
    id,
    code,
    customer_code,
    customer_name,
    business_type,
    scope,
    bandwidth_bps,
    a_end,
    z_end,
    assurance_level,
    status,
    region_code,
    region_name,
    acceptance,
    builder_name,
    builder_phone,
    created_at,
    updated_at
});

impl Entity for Circuits {
    type Input = CircuitInput;
    type Output = Circuit;
    type Row = CircuitRow;
    const CHILD_TABLES: &'static [&'static str] = &["circuit_hops"];
    const SPEC: Spec = Spec {
        table: Kind::Circuits.table(),
        noun: Kind::Circuits.noun(),
        select: "SELECT t.id, t.code, cu.code AS customer_code, cu.name AS customer_name, t.business_type, t.scope, \
                 t.bandwidth_bps, t.a_end, t.z_end, t.assurance_level, t.status, r.code AS region_code, \
                 r.name AS region_name, t.acceptance, t.builder_name, t.builder_phone, t.created_at, t.updated_at FROM circuits t \
                 JOIN customers cu ON cu.id = t.customer_id LEFT JOIN regions r ON r.id = t.region_id",
        filters: &[
            Filter {
                param: "customer",
                sql: "t.customer_id = (SELECT id FROM customers WHERE code = ?)",
                kind: FilterKind::Text,
                doc: "customer code",
            },
            Filter {
                param: "business_type",
                sql: "t.business_type = ?",
                kind: FilterKind::Vocab(vocab::<BusinessType>),
                doc: "business type (R-BT)",
            },
            Filter { param: "scope", sql: "t.scope = ?", kind: FilterKind::Vocab(vocab::<Scope>), doc: "scope" },
            Filter {
                param: "status",
                sql: "t.status = ?",
                kind: FilterKind::Vocab(vocab::<CircuitStatus>),
                doc: "circuit status",
            },
            Filter {
                param: "assurance_level",
                sql: "t.assurance_level = ?",
                kind: FilterKind::Vocab(vocab::<AssuranceLevel>),
                doc: "service assurance level (R-SL2)",
            },
            Filter {
                param: "grade",
                // A correlated lookup rather than `cu.grade = ?`: SQLite would otherwise start from
                // the customers of that grade and sort all their circuits, or build a bloom filter
                // over every customer, where walking circuits in order and looking up each
                // customer stops after one page.
                sql: "(SELECT g.grade FROM customers g WHERE g.id = t.customer_id) = ?",
                kind: FilterKind::Vocab(vocab::<Grade>),
                doc: "the customer's grade",
            },
            REGION_FILTER,
            Filter {
                param: "element",
                sql: "t.id IN (SELECT h.circuit_id FROM circuit_hops h JOIN elements e ON e.id = h.element_id \
                      WHERE e.code = ?)",
                kind: FilterKind::Text,
                doc: "the path crosses the element with this code",
            },
            Filter {
                param: "contractor",
                // Correlated, so that circuits are walked in page order and each is checked
                // through its own hops, instead of collecting every hop of the contractor first.
                sql: "EXISTS (SELECT 1 FROM circuit_hops h LEFT JOIN elements e ON e.id = h.element_id \
                      WHERE h.circuit_id = t.id AND COALESCE(h.contractor_id, e.contractor_id) = \
                      (SELECT id FROM contractors WHERE code = ?))",
                kind: FilterKind::Text,
                doc: "a hop of the path is maintained by this contractor",
            },
            code_prefix(),
            Filter {
                param: "q",
                sql: "(LOWER(t.code) LIKE ? OR LOWER(t.a_end) LIKE ? OR LOWER(t.z_end) LIKE ?)",
                kind: FilterKind::Contains,
                doc: "code, A end or Z end contains (case-insensitive; scans)",
            },
        ],
        sorts: &[
            ID_SORTS[0],
            ID_SORTS[1],
            Sort { name: "bandwidth", column: "t.bandwidth_bps", ty: SortType::Int },
            ID_SORTS[2],
            ID_SORTS[3],
        ],
        dependents: &[],
    };

    fn output(r: CircuitRow) -> Result<Circuit, StoreError> {
        let bandwidth = u64::try_from(r.bandwidth_bps)
            .map_err(|_| StoreError::Corrupt(format!("bandwidth {}", r.bandwidth_bps)))
            .and_then(|b| Bandwidth::from_bps(b).map_err(StoreError::Corrupt))?;
        Ok(Circuit {
            id: r.id,
            code: r.code,
            customer_code: r.customer_code,
            customer_name: r.customer_name,
            business_type: stored(&r.business_type)?,
            scope: stored(&r.scope)?,
            bandwidth,
            a_end: r.a_end,
            z_end: r.z_end,
            assurance_level: stored(&r.assurance_level)?,
            status: stored(&r.status)?,
            region_code: r.region_code,
            region_name: r.region_name,
            acceptance: stored(&r.acceptance)?,
            builder_name: r.builder_name,
            builder_phone: r.builder_phone,
            path: None,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Circuit) -> i64 {
        o.id
    }
    fn code(i: &CircuitInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Circuit, sort: &str) -> Val {
        if sort == "bandwidth" {
            return Val::int(o.bandwidth.bps() as i64);
        }
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &CircuitInput) -> Vec<(&'static str, &str)> {
        let mut refs = vec![("customers", i.customer_code.as_str())];
        refs.extend(i.region_code.as_deref().map(|r| ("regions", r)));
        for hop in i.path.as_deref().unwrap_or_default() {
            refs.extend(hop.element.as_deref().map(|e| ("elements", e)));
            refs.extend(hop.contractor.as_deref().map(|c| ("contractors", c)));
        }
        refs
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &CircuitInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let customer = refs
            .require(
                conn,
                "customers",
                "customer",
                "customer_code",
                &i.customer_code,
                problems,
            )
            .await?;
        let region = refs
            .optional_region(conn, "region_code", i.region_code.as_deref(), problems)
            .await?;
        if let Some(path) = &i.path {
            for (n, hop) in path.iter().enumerate() {
                if let Some(e) = &hop.element {
                    refs.require(
                        conn,
                        "elements",
                        "network element",
                        HopField(n, "element"),
                        e,
                        problems,
                    )
                    .await?;
                }
                if let Some(c) = &hop.contractor {
                    refs.require(
                        conn,
                        "contractors",
                        "contractor",
                        HopField(n, "contractor"),
                        c,
                        problems,
                    )
                    .await?;
                }
            }
        }
        let mut cols = vec![
            ("code", text(&i.code)),
            ("customer_id", opt_id(customer)),
            ("business_type", Val::text(i.business_type.code())),
            ("scope", Val::text(i.scope.code())),
            ("bandwidth_bps", Val::int(i.bandwidth.bps() as i64)),
            ("a_end", text(&i.a_end)),
            ("z_end", text(&i.z_end)),
            ("assurance_level", Val::text(i.assurance_level.code())),
            ("status", Val::text(i.status.code())),
            ("region_id", opt_id(region)),
            ("acceptance", Val::text(i.acceptance.code())),
            ("builder_name", text(&i.builder_name)),
            ("builder_phone", text(&i.builder_phone)),
        ];
        // Without a path the stored one is kept: its column is not written.
        if let Some(path) = &i.path {
            cols.push(("path_text", Val::text(format_path(path))));
        }
        Ok(cols)
    }

    /// Rewrites the hops of the circuits whose path changed.
    async fn after_write(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        written: &[Written<'_, CircuitInput>],
    ) -> Result<(), StoreError> {
        let changed: Vec<&Written<'_, CircuitInput>> = written
            .iter()
            .filter(|w| w.input.path.is_some() && w.changed("path_text"))
            .collect();
        let existing: Vec<i64> = changed
            .iter()
            .filter(|w| w.old.is_some())
            .map(|w| w.id)
            .collect();
        for chunk in existing.chunks(500) {
            let vals: Vec<Val> = chunk.iter().map(|id| Val::int(*id)).collect();
            let sql = format!(
                "DELETE FROM circuit_hops WHERE circuit_id IN ({})",
                placeholders(1, chunk.len())
            );
            conn.execute(&sql, &vals).await?;
        }
        let mut rows: Vec<Vec<Val>> = Vec::new();
        for w in changed {
            for (n, hop) in w
                .input
                .path
                .as_deref()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let element = match &hop.element {
                    Some(code) => refs.id(conn, "elements", code).await?,
                    None => None,
                };
                let contractor = match &hop.contractor {
                    Some(code) => refs.id(conn, "contractors", code).await?,
                    None => None,
                };
                rows.push(vec![
                    Val::int(w.id),
                    Val::int(n as i64 + 1),
                    Val::Int(element),
                    Val::Text(hop.segment.clone()),
                    Val::Text(hop.domain.map(|d| d.code().to_string())),
                    Val::Int(contractor),
                ]);
            }
        }
        crate::inventory::ops::insert_many(
            conn,
            "INSERT INTO circuit_hops (circuit_id, seq, element_id, segment, domain, contractor_id) VALUES ",
            "",
            6,
            rows,
        )
        .await
    }

    async fn load_children(
        conn: &mut Conn<'_>,
        outputs: &mut [Circuit],
        single: bool,
    ) -> Result<(), StoreError> {
        if !single {
            return Ok(());
        }
        for circuit in outputs {
            circuit.path = Some(path_of(conn, circuit.id).await?);
        }
        Ok(())
    }
}

#[derive(FromRow)]
struct HopRow {
    seq: i64,
    element_code: Option<String>,
    element_name: Option<String>,
    element_type: Option<String>,
    segment: Option<String>,
    domain: Option<String>,
    contractor_code: Option<String>,
    contractor_name: Option<String>,
}
crate::lite_record!(HopRow {
    seq,
    element_code,
    element_name,
    element_type,
    segment,
    domain,
    contractor_code,
    contractor_name
});

/// The resolved path of a circuit: element hops take their domain and contractor from the
/// element (R-MD).
pub(crate) async fn path_of(conn: &mut Conn<'_>, circuit_id: i64) -> Result<Vec<Hop>, StoreError> {
    let rows: Vec<HopRow> = conn
        .fetch_all(
            "SELECT h.seq, e.code AS element_code, e.name AS element_name, e.type AS element_type, h.segment, \
             COALESCE(h.domain, e.domain) AS domain, c.code AS contractor_code, c.name AS contractor_name \
             FROM circuit_hops h LEFT JOIN elements e ON e.id = h.element_id \
             LEFT JOIN contractors c ON c.id = COALESCE(h.contractor_id, e.contractor_id) \
             WHERE h.circuit_id = $1 ORDER BY h.seq",
            &[Val::int(circuit_id)],
        )
        .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Hop {
                seq: r.seq as u32,
                element_code: r.element_code,
                element_name: r.element_name,
                element_type: r.element_type.as_deref().map(stored).transpose()?,
                segment: r.segment,
                domain: stored(r.domain.as_deref().unwrap_or_default())?,
                contractor_code: r.contractor_code,
                contractor_name: r.contractor_name,
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------

pub struct Contractors;

#[derive(FromRow)]
pub struct ContractorRow {
    id: i64,
    code: String,
    name: String,
    contract_start: NaiveDate,
    contract_end: NaiveDate,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(ContractorRow {
    id,
    code,
    name,
    contract_start,
    contract_end,
    created_at,
    updated_at
});

impl Entity for Contractors {
    type Input = ContractorInput;
    type Output = Contractor;
    type Row = ContractorRow;
    const SPEC: Spec = Spec {
        table: Kind::Contractors.table(),
        noun: Kind::Contractors.noun(),
        select: "SELECT t.id, t.code, t.name, t.contract_start, t.contract_end, t.created_at, t.updated_at \
                 FROM contractors t",
        filters: &[
            Filter {
                param: "region",
                sql: "t.id IN (SELECT contractor_id FROM contractor_regions WHERE region_id = \
                      (SELECT id FROM regions WHERE code = ?))",
                kind: FilterKind::Code { table: "regions", noun: "region" },
                doc: "the contract covers the region with this code",
            },
            Filter {
                param: "domain",
                sql: "t.id IN (SELECT contractor_id FROM contractor_domains WHERE domain = ?)",
                kind: FilterKind::Vocab(vocab::<MaintenanceDomain>),
                doc: "the contract covers the maintenance domain",
            },
            code_prefix(),
            Q_CODE_NAME,
        ],
        sorts: &NAME_SORTS,
        dependents: &[
            Dependent { table: "staff", column: "contractor_id", noun: "staff member" },
            Dependent { table: "elements", column: "contractor_id", noun: "network element" },
            Dependent { table: "circuit_hops", column: "contractor_id", noun: "circuit path hop" },
            Dependent { table: "instruments", column: "contractor_id", noun: "instrument" },
            Dependent { table: "vehicles", column: "contractor_id", noun: "vehicle" },
        ],
    };

    fn output(r: ContractorRow) -> Result<Contractor, StoreError> {
        Ok(Contractor {
            id: r.id,
            code: r.code,
            name: r.name,
            contract_start: r.contract_start,
            contract_end: r.contract_end,
            region_codes: Vec::new(),
            domains: Vec::new(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Contractor) -> i64 {
        o.id
    }
    fn code(i: &ContractorInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Contractor, sort: &str) -> Val {
        if sort == "name" {
            return Val::text(&o.name);
        }
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &ContractorInput) -> Vec<(&'static str, &str)> {
        i.region_codes
            .iter()
            .map(|r| ("regions", r.as_str()))
            .collect()
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &ContractorInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        for (n, r) in i.region_codes.iter().enumerate() {
            refs.region(conn, format!("region_codes[{n}]"), r, problems)
                .await?;
        }
        Ok(vec![
            ("code", text(&i.code)),
            ("name", text(&i.name)),
            ("contract_start", Val::Date(Some(i.contract_start))),
            ("contract_end", Val::Date(Some(i.contract_end))),
        ])
    }

    async fn after_write(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        written: &[Written<'_, ContractorInput>],
    ) -> Result<(), StoreError> {
        for w in written {
            conn.execute(
                "DELETE FROM contractor_regions WHERE contractor_id = $1",
                &[Val::int(w.id)],
            )
            .await?;
            conn.execute(
                "DELETE FROM contractor_domains WHERE contractor_id = $1",
                &[Val::int(w.id)],
            )
            .await?;
            let mut regions: Vec<i64> = Vec::new();
            for text in &w.input.region_codes {
                if let RegionHit::Found { id, .. } = refs.region_hit(conn, text).await? {
                    regions.push(id);
                }
            }
            regions.sort_unstable();
            regions.dedup();
            for region in regions {
                conn.execute(
                    "INSERT INTO contractor_regions (contractor_id, region_id) VALUES ($1, $2)",
                    &[Val::int(w.id), Val::int(region)],
                )
                .await?;
            }
            let mut domains = w.input.domains.clone();
            domains.sort();
            domains.dedup();
            for d in domains {
                conn.execute(
                    "INSERT INTO contractor_domains (contractor_id, domain) VALUES ($1, $2)",
                    &[Val::int(w.id), Val::text(d.code())],
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn load_children(
        conn: &mut Conn<'_>,
        outputs: &mut [Contractor],
        _single: bool,
    ) -> Result<(), StoreError> {
        for c in outputs {
            let regions: Vec<(String,)> = conn
                .fetch_all(
                    "SELECT r.code FROM contractor_regions cr JOIN regions r ON r.id = cr.region_id \
                     WHERE cr.contractor_id = $1 ORDER BY r.code",
                    &[Val::int(c.id)],
                )
                .await?;
            c.region_codes = regions.into_iter().map(|(r,)| r).collect();
            let domains: Vec<(String,)> = conn
                .fetch_all("SELECT domain FROM contractor_domains WHERE contractor_id = $1 ORDER BY domain", &[Val::int(c.id)])
                .await?;
            c.domains = domains
                .iter()
                .map(|(d,)| stored(d))
                .collect::<Result<_, _>>()?;
            c.domains.sort();
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------

pub struct StaffMembers;

#[derive(FromRow)]
pub struct StaffRow {
    id: i64,
    code: String,
    name: String,
    contractor_code: String,
    contractor_name: String,
    region_code: String,
    region_name: String,
    education: String,
    major: String,
    years_experience: i64,
    years_core_network: i64,
    certificates: String,
    training_level: String,
    phone: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(StaffRow {
    id,
    code,
    name,
    contractor_code,
    contractor_name,
    region_code,
    region_name,
    education,
    major,
    years_experience,
    years_core_network,
    certificates,
    training_level,
    phone,
    created_at,
    updated_at
});

impl Entity for StaffMembers {
    type Input = StaffInput;
    type Output = Staff;
    type Row = StaffRow;
    const SPEC: Spec = Spec {
        table: Kind::Staff.table(),
        noun: Kind::Staff.noun(),
        select: "SELECT t.id, t.code, t.name, c.code AS contractor_code, c.name AS contractor_name, \
                 r.code AS region_code, r.name AS region_name, t.education, t.major, t.years_experience, \
                 t.years_core_network, t.certificates, t.training_level, t.phone, t.created_at, t.updated_at \
                 FROM staff t JOIN contractors c ON c.id = t.contractor_id JOIN regions r ON r.id = t.region_id",
        filters: &[
            CONTRACTOR_FILTER,
            REGION_FILTER,
            Filter {
                param: "education",
                sql: "t.education = ?",
                kind: FilterKind::Vocab(vocab::<Education>),
                doc: "education",
            },
            Filter {
                param: "training_level",
                sql: "t.training_level = ?",
                kind: FilterKind::Vocab(vocab::<TrainingLevel>),
                doc: "training level (R-S8)",
            },
            Filter {
                param: "certificate",
                sql: "(',' || t.certificates || ',') LIKE ('%,' || ? || ',%')",
                kind: FilterKind::Vocab(vocab::<Certificate>),
                doc: "holds the certificate",
            },
            code_prefix(),
            Q_CODE_NAME,
        ],
        sorts: &NAME_SORTS,
        dependents: &[
            Dependent { table: "instruments", column: "holder_id", noun: "instrument" },
            Dependent { table: "users", column: "staff_id", noun: "user account" },
            Dependent { table: "orders", column: "assignee_id", noun: "work order" },
            Dependent { table: "order_events", column: "assignee_id", noun: "work order event" },
        ],
    };

    fn output(r: StaffRow) -> Result<Staff, StoreError> {
        Ok(Staff {
            id: r.id,
            code: r.code,
            name: r.name,
            contractor_code: r.contractor_code,
            contractor_name: r.contractor_name,
            region_code: r.region_code,
            region_name: r.region_name,
            education: stored(&r.education)?,
            major: r.major,
            years_experience: u8::try_from(r.years_experience)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            years_core_network: u8::try_from(r.years_core_network)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            certificates: vocab::parse_list(&r.certificates)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            training_level: stored(&r.training_level)?,
            phone: r.phone,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Staff) -> i64 {
        o.id
    }
    fn code(i: &StaffInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Staff, sort: &str) -> Val {
        if sort == "name" {
            return Val::text(&o.name);
        }
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &StaffInput) -> Vec<(&'static str, &str)> {
        vec![
            ("contractors", i.contractor_code.as_str()),
            ("regions", i.region_code.as_str()),
            // Whether the person is already stored (a move to another contractor is checked).
            ("staff", i.code.as_str()),
        ]
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &StaffInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let contractor = refs
            .require(
                conn,
                "contractors",
                "contractor",
                "contractor_code",
                &i.contractor_code,
                problems,
            )
            .await?;
        // Issue 14: a person tied to its company (a linked account, open orders) does not move
        // to another; reported on the row (an import) or the request (an update by code).
        if let (Some(to), Some(id)) = (contractor, refs.id(conn, "staff", &i.code).await?) {
            let (from,): (i64,) = conn
                .fetch_one(
                    "SELECT contractor_id FROM staff WHERE id = $1",
                    &[Val::int(id)],
                )
                .await?;
            if from != to {
                if let Some(refused) =
                    staff_move_refused(conn, id, &i.code, from, &i.contractor_code).await?
                {
                    problems.push(FieldError::new("contractor_code", refused.to_string()));
                }
            }
        }
        let region = refs
            .region(conn, "region_code", &i.region_code, problems)
            .await?;
        let mut certificates = i.certificates.clone();
        certificates.sort();
        certificates.dedup();
        Ok(vec![
            ("code", text(&i.code)),
            ("name", text(&i.name)),
            ("contractor_id", opt_id(contractor)),
            ("region_id", opt_id(region)),
            ("education", Val::text(i.education.code())),
            ("major", text(&i.major)),
            ("years_experience", Val::int(i.years_experience.into())),
            ("years_core_network", Val::int(i.years_core_network.into())),
            (
                "certificates",
                Val::text(vocab::join_codes(&certificates, ",")),
            ),
            ("training_level", Val::text(i.training_level.code())),
            ("phone", text(&i.phone)),
        ])
    }

    /// The move checked by the row it was written to as well: an update by id that changes the
    /// code and the contractor at once is not found by its (new) code in [`Self::columns`].
    async fn after_write(
        conn: &mut Conn<'_>,
        _refs: &mut Resolver,
        written: &[Written<'_, StaffInput>],
    ) -> Result<(), StoreError> {
        for w in written.iter().filter(|w| w.changed("contractor_id")) {
            let Some(old) = w.old else { continue };
            let from = old.iter().find_map(|(c, v)| match (c, v) {
                (&"contractor_id", Val::Int(Some(id))) => Some(*id),
                _ => None,
            });
            let Some(from) = from else { continue };
            if let Some(refused) =
                staff_move_refused(conn, w.id, &w.input.code, from, &w.input.contractor_code)
                    .await?
            {
                return Err(StoreError::invalid("contractor_code", refused.to_string()));
            }
        }
        Ok(())
    }
}

/// Issue 14 (`assignment::check_staff_move`): why the staff member `id` (`code`) may not move
/// from the contractor `from` to the contractor `to`, if it may not: the accounts linked to it
/// and the open orders assigned to it.
async fn staff_move_refused(
    conn: &mut Conn<'_>,
    id: i64,
    code: &str,
    from: i64,
    to: &str,
) -> Result<Option<jike_domain::assignment::StaffMoveRefused>, StoreError> {
    let accounts: Vec<(String,)> = conn
        .fetch_all(
            "SELECT name FROM users WHERE staff_id = $1 ORDER BY name",
            &[Val::int(id)],
        )
        .await?;
    let orders: Vec<(String,)> = conn
        .fetch_all(
            "SELECT code FROM orders WHERE assignee_id = $1 AND state <> 'closed' ORDER BY code",
            &[Val::int(id)],
        )
        .await?;
    if accounts.is_empty() && orders.is_empty() {
        return Ok(None);
    }
    let (from_code,): (String,) = conn
        .fetch_one(
            "SELECT code FROM contractors WHERE id = $1",
            &[Val::int(from)],
        )
        .await?;
    let accounts: Vec<String> = accounts.into_iter().map(|(a,)| a).collect();
    let orders: Vec<String> = orders.into_iter().map(|(o,)| o).collect();
    Ok(jike_domain::assignment::check_staff_move(
        code.trim(),
        &from_code,
        to.trim(),
        &accounts,
        &orders,
    )
    .err())
}

// ---------------------------------------------------------------------------------------------

pub struct Instruments;

#[derive(FromRow)]
pub struct InstrumentRow {
    id: i64,
    code: String,
    kind: String,
    contractor_code: String,
    region_code: String,
    holder_code: Option<String>,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(InstrumentRow {
    id,
    code,
    kind,
    contractor_code,
    region_code,
    holder_code,
    status,
    created_at,
    updated_at
});

const ASSET_STATUS_FILTER: Filter = Filter {
    param: "status",
    sql: "t.status = ?",
    kind: FilterKind::Vocab(vocab::<AssetStatus>),
    doc: "asset status",
};

impl Entity for Instruments {
    type Input = InstrumentInput;
    type Output = Instrument;
    type Row = InstrumentRow;
    const SPEC: Spec = Spec {
        table: Kind::Instruments.table(),
        noun: Kind::Instruments.noun(),
        select: "SELECT t.id, t.code, t.kind, c.code AS contractor_code, r.code AS region_code, h.code AS holder_code, \
                 t.status, t.created_at, t.updated_at FROM instruments t JOIN contractors c ON c.id = t.contractor_id \
                 JOIN regions r ON r.id = t.region_id LEFT JOIN staff h ON h.id = t.holder_id",
        filters: &[
            CONTRACTOR_FILTER,
            REGION_FILTER,
            Filter {
                param: "kind",
                sql: "t.kind = ?",
                kind: FilterKind::Vocab(vocab::<InstrumentKind>),
                doc: "instrument kind (R-S6, R-S7)",
            },
            ASSET_STATUS_FILTER,
            Filter {
                param: "holder",
                sql: "t.holder_id = (SELECT id FROM staff WHERE code = ?)",
                kind: FilterKind::Text,
                doc: "held by the staff member with this code",
            },
            code_prefix(),
        ],
        sorts: &ID_SORTS,
        dependents: &[],
    };

    fn output(r: InstrumentRow) -> Result<Instrument, StoreError> {
        Ok(Instrument {
            id: r.id,
            code: r.code,
            kind: stored(&r.kind)?,
            contractor_code: r.contractor_code,
            region_code: r.region_code,
            holder_code: r.holder_code,
            status: stored(&r.status)?,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Instrument) -> i64 {
        o.id
    }
    fn code(i: &InstrumentInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Instrument, sort: &str) -> Val {
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &InstrumentInput) -> Vec<(&'static str, &str)> {
        let mut refs = vec![
            ("contractors", i.contractor_code.as_str()),
            ("regions", i.region_code.as_str()),
        ];
        refs.extend(i.holder_code.as_deref().map(|h| ("staff", h)));
        refs
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &InstrumentInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let contractor = refs
            .require(
                conn,
                "contractors",
                "contractor",
                "contractor_code",
                &i.contractor_code,
                problems,
            )
            .await?;
        let region = refs
            .region(conn, "region_code", &i.region_code, problems)
            .await?;
        let holder = refs
            .optional(
                conn,
                "staff",
                "staff member",
                "holder_code",
                i.holder_code.as_deref(),
                problems,
            )
            .await?;
        Ok(vec![
            ("code", text(&i.code)),
            ("kind", Val::text(i.kind.code())),
            ("contractor_id", opt_id(contractor)),
            ("region_id", opt_id(region)),
            ("holder_id", opt_id(holder)),
            ("status", Val::text(i.status.code())),
        ])
    }
}

// ---------------------------------------------------------------------------------------------

pub struct Vehicles;

#[derive(FromRow)]
pub struct VehicleRow {
    id: i64,
    code: String,
    kind: String,
    contractor_code: String,
    region_code: String,
    status: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
crate::lite_record!(VehicleRow {
    id,
    code,
    kind,
    contractor_code,
    region_code,
    status,
    created_at,
    updated_at
});

impl Entity for Vehicles {
    type Input = VehicleInput;
    type Output = Vehicle;
    type Row = VehicleRow;
    const SPEC: Spec = Spec {
        table: Kind::Vehicles.table(),
        noun: Kind::Vehicles.noun(),
        select: "SELECT t.id, t.code, t.kind, c.code AS contractor_code, r.code AS region_code, t.status, \
                 t.created_at, t.updated_at FROM vehicles t JOIN contractors c ON c.id = t.contractor_id \
                 JOIN regions r ON r.id = t.region_id",
        filters: &[
            CONTRACTOR_FILTER,
            REGION_FILTER,
            Filter {
                param: "kind",
                sql: "t.kind = ?",
                kind: FilterKind::Vocab(vocab::<VehicleKind>),
                doc: "vehicle kind",
            },
            ASSET_STATUS_FILTER,
            code_prefix(),
        ],
        sorts: &ID_SORTS,
        dependents: &[],
    };

    fn output(r: VehicleRow) -> Result<Vehicle, StoreError> {
        Ok(Vehicle {
            id: r.id,
            code: r.code,
            kind: stored(&r.kind)?,
            contractor_code: r.contractor_code,
            region_code: r.region_code,
            status: stored(&r.status)?,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
    fn id(o: &Vehicle) -> i64 {
        o.id
    }
    fn code(i: &VehicleInput) -> &str {
        &i.code
    }
    fn sort_value(o: &Vehicle, sort: &str) -> Val {
        code_sort(&o.code, o.created_at, o.updated_at, o.id, sort)
    }

    fn references(i: &VehicleInput) -> Vec<(&'static str, &str)> {
        vec![
            ("contractors", i.contractor_code.as_str()),
            ("regions", i.region_code.as_str()),
        ]
    }

    async fn columns(
        conn: &mut Conn<'_>,
        refs: &mut Resolver,
        i: &VehicleInput,
        problems: &mut Vec<FieldError>,
    ) -> Result<Vec<(&'static str, Val)>, StoreError> {
        let contractor = refs
            .require(
                conn,
                "contractors",
                "contractor",
                "contractor_code",
                &i.contractor_code,
                problems,
            )
            .await?;
        let region = refs
            .region(conn, "region_code", &i.region_code, problems)
            .await?;
        Ok(vec![
            ("code", text(&i.code)),
            ("kind", Val::text(i.kind.code())),
            ("contractor_id", opt_id(contractor)),
            ("region_id", opt_id(region)),
            ("status", Val::text(i.status.code())),
        ])
    }
}
