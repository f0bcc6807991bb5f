//! The devices module's reads: one device, an owner's devices or all of them,
//! and a device's reports. Lists stop at `limit`.

use crate::{state, Device, DeviceId, DevicesError, StoredReport};
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, UnixSeconds};

pub fn device(state: &impl StateRead, id: DeviceId) -> Result<Device, DevicesError> {
    state::device(state, id)
}

/// An owner's devices, or every device, in id order.
pub fn devices(state: &impl StateRead, owner: Option<&Address>, limit: usize) -> Result<Vec<Device>, DevicesError> {
    let mut out = match owner {
        Some(owner) => state::devices_of(state, owner)?
            .into_iter()
            .take(limit)
            .map(|id| state::device(state, id))
            .collect::<Result<Vec<_>, _>>()?,
        None => state::all_devices(state)?,
    };
    out.truncate(limit);
    Ok(out)
}

/// A device's reports from `from` on (refused for an unknown device).
pub fn reports(
    state: &impl StateRead,
    id: DeviceId,
    from: UnixSeconds,
    limit: usize,
) -> Result<Vec<StoredReport>, DevicesError> {
    state::device(state, id)?;
    let mut out = state::reports(state, id, from)?;
    out.truncate(limit);
    Ok(out)
}
