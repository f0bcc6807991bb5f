use greenhour_framework::params::ParamError;
use greenhour_framework::CodedError;
use greenhour_primitives::UnixSeconds;
use greenhour_state::StateError;

/// Everything the governance module can refuse. Codes are stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GovernanceError {
    /// Returned when no proposal has this id.
    #[error("no proposal {0}")]
    UnknownProposal(u64),
    /// Returned when a proposal's title, summary or message count is out of bounds.
    #[error("bad proposal: {0}")]
    BadProposal(String),
    /// Returned when a message is malformed (a spend of nothing, an upgrade without a name…).
    #[error("bad message: {0}")]
    BadMessage(String),
    /// Returned when a parameter change names an unknown module or parameter, or a
    /// value outside the bounds the module declares.
    #[error("{0}")]
    Param(ParamError),
    /// Returned when a deposit or initial deposit is zero.
    #[error("the amount is zero")]
    ZeroAmount,
    /// Returned when the initial deposit is below the share of the minimum deposit
    /// a submission must pay.
    #[error("the initial deposit {given} ughr is below the required {required} ughr")]
    InitialDepositTooSmall { given: u128, required: u128 },
    /// Returned when a deposit or vote comes outside the period that accepts it.
    #[error("proposal {id} is not in its {period} period")]
    WrongPeriod { id: u64, period: &'static str },
    /// Returned when a vote's options are malformed.
    #[error("bad vote: {0}")]
    BadVote(String),
    /// Returned when a guardian action comes from an account outside the guardian
    /// set, or after the set expired.
    #[error("not a guardian now (the set expires at {expires_at})")]
    NotGuardian { expires_at: UnixSeconds },
    /// Returned when a pause ends in the past or beyond the longest allowed.
    #[error("a pause must end after now ({now}) and at most at {latest}")]
    BadPauseEnd { now: UnixSeconds, latest: UnixSeconds },
    /// Returned when an upgrade height is not above the current block.
    #[error("upgrade height {height} is not above the current height {current}")]
    UpgradeInPast { height: u64, current: u64 },
    /// Returned when an action names a module that is paused.
    #[error("module {module} is paused until {until}: {reason}")]
    Paused { module: String, until: UnixSeconds, reason: String },
    /// Returned when a proposal's spends of a denom exceed what the community pool holds.
    #[error("the proposal spends {asked} {denom}, the community pool holds {held}")]
    SpendAboveTreasury { denom: String, asked: u128, held: u128 },
    /// Returned when no sale has this id.
    #[error("no raise {0}")]
    UnknownRaise(u64),
    /// Returned when a purchase comes after its sale ended, asks for more than is
    /// left, or its price is above the buyer's limit.
    #[error("raise {raise}: {why}")]
    RaiseRefused { raise: u64, why: String },
    /// Returned when a guardian would shorten a pause in force, lift a pause a
    /// proposal imposed, or lift a pause that is not there.
    #[error("module {module}: {why}")]
    PauseRefused { module: String, why: String },
    /// Returned when the genesis is inconsistent.
    #[error("invalid governance genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when stored state is damaged.
    #[error("corrupt governance state: {0}")]
    Corrupt(String),
    /// Returned when the bank refuses a transfer (usually insufficient funds).
    #[error("bank: {0}")]
    Bank(String),
    /// Returned when staking cannot be read.
    #[error("staking: {0}")]
    Staking(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for GovernanceError {
    fn module(&self) -> &'static str {
        crate::NAME
    }
    fn code(&self) -> u32 {
        match self {
            GovernanceError::UnknownProposal(_) => 1,
            GovernanceError::BadProposal(_) => 2,
            GovernanceError::BadMessage(_) => 3,
            GovernanceError::Param(_) => 4,
            GovernanceError::ZeroAmount => 5,
            GovernanceError::InitialDepositTooSmall { .. } => 6,
            GovernanceError::WrongPeriod { .. } => 7,
            GovernanceError::BadVote(_) => 8,
            GovernanceError::NotGuardian { .. } => 9,
            GovernanceError::BadPauseEnd { .. } => 10,
            GovernanceError::UpgradeInPast { .. } => 11,
            GovernanceError::Paused { .. } => 12,
            GovernanceError::InvalidGenesis(_) => 13,
            GovernanceError::Corrupt(_) => 14,
            GovernanceError::Bank(_) => 15,
            GovernanceError::Staking(_) => 16,
            GovernanceError::SpendAboveTreasury { .. } => 17,
            GovernanceError::UnknownRaise(_) => 18,
            GovernanceError::RaiseRefused { .. } => 19,
            GovernanceError::PauseRefused { .. } => 20,
            GovernanceError::State(_) => 100,
        }
    }
}

impl From<greenhour_bank::BankError> for GovernanceError {
    fn from(e: greenhour_bank::BankError) -> Self {
        GovernanceError::Bank(e.to_string())
    }
}

impl From<greenhour_staking::StakingError> for GovernanceError {
    fn from(e: greenhour_staking::StakingError) -> Self {
        GovernanceError::Staking(e.to_string())
    }
}

impl From<ParamError> for GovernanceError {
    fn from(e: ParamError) -> Self {
        GovernanceError::Param(e)
    }
}
