//! Pools scenarios on TestNode: entry, pledges, slot tokens, positions, expiry,
//! leaving, the lottery, and everything refused.

use greenhour_app::AppAction;
use greenhour_bank::BankAction;
use greenhour_devices::{DeviceClass, DeviceId, DevicesAction};
use greenhour_nft::{NftAction, TokenId};
use greenhour_pools::{
    api::custody, state, CapacityState, EntryConditions, MemberStatus, PoolId, PoolKind, PoolsAction, PoolsEvent,
    SlotUnit, POSITION_CLASS,
};
use greenhour_primitives::{Coin, Denom};
use greenhour_testkit::TestNode;

mod common;
use common::*;

fn slot(hour: u64) -> Denom {
    state::slot_denom(SlotUnit::GpuHour, DeviceClass::Home, hour)
}

fn code(err: &greenhour_framework::ErrorInfo) -> (&str, u32) {
    (err.module.as_str(), err.code)
}

/// A member device with tomorrow's 24 hours pledged at 2 GPUs: (pool, device, position).
fn pledged_member(node: &mut TestNode) -> (PoolId, DeviceId, u64) {
    let device = device_with_history(node, "alice", "dev-1", "u33dc0");
    let pool = create_pool(node, PoolKind::GreenCompute, conditions());
    join(node, "alice", pool, device);
    let position = pledge(node, "alice", pool, device, NEXT_HOUR, 24, 2);
    (pool, device, position)
}

#[test]
fn app_can_join_a_pool_pledge_tomorrow_and_hold_the_position() {
    let mut node = TestNode::new();
    let alice = TestNode::addr("alice");
    let ghr_before = node.balance(&alice, &Denom::ghr());
    let (pool, device, serial) = pledged_member(&mut node);
    let snap = node.app.snapshot().unwrap();
    let member = state::member(&snap, pool, device).unwrap().unwrap();
    assert_eq!(member.status, MemberStatus::Active);
    assert_eq!(member.stake, 1_000_000);
    assert_eq!(state::pool(&snap, pool).unwrap().members, 1);
    assert!(greenhour_devices::state::pool_locked(&snap, device).unwrap());
    // The stake (and fees) left alice; 26 transactions paid the minimum fee.
    let fees = 27 * node.app.params().min_fee;
    assert_eq!(node.balance(&alice, &Denom::ghr()), ghr_before - 1_000_000 - fees);
    assert_eq!(node.balance(&custody(), &Denom::ghr()), 1_000_000);
    for hour in NEXT_HOUR..NEXT_HOUR + 24 {
        assert_eq!(node.supply(&slot(hour)), 2, "two GPU-hours minted for hour {hour}");
        assert_eq!(node.balance(&custody(), &slot(hour)), 2, "held unsold in custody");
    }
    assert_eq!(node.supply(&slot(NEXT_HOUR + 24)), 0);
    let position = state::position(&snap, serial).unwrap();
    assert_eq!((position.device, position.pool, position.quantity, position.hours), (device, pool, 2, 24));
    assert_eq!(position.state(NEXT_HOUR, node.now()), CapacityState::Online);
    let token = greenhour_nft::state::token(&snap, &TokenId { class: POSITION_CLASS.into(), serial }).unwrap();
    assert_eq!(token.owner, alice);
    assert!(token.attributes.contains(&("first_hour".to_string(), NEXT_HOUR.to_string())));
    assert_eq!(greenhour_bank::state::holders(&snap, &slot(NEXT_HOUR)).unwrap(), vec![custody()]);
}

