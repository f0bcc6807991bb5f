use greenhour_framework::CodedError;
use greenhour_primitives::Address;
use greenhour_state::StateError;

/// Everything the staking module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StakingError {
    /// Returned when no validator has this operator address.
    #[error("unknown validator {0}")]
    UnknownValidator(Address),
    /// Returned when the signer already operates a validator, or the consensus
    /// key already serves one.
    #[error("{0}")]
    Duplicate(String),
    /// Returned when a self-bond is below the minimum.
    #[error("self-bond {bond} ughr is below the minimum of {min}")]
    BondTooSmall { bond: u128, min: u128 },
    /// Returned when an amount is zero, a commission exceeds 10,000 bps, a
    /// moniker is empty or too long, or a key is not a valid ed25519 point.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Returned when a delegator undelegates more than it has bonded.
    #[error("{delegator} has {have} ughr bonded to {validator}, {asked} asked")]
    InsufficientDelegation { delegator: Address, validator: Address, have: u128, asked: u128 },
    /// Returned when someone other than a device's owner links it.
    #[error("{signer} does not own device {device}")]
    NotDeviceOwner { device: u64, signer: Address },
    /// Returned when a validator is jailed (delegations refused; unjail too early).
    #[error("validator {validator} is jailed until {until}")]
    Jailed { validator: Address, until: u64 },
    /// Returned when unjail is asked of a validator that is not jailed.
    #[error("validator {0} is not jailed")]
    NotJailed(Address),
    /// Returned when double-sign evidence does not prove a double sign (different
    /// keys, heights, rounds or steps; the same block; a bad signature; too old;
    /// an unknown key; already punished).
    #[error("invalid evidence: {0}")]
    InvalidEvidence(String),
    /// Returned when the chain's own bookkeeping would break (a bug, never input).
    #[error("staking accounting: {0}")]
    Accounting(String),
    /// Returned when an amount would overflow.
    #[error("amount overflow")]
    Overflow,
    /// Returned when the genesis is inconsistent.
    #[error("invalid staking genesis: {0}")]
    InvalidGenesis(String),
    /// A bank transfer, mint or burn failed (e.g. the signer cannot pay the bond).
    #[error(transparent)]
    Bank(#[from] greenhour_bank::BankError),
    /// A device lookup failed.
    #[error(transparent)]
    Devices(#[from] greenhour_devices::DevicesError),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for StakingError {
    fn module(&self) -> &'static str {
        "staking"
    }
    fn code(&self) -> u32 {
        match self {
            StakingError::UnknownValidator(_) => 1,
            StakingError::Duplicate(_) => 2,
            StakingError::BondTooSmall { .. } => 3,
            StakingError::InvalidInput(_) => 4,
            StakingError::InsufficientDelegation { .. } => 5,
            StakingError::NotDeviceOwner { .. } => 6,
            StakingError::Jailed { .. } => 7,
            StakingError::NotJailed(_) => 8,
            StakingError::InvalidEvidence(_) => 9,
            StakingError::Accounting(_) => 10,
            StakingError::Overflow => 11,
            StakingError::InvalidGenesis(_) => 12,
            StakingError::Bank(_) => 91,
            StakingError::Devices(_) => 92,
            StakingError::State(_) => 100,
        }
    }
}
