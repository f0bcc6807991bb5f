//! Verification: commits and reveals, the result window, re-execution, challenges
//! and slashing, and judging redundant and attested jobs.

use super::*;

/// The replica of `device` in `job` that `signer` operates.
pub(super) fn replica_of(job: &Job, device: DeviceId, signer: &Address) -> Result<usize, JobsError> {
    job.replicas.iter().position(|r| r.device == device && r.operator == *signer).ok_or(JobsError::NotAssigned {
        job: job.id,
        device,
        signer: *signer,
    })
}

/// Results (commits, and reveals other than `Redundant`'s) are accepted from
/// the run's start until `result_grace_secs` after its end.
pub(super) fn in_result_window(job: &Job, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
    let (Some(opens), Some(end)) = (job.start(), job.end()) else {
        return Err(JobsError::WrongStatus { job: job.id, status: job.status, action: "submit a result" });
    };
    let closes = end + params.result_grace_secs;
    if now < opens || now >= closes || !matches!(job.status, JobStatus::Matched | JobStatus::Running) {
        return Err(JobsError::OutsideWindow { job: job.id, opens, closes, now });
    }
    Ok(())
}

/// Post-condition: the replica's bond is in custody and its commitment recorded.
pub(super) fn commit(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    id: JobId,
    device: DeviceId,
    commitment: Hash,
) -> Result<(), JobsError> {
    let params = state::params(state)?;
    let mut job = state::job(state, id)?;
    if !matches!(job.spec.verification, Verification::Redundant { .. }) {
        return Err(JobsError::InvalidVerification("only redundant jobs commit; reveal the output directly".into()));
    }
    let i = replica_of(&job, device, &tx.signer)?;
    in_result_window(&job, tx.block.time, &params)?;
    if job.replicas[i].commitment.is_some() {
        return Err(JobsError::AlreadySubmitted { job: id, device });
    }
    fund(state, &tx.signer, &Denom::ghr(), job.spec.bond)?;
    job.ledger.ghr_in += job.spec.bond;
    job.replicas[i].bond = job.spec.bond;
    job.replicas[i].commitment = Some(commitment);
    state::put_job(state, &job);
    state.emit(event::submitted(&job, &job.replicas[i], false));
    Ok(())
}

pub(super) fn reveal(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    id: JobId,
    device: DeviceId,
    output: &[u8],
) -> Result<(), JobsError> {
    let params = state::params(state)?;
    if output.len() > params.max_output_bytes as usize {
        return Err(JobsError::OutputTooLarge { len: output.len(), max: params.max_output_bytes as usize });
    }
    let mut job = state::job(state, id)?;
    let i = replica_of(&job, device, &tx.signer)?;
    let now = tx.block.time;
    let hash = math::output_hash(output);
    if job.replicas[i].output_hash.is_some() {
        return Err(JobsError::AlreadySubmitted { job: id, device });
    }
    match job.spec.verification.clone() {
        Verification::Redundant { .. } => {
            let commitment = job.replicas[i].commitment.ok_or(JobsError::BadReveal { job: id, device })?;
            let (Some(start), Some(end)) = (job.start(), job.end()) else {
                return Err(JobsError::WrongStatus { job: id, status: job.status, action: "reveal" });
            };
            let commit_deadline = end + params.result_grace_secs;
            let reveal_deadline = commit_deadline + params.reveal_secs;
            let all_committed = job.replicas.iter().all(|r| r.commitment.is_some());
            if !(all_committed || now >= commit_deadline) {
                return Err(JobsError::RevealTooEarly(id));
            }
            if now >= reveal_deadline || now < start || job.status.is_final() {
                return Err(JobsError::OutsideWindow { job: id, opens: start, closes: reveal_deadline, now });
            }
            if math::commitment(id, device, &hash) != commitment {
                return Err(JobsError::BadReveal { job: id, device });
            }
            job.replicas[i].output_hash = Some(hash);
            state.put(&keys::output(id, i), &output.to_vec());
            state.emit(event::submitted(&job, &job.replicas[i], true));
            if job.replicas.iter().all(|r| r.output_hash.is_some()) {
                return resolve_redundant(state, job, now);
            }
            state::put_job(state, &job);
            Ok(())
        }
        Verification::Optimistic { window_secs, sample_bps } => {
            in_result_window(&job, now, &params)?;
            post_result_bond(state, &mut job, i, &tx.signer, hash, output, now)?;
            if math::audit_draw(&tx.block.beacon, id) < sample_bps {
                job.audited = true;
                if reexecute(state, &job, &params)? == Some(hash) {
                    job.confirmed = true;
                    job.replicas[i].outcome = ReplicaOutcome::Correct;
                    return settle(state, job, now, "audited by re-execution: correct");
                }
                job.replicas[i].outcome = ReplicaOutcome::Wrong;
                return settle(state, job, now, "audited by re-execution: wrong result");
            }
            let due = now + window_secs;
            state::reschedule(state, &mut job, Some(due));
            state::put_job(state, &job);
            Ok(())
        }
        Verification::Attested => {
            in_result_window(&job, now, &params)?;
            post_result_bond(state, &mut job, i, &tx.signer, hash, output, now)?;
            // Telemetry for the last hour arrives after it ends: judge after the grace.
            let due = job.end().unwrap_or(now) + params.result_grace_secs;
            state::reschedule(state, &mut job, Some(due.max(now)));
            state::put_job(state, &job);
            Ok(())
        }
    }
}

