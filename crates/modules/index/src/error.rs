use greenhour_framework::CodedError;
use greenhour_state::StateError;

/// Everything the index module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// Returned when a series has no fill inside the window read.
    #[error("no fills for {class}/{quote} in the last {window_hours} h")]
    NoFills { class: String, quote: String, window_hours: u64 },
    /// Returned when the newest fill is older than the reader's limit.
    #[error("index {class}/{quote} is stale: newest fill {age} s old, the limit is {max_age} s")]
    Stale { class: String, quote: String, age: u64, max_age: u64 },
    /// Returned when a recorded amount would overflow the bucket's sums.
    #[error("index amount overflow")]
    Overflow,
    /// Returned when a green share above 10,000 bps is recorded.
    #[error("green share {0} bps is above 10,000")]
    InvalidShare(u32),
    /// Returned when a class name is not a device class.
    #[error("unknown device class {0:?} (home, regional, datacentre, btc_miner)")]
    UnknownClass(String),
    /// Returned when the genesis is inconsistent.
    #[error("invalid index genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for IndexError {
    fn module(&self) -> &'static str {
        "index"
    }
    fn code(&self) -> u32 {
        match self {
            IndexError::NoFills { .. } => 1,
            IndexError::Stale { .. } => 2,
            IndexError::Overflow => 3,
            IndexError::InvalidShare(_) => 4,
            IndexError::UnknownClass(_) => 5,
            IndexError::InvalidGenesis(_) => 6,
            IndexError::State(_) => 100,
        }
    }
}
