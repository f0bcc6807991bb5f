use greenhour_framework::CodedError;
use greenhour_primitives::Denom;
use greenhour_state::StateError;

/// Everything the market module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    /// Returned when no pool trades this slot denom.
    #[error("no market pool for {0}")]
    UnknownPool(Denom),
    /// Returned when a pool for this slot denom exists already.
    #[error("a market pool for {0} exists already")]
    PoolExists(Denom),
    /// Returned when the denom is not a slot denom (`slot|kwh/{class}/{hour}`) or the
    /// quote denom is not `ugusd` or `ughr`.
    #[error("invalid pool denoms: {0}")]
    InvalidDenom(String),
    /// Returned when a pool is created for an hour that has started.
    #[error("hour {hour} has started (now in hour {now})")]
    PastHour { hour: u64, now: u64 },
    /// Returned when a pool is created for an hour further ahead than `max_hours_ahead`.
    #[error("hour {hour} is beyond the market horizon (last allowed {last})")]
    BeyondHorizon { hour: u64, last: u64 },
    /// Returned when trading or adding to a pool whose hour has started.
    #[error("trading in {0} closed at the start of its hour")]
    HourClosed(Denom),
    /// Returned when a pool's decay settings are out of range.
    #[error("invalid pool settings: {0}")]
    InvalidSettings(String),
    /// Returned when an amount is zero.
    #[error("amounts must be positive")]
    ZeroAmount,
    /// Returned when arithmetic would overflow.
    #[error("amount overflow")]
    Overflow,
    /// Returned when the block time is past the transaction's deadline.
    #[error("deadline {deadline} passed (block time {now})")]
    DeadlinePassed { deadline: u64, now: u64 },
    /// Returned when a trade or liquidity change would be worse than the signer's limit.
    #[error("slippage: {got} is worse than the limit {limit}")]
    SlippageExceeded { got: u128, limit: u128 },
    /// Returned when a swap needs more than the pool holds (or the pool is empty).
    #[error("not enough liquidity")]
    InsufficientLiquidity,
    /// Returned when a first deposit is too small to lock the minimum liquidity.
    #[error("first deposit too small: √(slots·quote) must exceed 1,000")]
    DepositTooSmall,
    /// Returned when a buy asks for more slots than remain after capacity behind
    /// the pool's inventory left its pool and was withdrawn.
    #[error("{slot}: {withdrawn} slots were withdrawn because their capacity left; {available} remain")]
    CapacityWithdrawn { slot: Denom, withdrawn: u128, available: u128 },
    /// Returned when a multi-hour purchase meets a pool quoted in another denom.
    #[error("{slot} is quoted in {quote}, the purchase in {expected}")]
    MixedQuote { slot: Denom, quote: Denom, expected: Denom },
    /// Returned when a multi-hour purchase spans more hours than `max_route_hours`.
    #[error("a purchase spans at most {max} hours, not {hours}")]
    RouteTooLong { hours: u32, max: u32 },
    /// Returned when the index refuses a fill (an overflowing volume).
    #[error("index: {0}")]
    Index(String),
    /// Returned when bank refuses a movement (balance, closing time, permission).
    #[error("bank: {0}")]
    Bank(String),
    /// Returned when the genesis is inconsistent.
    #[error("invalid market genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl From<greenhour_bank::BankError> for MarketError {
    fn from(e: greenhour_bank::BankError) -> Self {
        MarketError::Bank(e.to_string())
    }
}

impl CodedError for MarketError {
    fn module(&self) -> &'static str {
        "market"
    }
    fn code(&self) -> u32 {
        match self {
            MarketError::UnknownPool(_) => 1,
            MarketError::PoolExists(_) => 2,
            MarketError::InvalidDenom(_) => 3,
            MarketError::PastHour { .. } => 4,
            MarketError::HourClosed(_) => 5,
            MarketError::InvalidSettings(_) => 6,
            MarketError::ZeroAmount => 7,
            MarketError::Overflow => 8,
            MarketError::DeadlinePassed { .. } => 9,
            MarketError::SlippageExceeded { .. } => 10,
            MarketError::InsufficientLiquidity => 11,
            MarketError::DepositTooSmall => 12,
            MarketError::InvalidGenesis(_) => 13,
            MarketError::BeyondHorizon { .. } => 14,
            MarketError::CapacityWithdrawn { .. } => 15,
            MarketError::MixedQuote { .. } => 16,
            MarketError::RouteTooLong { .. } => 17,
            MarketError::Index(_) => 96,
            MarketError::Bank(_) => 97,
            MarketError::State(_) => 100,
        }
    }
}

impl From<greenhour_index::IndexError> for MarketError {
    fn from(e: greenhour_index::IndexError) -> Self {
        MarketError::Index(e.to_string())
    }
}
