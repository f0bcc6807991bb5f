//! The shared module suite, run for jobs (with parameters other than the defaults,
//! so the round trip has something to carry).

use greenhour_jobs::{Jobs, JobsGenesis, JobsParams};
use greenhour_testkit::suite;

fn genesis() -> JobsGenesis {
    let defaults = JobsParams::default();
    JobsGenesis {
        params: JobsParams {
            max_fuel: defaults.max_fuel / 2,
            max_input_bytes: defaults.max_input_bytes / 2,
            ..defaults
        },
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Jobs>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Jobs>(&genesis());
}
