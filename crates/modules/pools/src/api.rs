//! What other modules may call: capacity and live positions of an hour, who owns a
//! position, a slot denom, and the custody account.

pub use crate::handler::custody;
pub use crate::state::{capacity_at, live_positions, position_holder, position_owner, slot_denom};
