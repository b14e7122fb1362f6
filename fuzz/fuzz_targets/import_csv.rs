//! Arbitrary bytes as a CSV import file, read and converted into inputs for each of the five
//! kinds exactly as `Store::import_file` does before it touches the database
//! (`jike_sheets::read`: decode, header, cells, `Sheet::from_cells`, `Validate`, duplicate codes).
//! Whatever the bytes: no panic escapes `read` (one that its `catch_unwind` contains is listed by
//! `.ci/fuzz`; see `jike_fuzz::contain_reader_panics`), and what reads back is what was read
//! (the crate's round-trip promise: `write` gives a file that `read` reads to the same records).
#![no_main]

use jike_domain::{CircuitInput, CustomerInput, ElementInput, SiteInput, StaffInput};
use jike_sheets::{read, write, Format, HeaderLang, Sheet};
use libfuzzer_sys::fuzz_target;

fn check<T: Sheet + PartialEq + std::fmt::Debug>(data: &[u8]) {
    let Ok(parsed) = read::<T>(Format::Csv, data) else {
        return;
    };
    let records = parsed.into_records();
    for lang in [HeaderLang::Chinese, HeaderLang::English] {
        let file = write(Format::Csv, &records, lang).expect("CSV write of records just read");
        let again = read::<T>(Format::Csv, &file)
            .unwrap_or_else(|e| panic!("the written CSV does not read back: {e}"))
            .into_records();
        assert_eq!(records, again, "CSV round trip changed the records");
    }
}

fuzz_target!(|data: &[u8]| {
    jike_fuzz::contain_reader_panics();
    check::<CustomerInput>(data);
    check::<CircuitInput>(data);
    check::<SiteInput>(data);
    check::<ElementInput>(data);
    check::<StaffInput>(data);
});
