//! Job, workload, result and report records, and the only code that reads or
//! writes jobs keys.

use crate::params::{JobsParams, HOUR};
use crate::{keys, JobsError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::{DeviceClass, DeviceId};
use greenhour_primitives::{Address, Amount, Denom, Hash, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Sequential job number.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
pub struct JobId(pub u64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What the job is for (reports and the index group by it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Training,
    Inference,
    Rendering,
    Generic,
}

/// How the capacity is paid for.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pricing {
    /// The matcher buys the slots in the market, paying at most this much `quote`
    /// per GPU-hour; the most the job could cost is escrowed when it is posted.
    Market {
        quote: Denom,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_price_per_gpu_hour: Amount,
    },
    /// The buyer already holds the slot tokens; the matcher only picks an hour in
    /// which the buyer holds enough of them and moves them into escrow.
    Held,
}

/// What runs.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Workload {
    /// An uploaded WASM module (by content hash) with its input and fuel.
    Wasm { module: Hash, input: Vec<u8>, fuel: u64 },
    /// Work the chain cannot re-run (a container, a proprietary model), named by
    /// a digest; only `Attested` verification applies.
    Opaque { digest: Hash },
}

/// How a result is checked.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verification {
    /// `k` devices of different owners run it, committing then revealing; the
    /// output a strict majority revealed wins and the others are slashed.
    Redundant { k: u32 },
    /// One device runs it and reveals with a bond. The block beacon audits a
    /// `sample_bps` share of reveals by on-chain re-execution at once, and anyone
    /// may challenge with a bond within `window_secs`: re-execution decides.
    Optimistic { window_secs: u64, sample_bps: u32 },
    /// One device runs it; accepted on the device's signed meter readings only
    /// (GPU-seconds in the job's hours). Weaker: nothing re-runs the work.
    Attested,
}

impl Verification {
    pub fn replicas(&self) -> u32 {
        match self {
            Verification::Redundant { k } => *k,
            _ => 1,
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Verification::Redundant { .. } => "redundant",
            Verification::Optimistic { .. } => "optimistic",
            Verification::Attested => "attested",
        }
    }
}

/// What a buyer asks for.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct JobSpec {
    pub kind: TaskKind,
    pub class: DeviceClass,
    /// GPUs each replica uses, on one device.
    pub gpus: u32,
    /// Consecutive hours each replica runs.
    pub hours: u32,
    /// First UTC hour index the job may start in.
    pub earliest_hour: u64,
    /// The job must end by the start of this UTC hour.
    pub deadline_hour: u64,
    /// Minimum measured green share of a device's compute energy, basis points.
    pub min_green_bps: u32,
    pub pricing: Pricing,
    /// Paid to the providers of correct results (`ughr`, split evenly by replica).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub incentive: Amount,
    pub workload: Workload,
    pub verification: Verification,
    /// Bond each provider (and any challenger) posts, `ughr`.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub bond: Amount,
    /// Share of a slashed bond paid to whoever proved the fault (the rest goes to
    /// the insurance fund), basis points.
    pub slash_split_bps: u32,
    /// When not empty, only devices operated by these accounts may run the job
    /// (Akash's `signedBy`: a buyer who trusts, or has a contract with, named
    /// providers). Distinct, at most [`MAX_PROVIDERS`], and at least one per replica.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub providers: Vec<Address>,
}

/// Most providers a job may name.
pub const MAX_PROVIDERS: usize = 16;

impl JobSpec {
    /// Whether `operator` may run this job.
    pub fn admits(&self, operator: &Address) -> bool {
        self.providers.is_empty() || self.providers.contains(operator)
    }

    /// GPU-hours of capacity the job consumes in all (every replica).
    pub fn gpu_hours(&self) -> u64 {
        self.gpus as u64 * self.hours as u64 * self.verification.replicas() as u64
    }
}

/// Where a job is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for the matcher.
    Open,
    /// Devices and a start hour chosen; the slots are in escrow.
    Matched,
    /// Its hours have started; providers submit results.
    Running,
    /// Results are in; reveals, audits or the challenge window are pending.
    Verifying,
    /// A result was accepted and providers were paid.
    Settled,
    /// No result could be accepted; the buyer was refunded.
    Failed,
    /// Withdrawn by the buyer before it was matched.
    Cancelled,
    /// Not matched before its deadline could still be met.
    Expired,
}

