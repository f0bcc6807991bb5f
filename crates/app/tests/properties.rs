//! Property tests and seeded simulations over random transaction sequences.

use greenhour_app::{AppAction, Tx};
use greenhour_bank::{BankAction, Output};
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_testkit::{strategies, TestNode, DEMO_ACCOUNTS, DEMO_BALANCE};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};

#[derive(Clone, Debug)]
enum Op {
    Send { from: usize, to: usize, coin: Coin },
    Multi { from: usize, outs: Vec<(usize, Coin)> },
}

fn op() -> impl Strategy<Value = Op> {
    // Amounts up to 2x a balance so that some sends fail and must change nothing.
    let amount = DEMO_BALANCE / 2;
    prop_oneof![
        (strategies::account(), strategies::account(), strategies::coin(amount))
            .prop_map(|(from, to, coin)| Op::Send { from, to, coin }),
        (strategies::account(), prop::collection::vec((strategies::account(), strategies::coin(amount)), 1..4))
            .prop_map(|(from, outs)| Op::Multi { from, outs }),
    ]
}

fn to_tx(node: &TestNode, op: &Op, offsets: &mut [u64]) -> Tx {
    let (from, action) = match op {
        Op::Send { from, to, coin } => {
            (*from, BankAction::Send { to: TestNode::addr(DEMO_ACCOUNTS[*to]), coins: vec![coin.clone()] })
        }
        Op::Multi { from, outs } => (
            *from,
            BankAction::MultiSend {
                outputs: outs
                    .iter()
                    .map(|(to, c)| Output { to: TestNode::addr(DEMO_ACCOUNTS[*to]), coins: vec![c.clone()] })
                    .collect(),
            },
        ),
    };
    let tx = node.tx_with_offset(&TestNode::key(DEMO_ACCOUNTS[from]), vec![AppAction::Bank(action)], offsets[from]);
    offsets[from] += 1;
    tx
}

fn total_of(node: &TestNode, denom: &Denom) -> u128 {
    let mut all: Vec<Address> = DEMO_ACCOUNTS.iter().map(|n| TestNode::addr(n)).collect();
    all.push(Address::for_module("fee_collector"));
    all.iter().map(|a| node.balance(a, denom)).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Random blocks of random sends: invariants hold after every block (TestNode
    /// checks them), no value is created or lost, every transaction in a block
    /// either ran or carries its error, and nonces count exactly the included
    /// txs, failed ones too.
    #[test]
    fn random_blocks_conserve_value(blocks in prop::collection::vec(prop::collection::vec(op(), 0..12), 1..6)) {
        let mut node = TestNode::new();
        let mut included = vec![0u64; DEMO_ACCOUNTS.len()];
        for ops in &blocks {
            let mut offsets = vec![0u64; DEMO_ACCOUNTS.len()];
            let txs: Vec<Tx> = ops.iter().map(|o| to_tx(&node, o, &mut offsets)).collect();
            let outcome = node.produce_block(txs);
            let in_block: Vec<_> = outcome.outcomes.iter().filter_map(|o| o.included()).collect();
            prop_assert_eq!(in_block.len(), outcome.block.txs.len());
            for o in &outcome.outcomes {
                prop_assert_eq!(o.result.is_ok(), o.included().is_some_and(|r| r.error.is_none()));
            }
            for tx in &outcome.block.txs {
                let i = DEMO_ACCOUNTS.iter().position(|n| TestNode::addr(n) == tx.signer_address()).unwrap();
                included[i] += 1;
            }
        }
        for denom in [Denom::ghr(), Denom::gusd(), greenhour_testkit::test_denom()] {
            prop_assert_eq!(total_of(&node, &denom), 4 * DEMO_BALANCE);
            prop_assert_eq!(node.supply(&denom), 4 * DEMO_BALANCE);
        }
        for (i, name) in DEMO_ACCOUNTS.iter().enumerate() {
            prop_assert_eq!(node.nonce(&TestNode::addr(name)), included[i]);
        }
    }
}

/// Runs a seeded random workload and returns every block's app hash.
fn simulate(seed: u64, dir: &std::path::Path) -> Vec<greenhour_primitives::Hash> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut node = TestNode::open_at(dir, &greenhour_testkit::demo_genesis("gh-sim"));
    let mut hashes = Vec::new();
    for _ in 0..20 {
        let mut offsets = vec![0u64; DEMO_ACCOUNTS.len()];
        let n = rng.gen_range(0..15);
        let txs: Vec<Tx> = (0..n)
            .map(|_| {
                let from = rng.gen_range(0..DEMO_ACCOUNTS.len());
                let to = rng.gen_range(0..DEMO_ACCOUNTS.len());
                let amount = rng.gen_range(1..DEMO_BALANCE / 3);
                let denom = [Denom::ghr(), Denom::gusd(), greenhour_testkit::test_denom()][rng.gen_range(0..3)].clone();
                to_tx(&node, &Op::Send { from, to, coin: Coin::new(denom, amount) }, &mut offsets)
            })
            .collect();
        node.produce_block(txs);
        hashes.push(node.app_hash());
    }
    hashes
}

