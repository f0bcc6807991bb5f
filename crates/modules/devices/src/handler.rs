//! Check and execute for devices actions. Every handler: checks → compute →
//! write → post-condition → event.

use crate::event::DevicesEvent;
use crate::params::{MAX_GPU_MODEL_BYTES, MAX_REPORT_SECONDS};
use crate::state::{self, Device, DeviceId, DeviceStatus, LocationCell, Nameplate, StoredReport};
use crate::{event, keys, math, DevicesAction, DevicesError, DevicesParams, TelemetryReport};
use greenhour_crypto::{Domain, PublicKey, Signature};
use greenhour_framework::{Action, StateWrite, TxCtx};

fn check_cell(cell: &LocationCell) -> Result<(), DevicesError> {
    if cell.is_valid() {
        Ok(())
    } else {
        Err(DevicesError::InvalidCell(cell.as_str().to_string()))
    }
}

fn check_nameplate_shape(n: &Nameplate) -> Result<(), DevicesError> {
    if n.gpu_model.len() > MAX_GPU_MODEL_BYTES {
        return Err(DevicesError::InvalidNameplate(format!("GPU model longer than {MAX_GPU_MODEL_BYTES} bytes")));
    }
    if n.gpu_count > 0 && (n.gpu_tdp_w == 0 || n.gpu_model.is_empty()) {
        return Err(DevicesError::InvalidNameplate("GPUs need a model and a TDP".into()));
    }
    if n.pv_w == 0 && n.gpu_count == 0 && n.battery_wh == 0 {
        return Err(DevicesError::InvalidNameplate("a device needs PV, a battery or GPUs".into()));
    }
    if (n.battery_wh == 0) != (n.battery_max_w == 0) {
        return Err(DevicesError::InvalidNameplate("battery capacity and power go together".into()));
    }
    Ok(())
}

fn check_nameplate_limits(n: &Nameplate, p: &DevicesParams) -> Result<(), DevicesError> {
    if n.gpu_count > p.max_gpus {
        return Err(DevicesError::InvalidNameplate(format!("more than {} GPUs", p.max_gpus)));
    }
    let ratings = [n.pv_w, n.battery_wh, n.battery_max_w, n.charger_w, n.gpu_tdp_w as u64];
    if ratings.iter().any(|r| *r > p.max_rating) {
        return Err(DevicesError::InvalidNameplate(format!("a rating above {}", p.max_rating)));
    }
    Ok(())
}

fn check_interval(r: &TelemetryReport) -> Result<(), DevicesError> {
    let bad = DevicesError::BadInterval { start: r.start, end: r.end };
    if r.end <= r.start || r.end - r.start > MAX_REPORT_SECONDS || r.start / 3_600 != (r.end - 1) / 3_600 {
        return Err(bad);
    }
    if r.soc_permille > 1_000 {
        return Err(DevicesError::BadStateOfCharge(r.soc_permille));
    }
    Ok(())
}

fn owned(state: &impl StateWrite, id: DeviceId, tx: &TxCtx) -> Result<Device, DevicesError> {
    let device = state::device(state, id)?;
    if device.owner != tx.signer {
        return Err(DevicesError::NotOwner(id));
    }
    Ok(device)
}

fn status_name(s: DeviceStatus) -> &'static str {
    match s {
        DeviceStatus::Active => "active",
        DeviceStatus::Suspended => "suspended",
        DeviceStatus::Retired => "retired",
    }
}

fn transition(device: &mut Device, from: DeviceStatus, to: DeviceStatus) -> Result<(), DevicesError> {
    if device.status != from {
        return Err(DevicesError::BadTransition {
            id: device.id,
            from: status_name(device.status),
            to: status_name(to),
        });
    }
    device.status = to;
    Ok(())
}

impl Action for DevicesAction {
    type Error = DevicesError;

