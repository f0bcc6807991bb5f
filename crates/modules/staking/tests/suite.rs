//! The shared module suite, run for staking.

use greenhour_staking::{Staking, StakingGenesis, StakingParams};
use greenhour_testkit::suite;

fn genesis() -> StakingGenesis {
    // Validators bond from bank balances, which the suite's bare state lacks:
    // the suite checks parameters and the empty sets.
    StakingGenesis { params: StakingParams { epoch_blocks: 10, ..StakingParams::default() }, validators: vec![] }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Staking>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Staking>(&genesis());
}
