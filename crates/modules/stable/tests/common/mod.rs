//! Helpers shared by the stable test files: the demo genesis with a GHR price
//! feed, vault and pool actions, and reads.
#![allow(dead_code)]

use greenhour_app::{AppAction, Genesis};
use greenhour_primitives::{Address, Denom};
use greenhour_stable::math::WAD;
use greenhour_stable::query::VaultView;
use greenhour_stable::{StableAction, StableEvent, VaultId};
use greenhour_testkit::{demo_genesis, TestNode, TEST_CHAIN};

pub const FEED: &str = "ghr.gusd";
/// Half a gUSD per GHR, as the feed reports it (ugusd per ughr, WAD).
pub const HALF: i128 = (WAD / 2) as i128;
/// 1,000 GHR and 100 gUSD, in micro-units.
pub const GHR_1000: u128 = 1_000_000_000;
pub const GUSD_100: u128 = 100_000_000;

pub fn act(a: StableAction) -> Vec<AppAction> {
    vec![AppAction::Stable(a)]
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

pub fn ghr(node: &TestNode, who: &str) -> u128 {
    node.balance(&addr(who), &Denom::ghr())
}

/// The demo genesis with a GHR price feed that alice and bob report (one report closes a round).
pub fn genesis() -> Genesis {
    greenhour_testkit::prices::with_feed(demo_genesis(TEST_CHAIN), FEED, "ugusd per ughr, WAD", 3_600)
}

/// A node on that genesis with GHR at ½ gUSD.
pub fn node() -> TestNode {
    node_with_max_age(3_600)
}

/// The same with the feed trusted for `max_age` seconds after each report.
pub fn node_with_max_age(max_age: u64) -> TestNode {
    let mut g = genesis();
    g.oracle.feeds.last_mut().expect("the GHR feed").max_age = max_age;
    let mut node = TestNode::with_genesis(&g);
    report(&mut node, HALF);
    node
}

/// Reports `value` to the feed's open round.
pub fn report(node: &mut TestNode, value: i128) {
    greenhour_testkit::prices::report(node, FEED, value);
}

/// `who` opens a GHR vault; returns its id.
pub fn open(node: &mut TestNode, who: &str, collateral: u128, debt: u128, rate_bps: u32) -> VaultId {
    let a = StableAction::Open { denom: Denom::ghr(), collateral, debt, rate_bps };
    let record = node.deliver(node.tx(&TestNode::key(who), act(a))).unwrap();
    StableEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            StableEvent::Opened { vault, .. } => Some(vault),
            _ => None,
        })
        .expect("an opened event")
}

pub fn run(node: &mut TestNode, who: &str, a: StableAction) -> Result<(), greenhour_framework::ErrorInfo> {
    node.deliver(node.tx(&TestNode::key(who), act(a))).map(|_| ())
}

pub fn now(node: &TestNode) -> u64 {
    node.app.latest_header().unwrap().time
}

pub fn view(node: &TestNode, id: VaultId) -> VaultView {
    greenhour_stable::query::vault(&node.app.snapshot().unwrap(), id, now(node)).unwrap()
}

pub fn reserve(node: &TestNode) -> greenhour_stable::query::Reserve {
    greenhour_stable::query::reserve(&node.app.snapshot().unwrap(), now(node)).unwrap()
}