#[test]
fn app_can_transfer_the_position_and_its_new_owner_releases_and_trades_slots() {
    let mut node = TestNode::new();
    let (_, _, serial) = pledged_member(&mut node);
    let id = TokenId { class: POSITION_CLASS.into(), serial };
    let bob = TestNode::addr("bob");
    node.deliver(
        node.tx(&TestNode::key("alice"), vec![AppAction::Nft(NftAction::Transfer { id: id.clone(), to: bob })]),
    )
    .unwrap();
    // Revenue follows the owner: alice may no longer release; bob may.
    let release = |quantity| act(PoolsAction::Release { position: serial, hour: NEXT_HOUR, quantity });
    let err = node.expect_rejected(&TestNode::key("alice"), release(1));
    assert_eq!(code(&err), ("pools", 14));
    node.deliver(node.tx(&TestNode::key("bob"), release(1))).unwrap();
    assert_eq!(node.balance(&bob, &slot(NEXT_HOUR)), 1);
    let err = node.expect_rejected(&TestNode::key("bob"), release(2));
    assert_eq!(code(&err), ("pools", 15));
    // Before the hour the slot token trades like any token...
    let carol = TestNode::addr("carol");
    node.deliver(node.send("bob", &carol, Coin::new(slot(NEXT_HOUR), 1))).unwrap();
    assert_eq!(node.balance(&carol, &slot(NEXT_HOUR)), 1);
    // ...and from the hour's start it cannot move any more.
    node.advance(NEXT_HOUR * 3_600 - node.now());
    node.produce_block(vec![]);
    let err = node.expect_rejected(
        &TestNode::key("carol"),
        vec![AppAction::Bank(BankAction::Send { to: bob, coins: vec![Coin::new(slot(NEXT_HOUR), 1)] })],
    );
    assert_eq!(code(&err), ("bank", 12));
    let snap = node.app.snapshot().unwrap();
    let position = state::position(&snap, serial).unwrap();
    assert_eq!(position.state(NEXT_HOUR, node.now()), CapacityState::InProgress);
    assert_eq!(position.sold(NEXT_HOUR), 1);
}

#[test]
fn app_can_watch_unsold_slots_expire_when_their_hour_ends() {
    let mut node = TestNode::new();
    let (_, _, serial) = pledged_member(&mut node);
    node.deliver(
        node.tx(&TestNode::key("alice"), act(PoolsAction::Release { position: serial, hour: NEXT_HOUR, quantity: 1 })),
    )
    .unwrap();
    assert_eq!(node.supply(&slot(NEXT_HOUR)), 2);
    // Jump past the end of the first pledged hour.
    node.advance((NEXT_HOUR + 1) * 3_600 - node.now());
    let outcome = node.produce_block(vec![]);
    let expired: Vec<_> = PoolsEvent::all_in(&outcome.block_events)
        .into_iter()
        .filter_map(|e| match e {
            PoolsEvent::HourExpired { hour, burned } => Some((hour, burned.denom)),
            _ => None,
        })
        .collect();
    assert_eq!(expired, vec![(NEXT_HOUR, slot(NEXT_HOUR))], "one sweep, of the hour that ended");
    assert_eq!(node.supply(&slot(NEXT_HOUR)), 0, "sold and unsold slots of the past hour are burned");
    assert_eq!(node.balance(&TestNode::addr("alice"), &slot(NEXT_HOUR)), 0);
    assert_eq!(node.supply(&slot(NEXT_HOUR + 1)), 2, "later hours untouched");
    let snap = node.app.snapshot().unwrap();
    assert_eq!(greenhour_bank::state::perishable(&snap, &slot(NEXT_HOUR)).unwrap(), None);
    let position = state::position(&snap, serial).unwrap();
    assert_eq!(position.state(NEXT_HOUR, node.now()), CapacityState::Settled, "one unit was sold");
    // An hour with nothing sold ends expired.
    node.advance(3_600);
    node.produce_block(vec![]);
    let snap = node.app.snapshot().unwrap();
    assert_eq!(state::position(&snap, serial).unwrap().state(NEXT_HOUR + 1, node.now()), CapacityState::Expired);
}

#[test]
fn app_can_leave_a_pool_withdrawing_unsold_slots_and_get_the_stake_back_after_the_last_hour() {
    let mut node = TestNode::new();
    let (pool, device, serial) = pledged_member(&mut node);
    let alice = TestNode::addr("alice");
    node.deliver(
        node.tx(
            &TestNode::key("alice"),
            act(PoolsAction::Release { position: serial, hour: NEXT_HOUR + 2, quantity: 2 }),
        ),
    )
    .unwrap();
    node.deliver(node.tx(&TestNode::key("alice"), act(PoolsAction::Leave { pool, device }))).unwrap();
    let snap = node.app.snapshot().unwrap();
    let member = state::member(&snap, pool, device).unwrap().unwrap();
    assert_eq!(member.status, MemberStatus::Leaving);
    assert_eq!(node.supply(&slot(NEXT_HOUR)), 0, "unsold future slots withdrawn and burned");
    assert_eq!(node.supply(&slot(NEXT_HOUR + 2)), 2, "sold slots stay: the device still owes them");
    let position = state::position(&snap, serial).unwrap();
    assert_eq!(position.state(NEXT_HOUR, node.now()), CapacityState::Leaving);
    assert_eq!(position.state(NEXT_HOUR + 2, node.now()), CapacityState::Online);
    assert_eq!(node.balance(&custody(), &Denom::ghr()), 1_000_000, "stake held while pledged hours remain");
    let err = node.expect_rejected(
        &TestNode::key("alice"),
        act(PoolsAction::Pledge { pool, device, first_hour: NEXT_HOUR + 30, hours: 1, quantity: 1 }),
    );
    assert_eq!(code(&err), ("pools", 6));
    // After the last pledged hour the member is removed by the re-check and the stake returned.
    let before = node.balance(&alice, &Denom::ghr());
    node.advance((NEXT_HOUR + 24) * 3_600 - node.now());
    node.produce_block(vec![]);
    let snap = node.app.snapshot().unwrap();
    assert_eq!(state::member(&snap, pool, device).unwrap(), None);
    assert_eq!(node.balance(&alice, &Denom::ghr()), before + 1_000_000);
    assert!(!greenhour_devices::state::pool_locked(&snap, device).unwrap());
    node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Devices(DevicesAction::Retire { device })])).unwrap();
}

