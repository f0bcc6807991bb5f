use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// Rules for staking, set at genesis; governance may change those declared below.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct StakingParams {
    /// Blocks per epoch; the set changes only at epoch boundaries.
    pub epoch_blocks: u64,
    /// How long undelegated tokens stay bonded (and slashable), seconds.
    pub unbonding_secs: u64,
    /// Smallest self-bond that creates a validator, `ughr`.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_self_bond: u128,
    /// Verified green GPU-hours in an epoch (in thousandths) that double a
    /// validator's power: power = stake × (1 + green / normaliser).
    pub green_normaliser_milli: u64,
    /// Largest validator set.
    pub max_validators: u32,
    /// `ughr` minted into each epoch's rewards (besides the fees collected).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub inflation_per_epoch: u128,
    /// Share of a double-signer's bonded tokens burned, basis points.
    pub double_sign_slash_bps: u32,
    /// How long a slashed validator stays jailed, seconds.
    pub jail_secs: u64,
    /// Evidence older than this many blocks is refused.
    pub max_evidence_age_blocks: u64,
    /// Unbonding entries released per block.
    pub release_per_block: u32,
    /// Blocks per liveness window: missed precommits are counted per window
    /// (tumbling: the count restarts with each window).
    pub liveness_window_blocks: u64,
    /// Share of a window's blocks a validator must sign, basis points; missing
    /// more jails it for downtime.
    pub min_signed_bps: u32,
    /// Share of a validator's bonded tokens burned for downtime, basis points.
    pub downtime_slash_bps: u32,
    /// How long a validator jailed for downtime stays jailed, seconds.
    pub downtime_jail_secs: u64,
    /// Share of each epoch's rewards (fees and inflation) paid into the community
    /// pool that governance spends, basis points (Cosmos's community tax: 2 %).
    pub community_tax_bps: u32,
}

impl Default for StakingParams {
    fn default() -> Self {
        StakingParams {
            epoch_blocks: 600,
            unbonding_secs: 21 * 86_400,
            min_self_bond: 1_000_000_000,
            // 100 green GPU-hours an epoch double the power.
            green_normaliser_milli: 100_000,
            max_validators: 100,
            inflation_per_epoch: 0,
            double_sign_slash_bps: 500,
            jail_secs: 7 * 86_400,
            max_evidence_age_blocks: 100_000,
            release_per_block: 256,
            // As a Cosmos hub: sign 5 % of 10,000 blocks or lose 0.01 % and ten minutes.
            liveness_window_blocks: 10_000,
            min_signed_bps: 500,
            downtime_slash_bps: 1,
            downtime_jail_secs: 600,
            community_tax_bps: 200,
        }
    }
}

/// `ughr` per unit of voting power (one milli-GHR), so a u64 holds 18 × 10¹⁵ GHR.
pub const POWER_UNIT: u128 = 1_000;

greenhour_framework::governed_params! {
    StakingParams {
        /// How long undelegated tokens stay bonded and slashable, seconds (1 hour to 60 days).
        unbonding_secs: u64 in 3_600..=5_184_000,
        /// Smallest self-bond that creates a validator, ughr.
        min_self_bond: u128 in 1_000_000..=1_000_000_000_000_000,
        /// Green GPU-hours (thousandths) an epoch that double a validator's power.
        green_normaliser_milli: u64 in 1_000..=1_000_000_000,
        /// Largest validator set.
        max_validators: u32 in 1..=300,
        /// ughr minted into each epoch's rewards.
        inflation_per_epoch: u128 in 0..=1_000_000_000_000,
        /// Share of a double-signer's bonded tokens burned, bps.
        double_sign_slash_bps: u32 in 0..=10_000,
        /// How long a slashed validator stays jailed, seconds.
        jail_secs: u64 in 60..=31_536_000,
        /// Share of a liveness window a validator must sign, bps.
        min_signed_bps: u32 in 0..=10_000,
        /// Share of bonded tokens burned for downtime, bps.
        downtime_slash_bps: u32 in 0..=10_000,
        /// Share of each epoch's rewards paid into the community pool, bps.
        community_tax_bps: u32 in 0..=5_000,
    }
}
