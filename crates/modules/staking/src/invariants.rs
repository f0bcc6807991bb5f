//! The crate-level invariants, checked over the whole state (tests and audits).

use crate::handler::custody;
use crate::state::{self, ValidatorSet};
use crate::StakingError;
use greenhour_bank::api as bank;
use greenhour_primitives::Denom;
use greenhour_state::StateRead;

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    run(state).map_err(|e| e.to_string()).and_then(|r| r)
}

fn run(state: &impl StateRead) -> Result<Result<(), String>, StakingError> {
    let mut owed = 0u128;
    let mut delegations = 0usize;
    for v in state::all_validators(state)? {
        let of = state::delegations_of(state, &v.operator)?;
        for (delegator, _) in &of {
            if state.get(&crate::keys::delegated_to(delegator, &v.operator))?.is_none() {
                return Ok(Err(format!("{delegator}'s delegation to {} is missing from its index", v.operator)));
            }
        }
        delegations += of.len();
        let shares: u128 = of.iter().map(|d| d.1).sum();
        if shares != v.shares {
            return Ok(Err(format!("validator {}: delegations hold {shares} shares of {}", v.operator, v.shares)));
        }
        if v.shares == 0 && v.tokens != 0 {
            return Ok(Err(format!("validator {} has tokens without shares", v.operator)));
        }
        if state::validator_by_key(state, &v.consensus_key)? != Some(v.operator) {
            return Ok(Err(format!("validator {}'s consensus key does not map to it", v.operator)));
        }
        owed += v.tokens;
    }
    let indexed = state.prefix::<()>(crate::keys::DELEGATED_TO_PREFIX)?.len();
    if indexed != delegations {
        return Ok(Err(format!("the delegator index holds {indexed} entries for {delegations} delegations")));
    }
    owed += state::unbondings(state)?.iter().map(|u| u.amount).sum::<u128>();
    let held = bank::balance(state, &custody(), &Denom::ghr())?;
    if held != owed {
        return Ok(Err(format!("the module holds {held} ughr, owes {owed} (bonded + unbonding)")));
    }
    for (name, set) in [("current", state::current_set(state)?), ("next", state::next_set(state)?)] {
        if let Err(e) = well_formed(&set) {
            return Ok(Err(format!("{name} set: {e}")));
        }
    }
    Ok(Ok(()))
}

/// Members sorted by power then address, powers positive, and with four or
/// more members none holds a third or more of the total.
pub fn well_formed(set: &ValidatorSet) -> Result<(), String> {
    let total = set.total_power();
    for w in set.members.windows(2) {
        if (w[0].power, std::cmp::Reverse(w[0].operator)) < (w[1].power, std::cmp::Reverse(w[1].operator)) {
            return Err("members out of order".into());
        }
    }
    if set.members.iter().any(|m| m.power == 0) {
        return Err("a member with zero power".into());
    }
    if set.members.len() >= 4 && set.members.iter().any(|m| 3 * m.power as u128 >= total) {
        return Err("a member holds a third or more of the power".into());
    }
    Ok(())
}
