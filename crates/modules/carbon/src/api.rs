//! What other modules may call: taking a device-hour's green energy for a job,
//! retiring its bundles for the buyer, recording the job's consumption, and the
//! carbon parameters.

pub use crate::handler::{
    credit_status_name, custody, issue_report, record_job_consumption, retire_bundles, take_device_hour,
};
pub use crate::state::params;
