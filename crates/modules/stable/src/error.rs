use crate::state::VaultId;
use greenhour_framework::CodedError;
use greenhour_primitives::Denom;
use greenhour_state::StateError;

/// Everything the stable module can refuse. Codes are stable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StableError {
    /// Returned when no vault has this id.
    #[error("no vault {0}")]
    UnknownVault(VaultId),
    /// Returned when a denom is not an approved vault collateral.
    #[error("{0} is not an approved vault collateral")]
    UnknownCollateral(Denom),
    /// Returned when an action names a vault the signer does not own.
    #[error("vault {0} belongs to another account")]
    NotOwner(VaultId),
    /// Returned when an amount is zero or rounds to nothing.
    #[error("the amount is zero or rounds to zero")]
    ZeroAmount,
    /// Returned when an amount overflows the module's arithmetic.
    #[error("amount overflow")]
    Overflow,
    /// Returned when an interest rate is outside the allowed range.
    #[error("rate {rate_bps} bps is outside {min_bps}..={max_bps}")]
    RateOutOfRange { rate_bps: u32, min_bps: u32, max_bps: u32 },
    /// Returned when a vault's debt would be below the minimum (and not zero by closing).
    #[error("debt {debt} is below the minimum of {min}")]
    DebtTooSmall { debt: u128, min: u128 },
    /// Returned when a branch would owe more than its ceiling.
    #[error("branch {denom} would owe {debt}, above its ceiling of {ceiling}")]
    DebtCeiling { denom: Denom, debt: u128, ceiling: u128 },
    /// Returned when withdrawing or repaying more than the vault holds or owes.
    #[error("{what}: the vault holds {held}, asked for {asked}")]
    Insufficient { what: &'static str, held: u128, asked: u128 },
    /// Returned when an action would leave its own vault below the minimum collateral ratio.
    #[error("the vault's collateral ratio would be {ratio_bps} bps, below the minimum {mcr_bps} bps")]
    Undercollateralised { ratio_bps: u64, mcr_bps: u32 },
    /// Returned when a liquidation names a vault at or above the minimum ratio.
    #[error("vault {vault} is healthy: ratio {ratio_bps} bps ≥ {mcr_bps} bps")]
    Healthy { vault: VaultId, ratio_bps: u64, mcr_bps: u32 },
    /// Returned when the price an action needs cannot be trusted (stale, missing or
    /// disputed): mints, withdrawals, redemptions and liquidations freeze; repayments
    /// and deposits still go through.
    #[error("price unavailable: {0}")]
    PriceUnavailable(String),
    /// Returned when a redemption asks for more gUSD than the branch owes.
    #[error("redeeming {asked} ugusd, but branch {denom} owes {debt}")]
    RedeemTooMuch { denom: Denom, asked: u128, debt: u128 },
    /// Returned when the redemption fee is above the redeemer's limit.
    #[error("the redemption fee is {fee_bps} bps, above the limit of {max_bps} bps")]
    FeeAboveLimit { fee_bps: u64, max_bps: u32 },
    /// Returned when no vault of the branch can be redeemed against.
    #[error("no vault of branch {0} can be redeemed against")]
    NothingToRedeem(Denom),
    /// Returned when a liquidation could place the debt nowhere: the stability pool
    /// is at its floor and no other vault of the branch takes a redistribution.
    #[error("nothing can absorb vault {0}'s debt: the stability pool is empty and it is its branch's last vault")]
    NothingAbsorbs(VaultId),
    /// Returned when withdrawing more from the stability pool than the deposit holds.
    #[error("the deposit holds {held} ugusd, asked for {asked}")]
    DepositTooSmall { held: u128, asked: u128 },
    /// Returned when the genesis is inconsistent.
    #[error("invalid stable genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when stored state is damaged.
    #[error("corrupt stable state: {0}")]
    Corrupt(String),
    /// Returned when the bank refuses a transfer (usually insufficient funds).
    #[error("bank: {0}")]
    Bank(String),
    /// Returned when the lending market a direct deposit supplies refuses a supply
    /// or withdrawal (amounts are kept within its liquidity, so this means damage).
    #[error("lending: {0}")]
    Lending(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for StableError {
    fn module(&self) -> &'static str {
        crate::NAME
    }
    fn code(&self) -> u32 {
        match self {
            StableError::UnknownVault(_) => 1,
            StableError::UnknownCollateral(_) => 2,
            StableError::NotOwner(_) => 3,
            StableError::ZeroAmount => 4,
            StableError::Overflow => 5,
            StableError::RateOutOfRange { .. } => 6,
            StableError::DebtTooSmall { .. } => 7,
            StableError::DebtCeiling { .. } => 8,
            StableError::Insufficient { .. } => 9,
            StableError::Undercollateralised { .. } => 10,
            StableError::Healthy { .. } => 11,
            StableError::PriceUnavailable(_) => 12,
            StableError::RedeemTooMuch { .. } => 13,
            StableError::FeeAboveLimit { .. } => 14,
            StableError::NothingToRedeem(_) => 15,
            StableError::NothingAbsorbs(_) => 16,
            StableError::DepositTooSmall { .. } => 17,
            StableError::InvalidGenesis(_) => 18,
            StableError::Corrupt(_) => 19,
            StableError::Bank(_) => 20,
            StableError::Lending(_) => 21,
            StableError::State(_) => 100,
        }
    }
}

impl From<greenhour_bank::BankError> for StableError {
    fn from(e: greenhour_bank::BankError) -> Self {
        StableError::Bank(e.to_string())
    }
}

impl From<greenhour_lending::LendingError> for StableError {
    fn from(e: greenhour_lending::LendingError) -> Self {
        StableError::Lending(e.to_string())
    }
}
