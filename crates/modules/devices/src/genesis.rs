use crate::state::{self, Device, DeviceStatus, StoredReport};
use crate::{keys, DevicesError, DevicesParams};
use greenhour_primitives::Hash;
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The devices part of the genesis file (all of it optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicesGenesis {
    #[serde(default)]
    pub params: DevicesParams,
    #[serde(default)]
    pub devices: Vec<Device>,
    #[serde(default)]
    pub reports: Vec<StoredReport>,
    /// Report hashes already used, and what for.
    #[serde(default)]
    pub report_uses: Vec<(Hash, String)>,
}

pub fn init(state: &mut impl StateWrite, g: &DevicesGenesis) -> Result<(), DevicesError> {
    let bad = |m: String| Err(DevicesError::InvalidGenesis(m));
    state.put(&keys::params(), &g.params);
    let mut ids = BTreeSet::new();
    let mut device_keys = BTreeSet::new();
    let mut next = 1;
    for d in &g.devices {
        if !ids.insert(d.id) || !device_keys.insert(d.key) {
            return bad(format!("device {} or its key listed twice", d.id));
        }
        if !d.cell.is_valid() || !d.key.is_valid() {
            return bad(format!("device {} has an invalid cell or key", d.id));
        }
        next = next.max(d.id.0 + 1);
        state::put_device(state, d);
        state.put(&keys::by_key(&d.key), &d.id);
        state.put(&keys::by_owner(&d.owner, d.id), &());
        if d.status != DeviceStatus::Retired {
            state.put(&keys::by_cell(d.cell.as_str(), d.id), &());
        }
    }
    if !g.devices.is_empty() {
        state.put(&keys::next_id(), &next);
    }
    for r in &g.reports {
        if !ids.contains(&r.report.device) {
            return bad(format!("report {} names unknown device {}", r.hash, r.report.device));
        }
        state.put(&keys::report(r.report.device, r.report.start), r);
        state.put(&keys::report_hash(&r.hash), &(r.report.device, r.report.start));
    }
    for d in &g.devices {
        let mut mine: Vec<StoredReport> = g.reports.iter().filter(|r| r.report.device == d.id).cloned().collect();
        mine.sort_by_key(|r| r.report.start);
        let (totals, day_starts) = state::replay_totals(&mine);
        if totals != d.totals {
            return bad(format!("device {}'s running totals disagree with its reports", d.id));
        }
        for (day, at_start) in day_starts {
            state.put(&keys::day_start(d.id, day), &at_start);
        }
    }
    for (hash, purpose) in &g.report_uses {
        if state.get(&keys::report_hash(hash))?.is_none() {
            return bad(format!("used report {hash} is not in the genesis"));
        }
        state.put(&keys::report_use(hash), purpose);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<DevicesGenesis, DevicesError> {
    let devices = state::all_devices(state)?;
    let reports: Vec<StoredReport> =
        state.prefix::<StoredReport>(keys::REPORT_PREFIX)?.into_iter().map(|(_, r)| r).collect();
    let mut report_uses = Vec::new();
    for r in &reports {
        if let Some(purpose) = state.get(&keys::report_use(&r.hash))? {
            report_uses.push((r.hash, purpose));
        }
    }
    report_uses.sort();
    Ok(DevicesGenesis { params: state::params(state)?, devices, reports, report_uses })
}
