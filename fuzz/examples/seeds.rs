//! Writes the seed corpus of every fuzz target under `fuzz/corpus/<target>/seed-*`, from the
//! files in `examples/`, the demo dataset and a few hand-written bodies. Run from the repository
//! root after a format changes, and commit what changes:
//!
//! ```sh
//! cargo run --manifest-path fuzz/Cargo.toml --example seeds
//! ```
//!
//! Files libFuzzer adds to `corpus/` while it runs are not named `seed-*` and are ignored by git.

use std::io::Read;
use std::path::{Path, PathBuf};

use jike_domain::demo::Demo;
use jike_domain::{CircuitInput, CustomerInput, ElementInput, SiteInput, StaffInput};
use jike_sheets::{read, write, Format, HeaderLang, Sheet};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn put(target: &str, name: &str, bytes: impl AsRef<[u8]>) {
    let dir = root().join("fuzz/corpus").join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("seed-{name}")), bytes.as_ref()).unwrap();
}

/// The XML parts of an .xlsx that `import_xlsx_xml` fuzzes: the worksheet, NUL, the shared
/// strings, NUL, the styles.
fn xml_parts(xlsx: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut part = |name: &str| {
        let mut out = Vec::new();
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_end(&mut out).unwrap();
        }
        out
    };
    let mut out = part("xl/worksheets/sheet1.xml");
    out.push(0);
    out.extend(part("xl/sharedStrings.xml"));
    out.push(0);
    out.extend(part("xl/styles.xml"));
    out
}

/// A sites sheet with every kind of cell calamine knows: inline and shared strings, numbers in
/// date, time and duration formats, booleans, ISO dates, an error cell, a cell far to the right.
const CELL_KINDS_SHEET: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:H4"/><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>站点编码</t></is></c><c r="B1" t="s"><v>0</v></c><c r="C1" t="inlineStr"><is><t>type</t></is></c><c r="D1" t="inlineStr"><is><t>address</t></is></c><c r="E1" t="inlineStr"><is><t>区域*</t></is></c><c r="F1" t="inlineStr"><is><t> longitude </t></is></c><c r="G1" t="inlineStr"><is><t>纬度</t></is></c></row><row r="2"><c r="A2" t="str"><v>GZ-MR-1</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="inlineStr"><is><r><t>machine_</t></r><r><t>room</t></r></is></c><c r="D2" s="1"><v>45931.5</v></c><c r="E2" t="inlineStr"><is><t>GZ-LJ</t></is></c><c r="F2"><v>113.291533</v></c><c r="G2" s="2"><v>23.102232</v></c></row><row r="3"><c r="A3"><v>13812345678</v></c><c r="B3" t="b"><v>1</v></c><c r="C3" t="e"><v>#N/A</v></c><c r="D3" t="d"><v>2025-10-01T10:00:00</v></c><c r="E3" s="3"><v>1.25</v></c><c r="F3"><v>1E+308</v></c><c r="G3"><v>-0</v></c></row><row r="4"><c r="XFD4"><v>1</v></c><c r="A4" s="1"><v>2958465.9999</v></c><c r="B4" s="2"><v>-1</v></c></row></sheetData></worksheet>"#;
const CELL_KINDS_STRINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2"><si><t xml:space="preserve"> 站点名称 </t></si><si><r><t>临江</t></r><r><t>机房</t></r></si></sst>"#;
const CELL_KINDS_STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="46" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

fn sheets<T: Sheet>(file: &str, name: &str) {
    let csv = std::fs::read(root().join("examples").join(file)).unwrap();
    put("import_csv", &format!("{name}.csv"), &csv);
    let records = read::<T>(Format::Csv, &csv).unwrap().into_records();
    for (lang, tag) in [(HeaderLang::Chinese, "zh"), (HeaderLang::English, "en")] {
        let xlsx = write(Format::Xlsx, &records, lang).unwrap();
        // The workbook carries its creation time: keep a seed whose sheet has not changed.
        let file = format!("{name}-{tag}.xlsx");
        let old = std::fs::read(
            root()
                .join("fuzz/corpus/import_xlsx")
                .join(format!("seed-{file}")),
        );
        if old.map_or(true, |old| xml_parts(&old) != xml_parts(&xlsx)) {
            put("import_xlsx", &file, &xlsx);
        }
        put(
            "import_xlsx_xml",
            &format!("{name}-{tag}.xml"),
            xml_parts(&xlsx),
        );
    }
}

fn json<T: serde::Serialize>(name: &str, value: &T) {
    put(
        "json_bodies",
        &format!("{name}.json"),
        serde_json::to_vec_pretty(value).unwrap(),
    );
}

