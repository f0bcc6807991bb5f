//! What other modules may call: capacity and live positions of an hour, who owns a
//! position, a slot denom, and the custody account.

pub use crate::handler::custody;
pub use crate::state::{
    capacity_at, class_name, live_positions, position, position_holder, position_owner, slot_denom,
};
