//! Stored cover types and their readers.

use crate::params::CoverParams;
use crate::{keys, CoverError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::DeviceId;
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, UnixSeconds};
use serde::{Deserialize, Serialize};

/// The capacity pool that sells cover (Nexus Mutual's capital pool).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Pool {
    /// gUSD the pool holds for stakers: stakes, plus premiums, less payouts and withdrawals.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub capital: u128,
    /// Stakers' shares issued.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// Cover outstanding: Σ sum insured × events not yet judged (the most the
    /// pool may still pay).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub locked: u128,
    /// Premiums received and payouts made, all time.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub premiums: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub payouts: u128,
    pub covers_sold: u64,
    /// Events paid, all time: downtime hours and failed or short jobs.
    pub events_paid: u64,
    /// Slashed GHR from jobs received for stakers, all time, and the GHR each
    /// share has earned so far (× 10¹⁸): the reward-per-share accumulator of
    /// staking-rewards contracts, so a later staker earns none of what came before.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub ghr_received: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub ghr_per_share_wad: u128,
}

/// One staker: its shares, and the part of the GHR accumulator already settled
/// to it (`shares × ghr_per_share_wad / 10¹⁸` at its last touch).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Stake {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub ghr_debt: u128,
}

/// Which way a job cover pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobPeril {
    /// The job ends failed (no result passed verification) or expired unserved.
    Failure,
    /// The job settles with a delivered green share below its own floor.
    GreenShortfall,
}

impl JobPeril {
    pub fn name(self) -> &'static str {
        match self {
            JobPeril::Failure => "job_failure",
            JobPeril::GreenShortfall => "green_shortfall",
        }
    }
}

/// What a cover insures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Peril {
    /// Each covered hour the device reports less accepted telemetry than the threshold.
    Downtime { device: DeviceId },
    /// A job of the holder's, once, when it ends by `peril`.
    Job { job: u64, peril: JobPeril },
}

impl Peril {
    pub fn name(&self) -> &'static str {
        match self {
            Peril::Downtime { .. } => "downtime",
            Peril::Job { peril, .. } => peril.name(),
        }
    }
    /// The device or job it is on.
    pub fn subject(&self) -> u64 {
        match self {
            Peril::Downtime { device } => device.0,
            Peril::Job { job, .. } => *job,
        }
    }
}

/// One cover: `sum_insured` gUSD paid to its holder for each of its `events` the
/// peril strikes (each covered hour of downtime; once for a job).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Cover {
    pub id: u64,
    pub holder: Address,
    pub peril: Peril,
    /// Downtime: the first covered hour. A job: the first hour it could have ended.
    pub first_hour: u64,
    /// Events it may pay: covered hours, or 1 for a job.
    pub events: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub sum_insured: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub premium: u128,
    /// The hour it is judged next (downtime: `first_hour + judged`; a job still
    /// running is looked at again each hour).
    pub next_hour: u64,
    /// Events judged so far; the cover is done when all are.
    pub judged: u32,
    pub events_paid: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub paid: u128,
    pub bought_at: UnixSeconds,
}

impl Cover {
    /// Whether every event has been judged.
    pub fn is_done(&self) -> bool {
        self.judged >= self.events
    }
    /// The first hour a downtime cover no longer covers.
    pub fn end_hour(&self) -> u64 {
        self.first_hour + u64::from(self.events)
    }
    /// What the pool may still pay on it.
    pub fn outstanding(&self) -> u128 {
        self.sum_insured * u128::from(self.events.saturating_sub(self.judged))
    }
}

pub fn params(state: &impl StateRead) -> Result<CoverParams, CoverError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn pool(state: &impl StateRead) -> Result<Pool, CoverError> {
    Ok(state.get(&keys::pool())?.unwrap_or_default())
}

pub fn cover(state: &impl StateRead, id: u64) -> Result<Cover, CoverError> {
    state.get(&keys::cover(id))?.ok_or(CoverError::UnknownCover(id))
}

pub fn stake_of(state: &impl StateRead, who: &Address) -> Result<Stake, CoverError> {
    Ok(state.get(&keys::stake(who))?.unwrap_or_default())
}

/// The job cover already sold on `(job, peril)`, if any (one each: a sum cap
/// could otherwise be split across covers).
pub fn job_cover(state: &impl StateRead, job: u64, peril: JobPeril) -> Result<Option<u64>, CoverError> {
    Ok(state.get(&keys::job_cover(job, peril))?)
}

fn address_suffix(k: &str, prefix: &str) -> Result<Address, CoverError> {
    Address::from_key_hex(&k[prefix.len()..]).ok_or_else(|| CoverError::Corrupt(format!("key {k}")))
}

/// Every staker, in key order.
pub fn stakers(state: &impl StateRead) -> Result<Vec<(Address, Stake)>, CoverError> {
    state
        .prefix::<Stake>(keys::STAKE_PREFIX)?
        .into_iter()
        .map(|(k, v)| address_suffix(&k, keys::STAKE_PREFIX).map(|a| (a, v)))
        .collect()
}

/// Every cover, in number order.
pub fn covers(state: &impl StateRead) -> Result<Vec<Cover>, CoverError> {
    Ok(state.prefix::<Cover>(keys::COVER_PREFIX)?.into_iter().map(|(_, c)| c).collect())
}

/// A holder's covers, newest first (at most `limit`).
pub fn covers_of(state: &impl StateRead, holder: &Address, limit: usize) -> Result<Vec<Cover>, CoverError> {
    let prefix = keys::holder_covers(holder);
    let mut ids: Vec<u64> =
        state.prefix::<()>(&prefix)?.into_iter().filter_map(|(k, _)| k[prefix.len()..].parse().ok()).collect();
    ids.reverse();
    ids.into_iter().take(limit).map(|id| cover(state, id)).collect()
}
