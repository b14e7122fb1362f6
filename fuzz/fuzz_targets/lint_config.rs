//! Arbitrary text as a device configuration (`jike lint-config`, uploads of a network element's
//! configuration): vendor detection, the three parsers into their hierarchy, every rule at role
//! core, and the R-CF2 cross-check. No panic; every finding names a line of the text.
#![no_main]

use jike_lint::{check_device, cross_check, parse, LintConfig, Role, Vendor};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cfg = LintConfig::default();
    let lines = text.split('\n').count() as u32;
    let mut devices = Vec::new();
    for vendor in [
        None,
        Some(Vendor::Huawei),
        Some(Vendor::H3c),
        Some(Vendor::Cisco),
    ] {
        let p = parse(&text, vendor);
        for (i, n) in p.nodes.iter().enumerate() {
            assert!(
                n.end as usize > i && n.end as usize <= p.nodes.len(),
                "node {i} ends at {}",
                n.end
            );
        }
        let d = check_device(&text, vendor, Role::Core, &cfg);
        for f in &d.findings {
            assert!(
                f.line >= 1 && f.line <= lines,
                "{f:?} outside the {lines} lines"
            );
        }
        devices.push(d);
    }
    let globals: Vec<(&str, &jike_lint::Globals)> =
        devices.iter().map(|d| ("f", &d.globals)).collect();
    let _ = cross_check(&globals, Role::Core, &cfg);
});
