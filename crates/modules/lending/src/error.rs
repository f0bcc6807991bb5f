use crate::state::MarketId;
use greenhour_framework::CodedError;
use greenhour_primitives::{Address, Denom};
use greenhour_state::StateError;

/// Everything the lending module can refuse. Codes are stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LendingError {
    /// Returned when no market has this id.
    #[error("no lending market {0}")]
    UnknownMarket(MarketId),
    /// Returned when a new market's loan-to-value limit is not on the approved list.
    #[error("LLTV {lltv_wad} (WAD) is not an approved value")]
    LltvNotApproved { lltv_wad: u128 },
    /// Returned when a new market's loan denom is not on the approved list.
    #[error("{0} is not an approved loan denom")]
    LoanDenomNotApproved(Denom),
    /// Returned when a new market's collateral denom is not on the approved list, or
    /// equals the loan denom.
    #[error("{0} is not an approved collateral denom for this loan")]
    CollateralNotApproved(Denom),
    /// Returned when a market with the same loan, collateral and LLTV exists.
    #[error("market {0} already lends on these terms")]
    DuplicateMarket(MarketId),
    /// Returned when the chain holds its maximum number of markets.
    #[error("the chain holds its maximum of {0} markets")]
    TooManyMarkets(u32),
    /// Returned when an amount is zero, or rounds to zero shares or assets.
    #[error("the amount is zero or rounds to zero")]
    ZeroAmount,
    /// Returned when an amount overflows the module's arithmetic.
    #[error("amount overflow")]
    Overflow,
    /// Returned when an action needs one kind of collateral (tokens, position NFTs,
    /// slot tokens) and the market takes another; `expected` names the market's.
    #[error("market {market} takes {expected} collateral")]
    WrongCollateralKind { market: MarketId, expected: &'static str },
    /// Returned when withdrawing more supply, collateral or debt than the position holds.
    #[error("{what}: the position holds {held}, asked for {asked}")]
    Insufficient { what: &'static str, held: u128, asked: u128 },
    /// Returned when a withdrawal or borrow would take assets that are lent out.
    #[error("market {market} has {available} available to withdraw or borrow, asked for {asked}")]
    InsufficientLiquidity { market: MarketId, available: u128, asked: u128 },
    /// Returned when an action would leave its own position unhealthy.
    #[error("the position would owe {debt} against a borrowing limit of {limit}")]
    Unhealthy { debt: u128, limit: u128 },
    /// Returned when a liquidation names a healthy position.
    #[error("{borrower}'s position in market {market} is healthy: it owes {debt} against a limit of {limit}")]
    Healthy { market: MarketId, borrower: Address, debt: u128, limit: u128 },
    /// Returned when the price a borrow, withdrawal or liquidation needs cannot be trusted
    /// (stale, missing, or moving too fast): borrows freeze, repayments still go through.
    #[error("price unavailable: {0}")]
    PriceUnavailable(String),
    /// Returned when a position NFT is not the signer's, not of the market's class, or already pledged.
    #[error("position {serial} cannot be pledged: {why}")]
    CannotPledge { serial: u64, why: String },
    /// Returned when a position NFT is not pledged in this position.
    #[error("position {serial} is not pledged by {borrower} in market {market}")]
    NotPledged { market: MarketId, borrower: Address, serial: u64 },
    /// Returned when the genesis is inconsistent.
    #[error("invalid lending genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when stored lending state is damaged.
    #[error("corrupt lending state: {0}")]
    Corrupt(String),
    /// Returned when the bank refuses a transfer (usually insufficient funds).
    #[error("bank: {0}")]
    Bank(String),
    /// Returned when the nft, pools, devices, index or oracle module refuses a read or a move.
    #[error("{0}")]
    Dependency(String),
    /// Returned when slot collateral is of an hour that has started (worth nothing
    /// to a loan any more) or is not held in the position.
    #[error("slots of hour {hour}: {why}")]
    SlotsUnusable { hour: u64, why: &'static str },
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for LendingError {
    fn module(&self) -> &'static str {
        crate::NAME
    }
    fn code(&self) -> u32 {
        match self {
            LendingError::UnknownMarket(_) => 1,
            LendingError::LltvNotApproved { .. } => 2,
            LendingError::LoanDenomNotApproved(_) => 3,
            LendingError::CollateralNotApproved(_) => 4,
            LendingError::DuplicateMarket(_) => 5,
            LendingError::TooManyMarkets(_) => 6,
            LendingError::ZeroAmount => 7,
            LendingError::Overflow => 8,
            LendingError::WrongCollateralKind { .. } => 9,
            LendingError::Insufficient { .. } => 10,
            LendingError::InsufficientLiquidity { .. } => 11,
            LendingError::Unhealthy { .. } => 12,
            LendingError::Healthy { .. } => 13,
            LendingError::PriceUnavailable(_) => 14,
            LendingError::CannotPledge { .. } => 15,
            LendingError::NotPledged { .. } => 16,
            LendingError::InvalidGenesis(_) => 17,
            LendingError::Corrupt(_) => 18,
            LendingError::Bank(_) => 19,
            LendingError::Dependency(_) => 20,
            LendingError::SlotsUnusable { .. } => 21,
            LendingError::State(_) => 100,
        }
    }
}

impl From<greenhour_bank::BankError> for LendingError {
    fn from(e: greenhour_bank::BankError) -> Self {
        LendingError::Bank(e.to_string())
    }
}

macro_rules! dependency {
    ($($t:ty),*) => {$(
        impl From<$t> for LendingError {
            fn from(e: $t) -> Self {
                LendingError::Dependency(e.to_string())
            }
        }
    )*};
}
dependency!(
    greenhour_nft::NftError,
    greenhour_pools::PoolsError,
    greenhour_devices::DevicesError,
    greenhour_index::IndexError,
    greenhour_oracle::OracleError
);
