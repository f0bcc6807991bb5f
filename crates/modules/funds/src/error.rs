//! Every way a funds action can be refused. Codes are stable: never renumber one.

use crate::state::FundId;
use greenhour_framework::CodedError;
use greenhour_state::StateError;

#[derive(Debug, thiserror::Error)]
pub enum FundsError {
    /// Returned when no fund has this id.
    #[error("no fund {0}")]
    UnknownFund(FundId),
    /// Returned when an action only the fund's manager may take comes from someone else.
    #[error("only fund {0}'s manager may do this")]
    NotManager(FundId),
    /// Returned when a fund's terms are malformed (name, fees above the bounds).
    #[error("invalid fund terms: {0}")]
    InvalidTerms(String),
    /// Returned when an amount is zero.
    #[error("amount must be positive")]
    ZeroAmount,
    /// Returned when an amount overflows the module's arithmetic.
    #[error("amount overflow")]
    Overflow,
    /// Returned when the fund's mandate does not allow buying this package.
    #[error("the fund's {mandate} mandate does not allow package {package}: {why}")]
    Mandate { mandate: &'static str, package: u64, why: String },
    /// Returned when a deposit would get fewer shares, or a redemption fewer
    /// assets, than the caller's limit.
    #[error("would get {got}, less than the limit {limit}")]
    Slippage { got: u128, limit: u128 },
    /// Returned when redeeming or moving more shares than held.
    #[error("holds {held} shares, asked for {asked}")]
    InsufficientShares { held: u128, asked: u128 },
    /// Returned when the fund's idle gUSD cannot pay a redemption now (request it instead).
    #[error("the fund has {idle} ugusd idle, the redemption needs {needed}: request it to be paid in turn")]
    Illiquid { idle: u128, needed: u128 },
    /// Returned when the fund's NAV cannot be computed now (a package's index is stale or jumping).
    #[error("fund value unavailable: {0}")]
    NavUnavailable(String),
    /// Returned when a fund for verified holders only would get an unverified one.
    #[error("fund {0} is for verified identities only")]
    NotVerified(FundId),
    /// Returned when a fund already holds the most tranches, or has the most requests, it takes.
    #[error("fund is full: {0}")]
    Full(String),
    /// Returned when the rwa module refuses the fund's order, redemption or payout
    /// (its code is the rwa error's: compliance, lock-up, subordination…).
    #[error("package refused (rwa/{code}): {why}")]
    Package { code: u32, why: String },
    /// Returned when the stable module refuses an ESG fund's purchase of carbon
    /// coin, or cannot price it (its code is the stable error's).
    #[error("stable refused (stable/{code}): {why}")]
    Stable { code: u32, why: String },
    /// Returned when an in-kind redemption is asked of a fund that holds tranches
    /// (their units move only through their package's epochs: redeem for cash).
    #[error("fund {0} holds tranches: redeem for cash instead")]
    HoldsTranches(FundId),
    /// Returned when the genesis is inconsistent.
    #[error("invalid funds genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when stored state is damaged.
    #[error("corrupt funds state: {0}")]
    Corrupt(String),
    /// Returned when the bank refuses a move.
    #[error("{0}")]
    Dependency(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for FundsError {
    fn module(&self) -> &'static str {
        crate::NAME
    }
    fn code(&self) -> u32 {
        match self {
            FundsError::UnknownFund(_) => 1,
            FundsError::NotManager(_) => 2,
            FundsError::InvalidTerms(_) => 3,
            FundsError::ZeroAmount => 4,
            FundsError::Overflow => 5,
            FundsError::Mandate { .. } => 6,
            FundsError::Slippage { .. } => 7,
            FundsError::InsufficientShares { .. } => 8,
            FundsError::Illiquid { .. } => 9,
            FundsError::NavUnavailable(_) => 10,
            FundsError::NotVerified(_) => 11,
            FundsError::Full(_) => 12,
            FundsError::Package { .. } => 13,
            FundsError::InvalidGenesis(_) => 14,
            FundsError::Corrupt(_) => 15,
            FundsError::Dependency(_) => 16,
            FundsError::Stable { .. } => 17,
            FundsError::HoldsTranches(_) => 18,
            FundsError::State(_) => 100,
        }
    }
}

impl From<greenhour_bank::BankError> for FundsError {
    fn from(e: greenhour_bank::BankError) -> Self {
        FundsError::Dependency(e.to_string())
    }
}

impl From<greenhour_rwa::RwaError> for FundsError {
    fn from(e: greenhour_rwa::RwaError) -> Self {
        match e {
            greenhour_rwa::RwaError::ValueUnavailable(why) => FundsError::NavUnavailable(why),
            greenhour_rwa::RwaError::State(s) => FundsError::State(s),
            other => FundsError::Package { code: other.code(), why: other.to_string() },
        }
    }
}

impl From<greenhour_stable::StableError> for FundsError {
    fn from(e: greenhour_stable::StableError) -> Self {
        match e {
            greenhour_stable::StableError::PriceUnavailable(why) => FundsError::NavUnavailable(why),
            greenhour_stable::StableError::State(s) => FundsError::State(s),
            other => FundsError::Stable { code: other.code(), why: other.to_string() },
        }
    }
}
