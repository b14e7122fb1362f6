//! What the configuration checks decide, asked by the store as orders ask `jike-domain`: the
//! per-device rules and the comparison across devices are `jike-lint`'s pure functions; this
//! module turns their findings into the rows the store keeps ([`check`]) and gives the fleet's
//! stored parameters to R-CF2 ([`compare_fleet`]). [`Store::config_check_as`] is the workflow:
//! check the text off the runtime's workers, then store it with the fleet compared again, in
//! one transaction.

use std::sync::Arc;

use jike_lint::{Globals, LintConfig, Role, Vendor};

use super::{ConfigCheck, ConfigFinding, ConfigUpload, FleetCheck, FleetDevice};
use crate::error::StoreError;
use crate::{Caller, Store};

/// A configuration as uploaded, before it is checked.
#[derive(Debug, Clone)]
pub struct ConfigText {
    /// The name the uploader gave the file; may be empty.
    pub file_name: String,
    pub text: String,
    /// The dialect; `None` detects it from the text.
    pub vendor: Option<Vendor>,
    /// The device's place in the network it is checked for.
    pub role: Role,
}

impl Store {
    /// Checks `upload` with `cfg` (the site's conventions) and stores it for the element
    /// `element_id` as [`Store::config_upload_as`] does, R-CF2 comparing the element's role
    /// again with `jike-lint`'s comparison. The check is CPU work (tens of MB/s): it runs on the
    /// blocking pool.
    pub(crate) async fn config_check_as(
        &self,
        caller: &Caller,
        element_id: i64,
        upload: ConfigText,
        cfg: Arc<LintConfig>,
    ) -> Result<ConfigCheck, StoreError> {
        let lint = cfg.clone();
        let checked = crate::long::on_blocking_pool(move || {
            check(
                &upload.file_name,
                upload.text,
                upload.vendor,
                upload.role,
                &lint,
            )
        })
        .await?;
        let compare = move |role: &str, devices: &[FleetDevice]| compare_fleet(role, devices, &cfg);
        let fleet = FleetCheck {
            rule: jike_lint::rules::CF2_INCONSISTENT,
            compare: &compare,
        };
        self.config_upload_as(caller, element_id, &checked, &fleet)
            .await
    }
}

/// The role's code as stored.
pub fn role_code(role: Role) -> &'static str {
    match role {
        Role::Access => "access",
        Role::Aggregation => "aggregation",
        Role::Core => "core",
    }
}

/// Checks a configuration: what the store keeps.
pub fn check(
    file_name: &str,
    text: String,
    vendor: Option<Vendor>,
    role: Role,
    cfg: &LintConfig,
) -> ConfigUpload {
    let device = jike_lint::check_device(&text, vendor, role, cfg);
    let vendor = device.vendor;
    let lines = i64::from(device.lines);
    // Serialising plain strings and numbers cannot fail.
    let globals = serde_json::to_string(&device.globals).unwrap_or_else(|_| "{}".into());
    let findings = device
        .into_findings(file_name)
        .into_iter()
        .map(|f| ConfigFinding {
            line: i64::from(f.line),
            rule: f.rule.to_string(),
            severity: f.severity.as_str().to_string(),
            message: f.message,
            object: f.object,
            message_zh: f.message_zh,
            related_elements: vec![],
        })
        .collect();
    ConfigUpload {
        file_name: file_name.to_string(),
        vendor: vendor.as_str().to_string(),
        role: role_code(role).to_string(),
        content: text,
        lines,
        findings,
        globals,
    }
}

