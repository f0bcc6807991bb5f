use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// Rules for market pools, set at genesis; governance may change those declared at the end of this file.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct MarketParams {
    /// Swap fee on the input, parts per million (3,000 = 0.3 %, Uniswap v2's).
    pub fee_ppm: u32,
    /// Part of the fee paid to the fee collector instead of the LPs, ppm of the fee.
    pub protocol_share_ppm: u32,
    /// Shortest half-life a pool may choose, seconds.
    pub min_half_life: u64,
    /// Longest decay window a pool may choose, seconds.
    pub max_decay_window: u64,
    /// How many hours ahead a pool may be opened (as far as pools pledge: 14 days).
    pub max_hours_ahead: u64,
    /// Most hours one multi-hour purchase may route across.
    pub max_route_hours: u32,
}

impl Default for MarketParams {
    fn default() -> Self {
        MarketParams {
            fee_ppm: 3_000,
            protocol_share_ppm: 166_667,
            min_half_life: 60,
            max_decay_window: 14 * 86_400,
            max_hours_ahead: 14 * 24,
            max_route_hours: 24,
        }
    }
}

/// Seconds in an hour slot.
pub const HOUR: u64 = 3_600;

greenhour_framework::governed_params! {
    MarketParams {
        /// Swap fee, parts per million of the input.
        fee_ppm: u32 in 0..=30_000,
        /// The protocol's share of the swap fee, ppm (Uniswap v2's fee switch: 1/6).
        protocol_share_ppm: u32 in 0..=500_000,
        /// Shortest price half-life a pool may choose, seconds.
        min_half_life: u64 in 1..=86_400,
        /// Longest decay window a pool may choose, seconds.
        max_decay_window: u64 in 3_600..=2_592_000,
        /// Most hours a multi-hour purchase routes over.
        max_route_hours: u32 in 1..=168,
    }
}