#[test]
fn app_marks_a_silent_member_leaving_and_withdraws_its_unsold_slots() {
    let mut node = TestNode::new();
    let (pool, device, _) = pledged_member(&mut node);
    // No telemetry for more than the allowed silence (6 h): the next re-check catches it.
    node.advance(7 * 3_600);
    let outcome = node.produce_block(vec![]);
    let why = PoolsEvent::all_in(&outcome.block_events)
        .into_iter()
        .find_map(|e| match e {
            PoolsEvent::Leaving { why, .. } => Some(why),
            _ => None,
        })
        .expect("leaving event");
    assert!(why.contains("no telemetry"), "{why}");
    let snap = node.app.snapshot().unwrap();
    assert_eq!(state::member(&snap, pool, device).unwrap().unwrap().status, MemberStatus::Leaving);
    let now_hour = node.now() / 3_600;
    assert_eq!(node.supply(&slot(now_hour + 1)), 0);
}

#[test]
fn app_can_enter_a_pool_by_lottery_drawn_from_the_next_epochs_beacon() {
    let mut node = TestNode::new();
    let d1 = device_with_history(&mut node, "alice", "dev-1", "u33dc0");
    let d2 = device_with_history(&mut node, "bob", "dev-2", "u33dc1");
    let pool = create_pool(
        &mut node,
        PoolKind::Compute,
        EntryConditions { lottery_seats: 1, min_stake: 500, ..Default::default() },
    );
    join(&mut node, "alice", pool, d1);
    join(&mut node, "bob", pool, d2);
    let snap = node.app.snapshot().unwrap();
    assert_eq!(state::tickets(&snap).unwrap().len(), 2);
    assert_eq!(state::pool(&snap, pool).unwrap().members, 0, "nobody is in before the draw");
    let draw_epoch = state::tickets(&snap).unwrap()[0].draw_epoch;
    // Blocks of the draw epoch build its beacon; the draw happens in the first
    // block after that epoch has finished.
    node.advance(draw_epoch * 3_600 - node.now());
    node.produce_block(vec![]);
    assert!(state::tickets(&node.app.snapshot().unwrap()).unwrap().len() == 2, "not drawn during its epoch");
    node.advance(3_600);
    node.produce_block(vec![]);
    let snap = node.app.snapshot().unwrap();
    let beacon = state::epoch_beacon(&snap, draw_epoch).unwrap().expect("beacon published");
    let r1 = greenhour_pools::math::lottery_rank(&beacon, pool.0, d1.0);
    let r2 = greenhour_pools::math::lottery_rank(&beacon, pool.0, d2.0);
    let (winner, loser) = if r1 < r2 { (d1, d2) } else { (d2, d1) };
    assert!(state::member(&snap, pool, winner).unwrap().is_some());
    assert!(state::member(&snap, pool, loser).unwrap().is_none());
    assert!(state::tickets(&snap).unwrap().is_empty());
    assert_eq!(node.balance(&custody(), &Denom::ghr()), 500, "the loser's stake went back");
}

