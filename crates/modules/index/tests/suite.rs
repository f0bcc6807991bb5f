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

/// The index emits no events of its own: its declaration lists no kinds, and a
/// market fill (which the index reads) does not decode as one.
#[test]
fn the_index_announces_nothing_of_its_own() {
    assert!(greenhour_index::IndexEvent::KINDS.is_empty());
    let fill = greenhour_framework::events::Event::new("market.swap").attr("slot", "slot/home/1");
    assert_eq!(greenhour_index::IndexEvent::decode(&fill), None);
}
