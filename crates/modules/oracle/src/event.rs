//! Events: every report and every closed round is one.

use crate::Observation;
use greenhour_primitives::Address;
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the oracle module announces.
    pub enum OracleEvent in "oracle" {
        /// A reporter reported to the open round.
        Reported = "reported" { feed: String, round: u64, reporter: Address, value: i128 },
        /// A round reached its quorum and published its median.
        Published = "published" { feed: String, round: u64, value: i128, min: i128, max: i128 },
        /// Governance replaced a feed's reporter set (the open round's reports were discarded).
        ReportersSet = "reporters_set" { feed: String, reporters: u32, quorum: u32 },
    }
}

pub fn reported(feed: &str, round: u64, reporter: &Address, value: i128) -> Event {
    OracleEvent::Reported { feed: feed.into(), round, reporter: *reporter, value }.into()
}
pub fn published(feed: &str, o: &Observation) -> Event {
    OracleEvent::Published { feed: feed.into(), round: o.round, value: o.value, min: o.min, max: o.max }.into()
}
