//! Arbitrary bytes as an `.xlsx` import file, read and converted into inputs for each of the five
//! kinds as `Store::import_file` does before it touches the database (`jike_sheets::read`:
//! calamine, header, cells, `Sheet::from_cells`, `Validate`, duplicate codes). No panic escapes
//! `read`; one that its `catch_unwind` contains (it becomes "the file is damaged") is printed
//! once and listed by `.ci/fuzz`, and is a crash under `FUZZ_STRICT_PANICS=1`
//! (see `jike_fuzz::contain_reader_panics`).
//!
//! Mutated zip archives mostly fail their CRC; `import_xlsx_xml` fuzzes the XML inside a
//! well-formed archive.
#![no_main]

use jike_domain::{CircuitInput, CustomerInput, ElementInput, SiteInput, StaffInput};
use jike_sheets::{read, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    jike_fuzz::contain_reader_panics();
    let _ = read::<CustomerInput>(Format::Xlsx, data);
    let _ = read::<CircuitInput>(Format::Xlsx, data);
    let _ = read::<SiteInput>(Format::Xlsx, data);
    let _ = read::<ElementInput>(Format::Xlsx, data);
    let _ = read::<StaffInput>(Format::Xlsx, data);
});
