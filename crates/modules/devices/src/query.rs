//! The devices module's reads: one device, an owner's devices or all of them,
//! and a device's reports. Lists stop at `limit`.

use crate::{state, Device, DeviceId, DevicesError, StoredReport};
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, UnixSeconds};

pub fn device(state: &impl StateRead, id: DeviceId) -> Result<Device, DevicesError> {
    state::device(state, id)
}

/// An owner's devices, or every device, in id order.
/// Devices in id order (of `owner`, or all), those with an id above `after`
/// only, at most `limit`: a page, and the next starts after its last id.
pub fn devices(
    state: &impl StateRead,
    owner: Option<&Address>,
    after: Option<u64>,
    limit: usize,
) -> Result<Vec<Device>, DevicesError> {
    // Nothing comes after the largest id (and it must not wrap to the first).
    let Some(first) = after.map_or(Some(0), |a| a.checked_add(1)) else {
        return Ok(Vec::new());
    };
    match owner {
        Some(owner) => state::devices_of(state, owner)?
            .into_iter()
            .filter(|id| id.0 >= first)
            .take(limit)
            .map(|id| state::device(state, id))
            .collect(),
        None => state::devices_from(state, DeviceId(first), limit),
    }
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

impl From<DevicesError> for QueryError {
    fn from(e: DevicesError) -> Self {
        match e {
            DevicesError::UnknownDevice(id) => QueryError::NotFound(format!("device {id}")),
            other => QueryError::Internal(other.to_string()),
        }
    }
}

greenhour_framework::query_param_by_serde_name!(crate::DeviceClass, ["home", "regional", "datacentre", "btc_miner"]);

greenhour_framework::module_queries! {
    /// The devices module's reads.
    pub enum DevicesQuery in "devices" {
        /// A device: owner, key, class, cell, nameplate, status and telemetry counters.
        Device = "device" at "/devices/{id}" { id: u64 } -> Device
            = |state, _now| device(state, DeviceId(id));
        /// Registered devices, of one owner or all, in id order: at most 1,000, those
        /// with an id above `after` (the last id of the previous page) only.
        Devices = "devices" at "/devices" { owner: Option<Address>, after: Option<u64> } -> Vec<Device>
            = |state, _now| devices(state, owner.as_ref(), after, MAX_LIST);
        /// A device's accepted telemetry from `from` (Unix seconds) on (at most 1,000), with green shares.
        Reports = "device_reports" at "/devices/{id}/reports" { id: u64, from: Option<u64> } -> Vec<StoredReport>
            = |state, _now| reports(state, DeviceId(id), from.unwrap_or(0), MAX_LIST);
    }
}
