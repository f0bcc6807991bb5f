//! The cover module's invariants, over the whole state.

use crate::api::account;
use crate::state;
use greenhour_framework::StateRead;
use greenhour_primitives::Denom;

pub fn check(state: &impl StateRead) -> Result<(), String> {
    let e = |x: crate::CoverError| x.to_string();
    let pool = state::pool(state).map_err(e)?;
    let stakers = state::stakers(state).map_err(e)?;
    let staked: u128 = stakers.iter().map(|(_, s)| s.shares).sum();
    if staked != pool.shares {
        return Err(format!("stakers hold {staked} shares, the pool says {}", pool.shares));
    }
    // Every GHR reward a staker may claim is in the module's account.
    let mut owed = 0u128;
    for (who, s) in &stakers {
        owed += crate::handler::pending_rewards(&pool, s).map_err(e)?;
        if !crate::math::debt_is_covered(s.shares, pool.ghr_per_share_wad, s.ghr_debt) {
            return Err(format!("staker {who} has settled more GHR than its shares earned"));
        }
    }
    let ghr = greenhour_bank::api::balance(state, &account(), &Denom::ghr()).map_err(|x| x.to_string())?;
    if ghr < owed {
        return Err(format!("stakers are owed {owed} ughr, the module holds {ghr}"));
    }
    let mut locked = 0u128;
    for c in state::covers(state).map_err(e)? {
        locked += c.outstanding();
        if !c.is_done() && state.get(&crate::keys::due(c.next_hour, c.id)).map_err(|x| x.to_string())?.is_none() {
            return Err(format!("cover {} is not due at its next hour {}", c.id, c.next_hour));
        }
        if let state::Peril::Job { job, peril } = c.peril {
            if state::job_cover(state, job, peril).map_err(e)? != Some(c.id) {
                return Err(format!("job {job}'s {} cover is not indexed as {}", peril.name(), c.id));
            }
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
