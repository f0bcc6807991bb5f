//! What other modules and tools may call: the module's account.

pub use crate::handler::account;
