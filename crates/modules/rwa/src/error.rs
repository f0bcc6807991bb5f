//! Every way an rwa action can be refused. Codes are stable: never renumber one.

use crate::state::PackageId;
use greenhour_framework::CodedError;
use greenhour_primitives::Address;
use greenhour_state::StateError;

#[derive(Debug, thiserror::Error)]
pub enum RwaError {
    /// Returned when no package has this id.
    #[error("no package {0}")]
    UnknownPackage(PackageId),
    /// Returned when a tranche index is past the package's tranches.
    #[error("package {package} has no tranche {tranche}")]
    UnknownTranche { package: PackageId, tranche: u32 },
    /// Returned when an action only the package's issuer (its agent) may take comes from someone else.
    #[error("only package {0}'s issuer may do this")]
    NotIssuer(PackageId),
    /// Returned when a claim comes from an address that is not a trusted claim issuer.
    #[error("{0} is not a trusted claim issuer")]
    NotClaimIssuer(Address),
    /// Returned when a package's terms are malformed (tranches, fee, epoch, names, jurisdictions).
    #[error("invalid package terms: {0}")]
    InvalidTerms(String),
    /// Returned when an amount is zero.
    #[error("amount must be positive")]
    ZeroAmount,
    /// Returned when an amount overflows the module's arithmetic.
    #[error("amount overflow")]
    Overflow,
    /// Returned when a position NFT cannot join a package (not the issuer's, wrong class, ended, full).
    #[error("position {serial} cannot join the package: {why}")]
    AssetRefused { serial: u64, why: String },
    /// Returned when an address may not hold, receive or move a package's tokens
    /// under its rules (unverified identity, jurisdiction, accreditation, holder
    /// or holding caps, frozen).
    #[error("compliance: {who} {why}")]
    Compliance { who: Address, why: String },
    /// Returned when units are locked up.
    #[error("units locked until {until}")]
    LockedUp { until: u64 },
    /// Returned when moving more units, or redeeming more, than held.
    #[error("holds {held}, asked for {asked}")]
    Insufficient { held: u128, asked: u128 },
    /// Returned when a tranche already has the most open orders it takes.
    #[error("tranche has {0} open orders, the most it takes")]
    TooManyOrders(u32),
    /// Returned when a package's value cannot be computed now (its index is stale or jumping).
    #[error("package value unavailable: {0}")]
    ValueUnavailable(String),
    /// Returned when no open offer of the signer's has this number.
    #[error("no open offer {0} of yours")]
    UnknownOffer(u64),
    /// Returned when the genesis is inconsistent.
    #[error("invalid rwa genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when stored state is damaged.
    #[error("corrupt rwa state: {0}")]
    Corrupt(String),
    /// Returned when the bank, nft, pools or lending module refuses a read or a move.
    #[error("{0}")]
    Dependency(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for RwaError {
    fn module(&self) -> &'static str {
        crate::NAME
    }
    fn code(&self) -> u32 {
        match self {
            RwaError::UnknownPackage(_) => 1,
            RwaError::UnknownTranche { .. } => 2,
            RwaError::NotIssuer(_) => 3,
            RwaError::NotClaimIssuer(_) => 4,
            RwaError::InvalidTerms(_) => 5,
            RwaError::ZeroAmount => 6,
            RwaError::Overflow => 7,
            RwaError::AssetRefused { .. } => 8,
            RwaError::Compliance { .. } => 9,
            RwaError::LockedUp { .. } => 10,
            RwaError::Insufficient { .. } => 11,
            RwaError::TooManyOrders(_) => 12,
            RwaError::ValueUnavailable(_) => 13,
            RwaError::InvalidGenesis(_) => 14,
            RwaError::Corrupt(_) => 15,
            RwaError::Dependency(_) => 16,
            RwaError::UnknownOffer(_) => 17,
            RwaError::State(_) => 100,
        }
    }
}

macro_rules! dependency {
    ($($e:ty),*) => {$(
        impl From<$e> for RwaError {
            fn from(e: $e) -> Self {
                RwaError::Dependency(e.to_string())
            }
        }
    )*};
}
dependency!(greenhour_bank::BankError, greenhour_nft::NftError, greenhour_pools::PoolsError);

impl From<greenhour_lending::LendingError> for RwaError {
    fn from(e: greenhour_lending::LendingError) -> Self {
        match e {
            greenhour_lending::LendingError::PriceUnavailable(why) => RwaError::ValueUnavailable(why),
            other => RwaError::Dependency(other.to_string()),
        }
    }
}
