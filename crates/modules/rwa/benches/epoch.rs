//! One epoch's execution with 10,000 open orders over 10 tranches (half
//! subscriptions, half redemptions: every order read, filled, its holding and the
//! payment written) — target (issue 21): ≤ 50 ms — and one payout to a tranche of
//! 100,000 holders, which costs O(1) by lazy per-unit accounting.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use greenhour_bank::{Bank, BankGenesis, GenesisBalance};
use greenhour_devices::DeviceClass;
use greenhour_framework::{BlockCtx, Module};
use greenhour_primitives::{Address, ChainId, Coin, Denom, Hash};
use greenhour_rwa::genesis::{PackageRecord, RwaGenesis};
use greenhour_rwa::{
    Holding, Identity, Order, Package, PackageBook, PackageId, Rules, Rwa, RwaParams, Tranche, TrancheTerms,
};
use greenhour_state::BlockOverlay;
use std::collections::BTreeMap;

const NOW: u64 = 1_767_225_600;
const TRANCHES: u32 = 10;

fn address(i: u64) -> Address {
    let mut a = [0u8; 20];
    a[..8].copy_from_slice(&i.to_be_bytes());
    a[8] = 7;
    Address(a)
}

/// A package of 10 tranches (nine with 2 % subordination each, the residual), no
/// assets (its value is its reserve), `per_tranche` investors per tranche each with
/// an order of 1 gUSD to invest and 1 gUSD of units to redeem, `holders` more
/// holders of the senior, and `income` gUSD waiting in the custody; returns the
/// committed state.
fn state(per_tranche: u64, holders: u64, income: u128) -> BTreeMap<Vec<u8>, Vec<u8>> {
    let issuer = address(u64::MAX);
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let gusd = 1_000_000u128;
    let investors: Vec<Address> = (0..per_tranche).map(address).collect();
    let mut tranches = Vec::new();
    let mut holdings = Vec::new();
    let mut orders = Vec::new();
    for t in 0..TRANCHES {
        let mut units = 0;
        for a in &investors {
            holdings.push((t, *a, Holding { units: gusd, ..Holding::default() }));
            orders.push((t, *a, Order { invest: gusd, redeem: gusd }));
            units += 2 * gusd;
        }
        if t == 0 {
            for i in 0..holders {
                holdings.push((t, address(1_000_000 + i), Holding { units: gusd, ..Holding::default() }));
                units += gusd;
            }
        }
        let n = u128::from(per_tranche);
        let holders = if t == 0 { per_tranche + holders } else { per_tranche } as u32;
        let principal = if t + 1 < TRANCHES { units } else { 0 };
        tranches.push(Tranche {
            units,
            principal,
            accrued_at: NOW,
            holders,
            pending_invest: n * gusd,
            pending_redeem: n * gusd,
            orders: per_tranche as u32,
            ..Tranche::default()
        });
    }
    let reserve: u128 = tranches.iter().map(|t| t.units).sum::<u128>() * 2;
    let pending: u128 = tranches.iter().map(|t| t.pending_invest).sum();
    let mut terms: Vec<TrancheTerms> = (0..TRANCHES - 1)
        .map(|i| TrancheTerms { name: format!("t{i}"), coupon_bps: 500, min_subordination_bps: 200 })
        .collect();
    terms.push(TrancheTerms { name: "residual".into(), coupon_bps: 0, min_subordination_bps: 0 });
    let package = Package {
        id: PackageId(1),
        issuer,
        name: "bench".into(),
        legal_name: "Bench SPV".into(),
        jurisdiction: "SG".into(),
        documents: vec![Hash([1; 32])],
        class: DeviceClass::Home,
        tranches: terms,
        rules: Rules::default(),
        epoch_secs: 3_600,
        fee_bps: 100,
        maturity: NOW + 86_400 * 365,
        created_at: NOW,
        assets: vec![],
    };
    let rwa = RwaGenesis {
        params: RwaParams { claim_issuers: vec![issuer], ..RwaParams::default() },
        identities: investors
            .iter()
            .map(|a| (*a, Identity { issuer, jurisdiction: "SG".into(), accredited: true, expires_at: NOW * 2 }))
            .collect(),
        packages: vec![PackageRecord {
            package,
            book: PackageBook { reserve, epoch: 1, epoch_started: NOW, ..PackageBook::default() },
            tranches,
            holdings,
            orders,
            frozen: vec![],
            flows: vec![],
            epochs: vec![],
            offers: vec![],
        }],
        swept_hour: Some(NOW / 3_600 + 1),
        next_offer: None,
    };
    let bank = BankGenesis {
        balances: vec![
            GenesisBalance {
                address: greenhour_rwa::api::account(),
                coins: vec![Coin::new(Denom::gusd(), reserve + pending)],
            },
            GenesisBalance {
                address: greenhour_rwa::api::custody(PackageId(1)),
                coins: vec![Coin::new(Denom::gusd(), income.max(1))],
            },
        ],
        ..BankGenesis::default()
    };
    Bank::init_genesis(&mut block, &bank).unwrap();
    Rwa::init_genesis(&mut block, &rwa).unwrap();
    Rwa::check_invariants(&block).unwrap();
    block.into_changes().into_iter().map(|(k, v)| (k, v.expect("genesis writes values"))).collect()
}

fn ctx() -> BlockCtx {
    BlockCtx {
        chain_id: ChainId::new("rwa-bench").unwrap(),
        height: 2,
        time: NOW + 3_600,
        beacon: Hash::digest(b"bench"),
        last_commit_signers: None,
    }
}

fn epoch(c: &mut Criterion) {
    let mut group = c.benchmark_group("rwa");
    group.sample_size(10);
    let base = state(500, 0, 0);
    group.bench_function("epoch_10k_orders_10_tranches", |b| {
        b.iter_batched(
            || BlockOverlay::new(base.clone()),
            |mut block| {
                Rwa::end_block(&mut block, &ctx()).unwrap();
                assert!(block.changes().len() > 10_000, "every order filled");
                // Returned, so dropping the state is not timed.
                block
            },
            BatchSize::LargeInput,
        )
    });
    // One hour's income paid to a tranche of 100,000 holders: the sweep writes the
    // tranche's accumulator, not the holdings.
    let base = state(0, 100_000, 50_000_000);
    group.bench_function("payout_to_100k_holders", |b| {
        b.iter_batched(
            || BlockOverlay::new(base.clone()),
            |mut block| {
                let mut ctx = ctx();
                ctx.time += 3_600;
                Rwa::end_block(&mut block, &ctx).unwrap();
                let events = greenhour_rwa::RwaEvent::all_in(&block.take_events());
                assert!(
                    events.iter().any(|e| matches!(e, greenhour_rwa::RwaEvent::Income { coupons, .. } if *coupons > 0)),
                    "a coupon paid: {events:?}"
                );
                assert!(block.changes().len() < 100, "O(1) in the holders: {} writes", block.changes().len());
                block
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, epoch);
criterion_main!(benches);
