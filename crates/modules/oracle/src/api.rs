//! What other modules may call: a staleness-checked read of a feed.

pub use crate::state::{feed, read};
