//! What other modules may call: the account that holds the pool's capital.

pub use crate::handler::account;
