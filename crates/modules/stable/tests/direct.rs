//! gUSD's direct deposit into a lending market (Maker's D3M) through the whole
//! app, invariants checked after every block: gUSD minted into the market as its
//! borrowers need it and burned as they repay, the market's interest paid out,
//! the reserve report, and a market governance stops naming unwound.

mod common;

use common::*;
use greenhour_app::{AppAction, Genesis};
use greenhour_governance::{GovernanceAction, GovernanceParams, ProposalMessage, VoteOption};
use greenhour_lending::{Collateral, LendingAction, MarketId, Size};
use greenhour_primitives::Denom;
use greenhour_stable::math::WAD;
use greenhour_stable::query::DirectReserve;
use greenhour_stable::StableEvent;
use greenhour_testkit::TestNode;

const HOUR: u64 = 3_600;
const GUSD: u128 = 1_000_000;
const MARKET: MarketId = MarketId(1);

/// The GHR feed's genesis with the direct deposit named at market 1 (which does not
/// exist yet): at most 10,000 gUSD, 100 gUSD kept free to borrow, 90 % utilisation.
fn direct_genesis() -> Genesis {
    let mut g = genesis();
    g.stable.params.direct_market = MARKET.0;
    g.stable.params.direct_ceiling = 10_000 * GUSD;
    g.stable.params.direct_buffer = 100 * GUSD;
    g
}

fn lend(node: &mut TestNode, who: &str, a: LendingAction) -> Result<(), greenhour_framework::ErrorInfo> {
    node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Lending(a)])).map(|_| ())
}

/// bob opens market 1: gUSD against GHR at 77 %, priced by the GHR feed.
fn create_market(node: &mut TestNode) {
    let collateral = Collateral::Token { denom: Denom::ghr(), feed: FEED.into() };
    lend(node, "bob", LendingAction::CreateMarket { loan: Denom::gusd(), collateral, lltv_wad: 77 * WAD / 100 })
        .unwrap();
}

/// The next hour's first block: the hour's rebalance runs in it.
fn next_hour(node: &mut TestNode) -> Vec<StableEvent> {
    node.advance(HOUR);
    let outcome = node.produce_block(vec![]);
    StableEvent::all_in(&outcome.block_events)
}

fn direct(node: &TestNode) -> Option<DirectReserve> {
    reserve(node).direct_deposits.into_iter().find(|d| d.market == MARKET.0)
}

fn market_totals(node: &TestNode) -> greenhour_lending::MarketTotals {
    greenhour_lending::query::market(&node.app.snapshot().unwrap(), MARKET, now(node)).unwrap().totals
}

#[test]
fn app_can_mint_gusd_into_a_lending_market_as_its_borrowers_need_and_burn_it_as_they_repay() {
    let mut node = TestNode::with_genesis(&direct_genesis());
    report(&mut node, HALF);
    let supply0 = reserve(&node).supply;
    assert!(next_hour(&mut node).is_empty(), "a named market that does not exist yet is left alone");
    assert_eq!(reserve(&node).supply, supply0);

    create_market(&mut node);
    next_hour(&mut node);
    let d = direct(&node).expect("a direct deposit");
    assert_eq!((d.minted, d.assets), (100 * GUSD, 100 * GUSD), "with nothing borrowed, the buffer");
    assert_eq!(reserve(&node).supply, supply0 + 100 * GUSD, "minted, not taken from anyone");
    assert_eq!(market_totals(&node).supply_assets, 100 * GUSD);

    // carol borrows 90 gUSD against 1,000 GHR (500 gUSD at ½).
    report(&mut node, HALF);
    lend(&mut node, "carol", LendingAction::SupplyCollateral { market: MARKET, amount: GHR_1000 }).unwrap();
    lend(&mut node, "carol", LendingAction::Borrow { market: MARKET, assets: 90 * GUSD }).unwrap();
    next_hour(&mut node);
    let d = direct(&node).unwrap();
    assert_eq!(d.minted, 190 * GUSD, "90 borrowed + the 100 gUSD buffer (the hour's interest stays in, under 1 gUSD)");
    let t = market_totals(&node);
    assert!(t.supply_assets - t.borrow_assets >= 100 * GUSD, "the buffer is free to borrow");

    // carol repays everything: the next hour burns what the market no longer needs.
    report(&mut node, HALF);
    let shares = greenhour_lending::query::position(&node.app.snapshot().unwrap(), MARKET, &addr("carol"), now(&node))
        .unwrap()
        .position
        .borrow_shares;
    lend(&mut node, "carol", LendingAction::Repay { market: MARKET, amount: Size::Shares(shares) }).unwrap();
    let supply_before = reserve(&node).supply;
    next_hour(&mut node);
    let d = direct(&node).unwrap();
    assert!(d.minted.abs_diff(100 * GUSD) <= 1, "back to the buffer (share rounding aside): {}", d.minted);
    assert!(reserve(&node).supply < supply_before, "burned");
    let r = reserve(&node);
    assert_eq!(r.direct_minted, d.minted);
    assert_eq!(r.vault_debt, 0, "no vaults: the rest of the supply is legacy gUSD and the direct deposit");
    assert_eq!(r.supply, r.legacy_supply + r.direct_minted);
    assert!(!d.green_compute, "a GHR market is not green compute");
    assert_eq!(r.green_compute_bps, 0);
}

