//! The carbon-aware greedy on a day of the simulated fleet: 50 devices × 200
//! jobs (the plan the scheduler submits each block must be cheap; the LP bound
//! it is measured against is solved once, in `greenhour bench scheduler`).

use criterion::{criterion_group, criterion_main, Criterion};
use greenhour_scheduler::{fifo, fleet, greedy};
use std::hint::black_box;

fn schedule(c: &mut Criterion) {
    let sites = fleet::sites().unwrap();
    let problem = fleet::fleet_day(&sites, 50, 200, 7);
    c.bench_function("greedy_50_devices_200_jobs", |b| b.iter(|| greedy(black_box(&problem))));
    c.bench_function("fifo_50_devices_200_jobs", |b| b.iter(|| fifo(black_box(&problem))));
}

criterion_group!(benches, schedule);
criterion_main!(benches);
