-- Configuration compliance in the service (issue 6, domain.md §9, R-CF1..R-CF7): the
-- configurations uploaded for a network element (the newest few kept, see configs.rs) and the
-- findings of the newest check of each element, replaced at every upload. Deleting an element
-- deletes its configurations and findings.
CREATE TABLE element_configs (
    id INTEGER PRIMARY KEY,
    element_id INTEGER NOT NULL REFERENCES elements(id) ON DELETE CASCADE,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    file_name TEXT NOT NULL,
    vendor TEXT NOT NULL,
    role TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    lines INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    notes INTEGER NOT NULL,
    content TEXT NOT NULL
);
CREATE INDEX element_configs_element ON element_configs(element_id, id);

CREATE TABLE config_findings (
    id INTEGER PRIMARY KEY,
    element_id INTEGER NOT NULL REFERENCES elements(id) ON DELETE CASCADE,
    config_id INTEGER NOT NULL REFERENCES element_configs(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    message TEXT NOT NULL,
    object TEXT
);
CREATE INDEX config_findings_element ON config_findings(element_id, id);
CREATE INDEX config_findings_rule ON config_findings(rule, id);
CREATE INDEX config_findings_config ON config_findings(config_id);
