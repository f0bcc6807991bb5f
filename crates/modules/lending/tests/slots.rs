//! Hour-slot tokens as collateral through the whole app (invariants checked after
//! every block): borrowing against slots priced by the index, the loan-to-value
//! decaying as their hour approaches, liquidation by time alone, slots returned
//! when their hour starts with the debt left written off, and every refusal.

mod common;

use common::*;
use greenhour_devices::DeviceClass;
use greenhour_lending::math::WAD;
use greenhour_lending::{Collateral, LendingAction, LendingEvent, MarketId};
use greenhour_pools::PoolsAction;
use greenhour_testkit::supply::GENESIS_HOUR;
use greenhour_testkit::TestNode;

/// The hour of dave's slots: six hours after genesis, inside his pledge.
const HOUR: u64 = GENESIS_HOUR + 6;

/// The position-NFT market's setup (an index fill, dave's pledge of two GPUs over
/// 12 hours), then a slot market at 50 % LLTV with bob's 1,000 gUSD, and dave's two
/// slots of `HOUR` released from custody to him. Returns the slot market.
fn slot_market(node: &mut TestNode) -> MarketId {
    let (_, serial) = position_market(node, 12);
    let m = create_market(node, Collateral::Slots { class: DeviceClass::Home }, WAD / 2);
    node.deliver(node.tx(&TestNode::key("bob"), act(LendingAction::Supply { market: m, assets: 1_000_000_000 })))
        .unwrap();
    let release = PoolsAction::Release { position: serial, hour: HOUR, quantity: 2 };
    node.deliver(node.tx(&TestNode::key("dave"), vec![greenhour_app::AppAction::Pools(release)])).unwrap();
    m
}

fn slots_of(node: &TestNode, who: &str) -> u128 {
    node.balance(
        &addr(who),
        &greenhour_pools::api::slot_denom(greenhour_pools::SlotUnit::GpuHour, DeviceClass::Home, HOUR),
    )
}

#[test]
fn app_can_borrow_against_slot_tokens_and_liquidate_them_by_time_alone() {
    let mut node = TestNode::new();
    let m = slot_market(&mut node);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplySlots { market: m, hour: HOUR, quantity: 2 }))).unwrap();
    assert_eq!(slots_of(&node, "dave"), 0, "both slots are collateral now");
    let v = view(&node, m, "dave");
    let limit = v.borrow_limit.unwrap();
    assert!(limit > 0, "{v:?}");
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit * 9 / 10 }))).unwrap();
    assert!(!view(&node, m, "dave").liquidatable);

    // No price moves: two hours closer to the slots' hour, the LLTV has decayed.
    node.advance(2 * 3_600);
    node.produce_block(vec![]);
    let v = view(&node, m, "dave");
    assert!(v.liquidatable, "time alone: {v:?}");
    assert!(v.borrow_limit.unwrap() < limit);
    let debt = v.debt;
    let bob = TestNode::key("bob");
    let liquidate = LendingAction::LiquidateSlots { market: m, borrower: addr("dave"), hour: HOUR, quantity: 1 };
    let record = node.deliver(node.tx(&bob, act(liquidate))).unwrap();
    let repaid = LendingEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            LendingEvent::SlotsLiquidated { repaid, quantity: 1, .. } => Some(repaid),
            _ => None,
        })
        .expect("a slot liquidation");
    assert!(repaid > 0 && repaid <= debt, "{repaid} of {debt}");
    assert_eq!(slots_of(&node, "bob"), 1, "the liquidator holds the slot");
    assert_eq!(view(&node, m, "dave").position.slots_of(HOUR), 1);

    // The hour starts: the slot left is worth nothing to the loan (its market has
    // closed) and goes back to dave, whose right to that hour it still is.
    node.advance((HOUR * 3_600).saturating_sub(node.now()) + 1);
    let outcome = node.produce_block(vec![]);
    let events = LendingEvent::all_in(&outcome.block_events);
    assert!(
        events.iter().any(|e| matches!(e, LendingEvent::SlotsReturned { hour: HOUR, quantity: 1, .. })),
        "{events:?}"
    );
    assert_eq!(slots_of(&node, "dave"), 1);
    assert!(view(&node, m, "dave").position.slots.is_empty());
}

