//! Check and execute for jobs actions, the per-block matcher and the due-time
//! state machine. Every handler: checks → compute → write → post-condition → event.
//!
//! By concern: [`posting`] (escrow), [`matching`] (the batch matcher and the solver
//! auction), [`verification`] (commit, reveal, challenge, slashing), [`settlement`]
//! (payouts and SCI); this file holds dispatch, the shared escrow helpers and the
//! job clock that moves due jobs between them.

use crate::math::{self, Score};
use crate::params::{JobsParams, HOUR, INSURANCE, MAX_INPUT_BYTES, MAX_OUTPUT_BYTES, MAX_WASM_BYTES};
use crate::state::{
    self, Assignment, EnergySource, Job, JobId, JobSpec, JobStatus, Ledger, Pricing, Replica, ReplicaOutcome,
    SciReport, StoredProposal, StoredWorkload, Verification, Workload, MAX_PROVIDERS,
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

/// Moves the insurance fund's slashed GHR to `to` and returns how much: the
/// cover module's stakers are the fund's beneficiaries (slashing proceeds fund
/// the pool that insures buyers against failed jobs).
pub fn drain_insurance(state: &mut impl StateWrite, to: &Address) -> Result<u128, JobsError> {
    let held = bank::balance(state, &insurance(), &Denom::ghr())?;
    if held > 0 {
        bank::transfer(state, &insurance(), to, &Coin::new(Denom::ghr(), held))?;
    }
    Ok(held)
}

pub(super) fn fee_collector() -> Address {
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
pub(super) fn check_spec(spec: &JobSpec) -> Result<(), JobsError> {
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
pub(super) fn fund(state: &mut impl StateWrite, from: &Address, denom: &Denom, need: Amount) -> Result<(), JobsError> {
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

pub(super) fn pay(state: &mut impl StateWrite, to: &Address, denom: &Denom, amount: Amount) -> Result<(), JobsError> {
    if amount > 0 {
        bank::transfer(state, &custody(), to, &Coin::new(denom.clone(), amount))?;
    }
    Ok(())
}

mod matching;
mod posting;
mod settlement;
mod verification;

use matching::*;
use posting::*;
use settlement::*;
use verification::*;

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
