//! How fast circuits are read from CSV and .xlsx: `cargo bench -p jike-sheets`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use jike_demo::Demo;
use jike_domain::CircuitInput;
use jike_sheets::{read, write, Format, HeaderLang, ZipLimits};

fn circuits(n: usize) -> Vec<CircuitInput> {
    let demo = Demo::new((n / 3000 + 1) as u32);
    (0..n).map(|i| demo.circuit(i)).collect()
}

fn reading(c: &mut Criterion) {
    let records = circuits(100_000);
    let mut group = c.benchmark_group("read 100k circuits");
    group.sample_size(10);
    group.throughput(Throughput::Elements(records.len() as u64));
    for format in [Format::Csv, Format::Xlsx] {
        let bytes = write(format, &records, HeaderLang::Chinese).unwrap();
        group.bench_function(format.to_string(), |b| {
            b.iter(|| read::<CircuitInput>(format, &bytes).unwrap())
        });
        if format == Format::Xlsx {
            // The zip-bomb check alone, which the xlsx read above includes: its share of a read.
            group.bench_function("xlsx zip check", |b| {
                b.iter(|| assert!(ZipLimits::DEFAULT.admits(&bytes)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, reading);
criterion_main!(benches);
