//! What other modules may call: recording a device's verified green work.

pub use crate::handler::compute_set;
pub use crate::state::record_green_work;
