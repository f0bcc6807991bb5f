//! Posting and escrow: workload uploads, posting a job with its funds in custody,
//! cancelling, refunds of unmatched jobs, and closing a job.

use super::*;

/// Post-condition: the module holds the module under its sha256, valid for the
/// runtime and meterable under the chain's memory cap (so every run of it is
/// defined the same way in every engine).
pub(super) fn upload(state: &mut impl StateWrite, tx: &TxCtx, wasm: &[u8]) -> Result<(), JobsError> {
    let params = state::params(state)?;
    if wasm.len() > params.max_wasm_bytes as usize {
        return Err(JobsError::InvalidWorkload(format!(
            "{} bytes; the limit is {}",
            wasm.len(),
            params.max_wasm_bytes
        )));
    }
    greenhour_workloads::meter(wasm, params.max_memory_bytes as usize)
        .map_err(|e| JobsError::InvalidWorkload(e.to_string()))?;
    let hash = Hash::digest(wasm);
    if state::workload(state, &hash)?.is_none() {
        state.put(&keys::workload(&hash), &StoredWorkload { hash, uploader: tx.signer, wasm: wasm.to_vec() });
        state.emit(event::uploaded(&hash, &tx.signer, wasm.len()));
    }
    Ok(())
}

/// Post-condition: custody holds the job's most possible market cost and its
/// incentive more than before; the job is open.
pub(super) fn post(state: &mut impl StateWrite, tx: &TxCtx, spec: &JobSpec) -> Result<(), JobsError> {
    let params = state::params(state)?;
    let now_hour = tx.block.time / HOUR;
    let impossible = |why: String| Err(JobsError::Impossible(why));
    if spec.earliest_hour <= now_hour {
        return impossible(format!("earliest hour {} is not after the current hour {now_hour}", spec.earliest_hour));
    }
    if spec.deadline_hour > now_hour + params.horizon_hours {
        return impossible(format!("deadline beyond the {}-hour horizon", params.horizon_hours));
    }
    if spec.gpus > params.max_gpus || spec.hours > params.max_job_hours {
        return impossible(format!("at most {} GPUs for {} hours per replica", params.max_gpus, params.max_job_hours));
    }
    if spec.verification.replicas() > params.max_replicas {
        return impossible(format!("at most {} replicas", params.max_replicas));
    }
    if spec.providers.len() > MAX_PROVIDERS {
        return impossible(format!("{} providers named; at most {MAX_PROVIDERS}", spec.providers.len()));
    }
    if !spec.providers.is_empty() {
        let distinct: std::collections::BTreeSet<&Address> = spec.providers.iter().collect();
        if distinct.len() != spec.providers.len() {
            return impossible("a provider is named twice".into());
        }
        // Replicas need distinct owners, so fewer providers than replicas can never match.
        if distinct.len() < spec.verification.replicas() as usize {
            return impossible(format!(
                "{} providers named for {} replicas of distinct owners",
                distinct.len(),
                spec.verification.replicas()
            ));
        }
    }
    if let Verification::Optimistic { window_secs, .. } = spec.verification {
        if window_secs > params.max_window_secs {
            return Err(JobsError::InvalidVerification(format!("window above {} s", params.max_window_secs)));
        }
    }
    if let Workload::Wasm { module, input, fuel } = &spec.workload {
        if state::workload(state, module)?.is_none() {
            return Err(JobsError::UnknownWorkload(*module));
        }
        if *fuel > params.max_fuel {
            return Err(JobsError::FuelAboveLimit { asked: *fuel, max: params.max_fuel });
        }
        if input.len() > params.max_input_bytes as usize {
            return impossible(format!("input of {} bytes; at most {}", input.len(), params.max_input_bytes));
        }
    }
    if spec.bond < params.min_bond {
        return Err(JobsError::BondTooSmall { bond: spec.bond, min: params.min_bond });
    }
    let mut ledger = Ledger::default();
    if let Pricing::Market { quote, max_price_per_gpu_hour } = &spec.pricing {
        let need = max_price_per_gpu_hour.checked_mul(spec.gpu_hours() as u128).ok_or(JobsError::Overflow)?;
        fund(state, &tx.signer, quote, need)?;
        ledger.quote_in = need;
    }
    fund(state, &tx.signer, &Denom::ghr(), spec.incentive)?;
    ledger.ghr_in = spec.incentive;
    let id = JobId(state.get(&keys::next_id())?.unwrap_or(1));
    state.put(&keys::next_id(), &(id.0 + 1));
    let job = Job::open(id, tx.signer, spec.clone(), tx.block.time, ledger);
    state::put_job(state, &job);
    state.put(&keys::open(id), &());
    state.emit(event::transition(&job, "posted"));
    Ok(())
}

pub(super) fn cancel(state: &mut impl StateWrite, tx: &TxCtx, id: JobId) -> Result<(), JobsError> {
    let mut job = state::job(state, id)?;
    if job.buyer != tx.signer {
        return Err(JobsError::NotBuyer(id));
    }
    if job.status != JobStatus::Open {
        return Err(JobsError::WrongStatus { job: id, status: job.status, action: "cancel" });
    }
    refund_unmatched(state, &mut job)?;
    close(state, job, JobStatus::Cancelled, tx.block.time, "cancelled by the buyer")
}

/// Returns an unmatched job's whole escrow to the buyer.
pub(super) fn refund_unmatched(state: &mut impl StateWrite, job: &mut Job) -> Result<(), JobsError> {
    if let Pricing::Market { quote, .. } = &job.spec.pricing {
        let held = job.ledger.quote_held();
        pay(state, &job.buyer, quote, held)?;
        job.ledger.quote_refunded += held;
    }
    let held = job.ledger.ghr_held();
    pay(state, &job.buyer, &Denom::ghr(), held)?;
    job.ledger.refunded += held;
    Ok(())
}

/// Ends a job: its final status, indexes dropped, busy capacity released.
/// Post-condition: the job holds nothing (`quote_held == ghr_held == 0`).
pub(super) fn close(
    state: &mut impl StateWrite,
    mut job: Job,
    status: JobStatus,
    now: UnixSeconds,
    why: &str,
) -> Result<(), JobsError> {
    if job.ledger.quote_held() != 0 || job.ledger.ghr_held() != 0 {
        return Err(JobsError::Accounting(format!("job {} closes holding funds", job.id)));
    }
    job.status = status;
    job.closed_at = Some(now);
    state::reschedule(state, &mut job, None);
    state.delete(&keys::open(job.id));
    if let Some(start) = job.start_hour {
        for r in &job.replicas {
            state.delete(&keys::assigned(&r.operator, job.id));
            for hour in start..start + job.spec.hours as u64 {
                state::add_busy(state, hour, r.device, -(job.spec.gpus as i64))?;
            }
        }
    }
    state::put_job(state, &job);
    state::record_outcome(state, &job)?;
    state.emit(event::transition(&job, why));
    Ok(())
}