#[test]
fn app_can_pay_a_direct_deposits_earnings_to_the_stability_pool() {
    let mut g = direct_genesis();
    g.stable.params.direct_buffer = GUSD;
    let mut node = TestNode::with_genesis(&g);
    create_market(&mut node);
    // dave supplies 1,000 gUSD and carol borrows 990 of it: 99 % utilised.
    lend(&mut node, "dave", LendingAction::Supply { market: MARKET, assets: 1_000 * GUSD }).unwrap();
    report(&mut node, HALF);
    lend(&mut node, "carol", LendingAction::SupplyCollateral { market: MARKET, amount: 10 * GHR_1000 }).unwrap();
    lend(&mut node, "carol", LendingAction::Borrow { market: MARKET, assets: 990 * GUSD }).unwrap();
    run(&mut node, "bob", greenhour_stable::StableAction::PoolDeposit { amount: 1_000 * GUSD }).unwrap();
    next_hour(&mut node);
    let d = direct(&node).unwrap();
    assert!(d.minted.abs_diff(100 * GUSD) < GUSD / 100, "what brings 990 gUSD borrowed back to 90 %: {}", d.minted);
    assert!(d.utilisation_bps.abs_diff(9_000) <= 1, "{}", d.utilisation_bps);

    // Half a year at the curve's target rate: the deposit's share of the interest
    // goes to the stability pool, and gUSD is minted again to hold the target.
    let pool0 = reserve(&node).stability_pool.gusd;
    node.advance(182 * 86_400);
    let events = next_hour(&mut node);
    let earned: u128 = events
        .iter()
        .map(|e| match e {
            StableEvent::DirectDeposit { earned, to_pool: true, .. } => *earned,
            _ => 0,
        })
        .sum();
    assert!(earned > GUSD, "100 of 1,100 gUSD lent at about 4 % for half a year: {earned}");
    assert_eq!(reserve(&node).stability_pool.gusd, pool0 + earned, "the depositors' gain");
    let d = direct(&node).unwrap();
    assert!(d.assets.abs_diff(d.minted) <= 1, "earnings taken out: {} vs {}", d.assets, d.minted);
    assert!(d.utilisation_bps.abs_diff(9_000) <= 1, "back at the target: {}", d.utilisation_bps);
}

#[test]
fn app_can_keep_the_direct_deposit_under_its_ceiling() {
    let mut g = direct_genesis();
    g.stable.params.direct_ceiling = 150 * GUSD;
    let mut node = TestNode::with_genesis(&g);
    create_market(&mut node);
    next_hour(&mut node);
    report(&mut node, HALF);
    lend(&mut node, "carol", LendingAction::SupplyCollateral { market: MARKET, amount: GHR_1000 }).unwrap();
    lend(&mut node, "carol", LendingAction::Borrow { market: MARKET, assets: 95 * GUSD }).unwrap();
    next_hour(&mut node);
    assert_eq!(direct(&node).unwrap().minted, 150 * GUSD, "195 wanted, 150 allowed");
    // Beyond the supply the market has, a borrow is refused by lending, as any would be.
    report(&mut node, HALF);
    let e = node.expect_rejected(
        &TestNode::key("carol"),
        vec![AppAction::Lending(LendingAction::Borrow { market: MARKET, assets: 60 * GUSD })],
    );
    assert_eq!(code(&e), ("lending", 11));
}

// ---- governance names the market, and stops naming it -------------------------

/// The demo accounts as four validators and a short governance clock.
fn governed_genesis() -> Genesis {
    let mut g = genesis();
    g.staking.validators = ["alice", "bob", "carol", "dave"]
        .iter()
        .map(|name| greenhour_staking::GenesisValidator {
            operator: TestNode::addr(name),
            consensus_key: TestNode::key(&format!("{name}-consensus")).public_key(),
            moniker: name.to_string(),
            commission_bps: 1_000,
            self_bond: 10_000 * GUSD,
        })
        .collect();
    g.governance.params = GovernanceParams {
        voting_period_secs: HOUR,
        expedited_voting_period_secs: 600,
        timelock_secs: 600,
        ..GovernanceParams::default()
    };
    g
}

/// alice proposes setting stable's `direct_market` and alice, bob and carol vote
/// it through; returns once it executed.
fn name_market(node: &mut TestNode, market: u64) {
    let min_deposit = GovernanceParams::default().min_deposit;
    let submit = GovernanceAction::Submit {
        title: format!("direct deposit into market {market}"),
        summary: String::new(),
        messages: vec![ProposalMessage::SetParam {
            module: "stable".into(),
            name: "direct_market".into(),
            value: market.into(),
        }],
        deposit: min_deposit,
        expedited: false,
    };
    let record = node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Governance(submit.into())])).unwrap();
    let id = greenhour_governance::GovernanceEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            greenhour_governance::GovernanceEvent::Submitted { proposal, .. } => Some(proposal),
            _ => None,
        })
        .expect("a submitted proposal");
    for voter in ["alice", "bob", "carol"] {
        let vote = GovernanceAction::vote(id, VoteOption::Yes);
        node.deliver(node.tx(&TestNode::key(voter), vec![AppAction::Governance(vote.into())])).unwrap();
    }
    node.advance(HOUR + 1);
    node.produce_block(vec![]);
    node.advance(601);
    node.produce_block(vec![]);
    let params = greenhour_stable::query::reserve(&node.app.snapshot().unwrap(), now(node)).unwrap();
    assert!(params.direct_deposits.iter().all(|d| d.named == (d.market == market)), "executed");
}

