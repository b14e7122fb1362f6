-- jike inventory (domain.md §2), SQLite dialect. Never edit a migration once released: add one.
-- Times are UTC instants in RFC 3339 text; enums are stored as their codes.

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent_id INTEGER REFERENCES regions(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_id, id);
CREATE INDEX regions_level ON regions(level, id);

CREATE TABLE contractors (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    contract_start TEXT NOT NULL,
    contract_end TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE contractor_regions (
    contractor_id INTEGER NOT NULL REFERENCES contractors(id) ON DELETE CASCADE,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    PRIMARY KEY (contractor_id, region_id)
) WITHOUT ROWID;
CREATE INDEX contractor_regions_region ON contractor_regions(region_id);

CREATE TABLE contractor_domains (
    contractor_id INTEGER NOT NULL REFERENCES contractors(id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    PRIMARY KEY (contractor_id, domain)
) WITHOUT ROWID;

CREATE TABLE sites (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    address TEXT NOT NULL,
    region_id INTEGER NOT NULL REFERENCES regions(id),
    longitude REAL,
    latitude REAL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sites_region ON sites(region_id, id);
CREATE INDEX sites_kind ON sites(kind, id);

CREATE TABLE elements (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    vendor TEXT NOT NULL,
    model TEXT NOT NULL,
    management_ip TEXT,
    site_id INTEGER NOT NULL REFERENCES sites(id),
    owner TEXT NOT NULL,
    domain TEXT NOT NULL,
    contractor_id INTEGER REFERENCES contractors(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX elements_site ON elements(site_id, id);
CREATE INDEX elements_contractor ON elements(contractor_id, id);
CREATE INDEX elements_type ON elements(type, id);
CREATE INDEX elements_domain ON elements(domain, id);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    industry TEXT NOT NULL,
    grade TEXT NOT NULL,
    account_manager TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    region_id INTEGER REFERENCES regions(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX customers_grade ON customers(grade, id);
CREATE INDEX customers_region ON customers(region_id, id);

-- R-SL3: the grade history; valid_to is NULL for the grade in force.
CREATE TABLE customer_grades (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    grade TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT
);
CREATE INDEX customer_grades_customer ON customer_grades(customer_id, valid_from);

CREATE TABLE circuits (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    business_type TEXT NOT NULL,
    scope TEXT NOT NULL,
    bandwidth_bps INTEGER NOT NULL,
    a_end TEXT NOT NULL,
    z_end TEXT NOT NULL,
    assurance_level TEXT NOT NULL,
    status TEXT NOT NULL,
    region_id INTEGER REFERENCES regions(id),
    -- The path in its one-line notation, kept beside circuit_hops so that an import can tell an
    -- unchanged path without reading the hops and an export needs no join.
    path_text TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX circuits_customer ON circuits(customer_id, id);
CREATE INDEX circuits_business_type ON circuits(business_type, id);
CREATE INDEX circuits_status ON circuits(status, id);
CREATE INDEX circuits_region ON circuits(region_id, id);
CREATE INDEX circuits_assurance ON circuits(assurance_level, id);
CREATE INDEX circuits_scope ON circuits(scope, id);

CREATE TABLE circuit_hops (
    circuit_id INTEGER NOT NULL REFERENCES circuits(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    element_id INTEGER REFERENCES elements(id),
    segment TEXT,
    domain TEXT,
    contractor_id INTEGER REFERENCES contractors(id),
    PRIMARY KEY (circuit_id, seq)
) WITHOUT ROWID;
CREATE INDEX circuit_hops_element ON circuit_hops(element_id);
CREATE INDEX circuit_hops_contractor ON circuit_hops(contractor_id);

CREATE TABLE staff (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    contractor_id INTEGER NOT NULL REFERENCES contractors(id),
    region_id INTEGER NOT NULL REFERENCES regions(id),
    education TEXT NOT NULL,
    major TEXT NOT NULL,
    years_experience INTEGER NOT NULL,
    years_core_network INTEGER NOT NULL,
    certificates TEXT NOT NULL,
    training_level TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX staff_contractor ON staff(contractor_id, id);
CREATE INDEX staff_region ON staff(region_id, id);

CREATE TABLE instruments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    contractor_id INTEGER NOT NULL REFERENCES contractors(id),
    region_id INTEGER NOT NULL REFERENCES regions(id),
    holder_id INTEGER REFERENCES staff(id),
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX instruments_contractor ON instruments(contractor_id, id);
CREATE INDEX instruments_region ON instruments(region_id, id);
CREATE INDEX instruments_holder ON instruments(holder_id);

CREATE TABLE vehicles (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    contractor_id INTEGER NOT NULL REFERENCES contractors(id),
    region_id INTEGER NOT NULL REFERENCES regions(id),
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX vehicles_contractor ON vehicles(contractor_id, id);
CREATE INDEX vehicles_region ON vehicles(region_id, id);
