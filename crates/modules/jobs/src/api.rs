//! What other crates may call: the insurance fund's address.

pub use crate::handler::insurance;
