use crate::state::PoolId;
use greenhour_devices::{DeviceId, DevicesError};
use greenhour_framework::CodedError;
use greenhour_state::StateError;

/// Everything the pools module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolsError {
    /// Returned when no pool has this id.
    #[error("no pool {0}")]
    UnknownPool(PoolId),
    /// Returned when entry conditions are out of range (bps above 10,000, a window
    /// longer than allowed, a green-compute pool without a green floor, ...).
    #[error("invalid entry conditions: {0}")]
    InvalidConditions(String),
    /// Returned when someone other than the device's owner acts for it.
    #[error("only the owner of device {0} may do this")]
    NotDeviceOwner(DeviceId),
    /// Returned when the device's class differs from the pool's.
    #[error("device {device} is not of pool {pool}'s class")]
    WrongClass { pool: PoolId, device: DeviceId },
    /// Returned when a device joins a pool it is in (or has a ticket for) already.
    #[error("device {device} is already in pool {pool} or waiting for its lottery")]
    AlreadyMember { pool: PoolId, device: DeviceId },
    /// Returned when a device acts in a pool it is not an active member of.
    #[error("device {device} is not an active member of pool {pool}")]
    NotMember { pool: PoolId, device: DeviceId },
    /// Returned when a device does not meet a pool's entry conditions (which one is named).
    #[error("device {device} does not meet pool {pool}'s conditions: {why}")]
    ConditionsNotMet { pool: PoolId, device: DeviceId, why: String },
    /// Returned when a pledge starts in the past or in the current (already started) hour.
    #[error("hour {hour} has started or passed (now in hour {now})")]
    PastHour { hour: u64, now: u64 },
    /// Returned when a pledge reaches past the horizon.
    #[error("hour {hour} is beyond the pledge horizon (last allowed {last})")]
    BeyondHorizon { hour: u64, last: u64 },
    /// Returned when a pledge is empty (no hours or zero quantity).
    #[error("a pledge needs at least one hour and a positive quantity")]
    EmptyPledge,
    /// Returned when the device's pledges for an hour would exceed its nameplate.
    #[error("device {device} can offer {capacity} per hour; hour {hour} would have {pledged}")]
    AboveNameplate { device: DeviceId, hour: u64, pledged: u64, capacity: u64 },
    /// Returned when a device already holds as many live positions, or pools, as allowed.
    #[error("device {0} has reached the limit of live positions or pools")]
    TooManyPositions(DeviceId),
    /// Returned when no position has this serial.
    #[error("no position {0}")]
    UnknownPosition(u64),
    /// Returned when someone other than the position NFT's owner releases its slots.
    #[error("only the owner of position {0} may do this")]
    NotPositionOwner(u64),
    /// Returned when releasing more slots than the position still holds unsold.
    #[error("position {position} holds {unsold} unsold slots of hour {hour}, asked for {asked}")]
    NotEnoughUnsold { position: u64, hour: u64, unsold: u32, asked: u32 },
    /// Returned when an hour is not covered by the position.
    #[error("position {position} does not cover hour {hour}")]
    HourNotInPosition { position: u64, hour: u64 },
    /// Returned when extending a position whose unsold hours were withdrawn when its
    /// device left; pledge a new position instead.
    #[error("position {0} was closed when its device left; pledge a new one")]
    PositionClosed(u64),
    /// Returned when the block time is past the transaction's deadline.
    #[error("deadline {deadline} passed (block time {now})")]
    DeadlinePassed { deadline: u64, now: u64 },
    /// Returned when withdrawing more LP shares than the position holds in that hour.
    #[error("position {position} holds {held} LP shares of hour {hour}, not {asked}")]
    NotEnoughShares { position: u64, hour: u64, held: u128, asked: u128 },
    /// Returned when the market refuses the deposit or withdrawal (its message says why).
    #[error("market: {0}")]
    Market(String),
    /// Returned when the genesis is inconsistent.
    #[error("invalid pools genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when bank refuses a movement (stake, slot tokens).
    #[error("bank: {0}")]
    Bank(String),
    /// Returned when the devices module refuses (unknown device, commitment).
    #[error("devices: {0}")]
    Devices(String),
    /// Returned when the NFT registry refuses (missing position class).
    #[error("nft: {0}")]
    Nft(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl From<greenhour_bank::BankError> for PoolsError {
    fn from(e: greenhour_bank::BankError) -> Self {
        PoolsError::Bank(e.to_string())
    }
}
impl From<greenhour_market::MarketError> for PoolsError {
    fn from(e: greenhour_market::MarketError) -> Self {
        PoolsError::Market(e.to_string())
    }
}
impl From<greenhour_index::IndexError> for PoolsError {
    fn from(e: greenhour_index::IndexError) -> Self {
        PoolsError::Market(e.to_string())
    }
}
impl From<DevicesError> for PoolsError {
    fn from(e: DevicesError) -> Self {
        PoolsError::Devices(e.to_string())
    }
}
impl From<greenhour_nft::NftError> for PoolsError {
    fn from(e: greenhour_nft::NftError) -> Self {
        PoolsError::Nft(e.to_string())
    }
}

impl CodedError for PoolsError {
    fn module(&self) -> &'static str {
        "pools"
    }
    fn code(&self) -> u32 {
        match self {
            PoolsError::UnknownPool(_) => 1,
            PoolsError::InvalidConditions(_) => 2,
            PoolsError::NotDeviceOwner(_) => 3,
            PoolsError::WrongClass { .. } => 4,
            PoolsError::AlreadyMember { .. } => 5,
            PoolsError::NotMember { .. } => 6,
            PoolsError::ConditionsNotMet { .. } => 7,
            PoolsError::PastHour { .. } => 8,
            PoolsError::BeyondHorizon { .. } => 9,
            PoolsError::EmptyPledge => 10,
            PoolsError::AboveNameplate { .. } => 11,
            PoolsError::TooManyPositions(_) => 12,
            PoolsError::UnknownPosition(_) => 13,
            PoolsError::NotPositionOwner(_) => 14,
            PoolsError::NotEnoughUnsold { .. } => 15,
            PoolsError::HourNotInPosition { .. } => 16,
            PoolsError::InvalidGenesis(_) => 17,
            PoolsError::PositionClosed(_) => 18,
            PoolsError::DeadlinePassed { .. } => 19,
            PoolsError::NotEnoughShares { .. } => 20,
            PoolsError::Market(_) => 96,
            PoolsError::Bank(_) => 97,
            PoolsError::Devices(_) => 98,
            PoolsError::Nft(_) => 99,
            PoolsError::State(_) => 100,
        }
    }
}
