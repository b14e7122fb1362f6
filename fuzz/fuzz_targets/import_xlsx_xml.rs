//! The XML inside an `.xlsx`, fuzzed within a well-formed archive: a raw mutated zip almost never
//! passes its CRC checks, so `import_xlsx` rarely gets past calamine's zip reader. The input is
//! `worksheet XML`, NUL, `shared strings XML`, NUL, `styles XML` (missing parts are left out of
//! the workbook); the target stores them with a fixed workbook, relationships and content types
//! as `xl/worksheets/sheet1.xml`, `xl/sharedStrings.xml` and `xl/styles.xml`, and reads the
//! workbook for each of the five kinds as `import_xlsx` does. No panic escapes `read` (see
//! `import_xlsx` for the panics its `catch_unwind` contains).
#![no_main]

use std::io::{Cursor, Write};

use jike_domain::{CircuitInput, CustomerInput, ElementInput, SiteInput, StaffInput};
use jike_sheets::{read, Format};
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr/><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

fn workbook(data: &[u8]) -> Vec<u8> {
    let mut parts = data.splitn(3, |&b| b == 0);
    let sheet = parts.next().unwrap_or_default();
    let strings = parts.next();
    let styles = parts.next();
    let mut zip = ZipWriter::new(Cursor::new(Vec::with_capacity(data.len() + 4096)));
    let opts = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut put = |name: &str, bytes: &[u8]| {
        zip.start_file(name, opts).expect("zip entry");
        zip.write_all(bytes).expect("zip write");
    };
    put("[Content_Types].xml", CONTENT_TYPES.as_bytes());
    put("_rels/.rels", RELS.as_bytes());
    put("xl/workbook.xml", WORKBOOK.as_bytes());
    put("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes());
    put("xl/worksheets/sheet1.xml", sheet);
    if let Some(s) = strings {
        put("xl/sharedStrings.xml", s);
    }
    if let Some(s) = styles {
        put("xl/styles.xml", s);
    }
    zip.finish().expect("zip finish").into_inner()
}

fuzz_target!(|data: &[u8]| {
    jike_fuzz::contain_reader_panics();
    let xlsx = workbook(data);
    let _ = read::<CustomerInput>(Format::Xlsx, &xlsx);
    let _ = read::<CircuitInput>(Format::Xlsx, &xlsx);
    let _ = read::<SiteInput>(Format::Xlsx, &xlsx);
    let _ = read::<ElementInput>(Format::Xlsx, &xlsx);
    let _ = read::<StaffInput>(Format::Xlsx, &xlsx);
});
