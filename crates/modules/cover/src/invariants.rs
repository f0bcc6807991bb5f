//! The cover module's invariants, over the whole state.

use crate::api::account;
use crate::state;
use greenhour_framework::StateRead;
use greenhour_primitives::Denom;

pub fn check(state: &impl StateRead) -> Result<(), String> {
    let e = |x: crate::CoverError| x.to_string();
    let pool = state::pool(state).map_err(e)?;
    let staked: u128 = state::stakers(state).map_err(e)?.iter().map(|(_, s)| s).sum();
    if staked != pool.shares {
        return Err(format!("stakers hold {staked} shares, the pool says {}", pool.shares));
    }
    let mut locked = 0u128;
    for c in state::covers(state).map_err(e)? {
        locked += c.outstanding();
        if c.next_hour < c.end_hour()
            && state.get(&crate::keys::due(c.next_hour, c.id)).map_err(|x| x.to_string())?.is_none()
        {
            return Err(format!("cover {} is not due at its next hour {}", c.id, c.next_hour));
        }
    }
    if locked != pool.locked {
        return Err(format!("covers outstanding {locked}, the pool says {}", pool.locked));
    }
    // Every payout still possible is covered by the pool's capital, which the
    // module's account holds.
    if pool.locked > pool.capital {
        return Err(format!("{} ugusd of cover outstanding on {} of capital", pool.locked, pool.capital));
    }
    let balance = greenhour_bank::api::balance(state, &account(), &Denom::gusd()).map_err(|x| x.to_string())?;
    if balance < pool.capital {
        return Err(format!("the module holds {balance} ugusd, the pool's capital is {}", pool.capital));
    }
    Ok(())
}
