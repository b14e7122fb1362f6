//! Throughput of parsing and checking one configuration on one core (MB/s): `cargo bench -p
//! jike-lint`. The configurations are the synthetic ones of `jike_lint::synth` (2,000 lines,
//! three vendors), checked with every rule on at role aggregation.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jike_lint::{check_device, synth, LintConfig, Role, Vendor};
use std::hint::black_box;

fn lint(c: &mut Criterion) {
    let cfg = LintConfig::default();
    let mut group = c.benchmark_group("lint");
    for vendor in [Vendor::Huawei, Vendor::H3c, Vendor::Cisco] {
        let text = synth::config(vendor, 7, 2_000);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(vendor.as_str(), |b| {
            b.iter(|| {
                black_box(check_device(
                    black_box(&text),
                    None,
                    Role::Aggregation,
                    &cfg,
                ))
            })
        });
    }
    group.finish();
}

criterion_group!(benches, lint);
criterion_main!(benches);
