//! A market pool through its whole life on TestNode — opening, trading at the
//! Uniswap v2 price, decay as the hour nears, close at the start, expiry, LP
//! withdrawal — and everything refused.

use greenhour_market::math;
use greenhour_market::{api::custody, state, Exact, MarketAction};
use greenhour_pools::SlotUnit;
use greenhour_primitives::Denom;
use greenhour_testkit::supply::GENESIS_HOUR;
use greenhour_testkit::TestNode;

mod common;
use common::*;

#[test]
fn app_can_run_a_market_pool_through_its_life() {
    let mut node = TestNode::new();
    pool_with_slots(&mut node);
    let alice = TestNode::addr("alice");
    add(&mut node, "alice", 10, 20_000_000).unwrap();
    let lp = state::lp_denom(&slot());
    let shares = node.balance(&alice, &lp);
    assert_eq!(shares, math::initial_shares(10, 20_000_000).unwrap());

    // Far from the hour: exactly Uniswap v2's getAmountIn, fee 0.3 %, part of it to the protocol.
    let expected = math::amount_in(1, 20_000_000, 10, 3_000).unwrap();
    let collector =
        greenhour_bank::state::module_account(&node.app.snapshot().unwrap(), "fee_collector").unwrap().address;
    let fees_before = node.balance(&collector, &Denom::gusd());
    let first = buy_one(&mut node, "bob");
    assert_eq!(first, expected);
    assert_eq!(node.balance(&TestNode::addr("bob"), &slot()), 1);
    let protocol = first * 3_000 / 1_000_000 * 166_667 / 1_000_000;
    assert_eq!(node.balance(&collector, &Denom::gusd()) - fees_before, protocol);
    let after_bob = state::pool(&node.app.snapshot().unwrap(), &slot()).unwrap();
    assert_eq!(
        (after_bob.x, after_bob.v, after_bob.y),
        (9, 20_000_000 + first - protocol, 20_000_000 + first - protocol)
    );

    // Two hours into the four-hour decay window: the premium over the floor fell to a
    // quarter, and the next slot costs what the spec's formula says.
    let window_start = HOUR_SLOT * 3_600 - 4 * 3_600;
    node.advance(window_start + 2 * 3_600 - node.now() - 5);
    let v = math::decayed_virtual_quote(after_bob.v, 9, FLOOR, 2 * 3_600, 3_600).unwrap();
    let second = buy_one(&mut node, "carol");
    assert_eq!(second, math::amount_in(1, v, 9, 3_000).unwrap());
    assert!(second < first, "unsold inventory got cheaper: {second} < {first}");
    let pool = state::pool(&node.app.snapshot().unwrap(), &slot()).unwrap();
    assert!(pool.v < pool.y, "decay moved quote into the LPs' credit");

    // At the hour's start trading and deposits close.
    node.advance(HOUR_SLOT * 3_600 - node.now());
    node.produce_block(vec![]);
    let swap =
        MarketAction::Swap { slot: slot(), buy_slots: true, exact: Exact::Out(1), limit: u128::MAX, deadline: FAR };
    assert_eq!(code(&node.expect_rejected(&TestNode::key("bob"), act(swap))), ("market", 5));
    assert_eq!(code(&add(&mut node, "alice", 1, 1).unwrap_err()), ("market", 5));

    // After the hour the slots are gone; the LP takes the quote side.
    node.advance(3_600);
    node.produce_block(vec![]);
    assert_eq!(node.supply(&slot()), 0);
    let quote_before = node.balance(&alice, &Denom::gusd());
    let pool = state::pool(&node.app.snapshot().unwrap(), &slot()).unwrap();
    let remove = MarketAction::RemoveLiquidity { slot: slot(), shares, min_slots: 0, min_quote: 0, deadline: FAR };
    node.deliver(node.tx(&TestNode::key("alice"), act(remove))).unwrap();
    let received = node.balance(&alice, &Denom::gusd()) - quote_before; // fees are paid in ughr
    assert_eq!(received, pool.y * shares / pool.shares);
    assert!(received > 20_000_000, "the LP earned the two sales and their fees");
    assert_eq!(node.balance(&alice, &lp), 0);
    assert_eq!(node.balance(&custody(), &Denom::gusd()), pool.y - received);
}

