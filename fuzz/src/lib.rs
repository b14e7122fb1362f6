//! What the fuzz targets share.

use std::collections::BTreeSet;
use std::sync::{Mutex, Once};

/// The marker `.ci/fuzz` looks for to list contained panics in its summary.
pub const CONTAINED: &str = "contained panic";

/// Judges panics the way import does in production.
///
/// `jike_sheets::read` runs each parser under `catch_unwind`: a panic deep in calamine or the
/// CSV engine becomes "the file is damaged and cannot be read" and the server lives on. The
/// panic hook of libfuzzer-sys aborts on every panic, contained or not, so a single known panic
/// in a dependency would stop every run. This replaces that hook with one that prints each
/// panic's message once per source location (with [`CONTAINED`] in it). A panic that escapes
/// `read` still ends the run: libfuzzer-sys catches it around the target and aborts.
///
/// With `FUZZ_STRICT_PANICS=1` in the environment the hook is left alone: any panic, contained
/// or not, is a crash that libFuzzer saves and minimizes.
pub fn contain_reader_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("FUZZ_STRICT_PANICS").is_some_and(|v| v != "0") {
            return;
        }
        let _aborting = std::panic::take_hook();
        let default = std::panic::take_hook();
        let seen: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
        std::panic::set_hook(Box::new(move |info| {
            let place = info
                .location()
                .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
            let first = seen
                .lock()
                .map(|mut s| s.insert(place.clone()))
                .unwrap_or(true);
            if first {
                eprintln!(
                    "{CONTAINED} at {place} (first at this place; unless the run aborts next, \
                     jike_sheets::read contained it; FUZZ_STRICT_PANICS=1 makes it a crash):"
                );
                default(info);
            }
        }));
    });
}
