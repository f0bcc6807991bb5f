//! Multi-hour purchases, the index they feed, the TWAP, and inventory withdrawn
//! when the capacity behind it leaves — on TestNode with real pledged slots.

use greenhour_app::AppAction;
use greenhour_index::state::{self as index, Weighting};
use greenhour_market::math::WAD;
use greenhour_market::{state, Exact, MarketAction, MarketEvent};
use greenhour_pools::{EntryConditions, PoolKind, PoolsAction, SlotUnit};
use greenhour_primitives::Denom;
use greenhour_testkit::supply::{create_pool, device_with_history, join, pledge, GENESIS_HOUR};
use greenhour_testkit::TestNode;

mod common;
use common::{act, code, FAR, FLOOR};

const FIRST: u64 = GENESIS_HOUR + 5;

fn slot_at(hour: u64) -> Denom {
    greenhour_pools::state::slot_denom(SlotUnit::GpuHour, greenhour_devices::DeviceClass::Home, hour)
}

/// Two devices of alice pledge two GPUs for `hours` hours from `FIRST`; returns
/// the pool and the position serials.
fn pledged(node: &mut TestNode, hours: u32) -> (greenhour_pools::PoolId, Vec<u64>) {
    let pool = create_pool(node, PoolKind::Compute, EntryConditions::default());
    let mut positions = Vec::new();
    for i in 0..2 {
        let device = device_with_history(node, "alice", &format!("dev-{i}"), "u33dc0");
        join(node, "alice", pool, device);
        positions.push(pledge(node, "alice", pool, device, FIRST, hours, 2));
    }
    (pool, positions)
}

fn open_market(node: &mut TestNode, hour: u64, quote: Denom) {
    let create = MarketAction::Create {
        slot: slot_at(hour),
        quote,
        floor_wad: FLOOR,
        half_life: 3_600,
        decay_window: 4 * 3_600,
    };
    node.deliver(node.tx(&TestNode::key("carol"), act(create))).unwrap();
}

/// Alice takes her four slots of `hour` out of custody and deposits them with
/// `per_slot` gUSD each into that hour's new pool.
fn stock_hour(node: &mut TestNode, positions: &[u64], hour: u64, per_slot: u128) {
    for position in positions {
        let release = PoolsAction::Release { position: *position, hour, quantity: 2 };
        node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Pools(release)])).unwrap();
    }
    open_market(node, hour, Denom::gusd());
    let add = MarketAction::AddLiquidity {
        slot: slot_at(hour),
        max_slots: 4,
        max_quote: 4 * per_slot,
        min_shares: 0,
        deadline: FAR,
    };
    node.deliver(node.tx(&TestNode::key("alice"), act(add))).unwrap();
}

/// [`stock_hour`] for the first `hours` hours.
fn stock(node: &mut TestNode, positions: &[u64], hours: u64, per_slot: u128) {
    for hour in FIRST..FIRST + hours {
        stock_hour(node, positions, hour, per_slot);
    }
}

fn buy_hours(hours: u32, max_total: u128) -> MarketAction {
    MarketAction::BuyHours {
        first_slot: slot_at(FIRST),
        hours,
        slots_per_hour: 1,
        quote: Denom::gusd(),
        max_total,
        deadline: FAR,
    }
}