impl JobStatus {
    pub fn is_final(self) -> bool {
        matches!(self, JobStatus::Settled | JobStatus::Failed | JobStatus::Cancelled | JobStatus::Expired)
    }
}

/// How a replica ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplicaOutcome {
    Pending,
    /// Its result was accepted: paid.
    Correct,
    /// Its result was shown wrong (or withheld after committing): slashed.
    Wrong,
    /// It never submitted: unpaid, nothing to slash.
    Missed,
    /// Replicas revealed but no output had a majority: unpaid, bond returned.
    Unresolved,
}

/// One device's part in a job.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Replica {
    pub device: DeviceId,
    /// The device's owner when matched: the account that submits and posts the bond.
    pub operator: Address,
    /// The position whose NFT holder is paid for this capacity (the device's first
    /// position covering the start hour).
    pub position: Option<u64>,
    /// Green share the matcher measured for the device, basis points.
    pub green_bps: u32,
    pub commitment: Option<Hash>,
    pub output_hash: Option<Hash>,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub bond: Amount,
    pub outcome: ReplicaOutcome,
}

/// Where every unit a job took in went (the conservation the invariants check:
/// in = out + held, per denom).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Ledger {
    /// Quote escrowed for market purchases, and what became of it.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub quote_in: Amount,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub quote_spent: Amount,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub quote_refunded: Amount,
    /// `ughr` in: the incentive, provider bonds, challenger bonds.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub ghr_in: Amount,
    /// `ughr` out to providers' position-NFT holders, net of fees.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub paid: Amount,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub fees: Amount,
    /// Incentive returned to the buyer.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub refunded: Amount,
    /// Bonds handed back to their posters.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub bonds_returned: Amount,
    /// Slashed bonds sent to the insurance fund.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub slashed: Amount,
    /// Slashed bonds paid to whoever proved the fault.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub rewards: Amount,
}

impl Ledger {
    /// Quote the job still holds.
    pub fn quote_held(&self) -> Amount {
        self.quote_in - self.quote_spent - self.quote_refunded
    }
    /// `ughr` the job still holds.
    pub fn ghr_held(&self) -> Amount {
        self.ghr_in - self.paid - self.fees - self.refunded - self.bonds_returned - self.slashed - self.rewards
    }
}

/// A demand contract.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub buyer: Address,
    pub spec: JobSpec,
    pub status: JobStatus,
    pub posted_at: UnixSeconds,
    /// First hour of the run once matched.
    pub start_hour: Option<u64>,
    pub replicas: Vec<Replica>,
    pub ledger: Ledger,
    /// The accepted output's hash once settled.
    pub result: Option<Hash>,
    /// When the (optimistic or attested) result was revealed.
    pub revealed_at: Option<UnixSeconds>,
    /// The beacon picked this reveal for an on-chain audit, and it passed.
    pub audited: bool,
    /// Re-execution confirmed the result (an audit or a failed challenge).
    pub confirmed: bool,
    /// Challenges so far, by challenger.
    pub challengers: Vec<Address>,
    /// When the job next needs the block's attention.
    pub due: Option<UnixSeconds>,
    pub closed_at: Option<UnixSeconds>,
}

impl Job {
    /// A freshly posted job, waiting for the matcher.
    pub fn open(id: JobId, buyer: Address, spec: JobSpec, posted_at: UnixSeconds, ledger: Ledger) -> Job {
        Job {
            id,
            buyer,
            spec,
            status: JobStatus::Open,
            posted_at,
            start_hour: None,
            replicas: Vec::new(),
            ledger,
            result: None,
            revealed_at: None,
            audited: false,
            confirmed: false,
            challengers: Vec::new(),
            due: None,
            closed_at: None,
        }
    }
    /// Unix second the run starts (once matched).
    pub fn start(&self) -> Option<UnixSeconds> {
        self.start_hour.map(|h| h * HOUR)
    }
    /// Unix second the run ends (once matched).
    pub fn end(&self) -> Option<UnixSeconds> {
        self.start_hour.map(|h| (h + self.spec.hours as u64) * HOUR)
    }
}

