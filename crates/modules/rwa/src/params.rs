//! rwa parameters: the trusted claim issuers (KYC providers) whose claims make
//! an identity verified, and the bounds every package is created within.

use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RwaParams {
    /// Addresses whose claims verify an identity (ERC-3643's trusted issuers registry).
    #[serde(default)]
    pub claim_issuers: Vec<Address>,
    /// Most tranches in a package (the last is the residual).
    pub max_tranches: u32,
    /// Most position NFTs in a package.
    pub max_assets: u32,
    /// Shortest epoch, seconds.
    pub min_epoch_secs: u64,
    /// Highest issuer fee, bps of income.
    pub max_fee_bps: u32,
    /// Most open orders one tranche takes (an epoch executes them all at once).
    pub max_orders: u32,
}

impl Default for RwaParams {
    fn default() -> Self {
        RwaParams {
            claim_issuers: Vec::new(),
            max_tranches: 10,
            max_assets: 256,
            min_epoch_secs: 3_600,
            max_fee_bps: 2_000,
            max_orders: 10_000,
        }
    }
}

greenhour_framework::governed_params! {
    RwaParams {
        /// Most tranches in a package.
        max_tranches: u32 in 2..=16,
        /// Most position NFTs in a package.
        max_assets: u32 in 1..=4_096,
        /// Shortest epoch, seconds.
        min_epoch_secs: u64 in 600..=2_592_000,
        /// Highest issuer fee, bps of income.
        max_fee_bps: u32 in 0..=5_000,
        /// Most open orders one tranche takes.
        max_orders: u32 in 1..=100_000,
    }
}
