//! What other modules may call: the module's account, a pledged NFT's escrow
//! address and which loan it secures.

pub use crate::handler::account;
pub use crate::state::{escrow, pledge};