#[test]
fn seeded_simulation_gives_the_same_app_hashes_in_two_fresh_folders() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let first = simulate(42, d1.path());
    let second = simulate(42, d2.path());
    assert_eq!(first, second);
    let other = simulate(43, tempfile::tempdir().unwrap().path());
    assert_ne!(first.last(), other.last(), "a different workload should give a different state");
}

#[test]
fn replaying_blocks_on_a_fresh_node_reproduces_every_app_hash() {
    let dir = tempfile::tempdir().unwrap();
    let hashes = simulate(7, dir.path());
    let source = TestNode::open_at(dir.path(), &greenhour_testkit::demo_genesis("gh-sim"));
    let mut replica = TestNode::with_genesis(&greenhour_testkit::demo_genesis("gh-sim"));
    for h in 1..=source.app.height().unwrap() {
        let block = source.app.block(h).unwrap().unwrap();
        let outcome = replica.apply(block).expect("replay applies");
        assert_eq!(outcome.block.header.app_hash, hashes[h as usize - 1]);
    }
}

/// A day of the supply side on the demo genesis: a device with history joins a
/// pool, pledges hours, and the chain runs past them (pools' and markets' hooks
/// open, start and close hours); a few sends ride along.
fn supply_day() -> greenhour_primitives::Hash {
    supply_day_node().app_hash()
}

fn supply_day_node() -> TestNode {
    use greenhour_pools::PoolKind;
    use greenhour_testkit::supply;
    let mut node = TestNode::with_genesis(&greenhour_testkit::demo_genesis("gh-pin"));
    let device = supply::device_with_history(&mut node, "alice", "alice-roof", "u33dc0");
    let pool = supply::create_pool(&mut node, PoolKind::GreenCompute, supply::conditions());
    supply::join(&mut node, "alice", pool, device);
    let first = node.now() / 3_600 + 2;
    supply::pledge(&mut node, "alice", pool, device, first, 6, 2);
    for _ in 0..12 {
        node.advance(1_800);
        let send = node.send("bob", &TestNode::addr("carol"), Coin::new(Denom::ghr(), 1_000));
        node.produce_block(vec![send]);
    }
    node
}

/// The state layout is pinned: the same seeded runs end on these app hashes. A
/// change here changes every chain's state root, so it must be deliberate (a new
/// module's genesis state, a new key) and say so in its commit.
#[test]
fn seeded_runs_end_on_the_pinned_app_hashes() {
    let sends = simulate(42, tempfile::tempdir().unwrap().path());
    assert_eq!(
        sends.last().unwrap().to_string(),
        "27646bb6edd532bd065974db5c1cf172e473676751307059954171b37a6781af",
        "bank sends on the demo genesis"
    );
    assert_eq!(
        supply_day().to_string(),
        "ad69c00e744bdd826ecc8b03103e1978d83b35f8ed937975b887ae688ef4124b",
        "a day of the supply side"
    );
}

