//! What other modules may call: a package's custody address (which holds its
//! position NFTs and receives what they earn) and the compliance check.

pub use crate::handler::{account, ensure_may_hold};
pub use crate::state::custody;
