//! The shared module suite, run for the index (a two-day window and a six-hour
//! staleness limit instead of the defaults).

use greenhour_index::{Index, IndexGenesis, IndexParams};
use greenhour_testkit::suite;

fn genesis() -> IndexGenesis {
    IndexGenesis { params: IndexParams { window_hours: 48, max_age: 6 * 3_600 } }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Index>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Index>(&genesis());
}
