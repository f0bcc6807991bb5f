//! Cost of one block's state commit (JMT update + redb write) as a function of
//! changed keys and of total state size. The claim under test: the cost grows
//! with the number of changed keys, not with the number of accounts.
//!
//! `cargo bench -p greenhour-state --bench commit`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use greenhour_state::{Changes, Store, StoreConfig};
use std::time::Duration;

fn key(i: u64) -> Vec<u8> {
    // Shaped like a balance key: a prefix and a hash-spread account id.
    let spread = greenhour_primitives::Hash::digest(i.to_le_bytes());
    format!("bank/balance/{}/ughr", hex::encode(&spread.0[..20])).into_bytes()
}

fn populate(store: &Store, accounts: u64) -> u64 {
    let mut version = 0;
    let chunk = 100_000;
    let mut start = 0;
    while start < accounts {
        let changes: Changes =
            (start..(start + chunk).min(accounts)).map(|i| (key(i), Some(i.to_le_bytes().to_vec()))).collect();
        store.commit(version, &changes, &[]).unwrap();
        version += 1;
        start += chunk;
    }
    version
}

fn bench_commit(c: &mut Criterion) {
    let mut group = c.benchmark_group("state::commit");
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    for accounts in [10_000u64, 1_000_000] {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("bench.redb"), &StoreConfig::default()).unwrap();
        let mut version = populate(&store, accounts);
        for changed in [1_000u64, 10_000] {
            let mut round = 0u64;
            group.bench_with_input(
                BenchmarkId::new(format!("accounts={accounts}"), format!("changed={changed}")),
                &changed,
                |b, &changed| {
                    b.iter(|| {
                        // A different, spread-out subset of existing keys each block.
                        let changes: Changes = (0..changed)
                            .map(|j| {
                                let i = (j * 7_919 + round * 104_729) % accounts;
                                (key(i), Some((round + j).to_le_bytes().to_vec()))
                            })
                            .collect();
                        store.commit(version, &changes, &[]).unwrap();
                        version += 1;
                        round += 1;
                    })
                },
            );
        }
    }
    group.finish();
}

criterion_group!(benches, bench_commit);
criterion_main!(benches);
