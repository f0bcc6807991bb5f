//! What other modules may call: capacity and live positions of an hour, who owns a
//! position, a slot denom, the custody account, and providing a position's slots
//! to the market for a caller that checked who may.

pub use crate::handler::{custody, provide_for};
pub use crate::state::{
    capacity_at, capacity_page, class_name, live_positions, position, position_holder, position_owner, slot_denom,
};
