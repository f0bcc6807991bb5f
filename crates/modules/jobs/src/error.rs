use crate::state::{JobId, JobStatus};
use greenhour_devices::DeviceId;
use greenhour_framework::CodedError;
use greenhour_primitives::{Address, Amount, Denom, Hash};
use greenhour_state::StateError;

/// Everything the jobs module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobsError {
    /// Returned when no job has this id.
    #[error("unknown job {0}")]
    UnknownJob(JobId),
    /// Returned when a job's requirements cannot be met by any schedule (zero
    /// GPUs or hours, a window shorter than the run, a start in the past, a
    /// deadline beyond the horizon, more GPUs, hours or replicas than allowed).
    #[error("impossible requirements: {0}")]
    Impossible(String),
    /// Returned when the buyer cannot fund the escrow.
    #[error("escrow unfunded: need {need} {denom}, the buyer holds {have}")]
    Unfunded { denom: Denom, need: Amount, have: Amount },
    /// Returned when a WASM module is too large, malformed, or outside the
    /// deterministic profile (floats, imports, missing exports).
    #[error("invalid workload: {0}")]
    InvalidWorkload(String),
    /// Returned when a job names a module nobody uploaded.
    #[error("unknown workload module {0}")]
    UnknownWorkload(Hash),
    /// Returned when a job asks for more fuel than the chain would re-execute.
    #[error("fuel {asked} exceeds the limit of {max}")]
    FuelAboveLimit { asked: u64, max: u64 },
    /// Returned when a verification method does not suit the workload or its
    /// parameters are out of range.
    #[error("invalid verification: {0}")]
    InvalidVerification(String),
    /// Returned when a bond is below the chain's minimum.
    #[error("bond {bond} is below the minimum of {min} ughr")]
    BondTooSmall { bond: Amount, min: Amount },
    /// Returned when the action does not fit the job's current status.
    #[error("job {job} is {status:?}: {action} is not possible")]
    WrongStatus { job: JobId, status: JobStatus, action: &'static str },
    /// Returned when someone other than the buyer acts for the buyer.
    #[error("only the buyer of job {0} may do this")]
    NotBuyer(JobId),
    /// Returned when a result comes from a device the job was not assigned to,
    /// or from an account that does not own that device.
    #[error("device {device} is not assigned to job {job} under {signer}")]
    NotAssigned { job: JobId, device: DeviceId, signer: Address },
    /// Returned when a result arrives outside the job's result window.
    #[error("job {job}: results are accepted from {opens} until {closes}, it is {now}")]
    OutsideWindow { job: JobId, opens: u64, closes: u64, now: u64 },
    /// Returned when a replica commits or reveals twice.
    #[error("device {device} already submitted to job {job}")]
    AlreadySubmitted { job: JobId, device: DeviceId },
    /// Returned when a redundant replica reveals without a commitment, or the
    /// revealed output does not open its commitment.
    #[error("reveal of device {device} for job {job} does not open its commitment")]
    BadReveal { job: JobId, device: DeviceId },
    /// Returned when a reveal comes before every replica committed and the
    /// commit deadline passed.
    #[error("job {0}: reveals open once every replica committed or the commit deadline passed")]
    RevealTooEarly(JobId),
    /// Returned when a result output exceeds the size limit.
    #[error("output of {len} bytes exceeds the limit of {max}")]
    OutputTooLarge { len: usize, max: usize },
    /// Returned when a challenge is not possible for this job (not optimistic,
    /// window closed, already confirmed by re-execution, challenger is the provider).
    #[error("job {job} cannot be challenged: {why}")]
    NotChallengeable { job: JobId, why: String },
    /// Returned when the same account challenges the same job twice.
    #[error("{challenger} already challenged job {job}")]
    DuplicateChallenge { job: JobId, challenger: Address },
    /// Returned when a proposed assignment is not feasible now.
    #[error("proposed assignment of job {job} is infeasible: {why}")]
    InfeasibleAssignment { job: JobId, why: String },
    /// Returned when a proposal does not beat the block's best proposal so far.
    #[error(
        "proposal scores {green} green bps·GPU-hours at cost {cost}; the block's best is {best_green} at {best_cost}"
    )]
    ProposalNotBetter { green: u64, cost: Amount, best_green: u64, best_cost: Amount },
    /// Returned when the chain's own bookkeeping would break (a bug, never input).
    #[error("jobs accounting: {0}")]
    Accounting(String),
    /// Returned when an amount would overflow.
    #[error("amount overflow")]
    Overflow,
    /// Returned when the genesis is inconsistent.
    #[error("invalid jobs genesis: {0}")]
    InvalidGenesis(String),
    /// A bank transfer failed (e.g. the signer cannot pay a bond).
    #[error(transparent)]
    Bank(#[from] greenhour_bank::BankError),
    /// A device lookup failed.
    #[error(transparent)]
    Devices(#[from] greenhour_devices::DevicesError),
    /// A pools lookup failed.
    #[error(transparent)]
    Pools(#[from] greenhour_pools::PoolsError),
    /// The market refused a purchase.
    #[error(transparent)]
    Market(#[from] greenhour_market::MarketError),
    /// Consuming certificates behind the meter failed.
    #[error(transparent)]
    Carbon(#[from] greenhour_carbon::CarbonError),
    /// Crediting green work to a validator failed.
    #[error(transparent)]
    Staking(#[from] greenhour_staking::StakingError),
    /// An NFT lookup failed.
    #[error(transparent)]
    Nft(#[from] greenhour_nft::NftError),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for JobsError {
    fn module(&self) -> &'static str {
        "jobs"
    }
    fn code(&self) -> u32 {
        match self {
            JobsError::UnknownJob(_) => 1,
            JobsError::Impossible(_) => 2,
            JobsError::Unfunded { .. } => 3,
            JobsError::InvalidWorkload(_) => 4,
            JobsError::UnknownWorkload(_) => 5,
            JobsError::FuelAboveLimit { .. } => 6,
            JobsError::InvalidVerification(_) => 7,
            JobsError::BondTooSmall { .. } => 8,
            JobsError::WrongStatus { .. } => 9,
            JobsError::NotBuyer(_) => 10,
            JobsError::NotAssigned { .. } => 11,
            JobsError::OutsideWindow { .. } => 12,
            JobsError::AlreadySubmitted { .. } => 13,
            JobsError::BadReveal { .. } => 14,
            JobsError::RevealTooEarly(_) => 15,
            JobsError::OutputTooLarge { .. } => 16,
            JobsError::NotChallengeable { .. } => 17,
            JobsError::DuplicateChallenge { .. } => 18,
            JobsError::Accounting(_) => 19,
            JobsError::Overflow => 20,
            JobsError::InvalidGenesis(_) => 21,
            JobsError::InfeasibleAssignment { .. } => 22,
            JobsError::ProposalNotBetter { .. } => 23,
            JobsError::Bank(_) => 91,
            JobsError::Devices(_) => 92,
            JobsError::Pools(_) => 93,
            JobsError::Market(_) => 94,
            JobsError::Nft(_) => 95,
            JobsError::Carbon(_) => 96,
            JobsError::Staking(_) => 97,
            JobsError::State(_) => 100,
        }
    }
}