#[test]
fn app_can_buy_four_contiguous_hours_in_one_transaction_and_the_index_shows_the_fill() {
    let mut node = TestNode::new();
    let (_, positions) = pledged(&mut node, 4);
    // Prices rise by the hour: 2, 3, 4, 5 gUSD per slot.
    for (i, per_slot) in [2_000_000u128, 3_000_000, 4_000_000, 5_000_000].into_iter().enumerate() {
        stock_hour(&mut node, &positions, FIRST + i as u64, per_slot);
    }
    let snap = node.app.snapshot().unwrap();
    let expected: Vec<u128> = (0..4)
        .map(|i| {
            let p = state::pool(&snap, &slot_at(FIRST + i)).unwrap();
            greenhour_market::math::amount_in(1, p.v, p.x, p.fee_ppm).unwrap()
        })
        .collect();
    let total: u128 = expected.iter().sum();
    // The four pools read a page of three then the rest, each page after the
    // last slot of the one before, are every pool once in slot order.
    let now = node.now();
    let first_page = greenhour_market::query::pools(&snap, now, None, 3).unwrap();
    let after = first_page.last().map(|p| p.pool.slot.clone());
    let second_page = greenhour_market::query::pools(&snap, now, after.as_ref(), 3).unwrap();
    let paged: Vec<_> = first_page.iter().chain(&second_page).map(|p| p.pool.slot.clone()).collect();
    let all: Vec<_> = state::all_pools(&snap).unwrap().into_iter().map(|p| p.slot).collect();
    assert_eq!((first_page.len(), paged), (3, all));
    let last = second_page.last().map(|p| p.pool.slot.clone());
    assert!(greenhour_market::query::pools(&snap, now, last.as_ref(), 3).unwrap().is_empty());

    let bob = TestNode::addr("bob");
    let before = node.balance(&bob, &Denom::gusd());
    let record = node.deliver(node.tx(&TestNode::key("bob"), act(buy_hours(4, total)))).unwrap();
    assert_eq!(before - node.balance(&bob, &Denom::gusd()), total, "paid the sum of the four exact-out prices");
    for i in 0..4 {
        assert_eq!(node.balance(&bob, &slot_at(FIRST + i)), 1, "one slot of hour {i}");
    }
    let events = MarketEvent::all_in(&record.events);
    assert_eq!(events.iter().filter(|e| matches!(e, MarketEvent::Swap { .. })).count(), 4);
    assert!(events.iter().any(|e| matches!(e, MarketEvent::BoughtHours { hours: 4, .. })), "{events:?}");

    // The index: four fills of one slot for `total`; the green share is the
    // devices' measured one, the same for all, so both prices agree.
    let snap = node.app.snapshot().unwrap();
    let v = index::value(&snap, "home", &Denom::gusd(), node.now()).unwrap();
    assert_eq!((v.fills, v.slots, v.quote_volume), (4, 4, total));
    assert_eq!(v.price_wad, Some(total * WAD / 4));
    assert_eq!(v.hour_price_wad, v.price_wad, "all fills fell in the current hour");
    let device = greenhour_devices::state::device(&snap, greenhour_devices::DeviceId(1)).unwrap();
    let measured = greenhour_devices::state::window_totals(&snap, &device, 0).unwrap().green_share_bps();
    assert!(measured > 0);
    assert_eq!(v.green_share_bps, measured);
    assert_eq!(v.green_price_wad, v.price_wad);
    assert_eq!(
        index::price(&snap, "home", &Denom::gusd(), Weighting::Green, node.now(), 60),
        v.green_price_wad.ok_or(greenhour_index::IndexError::Overflow)
    );
    assert_eq!(index::series(&snap).unwrap(), vec![("home".to_string(), Denom::gusd())]);

    // Readers with a short limit see it go stale; after the window it has no fills.
    node.advance(2 * 3_600);
    node.produce_block(vec![]);
    let snap = node.app.snapshot().unwrap();
    let stale = index::price(&snap, "home", &Denom::gusd(), Weighting::Volume, node.now(), 3_600).unwrap_err();
    assert!(matches!(stale, greenhour_index::IndexError::Stale { max_age: 3_600, .. }), "{stale}");
    node.advance(24 * 3_600);
    node.produce_block(vec![]);
    let snap = node.app.snapshot().unwrap();
    let none = index::price(&snap, "home", &Denom::gusd(), Weighting::Volume, node.now(), u64::MAX).unwrap_err();
    assert!(matches!(none, greenhour_index::IndexError::NoFills { window_hours: 24, .. }), "{none}");
    node.check_invariants();
}

