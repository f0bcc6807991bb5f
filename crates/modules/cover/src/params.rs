//! cover parameters: the price, the capacity, and what counts as downtime.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverParams {
    /// A covered hour's base price, bps of the sum insured (the pool's margin).
    pub base_rate_bps: u32,
    /// What the price adds at full utilisation, bps (pro rata below).
    pub utilisation_slope_bps: u32,
    /// Cover outstanding the pool may carry, bps of its capital (10,000: up to it).
    pub capacity_bps: u32,
    /// A covered hour with fewer seconds of accepted telemetry is downtime and pays.
    pub min_reported_secs: u64,
    /// Hours after a covered hour ends before it is judged (reports arrive after the hour).
    pub grace_hours: u64,
    /// Days of telemetry the device's downtime price is read over.
    pub window_days: u64,
    /// Longest cover, hours.
    pub max_hours: u32,
    /// Most covered hours judged in one block (the rest wait for the next).
    pub max_judged_per_block: u32,
    /// Largest sum one job cover insures, ugusd (a buyer can fail its own job by
    /// naming providers it controls; the cap and the buyer's own record bound that).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub max_job_sum: u128,
    /// Weight of the prior a job cover is priced on, in jobs: one bad outcome in
    /// this many until the chain's (and the buyer's) record outweighs it.
    pub job_prior_jobs: u32,
}

impl Default for CoverParams {
    fn default() -> Self {
        CoverParams {
            base_rate_bps: 100,
            utilisation_slope_bps: 2_000,
            capacity_bps: 10_000,
            min_reported_secs: 1_800,
            grace_hours: 2,
            window_days: 1,
            max_hours: 168,
            max_judged_per_block: 200_000,
            max_job_sum: 1_000_000_000,
            job_prior_jobs: 10,
        }
    }
}

greenhour_framework::governed_params! {
    CoverParams {
        /// A covered hour's base price, bps of the sum insured.
        base_rate_bps: u32 in 0..=5_000,
        /// What the price adds at full utilisation, bps.
        utilisation_slope_bps: u32 in 0..=10_000,
        /// Cover outstanding the pool may carry, bps of its capital.
        capacity_bps: u32 in 1..=10_000,
        /// Seconds of telemetry below which a covered hour is downtime.
        min_reported_secs: u64 in 1..=3_600,
        /// Hours after a covered hour ends before it is judged.
        grace_hours: u64 in 1..=48,
        /// Days of telemetry the downtime price is read over.
        window_days: u64 in 1..=30,
        /// Longest cover, hours.
        max_hours: u32 in 1..=8_760,
        /// Most covered hours judged in one block.
        max_judged_per_block: u32 in 1..=1_000_000,
        /// Largest sum one job cover insures, ugusd.
        max_job_sum: u128 in 1..=1_000_000_000_000_000,
        /// Weight of the job covers' prior, in jobs (one bad outcome in this many).
        job_prior_jobs: u32 in 2..=1_000_000,
    }
}
