//! What other modules may call: recording a fill (market) and offered supply
//! (pools); the classes the index keeps.

pub use crate::state::{record_fill, record_supply, value, CLASSES};