/// A single provider's reveal: bond in, output kept, the job to `Verifying`.
#[allow(clippy::too_many_arguments)]
pub(super) fn post_result_bond(
    state: &mut impl StateWrite,
    job: &mut Job,
    i: usize,
    signer: &Address,
    hash: Hash,
    output: &[u8],
    now: UnixSeconds,
) -> Result<(), JobsError> {
    fund(state, signer, &Denom::ghr(), job.spec.bond)?;
    job.ledger.ghr_in += job.spec.bond;
    job.replicas[i].bond = job.spec.bond;
    job.replicas[i].output_hash = Some(hash);
    job.revealed_at = Some(now);
    job.status = JobStatus::Verifying;
    state.put(&keys::output(job.id, i), &output.to_vec());
    state.emit(event::submitted(job, &job.replicas[i], true));
    state.emit(event::transition(job, "result revealed"));
    Ok(())
}

/// Re-runs a WASM job within its fuel: the output hash, or `None` when the
/// workload traps or runs out of fuel (then no output is correct).
pub fn reexecute(state: &impl StateRead, job: &Job, params: &JobsParams) -> Result<Option<Hash>, JobsError> {
    let Workload::Wasm { module, input, fuel } = &job.spec.workload else {
        return Ok(None);
    };
    let stored = state::workload(state, module)?.ok_or(JobsError::UnknownWorkload(*module))?;
    let limits = greenhour_workloads::Limits {
        fuel: (*fuel).min(params.max_fuel),
        max_memory_bytes: params.max_memory_bytes as usize,
        max_input_bytes: params.max_input_bytes as usize,
        max_output_bytes: params.max_output_bytes as usize,
    };
    Ok(greenhour_workloads::run(&stored.wasm, input, &limits).ok().map(|o| math::output_hash(&o.output)))
}

/// Post-condition: whoever re-execution proves wrong lost their bond (the
/// split to the other side, the rest to insurance); the job settled or failed
/// if the provider was wrong, and is confirmed and settled if the challenger was.
pub(super) fn challenge(state: &mut impl StateWrite, tx: &TxCtx, id: JobId) -> Result<(), JobsError> {
    let params = state::params(state)?;
    let mut job = state::job(state, id)?;
    let now = tx.block.time;
    let not = |why: &str| Err(JobsError::NotChallengeable { job: id, why: why.into() });
    let Verification::Optimistic { window_secs, .. } = job.spec.verification else {
        return not("only optimistic jobs are challenged");
    };
    if job.status != JobStatus::Verifying {
        return Err(JobsError::WrongStatus { job: id, status: job.status, action: "challenge" });
    }
    if job.confirmed {
        return not("the result was already confirmed by re-execution");
    }
    if now >= job.revealed_at.unwrap_or(0) + window_secs {
        return not("the challenge window has closed");
    }
    let provider = job.replicas[0].operator;
    if tx.signer == provider {
        return not("the provider cannot challenge its own result");
    }
    if job.challengers.contains(&tx.signer) {
        return Err(JobsError::DuplicateChallenge { job: id, challenger: tx.signer });
    }
    let bond = job.spec.bond;
    fund(state, &tx.signer, &Denom::ghr(), bond)?;
    job.ledger.ghr_in += bond;
    job.challengers.push(tx.signer);
    let correct = reexecute(state, &job, &params)? == job.replicas[0].output_hash;
    if correct {
        // The challenger was wrong: its bond is slashed, the split to the provider.
        slash(state, &mut job, &tx.signer, bond, Some(provider), "failed challenge")?;
        state.emit(event::challenged(&job, &tx.signer, false));
        job.confirmed = true;
        job.replicas[0].outcome = ReplicaOutcome::Correct;
        return settle(state, job, now, "challenge failed: re-execution confirmed the result");
    }
    let provider_bond = std::mem::take(&mut job.replicas[0].bond);
    slash(state, &mut job, &provider, provider_bond, Some(tx.signer), "wrong result shown by challenge")?;
    pay(state, &tx.signer, &Denom::ghr(), bond)?;
    job.ledger.bonds_returned += bond;
    state.emit(event::challenged(&job, &tx.signer, true));
    job.replicas[0].outcome = ReplicaOutcome::Wrong;
    settle(state, job, now, "challenge upheld: re-execution disagreed")
}

