//! Events: every bond, unbond, set change, reward and slash is one.

use crate::state::{Validator, ValidatorSet};
use greenhour_primitives::{Address, Hash};
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the staking module announces.
    pub enum StakingEvent in "staking" {
        /// A validator was created with `tokens` bonded.
        Created = "created" { validator: Address, tokens: u128 },
        /// A validator changed its description, commission or keys.
        Edited = "edited" { validator: Address, tokens: u128 },
        /// A jailed validator returned to the candidates.
        Unjailed = "unjailed" { validator: Address, tokens: u128 },
        /// A delegator bonded to a validator.
        Delegated = "delegated" { validator: Address, delegator: Address, amount: u128 },
        /// A delegator began unbonding from a validator.
        Undelegated = "undelegated" { validator: Address, delegator: Address, amount: u128 },
        /// An unbonding completed and the tokens were paid out.
        Released = "released" { delegator: Address, amount: u128 },
        /// The set of an epoch was fixed; its hash goes into headers.
        ValidatorSet = "validator_set" { epoch: u64, members: usize, total_power: u128, hash: Hash },
        /// An epoch's rewards were paid: `total` to the set, `community_tax` to the community pool.
        Rewards = "rewards" { epoch: u64, total: u128, community_tax: u128 },
        /// A validator double-signed at `height` and was slashed.
        Slashed = "slashed" { validator: Address, burned: u128, height: u64 },
        /// A validator missed `missed` of the last `window` blocks and was slashed.
        Downtime = "downtime" { validator: Address, burned: u128, missed: u64, window: u64 },
    }
}

pub fn created(v: &Validator) -> Event {
    StakingEvent::Created { validator: v.operator, tokens: v.tokens }.into()
}
pub fn edited(v: &Validator) -> Event {
    StakingEvent::Edited { validator: v.operator, tokens: v.tokens }.into()
}
pub fn unjailed(v: &Validator) -> Event {
    StakingEvent::Unjailed { validator: v.operator, tokens: v.tokens }.into()
}
/// A delegation (`delegated`: true) or the start of an unbonding.
pub fn bonded(validator: &Address, delegator: &Address, amount: u128, delegated: bool) -> Event {
    let (validator, delegator) = (*validator, *delegator);
    if delegated {
        StakingEvent::Delegated { validator, delegator, amount }.into()
    } else {
        StakingEvent::Undelegated { validator, delegator, amount }.into()
    }
}
pub fn released(delegator: &Address, amount: u128) -> Event {
    StakingEvent::Released { delegator: *delegator, amount }.into()
}
pub fn new_set(set: &ValidatorSet) -> Event {
    StakingEvent::ValidatorSet {
        epoch: set.epoch,
        members: set.members.len(),
        total_power: set.total_power(),
        hash: set.hash(),
    }
    .into()
}
pub fn rewarded(epoch: u64, total: u128, community_tax: u128) -> Event {
    StakingEvent::Rewards { epoch, total, community_tax }.into()
}
pub fn slashed(v: &Validator, burned: u128, height: u64) -> Event {
    StakingEvent::Slashed { validator: v.operator, burned, height }.into()
}
pub fn downtime(v: &Validator, burned: u128, missed: u64, window: u64) -> Event {
    StakingEvent::Downtime { validator: v.operator, burned, missed, window }.into()
}
