//! What other modules may call: recording a fill (market) and offered supply
//! (pools); reading the index (price, hour buckets); the classes the index keeps.

pub use crate::state::{buckets, price, Weighting};
pub use crate::state::{record_fill, record_supply, value, CLASSES};