#[test]
fn rejects_multi_hour_purchases_that_cannot_fill_every_hour() {
    let mut node = TestNode::new();
    let (_, positions) = pledged(&mut node, 4);
    stock(&mut node, &positions, 3, 2_000_000); // hours 0..3 have pools, hour 3 has none
    let bob = TestNode::key("bob");
    // A missing pool in the route: nothing fills (expect_rejected checks state is unchanged).
    assert_eq!(code(&node.expect_rejected(&bob, act(buy_hours(4, u128::MAX)))), ("market", 1));
    // The total price limit binds across hours, not per hour.
    let three = {
        let snap = node.app.snapshot().unwrap();
        (0..3)
            .map(|i| {
                let p = state::pool(&snap, &slot_at(FIRST + i)).unwrap();
                greenhour_market::math::amount_in(1, p.v, p.x, p.fee_ppm).unwrap()
            })
            .sum::<u128>()
    };
    assert_eq!(code(&node.expect_rejected(&bob, act(buy_hours(3, three - 1)))), ("market", 10));
    // More slots than an hour holds, a route too long, a zero amount, a past deadline.
    let mut greedy = buy_hours(3, u128::MAX);
    if let MarketAction::BuyHours { slots_per_hour, .. } = &mut greedy {
        *slots_per_hour = 4;
    }
    assert_eq!(code(&node.expect_rejected(&bob, act(greedy))), ("market", 11));
    assert_eq!(code(&node.expect_rejected(&bob, act(buy_hours(25, u128::MAX)))), ("market", 17));
    assert_eq!(code(&node.expect_rejected(&bob, act(buy_hours(0, u128::MAX)))), ("market", 7));
    let mut late = buy_hours(3, u128::MAX);
    if let MarketAction::BuyHours { deadline, .. } = &mut late {
        *deadline = node.now() - 1;
    }
    assert_eq!(code(&node.expect_rejected(&bob, act(late))), ("market", 9));
    // A pool quoted in GHR in the middle of a gUSD route.
    for position in &positions {
        let release = PoolsAction::Release { position: *position, hour: FIRST + 3, quantity: 2 };
        node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Pools(release)])).unwrap();
    }
    open_market(&mut node, FIRST + 3, Denom::ghr());
    let add = MarketAction::AddLiquidity {
        slot: slot_at(FIRST + 3),
        max_slots: 4,
        max_quote: 8_000_000,
        min_shares: 0,
        deadline: FAR,
    };
    node.deliver(node.tx(&TestNode::key("alice"), act(add))).unwrap();
    assert_eq!(code(&node.expect_rejected(&bob, act(buy_hours(4, u128::MAX)))), ("market", 16));
    node.check_invariants();
}

