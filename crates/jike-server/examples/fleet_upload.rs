//! What an upload costs when R-CF2 compares it with every element of its role: loads the demo's
//! inventory at `SCALE` (without circuits) into a scratch SQLite file, uploads one aggregation
//! configuration per element (every tenth with other NTP servers), and prints the time per
//! upload as the group grows, then for uploads of changed and of unchanged configurations into
//! the full group.
//!
//! `cargo run --release -p jike-server --example fleet_upload -- [SCALE]`

use std::time::Instant;

use jike_lint::{LintConfig, Role};
use jike_store::configs::lint::{check, compare_fleet};
use jike_store::{Caller, Elements, FleetCheck, FleetDevice, ListParams, Store};

const CONFIG: &str = "#\nsysname NE\n#\nclock timezone BJ add 08:00:00\n#\nntp-service unicast-server 10.255.0.1\nntp-service unicast-server 10.255.0.2\n#\ninfo-center loghost 10.255.1.10\n#\ninterface GigabitEthernet0/0/1\n description to-core\n#\nreturn\n";

#[tokio::main]
async fn main() {
    let scale: u32 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let dir = std::env::temp_dir().join(format!("jike-fleet-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(&format!("sqlite://{}/fleet.db", dir.display()))
        .await
        .unwrap();
    let demo = jike_demo::Demo::new(scale);
    store
        .load_demo_without_circuits(&demo, |_, _| {})
        .await
        .unwrap();
    let mut ids = Vec::new();
    let mut cursor = None;
    loop {
        let page = store
            .system()
            .list::<Elements>(&ListParams {
                limit: Some(1000),
                cursor,
                ..Default::default()
            })
            .await
            .unwrap();
        ids.extend(page.items.iter().map(|e| e.id));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let cfg = LintConfig::default();
    let compare = |role: &str, devices: &[FleetDevice]| compare_fleet(role, devices, &cfg);
    let fleet = FleetCheck {
        rule: "CF2-inconsistent",
        compare: &compare,
    };
    let admin = Caller::system("bench");
    let odd = CONFIG.replace("10.255.0.2", "10.9.9.9");
    let upload = |i: usize, text: &str| {
        check(
            &format!("NE-{i}.cfg"),
            text.to_string(),
            None,
            Role::Aggregation,
            &cfg,
        )
    };
    println!("{} elements", ids.len());
    let mut window = Instant::now();
    for (i, id) in ids.iter().enumerate() {
        let text = if i % 10 == 9 { &odd } else { CONFIG };
        store
            .scoped(&admin)
            .config_upload(*id, &upload(i, text), &fleet)
            .await
            .unwrap();
        if (i + 1) % 1000 == 0 || i + 1 == ids.len() {
            let n = (i % 1000) + 1;
            println!(
                "uploads {:>6}: {:.2} ms each (group of {} at the end)",
                i + 1,
                window.elapsed().as_secs_f64() * 1000.0 / n as f64,
                i + 1
            );
            window = Instant::now();
        }
    }
    for (what, text) in [("changed", &odd), ("unchanged", &odd)] {
        let start = Instant::now();
        for i in 0..100 {
            store
                .scoped(&admin)
                .config_upload(ids[i * 7 % ids.len()], &upload(i, text), &fleet)
                .await
                .unwrap();
        }
        println!(
            "{what} configuration into the full group: {:.2} ms each",
            start.elapsed().as_secs_f64() * 1000.0 / 100.0
        );
    }
    let overview = store.scoped(&admin).config_overview().await.unwrap();
    println!("{:?}", overview.rules);
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
