//! What the app and other modules may call: whether a module is paused, and the
//! scheduled upgrade.

pub use crate::state::{pause, upgrade_plan, Pause, UpgradePlan};
use crate::GovernanceError;
use greenhour_framework::StateRead;
use greenhour_primitives::UnixSeconds;

/// Refuses an action of `module` while a pause on it is in force.
pub fn refuse_if_paused(state: &impl StateRead, module: &str, now: UnixSeconds) -> Result<(), GovernanceError> {
    match crate::state::pause(state, module, now)? {
        Some(p) => Err(GovernanceError::Paused { module: p.module, until: p.until, reason: p.reason }),
        None => Ok(()),
    }
}
