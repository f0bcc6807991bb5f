//! The crate-level invariants, checked over the whole state (tests and audits).

use crate::handler::custody;
use crate::math::MIN_LIQUIDITY;
use crate::state::{self, lp_denom};
use greenhour_primitives::{Amount, Denom};
use greenhour_state::StateRead;
use std::collections::BTreeMap;

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    let bank = |e: greenhour_bank::BankError| e.to_string();
    let mut quote_owed: BTreeMap<Denom, Amount> = BTreeMap::new();
    for p in state::all_pools(state).map_err(|e| e.to_string())? {
        if p.v > p.y {
            return Err(format!("{}: virtual quote {} above real quote {}", p.slot, p.v, p.y));
        }
        *quote_owed.entry(p.quote.clone()).or_default() += p.y;
        // While the slots exist, custody holds exactly the pool's x of them.
        if greenhour_bank::api::perishable(state, &p.slot).map_err(bank)?.is_some() {
            let held = greenhour_bank::api::balance(state, &custody(), &p.slot).map_err(bank)?;
            if held != p.x {
                return Err(format!("{}: custody holds {held} slots, pool counts {}", p.slot, p.x));
            }
        }
        let lp = greenhour_bank::api::supply(state, &lp_denom(&p.slot)).map_err(bank)?;
        let expected = p.shares.saturating_sub(MIN_LIQUIDITY);
        if lp != expected {
            return Err(format!(
                "{}: {lp} LP shares in bank, pool counts {} (with {MIN_LIQUIDITY} locked)",
                p.slot, p.shares
            ));
        }
    }
    for (denom, owed) in quote_owed {
        let held = greenhour_bank::api::balance(state, &custody(), &denom).map_err(bank)?;
        if held != owed {
            return Err(format!("custody holds {held}{denom}, pools owe {owed}"));
        }
    }
    Ok(())
}
