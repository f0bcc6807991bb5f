use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// How the index is read, set at genesis (none of it governed yet: docs/spec/governance.md).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct IndexParams {
    /// Hours in the rolling window (24: the "24 h" value).
    pub window_hours: u64,
    /// Default staleness limit for readers that do not bring their own, seconds.
    pub max_age: u64,
}

impl Default for IndexParams {
    fn default() -> Self {
        IndexParams { window_hours: 24, max_age: 86_400 }
    }
}

/// Seconds in an hour bucket.
pub const HOUR: u64 = 3_600;
/// The most hours a rolling window may span (a week), so a read stays bounded.
pub const MAX_WINDOW_HOURS: u64 = 168;
