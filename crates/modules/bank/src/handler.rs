//! Check and execute for bank actions.

use crate::params::{MAX_COINS, MAX_OUTPUTS};
use crate::{state, BankAction, BankError};
use greenhour_framework::{Action, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin};
use std::collections::BTreeSet;

fn check_coins(coins: &[Coin]) -> Result<(), BankError> {
    if coins.is_empty() {
        return Err(BankError::Empty);
    }
    if coins.len() > MAX_COINS {
        return Err(BankError::TooMany { got: coins.len(), max: MAX_COINS });
    }
    let mut seen = BTreeSet::new();
    for c in coins {
        if !c.denom.is_valid() {
            return Err(BankError::InvalidDenom(c.denom.as_str().to_string()));
        }
        if c.amount == 0 {
            return Err(BankError::ZeroAmount(c.denom.clone()));
        }
        if !seen.insert(&c.denom) {
            return Err(BankError::DuplicateDenom(c.denom.clone()));
        }
    }
    Ok(())
}

fn send(state: &mut impl StateWrite, tx: &TxCtx, to: &Address, coins: &[Coin]) -> Result<(), BankError> {
    if state::is_module_address(state, to)? {
        return Err(BankError::ModuleAccountRecipient(*to));
    }
    let from = &tx.signer;
    for c in coins {
        if let Some(rules) = state::perishable(state, &c.denom)? {
            if tx.block.time >= rules.closes_at {
                return Err(BankError::DenomClosed { denom: c.denom.clone(), closes_at: rules.closes_at });
            }
        }
        state::transfer(state, from, to, c)?;
    }
    Ok(())
}

impl Action for BankAction {
    type Error = BankError;

    fn check(&self) -> Result<(), BankError> {
        match self {
            BankAction::Send { coins, .. } => check_coins(coins),
            BankAction::MultiSend { outputs } => {
                if outputs.is_empty() {
                    return Err(BankError::Empty);
                }
                if outputs.len() > MAX_OUTPUTS {
                    return Err(BankError::TooMany { got: outputs.len(), max: MAX_OUTPUTS });
                }
                outputs.iter().try_for_each(|o| check_coins(&o.coins))
            }
        }
    }

    /// Post-condition: the signer's balances fall by exactly what the recipients gain;
    /// supply is untouched (transfers only). Perishable denoms move only before they close.
    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), BankError> {
        match self {
            BankAction::Send { to, coins } => send(state, tx, to, coins),
            BankAction::MultiSend { outputs } => outputs.iter().try_for_each(|o| send(state, tx, &o.to, &o.coins)),
        }
    }
}