#[test]
fn rejects_bad_market_actions() {
    let mut node = TestNode::new();
    pool_with_slots(&mut node);
    add(&mut node, "alice", 10, 20_000_000).unwrap();
    let bob = TestNode::key("bob");
    let swap = |exact, limit, deadline| MarketAction::Swap { slot: slot(), buy_slots: true, exact, limit, deadline };
    let cases: Vec<(MarketAction, u32)> = vec![
        (swap(Exact::Out(1), u128::MAX, TestNode::new().now()), 9), // deadline in the past
        (swap(Exact::Out(1), 10, FAR), 10),                         // pays more than the limit
        (swap(Exact::In(1_000_000), 1, FAR), 10),                   // gets less than the limit (0 slots)
        (swap(Exact::Out(10), u128::MAX, FAR), 11),                 // the whole pool
        (swap(Exact::In(0), 0, FAR), 7),
        (
            MarketAction::Create {
                slot: slot(),
                quote: Denom::gusd(),
                floor_wad: 0,
                half_life: 3_600,
                decay_window: 0,
            },
            2,
        ),
        (
            MarketAction::Create {
                slot: greenhour_pools::state::slot_denom(
                    SlotUnit::GpuHour,
                    greenhour_devices::DeviceClass::Home,
                    GENESIS_HOUR,
                ),
                quote: Denom::gusd(),
                floor_wad: 0,
                half_life: 3_600,
                decay_window: 0,
            },
            4,
        ),
        (
            MarketAction::Create {
                slot: Denom::ghr(),
                quote: Denom::gusd(),
                floor_wad: 0,
                half_life: 3_600,
                decay_window: 0,
            },
            3,
        ),
        (
            MarketAction::Create {
                slot: Denom::new("slot/home/0099").unwrap(),
                quote: Denom::gusd(),
                floor_wad: 0,
                half_life: 3_600,
                decay_window: 0,
            },
            3,
        ),
        (
            MarketAction::Create {
                slot: Denom::new(format!("slot/regional/{}", HOUR_SLOT)).unwrap(),
                quote: greenhour_testkit::test_denom(),
                floor_wad: 0,
                half_life: 3_600,
                decay_window: 0,
            },
            3,
        ),
        (
            MarketAction::Create {
                slot: Denom::new(format!("slot/regional/{}", HOUR_SLOT)).unwrap(),
                quote: Denom::gusd(),
                floor_wad: 0,
                half_life: 1,
                decay_window: 0,
            },
            6,
        ),
        (MarketAction::RemoveLiquidity { slot: slot(), shares: 5, min_slots: 0, min_quote: 0, deadline: FAR }, 97),
        // An hour beyond the 14-day horizon, and one whose start time would overflow.
        (
            MarketAction::Create {
                slot: Denom::new(format!("slot/home/{}", GENESIS_HOUR + 14 * 24 + 1)).unwrap(),
                quote: Denom::gusd(),
                floor_wad: 0,
                half_life: 3_600,
                decay_window: 0,
            },
            14,
        ),
        (
            MarketAction::Create {
                slot: Denom::new(format!("slot/home/{}", u64::MAX)).unwrap(),
                quote: Denom::gusd(),
                floor_wad: 0,
                half_life: 3_600,
                decay_window: 0,
            },
            14,
        ),
    ];
    for (action, expected) in cases {
        let err = node.expect_rejected(&bob, act(action.clone()));
        assert_eq!(code(&err), ("market", expected), "{action:?}: {err}");
    }
    // Removing more than one owns, and asking for more than the shares are worth.
    let alice = TestNode::key("alice");
    let shares = node.balance(&TestNode::addr("alice"), &state::lp_denom(&slot()));
    let too_many =
        MarketAction::RemoveLiquidity { slot: slot(), shares: shares + 1, min_slots: 0, min_quote: 0, deadline: FAR };
    assert_eq!(code(&node.expect_rejected(&alice, act(too_many))), ("market", 97));
    let greedy = MarketAction::RemoveLiquidity { slot: slot(), shares, min_slots: 11, min_quote: 0, deadline: FAR };
    assert_eq!(code(&node.expect_rejected(&alice, act(greedy))), ("market", 10));
}
