//! The cover module's reads: the pool, a quote, covers, and a staker's share.

use crate::handler::{pending_rewards, quote, quote_job, Quote};
use crate::math;
use crate::state::{self, Cover, JobPeril, Pool};
use crate::CoverError;
use greenhour_devices::DeviceId;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, UnixSeconds};
use serde::{Deserialize, Serialize};

/// The pool now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolView {
    pub pool: Pool,
    /// Cover outstanding over capital, bps.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub utilisation_bps: u128,
    /// Cover the pool can still sell, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub capacity_left: u128,
    pub params: crate::CoverParams,
}

pub fn pool(state: &impl StateRead) -> Result<PoolView, CoverError> {
    let pool = state::pool(state)?;
    let params = state::params(state)?;
    let capacity = math::mul_div_down(pool.capital, u128::from(params.capacity_bps), math::BPS).unwrap_or(0);
    Ok(PoolView {
        utilisation_bps: math::utilisation_bps(pool.locked, pool.capital),
        capacity_left: capacity.saturating_sub(pool.locked),
        pool,
        params,
    })
}

/// A staker's shares, what they would withdraw for now, and the slashed GHR
/// they have earned and not been paid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StakeView {
    pub staker: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub worth: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub ghr_rewards: u128,
}

pub fn stake(state: &impl StateRead, staker: &Address) -> Result<StakeView, CoverError> {
    let s = state::stake_of(state, staker)?;
    let pool = state::pool(state)?;
    let worth = math::to_assets_down(s.shares, pool.capital, pool.shares).ok_or(CoverError::Overflow)?;
    Ok(StakeView { staker: *staker, shares: s.shares, worth, ghr_rewards: pending_rewards(&pool, &s)? })
}

impl From<CoverError> for QueryError {
    fn from(e: CoverError) -> Self {
        match e {
            CoverError::UnknownCover(id) => QueryError::NotFound(format!("cover {id}")),
            CoverError::UnknownJob(id) => QueryError::NotFound(format!("job {id}")),
            CoverError::State(s) => QueryError::Internal(s.to_string()),
            CoverError::Corrupt(s) => QueryError::Internal(s),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

fn quote_now(
    state: &impl StateRead,
    device: u64,
    hours: u32,
    per_hour: u128,
    now: UnixSeconds,
) -> Result<Quote, CoverError> {
    quote(state, DeviceId(device), hours, per_hour, now)
}

greenhour_framework::module_queries! {
    /// The cover module's reads, as of the latest block time.
    pub enum CoverQuery in "cover" {
        /// The pool: capital, shares, cover outstanding, premiums and payouts, utilisation, capacity left.
        Pool = "cover_pool" at "/cover/pool" {} -> PoolView
            = |state, _now| pool(state);
        /// What `hours` hours of `per_hour` ugusd cover on a device costs now.
        Quote = "cover_quote" at "/cover/quote" { device: u64, hours: u32, per_hour: u128 } -> Quote
            = |state, now| quote_now(state, device, hours, per_hour, now);
        /// What `sum_insured` ugusd of cover on a job against one peril costs now.
        JobQuote = "cover_job_quote" at "/cover/job-quote" { job: u64, peril: JobPeril, sum_insured: u128 } -> Quote
            = |state, _now| quote_job(state, greenhour_jobs::JobId(job), peril, sum_insured);
        /// One cover with what it has paid.
        Cover = "cover" at "/cover/covers/{id}" { id: u64 } -> Cover
            = |state, _now| state::cover(state, id);
        /// A holder's covers, newest first (at most 1,000).
        Covers = "covers" at "/cover/covers" { holder: Address } -> Vec<Cover>
            = |state, _now| state::covers_of(state, &holder, MAX_LIST);
        /// A staker's shares and their worth.
        Stake = "cover_stake" at "/cover/stakers/{staker}" { staker: Address } -> StakeView
            = |state, _now| stake(state, &staker);
    }
}

greenhour_framework::query_param_by_serde_name!(JobPeril, ["failure", "green_shortfall"]);
