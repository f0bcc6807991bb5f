//! Lending markets for tests of modules that lend against, or supply to, a
//! market: a market created by carol, and a position-NFT market over real
//! pledges priced by a real index fill.

use crate::supply::{create_pool, device_with_history, join, pledge, GENESIS_HOUR};
use crate::TestNode;
use greenhour_app::AppAction;
use greenhour_lending::{Collateral, LendingAction, LendingEvent, MarketId};
use greenhour_market::{Exact, MarketAction};
use greenhour_pools::{EntryConditions, PoolKind, PoolsAction, SlotUnit};
use greenhour_primitives::fixed::WAD;
use greenhour_primitives::Denom;

/// The hour whose slots give the home index its fill.
pub const SLOT_HOUR: u64 = GENESIS_HOUR + 10;

fn act(a: LendingAction) -> Vec<AppAction> {
    vec![AppAction::Lending(a)]
}

/// carol creates a gUSD market against `collateral`; returns its id.
pub fn create_market(node: &mut TestNode, collateral: Collateral, lltv_wad: u128) -> MarketId {
    let a = LendingAction::CreateMarket { loan: Denom::gusd(), collateral, lltv_wad };
    let record = node.deliver(node.tx(&TestNode::key("carol"), act(a))).unwrap();
    LendingEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            LendingEvent::MarketCreated { market, .. } => Some(market),
            _ => None,
        })
        .expect("a market creation event")
}

pub fn slot() -> Denom {
    greenhour_pools::state::slot_denom(SlotUnit::GpuHour, greenhour_devices::DeviceClass::Home, SLOT_HOUR)
}

/// The home index gets a fill (alice's pledged slots in a market pool, bob buys
/// one), dave's device joins and pledges two GPUs for `hours` hours from the next
/// but one, and a position-NFT market at 50 % LLTV opens with bob's 1,000 gUSD.
/// Returns the market and dave's position serial.
pub fn position_market(node: &mut TestNode, hours: u32) -> (MarketId, u64) {
    let pool = create_pool(node, PoolKind::Compute, EntryConditions::default());
    let device = device_with_history(node, "alice", "alice-dev", "u33dc0");
    join(node, "alice", pool, device);
    let position = pledge(node, "alice", pool, device, SLOT_HOUR, 1, 2);
    let release = PoolsAction::Release { position, hour: SLOT_HOUR, quantity: 2 };
    node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Pools(release)])).unwrap();
    let create = MarketAction::Create {
        slot: slot(),
        quote: Denom::gusd(),
        floor_wad: 500_000 * WAD,
        half_life: 3_600,
        decay_window: 4 * 3_600,
    };
    node.deliver(node.tx(&TestNode::key("carol"), vec![AppAction::Market(create)])).unwrap();
    let add = MarketAction::AddLiquidity {
        slot: slot(),
        max_slots: 2,
        max_quote: 4_000_000,
        min_shares: 0,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Market(add)])).unwrap();
    let buy = MarketAction::Swap {
        slot: slot(),
        buy_slots: true,
        exact: Exact::Out(1),
        limit: u128::MAX,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&TestNode::key("bob"), vec![AppAction::Market(buy)])).unwrap();

    let dave_device = device_with_history(node, "dave", "dave-dev", "u33dc1");
    join(node, "dave", pool, dave_device);
    let serial = pledge(node, "dave", pool, dave_device, GENESIS_HOUR + 2, hours, 2);
    let market = create_market(node, Collateral::Positions { class: greenhour_devices::DeviceClass::Home }, WAD / 2);
    let supply = LendingAction::Supply { market, assets: 1_000_000_000 };
    node.deliver(node.tx(&TestNode::key("bob"), act(supply))).unwrap();
    (market, serial)
}