#[test]
fn app_withdraws_a_leaving_devices_inventory_without_loss_to_other_lps() {
    let mut node = TestNode::new();
    let (pool_id, positions) = pledged(&mut node, 1);
    open_market(&mut node, FIRST, Denom::gusd());
    // Device 1's position provides its two slots straight from custody; device 2's
    // owner-released slots go in as plain liquidity by carol (who bought them).
    let provide = PoolsAction::Provide {
        position: positions[0],
        hour: FIRST,
        quantity: 2,
        max_quote: 6_000_000,
        min_shares: 0,
        deadline: FAR,
    };
    node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Pools(provide)])).unwrap();
    let release = PoolsAction::Release { position: positions[1], hour: FIRST, quantity: 2 };
    node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Pools(release)])).unwrap();
    node.deliver(node.send("alice", &TestNode::addr("carol"), greenhour_primitives::Coin::new(slot_at(FIRST), 2)))
        .unwrap();
    let add = MarketAction::AddLiquidity {
        slot: slot_at(FIRST),
        max_slots: 2,
        max_quote: 6_000_000,
        min_shares: 0,
        deadline: FAR,
    };
    node.deliver(node.tx(&TestNode::key("carol"), act(add))).unwrap();
    let lp = state::lp_denom(&slot_at(FIRST));
    let carol = TestNode::addr("carol");
    let carol_shares = node.balance(&carol, &lp);
    // Carol's claim (in WAD fractions of a slot and of a µgUSD) as of a time: the
    // pool decays as the hour nears, so compare at one time.
    let claim = |node: &TestNode, at: u64| {
        let mut p = state::pool(&node.app.snapshot().unwrap(), &slot_at(FIRST)).unwrap();
        p.accrue(at).unwrap();
        (carol_shares * p.x * WAD / p.shares, carol_shares * p.y * WAD / p.shares)
    };
    let leave_time = node.now() + 5; // the next block's
    let before = claim(&node, leave_time);
    let alice_gusd = node.balance(&TestNode::addr("alice"), &Denom::gusd());

    // Device 1 leaves: its position's inventory leaves the market with it.
    let leave = PoolsAction::Leave { pool: pool_id, device: greenhour_devices::DeviceId(1) };
    let record = node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Pools(leave)])).unwrap();
    assert!(MarketEvent::all_in(&record.events).iter().any(|e| matches!(e, MarketEvent::CapacityWithdrawn { .. })));
    let after = claim(&node, leave_time);
    // The withdrawal is pro rata by shares, rounded down for the leaver: the other
    // LP's claim on both sides can only grow.
    assert!(after.0 >= before.0 && after.1 >= before.1, "carol's claim {before:?} → {after:?}");
    assert!(node.balance(&TestNode::addr("alice"), &Denom::gusd()) > alice_gusd, "alice got her quote back");
    let pool = state::pool(&node.app.snapshot().unwrap(), &slot_at(FIRST)).unwrap();
    // Alice's shares stood for ⌊2464·4/6928⌋ = 1 slot (the first deposit locks 1,000 shares).
    assert_eq!((pool.withdrawn, pool.x), (1, 3));
    assert_eq!(node.supply(&slot_at(FIRST)), 3, "the withdrawn slot was burned");
    let shown = greenhour_pools::state::position(&node.app.snapshot().unwrap(), positions[0]).unwrap();
    assert_eq!((shown.sold(FIRST), shown.withdrawn(FIRST)), (1, 1), "one slot stays out as sold, one withdrawn");

    // Asking for slots that went with the device says so.
    let swap = MarketAction::Swap {
        slot: slot_at(FIRST),
        buy_slots: true,
        exact: Exact::Out(3),
        limit: u128::MAX,
        deadline: FAR,
    };
    assert_eq!(code(&node.expect_rejected(&TestNode::key("bob"), act(swap))), ("market", 15));
    node.check_invariants();
}

#[test]
fn app_can_read_a_twap_that_lags_the_spot_price() {
    let mut node = TestNode::new();
    let (_, positions) = pledged(&mut node, 1);
    stock(&mut node, &positions, 1, 2_000_000);
    let start = state::pool(&node.app.snapshot().unwrap(), &slot_at(FIRST)).unwrap().price_wad();
    node.advance(600);
    let swap = MarketAction::Swap {
        slot: slot_at(FIRST),
        buy_slots: true,
        exact: Exact::Out(1),
        limit: u128::MAX,
        deadline: FAR,
    };
    node.deliver(node.tx(&TestNode::key("bob"), act(swap))).unwrap();
    node.advance(600);
    node.produce_block(vec![]);
    let mut pool = state::pool(&node.app.snapshot().unwrap(), &slot_at(FIRST)).unwrap();
    let spot = pool.price_wad();
    pool.accrue(node.now()).unwrap();
    let twap = pool.twap().expect("a twap after time passed");
    assert!(spot > start, "buying raised the price");
    assert!(twap.price_wad > start && twap.price_wad < spot, "{start} < {} < {spot}", twap.price_wad);
    assert_eq!(twap.to, node.now());
}

