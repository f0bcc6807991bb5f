//! funds parameters: the bounds every fund is created within.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundsParams {
    /// Highest management fee, bps a year.
    pub max_management_fee_bps: u32,
    /// Highest performance fee, bps of gains.
    pub max_performance_fee_bps: u32,
    /// Most tranches one fund holds at once (its NAV reads each).
    pub max_holdings: u32,
    /// Most redemption requests a fund pays in one block.
    pub max_requests_per_block: u32,
    /// Most redemption requests waiting in one fund.
    pub max_requests: u32,
}

impl Default for FundsParams {
    fn default() -> Self {
        FundsParams {
            max_management_fee_bps: 500,
            max_performance_fee_bps: 3_000,
            max_holdings: 32,
            max_requests_per_block: 100,
            max_requests: 10_000,
        }
    }
}

greenhour_framework::governed_params! {
    FundsParams {
        /// Highest management fee, bps a year.
        max_management_fee_bps: u32 in 0..=2_000,
        /// Highest performance fee, bps of gains.
        max_performance_fee_bps: u32 in 0..=5_000,
        /// Most tranches one fund holds at once.
        max_holdings: u32 in 1..=256,
        /// Most redemption requests a fund pays in one block.
        max_requests_per_block: u32 in 1..=10_000,
        /// Most redemption requests waiting in one fund.
        max_requests: u32 in 1..=100_000,
    }
}
