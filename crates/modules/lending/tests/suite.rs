//! The shared module suite, run for lending, and random action sequences over a
//! token market with a moving price.

mod common;

use common::*;
use greenhour_app::AppAction;
use greenhour_lending::genesis::MarketRecord;
use greenhour_lending::{
    Collateral, Lending, LendingAction, LendingGenesis, LendingParams, Market, MarketId, MarketTotals, Size,
};
use greenhour_oracle::OracleAction;
use greenhour_primitives::{Address, Denom};
use greenhour_testkit::suite::{self, random_actions_keep_invariants, Step};
use greenhour_testkit::TestNode;
use proptest::prelude::*;

fn sample_genesis() -> LendingGenesis {
    let id = MarketId(3);
    LendingGenesis {
        params: LendingParams { decay_seconds: 6 * 3_600, ..LendingParams::default() },
        markets: vec![MarketRecord {
            market: Market {
                id,
                loan: Denom::gusd(),
                collateral: Collateral::Token { denom: Denom::ghr(), feed: "ghr.gusd".into() },
                lltv_wad: LLTV,
                creator: Address([7; 20]),
                created_at: 1_767_225_600,
            },
            // Genesis state without bank balances: a market whose lenders were made whole.
            totals: MarketTotals {
                last_update: 1_767_225_600,
                rate_at_target_wad: 1_268_391_679,
                bad_debt: 42,
                ..Default::default()
            },
        }],
        positions: vec![],
        pledges: vec![],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Lending>(&sample_genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Lending>(&sample_genesis());
}

/// Any lending action on market 1 (or a market that does not exist), with amounts
/// from dust to more than anyone holds, and price reports that move GHR.
fn step() -> impl Strategy<Value = Step> {
    let market = prop_oneof![9 => Just(MarketId(1)), 1 => Just(MarketId(2))];
    let amount = prop_oneof![2 => 1u128..1_000, 6 => 1u128..2_000_000_000, 1 => Just(u128::MAX / 3)];
    let size = (any::<bool>(), amount.clone()).prop_map(|(shares, a)| {
        if shares {
            Size::Shares(a.saturating_mul(1_000_000))
        } else {
            Size::Assets(a)
        }
    });
    let borrower = (0usize..4).prop_map(|i| addr(greenhour_testkit::DEMO_ACCOUNTS[i]));
    let action =
        prop_oneof![
            (market.clone(), amount.clone())
                .prop_map(|(market, assets)| AppAction::Lending(LendingAction::Supply { market, assets })),
            (market.clone(), size.clone())
                .prop_map(|(market, amount)| AppAction::Lending(LendingAction::Withdraw { market, amount })),
            (market.clone(), amount.clone())
                .prop_map(|(market, assets)| AppAction::Lending(LendingAction::Borrow { market, assets })),
            (market.clone(), size)
                .prop_map(|(market, amount)| AppAction::Lending(LendingAction::Repay { market, amount })),
            (market.clone(), amount.clone())
                .prop_map(|(market, amount)| AppAction::Lending(LendingAction::SupplyCollateral { market, amount })),
            (market.clone(), amount.clone())
                .prop_map(|(market, amount)| AppAction::Lending(LendingAction::WithdrawCollateral { market, amount })),
            (market, borrower, amount).prop_map(|(market, borrower, repay)| AppAction::Lending(
                LendingAction::Liquidate { market, borrower, repay, serial: None }
            )),
            (0u64..40, 1i128..1_000).prop_map(|(round, permille)| AppAction::Oracle(OracleAction::Submit {
                feed: FEED.into(),
                round,
                value: HALF / 500 * permille
            })),
        ];
    (0usize..4, action, prop_oneof![4 => Just(0u64), 4 => 60u64..900, 1 => 900u64..7_200])
        .prop_map(|(signer, a, advance)| Step { signer, actions: vec![a], advance })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Random supplies, borrows, repayments, collateral moves, liquidations and
    /// price reports by any demo account keep every invariant after every block.
    #[test]
    fn random_lending_actions_keep_invariants(steps in prop::collection::vec(step(), 1..40)) {
        let mut node = TestNode::with_genesis(&genesis());
        token_market(&mut node);
        random_actions_keep_invariants(&mut node, &steps);
    }
}

/// A seeded run gets past the refusals: the generator reaches the module's paths.
#[test]
fn a_seeded_run_is_mostly_accepted() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]));
    let steps: Vec<Step> = (0..120).map(|_| step().new_tree(&mut runner).unwrap().current()).collect();
    let mut node = TestNode::with_genesis(&genesis());
    token_market(&mut node);
    let accepted = random_actions_keep_invariants(&mut node, &steps);
    assert!(accepted >= 30, "only {accepted} of 120 steps accepted");
}
