//! The shared module suite, run for cover, and random stakes, withdrawals and
//! cover purchases by any account while a device reports or falls silent.

use greenhour_app::AppAction;
use greenhour_cover::genesis::CoverGenesis;
use greenhour_cover::{Cover, CoverAction, CoverModule, CoverParams, JobPeril, Peril, Pool};
use greenhour_devices::DeviceId;
use greenhour_primitives::Address;
use greenhour_testkit::suite::{self, random_actions_keep_invariants, Step};
use greenhour_testkit::{TestNode, TEST_GENESIS_TIME};
use proptest::prelude::*;

fn sample_genesis() -> CoverGenesis {
    let holder = Address([3; 20]);
    let hour = TEST_GENESIS_TIME / 3_600;
    CoverGenesis {
        params: CoverParams { grace_hours: 3, ..CoverParams::default() },
        // The module's suite inits this module alone (no bank balances), so the pool
        // holds no capital: its stakers withdrew and its covers are all judged.
        pool: Pool {
            capital: 0,
            shares: 0,
            locked: 0,
            premiums: 50,
            payouts: 1_000,
            covers_sold: 3,
            events_paid: 1,
            ..Pool::default()
        },
        stakers: vec![],
        covers: vec![
            Cover {
                id: 1,
                holder,
                peril: Peril::Downtime { device: DeviceId(4) },
                first_hour: hour - 4,
                events: 2,
                sum_insured: 1_000,
                premium: 20,
                next_hour: hour - 2,
                judged: 2,
                events_paid: 1,
                paid: 1_000,
                bought_at: TEST_GENESIS_TIME - 5 * 3_600,
            },
            Cover {
                id: 2,
                holder,
                peril: Peril::Downtime { device: DeviceId(4) },
                first_hour: hour - 2,
                events: 2,
                sum_insured: 1_000,
                premium: 30,
                next_hour: hour,
                judged: 2,
                events_paid: 0,
                paid: 0,
                bought_at: TEST_GENESIS_TIME,
            },
            Cover {
                id: 3,
                holder,
                peril: Peril::Job { job: 7, peril: JobPeril::Failure },
                first_hour: hour - 1,
                events: 1,
                sum_insured: 5_000,
                premium: 500,
                next_hour: hour,
                judged: 1,
                events_paid: 0,
                paid: 0,
                bought_at: TEST_GENESIS_TIME - 3 * 3_600,
            },
        ],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<CoverModule>(&sample_genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<CoverModule>(&CoverGenesis::default());
}

fn step(device: DeviceId) -> impl Strategy<Value = Step> {
    let hour = TEST_GENESIS_TIME / 3_600;
    let action = prop_oneof![
        (1u128..50_000_000).prop_map(|amount| CoverAction::Stake { amount, min_shares: 0 }),
        (1u128..60_000_000_000_000).prop_map(|shares| CoverAction::Unstake { shares, min_amount: 0 }),
        Just(CoverAction::ClaimRewards {}),
        (0u64..8, 1u32..6, 1u128..10_000_000).prop_map(move |(ahead, hours, per_hour)| CoverAction::Buy {
            device,
            first_hour: hour + ahead,
            hours,
            per_hour,
            max_premium: u128::MAX,
        }),
    ];
    (0usize..4, action, prop_oneof![Just(0u64), Just(1_800u64), Just(3_600u64)])
        .prop_map(|(signer, action, advance)| Step { signer, actions: vec![AppAction::Cover(action)], advance })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Random stakes, withdrawals and covers (alice owns the device, signer 0) over
    /// hours in which the device is silent keep every invariant, payouts included.
    #[test]
    fn random_cover_actions_keep_invariants(steps in proptest::collection::vec(step(DeviceId(1)), 1..40)) {
        let mut node = TestNode::new();
        let device = greenhour_testkit::supply::device_with_history(&mut node, "alice", "alice-dev", "u33dc0");
        prop_assert_eq!(device, DeviceId(1));
        random_actions_keep_invariants(&mut node, &steps);
    }
}
