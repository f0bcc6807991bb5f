use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// What reporters may do.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OracleAction {
    /// Reports a value for the feed's open round. Naming the round makes a
    /// delayed report for an already closed round fail instead of leaking into the next.
    Submit {
        feed: String,
        round: u64,
        #[serde(with = "greenhour_primitives::amount_serde::signed")]
        value: i128,
    },
}