/// R-CF2 across the newest configurations of one role (`jike_lint::cross_check`), by element.
pub fn compare_fleet(
    role: &str,
    devices: &[FleetDevice],
    cfg: &LintConfig,
) -> Vec<(i64, ConfigFinding)> {
    let Some(role) = Role::parse(role) else {
        return Vec::new();
    };
    // A configuration stored before its parameters were kept compares as setting none.
    let globals: Vec<Globals> = devices
        .iter()
        .map(|d| serde_json::from_str(&d.globals).unwrap_or_default())
        .collect();
    let named: Vec<(&str, &Globals)> = devices
        .iter()
        .zip(&globals)
        .map(|(d, g)| (d.element_code.as_str(), g))
        .collect();
    let id_of: std::collections::HashMap<&str, i64> = devices
        .iter()
        .map(|d| (d.element_code.as_str(), d.element_id))
        .collect();
    jike_lint::cross_check(&named, role, cfg)
        .into_iter()
        .filter_map(|f| {
            let id = *id_of.get(f.file.as_str())?;
            Some((
                id,
                ConfigFinding {
                    line: i64::from(f.line),
                    rule: f.rule.to_string(),
                    severity: f.severity.as_str().to_string(),
                    // The stored message names no other element: each reader is shown those
                    // of `related_elements` it may see.
                    message: f.message_alone(jike_lint::Lang::En),
                    message_zh: f.message_alone(jike_lint::Lang::Zh),
                    object: f.object,
                    related_elements: f.related,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_names_its_vendor_role_and_findings() {
        let text =
            "#\nsysname A\n#\ninterface GigabitEthernet0/0/1\n port link-type access\n#\nreturn\n";
        let up = check(
            "a.cfg",
            text.to_string(),
            None,
            Role::Access,
            &LintConfig::default(),
        );
        assert_eq!(up.vendor, "huawei");
        assert_eq!(up.role, "access");
        assert_eq!(up.lines, 7);
        let f = up
            .findings
            .iter()
            .find(|f| f.rule == "CF5-missing-description")
            .expect("the interface has no description");
        assert_eq!(f.line, 4);
    }

    #[test]
    fn the_fleet_is_compared_on_the_parameters_kept_with_each_configuration() {
        let text = "#\nsysname A\n#\nntp-service unicast-server 10.255.0.1\n#\nreturn\n";
        let cfg = LintConfig::default();
        let kept = check("a.cfg", text.to_string(), None, Role::Aggregation, &cfg).globals;
        let round: Globals = serde_json::from_str(&kept).unwrap();
        assert_eq!(round.ntp_servers.values, ["10.255.0.1"]);
        let device = |id: i64, globals: &str| FleetDevice {
            element_id: id,
            element_code: format!("NE-{id}"),
            globals: globals.into(),
        };
        // A configuration kept before its parameters were (`{}`) or unreadable ones compare as
        // setting none: the odd one out of three.
        for odd in ["{}", "not json"] {
            let devices = [device(1, &kept), device(2, &kept), device(3, odd)];
            let found = compare_fleet("aggregation", &devices, &cfg);
            assert_eq!(found.len(), 1, "{found:?}");
            assert_eq!(found[0].0, 3);
            assert_eq!(found[0].1.rule, "CF2-inconsistent");
            assert!(
                found[0].1.message.contains("10.255.0.1"),
                "{}",
                found[0].1.message
            );
        }
        // Two odd ones of five: each finding's message names no element, the other odd one
        // is kept apart for the store to show to those who may see it.
        let devices = [
            device(1, &kept),
            device(2, &kept),
            device(3, &kept),
            device(4, "{}"),
            device(5, "{}"),
        ];
        let found = compare_fleet("aggregation", &devices, &cfg);
        assert_eq!(found.len(), 2, "{found:?}");
        for (id, f) in &found {
            let other = if *id == 4 { "NE-5" } else { "NE-4" };
            assert_eq!(f.related_elements, [other]);
            assert!(!f.message.contains("NE-"), "{}", f.message);
            assert!(!f.message_zh.contains("NE-"), "{}", f.message_zh);
            assert!(f.message_zh.contains("10.255.0.1"), "{}", f.message_zh);
        }
        assert!(compare_fleet("edge", &[device(1, &kept)], &cfg).is_empty());
    }
}
