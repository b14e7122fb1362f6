//! Issue 14: a 6 MB `.xlsx` whose shared strings and sheet inflate to 2 GB took the server from
//! 77 MB to 5 GB. The reader must refuse such a workbook before it inflates it. This is the only
//! test of its binary, so the process's peak memory is its own.

#[path = "support/bomb.rs"]
mod bomb;

use std::time::{Duration, Instant};

use jike_domain::CustomerInput;
use jike_sheets::{read, Format, SheetError, ZipLimitError};

const MB: u64 = 1_000_000;

fn refusal(file: &[u8]) -> ZipLimitError {
    match read::<CustomerInput>(Format::Xlsx, file) {
        Err(SheetError::ZipLimit(e)) => e,
        other => panic!("expected a zip limit refusal, got {other:?}"),
    }
}

#[test]
fn zip_bombs_are_refused_quickly_in_bounded_memory() {
    // Honest headers: the central directory says the sheet inflates to 300 MB.
    let honest = bomb::xlsx(1000, 300 * MB, false);
    // Lying headers: both entries declare 1000 bytes and inflate to 300 MB each.
    let lying = bomb::xlsx(300 * MB, 300 * MB, true);
    assert!(honest.len() < 2_000_000, "{} bytes", honest.len());
    assert!(lying.len() < 4_000_000, "{} bytes", lying.len());

    bomb::reset_peak_rss();
    let before = bomb::peak_rss();
    let start = Instant::now();

    let e = refusal(&honest);
    assert_eq!(e.entry(), Some(bomb::SHEET), "{e}");
    assert!(
        e.to_string()
            .starts_with("xl/worksheets/sheet1.xml inflates beyond 200 MB"),
        "{e}"
    );
    // The message the import shows, through the error's Display.
    let shown = SheetError::ZipLimit(e).to_string();
    assert!(shown.contains("xl/worksheets/sheet1.xml"), "{shown}");

    // The shared strings come first in the archive: calamine reads them whole on opening.
    let e = refusal(&lying);
    assert_eq!(
        e,
        ZipLimitError::Misdeclared {
            entry: bomb::SHARED_STRINGS.into(),
            declared: 1000
        }
    );

    // Honest headers again, under the entry limit but over 100:1.
    let dense = bomb::xlsx(150 * MB, 1000, false);
    let e = refusal(&dense);
    assert_eq!(e.entry(), Some(bomb::SHARED_STRINGS), "{e}");
    assert!(
        e.to_string()
            .starts_with("xl/sharedStrings.xml inflates beyond 100 times its compressed size"),
        "{e}"
    );

    let elapsed = start.elapsed();
    eprintln!(
        "bombs of {}, {} and {} bytes refused in {elapsed:?}",
        honest.len(),
        lying.len(),
        dense.len()
    );
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    if let (Some(before), Some(after)) = (before, bomb::peak_rss()) {
        let growth = after.saturating_sub(before);
        eprintln!("peak memory {} MB, grown by {} MB", after / MB, growth / MB);
        assert!(
            growth < 100 * MB,
            "peak memory grew by {} MB reading the bombs",
            growth / MB
        );
    }
}