/// Slashes `amount` of `who`'s bond: `slash_split_bps` of it to `rewarded` (if
/// any), the rest to the insurance fund.
pub(super) fn slash(
    state: &mut impl StateWrite,
    job: &mut Job,
    who: &Address,
    amount: Amount,
    rewarded: Option<Address>,
    why: &str,
) -> Result<(), JobsError> {
    let split = if rewarded.is_some() { job.spec.slash_split_bps } else { 0 };
    let (reward, rest) = math::split_slash(amount, split).ok_or(JobsError::Overflow)?;
    if let Some(to) = rewarded {
        pay(state, &to, &Denom::ghr(), reward)?;
    }
    pay(state, &insurance(), &Denom::ghr(), rest)?;
    job.ledger.rewards += reward;
    job.ledger.slashed += rest;
    state.emit(event::slashed(job, who, amount, reward, why));
    Ok(())
}

/// Majority of `k` over revealed outputs: the majority is correct, other
/// revealed outputs and commitments never opened are wrong, silent replicas
/// missed. Without a majority nobody is paid and revealed bonds are returned.
pub(super) fn resolve_redundant(state: &mut impl StateWrite, mut job: Job, now: UnixSeconds) -> Result<(), JobsError> {
    let k = job.spec.verification.replicas();
    let revealed: Vec<Hash> = job.replicas.iter().filter_map(|r| r.output_hash).collect();
    let winner = math::majority(&revealed, k);
    for r in &mut job.replicas {
        r.outcome = match (r.commitment, r.output_hash, winner) {
            (None, _, _) => ReplicaOutcome::Missed,
            (Some(_), None, _) => ReplicaOutcome::Wrong,
            (Some(_), Some(h), Some(w)) if h == w => ReplicaOutcome::Correct,
            (Some(_), Some(_), Some(_)) => ReplicaOutcome::Wrong,
            (Some(_), Some(_), None) => ReplicaOutcome::Unresolved,
        };
    }
    let why = if winner.is_some() { "majority of replicas agreed" } else { "no majority among replicas" };
    settle(state, job, now, why)
}

/// Meter check for `Attested` jobs: the device's signed telemetry over the
/// job's hours shows at least the bought GPU-seconds × the utilisation floor.
pub(super) fn resolve_attested(state: &mut impl StateWrite, mut job: Job, now: UnixSeconds) -> Result<(), JobsError> {
    let params = state::params(state)?;
    let (Some(start), Some(end)) = (job.start(), job.end()) else {
        return Err(JobsError::Accounting(format!("attested job {} has no start", job.id)));
    };
    let r = &job.replicas[0];
    let metered: u64 = devices::reports(state, r.device, start)?
        .iter()
        .filter(|s| s.report.start < end)
        .map(|s| s.report.gpu_seconds)
        .sum();
    let needed =
        (job.spec.gpus as u128 * (end - start) as u128 * params.attested_min_utilisation_bps as u128 / 10_000) as u64;
    job.replicas[0].outcome = match r.output_hash {
        None => ReplicaOutcome::Missed,
        Some(_) if metered >= needed => ReplicaOutcome::Correct,
        Some(_) => ReplicaOutcome::Wrong,
    };
    let why = format!("meter shows {metered} of {needed} GPU-seconds needed");
    settle(state, job, now, &why)
}
