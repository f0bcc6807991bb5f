//! Events: every bond, unbond, set change, reward and slash is one.

use crate::state::{Validator, ValidatorSet};
use greenhour_primitives::Address;
use greenhour_state::Event;

pub fn validator(v: &Validator, what: &str) -> Event {
    Event::new(format!("staking.{what}")).attr("validator", v.operator).attr("tokens", v.tokens)
}
pub fn bonded(validator: &Address, delegator: &Address, amount: u128, what: &str) -> Event {
    Event::new(format!("staking.{what}"))
        .attr("validator", validator)
        .attr("delegator", delegator)
        .attr("amount", amount)
}
pub fn released(delegator: &Address, amount: u128) -> Event {
    Event::new("staking.released").attr("delegator", delegator).attr("amount", amount)
}
pub fn new_set(set: &ValidatorSet) -> Event {
    Event::new("staking.validator_set")
        .attr("epoch", set.epoch)
        .attr("members", set.members.len())
        .attr("total_power", set.total_power())
        .attr("hash", set.hash())
}
pub fn rewarded(epoch: u64, total: u128) -> Event {
    Event::new("staking.rewards").attr("epoch", epoch).attr("total", total)
}
pub fn slashed(v: &Validator, burned: u128, height: u64) -> Event {
    Event::new("staking.slashed").attr("validator", v.operator).attr("burned", burned).attr("height", height)
}
pub fn downtime(v: &Validator, burned: u128, missed: u64, window: u64) -> Event {
    Event::new("staking.downtime")
        .attr("validator", v.operator)
        .attr("burned", burned)
        .attr("missed", missed)
        .attr("window", window)
}
