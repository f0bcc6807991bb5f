use greenhour_framework::CodedError;
use greenhour_primitives::Address;
use greenhour_state::StateError;

/// Everything the oracle module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OracleError {
    /// Returned when no feed has this name (or the name is malformed).
    #[error("no oracle feed {0:?}")]
    UnknownFeed(String),
    /// Returned when the signer is not one of the feed's reporters.
    #[error("{reporter} is not a reporter of feed {feed}")]
    NotReporter { feed: String, reporter: Address },
    /// Returned when a report names a round other than the open one.
    #[error("feed {feed} has round {open} open, not {got}")]
    WrongRound { feed: String, open: u64, got: u64 },
    /// Returned when a reporter reports twice in one round.
    #[error("already reported to feed {feed} in round {round}")]
    AlreadyReported { feed: String, round: u64 },
    /// Returned when a read finds a value older than the feed's `max_age`.
    #[error("feed {feed} is stale: its value is {age} s old, the limit is {max_age} s")]
    Stale { feed: String, age: u64, max_age: u64 },
    /// Returned when a feed has never published a value.
    #[error("feed {0} has no value yet")]
    NoValue(String),
    /// Returned when the genesis is inconsistent.
    #[error("invalid oracle genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when a price read finds a value that is not a price (zero or negative).
    #[error("feed {feed} reports {value}, not a price")]
    NotAPrice { feed: String, value: i128 },
    /// Returned when a price read finds the round's reports spread wider than the
    /// reader allows (bps of the value): the reporters disagree, so nobody should act on it.
    #[error("feed {feed}'s reporters disagree by more than {max_spread_bps} bps")]
    Disputed { feed: String, max_spread_bps: u32 },
    /// Returned when a new reporter set is empty, repeats a reporter, is larger
    /// than [`MAX_REPORTERS`](crate::state::MAX_REPORTERS), or its quorum is 0 or
    /// above its size.
    #[error("a reporter set needs 1 to {max} distinct reporters and 1 ≤ quorum ≤ their number")]
    BadReporterSet { max: usize },
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for OracleError {
    fn module(&self) -> &'static str {
        "oracle"
    }
    fn code(&self) -> u32 {
        match self {
            OracleError::UnknownFeed(_) => 1,
            OracleError::NotReporter { .. } => 2,
            OracleError::WrongRound { .. } => 3,
            OracleError::AlreadyReported { .. } => 4,
            OracleError::Stale { .. } => 5,
            OracleError::NoValue(_) => 6,
            OracleError::InvalidGenesis(_) => 7,
            OracleError::NotAPrice { .. } => 8,
            OracleError::Disputed { .. } => 9,
            OracleError::BadReporterSet { .. } => 10,
            OracleError::State(_) => 100,
        }
    }
}
