//! What other modules may call: recording a device's verified green work.

pub use crate::handler::compute_set;
pub use crate::state::{all_validators, delegation, delegations_by, record_green_work, Validator, ValidatorStatus};
