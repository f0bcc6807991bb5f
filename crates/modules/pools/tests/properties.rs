//! Random sequences of pool actions and clock jumps keep the pools invariants
//! (TestNode checks every module's invariants after each block): slot tokens
//! outstanding per hour equal the capacity positions back, never above nameplate;
//! custody covers unsold slots and stakes; expired hours leave nothing behind.

use greenhour_app::AppAction;
use greenhour_bank::BankAction;
use greenhour_devices::DeviceId;
use greenhour_nft::{NftAction, TokenId};
use greenhour_pools::{state, EntryConditions, PoolKind, PoolsAction, SlotUnit, POSITION_CLASS};
use greenhour_primitives::Coin;
use greenhour_testkit::TestNode;
use proptest::prelude::*;

mod common;
use common::*;

const OWNERS: [&str; 2] = ["alice", "bob"];

#[derive(Clone, Debug)]
enum Op {
    Pledge { who: usize, start: u64, hours: u32, quantity: u32 },
    Release { position: u64, hour: u64, quantity: u32 },
    Extend { position: u64, hours: u32 },
    Transfer { position: u64, to: usize },
    SendSlot { from: usize, hour: u64 },
    Leave { who: usize },
    Join { who: usize },
    Advance { minutes: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0..2usize, 0u64..30, 1u32..30, 1u32..3).prop_map(|(who, start, hours, quantity)| Op::Pledge { who, start, hours, quantity }),
        3 => (1u64..8, 0u64..30, 1u32..3).prop_map(|(position, hour, quantity)| Op::Release { position, hour, quantity }),
        2 => (1u64..8, 1u32..20).prop_map(|(position, hours)| Op::Extend { position, hours }),
        1 => (1u64..8, 0..2usize).prop_map(|(position, to)| Op::Transfer { position, to }),
        2 => (0..2usize, 0u64..30).prop_map(|(from, hour)| Op::SendSlot { from, hour }),
        1 => (0..2usize).prop_map(|who| Op::Leave { who }),
        1 => (0..2usize).prop_map(|who| Op::Join { who }),
        3 => (0u64..200).prop_map(|minutes| Op::Advance { minutes }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_pool_histories_keep_every_invariant(ops in prop::collection::vec(op(), 1..40)) {
        let mut node = TestNode::new();
        let devices: Vec<DeviceId> = vec![
            device_with_history(&mut node, "alice", "dev-a", "u33dc0"),
            device_with_history(&mut node, "bob", "dev-b", "u33dc1"),
        ];
        let pool = create_pool(&mut node, PoolKind::Compute, EntryConditions { min_stake: 777, ..Default::default() });
        for (who, d) in devices.iter().enumerate() {
            join(&mut node, OWNERS[who], pool, *d);
        }
        let mut accepted = 0;
        for op in ops {
            let now_hour = node.now() / 3_600;
            let actions = |a| vec![AppAction::Pools(a)];
            let (signer, actions): (&str, Vec<AppAction>) = match op {
                Op::Pledge { who, start, hours, quantity } => (OWNERS[who], actions(PoolsAction::Pledge {
                    pool, device: devices[who], first_hour: now_hour + start, hours, quantity,
                })),
                Op::Release { position, hour, quantity } => {
                    let owner = owner_of(&node, position).unwrap_or("alice");
                    (owner, actions(PoolsAction::Release { position, hour: now_hour + hour, quantity }))
                }
                Op::Extend { position, hours } => {
                    let owner = owner_of(&node, position).unwrap_or("alice");
                    (owner, actions(PoolsAction::Extend { position, hours }))
                }
                Op::Transfer { position, to } => {
                    let owner = owner_of(&node, position).unwrap_or("alice");
                    let id = TokenId { class: POSITION_CLASS.into(), serial: position };
                    (owner, vec![AppAction::Nft(NftAction::Transfer { id, to: TestNode::addr(OWNERS[to]) })])
                }
                Op::SendSlot { from, hour } => {
                    let denom = state::slot_denom(SlotUnit::GpuHour, greenhour_devices::DeviceClass::Home, now_hour + hour);
                    (OWNERS[from], vec![AppAction::Bank(BankAction::Send {
                        to: TestNode::addr(OWNERS[1 - from]),
                        coins: vec![Coin::new(denom, 1)],
                    })])
                }
                Op::Leave { who } => (OWNERS[who], actions(PoolsAction::Leave { pool, device: devices[who] })),
                Op::Join { who } => (OWNERS[who], actions(PoolsAction::Join { pool, device: devices[who] })),
                Op::Advance { minutes } => {
                    node.advance(minutes * 60);
                    node.produce_block(vec![]);
                    continue;
                }
            };
            // Accepted or refused, the block keeps every invariant (checked inside).
            if node.deliver(node.tx(&TestNode::key(signer), actions)).is_ok() {
                accepted += 1;
            }
        }
        // Jump past the 14-day horizon (extensions can reach that far): every hour
        // expires and nothing perishable remains.
        node.advance(15 * 24 * 3_600);
        for _ in 0..40 {
            node.produce_block(vec![]);
        }
        let snap = node.app.snapshot().unwrap();
        prop_assert!(greenhour_bank::state::perishables(&snap).unwrap().is_empty(), "after {} accepted actions", accepted);
        let pool_after = state::pool(&snap, pool).unwrap();
        prop_assert!(pool_after.members <= 2);
    }
}

fn owner_of(node: &TestNode, serial: u64) -> Option<&'static str> {
    let snap = node.app.snapshot().ok()?;
    let token = greenhour_nft::state::token(&snap, &TokenId { class: POSITION_CLASS.into(), serial }).ok()?;
    OWNERS.into_iter().find(|name| TestNode::addr(name) == token.owner)
}
