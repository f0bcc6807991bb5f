//! Check and execute for jobs actions, the per-block matcher and the due-time
//! state machine. Every handler: checks → compute → write → post-condition → event.

use crate::math::{self, Score};
use crate::params::{JobsParams, HOUR, INSURANCE, MAX_INPUT_BYTES, MAX_OUTPUT_BYTES, MAX_WASM_BYTES};
use crate::state::{
    self, Assignment, EnergySource, Job, JobId, JobSpec, JobStatus, Ledger, Pricing, Replica, ReplicaOutcome,
    SciReport, StoredProposal, StoredWorkload, Verification, Workload,
};
use crate::{event, keys, JobsAction, JobsError, NAME};
use greenhour_bank::api as bank;
use greenhour_carbon::api as carbon;
use greenhour_devices::{api as devices, DeviceClass, DeviceId, DeviceStatus, DAY};
use greenhour_framework::{Action, BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_pools::{api as pools, SlotUnit};
use greenhour_primitives::{Address, Amount, Coin, Denom, Hash, UnixSeconds};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The jobs module account: holds escrow, bonds and the slots of matched jobs.
pub fn custody() -> Address {
    static CUSTODY: OnceLock<Address> = OnceLock::new();
    *CUSTODY.get_or_init(|| Address::for_module(NAME))
}

/// The insurance fund: slashed bonds land here.
pub fn insurance() -> Address {
    static FUND: OnceLock<Address> = OnceLock::new();
    *FUND.get_or_init(|| Address::for_module(INSURANCE))
}

fn fee_collector() -> Address {
    static COLLECTOR: OnceLock<Address> = OnceLock::new();
    *COLLECTOR.get_or_init(|| Address::for_module("fee_collector"))
}

impl Action for JobsAction {
    type Error = JobsError;

    fn check(&self) -> Result<(), JobsError> {
        match self {
            JobsAction::UploadWorkload { wasm } if wasm.is_empty() || wasm.len() > MAX_WASM_BYTES => {
                Err(JobsError::InvalidWorkload(format!("{} bytes; a module has 1 to {MAX_WASM_BYTES}", wasm.len())))
            }
            JobsAction::Post { spec } => check_spec(spec),
            JobsAction::Reveal { output, .. } if output.len() > MAX_OUTPUT_BYTES => {
                Err(JobsError::OutputTooLarge { len: output.len(), max: MAX_OUTPUT_BYTES })
            }
            JobsAction::Propose { assignments } if assignments.is_empty() => {
                Err(JobsError::Impossible("a proposal places at least one job".into()))
            }
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), JobsError> {
        match self {
            JobsAction::UploadWorkload { wasm } => upload(state, tx, wasm),
            JobsAction::Post { spec } => post(state, tx, spec),
            JobsAction::Cancel { job } => cancel(state, tx, *job),
            JobsAction::Commit { job, device, commitment } => commit(state, tx, *job, *device, *commitment),
            JobsAction::Reveal { job, device, output } => reveal(state, tx, *job, *device, output),
            JobsAction::Challenge { job } => challenge(state, tx, *job),
            JobsAction::Propose { assignments } => propose(state, tx, assignments),
        }
    }
}

/// The stateless part of a spec's checks.
fn check_spec(spec: &JobSpec) -> Result<(), JobsError> {
    let impossible = |why: &str| Err(JobsError::Impossible(why.into()));
    if spec.gpus == 0 || spec.hours == 0 {
        return impossible("a job needs at least one GPU for one hour");
    }
    if spec.deadline_hour < spec.earliest_hour.saturating_add(spec.hours as u64) {
        return impossible("the window from the earliest hour to the deadline is shorter than the run");
    }
    if spec.min_green_bps > 10_000 {
        return impossible("minimum green share above 10,000 bps");
    }
    if spec.incentive == 0 {
        return impossible("a job pays its providers a positive incentive");
    }
    if let Pricing::Market { max_price_per_gpu_hour: 0, .. } = spec.pricing {
        return impossible("a market-priced job needs a positive price limit");
    }
    if spec.slash_split_bps > 10_000 {
        return Err(JobsError::InvalidVerification("slash split above 10,000 bps".into()));
    }
    match spec.verification {
        Verification::Redundant { k } if k < 2 => {
            return Err(JobsError::InvalidVerification("redundant execution needs k ≥ 2".into()))
        }
        Verification::Optimistic { window_secs, sample_bps } if window_secs == 0 || sample_bps > 10_000 => {
            return Err(JobsError::InvalidVerification(
                "optimistic needs a window and a sample of at most 10,000 bps".into(),
            ))
        }
        _ => {}
    }
    match &spec.workload {
        Workload::Opaque { .. } if spec.verification != Verification::Attested => {
            Err(JobsError::InvalidVerification("an opaque workload cannot be re-executed: use attested".into()))
        }
        Workload::Wasm { input, .. } if input.len() > MAX_INPUT_BYTES => {
            impossible(&format!("input of {} bytes; at most {MAX_INPUT_BYTES}", input.len()))
        }
        Workload::Wasm { fuel: 0, .. } => impossible("a WASM workload needs fuel"),
        _ => Ok(()),
    }
}

/// Takes `need` of `denom` from `from` into custody, or says how short it is.
fn fund(state: &mut impl StateWrite, from: &Address, denom: &Denom, need: Amount) -> Result<(), JobsError> {
    if need == 0 {
        return Ok(());
    }
    let have = bank::balance(state, from, denom)?;
    if have < need {
        return Err(JobsError::Unfunded { denom: denom.clone(), need, have });
    }
    bank::transfer(state, from, &custody(), &Coin::new(denom.clone(), need))?;
    Ok(())
}

fn pay(state: &mut impl StateWrite, to: &Address, denom: &Denom, amount: Amount) -> Result<(), JobsError> {
    if amount > 0 {
        bank::transfer(state, &custody(), to, &Coin::new(denom.clone(), amount))?;
    }
    Ok(())
}

/// Post-condition: the module holds the module under its sha256, valid for the runtime.
fn upload(state: &mut impl StateWrite, tx: &TxCtx, wasm: &[u8]) -> Result<(), JobsError> {
    let params = state::params(state)?;
    if wasm.len() > params.max_wasm_bytes as usize {
        return Err(JobsError::InvalidWorkload(format!(
            "{} bytes; the limit is {}",
            wasm.len(),
            params.max_wasm_bytes
        )));
    }
    greenhour_workloads::validate(wasm).map_err(|e| JobsError::InvalidWorkload(e.to_string()))?;
    let hash = Hash::digest(wasm);
    if state::workload(state, &hash)?.is_none() {
        state.put(&keys::workload(&hash), &StoredWorkload { hash, uploader: tx.signer, wasm: wasm.to_vec() });
        state.emit(event::uploaded(&hash, &tx.signer, wasm.len()));
    }
    Ok(())
}

/// Post-condition: custody holds the job's most possible market cost and its
/// incentive more than before; the job is open.
fn post(state: &mut impl StateWrite, tx: &TxCtx, spec: &JobSpec) -> Result<(), JobsError> {
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

fn cancel(state: &mut impl StateWrite, tx: &TxCtx, id: JobId) -> Result<(), JobsError> {
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
fn refund_unmatched(state: &mut impl StateWrite, job: &mut Job) -> Result<(), JobsError> {
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
fn close(
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
    state.emit(event::transition(&job, why));
    Ok(())
}

/// The replica of `device` in `job` that `signer` operates.
fn replica_of(job: &Job, device: DeviceId, signer: &Address) -> Result<usize, JobsError> {
    job.replicas.iter().position(|r| r.device == device && r.operator == *signer).ok_or(JobsError::NotAssigned {
        job: job.id,
        device,
        signer: *signer,
    })
}

/// Results (commits, and reveals other than `Redundant`'s) are accepted from
/// the run's start until `result_grace_secs` after its end.
fn in_result_window(job: &Job, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
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
fn commit(
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

fn reveal(
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
fn post_result_bond(
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
fn challenge(state: &mut impl StateWrite, tx: &TxCtx, id: JobId) -> Result<(), JobsError> {
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
fn slash(
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
fn resolve_redundant(state: &mut impl StateWrite, mut job: Job, now: UnixSeconds) -> Result<(), JobsError> {
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
fn resolve_attested(state: &mut impl StateWrite, mut job: Job, now: UnixSeconds) -> Result<(), JobsError> {
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

/// Pays out by replica outcome, writes the SCI report, and closes the job.
/// Post-condition (checked by [`close`]): the job holds nothing; Σ paid + fees +
/// refunds + returned bonds + slashes + rewards = everything it took in.
fn settle(state: &mut impl StateWrite, mut job: Job, now: UnixSeconds, why: &str) -> Result<(), JobsError> {
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
fn payee(state: &impl StateRead, r: &Replica) -> Result<Address, JobsError> {
    match r.position {
        Some(serial) => Ok(pools::position_owner(state, serial).unwrap_or(r.operator)),
        None => Ok(r.operator),
    }
}

/// Energy, own green energy and emissions of every replica that ran; the green
/// Wh of accepted replicas is consumed so it backs no other job.
fn sci_report(
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

/// Block end: advance due jobs, then match a page of open ones.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), JobsError> {
    let params = state::params(state)?;
    advance_due(state, ctx.time, &params)?;
    run_auction(state, ctx.time, &params)?;
    match_open(state, ctx.time, &params)
}

/// Moves every job due by `now` one step (bounded per block; the rest wait).
fn advance_due(state: &mut impl StateWrite, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
    let due = state.scan_raw(keys::DUE_PREFIX.as_bytes(), b"", params.advance_per_block as usize)?;
    for (key, _) in due {
        let Some((at, id)) = keys::parse_due(&key) else {
            return Err(JobsError::Accounting("a due key does not parse".into()));
        };
        if at > now {
            break;
        }
        let job = state::job(state, id)?;
        if job.due != Some(at) {
            state.delete_raw(key); // superseded entry
            continue;
        }
        advance(state, job, now, params)?;
    }
    Ok(())
}

/// One step of the job's clock: start running, close the result window, end the
/// reveal phase or challenge window, judge the meter.
fn advance(state: &mut impl StateWrite, mut job: Job, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
    let (Some(start), Some(end)) = (job.start(), job.end()) else {
        state::reschedule(state, &mut job, None);
        state::put_job(state, &job);
        return Ok(());
    };
    let results_close = end + params.result_grace_secs;
    match (job.status, job.spec.verification.clone()) {
        (JobStatus::Matched, _) if now >= start => {
            job.status = JobStatus::Running;
            state::reschedule(state, &mut job, Some(results_close));
            state::put_job(state, &job);
            state.emit(event::transition(&job, "its first hour began"));
            Ok(())
        }
        (JobStatus::Running | JobStatus::Matched, Verification::Redundant { .. }) if now >= results_close => {
            if job.replicas.iter().any(|r| r.commitment.is_some()) {
                job.status = JobStatus::Verifying;
                state::reschedule(state, &mut job, Some(results_close + params.reveal_secs));
                state::put_job(state, &job);
                state.emit(event::transition(&job, "commit deadline passed: reveals open"));
                Ok(())
            } else {
                resolve_redundant(state, job, now)
            }
        }
        (JobStatus::Running | JobStatus::Matched, _) if now >= results_close => {
            settle(state, job, now, "no result before the deadline")
        }
        (JobStatus::Verifying, Verification::Redundant { .. }) if now >= results_close + params.reveal_secs => {
            resolve_redundant(state, job, now)
        }
        (JobStatus::Verifying, Verification::Optimistic { window_secs, .. })
            if now >= job.revealed_at.unwrap_or(0) + window_secs =>
        {
            job.replicas[0].outcome = ReplicaOutcome::Correct;
            settle(state, job, now, "challenge window closed unchallenged")
        }
        (JobStatus::Verifying, Verification::Attested) if now >= results_close => resolve_attested(state, job, now),
        _ => {
            // Not yet: keep the entry (a job is only due when something can happen).
            Ok(())
        }
    }
}

/// A feasible placement of one job.
struct Plan {
    start_hour: u64,
    score: Score,
    /// (device, operator, green bps).
    devices: Vec<(DeviceId, Address, u32)>,
}

/// What one block's matcher knows about capacity. Each (class, hour) is loaded
/// once per block — the pools capacity index less the GPUs already busy — and
/// every assignment in the batch updates it in memory, so a batch of many jobs
/// reads each device and each capacity row once.
struct Batch {
    /// Devices seen so far: `Some((green bps, owner))` when active, else `None`.
    devices: BTreeMap<DeviceId, Option<(u32, Address)>>,
    hours: BTreeMap<(DeviceClass, u64), HourCapacity>,
    first_day: u64,
}

/// Free GPUs of one class in one hour, with the devices ranked greenest first.
struct HourCapacity {
    /// (device, free GPUs) of active devices, in device order (binary-searched).
    free: Vec<(DeviceId, u32)>,
    /// (green bps, index into `free`), green descending then device ascending.
    ranked: Vec<(u32, u32)>,
    /// Every ranked entry before this one has no free GPU left.
    head: usize,
}

impl HourCapacity {
    fn free_of(&self, device: DeviceId) -> u32 {
        self.free.binary_search_by_key(&device, |e| e.0).map(|i| self.free[i].1).unwrap_or(0)
    }
    /// Moves the head past devices with nothing free; the greenest free entry.
    fn skip_full(&mut self) -> Option<(u32, DeviceId)> {
        while let Some(&(green, i)) = self.ranked.get(self.head) {
            let (device, left) = self.free[i as usize];
            if left > 0 {
                return Some((green, device));
            }
            self.head += 1;
        }
        None
    }
}

impl Batch {
    fn new(now: UnixSeconds, params: &JobsParams) -> Batch {
        Batch {
            devices: BTreeMap::new(),
            hours: BTreeMap::new(),
            first_day: (now / DAY).saturating_sub(params.green_window_days as u64),
        }
    }

    fn device(&mut self, state: &impl StateRead, id: DeviceId) -> Result<Option<(u32, Address)>, JobsError> {
        if let Some(known) = self.devices.get(&id) {
            return Ok(*known);
        }
        let d = devices::device(state, id)?;
        let info = (d.status == DeviceStatus::Active)
            .then(|| {
                Ok::<_, JobsError>((devices::window_totals(state, &d, self.first_day)?.green_share_bps(), d.owner))
            })
            .transpose()?;
        self.devices.insert(id, info);
        Ok(info)
    }

    fn load(&mut self, state: &impl StateRead, class: DeviceClass, hour: u64) -> Result<(), JobsError> {
        if self.hours.contains_key(&(class, hour)) {
            return Ok(());
        }
        let busy: BTreeMap<DeviceId, u32> = state
            .prefix::<u32>(&keys::busy_of(hour))?
            .into_iter()
            .filter_map(|(k, units)| k.rsplit('/').next().and_then(|d| d.parse().ok()).map(|d| (DeviceId(d), units)))
            .collect();
        let rows = pools::capacity_at(state, class, hour)?;
        let mut ranked = Vec::with_capacity(rows.len());
        let mut free = Vec::with_capacity(rows.len());
        for (device, units) in rows {
            let left = units.saturating_sub(busy.get(&device).copied().unwrap_or(0));
            if left == 0 {
                continue;
            }
            if let Some((green, _)) = self.device(state, device)? {
                ranked.push((green, free.len() as u32));
                free.push((device, left));
            }
        }
        // `free` is in device order, so index order is device order.
        ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        self.hours.insert((class, hour), HourCapacity { ranked, free, head: 0 });
        Ok(())
    }

    fn free(&self, class: DeviceClass, hour: u64, device: DeviceId) -> u32 {
        self.hours.get(&(class, hour)).map_or(0, |h| h.free_of(device))
    }

    /// The green share of the greenest device with a free GPU in `hour` (an upper
    /// bound on any plan starting then), skipping full devices at the head.
    fn greenest(&mut self, state: &impl StateRead, class: DeviceClass, hour: u64) -> Result<Option<u32>, JobsError> {
        self.load(state, class, hour)?;
        Ok(self.hours.get_mut(&(class, hour)).and_then(HourCapacity::skip_full).map(|(green, _)| green))
    }

    /// The `k` greenest active devices of distinct owners with `gpus` free GPUs
    /// in every hour of a run starting at `start` and at least `min_green`.
    fn plan(&mut self, state: &impl StateRead, spec: &JobSpec, start: u64) -> Result<Option<Plan>, JobsError> {
        let k = spec.verification.replicas() as usize;
        let run = start..start + spec.hours as u64;
        for hour in run.clone() {
            self.load(state, spec.class, hour)?;
        }
        let Some(first) = self.hours.get_mut(&(spec.class, start)) else { return Ok(None) };
        if first.skip_full().is_none() {
            return Ok(None);
        }
        let first = &self.hours[&(spec.class, start)];
        let mut chosen: Vec<(DeviceId, Address, u32)> = Vec::with_capacity(k);
        for &(green, i) in &first.ranked[first.head..] {
            let device = first.free[i as usize].0;
            if chosen.len() == k || green < spec.min_green_bps {
                break;
            }
            if run.clone().any(|h| self.free(spec.class, h, device) < spec.gpus) {
                continue;
            }
            let Some((_, owner)) = self.devices.get(&device).copied().flatten() else { continue };
            // Replicas that check each other must not share an owner.
            if chosen.iter().any(|c| c.1 == owner) {
                continue;
            }
            chosen.push((device, owner, green));
        }
        if chosen.len() < k {
            return Ok(None);
        }
        let green_bps_gpu_hours = chosen.iter().map(|c| c.2 as u64 * spec.gpus as u64 * spec.hours as u64).sum();
        Ok(Some(Plan {
            start_hour: start,
            score: Score { green_bps_gpu_hours, cost: 0, start_hour: start },
            devices: chosen,
        }))
    }

    fn take(&mut self, class: DeviceClass, plan: &Plan, hours: u32, gpus: u32) {
        for (device, _, _) in &plan.devices {
            for hour in plan.start_hour..plan.start_hour + hours as u64 {
                if let Some(h) = self.hours.get_mut(&(class, hour)) {
                    if let Ok(i) = h.free.binary_search_by_key(device, |e| e.0) {
                        h.free[i].1 = h.free[i].1.saturating_sub(gpus);
                    }
                }
            }
        }
    }
}

/// Considers the next page of open jobs (round robin) and places each on its
/// best-scoring feasible hour and devices; expires those that can no longer start.
fn match_open(state: &mut impl StateWrite, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
    let limit = params.match_per_block as usize;
    if limit == 0 {
        return Ok(());
    }
    let cursor = state.get(&keys::match_cursor())?.unwrap_or_default();
    let from = if cursor.is_empty() { String::new() } else { format!("{cursor}\0") };
    let page = state.scan::<()>(keys::OPEN_PREFIX, &from, limit)?;
    match page.last() {
        Some((last, _)) if page.len() == limit => state.put(&keys::match_cursor(), last),
        _ => state.delete(&keys::match_cursor()),
    }
    let mut batch = Batch::new(now, params);
    for (key, _) in page {
        let id = key[keys::OPEN_PREFIX.len()..]
            .parse()
            .map_err(|_| JobsError::Accounting(format!("{key}: not an open-job key")))?;
        let job = state::job(state, JobId(id))?;
        try_match(state, &mut batch, job, now, params)?;
    }
    Ok(())
}

/// The cost of a plan in the job's quote, if the buyer can pay it (market
/// price within the escrowed budget, or enough held slots).
fn affordable(state: &impl StateRead, job: &Job, start: u64, now: UnixSeconds) -> Result<Option<Amount>, JobsError> {
    let spec = &job.spec;
    let per_hour = spec.gpus as u128 * spec.verification.replicas() as u128;
    match &spec.pricing {
        Pricing::Held => {
            for hour in start..start + spec.hours as u64 {
                let slot = pools::slot_denom(SlotUnit::GpuHour, spec.class, hour);
                if bank::balance(state, &job.buyer, &slot)? < per_hour {
                    return Ok(None);
                }
            }
            Ok(Some(0))
        }
        Pricing::Market { quote, .. } => {
            let first_slot = pools::slot_denom(SlotUnit::GpuHour, spec.class, start);
            Ok(match greenhour_market::api::route(state, &first_slot, spec.hours, per_hour, quote, now) {
                Ok((_, total)) if total <= job.ledger.quote_held() => Some(total),
                _ => None,
            })
        }
    }
}

/// The hours a job may still start in: `(first, last)`, empty when `first > last`.
fn start_window(job: &Job, now: UnixSeconds) -> (u64, u64) {
    (job.spec.earliest_hour.max(now / HOUR + 1), job.spec.deadline_hour - job.spec.hours as u64)
}

fn try_match(
    state: &mut impl StateWrite,
    batch: &mut Batch,
    mut job: Job,
    now: UnixSeconds,
    params: &JobsParams,
) -> Result<(), JobsError> {
    let (first, last) = start_window(&job, now);
    if first > last {
        refund_unmatched(state, &mut job)?;
        return close(state, job, JobStatus::Expired, now, "no feasible start hour remains");
    }
    match best_plan(state, batch, &job, now, params)? {
        Some(plan) => execute_plan(state, batch, job, plan, now),
        None => Ok(()),
    }
}

/// The chain's own best plan for `job` against the batch's picture, if any.
fn best_plan(
    state: &impl StateRead,
    batch: &mut Batch,
    job: &Job,
    now: UnixSeconds,
    params: &JobsParams,
) -> Result<Option<Plan>, JobsError> {
    let (first, last) = start_window(job, now);
    // Greenest first; among equally green plans the cheapest, then the earliest.
    // An hour whose greenest free device cannot beat the best plan so far is not
    // planned, and prices are read only for plans that could win.
    let held = job.spec.pricing == Pricing::Held;
    let per_plan = job.spec.gpus as u64 * job.spec.hours as u64 * job.spec.verification.replicas() as u64;
    let mut best: Option<Plan> = None;
    for start in first..=last.min(first + params.search_hours.max(1) as u64 - 1) {
        let beaten = |green: u64, best: &Option<Plan>| {
            best.as_ref()
                .is_some_and(|b| green < b.score.green_bps_gpu_hours || (held && green == b.score.green_bps_gpu_hours))
        };
        let Some(top) = batch.greenest(state, job.spec.class, start)? else { continue };
        if beaten(top as u64 * per_plan, &best) {
            continue;
        }
        let Some(mut plan) = batch.plan(state, &job.spec, start)? else { continue };
        if beaten(plan.score.green_bps_gpu_hours, &best) {
            continue;
        }
        let Some(cost) = affordable(state, job, start, now)? else { continue };
        plan.score.cost = cost;
        if best.as_ref().is_none_or(|b| plan.score > b.score) {
            best = Some(plan);
        }
    }
    Ok(best)
}

/// Carries out a plan: pays for the slots, books the GPUs, records the replicas.
/// Post-condition: the job is `matched`, the jobs account holds `gpus × k` slots
/// of every run hour for it, and the busy index grew by exactly the plan.
fn execute_plan(
    state: &mut impl StateWrite,
    batch: &mut Batch,
    mut job: Job,
    plan: Plan,
    now: UnixSeconds,
) -> Result<(), JobsError> {
    let k = job.spec.verification.replicas() as u128;
    let per_hour = job.spec.gpus as u128 * k;
    let first_slot = pools::slot_denom(SlotUnit::GpuHour, job.spec.class, plan.start_hour);
    let mut cost = 0;
    match job.spec.pricing.clone() {
        Pricing::Market { quote, .. } => {
            let budget = job.ledger.quote_held();
            cost = greenhour_market::api::buy_hours(
                state,
                &custody(),
                now,
                &first_slot,
                job.spec.hours,
                per_hour,
                &quote,
                budget,
            )?;
            job.ledger.quote_spent += cost;
            let rest = job.ledger.quote_held();
            pay(state, &job.buyer, &quote, rest)?;
            job.ledger.quote_refunded += rest;
        }
        Pricing::Held => {
            for hour in plan.start_hour..plan.start_hour + job.spec.hours as u64 {
                let slot = pools::slot_denom(SlotUnit::GpuHour, job.spec.class, hour);
                bank::transfer(state, &job.buyer, &custody(), &Coin::new(slot, per_hour))?;
            }
        }
    }
    batch.take(job.spec.class, &plan, job.spec.hours, job.spec.gpus);
    for (device, operator, green_bps) in &plan.devices {
        for hour in plan.start_hour..plan.start_hour + job.spec.hours as u64 {
            state::add_busy(state, hour, *device, job.spec.gpus as i64)?;
        }
        state.put(&keys::assigned(operator, job.id), &());
        // The paid position: the device's first position covering the start hour.
        let position = pools::live_positions(state, *device)?
            .into_iter()
            .find(|p| p.unit == SlotUnit::GpuHour && p.class == job.spec.class && p.covers(plan.start_hour))
            .map(|p| p.serial);
        job.replicas.push(Replica {
            device: *device,
            operator: *operator,
            position,
            green_bps: *green_bps,
            commitment: None,
            output_hash: None,
            bond: 0,
            outcome: ReplicaOutcome::Pending,
        });
    }
    job.start_hour = Some(plan.start_hour);
    job.status = JobStatus::Matched;
    state.delete(&keys::open(job.id));
    state::reschedule(state, &mut job, Some(plan.start_hour * HOUR));
    state::put_job(state, &job);
    state.emit(event::matched(&job, cost));
    Ok(())
}

/// A proposal's total score: green bps·GPU-hours (higher wins), then cost (lower wins).
fn better(a: (u64, Amount), b: (u64, Amount)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 < b.1)
}

impl Batch {
    /// Checks a solver's placement against the batch's picture: the run fits the
    /// job's window, one device per replica, distinct owners, each active, green
    /// enough and with `gpus` free in every hour of the run.
    fn check_plan(
        &mut self,
        state: &impl StateRead,
        job: &Job,
        a: &Assignment,
        now: UnixSeconds,
    ) -> Result<Plan, JobsError> {
        let spec = &job.spec;
        let no = |why: String| JobsError::InfeasibleAssignment { job: job.id, why };
        let (first, last) = start_window(job, now);
        if a.start_hour < first || a.start_hour > last {
            return Err(no(format!("start hour {} is outside {first}..={last}", a.start_hour)));
        }
        if a.devices.len() != spec.verification.replicas() as usize {
            return Err(no(format!("{} devices for {} replicas", a.devices.len(), spec.verification.replicas())));
        }
        let run = a.start_hour..a.start_hour + spec.hours as u64;
        for hour in run.clone() {
            self.load(state, spec.class, hour)?;
        }
        let mut chosen: Vec<(DeviceId, Address, u32)> = Vec::new();
        for &device in &a.devices {
            let Some((green, owner)) = self.device(state, device)? else {
                return Err(no(format!("device {device} is not active")));
            };
            if green < spec.min_green_bps {
                return Err(no(format!("device {device} is {green} bps green, below {}", spec.min_green_bps)));
            }
            if let Some(hour) = run.clone().find(|h| self.free(spec.class, *h, device) < spec.gpus) {
                return Err(no(format!("device {device} lacks {} free GPUs in hour {hour}", spec.gpus)));
            }
            if chosen.iter().any(|c| c.1 == owner) {
                return Err(no(format!("device {device} shares its owner with another replica")));
            }
            chosen.push((device, owner, green));
        }
        let green_bps_gpu_hours = chosen.iter().map(|c| c.2 as u64 * spec.gpus as u64 * spec.hours as u64).sum();
        Ok(Plan {
            start_hour: a.start_hour,
            score: Score { green_bps_gpu_hours, cost: 0, start_hour: a.start_hour },
            devices: chosen,
        })
    }
}

/// Plans of a proposal's jobs and its total score.
type Scored = (Vec<(Job, Plan)>, (u64, Amount));

/// Validates every assignment in order on one fresh batch: the plans and their total score.
fn score_proposal(
    state: &impl StateRead,
    assignments: &[Assignment],
    now: UnixSeconds,
    params: &JobsParams,
) -> Result<Scored, JobsError> {
    let mut batch = Batch::new(now, params);
    let mut plans: Vec<(Job, Plan)> = Vec::with_capacity(assignments.len());
    let (mut green, mut cost) = (0u64, 0 as Amount);
    for a in assignments {
        let job = state::job(state, a.job)?;
        if job.status != JobStatus::Open {
            return Err(JobsError::WrongStatus { job: a.job, status: job.status, action: "propose" });
        }
        if plans.iter().any(|(j, _)| j.id == a.job) {
            return Err(JobsError::InfeasibleAssignment { job: a.job, why: "listed twice".into() });
        }
        let mut plan = batch.check_plan(state, &job, a, now)?;
        plan.score.cost = affordable(state, &job, a.start_hour, now)?
            .ok_or(JobsError::InfeasibleAssignment { job: a.job, why: "the buyer cannot pay for that hour".into() })?;
        batch.take(job.spec.class, &plan, job.spec.hours, job.spec.gpus);
        green += plan.score.green_bps_gpu_hours;
        cost = cost.checked_add(plan.score.cost).ok_or(JobsError::Overflow)?;
        plans.push((job, plan));
    }
    Ok((plans, (green, cost)))
}

/// Post-condition: the stored proposal is the block's best feasible one.
fn propose(state: &mut impl StateWrite, tx: &TxCtx, assignments: &[Assignment]) -> Result<(), JobsError> {
    let params = state::params(state)?;
    if assignments.len() > params.max_proposal_jobs as usize {
        return Err(JobsError::Impossible(format!("at most {} assignments per proposal", params.max_proposal_jobs)));
    }
    let (_, score) = score_proposal(state, assignments, tx.block.time, &params)?;
    if let Some(best) = state.get(&keys::proposal())? {
        if !better(score, (best.green, best.cost)) {
            return Err(JobsError::ProposalNotBetter {
                green: score.0,
                cost: score.1,
                best_green: best.green,
                best_cost: best.cost,
            });
        }
    }
    let stored = StoredProposal { solver: tx.signer, assignments: assignments.to_vec(), green: score.0, cost: score.1 };
    state.put(&keys::proposal(), &stored);
    state.emit(event::proposed(&tx.signer, assignments.len(), score.0, score.1));
    Ok(())
}

/// The solver auction, before the matcher's own batch: the block's best proposal
/// is re-validated and compared with what the matcher would do for the same jobs
/// (a dry run in job order); it is carried out only if it scores higher.
fn run_auction(state: &mut impl StateWrite, now: UnixSeconds, params: &JobsParams) -> Result<(), JobsError> {
    let Some(proposal) = state.get(&keys::proposal())? else { return Ok(()) };
    state.delete(&keys::proposal());
    let (plans, score) = match score_proposal(state, &proposal.assignments, now, params) {
        Ok(scored) => scored,
        Err(e) => {
            state.emit(event::auction(
                &proposal.solver,
                (proposal.green, proposal.cost),
                (0, 0),
                &format!("infeasible at block end: {e}"),
            ));
            return Ok(());
        }
    };
    let mut dry = Batch::new(now, params);
    let mut jobs: Vec<&Job> = plans.iter().map(|(j, _)| j).collect();
    jobs.sort_by_key(|j| j.id);
    let (mut green, mut cost) = (0u64, 0 as Amount);
    for job in jobs {
        if let Some(plan) = best_plan(state, &mut dry, job, now, params)? {
            dry.take(job.spec.class, &plan, job.spec.hours, job.spec.gpus);
            green += plan.score.green_bps_gpu_hours;
            cost = cost.saturating_add(plan.score.cost);
        }
    }
    if !better(score, (green, cost)) {
        state.emit(event::auction(&proposal.solver, score, (green, cost), "the matcher's own plan is as good"));
        return Ok(());
    }
    let mut batch = Batch::new(now, params);
    for (job, plan) in plans {
        // Earlier purchases in this loop move prices: re-price before buying.
        if affordable(state, &job, plan.start_hour, now)?.is_none() {
            continue;
        }
        execute_plan(state, &mut batch, job, plan, now)?;
    }
    state.emit(event::auction(&proposal.solver, score, (green, cost), "accepted"));
    Ok(())
}