/// Every event a run stores decodes to its module's event type, and that value
/// writes back exactly the stored event: readers can rely on the types alone.
#[test]
fn every_stored_event_decodes_to_its_module_type_and_back() {
    use greenhour_state::Event;
    fn round_trip<E: PartialEq + std::fmt::Debug>(
        e: &Event,
        decode: fn(&Event) -> Option<E>,
        encode: fn(&E) -> Event,
    ) -> bool {
        let typed = decode(e).unwrap_or_else(|| panic!("{e:?} does not decode"));
        assert_eq!(&encode(&typed), e, "re-encoding {typed:?}");
        true
    }
    let mut events = stored_events(&supply_day_node());
    let mut market = TestNode::with_genesis(&greenhour_testkit::demo_genesis("gh-events"));
    market_hour(&mut market);
    events.extend(stored_events(&market));
    let mut kinds = std::collections::BTreeSet::new();
    for e in &events {
        let module = e.kind.split('.').next().unwrap();
        let ok = match module {
            "bank" => round_trip(e, greenhour_bank::BankEvent::decode, greenhour_bank::BankEvent::to_event),
            "devices" => {
                round_trip(e, greenhour_devices::DevicesEvent::decode, greenhour_devices::DevicesEvent::to_event)
            }
            "nft" => round_trip(e, greenhour_nft::NftEvent::decode, greenhour_nft::NftEvent::to_event),
            "pools" => round_trip(e, greenhour_pools::PoolsEvent::decode, greenhour_pools::PoolsEvent::to_event),
            "carbon" => round_trip(e, greenhour_carbon::CarbonEvent::decode, greenhour_carbon::CarbonEvent::to_event),
            "staking" => {
                round_trip(e, greenhour_staking::StakingEvent::decode, greenhour_staking::StakingEvent::to_event)
            }
            "oracle" => round_trip(e, greenhour_oracle::OracleEvent::decode, greenhour_oracle::OracleEvent::to_event),
            "market" => round_trip(e, greenhour_market::MarketEvent::decode, greenhour_market::MarketEvent::to_event),
            "jobs" => round_trip(e, greenhour_jobs::JobsEvent::decode, greenhour_jobs::JobsEvent::to_event),
            other => panic!("unexpected module {other} in {e:?}"),
        };
        assert!(ok);
        kinds.insert(e.kind.clone());
    }
    for kind in [
        "bank.transfer",
        "bank.mint",
        "devices.registered",
        "devices.report",
        "pools.created",
        "pools.pledged",
        "pools.released",
        "nft.minted",
        "market.created",
        "market.added",
        "market.swap",
    ] {
        assert!(kinds.contains(kind), "{kind} among {kinds:?}");
    }
}

/// bob's device pledges an hour a day ahead, he takes its slots out of custody,
/// opens the hour's market pool, adds liquidity and carol buys one slot.
fn market_hour(node: &mut TestNode) {
    use greenhour_market::{Exact, MarketAction};
    use greenhour_pools::{PoolKind, PoolsAction};
    use greenhour_testkit::supply;
    let device = supply::device_with_history(node, "bob", "bob-roof", "u33dc1");
    let pool = supply::create_pool(node, PoolKind::Compute, greenhour_pools::EntryConditions::default());
    supply::join(node, "bob", pool, device);
    let hour = node.now() / 3_600 + 24;
    let position = supply::pledge(node, "bob", pool, device, hour, 1, 2);
    let bob = TestNode::key("bob");
    let release = PoolsAction::Release { position, hour, quantity: 2 };
    node.deliver(node.tx(&bob, vec![AppAction::Pools(release)])).unwrap();
    let slot = greenhour_pools::state::slot_denom(
        greenhour_pools::SlotUnit::GpuHour,
        greenhour_devices::DeviceClass::Home,
        hour,
    );
    let create = MarketAction::Create {
        slot: slot.clone(),
        quote: Denom::gusd(),
        floor_wad: 500_000 * greenhour_market::math::WAD,
        half_life: 3_600,
        decay_window: 4 * 3_600,
    };
    let add = MarketAction::AddLiquidity {
        slot: slot.clone(),
        max_slots: 2,
        max_quote: 4_000_000,
        min_shares: 0,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&bob, vec![AppAction::Market(create), AppAction::Market(add)])).unwrap();
    let swap = MarketAction::Swap { slot, buy_slots: true, exact: Exact::Out(1), limit: u128::MAX, deadline: u64::MAX };
    node.deliver(node.tx(&TestNode::key("carol"), vec![AppAction::Market(swap)])).unwrap();
}

/// Every event a node stored: each transaction's, then the block's, height by height.
fn stored_events(node: &TestNode) -> Vec<greenhour_state::Event> {
    let mut events = Vec::new();
    for h in 1..=node.app.height().unwrap() {
        let block = node.app.block(h).unwrap().unwrap();
        for tx in &block.txs {
            events.extend(node.app.tx_record(&tx.hash()).unwrap().expect("indexed").events);
        }
        events.extend(node.app.block_events(h).unwrap());
    }
    events
}