/// One job's placement in a solver's proposal.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Assignment {
    pub job: JobId,
    pub start_hour: u64,
    /// One device per replica, of distinct owners.
    pub devices: Vec<DeviceId>,
}

/// The best proposal submitted in the current block (kept until its end).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct StoredProposal {
    pub solver: Address,
    pub assignments: Vec<Assignment>,
    /// Its score when submitted: green bps·GPU-hours, then cost.
    pub green: u64,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub cost: Amount,
}

/// An uploaded WASM module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct StoredWorkload {
    pub hash: Hash,
    pub uploader: Address,
    pub wasm: Vec<u8>,
}

/// Where a report's energy figure came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnergySource {
    /// The devices' signed telemetry for every hour.
    Telemetry,
    /// Some hour lacked telemetry: GPU TDP × hours stands in for it (green 0).
    Nameplate,
}

/// A job's Software Carbon Intensity report (GSF SCI v1.1:
/// `SCI = (E·I + M) per R`, here R = one job and also one GPU-hour).
/// Location-based and market-based figures are kept apart: own green energy
/// consumed behind the meter lowers only the market-based one.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SciReport {
    pub job: JobId,
    pub verification: String,
    /// GPU-hours delivered by replicas whose results were accepted or checked.
    pub gpu_hours: u64,
    /// Energy E of all replicas that ran (redundancy is real overhead), Wh.
    pub energy_wh: u64,
    /// Of that, own green energy consumed behind the meter, Wh: the devices'
    /// certificates of the run hours, claimed for the buyer.
    pub green_wh: u64,
    /// The certificate id ranges claimed for this job, and the receipt NFT
    /// (`carbon_receipt` serial) the buyer holds for them.
    pub certificates: Vec<(u64, u64)>,
    pub receipt: Option<u64>,
    pub energy_source: EnergySource,
    /// Grid intensity I from the oracle at settlement (None: the feed was stale).
    pub grid_g_per_kwh: Option<u64>,
    /// Embodied emissions M, mg CO2e.
    pub embodied_mg: u64,
    /// `E·I + M`, mg CO2e (None without I).
    pub location_based_mg: Option<u64>,
    /// `(E − green)·I + M`, mg CO2e (None without I).
    pub market_based_mg: Option<u64>,
    /// Location-based mg CO2e per GPU-hour.
    pub location_mg_per_gpu_hour: Option<u64>,
    /// Whether the result was re-executed by others (redundant, audit, challenge)
    /// or rests on the device's meter readings only.
    pub attested_only: bool,
}

impl SciReport {
    /// The delivered green share: own green energy over all energy, bps (0 when
    /// nothing was measured).
    pub fn green_bps(&self) -> u32 {
        if self.energy_wh == 0 {
            return 0;
        }
        (u128::from(self.green_wh.min(self.energy_wh)) * 10_000 / u128::from(self.energy_wh)) as u32
    }
}

/// How finished jobs ended, all time: what the cover module prices job covers
/// on (for the whole chain, and for each buyer).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Outcomes {
    /// A result was accepted.
    pub settled: u64,
    /// Matched, but no result could be accepted.
    pub failed: u64,
    /// Not matched before its deadline could be met.
    pub expired: u64,
    /// Withdrawn by the buyer.
    pub cancelled: u64,
    /// Settled with a delivered green share below the job's floor (counted in `settled` too).
    pub green_short: u64,
}

impl Outcomes {
    /// Jobs the chain tried to serve (cancelled ones it never had the chance to).
    pub fn served_or_not(&self) -> u64 {
        self.settled + self.failed + self.expired
    }
    fn record(&mut self, status: JobStatus, green_short: bool) {
        match status {
            JobStatus::Settled => self.settled += 1,
            JobStatus::Failed => self.failed += 1,
            JobStatus::Expired => self.expired += 1,
            JobStatus::Cancelled => self.cancelled += 1,
            _ => {}
        }
        self.green_short += u64::from(green_short);
    }
}

