//! Quote computation: the decay update plus an exact-in and an exact-out quote,
//! what a swap costs before it touches state. Target (issue 4): ≥ 2,000,000/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use greenhour_market::math::{amount_in, amount_out, decayed_virtual_quote, WAD};
use std::hint::black_box;

fn quotes(c: &mut Criterion) {
    let mut group = c.benchmark_group("quote");
    group.throughput(Throughput::Elements(1));
    group.bench_function("exact_in", |b| {
        b.iter(|| amount_out(black_box(3 * WAD), black_box(1_000 * WAD), black_box(400 * WAD), 3_000))
    });
    group.bench_function("exact_out", |b| {
        b.iter(|| amount_in(black_box(2 * WAD), black_box(1_000 * WAD), black_box(400 * WAD), 3_000))
    });
    group.bench_function("decay_then_exact_in", |b| {
        b.iter(|| {
            let v = decayed_virtual_quote(black_box(1_000 * WAD), black_box(400 * WAD), WAD, black_box(1_234), 3_600)?;
            amount_out(black_box(3 * WAD), v, black_box(400 * WAD), 3_000)
        })
    });
    group.finish();
}

criterion_group!(benches, quotes);
criterion_main!(benches);
