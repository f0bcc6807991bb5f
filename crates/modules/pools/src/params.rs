use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// Rules for pools, set at genesis; governance may change those declared at the end of this file.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct PoolsParams {
    /// How many hours ahead capacity may be pledged (336 = 14 days).
    pub horizon_hours: u64,
    /// Length of a lottery epoch; tickets filed in one epoch are drawn with the next one's beacon.
    pub epoch_seconds: u64,
    /// A member whose last telemetry ended longer ago than this is marked `leaving`.
    pub max_silence_seconds: u64,
    /// Members re-checked against their pool's conditions per block (round robin).
    pub recheck_per_block: u32,
    /// Most ended hours the expiry sweep processes in one block.
    pub sweep_hours_per_block: u32,
    /// Most live positions one device may hold, bounding the cost of a capacity check.
    pub max_live_positions_per_device: u32,
    /// Longest history window a pool may ask for.
    pub max_window_days: u32,
    /// Most pools one device may be a member of.
    pub max_pools_per_device: u32,
}

impl Default for PoolsParams {
    fn default() -> Self {
        PoolsParams {
            horizon_hours: 14 * 24,
            epoch_seconds: 3_600,
            max_silence_seconds: 6 * 3_600,
            recheck_per_block: 64,
            sweep_hours_per_block: 4,
            max_live_positions_per_device: 64,
            max_window_days: 90,
            max_pools_per_device: 8,
        }
    }
}

/// The NFT class of position tokens (minter: this module).
pub const POSITION_CLASS: &str = "position";
/// Seconds in an hour slot.
pub const HOUR: u64 = 3_600;

greenhour_framework::governed_params! {
    PoolsParams {
        /// Longest a member may stay silent before its pool drops it, seconds.
        max_silence_seconds: u64 in 3_600..=604_800,
        /// Live positions one device may hold.
        max_live_positions_per_device: u32 in 1..=1_024,
        /// Longest qualification window a pool may set, days.
        max_window_days: u32 in 1..=365,
        /// Pools one device may join.
        max_pools_per_device: u32 in 1..=64,
    }
}
