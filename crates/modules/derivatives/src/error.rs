//! Every way a derivatives action can be refused. Codes are stable: never renumber one.

use greenhour_framework::CodedError;
use greenhour_primitives::Address;
use greenhour_state::StateError;

#[derive(Debug, thiserror::Error)]
pub enum DerivativesError {
    /// Returned when no series has this number.
    #[error("no series {0}")]
    UnknownSeries(u64),
    /// Returned when trading a series past its last trading hour (or settled).
    #[error("series {series} stopped trading at hour {end_hour} (it is hour {now_hour})")]
    Expired { series: u64, end_hour: u64, now_hour: u64 },
    /// Returned when the series' index mark is missing or stale: nothing trades on a stale index.
    #[error("the {class} index has no fresh mark: {reason}")]
    StaleIndex { class: String, reason: String },
    /// Returned when the account's equity would fall below its initial margin.
    #[error("equity {equity} ugusd is below the {required} ugusd initial margin")]
    InsufficientMargin { equity: i128, required: u128 },
    /// Returned when liquidating an account whose equity covers its maintenance margin.
    #[error("equity {equity} ugusd covers the {maintenance} ugusd maintenance margin: not liquidatable")]
    NotLiquidatable { equity: i128, maintenance: u128 },
    /// Returned when withdrawing more cash than the account holds.
    #[error("the account holds {cash} ugusd in cash, asked for {asked}")]
    InsufficientCash { cash: i128, asked: u128 },
    /// Returned when no resting order has this number.
    #[error("no order {0}")]
    UnknownOrder(u64),
    /// Returned when cancelling another account's order.
    #[error("order {0} is not yours")]
    NotOrderOwner(u64),
    /// Returned when an instrument's terms are invalid (class, day, expiry, strike).
    #[error("invalid instrument: {0}")]
    InvalidInstrument(String),
    /// Returned when the instrument is listed already.
    #[error("{name} is listed already as series {series}")]
    AlreadyListed { name: String, series: u64 },
    /// Returned when a futures or perpetual order is priced outside the band around the mark.
    #[error("price {price} is outside [{low}, {high}] around the mark")]
    PriceOutOfBand { price: u128, low: u128, high: u128 },
    /// Returned when an account has its most resting orders or positions, or the chain its most series.
    #[error("at most {max} {what}")]
    TooMany { what: &'static str, max: u32 },
    /// Returned when an amount, size or price is zero or beyond its bound.
    #[error("invalid amount: {0}")]
    InvalidAmount(String),
    /// Returned when the signer has no margin account (deposit first).
    #[error("{0} has no margin account: deposit first")]
    NoAccount(Address),
    /// Returned when an amount overflows the module's arithmetic.
    #[error("amount overflow")]
    Overflow,
    /// Returned when the genesis is inconsistent.
    #[error("invalid derivatives genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when stored state is damaged.
    #[error("corrupt derivatives state: {0}")]
    Corrupt(String),
    /// Returned when an account fails the identity rules of the RWA package a
    /// tranche swap is on (a swap carries the tranche's exposure, so its rules).
    #[error("{who} may not trade a swap on package {package}: {why}")]
    NotEligible { who: greenhour_primitives::Address, package: u64, why: String },
    /// Returned when the bank, index or rwa module refuses a read or a move.
    #[error("{0}")]
    Dependency(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for DerivativesError {
    fn module(&self) -> &'static str {
        crate::NAME
    }
    fn code(&self) -> u32 {
        match self {
            DerivativesError::UnknownSeries(_) => 1,
            DerivativesError::Expired { .. } => 2,
            DerivativesError::StaleIndex { .. } => 3,
            DerivativesError::InsufficientMargin { .. } => 4,
            DerivativesError::NotLiquidatable { .. } => 5,
            DerivativesError::InsufficientCash { .. } => 6,
            DerivativesError::UnknownOrder(_) => 7,
            DerivativesError::NotOrderOwner(_) => 8,
            DerivativesError::InvalidInstrument(_) => 9,
            DerivativesError::AlreadyListed { .. } => 10,
            DerivativesError::PriceOutOfBand { .. } => 11,
            DerivativesError::TooMany { .. } => 12,
            DerivativesError::InvalidAmount(_) => 13,
            DerivativesError::NoAccount(_) => 14,
            DerivativesError::Overflow => 15,
            DerivativesError::InvalidGenesis(_) => 16,
            DerivativesError::Corrupt(_) => 17,
            DerivativesError::Dependency(_) => 18,
            DerivativesError::NotEligible { .. } => 19,
            DerivativesError::State(_) => 100,
        }
    }
}

impl From<greenhour_bank::BankError> for DerivativesError {
    fn from(e: greenhour_bank::BankError) -> Self {
        DerivativesError::Dependency(e.to_string())
    }
}

impl From<greenhour_index::IndexError> for DerivativesError {
    fn from(e: greenhour_index::IndexError) -> Self {
        DerivativesError::Dependency(e.to_string())
    }
}