#[test]
fn app_can_write_off_a_loan_whose_slots_reached_their_hour() {
    let mut node = TestNode::new();
    let m = slot_market(&mut node);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplySlots { market: m, hour: HOUR, quantity: 2 }))).unwrap();
    let limit = view(&node, m, "dave").borrow_limit.unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit * 9 / 10 }))).unwrap();
    let before = greenhour_lending::query::market(&node.app.snapshot().unwrap(), m, node.now()).unwrap().totals;
    // Nobody liquidates: at the hour's start the slots leave, and the debt is written off.
    node.advance((HOUR * 3_600).saturating_sub(node.now()) + 1);
    let outcome = node.produce_block(vec![]);
    let events = LendingEvent::all_in(&outcome.block_events);
    let written_off = events
        .iter()
        .find_map(|e| match e {
            LendingEvent::BadDebt { assets, .. } => Some(*assets),
            _ => None,
        })
        .expect("bad debt realised");
    assert!(written_off >= limit * 9 / 10, "{written_off}");
    let v = view(&node, m, "dave");
    assert!(v.position.slots.is_empty() && v.debt == 0, "{v:?}");
    let after = greenhour_lending::query::market(&node.app.snapshot().unwrap(), m, node.now()).unwrap().totals;
    assert_eq!(after.bad_debt, before.bad_debt + written_off);
    assert!(after.supply_assets < before.supply_assets + written_off, "the suppliers bear it: {after:?}");
}

#[test]
fn app_can_withdraw_slots_a_healthy_loan_does_not_need() {
    let mut node = TestNode::new();
    let m = slot_market(&mut node);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplySlots { market: m, hour: HOUR, quantity: 2 }))).unwrap();
    let limit = view(&node, m, "dave").borrow_limit.unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit / 4 }))).unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::WithdrawSlots { market: m, hour: HOUR, quantity: 1 }))).unwrap();
    assert_eq!(slots_of(&node, "dave"), 1);
    assert!(!view(&node, m, "dave").liquidatable);
}

#[test]
fn rejects_bad_slot_collateral_actions_and_changes_nothing() {
    let mut node = TestNode::with_genesis(&genesis());
    let m = slot_market(&mut node);
    let dave = TestNode::key("dave");
    node.deliver(node.tx(&dave, act(LendingAction::SupplySlots { market: m, hour: HOUR, quantity: 2 }))).unwrap();
    let limit = view(&node, m, "dave").borrow_limit.unwrap();
    node.deliver(node.tx(&dave, act(LendingAction::Borrow { market: m, assets: limit * 9 / 10 }))).unwrap();
    let token_market = token_market(&mut node);
    let cases: Vec<(&str, LendingAction, (&str, u32), &str)> = vec![
        ("dave", LendingAction::SupplySlots { market: m, hour: HOUR, quantity: 0 }, ("lending", 7), "zero"),
        ("dave", LendingAction::SupplySlots { market: m, hour: GENESIS_HOUR, quantity: 1 }, ("lending", 21), "started"),
        ("dave", LendingAction::SupplySlots { market: m, hour: HOUR, quantity: 1 }, ("lending", 19), "none left"),
        (
            "dave",
            LendingAction::WithdrawSlots { market: m, hour: HOUR, quantity: 3 },
            ("lending", 10),
            "more than held",
        ),
        (
            "dave",
            LendingAction::WithdrawSlots { market: m, hour: HOUR, quantity: 2 },
            ("lending", 12),
            "leaves it unhealthy",
        ),
        (
            "dave",
            LendingAction::SupplySlots { market: token_market, hour: HOUR, quantity: 1 },
            ("lending", 9),
            "a token market",
        ),
        (
            "bob",
            LendingAction::LiquidateSlots { market: m, borrower: addr("dave"), hour: HOUR, quantity: 1 },
            ("lending", 13),
            "healthy",
        ),
        ("bob", LendingAction::WithdrawSlots { market: m, hour: HOUR, quantity: 1 }, ("lending", 10), "not bob's"),
    ];
    for (who, action, expected, why) in cases {
        let e = node.expect_rejected(&TestNode::key(who), act(action));
        assert_eq!(code(&e), expected, "{why}: {e}");
    }
}
