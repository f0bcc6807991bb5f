//! Helpers shared by the market test files: a pool with real pledged slots.
#![allow(dead_code)]

use greenhour_app::AppAction;
use greenhour_market::math::WAD;
use greenhour_market::{Exact, MarketAction};
use greenhour_pools::{EntryConditions, PoolKind, PoolsAction, SlotUnit};
use greenhour_primitives::Denom;
use greenhour_testkit::supply::{create_pool, device_with_history, join, pledge, GENESIS_HOUR};
use greenhour_testkit::TestNode;

pub const HOUR_SLOT: u64 = GENESIS_HOUR + 10;
pub const FLOOR: u128 = 500_000 * WAD; // 0.5 gUSD per slot
pub const FAR: u64 = u64::MAX;

pub fn slot() -> Denom {
    greenhour_pools::state::slot_denom(SlotUnit::GpuHour, greenhour_devices::DeviceClass::Home, HOUR_SLOT)
}

pub fn act(a: MarketAction) -> Vec<AppAction> {
    vec![AppAction::Market(a)]
}

pub fn code(e: &greenhour_framework::ErrorInfo) -> (&str, u32) {
    (e.module.as_str(), e.code)
}

/// Alice's five devices pledge two GPUs each for `HOUR_SLOT` and she takes the ten
/// slots out of custody; carol opens the market pool.
pub fn pool_with_slots(node: &mut TestNode) {
    let pool = create_pool(node, PoolKind::Compute, EntryConditions::default());
    for i in 0..5 {
        let device = device_with_history(node, "alice", &format!("dev-{i}"), "u33dc0");
        join(node, "alice", pool, device);
        let position = pledge(node, "alice", pool, device, HOUR_SLOT, 1, 2);
        let release = PoolsAction::Release { position, hour: HOUR_SLOT, quantity: 2 };
        node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Pools(release)])).unwrap();
    }
    assert_eq!(node.balance(&TestNode::addr("alice"), &slot()), 10);
    let create = MarketAction::Create {
        slot: slot(),
        quote: Denom::gusd(),
        floor_wad: FLOOR,
        half_life: 3_600,
        decay_window: 4 * 3_600,
    };
    node.deliver(node.tx(&TestNode::key("carol"), act(create))).unwrap();
}

pub fn add(node: &mut TestNode, who: &str, slots: u128, quote: u128) -> Result<(), greenhour_framework::ErrorInfo> {
    let a =
        MarketAction::AddLiquidity { slot: slot(), max_slots: slots, max_quote: quote, min_shares: 0, deadline: FAR };
    node.deliver(node.tx(&TestNode::key(who), act(a))).map(|_| ())
}

pub fn buy_one(node: &mut TestNode, who: &str) -> u128 {
    let before = node.balance(&TestNode::addr(who), &Denom::gusd());
    let swap =
        MarketAction::Swap { slot: slot(), buy_slots: true, exact: Exact::Out(1), limit: u128::MAX, deadline: FAR };
    node.deliver(node.tx(&TestNode::key(who), act(swap))).unwrap();
    before - node.balance(&TestNode::addr(who), &Denom::gusd())
}
