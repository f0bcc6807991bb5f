use crate::DeviceId;
use greenhour_framework::CodedError;
use greenhour_primitives::{Hash, UnixSeconds};
use greenhour_state::StateError;

/// Everything the devices module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DevicesError {
    /// Returned when no device has this id.
    #[error("no device {0}")]
    UnknownDevice(DeviceId),
    /// Returned when someone other than the owner manages a device.
    #[error("only the owner of device {0} may do this")]
    NotOwner(DeviceId),
    /// Returned when a device key is already registered (now or in the past).
    #[error("device key already registered as device {0}")]
    KeyTaken(DeviceId),
    /// Returned when a device key is not a valid ed25519 public key.
    #[error("device key is not a valid ed25519 public key")]
    InvalidKey,
    /// Returned when a location cell is not 1-12 geohash characters.
    #[error("invalid location cell {0:?}: use 1-12 geohash characters (0-9, b-z without a, i, l, o)")]
    InvalidCell(String),
    /// Returned when a nameplate is empty or above the limits.
    #[error("invalid nameplate: {0}")]
    InvalidNameplate(String),
    /// Returned when a device is suspended or retired and the action needs it active.
    #[error("device {id} is {status}")]
    NotActive { id: DeviceId, status: &'static str },
    /// Returned when resuming a device that is not suspended, or managing a retired one.
    #[error("device {id} cannot go from {from} to {to}")]
    BadTransition { id: DeviceId, from: &'static str, to: &'static str },
    /// Returned when a report's signature is not by the device's key for this chain.
    #[error("report is not signed by the key of device {0}")]
    BadReportSignature(DeviceId),
    /// Returned when a report's interval is empty, longer than an hour or crosses an hour boundary.
    #[error("report interval [{start}, {end}) must be non-empty and inside one UTC hour")]
    BadInterval { start: UnixSeconds, end: UnixSeconds },
    /// Returned when a report's interval ends after the block's time.
    #[error("report ends at {end}, after the block time {now}")]
    FutureReport { end: UnixSeconds, now: UnixSeconds },
    /// Returned when a report starts before the previous one ended.
    #[error("report starting at {start} overlaps the previous report, which ended at {last_end}")]
    Overlap { start: UnixSeconds, last_end: UnixSeconds },
    /// Returned when a report leaves a gap after the previous one without declaring an outage.
    #[error("report starting at {start} leaves a gap after {last_end} without declaring an outage")]
    Gap { start: UnixSeconds, last_end: UnixSeconds },
    /// Returned when a metered quantity exceeds what the nameplate allows.
    #[error("{what} exceeds the nameplate bound")]
    ExceedsNameplate { what: &'static str },
    /// Returned when metered sinks exceed metered sources beyond the tolerance.
    #[error("energy does not balance: charge + export + compute exceed generation + discharge + import")]
    EnergyImbalance,
    /// Returned when the state of charge is above 1000 per mille.
    #[error("state of charge {0}‰ is above 1000")]
    BadStateOfCharge(u16),
    /// Returned when no accepted report has this hash.
    #[error("no accepted report {0}")]
    UnknownReport(Hash),
    /// Returned when a report already backs something else.
    #[error("report {hash} already backs {by}")]
    ReportAlreadyUsed { hash: Hash, by: String },
    /// Returned when the genesis is inconsistent.
    #[error("invalid devices genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when a device that is a pool member tries to retire or change its
    /// nameplate or cell; leave the pools first.
    #[error("device {id} is committed to pools and cannot {what}; leave its pools first")]
    Committed { id: DeviceId, what: &'static str },
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for DevicesError {
    fn module(&self) -> &'static str {
        "devices"
    }
    fn code(&self) -> u32 {
        match self {
            DevicesError::UnknownDevice(_) => 1,
            DevicesError::NotOwner(_) => 2,
            DevicesError::KeyTaken(_) => 3,
            DevicesError::InvalidKey => 4,
            DevicesError::InvalidCell(_) => 5,
            DevicesError::InvalidNameplate(_) => 6,
            DevicesError::NotActive { .. } => 7,
            DevicesError::BadTransition { .. } => 8,
            DevicesError::BadReportSignature(_) => 9,
            DevicesError::BadInterval { .. } => 10,
            DevicesError::FutureReport { .. } => 11,
            DevicesError::Overlap { .. } => 12,
            DevicesError::Gap { .. } => 13,
            DevicesError::ExceedsNameplate { .. } => 14,
            DevicesError::EnergyImbalance => 15,
            DevicesError::BadStateOfCharge(_) => 16,
            DevicesError::UnknownReport(_) => 17,
            DevicesError::ReportAlreadyUsed { .. } => 18,
            DevicesError::InvalidGenesis(_) => 19,
            DevicesError::Committed { .. } => 20,
            DevicesError::State(_) => 100,
        }
    }
}
