//! Lending parameters: the governance-approved lists markets are created from
//! (Morpho Blue's enabled LLTVs and rate models), and the oracle and decay rules.

use crate::math::{RateModel, WAD};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Denom;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LendingParams {
    /// Loan-to-value limits a market may use, WAD (Morpho's `enableLltv` list).
    #[serde(with = "greenhour_primitives::amount_serde::vec")]
    pub lltvs_wad: Vec<u128>,
    /// Denoms a market may lend.
    pub loan_denoms: Vec<Denom>,
    /// Fungible denoms a market may take as collateral, each priced by a feed.
    pub collateral_denoms: Vec<Denom>,
    /// The one rate model markets use.
    pub rate_model: RateModel,
    /// Oldest index fill (seconds) a position's valuation accepts.
    pub max_index_age: u64,
    /// Largest gap, bps, between the current hour's index price and the window's
    /// before reads freeze (a sudden move is not trusted until it persists).
    pub max_index_deviation_bps: u32,
    /// Largest spread, bps of the median, between the reports of a token feed's round.
    pub max_feed_spread_bps: u32,
    /// Seconds before perishable collateral's last hour ends over which its
    /// loan-to-value limit falls to 0.
    pub decay_seconds: u64,
    /// Days of telemetry a position's device is judged on (uptime and green share).
    pub device_window_days: u64,
    /// Most markets the chain holds.
    pub max_markets: u32,
    /// Most positions NFTs one borrower may pledge in one market.
    pub max_pledged_per_position: u32,
}

impl Default for LendingParams {
    fn default() -> Self {
        LendingParams {
            lltvs_wad: vec![WAD / 2, 625 * WAD / 1_000, 77 * WAD / 100, 86 * WAD / 100],
            loan_denoms: vec![Denom::gusd()],
            collateral_denoms: vec![Denom::ghr(), Denom::new("ugco2").expect("valid denom")],
            rate_model: RateModel::default(),
            max_index_age: 6 * 3_600,
            max_index_deviation_bps: 5_000,
            max_feed_spread_bps: 2_000,
            decay_seconds: 12 * 3_600,
            device_window_days: 7,
            max_markets: 1_000,
            max_pledged_per_position: 32,
        }
    }
}

greenhour_framework::governed_params! {
    LendingParams {
        /// Oldest index window a position may be valued from, seconds.
        max_index_age: u64 in 600..=86_400,
        /// Largest move between the index's last hour and its window price before position reads freeze, bps.
        max_index_deviation_bps: u32 in 100..=10_000,
        /// Largest spread between a feed round's reports before reads freeze, bps.
        max_feed_spread_bps: u32 in 100..=10_000,
        /// How long before its last hour a perishable collateral's LLTV decays to 0, seconds.
        decay_seconds: u64 in 3_600..=604_800,
        /// Days of telemetry a position's uptime and green share are read over.
        device_window_days: u64 in 1..=90,
        /// Most markets that may be created.
        max_markets: u32 in 1..=100_000,
    }
}
