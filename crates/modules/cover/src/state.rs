//! Stored cover types and their readers.

use crate::params::CoverParams;
use crate::{keys, CoverError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::DeviceId;
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, UnixSeconds};
use serde::{Deserialize, Serialize};

/// The capacity pool that sells device-downtime cover (Nexus Mutual's capital pool).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Pool {
    /// gUSD the pool holds for stakers: stakes, plus premiums, less payouts and withdrawals.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub capital: u128,
    /// Stakers' shares issued.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// Cover outstanding: Σ per-hour sum × hours not yet evaluated (the most the
    /// pool may still pay).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub locked: u128,
    /// Premiums received and payouts made, all time.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub premiums: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub payouts: u128,
    pub covers_sold: u64,
    pub hours_paid: u64,
}

/// One cover: `per_hour` gUSD paid to its holder for each covered hour its device
/// reports less telemetry than the threshold.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Cover {
    pub id: u64,
    pub holder: Address,
    pub device: DeviceId,
    pub first_hour: u64,
    pub hours: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub per_hour: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub premium: u128,
    /// The next covered hour to evaluate (`first_hour + hours` once all were).
    pub next_hour: u64,
    pub hours_paid: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub paid: u128,
    pub bought_at: UnixSeconds,
}

impl Cover {
    pub fn end_hour(&self) -> u64 {
        self.first_hour + u64::from(self.hours)
    }
    /// What the pool may still pay on it.
    pub fn outstanding(&self) -> u128 {
        self.per_hour * u128::from(self.end_hour().saturating_sub(self.next_hour))
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

pub fn stake_of(state: &impl StateRead, who: &Address) -> Result<u128, CoverError> {
    Ok(state.get(&keys::stake(who))?.unwrap_or(0))
}

fn address_suffix(k: &str, prefix: &str) -> Result<Address, CoverError> {
    Address::from_key_hex(&k[prefix.len()..]).ok_or_else(|| CoverError::Corrupt(format!("key {k}")))
}

/// Every staker, in key order.
pub fn stakers(state: &impl StateRead) -> Result<Vec<(Address, u128)>, CoverError> {
    state
        .prefix::<u128>(keys::STAKE_PREFIX)?
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
