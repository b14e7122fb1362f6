//! Arbitrary text through `parse_path`, the one-line notation of a circuit's path
//! (`A > [segment;domain;contractor] > B`) that the CSV and `.xlsx` `path` column holds. No
//! panic; what parses formats back to a text that parses to the same hops.
#![no_main]

use jike_domain::{format_path, parse_path};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(hops) = parse_path(text) else {
        return;
    };
    let written = format_path(&hops);
    let again = parse_path(&written)
        .unwrap_or_else(|e| panic!("format_path wrote {written:?}, which does not parse: {e}"));
    assert_eq!(hops, again, "path round trip through {written:?}");
});
