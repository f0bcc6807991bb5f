//! What other modules may call: a fund's custody address (the identity a KYC
//! provider verifies so the fund may hold tranche units).

pub use crate::state::custody;
