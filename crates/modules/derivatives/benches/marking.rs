//! Marking and margin for 100,000 open positions — target (issue 22): ≤ 100 ms
//! per block. 50,000 accounts each hold a perpetual and a future on the home
//! index (100,000 positions, half long, half short).
//! - `hourly_mark_100k_positions`: the block that opens an hour: every series is
//!   marked to the index and the perpetual's funding accrues. It reads series,
//!   not positions, so it costs the same for any number of positions.
//! - `margin_check_100k_positions`: the full portfolio margin (a grid of nine
//!   index moves) of every account: the `derivatives_liquidatable` read a
//!   liquidator runs (the chain itself never sweeps accounts).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use greenhour_bank::{Bank, BankGenesis, GenesisBalance};
use greenhour_derivatives::genesis::{DerivativesGenesis, GenesisAccount, GenesisPosition};
use greenhour_derivatives::state::Registry;
use greenhour_derivatives::{Account, Derivatives, Instrument, Position, Series};
use greenhour_framework::{BlockCtx, Module};
use greenhour_index::{Index, IndexGenesis};
use greenhour_primitives::{Address, ChainId, Coin, Denom, Hash};
use greenhour_state::BlockOverlay;
use std::collections::BTreeMap;

const HOUR: u64 = 3_600;
const NOW: u64 = 1_767_225_600;
const ACCOUNTS: u64 = 50_000;
const MARK: u128 = 500_000;

fn owner(i: u64) -> Address {
    let mut a = [0u8; 20];
    a[..8].copy_from_slice(&i.to_be_bytes());
    a[8] = 7;
    Address(a)
}

fn series(id: u64, instrument: Instrument) -> Series {
    Series {
        id,
        instrument,
        listed_by: owner(0),
        listed_at: NOW - HOUR,
        mark: Some(MARK),
        mark_hour: NOW / HOUR - 1,
        stale: false,
        funding_index: 0,
        funding_rate: 0,
        fill_hour: NOW / HOUR - 1,
        hour_contracts: 10,
        hour_notional: 10 * (MARK + 2_000),
        open_interest: ACCOUNTS as u128 / 2 * 10 * 2,
        volume: 0,
        last_price: None,
        settlement: None,
        settled_on_fallback: false,
    }
}

fn state() -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let day = NOW / 86_400 + 1;
    let mut s = vec![
        series(1, Instrument::Perp { class: "home".into() }),
        series(2, Instrument::Future { class: "home".into(), day }),
    ];
    s[0].open_interest = ACCOUNTS as u128 / 2 * 20;
    s[1].open_interest = ACCOUNTS as u128 / 2 * 10;
    let mut accounts = Vec::new();
    let mut positions = Vec::new();
    let cash = 100_000_000i128;
    for i in 0..ACCOUNTS {
        let sign = if i % 2 == 0 { 1 } else { -1 };
        accounts.push(GenesisAccount { owner: owner(i), account: Account { cash, orders: 0 } });
        for (series, qty) in [(1u64, 20i128), (2, 10)] {
            let position = Position { qty: sign * qty, cost: sign * qty * MARK as i128, funding_snapshot: 0 };
            positions.push(GenesisPosition { owner: owner(i), series, position });
        }
    }
    let genesis = DerivativesGenesis {
        registry: Registry { next_series: 3, next_order: 1, live_series: 2, marked_hour: NOW / HOUR - 1 },
        series: s,
        accounts,
        positions,
        ..DerivativesGenesis::default()
    };
    let bank = BankGenesis {
        balances: vec![GenesisBalance {
            address: greenhour_derivatives::api::account(),
            coins: vec![Coin::new(Denom::gusd(), cash as u128 * u128::from(ACCOUNTS))],
        }],
        ..BankGenesis::default()
    };
    Bank::init_genesis(&mut block, &bank).unwrap();
    Index::init_genesis(&mut block, &IndexGenesis::default()).unwrap();
    let slot: Denom = format!("slot/home/{}", NOW / HOUR).parse().unwrap();
    greenhour_index::api::record_fill(&mut block, "home", &slot, &Denom::gusd(), 4, 4 * MARK, NOW).unwrap();
    Derivatives::init_genesis(&mut block, &genesis).unwrap();
    Derivatives::check_invariants(&block).unwrap();
    block.into_changes().into_iter().map(|(k, v)| (k, v.unwrap())).collect()
}

fn bench(c: &mut Criterion) {
    let base = state();
    let ctx = BlockCtx {
        chain_id: ChainId::new("bench").unwrap(),
        height: 2,
        time: NOW + 60,
        beacon: Hash::digest(b"bench"),
        last_commit_signers: None,
    };
    let mut group = c.benchmark_group("derivatives");
    group.sample_size(10);
    group.bench_function("hourly_mark_100k_positions", |b| {
        b.iter_batched(
            || BlockOverlay::new(base.clone()),
            |mut block| {
                Derivatives::begin_block(&mut block, &ctx).unwrap();
                let perp = greenhour_derivatives::state::series(&block, 1).unwrap();
                assert!(perp.funding_rate > 0, "the perpetual traded rich: longs pay");
                block
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("margin_check_100k_positions", |b| {
        b.iter(|| {
            let short = greenhour_derivatives::query::liquidatable(&base).unwrap();
            assert!(short.is_empty(), "every account holds its margin");
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