#[test]
fn rejects_bad_pledges() {
    let mut node = TestNode::new();
    let (pool, device, _) = pledged_member(&mut node);
    let alice = TestNode::key("alice");
    let try_pledge = |node: &mut TestNode, first_hour, hours, quantity| {
        code(&node.expect_rejected(&alice, act(PoolsAction::Pledge { pool, device, first_hour, hours, quantity }))).1
    };
    assert_eq!(try_pledge(&mut node, GENESIS_HOUR, 1, 1), 8, "the current hour has started");
    assert_eq!(try_pledge(&mut node, GENESIS_HOUR - 5, 1, 1), 8, "past hour");
    assert_eq!(try_pledge(&mut node, GENESIS_HOUR + 14 * 24 + 1, 1, 1), 9, "beyond the 14-day horizon");
    assert_eq!(try_pledge(&mut node, NEXT_HOUR + 23, 2, 1), 11, "hour 23 already carries both GPUs");
    assert_eq!(try_pledge(&mut node, NEXT_HOUR + 24, 1, 3), 11, "three GPUs on a two-GPU device");
    assert_eq!(try_pledge(&mut node, NEXT_HOUR + 24, 0, 1), 10, "no hours");
    // A non-member device of bob's cannot pledge into the pool.
    let other = device_with_history(&mut node, "bob", "dev-2", "u33dc1");
    let err = node.expect_rejected(
        &TestNode::key("bob"),
        act(PoolsAction::Pledge { pool, device: other, first_hour: NEXT_HOUR, hours: 1, quantity: 1 }),
    );
    assert_eq!(code(&err), ("pools", 6));
    // Someone else's device.
    let err = node.expect_rejected(
        &TestNode::key("bob"),
        act(PoolsAction::Pledge { pool, device, first_hour: NEXT_HOUR + 30, hours: 1, quantity: 1 }),
    );
    assert_eq!(code(&err), ("pools", 3));
}

#[test]
fn rejects_entry_that_breaks_the_pools_conditions() {
    let mut node = TestNode::new();
    let (pool, device, _) = pledged_member(&mut node);
    // Joining twice.
    assert_eq!(
        code(&node.expect_rejected(&TestNode::key("alice"), act(PoolsAction::Join { pool, device }))),
        ("pools", 5)
    );
    // The cell holds one member at most.
    let neighbour = device_with_history(&mut node, "bob", "dev-2", "u33dc0");
    let err = node.expect_rejected(&TestNode::key("bob"), act(PoolsAction::Join { pool, device: neighbour }));
    assert_eq!(code(&err), ("pools", 7));
    assert!(err.message.contains("cell"), "{err}");
    // A green floor above the device's measured share.
    let strict =
        create_pool(&mut node, PoolKind::GreenCompute, EntryConditions { min_green_share_bps: 9_000, ..conditions() });
    let err = node.expect_rejected(&TestNode::key("bob"), act(PoolsAction::Join { pool: strict, device: neighbour }));
    assert!(code(&err) == ("pools", 7) && err.message.contains("green share"), "{err}");
    // Uptime over a 3-day window with one day of telemetry.
    let long = create_pool(
        &mut node,
        PoolKind::Compute,
        EntryConditions { window_days: 3, min_uptime_bps: 5_000, ..conditions() },
    );
    let err = node.expect_rejected(&TestNode::key("bob"), act(PoolsAction::Join { pool: long, device: neighbour }));
    assert!(err.message.contains("uptime"), "{err}");
    // A stake the owner cannot bond.
    let rich =
        create_pool(&mut node, PoolKind::Compute, EntryConditions { min_stake: u128::MAX / 2, ..Default::default() });
    let err = node.expect_rejected(&TestNode::key("bob"), act(PoolsAction::Join { pool: rich, device: neighbour }));
    assert_eq!(code(&err), ("pools", 97));
    // Unknown pool, and conditions that make no sense.
    let err =
        node.expect_rejected(&TestNode::key("bob"), act(PoolsAction::Join { pool: PoolId(99), device: neighbour }));
    assert_eq!(code(&err), ("pools", 1));
    let err = node.expect_rejected(
        &TestNode::key("bob"),
        act(PoolsAction::Create {
            class: DeviceClass::Home,
            kind: PoolKind::GreenCompute,
            conditions: EntryConditions::default(),
        }),
    );
    assert_eq!(code(&err), ("pools", 2));
    let err = node.expect_rejected(
        &TestNode::key("bob"),
        act(PoolsAction::Create {
            class: DeviceClass::Home,
            kind: PoolKind::Compute,
            conditions: EntryConditions { min_uptime_bps: 20_000, window_days: 1, ..Default::default() },
        }),
    );
    assert_eq!(code(&err), ("pools", 2));
}

