//! derivatives parameters: the margin grid, fees, the funding rule, and bounds.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivativesParams {
    /// The price scan range of the margin grid, bps of the mark (SPAN's "price scan range").
    pub scan_range_bps: u32,
    /// Scenarios on each side of the mark inside the scan range.
    pub scan_steps: u32,
    /// The extreme moves (down to `mark × (1 − x)`, up to `mark × (1 + x)`), bps.
    /// 10,000 puts the down scenario at zero: a written put is fully cash-secured.
    pub extreme_move_bps: u32,
    /// The share of a futures or perpetual loss in an extreme scenario that counts
    /// (SPAN weighs extreme moves at 35 %); written options count in full.
    pub extreme_cover_bps: u32,
    /// Initial margin over maintenance, bps (12,500: 1.25×).
    pub initial_ratio_bps: u32,
    /// Taker fee, bps of notional, to the insurance fund.
    pub taker_fee_bps: u32,
    /// Liquidation penalty, bps of the notional taken over.
    pub liquidation_fee_bps: u32,
    /// The liquidator's share of the penalty, bps (the rest goes to the insurance fund).
    pub liquidator_share_bps: u32,
    /// Futures and perpetual orders must be priced within this band around the mark, bps.
    pub price_band_bps: u32,
    /// A perpetual's premium over the index is paid over this many hours (hourly funding = premium / period).
    pub funding_period_hours: u32,
    /// The most hourly funding per contract, bps of the mark.
    pub max_funding_bps: u32,
    /// Oldest index fill the hourly mark accepts, seconds; older marks are stale and trading stops.
    pub max_index_age_secs: u64,
    /// Hours after a series stops trading before it settles.
    pub settle_delay_hours: u64,
    /// Hours of index fills an option's expiry price averages, ending at expiry.
    pub option_window_hours: u64,
    /// How far ahead a future's delivery day or an option's expiry may be, days.
    pub max_days_ahead: u64,
    /// Bounds that keep every margin check and hourly sweep small.
    pub max_positions: u32,
    pub max_orders: u32,
    pub max_live_series: u32,
    /// Resting orders one order may fill against before the rest rests or is dropped.
    pub max_fills: u32,
}

impl Default for DerivativesParams {
    fn default() -> Self {
        DerivativesParams {
            scan_range_bps: 2_000,
            scan_steps: 3,
            extreme_move_bps: 10_000,
            extreme_cover_bps: 2_500,
            initial_ratio_bps: 12_500,
            taker_fee_bps: 5,
            liquidation_fee_bps: 200,
            liquidator_share_bps: 5_000,
            price_band_bps: 5_000,
            funding_period_hours: 24,
            max_funding_bps: 50,
            max_index_age_secs: 6 * 3_600,
            settle_delay_hours: 1,
            option_window_hours: 4,
            max_days_ahead: 30,
            max_positions: 32,
            max_orders: 64,
            max_live_series: 1_000,
            max_fills: 64,
        }
    }
}

greenhour_framework::governed_params! {
    DerivativesParams {
        /// The margin grid's price scan range, bps of the mark.
        scan_range_bps: u32 in 100..=9_000,
        /// Scenarios on each side of the mark.
        scan_steps: u32 in 1..=10,
        /// The extreme moves, bps.
        extreme_move_bps: u32 in 1_000..=10_000,
        /// The share of a linear loss that counts in an extreme scenario, bps.
        extreme_cover_bps: u32 in 0..=10_000,
        /// Initial margin over maintenance, bps.
        initial_ratio_bps: u32 in 10_000..=30_000,
        /// Taker fee, bps.
        taker_fee_bps: u32 in 0..=100,
        /// Liquidation penalty, bps of notional.
        liquidation_fee_bps: u32 in 0..=1_000,
        /// The liquidator's share of the penalty, bps.
        liquidator_share_bps: u32 in 0..=10_000,
        /// The price band around the mark, bps.
        price_band_bps: u32 in 100..=9_000,
        /// Hours the perpetual premium is paid over.
        funding_period_hours: u32 in 1..=168,
        /// The most hourly funding per contract, bps of the mark.
        max_funding_bps: u32 in 0..=1_000,
        /// Oldest index fill the mark accepts, seconds.
        max_index_age_secs: u64 in 3_600..=604_800,
        /// Hours before an expired series settles.
        settle_delay_hours: u64 in 0..=48,
        /// Hours an option's expiry price averages.
        option_window_hours: u64 in 1..=24,
        /// Days ahead a series may be listed.
        max_days_ahead: u64 in 1..=365,
        /// Positions per account.
        max_positions: u32 in 1..=256,
        /// Resting orders per account.
        max_orders: u32 in 1..=1_000,
        /// Series trading or waiting to settle.
        max_live_series: u32 in 1..=10_000,
        /// Fills one order may take.
        max_fills: u32 in 1..=1_000,
    }
}
