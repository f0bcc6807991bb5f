//! The health check and liquidation scan over 100,000 borrowers of one market in
//! one block (`query::liquidatable`: each position read, its debt and its
//! collateral valued at the feed price). Target (issue 20): ≤ 100 ms. Also the
//! O(1) accrual step and one liquidation's state work.

use criterion::{criterion_group, criterion_main, Criterion};
use greenhour_framework::Module;
use greenhour_lending::genesis::{MarketRecord, PositionRecord};
use greenhour_lending::math::WAD;
use greenhour_lending::{Collateral, Lending, LendingGenesis, LendingParams, Market, MarketId, MarketTotals, Position};
use greenhour_oracle::Oracle;
use greenhour_primitives::{Address, Denom};
use greenhour_state::BlockOverlay;
use std::collections::BTreeMap;

const NOW: u64 = 1_767_225_600;
const BORROWERS: u32 = 100_000;

/// A GHR market where every borrower posted 1,000 GHR and owes 380 gUSD; the
/// feed says 0.5 gUSD per GHR when `healthy`, else 0.45 (every position then
/// unhealthy at 77 % LLTV: the scan's worst case, everything listed).
fn state(healthy: bool) -> BlockOverlay<BTreeMap<Vec<u8>, Vec<u8>>> {
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let price = if healthy { WAD / 2 } else { WAD * 45 / 100 } as i128;
    let oracle = greenhour_testkit::prices::oracle_with_price("ghr.gusd", price, NOW);
    Oracle::init_genesis(&mut block, &oracle).unwrap();
    let id = MarketId(1);
    let debt_shares = 380_000_000u128 * 1_000_000;
    let positions: Vec<PositionRecord> = (0..BORROWERS)
        .map(|i| {
            let mut a = [0u8; 20];
            a[..4].copy_from_slice(&i.to_be_bytes());
            PositionRecord {
                market: id,
                owner: Address(a),
                position: Position { borrow_shares: debt_shares, collateral: 1_000_000_000, ..Default::default() },
            }
        })
        .collect();
    let n = BORROWERS as u128;
    let lending = LendingGenesis {
        params: LendingParams::default(),
        markets: vec![MarketRecord {
            market: Market {
                id,
                loan: Denom::gusd(),
                collateral: Collateral::Token { denom: Denom::ghr(), feed: "ghr.gusd".into() },
                lltv_wad: 77 * WAD / 100,
                creator: Address([2; 20]),
                created_at: NOW,
            },
            totals: MarketTotals {
                supply_assets: n * 1_000_000_000,
                supply_shares: n * 1_000_000_000 * 1_000_000,
                borrow_assets: n * 380_000_000,
                borrow_shares: n * debt_shares,
                last_update: NOW,
                ..Default::default()
            },
        }],
        positions,
        pledges: vec![],
    };
    Lending::init_genesis(&mut block, &lending).unwrap();
    block
}

fn health(c: &mut Criterion) {
    let mut group = c.benchmark_group("lending");
    group.sample_size(10);
    let unhealthy = state(false);
    group.bench_function("liquidation_scan_100k_positions_all_due", |b| {
        b.iter(|| {
            let due = greenhour_lending::query::unhealthy(&unhealthy, MarketId(1), NOW).unwrap();
            assert_eq!(due.len(), BORROWERS as usize);
        })
    });
    let healthy = state(true);
    group.bench_function("health_scan_100k_positions_none_due", |b| {
        b.iter(|| {
            let due = greenhour_lending::query::unhealthy(&healthy, MarketId(1), NOW).unwrap();
            assert!(due.is_empty());
        })
    });
    group.bench_function("liquidatable_rpc_page_of_1000_from_100k", |b| {
        b.iter(|| {
            let page = greenhour_lending::query::liquidatable(&unhealthy, MarketId(1), NOW, 1_000).unwrap();
            assert_eq!(page.len(), 1_000);
        })
    });
    let params = LendingParams::default();
    let totals = MarketTotals {
        supply_assets: 1 << 80,
        supply_shares: 1 << 100,
        borrow_assets: 1 << 79,
        borrow_shares: 1 << 99,
        last_update: NOW,
        rate_at_target_wad: 1_268_391_679,
        bad_debt: 0,
        income_repaid: 0,
    };
    group.bench_function("accrue_one_market", |b| {
        b.iter(|| greenhour_lending::query::accrued(&totals, &params, NOW + 3_600).unwrap())
    });
    group.finish();
}

criterion_group!(benches, health);
criterion_main!(benches);
