//! ed25519 verification rate: the floor cost of a signed transaction.
//!
//! `cargo bench -p greenhour-crypto --bench verify`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use greenhour_crypto::{verify_batch, Domain, PublicKey, SecretKey, Signature, SignedMessage};
use greenhour_primitives::ChainId;

fn bench_verify(c: &mut Criterion) {
    let chain = ChainId::new("greenhour-bench").unwrap();
    let n = 4_096;
    let keys: Vec<SecretKey> = (0..n).map(|i| SecretKey::from_name(&format!("k{i}"))).collect();
    let msgs: Vec<Vec<u8>> = (0..n).map(|i: usize| i.to_le_bytes().repeat(16)).collect();
    let pks: Vec<PublicKey> = keys.iter().map(|k| k.public_key()).collect();
    let sigs: Vec<Signature> = keys.iter().zip(&msgs).map(|(k, m)| k.sign(Domain::Tx, &chain, m)).collect();
    let items: Vec<SignedMessage> =
        (0..n).map(|i| SignedMessage { public_key: &pks[i], message: &msgs[i], signature: &sigs[i] }).collect();

    let mut group = c.benchmark_group("crypto::verify");
    group.sample_size(20);
    group.throughput(Throughput::Elements(1));
    group.bench_function("single", |b| b.iter(|| pks[0].verify(Domain::Tx, &chain, &msgs[0], &sigs[0]).unwrap()));
    group.throughput(Throughput::Elements(n as u64));
    for threads in [1usize, 2] {
        group.bench_with_input(BenchmarkId::new("batch", format!("n={n}/threads={threads}")), &threads, |b, &t| {
            b.iter(|| assert!(verify_batch(Domain::Tx, &chain, &items, t).iter().all(|r| r.is_ok())))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_verify);
criterion_main!(benches);
