//! The shared module suite, run for funds, and random deposits, redemptions
//! (now and queued), transfers, allocations and package income by any account
//! over epochs.

use greenhour_app::AppAction;
use greenhour_funds::genesis::{FundRecord, FundsGenesis, Shareholder};
use greenhour_funds::{Fund, FundBook, FundId, Funds, FundsAction, FundsParams, Mandate, Request};
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_rwa::{PackageId, Rules};
use greenhour_testkit::suite::{self, random_actions_keep_invariants, Step};
use greenhour_testkit::{TestNode, DEMO_ACCOUNTS, TEST_GENESIS_TIME};
use proptest::prelude::*;

fn sample_genesis() -> FundsGenesis {
    let manager = Address([1; 20]);
    let holder = Address([2; 20]);
    let fund = Fund {
        id: FundId(4),
        manager,
        name: "sample".into(),
        mandate: Mandate::Future,
        management_fee_bps: 100,
        performance_fee_bps: 1_000,
        verified_only: true,
        created_at: TEST_GENESIS_TIME,
    };
    FundsGenesis {
        params: FundsParams { max_holdings: 8, ..FundsParams::default() },
        funds: vec![
            FundRecord {
                fund: fund.clone(),
                book: FundBook {
                    shares: 70,
                    queued_shares: 20,
                    high_water_wad: 1,
                    fees_accrued_at: TEST_GENESIS_TIME,
                    fees_taken: 3,
                    next_request: 6,
                    waiting_requests: 1,
                    holdings: vec![(PackageId(1), 0), (PackageId(2), 1)],
                },
                shareholders: vec![Shareholder { holder, shares: 50 }],
                requests: vec![(5, Request { owner: holder, shares: 20, requested_at: TEST_GENESIS_TIME })],
                mandate: Vec::new(),
            },
            FundRecord {
                fund: Fund { id: FundId(5), mandate: Mandate::Governed, name: "governed".into(), ..fund.clone() },
                book: FundBook { high_water_wad: 1, fees_accrued_at: TEST_GENESIS_TIME, ..FundBook::default() },
                shareholders: Vec::new(),
                requests: Vec::new(),
                mandate: vec![(PackageId(1), 0), (PackageId(3), 1)],
            },
        ],
        tended_hour: Some(TEST_GENESIS_TIME / 3_600),
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Funds>(&sample_genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Funds>(&FundsGenesis::default());
}

/// dave's package of one real position; bob's fund (1 % and 10 % fees) verified
/// to hold its tranches; every demo account has gUSD.
fn node_with_fund() -> (TestNode, FundId, PackageId) {
    let mut node = TestNode::with_genesis(&greenhour_testkit::rwa::genesis());
    let (package, _) = greenhour_testkit::rwa::package(&mut node, Rules::default());
    let create = FundsAction::Create {
        name: "suite".into(),
        mandate: Mandate::GreenCompute,
        management_fee_bps: 100,
        performance_fee_bps: 1_000,
        verified_only: false,
    };
    node.deliver(node.tx(&TestNode::key("bob"), vec![AppAction::Funds(create)])).unwrap();
    let id = FundId(1);
    greenhour_testkit::rwa::kyc(&mut node, greenhour_funds::api::custody(id), "SG");
    (node, id, package)
}

fn step(id: FundId, package: PackageId) -> impl Strategy<Value = Step> {
    let holder = |i: usize| TestNode::addr(DEMO_ACCOUNTS[i]);
    let action = prop_oneof![
        (1u128..20_000_000).prop_map(move |assets| FundsAction::Deposit { fund: id, assets, min_shares: 0 }),
        (1u128..20_000_000_000_000).prop_map(move |shares| FundsAction::Redeem { fund: id, shares, min_assets: 0 }),
        (1u128..20_000_000_000_000).prop_map(move |shares| FundsAction::RequestRedeem { fund: id, shares }),
        (1u128..20_000_000_000_000).prop_map(move |shares| FundsAction::RedeemInKind { fund: id, shares }),
        (0usize..4, 1u128..5_000_000_000_000).prop_map(move |(to, shares)| FundsAction::Transfer {
            fund: id,
            to: holder(to),
            shares
        }),
        (0u32..2, 0u128..10_000_000, 0u128..5_000_000).prop_map(move |(tranche, invest, redeem)| {
            FundsAction::Allocate { fund: id, package, tranche, invest, redeem }
        }),
    ];
    let income = (1u128..20_000_000).prop_map(move |amount| {
        AppAction::Bank(greenhour_bank::BankAction::Send {
            to: greenhour_rwa::api::custody(package),
            coins: vec![Coin::new(Denom::gusd(), amount)],
        })
    });
    (
        0usize..4,
        prop_oneof![3 => action.prop_map(AppAction::Funds), 1 => income],
        prop_oneof![Just(0u64), Just(1_800u64), Just(3_600u64)],
    )
        .prop_map(|(signer, action, advance)| Step { signer, actions: vec![action], advance })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Random deposits, redemptions (for cash and in kind), requests, transfers, allocations (bob is the
    /// manager: signer 1) and package income over epochs keep every invariant.
    #[test]
    fn random_funds_actions_keep_invariants(steps in proptest::collection::vec(step(FundId(1), PackageId(1)), 1..40)) {
        let (mut node, _, _) = node_with_fund();
        random_actions_keep_invariants(&mut node, &steps);
    }
}

/// A seeded run of deposits and allocations through epochs fills orders and pays
/// the queue: the suite is not vacuous.
#[test]
fn a_seeded_run_invests_and_pays_back() {
    let (mut node, id, package) = node_with_fund();
    let key = |n: &str| TestNode::key(n);
    node.deliver(node.tx(
        &key("carol"),
        vec![AppAction::Funds(FundsAction::Deposit { fund: id, assets: 8_000_000, min_shares: 0 })],
    ))
    .unwrap();
    let allocate = FundsAction::Allocate { fund: id, package, tranche: 0, invest: 6_000_000, redeem: 0 };
    node.deliver(node.tx(&key("bob"), vec![AppAction::Funds(allocate)])).unwrap();
    greenhour_testkit::rwa::next_epoch(&mut node);
    let v = greenhour_funds::query::fund(&node.app.snapshot().unwrap(), id, node.now()).unwrap();
    assert_eq!(v.holdings[0].worth.as_ref().map(|w| w.units), Some(6_000_000), "{v:?}");
    node.check_invariants();
}
