//! The shared module suite, run for pools (with a pool in genesis).

use greenhour_devices::DeviceClass;
use greenhour_pools::{EntryConditions, Pool, PoolId, PoolKind, Pools, PoolsGenesis};
use greenhour_primitives::Address;
use greenhour_testkit::suite;

fn genesis() -> PoolsGenesis {
    PoolsGenesis {
        params: Default::default(),
        pools: vec![Pool {
            id: PoolId(4),
            creator: Address([9; 20]),
            class: DeviceClass::Regional,
            kind: PoolKind::GreenCompute,
            conditions: EntryConditions {
                min_stake: 10,
                lottery_seats: 2,
                window_days: 7,
                min_green_share_bps: 5_000,
                min_uptime_bps: 9_000,
                max_devices_per_cell: 3,
            },
            members: 0,
            created_at: 0,
        }],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Pools>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Pools>(&genesis());
}
