//! What other modules may call: a staleness-checked read of a feed, and a price
//! read that also refuses non-prices and disputed rounds.

pub use crate::state::{feed, read, read_price};
