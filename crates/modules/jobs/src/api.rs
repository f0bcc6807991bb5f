//! What other crates may call: a job and its SCI report, how finished jobs ended
//! (the record job covers are priced on), and the insurance fund slashed bonds
//! land in, which the cover module draws to reward its stakers.

pub use crate::handler::{drain_insurance, insurance};
pub use crate::state::{green_short, job, outcomes, report, Outcomes};