#[test]
fn rejects_wrong_class_and_changes_to_a_member_device() {
    let mut node = TestNode::new();
    let (pool, device, _) = pledged_member(&mut node);
    let alice = TestNode::key("alice");
    let err = node.expect_rejected(&alice, vec![AppAction::Devices(DevicesAction::Retire { device })]);
    assert_eq!(code(&err), ("devices", 20));
    let err = node.expect_rejected(
        &alice,
        vec![AppAction::Devices(DevicesAction::Update { device, nameplate: Some(nameplate(1)), cell: None })],
    );
    assert_eq!(code(&err), ("devices", 20));
    let regional = node.tx(
        &TestNode::key("carol"),
        act(PoolsAction::Create {
            class: DeviceClass::Regional,
            kind: PoolKind::Compute,
            conditions: EntryConditions::default(),
        }),
    );
    let record = node.deliver(regional).unwrap();
    let regional = PoolsEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            PoolsEvent::Created { pool, .. } => Some(pool),
            _ => None,
        })
        .expect("a creation event");
    assert_ne!(regional, pool);
    let err = node.expect_rejected(&alice, act(PoolsAction::Join { pool: regional, device }));
    assert_eq!(code(&err), ("pools", 4));
}

#[test]
fn app_can_extend_a_position_day_by_day_without_a_new_nft() {
    let mut node = TestNode::new();
    let (pool, device, serial) = pledged_member(&mut node);
    let alice = TestNode::key("alice");
    node.deliver(node.tx(&alice, act(PoolsAction::Extend { position: serial, hours: 24 }))).unwrap();
    let snap = node.app.snapshot().unwrap();
    let position = state::position(&snap, serial).unwrap();
    assert_eq!((position.first_hour, position.hours, position.quantity), (NEXT_HOUR, 48, 2));
    assert_eq!(node.supply(&slot(NEXT_HOUR + 47)), 2);
    assert_eq!(node.supply(&slot(NEXT_HOUR + 48)), 0);
    let token = greenhour_nft::state::token(&snap, &TokenId { class: POSITION_CLASS.into(), serial }).unwrap();
    assert!(token.attributes.contains(&("hours".to_string(), "48".to_string())));
    assert_eq!(greenhour_nft::state::tokens_of(&snap, &TestNode::addr("alice")).unwrap().len(), 1, "no new NFT");
    assert_eq!(state::positions_covering(&snap, NEXT_HOUR + 40, 336, 10).unwrap().len(), 1);
    // Beyond the horizon, or into hours the device has no GPU left for.
    let err = node.expect_rejected(&alice, act(PoolsAction::Extend { position: serial, hours: 14 * 24 }));
    assert_eq!(code(&err), ("pools", 9));
    pledge(&mut node, "alice", pool, device, NEXT_HOUR + 48, 1, 1);
    let err = node.expect_rejected(&alice, act(PoolsAction::Extend { position: serial, hours: 2 }));
    assert_eq!(code(&err), ("pools", 11));
    // Only the owner of both the device and the NFT may extend.
    let id = TokenId { class: POSITION_CLASS.into(), serial };
    node.deliver(node.tx(&alice, vec![AppAction::Nft(NftAction::Transfer { id, to: TestNode::addr("bob") })])).unwrap();
    let err = node.expect_rejected(&alice, act(PoolsAction::Extend { position: serial, hours: 1 }));
    assert_eq!(code(&err), ("pools", 14));
    let err = node.expect_rejected(&TestNode::key("bob"), act(PoolsAction::Extend { position: serial, hours: 1 }));
    assert_eq!(code(&err), ("pools", 3));
    // A position closed by leaving cannot grow again.
    node.deliver(node.tx(&alice, act(PoolsAction::Leave { pool, device }))).unwrap();
    let err = node.expect_rejected(&TestNode::key("bob"), act(PoolsAction::Extend { position: serial, hours: 1 }));
    assert_eq!(code(&err), ("pools", 18));
}

#[test]
fn app_can_pledge_green_energy_in_kwh_slots_bounded_by_pv() {
    let mut node = TestNode::new();
    let device = device_with_history(&mut node, "alice", "dev-1", "u33dc0");
    let pool = create_pool(&mut node, PoolKind::GreenEnergy, EntryConditions::default());
    join(&mut node, "alice", pool, device);
    pledge(&mut node, "alice", pool, device, NEXT_HOUR, 2, 5);
    let kwh = state::slot_denom(SlotUnit::Kwh, DeviceClass::Home, NEXT_HOUR);
    assert_eq!(kwh.as_str(), format!("kwh/home/{NEXT_HOUR}"));
    assert_eq!(node.supply(&kwh), 5);
    // 5 kWp makes at most 5 kWh in an hour.
    let err = node.expect_rejected(
        &TestNode::key("alice"),
        act(PoolsAction::Pledge { pool, device, first_hour: NEXT_HOUR, hours: 1, quantity: 1 }),
    );
    assert_eq!(code(&err), ("pools", 11));
}
