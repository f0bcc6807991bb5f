//! The bank's reads, as the node serves them: an account's balances and every
//! denom's supply.

use crate::{state, BankError};
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, Coin};

/// Every balance of `owner`, by denom.
pub fn balances(state: &impl StateRead, owner: &Address) -> Result<Vec<Coin>, BankError> {
    state::balances(state, owner)
}

/// The supply of every denom.
pub fn supplies(state: &impl StateRead) -> Result<Vec<Coin>, BankError> {
    state::supplies(state)
}
