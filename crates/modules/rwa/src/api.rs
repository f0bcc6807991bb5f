//! What other modules may call: a package's custody address (which holds its
//! position NFTs and receives what they earn), the compliance check, and the
//! trusted claim issuers governance replaces.

pub use crate::handler::{account, check_claim_issuers, ensure_may_hold, set_claim_issuers};
pub use crate::state::custody;
