//! Settlement and SCI: paying each replica's position holder, refunds, and the
//! job's Software Carbon Intensity report.

use super::*;

/// Pays out by replica outcome, writes the SCI report, and closes the job.
/// Post-condition (checked by [`close`]): the job holds nothing; Σ paid + fees +
/// refunds + returned bonds + slashes + rewards = everything it took in.
pub(super) fn settle(state: &mut impl StateWrite, mut job: Job, now: UnixSeconds, why: &str) -> Result<(), JobsError> {
    let params = state::params(state)?;
    let ghr = Denom::ghr();
    let (share, remainder) = math::split_even(job.spec.incentive, job.spec.verification.replicas());
    let mut refund = remainder;
    for i in 0..job.replicas.len() {
        if job.replicas[i].outcome == ReplicaOutcome::Pending {
            job.replicas[i].outcome = ReplicaOutcome::Missed;
        }
        let r = job.replicas[i].clone();
        match r.outcome {
            ReplicaOutcome::Correct => {
                let to = payee(state, &r)?;
                let (net, fee) = math::less_fee(share, params.protocol_fee_bps).ok_or(JobsError::Overflow)?;
                pay(state, &to, &ghr, net)?;
                pay(state, &fee_collector(), &ghr, fee)?;
                job.ledger.paid += net;
                job.ledger.fees += fee;
                state.emit(event::paid(&job, &to, net, fee));
                pay(state, &r.operator, &ghr, r.bond)?;
                job.ledger.bonds_returned += r.bond;
            }
            ReplicaOutcome::Wrong => {
                refund += share;
                if r.bond > 0 {
                    slash(state, &mut job, &r.operator, r.bond, None, "wrong or withheld result")?;
                }
            }
            ReplicaOutcome::Unresolved => {
                refund += share;
                pay(state, &r.operator, &ghr, r.bond)?;
                job.ledger.bonds_returned += r.bond;
            }
            ReplicaOutcome::Missed | ReplicaOutcome::Pending => refund += share,
        }
        job.replicas[i].bond = 0;
    }
    pay(state, &job.buyer, &ghr, refund)?;
    job.ledger.refunded += refund;
    let accepted = job.replicas.iter().find(|r| r.outcome == ReplicaOutcome::Correct).and_then(|r| r.output_hash);
    job.result = accepted;
    if let Some(report) = sci_report(state, &job, &params, now)? {
        state.put(&keys::sci(job.id), &report);
    }
    let status = if accepted.is_some() { JobStatus::Settled } else { JobStatus::Failed };
    close(state, job, status, now, why)
}

/// Who is paid for a replica's capacity: the holder of the position NFT the
/// matcher recorded, or the operator if that position is gone.
pub(super) fn payee(state: &impl StateRead, r: &Replica) -> Result<Address, JobsError> {
    match r.position {
        // A burned position pays its operator; a failed read fails the block rather
        // than paying the wrong account.
        Some(serial) => Ok(pools::position_holder(state, serial)?.unwrap_or(r.operator)),
        None => Ok(r.operator),
    }
}

