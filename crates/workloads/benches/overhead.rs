//! WASM execution overhead: each example workload run by wasmi with fuel
//! metering versus the same computation in native Rust.

use criterion::{criterion_group, criterion_main, Criterion};
use greenhour_workloads::examples::ALL;
use greenhour_workloads::{run, Limits};
use std::hint::black_box;

fn overhead(c: &mut Criterion) {
    for e in ALL {
        let wasm = e.wasm();
        let input = e.demo_input();
        c.bench_function(&format!("{}/wasmi", e.name), |b| {
            b.iter(|| run(black_box(&wasm), black_box(&input), &Limits::default()).unwrap())
        });
        c.bench_function(&format!("{}/native", e.name), |b| b.iter(|| e.native(black_box(&input)).unwrap()));
    }
}

criterion_group!(benches, overhead);
criterion_main!(benches);
