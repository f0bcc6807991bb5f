//! Swap execution inside a block: a signed swap's state work (decay update, quote,
//! bank transfers, protocol fee, pool write, event) on one core, each in its own
//! transaction overlay committed into a block overlay. Target (issue 4): ≥ 200,000/s.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use greenhour_bank::{BankGenesis, GenesisBalance, ModuleAccountGenesis, PerishableDenom, Permission};
use greenhour_framework::{Action, BlockCtx, Module, TxCtx};
use greenhour_market::{Exact, Market, MarketAction, MarketGenesis};
use greenhour_primitives::{Address, ChainId, Coin, Denom, Hash};
use greenhour_state::{BlockOverlay, TxOverlay};
use std::collections::BTreeMap;
use std::sync::Arc;

const HOUR: u64 = 500_000;
const NOW: u64 = HOUR * 3_600 - 10 * 86_400; // far from the hour: no decay work

fn ctx(signer: Address) -> TxCtx {
    TxCtx {
        block: BlockCtx {
            chain_id: ChainId::new("bench").unwrap(),
            height: 1,
            time: NOW,
            beacon: Hash::ZERO,
            last_commit_signers: None,
        },
        signer,
        tx_hash: Hash::ZERO,
        signatures: Arc::new(Default::default()),
    }
}

fn swaps(c: &mut Criterion) {
    let slot = Denom::new(format!("slot/home/{HOUR}")).unwrap();
    let trader = Address([7; 20]);
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let bank = BankGenesis {
        balances: vec![GenesisBalance {
            address: trader,
            coins: vec![Coin::new(Denom::gusd(), u64::MAX as u128), Coin::new(slot.clone(), 1_000_000_000)],
        }],
        module_accounts: ["fee_collector", "market", "pools"]
            .iter()
            .map(|n| ModuleAccountGenesis {
                name: n.to_string(),
                permissions: vec![Permission::Mint, Permission::Burn],
            })
            .collect(),
        perishable: vec![PerishableDenom { denom: slot.clone(), issuer: "pools".into(), closes_at: HOUR * 3_600 }],
    };
    greenhour_bank::Bank::init_genesis(&mut block, &bank).unwrap();
    Market::init_genesis(&mut block, &MarketGenesis::default()).unwrap();
    let setup = [
        MarketAction::Create {
            slot: slot.clone(),
            quote: Denom::gusd(),
            floor_wad: 0,
            half_life: 3_600,
            decay_window: 3_600,
        },
        MarketAction::AddLiquidity {
            slot: slot.clone(),
            max_slots: 100_000_000,
            max_quote: 200_000_000_000_000,
            min_shares: 0,
            deadline: u64::MAX,
        },
    ];
    for a in setup {
        a.execute(&mut block, &ctx(trader)).unwrap();
    }
    let tx = ctx(trader);
    let buy = MarketAction::Swap {
        slot: slot.clone(),
        buy_slots: true,
        exact: Exact::Out(3),
        limit: u128::MAX,
        deadline: u64::MAX,
    };
    let sell = MarketAction::Swap { slot, buy_slots: false, exact: Exact::In(3), limit: 0, deadline: u64::MAX };
    let mut group = c.benchmark_group("market");
    group.throughput(Throughput::Elements(2));
    group.bench_function("swap_buy_then_sell", |b| {
        b.iter(|| {
            for a in [&buy, &sell] {
                let mut overlay = TxOverlay::new(&mut block);
                a.execute(&mut overlay, &tx).unwrap();
                overlay.commit();
            }
        })
    });
    group.finish();
}

criterion_group!(benches, swaps);
criterion_main!(benches);