/// Energy, own green energy and emissions of every replica that ran; the green
/// Wh of accepted replicas is consumed so it backs no other job.
pub(super) fn sci_report(
    state: &mut impl StateWrite,
    job: &Job,
    params: &JobsParams,
    now: UnixSeconds,
) -> Result<Option<SciReport>, JobsError> {
    let Some(start) = job.start_hour else { return Ok(None) };
    let ran: Vec<&Replica> = job
        .replicas
        .iter()
        .filter(|r| matches!(r.outcome, ReplicaOutcome::Correct | ReplicaOutcome::Wrong | ReplicaOutcome::Unresolved))
        .collect();
    if ran.is_empty() {
        return Ok(None);
    }
    let gpus = job.spec.gpus;
    let (mut energy_wh, mut green_wh, mut source) = (0u64, 0u64, EnergySource::Telemetry);
    let mut energy_by_hour: BTreeMap<u64, u64> = BTreeMap::new();
    let mut certificates = Vec::new();
    for r in &ran {
        let device = devices::device(state, r.device)?;
        // One read per replica; reports are per interval within one UTC hour.
        let run_reports = devices::reports(state, r.device, start * HOUR)?;
        for hour in start..start + job.spec.hours as u64 {
            let reports: Vec<_> = run_reports.iter().filter(|s| s.report.start / HOUR == hour).collect();
            if reports.is_empty() {
                let e = device.nameplate.gpu_tdp_w as u64 * gpus as u64;
                energy_wh += e;
                *energy_by_hour.entry(hour).or_default() += e;
                source = EnergySource::Nameplate;
                continue;
            }
            let compute: u64 = reports.iter().map(|s| s.report.compute_wh).sum();
            let green: u64 = reports.iter().map(|s| s.green_compute_wh).sum();
            let e = math::energy_share(compute, gpus, device.nameplate.gpu_count);
            energy_wh += e;
            *energy_by_hour.entry(hour).or_default() += e;
            if r.outcome == ReplicaOutcome::Correct {
                // Green behind the meter only as far as the owner still holds
                // the hour's certificates: each Wh is counted once.
                let g = math::energy_share(green, gpus, device.nameplate.gpu_count).min(e);
                if g > 0 {
                    let taken = carbon::take_device_hour(state, r.device, hour, g, now)?;
                    let taken_wh: u64 = taken.iter().map(|b| b.wh()).sum();
                    green_wh += taken_wh;
                    certificates.extend(taken);
                    // PoGCS: the hour's GPU-hours, weighted by the certified green
                    // share, count for the validator the device is linked to.
                    let milli = (gpus as u128 * 1_000 * taken_wh as u128 / e.max(1) as u128) as u64;
                    greenhour_staking::api::record_green_work(state, r.device, milli)?;
                }
            }
        }
    }
    for (hour, e) in &energy_by_hour {
        carbon::record_job_consumption(state, &job.buyer, *hour, *e)?;
    }
    let claimed: Vec<(u64, u64)> = certificates.iter().map(|b| (b.first, b.last)).collect();
    let receipt = if certificates.is_empty() {
        None
    } else {
        let terms = greenhour_carbon::ClaimTerms {
            beneficiary: job.buyer.to_string(),
            purpose: format!("job {} ({})", job.id, job.spec.verification.name()),
            location: "behind the meter".into(),
            period_start: start * HOUR,
            period_end: (start + job.spec.hours as u64) * HOUR,
        };
        let carbon_params = greenhour_carbon::api::params(state)?;
        Some(carbon::retire_bundles(state, certificates, &job.buyer, &terms, now, &carbon_params)?.receipt)
    };
    let gpu_hours_ran = gpus as u64 * job.spec.hours as u64 * ran.len() as u64;
    let delivered = gpus as u64
        * job.spec.hours as u64
        * ran.iter().filter(|r| r.outcome == ReplicaOutcome::Correct).count() as u64;
    let embodied_mg = params.embodied_mg_per_gpu_hour.saturating_mul(gpu_hours_ran);
    let grid =
        greenhour_oracle::api::read(state, &params.carbon_feed, now).ok().and_then(|o| u64::try_from(o.value).ok());
    let sums = grid.and_then(|i| math::sci_mg(energy_wh, green_wh, i, embodied_mg));
    Ok(Some(SciReport {
        job: job.id,
        verification: job.spec.verification.name().into(),
        gpu_hours: delivered,
        energy_wh,
        green_wh,
        certificates: claimed,
        receipt,
        energy_source: source,
        grid_g_per_kwh: grid,
        embodied_mg,
        location_based_mg: sums.map(|s| s.0),
        market_based_mg: sums.map(|s| s.1),
        location_mg_per_gpu_hour: sums.and_then(|s| s.0.checked_div(delivered)),
        attested_only: job.spec.verification == Verification::Attested,
    }))
}
