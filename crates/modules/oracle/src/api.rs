//! What other modules may call: a staleness-checked read of a feed, a price
//! read that also refuses non-prices and disputed rounds, and (for governance)
//! replacing a feed's reporter set.

pub use crate::state::{check_reporter_set, feed, read, read_price, set_reporters, MAX_REPORTERS};
