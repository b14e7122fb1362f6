//! Writes synthetic configurations for timing `jike lint-config` (README, "Configuration
//! compliance"): `cargo run --release -p jike-lint --example gen_configs -- DIR [COUNT] [LINES]`
//! writes COUNT files (default 10,000) of about LINES lines (default 2,000), the three vendors in
//! turn, into DIR.

use jike_lint::{synth, Vendor};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("usage: gen_configs DIR [COUNT] [LINES]");
        std::process::exit(2);
    };
    let count: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let lines: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(2_000);
    std::fs::create_dir_all(dir).expect("the folder can be created");
    let mut bytes = 0;
    for i in 0..count {
        let vendor = [Vendor::Huawei, Vendor::H3c, Vendor::Cisco][(i % 3) as usize];
        let text = synth::config(vendor, i, lines);
        bytes += text.len();
        std::fs::write(format!("{dir}/{}-{i:05}.cfg", vendor.as_str()), text)
            .expect("the file can be written");
    }
    eprintln!("{count} files, {:.1} MB", bytes as f64 / 1e6);
}
