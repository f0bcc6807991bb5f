//! The only place staking keys are spelled; addresses are lower-case hex.

use crate::state::{Liveness, Unbonding, Validator, ValidatorSet};
use crate::StakingParams;
use greenhour_crypto::PublicKey;
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, UnixSeconds};
use greenhour_state::Key;

pub const VALIDATOR_PREFIX: &str = "staking/validator/";
pub const UNBONDING_PREFIX: &str = "staking/unbonding/";

pub fn params() -> Key<StakingParams> {
    Key::new("staking/params")
}
pub fn validator(operator: &Address) -> Key<Validator> {
    Key::new(format!("{VALIDATOR_PREFIX}{}", operator.to_key_hex()))
}
/// Consensus key → operator: a key serves one validator, ever.
pub fn by_key(key: &PublicKey) -> Key<Address> {
    Key::new(format!("staking/by-key/{key}"))
}
/// A delegator's shares of a validator.
pub fn delegation(validator: &Address, delegator: &Address) -> Key<u128> {
    Key::new(format!("staking/delegation/{}/{}", validator.to_key_hex(), delegator.to_key_hex()))
}
pub fn delegations_prefix(validator: &Address) -> String {
    format!("staking/delegation/{}/", validator.to_key_hex())
}
/// The same delegation seen from the delegator (value: unit), so a delegator's
/// validators are found without reading anyone else's delegations.
pub fn delegated_to(delegator: &Address, validator: &Address) -> Key<()> {
    Key::new(format!("{}{}", delegated_to_prefix(delegator), validator.to_key_hex()))
}
pub const DELEGATED_TO_PREFIX: &str = "staking/delegated-to/";
pub fn delegated_to_prefix(delegator: &Address) -> String {
    format!("{DELEGATED_TO_PREFIX}{}/", delegator.to_key_hex())
}
/// An unbonding entry, by completion time then sequence (the release reads the front).
pub fn unbonding(at: UnixSeconds, seq: u64) -> Key<Unbonding> {
    Key::new(format!("{UNBONDING_PREFIX}{at:020}/{seq:020}"))
}
/// A validator's unbonding entries, pointing at their `(complete_at, seq)` key,
/// so a slash reaches them without reading anyone else's.
pub fn unbonding_of(validator: &Address, at: UnixSeconds, seq: u64) -> Key<(UnixSeconds, u64)> {
    Key::new(format!("{}{at:020}/{seq:020}", unbonding_of_prefix(validator)))
}
pub fn unbonding_of_prefix(validator: &Address) -> String {
    format!("staking/unbonding-of/{}/", validator.to_key_hex())
}
pub fn next_unbonding() -> Key<u64> {
    Key::new("staking/next-unbonding")
}
/// The validator a device's green work counts for.
pub fn link(device: DeviceId) -> Key<Address> {
    Key::new(format!("staking/link/{:020}", device.0))
}
/// A validator's green work this epoch, thousandths of GPU-hours.
pub fn work(validator: &Address) -> Key<u64> {
    Key::new(format!("staking/work/{}", validator.to_key_hex()))
}
pub const WORK_PREFIX: &str = "staking/work/";
pub fn current_set() -> Key<ValidatorSet> {
    Key::new("staking/set/current")
}
pub fn next_set() -> Key<ValidatorSet> {
    Key::new("staking/set/next")
}
/// Missed precommits of a consensus key in the current liveness window.
pub fn liveness(key: &PublicKey) -> Key<Liveness> {
    Key::new(format!("staking/liveness/{key}"))
}
pub const LIVENESS_PREFIX: &str = "staking/liveness/";
/// The block height at which a consensus key was last slashed and jailed for a
/// double sign: evidence of its double signs at or before it is already punished.
pub fn double_sign_punished_at(key: &PublicKey) -> Key<u64> {
    Key::new(format!("staking/double-sign/{key}"))
}
