//! Issue 7 targets: verifying one header with its commit certificate (4 and 100
//! validators, all signing) and one JMT proof, each ≤ 1 ms.

#[path = "../tests/common.rs"]
mod common;

use common::*;
use criterion::{criterion_group, criterion_main, Criterion};
use greenhour_light::LightClient;

fn header_and_certificate(c: &mut Criterion) {
    let mut group = c.benchmark_group("light");
    for n in [4usize, 100] {
        let k = keys("v", n);
        let s = set(&k, &vec![10; n]);
        let g = genesis(&s);
        let client = LightClient::new(chain(), &g, s.clone()).unwrap();
        let h1 = next(&g, &s, &s, b"1");
        let signers: Vec<_> = k.iter().collect();
        let cert = certify(&h1, &signers);
        group.bench_function(format!("header_and_certificate_{n}_validators"), |b| {
            b.iter(|| {
                let mut c = client.clone();
                c.verify_next(&h1, &cert, None).unwrap();
                c
            })
        });
    }
    let dir = tempfile::tempdir().unwrap();
    let store =
        greenhour_state::Store::open(&dir.path().join("s.redb"), &greenhour_state::StoreConfig::default()).unwrap();
    // A tree of 100,000 keys: a proof about as deep as a busy chain's.
    let mut changes = greenhour_state::Changes::new();
    for i in 0..100_000u64 {
        changes.insert(format!("devices/device/{i:020}").into_bytes(), Some(i.to_le_bytes().to_vec()));
    }
    let prepared = store.prepare(0, &changes).unwrap();
    let root = prepared.root;
    store.write(prepared, &changes, &[]).unwrap();
    let proof = store.prove(format!("devices/device/{:020}", 4_242).as_bytes(), 0).unwrap();
    group.bench_function("jmt_proof_100k_keys", |b| {
        b.iter(|| greenhour_light::verify_proof(&root, &proof.key, proof.value.as_deref(), &proof.proof).unwrap())
    });
    group.finish();
}

criterion_group!(benches, header_and_certificate);
criterion_main!(benches);
