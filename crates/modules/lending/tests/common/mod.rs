//! Helpers shared by the lending test files: a token market priced by an oracle
//! feed, and a position-NFT market over real pledges priced by real index fills.
#![allow(dead_code)]

use greenhour_app::{AppAction, Genesis};
use greenhour_lending::math::WAD;
use greenhour_lending::query::PositionView;
use greenhour_lending::{Collateral, LendingAction, MarketId};
use greenhour_primitives::{Address, Denom};
#[allow(unused_imports)] // each test file uses some of them
pub use greenhour_testkit::lending::{create_market, position_market, slot, SLOT_HOUR};
use greenhour_testkit::{demo_genesis, TestNode, TEST_CHAIN};

pub const FEED: &str = "ghr.gusd";
/// Half a gUSD per GHR, as the feed reports it (loan units per collateral unit, WAD).
pub const HALF: i128 = (WAD / 2) as i128;
pub const LLTV: u128 = 77 * WAD / 100;

pub fn act(a: LendingAction) -> Vec<AppAction> {
    vec![AppAction::Lending(a)]
}

pub fn code(e: &greenhour_framework::ErrorInfo) -> (&str, u32) {
    (e.module.as_str(), e.code)
}

pub fn addr(name: &str) -> Address {
    TestNode::addr(name)
}

pub fn gusd(node: &TestNode, who: &str) -> u128 {
    node.balance(&addr(who), &Denom::gusd())
}

/// The demo genesis with a GHR price feed that alice and bob report (one report closes a round).
pub fn genesis() -> Genesis {
    greenhour_testkit::prices::with_feed(demo_genesis(TEST_CHAIN), FEED, "ugusd per ughr, WAD", 3_600)
}

/// Reports `value` to the feed's open round.
pub fn report(node: &mut TestNode, value: i128) {
    greenhour_testkit::prices::report(node, FEED, value);
}

/// A GHR-collateral market at 77 % LLTV with the price at ½ gUSD, and bob's
/// 1,000 gUSD supplied.
pub fn token_market(node: &mut TestNode) -> MarketId {
    report(node, HALF);
    let id = create_market(node, Collateral::Token { denom: Denom::ghr(), feed: FEED.into() }, LLTV);
    let supply = LendingAction::Supply { market: id, assets: 1_000_000_000 };
    node.deliver(node.tx(&TestNode::key("bob"), act(supply))).unwrap();
    id
}

pub fn view(node: &TestNode, market: MarketId, who: &str) -> PositionView {
    let now = node.app.latest_header().unwrap().time;
    greenhour_lending::query::position(&node.app.snapshot().unwrap(), market, &addr(who), now).unwrap()
}
