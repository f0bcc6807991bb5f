//! Every way a cover action can be refused. Codes are stable: never renumber one.

use greenhour_devices::DeviceId;
use greenhour_framework::CodedError;
use greenhour_state::StateError;

#[derive(Debug, thiserror::Error)]
pub enum CoverError {
    /// Returned when buying cover on a device the signer does not own.
    #[error("device {0} is not yours: only its owner may cover it")]
    NotOwner(DeviceId),
    /// Returned when the first covered hour has started (cover is sold before the risk, not during it).
    #[error("hour {first_hour} has started (it is hour {now_hour}): cover starts at a later hour")]
    CoverStarted { first_hour: u64, now_hour: u64 },
    /// Returned when the cover would take the pool past its capacity.
    #[error("the pool can carry {capacity} ugusd of cover; {locked} is sold and this asks {asked}")]
    OverCapacity { capacity: u128, locked: u128, asked: u128 },
    /// Returned when a withdrawal would leave less capital than the cover outstanding needs.
    #[error("{locked} ugusd of cover is outstanding: at most {free} ugusd of capital is free")]
    CapitalLocked { locked: u128, free: u128 },
    /// Returned when the premium is above the buyer's limit, or a withdrawal below the staker's.
    #[error("would cost or pay {got}, past the limit {limit}")]
    Slippage { got: u128, limit: u128 },
    /// Returned when an amount is zero.
    #[error("amount must be positive")]
    ZeroAmount,
    /// Returned when a cover's terms are out of bounds (hours).
    #[error("invalid cover terms: {0}")]
    InvalidTerms(String),
    /// Returned when withdrawing more shares than staked.
    #[error("holds {held} shares, asked for {asked}")]
    InsufficientShares { held: u128, asked: u128 },
    /// Returned when an amount overflows the module's arithmetic.
    #[error("amount overflow")]
    Overflow,
    /// Returned when no cover has this number.
    #[error("no cover {0}")]
    UnknownCover(u64),
    /// Returned when the genesis is inconsistent.
    #[error("invalid cover genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when stored state is damaged.
    #[error("corrupt cover state: {0}")]
    Corrupt(String),
    /// Returned when buying job cover on a job the signer did not post.
    #[error("job {0} is not yours: only its buyer may cover it")]
    NotJobBuyer(u64),
    /// Returned when the job to cover has already ended.
    #[error("job {0} has ended: cover is sold before the outcome is known")]
    JobClosed(u64),
    /// Returned when the job already has a cover against this peril.
    #[error("job {job} already has {peril} cover (number {cover})")]
    AlreadyCovered { job: u64, peril: &'static str, cover: u64 },
    /// Returned when no job has this number.
    #[error("no job {0}")]
    UnknownJob(u64),
    /// Returned when the bank or devices module refuses a read or a move.
    #[error("{0}")]
    Dependency(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for CoverError {
    fn module(&self) -> &'static str {
        crate::NAME
    }
    fn code(&self) -> u32 {
        match self {
            CoverError::NotOwner(_) => 1,
            CoverError::CoverStarted { .. } => 2,
            CoverError::OverCapacity { .. } => 3,
            CoverError::CapitalLocked { .. } => 4,
            CoverError::Slippage { .. } => 5,
            CoverError::ZeroAmount => 6,
            CoverError::InvalidTerms(_) => 7,
            CoverError::InsufficientShares { .. } => 8,
            CoverError::Overflow => 9,
            CoverError::UnknownCover(_) => 10,
            CoverError::InvalidGenesis(_) => 11,
            CoverError::Corrupt(_) => 12,
            CoverError::Dependency(_) => 13,
            CoverError::NotJobBuyer(_) => 14,
            CoverError::JobClosed(_) => 15,
            CoverError::AlreadyCovered { .. } => 16,
            CoverError::UnknownJob(_) => 17,
            CoverError::State(_) => 100,
        }
    }
}

impl From<greenhour_bank::BankError> for CoverError {
    fn from(e: greenhour_bank::BankError) -> Self {
        CoverError::Dependency(e.to_string())
    }
}

impl From<greenhour_devices::DevicesError> for CoverError {
    fn from(e: greenhour_devices::DevicesError) -> Self {
        CoverError::Dependency(e.to_string())
    }
}

impl From<greenhour_jobs::JobsError> for CoverError {
    fn from(e: greenhour_jobs::JobsError) -> Self {
        match e {
            greenhour_jobs::JobsError::UnknownJob(id) => CoverError::UnknownJob(id.0),
            other => CoverError::Dependency(other.to_string()),
        }
    }
}
