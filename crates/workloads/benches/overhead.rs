//! WASM execution overhead: each example workload metered (wire.md §9) and run
//! by wasmi, metering included, versus the same computation in native Rust.

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

/// The worst on-chain re-execution a job can ask for: a Mandelbrot tile that runs
/// until the chain's largest fuel allowance (200,000,000) is spent.
fn max_fuel(c: &mut Criterion) {
    let e = greenhour_workloads::examples::Example::by_name("mandelbrot").unwrap();
    let wasm = e.wasm();
    let tile = greenhour_workloads::examples::Tile {
        x0: -2 << 24,
        y0: -(3 << 23),
        step: 3 << 17,
        width: 128,
        height: 128,
        max_iter: 10_000,
    };
    let input = tile.encode();
    let limits = Limits { fuel: 200_000_000, ..Limits::default() };
    let mut group = c.benchmark_group("reexecution");
    group.sample_size(10);
    group.bench_function("mandelbrot_to_200M_fuel", |b| {
        b.iter(|| assert!(run(black_box(&wasm), black_box(&input), &limits).is_err(), "runs out of fuel"))
    });
    group.finish();
}

criterion_group!(benches, overhead, max_fuel);
criterion_main!(benches);