#[test]
fn app_can_unwind_a_direct_deposit_governance_no_longer_names() {
    let mut g = governed_genesis();
    g.stable.params.direct_ceiling = 10_000 * GUSD;
    g.stable.params.direct_buffer = 100 * GUSD;
    let mut node = TestNode::with_genesis(&g);
    report(&mut node, HALF);
    let supply0 = reserve(&node).supply;
    create_market(&mut node);
    next_hour(&mut node);
    assert!(direct(&node).is_none(), "not named yet: nothing minted");

    name_market(&mut node, MARKET.0);
    next_hour(&mut node);
    assert_eq!(direct(&node).unwrap().minted, 100 * GUSD);
    // carol borrows 80 of the 100: only 20 can come back while she owes it.
    report(&mut node, HALF);
    lend(&mut node, "carol", LendingAction::SupplyCollateral { market: MARKET, amount: GHR_1000 }).unwrap();
    lend(&mut node, "carol", LendingAction::Borrow { market: MARKET, assets: 80 * GUSD }).unwrap();

    name_market(&mut node, 0);
    next_hour(&mut node);
    let d = direct(&node).unwrap();
    assert!(!d.named);
    assert!(d.minted.abs_diff(80 * GUSD) < GUSD / 100, "the 20 gUSD the market could spare came back: {}", d.minted);
    assert_eq!(market_totals(&node).supply_assets - market_totals(&node).borrow_assets, 0, "all of it");

    // She repays: the rest is burned and the record goes.
    report(&mut node, HALF);
    let shares = greenhour_lending::query::position(&node.app.snapshot().unwrap(), MARKET, &addr("carol"), now(&node))
        .unwrap()
        .position
        .borrow_shares;
    lend(&mut node, "carol", LendingAction::Repay { market: MARKET, amount: Size::Shares(shares) }).unwrap();
    next_hour(&mut node);
    assert!(direct(&node).is_none(), "unwound");
    let r = reserve(&node);
    assert_eq!(r.direct_minted, 0);
    assert!(r.supply <= supply0 + GUSD, "every minted gUSD burned; her interest went to the treasury");
}

#[test]
fn app_can_back_gusd_with_green_compute_through_a_position_nft_market() {
    let mut node = TestNode::with_genesis(&direct_genesis());
    // Market 1 lends gUSD against home position NFTs; bob's seed supply leaves.
    let (market, serial) = greenhour_testkit::lending::position_market(&mut node, 12);
    assert_eq!(market, MARKET);
    let bob = greenhour_lending::query::position(&node.app.snapshot().unwrap(), MARKET, &addr("bob"), now(&node))
        .unwrap()
        .position
        .supply_shares;
    lend(&mut node, "bob", LendingAction::Withdraw { market: MARKET, amount: Size::Shares(bob) }).unwrap();
    next_hour(&mut node);
    let d = direct(&node).expect("gUSD minted into the NFT market");
    assert_eq!(d.minted, 100 * GUSD, "the buffer");
    assert!(d.green_compute && d.collateral == "positions/home", "{d:?}");

    // dave pledges his position NFT and borrows against it, from minted gUSD.
    let quote = greenhour_lending::query::nft_value(&node.app.snapshot().unwrap(), MARKET, serial, now(&node)).unwrap();
    let borrow = (quote.value * quote.lltv_wad / WAD / 2).min(90 * GUSD);
    assert!(borrow > 0, "the NFT secures something: {quote:?}");
    lend(&mut node, "dave", LendingAction::Pledge { market: MARKET, serial }).unwrap();
    lend(&mut node, "dave", LendingAction::Borrow { market: MARKET, assets: borrow }).unwrap();
    next_hour(&mut node);
    let d = direct(&node).unwrap();
    assert!(d.minted >= 100 * GUSD + borrow - GUSD, "the buffer stays free beside the loan: {d:?}");

    // With a GHR vault beside it, the reserve splits the backing.
    report(&mut node, HALF);
    open(&mut node, "carol", GHR_1000, 2 * GUSD_100, 500);
    let r = reserve(&node);
    let green = d.assets * 10_000 / r.collateral_value;
    assert!(r.green_compute_bps > 0 && r.green_compute_bps < 10_000, "{r:?}");
    assert!(u128::from(r.green_compute_bps).abs_diff(green) <= 1, "{} vs {green}", r.green_compute_bps);
    assert_eq!(r.supply, r.legacy_supply + r.vault_debt + r.direct_minted);
}
