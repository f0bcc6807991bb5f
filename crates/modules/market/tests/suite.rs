//! The shared module suite, run for market.

use greenhour_market::{Market, MarketGenesis, MarketParams};
use greenhour_testkit::suite;

fn genesis() -> MarketGenesis {
    MarketGenesis { params: MarketParams { fee_ppm: 2_500, ..MarketParams::default() } }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Market>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Market>(&genesis());
}
