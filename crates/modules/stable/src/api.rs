//! What other modules may call: the module's account and treasury addresses.

pub use crate::handler::{account, treasury};
