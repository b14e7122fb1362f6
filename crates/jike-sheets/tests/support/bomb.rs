//! Zip bombs for the tests: `.xlsx` workbooks whose shared strings and first worksheet inflate
//! to hundreds of megabytes, built by streaming repeated XML through `zip::ZipWriter`, so that
//! making one costs a few hundred kilobytes of memory. Shared by the jike-sheets tests and the
//! server test in `crates/jike/tests` (included there by path).
#![allow(dead_code)]

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// The worksheet that carries the bomb.
pub const SHEET: &str = "xl/worksheets/sheet1.xml";
/// The shared strings, which calamine reads whole when it opens a workbook.
pub const SHARED_STRINGS: &str = "xl/sharedStrings.xml";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="customers" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// Writes `head`, then `unit` repeated until about `bytes` are written, then `tail`.
fn repeated(out: &mut impl Write, head: &str, unit: &str, bytes: u64, tail: &str) {
    out.write_all(head.as_bytes()).unwrap();
    let chunk = unit.repeat((64 * 1024 / unit.len()).max(1));
    let mut written = 0u64;
    while written < bytes {
        out.write_all(chunk.as_bytes()).unwrap();
        written += chunk.len() as u64;
    }
    out.write_all(tail.as_bytes()).unwrap();
}

/// A well-formed customers workbook whose shared strings inflate to about `shared` bytes and
/// whose worksheet to about `sheet` bytes (deflate, several hundred to one). With `lie`, both
/// entries' headers (local and central directory) declare 1000 bytes instead, as a crafted bomb
/// would.
pub fn xlsx(shared: u64, sheet: u64, lie: bool) -> Vec<u8> {
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(false);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.start_file(SHARED_STRINGS, options).unwrap();
    repeated(
        &mut zip,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>code</t></si>"#,
        "<si><t>某某客户名称</t></si>",
        shared,
        "</sst>",
    );
    zip.start_file(SHEET, options).unwrap();
    repeated(
        &mut zip,
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        r#"<row><c t="inlineStr"><is><t>C0000001</t></is></c></row>"#,
        sheet,
        "</sheetData></worksheet>",
    );
    let mut file = zip.finish().unwrap().into_inner();
    if lie {
        for name in [SHARED_STRINGS, SHEET] {
            declare_size(&mut file, name, 1000);
        }
    }
    file
}

/// Rewrites the uncompressed size of entry `name` in its central directory header and in its
/// local header.
fn declare_size(file: &mut [u8], name: &str, size: u32) {
    let le32 = |b: &[u8], at: usize| u32::from_le_bytes(b[at..at + 4].try_into().unwrap());
    let le16 = |b: &[u8], at: usize| usize::from(u16::from_le_bytes([b[at], b[at + 1]]));
    let mut at = 0;
    while at + 46 <= file.len() {
        if &file[at..at + 4] == b"PK\x01\x02" {
            let name_len = le16(file, at + 28);
            if &file[at + 46..at + 46 + name_len] == name.as_bytes() {
                file[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
                let local = le32(file, at + 42) as usize;
                assert_eq!(&file[local..local + 4], b"PK\x03\x04");
                file[local + 22..local + 26].copy_from_slice(&size.to_le_bytes());
                return;
            }
        }
        at += 1;
    }
    panic!("no central directory entry {name}");
}

/// The peak resident memory of this process so far (`VmHWM`), in bytes; `None` off Linux.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    peak_rss_in(&status)
}

/// `VmHWM` of a `/proc/PID/status` text, in bytes.
pub fn peak_rss_in(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Resets this process's `VmHWM` to its current resident size, where the kernel allows it.
pub fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
