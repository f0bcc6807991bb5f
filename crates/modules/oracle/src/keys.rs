//! The only place oracle keys are spelled.

use crate::state::{Feed, Observation};
use greenhour_primitives::Address;
use greenhour_state::Key;

pub const FEED_PREFIX: &str = "oracle/feed/";

pub fn feed(name: &str) -> Key<Feed> {
    Key::new(format!("{FEED_PREFIX}{name}"))
}
/// A report in the feed's open round.
pub fn report(feed: &str, reporter: &Address) -> Key<i128> {
    Key::new(format!("oracle/report/{feed}/{reporter}"))
}
pub fn reports_of(feed: &str) -> String {
    format!("oracle/report/{feed}/")
}
/// The latest published value.
pub fn value(feed: &str) -> Key<Observation> {
    Key::new(format!("oracle/value/{feed}"))
}
/// Published values by round, for TWAPs and audits.
pub fn history(feed: &str, round: u64) -> Key<Observation> {
    Key::new(format!("oracle/history/{feed}/{round:020}"))
}
pub fn history_of(feed: &str) -> String {
    format!("oracle/history/{feed}/")
}