#[test]
fn app_can_provide_a_positions_slots_and_its_new_owner_is_paid_when_the_hour_ends() {
    let mut node = TestNode::new();
    let (_, positions) = pledged(&mut node, 1);
    open_market(&mut node, FIRST, Denom::gusd());
    let provide = |quantity: u32| PoolsAction::Provide {
        position: positions[0],
        hour: FIRST,
        quantity,
        max_quote: 6_000_000,
        min_shares: 0,
        deadline: FAR,
    };
    let pools = |a: PoolsAction| vec![AppAction::Pools(a)];
    // Refused: someone else's position, more than is unsold, a past deadline, an hour not in it.
    assert_eq!(code(&node.expect_rejected(&TestNode::key("bob"), pools(provide(1)))), ("pools", 14));
    assert_eq!(code(&node.expect_rejected(&TestNode::key("alice"), pools(provide(3)))), ("pools", 15));
    let mut late = provide(1);
    if let PoolsAction::Provide { deadline, .. } = &mut late {
        *deadline = node.now() - 1;
    }
    assert_eq!(code(&node.expect_rejected(&TestNode::key("alice"), pools(late))), ("pools", 19));
    let mut elsewhere = provide(1);
    if let PoolsAction::Provide { hour, .. } = &mut elsewhere {
        *hour = FIRST + 1;
    }
    assert_eq!(code(&node.expect_rejected(&TestNode::key("alice"), pools(elsewhere))), ("pools", 16));

    node.deliver(node.tx(&TestNode::key("alice"), pools(provide(2)))).unwrap();
    let swap = MarketAction::Swap {
        slot: slot_at(FIRST),
        buy_slots: true,
        exact: Exact::Out(1),
        limit: u128::MAX,
        deadline: FAR,
    };
    node.deliver(node.tx(&TestNode::key("bob"), act(swap))).unwrap();
    // The position NFT (and with it the LP claim) goes to dave.
    let transfer = greenhour_nft::NftAction::Transfer {
        id: greenhour_nft::TokenId { class: greenhour_pools::POSITION_CLASS.into(), serial: positions[0] },
        to: TestNode::addr("dave"),
    };
    node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Nft(transfer)])).unwrap();
    let held = {
        let snap = node.app.snapshot().unwrap();
        greenhour_bank::state::balance(&snap, &greenhour_pools::api::custody(), &state::lp_denom(&slot_at(FIRST)))
            .unwrap()
    };
    let withdraw = |shares: u128| PoolsAction::Withdraw {
        position: positions[0],
        hour: FIRST,
        shares,
        min_slots: 0,
        min_quote: 0,
        deadline: FAR,
    };
    assert_eq!(code(&node.expect_rejected(&TestNode::key("alice"), pools(withdraw(held)))), ("pools", 14));
    assert_eq!(code(&node.expect_rejected(&TestNode::key("dave"), pools(withdraw(held + 1)))), ("pools", 20));

    // After the hour: the slots are gone and the pools sweep pays dave, the NFT's
    // holder, the quote (the sale and the deposit) with no action of his.
    let dave = TestNode::addr("dave");
    let before = node.balance(&dave, &Denom::gusd());
    node.advance((FIRST + 1) * 3_600 - node.now());
    node.produce_block(vec![]);
    let got = node.balance(&dave, &Denom::gusd()) - before;
    // (The block's own hooks move on here, so this checks the refusal, not an unchanged state.)
    let refused = node.deliver(node.tx(&TestNode::key("dave"), pools(withdraw(held)))).unwrap_err();
    assert_eq!(code(&refused), ("pools", 20), "nothing left to withdraw");
    assert!(got > 6_000_000 * held / (held + 1_000), "dave received the position's quote and sale: {got}");
    assert_eq!(node.balance(&dave, &slot_at(FIRST)), 0);
    node.check_invariants();
}
