//! gUSD parameters: the collateral branches (Liquity v2's branches, each with
//! its own minimum ratio, debt ceiling and oracle feed), the rate bounds
//! borrowers choose within, and the redemption and liquidation terms.

use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Denom;
use serde::{Deserialize, Serialize};

/// One collateral type vaults may lock.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollateralParams {
    pub denom: Denom,
    /// Oracle feed whose value is gUSD micro-units per collateral unit, WAD.
    pub feed: String,
    /// Minimum collateral ratio, bps: below it a vault may be liquidated.
    pub mcr_bps: u32,
    /// Most debt the branch may carry, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt_ceiling: u128,
    /// Collateral the stability pool receives beyond the debt it burns, bps of that debt.
    pub pool_penalty_bps: u32,
    /// The same for debt redistributed to the branch's other vaults. At least the
    /// minimum ratio's margin (`mcr_bps − 10⁴`), so taking a redistribution never
    /// pulls a vault below the minimum by itself (else liquidations cascade).
    pub redistribution_penalty_bps: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StableParams {
    pub collaterals: Vec<CollateralParams>,
    /// Smallest debt a vault may open with or repay down to (Liquity v2: 2,000 BOLD).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_debt: u128,
    /// Bounds of the annual interest rate a borrower sets, bps.
    pub min_rate_bps: u32,
    pub max_rate_bps: u32,
    /// Redemption fee floor, bps (Liquity: 0.5 %); the base rate comes on top.
    pub redemption_floor_bps: u32,
    /// Most vaults one redemption walks.
    pub max_redemption_vaults: u32,
    /// Share of a liquidated vault's collateral paid to its liquidator, bps (Liquity v2: 0.5 %).
    pub liquidator_reward_bps: u32,
    /// Largest spread between a feed round's reports, bps of the median, before reads freeze.
    pub max_feed_spread_bps: u32,
    /// gUSD the stability pool always keeps (Liquity keeps 1 BOLD), so it never empties
    /// through liquidations and its share price stays meaningful.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub pool_floor: u128,
    /// The lending market gUSD is deposited into directly (Maker's D3M): minted
    /// into the market as its borrowers need it, burned as they repay. 0: none.
    #[serde(default)]
    pub direct_market: u64,
    /// Most gUSD the direct deposit may have minted, ugusd.
    #[serde(default, with = "greenhour_primitives::amount_serde")]
    pub direct_ceiling: u128,
    /// The utilisation the direct deposit keeps its market at (or below), bps.
    #[serde(default = "default_direct_target_bps")]
    pub direct_target_utilisation_bps: u32,
    /// gUSD the direct deposit keeps available to borrow beyond that, ugusd.
    #[serde(default, with = "greenhour_primitives::amount_serde")]
    pub direct_buffer: u128,
}

/// Morpho's adaptive curve aims at 90 % utilisation; a direct deposit that keeps
/// its market there holds the borrow rate at the curve's target.
fn default_direct_target_bps() -> u32 {
    9_000
}

impl StableParams {
    pub fn collateral(&self, denom: &Denom) -> Option<&CollateralParams> {
        self.collaterals.iter().find(|c| &c.denom == denom)
    }
}

impl Default for StableParams {
    fn default() -> Self {
        let branch = |denom: &str, feed: &str, mcr_bps: u32| CollateralParams {
            denom: Denom::new(denom).expect("valid denom"),
            feed: feed.into(),
            mcr_bps,
            debt_ceiling: 10_000_000_000_000,
            pool_penalty_bps: 500,
            redistribution_penalty_bps: mcr_bps - 10_000,
        };
        StableParams {
            // GHR is the platform token, more volatile than ETH: 150 %; carbon coin 140 %.
            collaterals: vec![branch("ughr", "ghr.gusd", 15_000), branch("ugco2", "gco2.gusd", 14_000)],
            min_debt: 100_000_000,
            min_rate_bps: 50,
            max_rate_bps: 25_000,
            redemption_floor_bps: 50,
            max_redemption_vaults: 100,
            liquidator_reward_bps: 50,
            max_feed_spread_bps: 2_000,
            pool_floor: 1_000_000,
            direct_market: 0,
            direct_ceiling: 0,
            direct_target_utilisation_bps: default_direct_target_bps(),
            direct_buffer: 0,
        }
    }
}

greenhour_framework::governed_params! {
    StableParams {
        /// Smallest debt a vault may open with or repay down to, ugusd (1 to 100,000 gUSD).
        min_debt: u128 in 1_000_000..=100_000_000_000,
        /// Lowest annual rate a borrower may set, bps.
        min_rate_bps: u32 in 0..=10_000,
        /// Highest annual rate a borrower may set, bps.
        max_rate_bps: u32 in 100..=100_000,
        /// Redemption fee floor, bps.
        redemption_floor_bps: u32 in 0..=1_000,
        /// Most vaults one redemption walks.
        max_redemption_vaults: u32 in 1..=1_000,
        /// Share of a liquidated vault's collateral paid to its liquidator, bps.
        liquidator_reward_bps: u32 in 0..=500,
        /// Largest spread between a feed round's reports before reads freeze, bps.
        max_feed_spread_bps: u32 in 100..=10_000,
        /// The lending market gUSD is deposited into directly (0: none; one with another loan denom is unwound).
        direct_market: u64 in 0..=1_000_000_000,
        /// Most gUSD the direct deposit may have minted, ugusd (up to 10⁹ gUSD).
        direct_ceiling: u128 in 0..=1_000_000_000_000_000,
        /// The utilisation the direct deposit keeps its market at, bps.
        direct_target_utilisation_bps: u32 in 5_000..=9_900,
        /// gUSD the direct deposit keeps available to borrow beyond that, ugusd.
        direct_buffer: u128 in 0..=100_000_000_000_000,
    }
    consistent = |p: &StableParams| {
        if p.min_rate_bps <= p.max_rate_bps {
            Ok(())
        } else {
            Err(format!("min_rate_bps {} is above max_rate_bps {}", p.min_rate_bps, p.max_rate_bps))
        }
    }
}
