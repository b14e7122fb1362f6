-- R-CF2 in the service (issue 6): the global parameters of each configuration (NTP servers,
-- syslog and SNMP trap hosts, time zone, AAA servers, as jike-lint's `Globals` in JSON), so that
-- an upload compares the newest configurations of all elements of its role without parsing them
-- again. Configurations stored before this migration compare as setting none of them.
ALTER TABLE element_configs ADD COLUMN globals TEXT NOT NULL DEFAULT '{}';
-- The comparison reads the newest configuration of each element of a role (the text itself is
-- stored out of line, so the rows are small).
CREATE INDEX element_configs_fleet ON element_configs(role, element_id, id);
