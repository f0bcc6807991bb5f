//! The shared module suite, run for derivatives, and random deposits,
//! withdrawals, listings, orders and liquidations through the whole app (whose
//! index has no fills: the orders meet a stale index, and everything else must
//! still keep every invariant). Trading over a live index is in `market.rs`.

use greenhour_app::AppAction;
use greenhour_derivatives::genesis::{DerivativesGenesis, GenesisAccount, GenesisPosition};
use greenhour_derivatives::state::Registry;
use greenhour_derivatives::{
    Account, Derivatives, DerivativesAction, Instrument, Order, Position, Right, Series, Side,
};
use greenhour_primitives::Address;
use greenhour_testkit::suite::{self, random_actions_keep_invariants, Step};
use greenhour_testkit::{TestNode, TEST_GENESIS_TIME};
use proptest::prelude::*;

fn series(id: u64, instrument: Instrument, settlement: Option<u128>) -> Series {
    Series {
        id,
        instrument,
        listed_by: Address([1; 20]),
        listed_at: TEST_GENESIS_TIME - 86_400,
        mark: Some(500_000),
        mark_hour: TEST_GENESIS_TIME / 3_600,
        stale: false,
        funding_index: 40,
        funding_rate: 10,
        fill_hour: TEST_GENESIS_TIME / 3_600,
        hour_contracts: 3,
        hour_notional: 1_500_000,
        open_interest: if settlement.is_some() { 0 } else { 3 },
        volume: 3,
        last_price: Some(500_000),
        settlement,
        settled_on_fallback: false,
    }
}

fn sample_genesis() -> DerivativesGenesis {
    let (alice, bob) = (Address([2; 20]), Address([3; 20]));
    let day = TEST_GENESIS_TIME / 86_400;
    // No bank in the module suite: the accounts' equity adds up to zero.
    DerivativesGenesis {
        registry: Registry { next_series: 3, next_order: 8, live_series: 1, marked_hour: TEST_GENESIS_TIME / 3_600 },
        series: vec![
            series(1, Instrument::Future { class: "home".into(), day: day - 1 }, Some(480_000)),
            series(2, Instrument::Perp { class: "home".into() }, None),
        ],
        accounts: vec![
            GenesisAccount { owner: alice, account: Account { cash: 0, orders: 1 } },
            GenesisAccount { owner: bob, account: Account { cash: 0, orders: 0 } },
        ],
        positions: vec![
            GenesisPosition {
                owner: alice,
                series: 2,
                position: Position { qty: 3, cost: 1_500_000, funding_snapshot: 40 },
            },
            GenesisPosition {
                owner: bob,
                series: 2,
                position: Position { qty: -3, cost: -1_500_000, funding_snapshot: 40 },
            },
        ],
        orders: vec![Order {
            id: 7,
            owner: alice,
            series: 2,
            side: Side::Buy,
            price: 490_000,
            open: 5,
            placed_at: TEST_GENESIS_TIME,
        }],
        ..DerivativesGenesis::default()
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Derivatives>(&sample_genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Derivatives>(&DerivativesGenesis::default());
}

fn step() -> impl Strategy<Value = Step> {
    let hour = TEST_GENESIS_TIME / 3_600;
    let action = prop_oneof![
        (1u128..100_000_000).prop_map(|amount| DerivativesAction::Deposit { amount }),
        (1u128..200_000_000).prop_map(|amount| DerivativesAction::Withdraw { amount }),
        Just(DerivativesAction::List { instrument: Instrument::Perp { class: "home".into() } }),
        (1u64..30).prop_map(move |ahead| DerivativesAction::List {
            instrument: Instrument::Option {
                class: "home".into(),
                expiry_hour: hour + ahead,
                strike: 500_000,
                right: Right::Put
            },
        }),
        (1u64..4, any::<bool>(), 1u128..100, 1u128..1_000_000).prop_map(|(series, buy, size, price)| {
            DerivativesAction::Place {
                series,
                side: if buy { Side::Buy } else { Side::Sell },
                size,
                price,
                immediate_only: false,
            }
        }),
        (1u64..5).prop_map(|order| DerivativesAction::Cancel { order }),
        (0usize..4)
            .prop_map(|i| DerivativesAction::Liquidate { owner: TestNode::addr(["alice", "bob", "carol", "dave"][i]) }),
    ];
    (0usize..4, action, prop_oneof![Just(0u64), Just(1_800u64), Just(3_600u64)]).prop_map(|(signer, a, advance)| Step {
        signer,
        actions: vec![AppAction::Derivatives(a)],
        advance,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn random_derivatives_actions_keep_invariants(steps in proptest::collection::vec(step(), 1..40)) {
        let mut node = TestNode::new();
        random_actions_keep_invariants(&mut node, &steps);
    }
}
