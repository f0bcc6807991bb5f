//! The shared module suite, run for oracle.

use greenhour_oracle::{Feed, Observation, Oracle, OracleGenesis};
use greenhour_primitives::Address;
use greenhour_testkit::suite;

fn genesis() -> OracleGenesis {
    OracleGenesis {
        feeds: vec![
            Feed {
                name: "price.de".into(),
                unit: "milli-EUR/MWh".into(),
                reporters: vec![Address([1; 20]), Address([2; 20]), Address([3; 20])],
                quorum: 2,
                max_age: 3_600,
                round: 5,
            },
            Feed {
                name: "gpu_hour.h100".into(),
                unit: "ugusd".into(),
                reporters: vec![Address([4; 20])],
                quorum: 1,
                max_age: 86_400,
                round: 0,
            },
        ],
        values: vec![(
            "price.de".into(),
            Observation { value: -76_010, round: 4, time: 1_767_225_600, height: 3, min: -80_000, max: 41_730 },
        )],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Oracle>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Oracle>(&genesis());
}