fn main() {
    sheets::<CustomerInput>("customers.csv", "customers");
    sheets::<CircuitInput>("circuits.csv", "circuits");
    sheets::<SiteInput>("sites.csv", "sites");
    sheets::<ElementInput>("elements.csv", "elements");
    sheets::<StaffInput>("staff.csv", "staff");
    put(
        "import_xlsx_xml",
        "cell-kinds.xml",
        [CELL_KINDS_SHEET, CELL_KINDS_STRINGS, CELL_KINDS_STYLES].join("\0"),
    );
    let en = std::fs::read(root().join("examples/circuits-en.csv")).unwrap();
    put("import_csv", "circuits-en.csv", &en);
    // Excel in China saves GBK: the GB18030 branch of the reader.
    let text = std::fs::read_to_string(root().join("examples/customers.csv")).unwrap();
    let text = text.trim_start_matches('\u{feff}');
    let (gbk, _, bad) = encoding_rs::GB18030.encode(text);
    assert!(!bad);
    put("import_csv", "customers-gbk.csv", &*gbk);

    let demo = Demo::new(1);
    json("region", &demo.regions()[0]);
    json("contractor", &demo.contractors()[0]);
    json("site", &demo.site(0));
    json("element", &demo.element(0));
    json("customer", &demo.customer(0));
    json("circuit", &demo.circuit(0));
    json("staff", &demo.staff(0));
    json("instrument", &demo.instruments()[0]);
    json("vehicle", &demo.vehicles()[0]);
    let hops = demo.circuit(0).path.unwrap_or_default();
    json("hops", &hops);
    put(
        "json_bodies",
        "order.json",
        r#"{"kind": "故障", "title": "gold 专线中断", "circuit_codes": ["GZ-IL-0000001"],
"failed_hop": 1, "alarms": [{"alarm_id": "ALM-9", "transmission": true, "text": "R_LOS",
"raised_at": "2025-10-01T09:59:00+08:00"}], "occurred_at": "2025-10-01T10:00:00+08:00",
"grade": "gold", "business_type": "data_line", "lead_room": "transport", "actor": "张工"}"#,
    );
    put(
        "json_bodies",
        "event.json",
        r#"{"type": "挂起", "at": "2025-10-01T11:10:00+08:00", "reason": "客户机房无法进入",
"approved_by": "李经理", "actor": "张工", "note": "ok", "data": {"on_site": {"cause": "光缆中断"}}}"#,
    );
    put(
        "json_bodies",
        "event-reassign.json",
        r#"{"type": "reassigned", "contractor_code": "CT02", "lead_room": "service_support"}"#,
    );

    for (i, path) in [
        "GZ-OLT-000038 > [FIB-000033;enterprise_access;CT01] > GZ-ONU-000080 > GZ-RT-000085",
        "A-1 > [段落1;汇聚;CT01] > B-2",
        "OLT-0001",
    ]
    .iter()
    .enumerate()
    {
        put("path_notation", &format!("{i}.txt"), path);
    }

    let policy = std::fs::read(root().join("examples/sla-policy.toml")).unwrap();
    put("policy_toml", "sla-policy.toml", &policy);
    put(
        "policy_toml",
        "custom.toml",
        r#"version = 3
valid_from = "2026-01-01T00:00:00+08:00"
time_zone = "+05:30"
[calendars.night]
open = "20:00"
close = "24:00"
days = "every-day"
[[rule]]
kind = "投诉"
observation = "1h30m"
escalation = { after = "1h", clock = "reply", update_every = "1h", kind = "joint_handling" }
clocks = [
  { name = "reply", limit = "2wd", start = "accepted", stop = "replied", calendar = "cn-workday" },
  { name = "first_contact", limit = "30m", start = "dispatched", stop = "customer_contacted", warning = 0.5, calendar = "night" },
]
"#,
    );

    for year in ["2025", "2026"] {
        let text =
            std::fs::read(root().join(format!("crates/jike-domain/data/cn-workdays-{year}.toml")))
                .unwrap();
        put("calendar_toml", &format!("cn-workdays-{year}.toml"), &text);
    }
    put(
        "calendar_toml",
        "small.toml",
        b"year = 2027\nholidays = [\"2027-01-01\"]\nmake_up_workdays = [\"2027-01-09\"]\n",
    );

    put(
        "sla_evaluate",
        "gold-fault.json",
        r#"{
  "order": {"kind": "fault", "grade": "gold", "business_type": "data_line"},
  "events": [
    {"type": "occurred", "at": "2025-10-01T10:00:00+08:00"},
    {"type": "dispatched", "at": "2025-10-01T10:02:00+08:00", "by": "监控室"},
    {"type": "accepted", "at": "2025-10-01T10:08:00+08:00"},
    {"type": "customer_contacted", "at": "2025-10-01T10:20:00+08:00"},
    {"type": "suspended", "at": "2025-10-01T10:30:00+08:00", "reason": "客户拒绝进场", "approved_by": "张主任"},
    {"type": "resumed", "at": "2025-10-01T11:00:00+08:00"},
    {"type": "on_site", "at": "2025-10-01T11:40:00+08:00"},
    {"type": "restored", "at": "2025-10-01T14:30:00+08:00"},
    {"type": "confirmed", "at": "2025-10-01T15:30:00+08:00"},
    {"type": "closed", "at": "2025-10-01T16:00:00+08:00"}
  ]
}"#,
    );
    put(
        "sla_evaluate",
        "complaint.json",
        r#"{"order": {"kind": "complaint", "grade": "铜牌"},
 "events": [{"type": "occurred", "at": "2026-02-13T17:00:00+08:00"},
            {"type": "派单", "at": "2026-02-13T17:10:00+08:00"}]}"#,
    );
    put(
        "sla_evaluate",
        "suspended.json",
        r#"{"order": {"kind": "handover", "grade": "standard", "business_type": ""},
 "events": [{"type": "dispatched", "at": "2025-09-30T23:59:59+08:00"},
            {"type": "accepted", "at": "2025-10-01T00:00:00Z"},
            {"type": "suspended", "at": "2025-10-08T10:00:00+08:00", "reason": "x", "approved_by": "y"}]}"#,
    );
    println!(
        "seeds written under {}",
        root().join("fuzz/corpus").display()
    );
}
