//! What other modules may call: a fund's custody address (the identity a KYC
//! provider verifies so the fund may hold tranche units), and the governed
//! mandate a passed governance proposal sets.

pub use crate::handler::{check_mandate_list, set_mandate, MAX_MANDATE_TRANCHES};
pub use crate::state::custody;
