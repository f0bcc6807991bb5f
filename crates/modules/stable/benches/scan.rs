//! The liquidation scan over 100,000 GHR vaults in one block
//! (`query::liquidatable`: the branch's parameters, totals and price read once,
//! then every vault in redemption order read, brought up to date and judged).
//! Target (issue 20, as for lending's scan): ≤ 100 ms.

use criterion::{criterion_group, criterion_main, Criterion};
use greenhour_framework::Module;
use greenhour_oracle::Oracle;
use greenhour_primitives::{Address, Denom};
use greenhour_stable::math::WAD;
use greenhour_stable::{Branch, Stable, StableGenesis, Vault, VaultId};
use greenhour_state::BlockOverlay;
use std::collections::BTreeMap;

const NOW: u64 = 1_767_225_600;
const VAULTS: u64 = 100_000;

/// 100,000 vaults of 1,000 GHR owing 300 gUSD each (rates spread over 1–10 %);
/// the feed says 0.5 gUSD per GHR when `healthy` (167 %), else 0.4 (133 %: every
/// vault below the 150 % minimum, the scan's worst case).
fn state(healthy: bool) -> BlockOverlay<BTreeMap<Vec<u8>, Vec<u8>>> {
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let price = if healthy { WAD / 2 } else { WAD * 4 / 10 } as i128;
    let oracle = greenhour_testkit::prices::oracle_with_price("ghr.gusd", price, NOW);
    Oracle::init_genesis(&mut block, &oracle).unwrap();
    let (collateral, debt) = (1_000_000_000u128, 300_000_000u128);
    let vaults: Vec<Vault> = (1..=VAULTS)
        .map(|i| {
            let mut owner = [0u8; 20];
            owner[..8].copy_from_slice(&i.to_be_bytes());
            Vault {
                id: VaultId(i),
                owner: Address(owner),
                denom: Denom::ghr(),
                collateral,
                debt,
                rate_bps: 100 + (i % 10) as u32 * 100,
                last_touched: NOW - 3_600,
                stake: collateral,
                collateral_snapshot: 0,
                debt_snapshot: 0,
            }
        })
        .collect();
    let n = VAULTS as u128;
    let branch = Branch {
        collateral: n * collateral,
        debt: n * debt,
        stakes: n * collateral,
        vaults: VAULTS,
        ..Default::default()
    };
    let genesis =
        StableGenesis { legacy_supply: Some(0), vaults, branches: vec![(Denom::ghr(), branch)], ..Default::default() };
    Stable::init_genesis(&mut block, &genesis).unwrap();
    block
}

fn scan(c: &mut Criterion) {
    let mut group = c.benchmark_group("stable");
    group.sample_size(10);
    let unhealthy = state(false);
    group.bench_function("liquidation_scan_100k_vaults_all_due", |b| {
        b.iter(|| {
            let due = greenhour_stable::query::liquidatable(&unhealthy, &Denom::ghr(), NOW, usize::MAX).unwrap();
            assert_eq!(due.len(), VAULTS as usize);
        })
    });
    let healthy = state(true);
    group.bench_function("liquidation_scan_100k_vaults_none_due", |b| {
        b.iter(|| {
            let due = greenhour_stable::query::liquidatable(&healthy, &Denom::ghr(), NOW, usize::MAX).unwrap();
            assert!(due.is_empty());
        })
    });
    group.finish();
}

criterion_group!(benches, scan);
criterion_main!(benches);
