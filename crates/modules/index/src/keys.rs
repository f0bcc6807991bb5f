//! The only place index keys are spelled.

use crate::params::IndexParams;
use crate::state::{HourBucket, Supply};
use greenhour_primitives::Denom;
use greenhour_state::Key;

pub const BUCKET_PREFIX: &str = "index/hour/";
pub const SUPPLY_PREFIX: &str = "index/supply/";
pub const SERIES_PREFIX: &str = "index/series/";

pub fn params() -> Key<IndexParams> {
    Key::new("index/params")
}
/// All buckets of one series, in hour order.
pub fn series_prefix(class: &str, quote: &Denom) -> String {
    format!("{BUCKET_PREFIX}{class}/{quote}/")
}
/// Hours are zero-padded so key order is time order.
pub fn bucket(class: &str, quote: &Denom, hour: u64) -> Key<HourBucket> {
    Key::new(format!("{}{hour:012}", series_prefix(class, quote)))
}
/// The green share of what was minted of one slot denom.
pub fn supply(slot: &Denom) -> Key<Supply> {
    Key::new(format!("{SUPPLY_PREFIX}{slot}"))
}
/// Marks a `(class, quote)` series that has fills.
pub fn series(class: &str, quote: &Denom) -> Key<()> {
    Key::new(format!("{SERIES_PREFIX}{class}/{quote}"))
}
