//! What other modules may call: reading devices and their reports, marking a
//! report used (once), a device's pool lock, and the nameplate rating check.

pub use crate::math::within_rating;
pub use crate::state::{
    all_devices, device, first_report_since, mark_report_used, pool_locked, report_by_hash, report_use,
    reported_seconds, reports, set_pool_lock, window_totals,
};