/// The chain's record of finished jobs, or one buyer's.
pub fn outcomes(state: &impl StateRead, buyer: Option<&Address>) -> Result<Outcomes, JobsError> {
    Ok(state.get(&keys::outcomes(buyer))?.unwrap_or_default())
}

/// Whether a settled job delivered less green energy than its floor asked.
pub fn green_short(job: &Job, report: Option<&SciReport>) -> bool {
    job.status == JobStatus::Settled
        && job.spec.min_green_bps > 0
        && report.is_none_or(|r| r.green_bps() < job.spec.min_green_bps)
}

/// Counts a job that just reached its final status, for the chain and its buyer.
pub(crate) fn record_outcome(state: &mut impl StateWrite, job: &Job) -> Result<(), JobsError> {
    let short = green_short(job, report(state, job.id)?.as_ref());
    for who in [None, Some(&job.buyer)] {
        let mut o = outcomes(state, who)?;
        o.record(job.status, short);
        state.put(&keys::outcomes(who), &o);
    }
    Ok(())
}

pub fn params(state: &impl StateRead) -> Result<JobsParams, JobsError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn job(state: &impl StateRead, id: JobId) -> Result<Job, JobsError> {
    state.get(&keys::job(id))?.ok_or(JobsError::UnknownJob(id))
}

pub fn all_jobs(state: &impl StateRead) -> Result<Vec<Job>, JobsError> {
    Ok(state.prefix::<Job>(keys::JOB_PREFIX)?.into_iter().map(|(_, j)| j).collect())
}

/// Jobs whose replicas an operator serves and that are not finished.
pub fn assigned_to(state: &impl StateRead, operator: &Address) -> Result<Vec<Job>, JobsError> {
    let mut out = Vec::new();
    for (key, _) in state.prefix_raw(keys::assigned_of(operator).as_bytes())? {
        let text = String::from_utf8_lossy(&key);
        let id = text.rsplit('/').next().and_then(|s| s.parse().ok()).ok_or_else(|| {
            greenhour_state::StateError::Decode { key: text.to_string(), reason: "not an assignment key".into() }
        })?;
        out.push(job(state, JobId(id))?);
    }
    Ok(out)
}

pub fn workload(state: &impl StateRead, hash: &Hash) -> Result<Option<StoredWorkload>, JobsError> {
    Ok(state.get(&keys::workload(hash))?)
}

pub fn output(state: &impl StateRead, id: JobId, replica: usize) -> Result<Option<Vec<u8>>, JobsError> {
    Ok(state.get(&keys::output(id, replica))?)
}

pub fn report(state: &impl StateRead, id: JobId) -> Result<Option<SciReport>, JobsError> {
    Ok(state.get(&keys::sci(id))?)
}

/// GPUs of a device already assigned to jobs in `hour`.
pub fn busy(state: &impl StateRead, hour: u64, device: DeviceId) -> Result<u32, JobsError> {
    Ok(state.get(&keys::busy(hour, device))?.unwrap_or(0))
}

pub(crate) fn put_job(state: &mut impl StateWrite, job: &Job) {
    state.put(&keys::job(job.id), job);
}

pub(crate) fn add_busy(state: &mut impl StateWrite, hour: u64, device: DeviceId, delta: i64) -> Result<(), JobsError> {
    let key = keys::busy(hour, device);
    let units = state.get(&key)?.unwrap_or(0) as i64 + delta;
    match u32::try_from(units) {
        Ok(0) => state.delete(&key),
        Ok(units) => state.put(&key, &units),
        Err(_) => return Err(JobsError::Accounting(format!("device {device} busy below zero in hour {hour}"))),
    }
    Ok(())
}

/// Moves a job's due time: drops the old entry, files the new one.
pub(crate) fn reschedule(state: &mut impl StateWrite, job: &mut Job, due: Option<UnixSeconds>) {
    if let Some(old) = job.due {
        state.delete(&keys::due(old, job.id));
    }
    if let Some(at) = due {
        state.put(&keys::due(at, job.id), &());
    }
    job.due = due;
}
