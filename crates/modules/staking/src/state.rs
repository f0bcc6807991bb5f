//! Validators, delegations, unbonding, device links, green work and the
//! validator sets, and the only code that reads or writes staking keys.

use crate::{keys, StakingError, StakingParams};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::PublicKey;
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, Height, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// Precommits a member of the signing set missed in one liveness window.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Liveness {
    /// `height / liveness_window_blocks` of the window counted.
    pub window: u64,
    pub missed: u64,
}

/// Whether a validator may be in the next set.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValidatorStatus {
    Active,
    /// Slashed: out of every set until `until`, then back with `unjail`.
    Jailed {
        until: UnixSeconds,
    },
}

/// A validator: bonded tokens owned through shares by its delegators
/// (the operator's self-bond is a delegation like any other).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Validator {
    pub operator: Address,
    /// The key that signs its consensus votes.
    pub consensus_key: PublicKey,
    pub moniker: String,
    /// Share of its rewards the operator keeps before delegators, basis points.
    pub commission_bps: u32,
    /// Bonded `ughr` (after slashes).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub tokens: u128,
    /// Delegation shares outstanding.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    pub status: ValidatorStatus,
    pub created_at: Height,
}

/// Tokens on their way out of a validator, still slashable until released.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Unbonding {
    pub delegator: Address,
    pub validator: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub amount: u128,
    pub complete_at: UnixSeconds,
    /// The block that started it: infractions at or after this height were
    /// committed while these tokens still backed the validator, so they share
    /// the slash.
    pub created_height: Height,
    /// Its sequence number: with `complete_at`, its place in the release queue.
    pub seq: u64,
}

pub use greenhour_light::{SetMember, ValidatorSet};

pub fn params(state: &impl StateRead) -> Result<StakingParams, StakingError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn validator(state: &impl StateRead, operator: &Address) -> Result<Validator, StakingError> {
    state.get(&keys::validator(operator))?.ok_or(StakingError::UnknownValidator(*operator))
}

pub fn all_validators(state: &impl StateRead) -> Result<Vec<Validator>, StakingError> {
    Ok(state.prefix::<Validator>(keys::VALIDATOR_PREFIX)?.into_iter().map(|(_, v)| v).collect())
}

pub fn validator_by_key(state: &impl StateRead, key: &PublicKey) -> Result<Option<Address>, StakingError> {
    Ok(state.get(&keys::by_key(key))?)
}

/// A delegator's shares of a validator (0 when none).
pub fn delegation(state: &impl StateRead, validator: &Address, delegator: &Address) -> Result<u128, StakingError> {
    Ok(state.get(&keys::delegation(validator, delegator))?.unwrap_or(0))
}

/// Every delegation of a validator as `(delegator, shares)`, in address order.
pub fn delegations_of(state: &impl StateRead, validator: &Address) -> Result<Vec<(Address, u128)>, StakingError> {
    state
        .prefix::<u128>(&keys::delegations_prefix(validator))?
        .into_iter()
        .map(|(k, shares)| {
            let hex = k.rsplit('/').next().unwrap_or_default();
            Address::from_key_hex(hex)
                .map(|a| (a, shares))
                .ok_or_else(|| StakingError::Accounting(format!("key {k} does not end in an address")))
        })
        .collect()
}

/// Every validator `delegator` holds shares of, as `(validator, shares)`, in address order.
pub fn delegations_by(state: &impl StateRead, delegator: &Address) -> Result<Vec<(Address, u128)>, StakingError> {
    state
        .prefix::<()>(&keys::delegated_to_prefix(delegator))?
        .into_iter()
        .map(|(k, ())| {
            let validator = k
                .rsplit('/')
                .next()
                .and_then(Address::from_key_hex)
                .ok_or_else(|| StakingError::Accounting(format!("key {k} does not end in an address")))?;
            Ok((validator, delegation(state, &validator, delegator)?))
        })
        .collect()
}

pub fn unbondings(state: &impl StateRead) -> Result<Vec<Unbonding>, StakingError> {
    Ok(state.prefix::<Unbonding>(keys::UNBONDING_PREFIX)?.into_iter().map(|(_, u)| u).collect())
}

/// The validator a device's green work counts for.
pub fn link(state: &impl StateRead, device: DeviceId) -> Result<Option<Address>, StakingError> {
    Ok(state.get(&keys::link(device))?)
}

/// A validator's verified green work so far this epoch, thousandths of GPU-hours.
pub fn green_work(state: &impl StateRead, validator: &Address) -> Result<u64, StakingError> {
    Ok(state.get(&keys::work(validator))?.unwrap_or(0))
}

/// The set signing the current block.
pub fn current_set(state: &impl StateRead) -> Result<ValidatorSet, StakingError> {
    Ok(state.get(&keys::current_set())?.unwrap_or_default())
}

/// The set that signs the next block (recomputed in an epoch's last block).
pub fn next_set(state: &impl StateRead) -> Result<ValidatorSet, StakingError> {
    Ok(state.get(&keys::next_set())?.unwrap_or_default())
}

/// Adds verified green work of `device` to the validator it is linked to, if
/// any (the jobs module calls this when it settles accepted work).
pub fn record_green_work(
    state: &mut impl StateWrite,
    device: DeviceId,
    milli_gpu_hours: u64,
) -> Result<(), StakingError> {
    if milli_gpu_hours == 0 {
        return Ok(());
    }
    if let Some(v) = link(state, device)? {
        let work = green_work(state, &v)?.saturating_add(milli_gpu_hours);
        state.put(&keys::work(&v), &work);
    }
    Ok(())
}

pub(crate) fn put_validator(state: &mut impl StateWrite, v: &Validator) {
    state.put(&keys::validator(&v.operator), v);
}

pub(crate) fn set_delegation(state: &mut impl StateWrite, validator: &Address, delegator: &Address, shares: u128) {
    if shares == 0 {
        state.delete(&keys::delegation(validator, delegator));
        state.delete(&keys::delegated_to(delegator, validator));
    } else {
        state.put(&keys::delegation(validator, delegator), &shares);
        state.put(&keys::delegated_to(delegator, validator), &());
    }
}