    fn check(&self) -> Result<(), DevicesError> {
        match self {
            DevicesAction::Register { key, cell, nameplate, .. } => {
                if !key.is_valid() {
                    return Err(DevicesError::InvalidKey);
                }
                check_cell(cell)?;
                check_nameplate_shape(nameplate)
            }
            DevicesAction::Update { nameplate, cell, .. } => {
                if let Some(c) = cell {
                    check_cell(c)?;
                }
                nameplate.as_ref().map_or(Ok(()), check_nameplate_shape)
            }
            DevicesAction::Report { report, .. } => check_interval(report),
            DevicesAction::Suspend { .. } | DevicesAction::Resume { .. } | DevicesAction::Retire { .. } => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), DevicesError> {
        match self {
            DevicesAction::Register { key, class, cell, nameplate } => {
                register(state, tx, key, *class, cell, nameplate)
            }
            DevicesAction::Update { device, nameplate, cell } => {
                let mut d = owned(state, *device, tx)?;
                if d.status == DeviceStatus::Retired {
                    return Err(DevicesError::NotActive { id: d.id, status: "retired" });
                }
                if state::pool_locked(state, d.id)? {
                    return Err(DevicesError::Committed { id: d.id, what: "change its nameplate or cell" });
                }
                if let Some(n) = nameplate {
                    check_nameplate_limits(n, &state::params(state)?)?;
                    d.nameplate = n.clone();
                }
                if let Some(c) = cell {
                    state.delete(&keys::by_cell(d.cell.as_str(), d.id));
                    state.put(&keys::by_cell(c.as_str(), d.id), &());
                    d.cell = c.clone();
                }
                state::put_device(state, &d);
                state.emit(DevicesEvent::Updated { device: d.id }.into());
                Ok(())
            }
            DevicesAction::Suspend { device } => {
                let mut d = owned(state, *device, tx)?;
                transition(&mut d, DeviceStatus::Active, DeviceStatus::Suspended)?;
                state::put_device(state, &d);
                state.emit(DevicesEvent::Suspended { device: d.id }.into());
                Ok(())
            }
            DevicesAction::Resume { device } => {
                let mut d = owned(state, *device, tx)?;
                transition(&mut d, DeviceStatus::Suspended, DeviceStatus::Active)?;
                state::put_device(state, &d);
                state.emit(DevicesEvent::Resumed { device: d.id }.into());
                Ok(())
            }
            DevicesAction::Retire { device } => {
                let mut d = owned(state, *device, tx)?;
                if d.status == DeviceStatus::Retired {
                    return Err(DevicesError::BadTransition { id: d.id, from: "retired", to: "retired" });
                }
                if state::pool_locked(state, d.id)? {
                    return Err(DevicesError::Committed { id: d.id, what: "retire" });
                }
                d.status = DeviceStatus::Retired;
                // Leaves its cell (no longer counts against a cell's cap); the key stays reserved.
                state.delete(&keys::by_cell(d.cell.as_str(), d.id));
                state::put_device(state, &d);
                state.emit(DevicesEvent::Retired { device: d.id }.into());
                Ok(())
            }
            DevicesAction::Report { report, signature } => accept_report(state, tx, report, signature),
        }
    }

    fn signature_claims(
        &self,
        state: &impl greenhour_framework::StateRead,
    ) -> Vec<greenhour_framework::SignatureClaim> {
        let DevicesAction::Report { report, signature } = self else { return Vec::new() };
        match state::device(state, report.device) {
            Ok(device) => vec![greenhour_framework::SignatureClaim {
                public_key: device.key,
                domain: Domain::Telemetry,
                message: greenhour_codec::encode(report),
                signature: *signature,
            }],
            Err(_) => Vec::new(),
        }
    }
}

fn register(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    key: &PublicKey,
    class: crate::DeviceClass,
    cell: &LocationCell,
    nameplate: &Nameplate,
) -> Result<(), DevicesError> {
    check_nameplate_limits(nameplate, &state::params(state)?)?;
    if let Some(existing) = state::device_by_key(state, key)? {
        return Err(DevicesError::KeyTaken(existing));
    }
    let id = DeviceId(state.get(&keys::next_id())?.unwrap_or(1));
    let device = Device {
        id,
        owner: tx.signer,
        key: *key,
        class,
        cell: cell.clone(),
        nameplate: nameplate.clone(),
        status: DeviceStatus::Active,
        registered_at: tx.block.height,
        last_report_end: None,
        reports: 0,
        charged_wh: 0,
        charged_from_pv_wh: 0,
        totals: Default::default(),
    };
    state.put(&keys::next_id(), &(id.0 + 1));
    state::put_device(state, &device);
    state.put(&keys::by_key(key), &id);
    state.put(&keys::by_owner(&device.owner, id), &());
    state.put(&keys::by_cell(cell.as_str(), id), &());
    state.emit(event::registered(&device));
    Ok(())
}

/// Post-condition: the device's `last_report_end` is the report's end, the
/// report is stored once under its hash, and the device's running totals include it.
fn accept_report(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    report: &TelemetryReport,
    signature: &Signature,
) -> Result<(), DevicesError> {
    let mut device = state::device(state, report.device)?;
    if device.status != DeviceStatus::Active {
        return Err(DevicesError::NotActive { id: device.id, status: status_name(device.status) });
    }
    let body = greenhour_codec::encode(report);
    tx.signatures
        .check(&device.key, Domain::Telemetry, &tx.block.chain_id, &body, signature)
        .map_err(|_| DevicesError::BadReportSignature(device.id))?;
    if report.end > tx.block.time {
        return Err(DevicesError::FutureReport { end: report.end, now: tx.block.time });
    }
    if let Some(last_end) = device.last_report_end {
        if report.start < last_end {
            return Err(DevicesError::Overlap { start: report.start, last_end });
        }
        if report.start > last_end && !report.outage_before {
            return Err(DevicesError::Gap { start: report.start, last_end });
        }
    }
    let params = state::params(state)?;
    let secs = report.end - report.start;
    let tol = params.nameplate_tolerance_permille;
    let n = &device.nameplate;
    let bound = |what, ok: bool| if ok { Ok(()) } else { Err(DevicesError::ExceedsNameplate { what }) };
    bound("generation", math::within_rating(report.generated_wh, n.pv_w, secs, tol))?;
    bound("battery charge", math::within_rating(report.charged_wh, n.battery_max_w, secs, tol))?;
    bound("battery discharge", math::within_rating(report.discharged_wh, n.battery_max_w, secs, tol))?;
    let gpu_w = n.gpu_count as u64 * n.gpu_tdp_w as u64;
    bound("compute energy", math::within_rating(report.compute_wh, gpu_w, secs, tol))?;
    bound("GPU-seconds", report.gpu_seconds <= n.gpu_count as u64 * secs)?;
    if !math::balanced(report, params.balance_tolerance_permille) {
        return Err(DevicesError::EnergyImbalance);
    }

    let hash = report.signed_hash(signature);
    let split = math::green_split(report, device.charged_wh, device.charged_from_pv_wh);
    let stored = StoredReport {
        hash,
        report: report.clone(),
        green_compute_wh: split.green_compute_wh,
        green_share_bps: split.share_bps,
        accepted_at: tx.block.height,
    };
    state::add_report(state, &mut device, &stored);
    device.last_report_end = Some(report.end);
    device.reports += 1;
    device.charged_wh += report.charged_wh as u128;
    device.charged_from_pv_wh += split.charged_from_pv_wh as u128;
    state::put_device(state, &device);
    state.put(&keys::report(device.id, report.start), &stored);
    state.put(&keys::report_hash(&hash), &(device.id, report.start));
    state.emit(event::report(&stored));
    Ok(())
}
