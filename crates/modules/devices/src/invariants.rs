use crate::keys;
use crate::state::{self, DeviceStatus};
use greenhour_state::StateRead;

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    let e = |x: crate::DevicesError| x.to_string();
    for d in state::all_devices(state).map_err(e)? {
        if state.get(&keys::by_key(&d.key)).map_err(|x| x.to_string())? != Some(d.id) {
            return Err(format!("device {} is not indexed by its key", d.id));
        }
        let in_cell = state.get(&keys::by_cell(d.cell.as_str(), d.id)).map_err(|x| x.to_string())?.is_some();
        if in_cell != (d.status != DeviceStatus::Retired) {
            return Err(format!("device {} cell index does not match its status", d.id));
        }
        let reports = state::reports(state, d.id, 0).map_err(e)?;
        if reports.len() as u64 != d.reports {
            return Err(format!("device {} counts {} reports but stores {}", d.id, d.reports, reports.len()));
        }
        let mut previous_end = 0;
        for r in &reports {
            let t = &r.report;
            if t.start < previous_end || t.end <= t.start || t.start / 3_600 != (t.end - 1) / 3_600 {
                return Err(format!("device {} has an overlapping or malformed report at {}", d.id, t.start));
            }
            if r.green_compute_wh > t.compute_wh || r.green_share_bps > 10_000 {
                return Err(format!("report {} claims more green energy than compute", r.hash));
            }
            if state.get(&keys::report_hash(&r.hash)).map_err(|x| x.to_string())? != Some((d.id, t.start)) {
                return Err(format!("report {} is not indexed by its hash", r.hash));
            }
            previous_end = t.end;
        }
        let (totals, day_starts) = state::replay_totals(&reports);
        let stored: Vec<(u64, state::TelemetryTotals)> = state
            .prefix::<state::TelemetryTotals>(&keys::day_starts_of(d.id))
            .map_err(|x| x.to_string())?
            .into_iter()
            .filter_map(|(k, t)| Some((k.rsplit('/').next()?.parse().ok()?, t)))
            .collect();
        if totals != d.totals || stored != day_starts {
            return Err(format!("device {} running totals or day snapshots disagree with its reports", d.id));
        }
        if let Some(last) = reports.last() {
            if d.last_report_end != Some(last.report.end) {
                return Err(format!("device {} last_report_end disagrees with its reports", d.id));
            }
        }
    }
    Ok(())
}
