//! The stable module's invariants, over the whole state.

use crate::handler::{account, pending_gains};
use crate::state::{self, lookup};
use greenhour_framework::StateRead;
use greenhour_primitives::Denom;
use std::collections::BTreeMap;

pub fn check(state: &impl StateRead) -> Result<(), String> {
    let e = |x: crate::StableError| x.to_string();
    let params = state::params(state).map_err(e)?;
    // gUSD supply = what existed before vaults + Σ vault debt + redistributed debt not yet applied
    // + what direct deposits minted into lending.
    let mut owed = state::legacy_supply(state).map_err(e)?;
    // What the module holds for others, per denom.
    let mut held: BTreeMap<Denom, u128> = BTreeMap::new();
    let vaults = state::vaults(state).map_err(e)?;
    for c in &params.collaterals {
        let b = state::branch(state, &c.denom).map_err(e)?;
        let mine: Vec<_> = vaults.iter().filter(|v| v.denom == c.denom).collect();
        let (coll, debt, stakes) =
            mine.iter().fold((0u128, 0u128, 0u128), |(a, b, s), v| (a + v.collateral, b + v.debt, s + v.stake));
        if (coll, debt, stakes, mine.len() as u64) != (b.collateral, b.debt, b.stakes, b.vaults) {
            return Err(format!(
                "branch {}: vaults hold ({coll}, {debt}, {stakes}, {}) but the totals say ({}, {}, {}, {})",
                c.denom,
                mine.len(),
                b.collateral,
                b.debt,
                b.stakes,
                b.vaults
            ));
        }
        for v in &mine {
            let indexed = state.get(&crate::keys::by_rate(&v.denom, v.rate_bps, v.id)).map_err(|x| x.to_string())?;
            if indexed.is_some() != (v.debt > 0) {
                return Err(format!(
                    "vault {}: in the redemption order {} with debt {}",
                    v.id,
                    indexed.is_some(),
                    v.debt
                ));
            }
        }
        owed += b.debt + b.unapplied_debt;
        *held.entry(c.denom.clone()).or_default() += b.collateral + b.unapplied_collateral;
    }
    for d in state::direct_deposits(state).map_err(e)? {
        owed += d.minted;
    }
    let supply = greenhour_bank::api::supply(state, &Denom::gusd()).map_err(|x| x.to_string())?;
    if supply != owed {
        return Err(format!("gUSD supply {supply} ≠ legacy + Σ debt + unapplied + direct deposits = {owed}"));
    }
    let pool = state::pool(state).map_err(e)?;
    *held.entry(Denom::gusd()).or_default() += pool.gusd;
    let mut shares = 0u128;
    for (owner, d) in state::deposits(state).map_err(e)? {
        if d.epoch == pool.epoch {
            shares += d.shares;
        }
        for g in pending_gains(state, &d, &pool).map_err(e)? {
            *held.entry(g.denom.clone()).or_default() += g.amount;
        }
        if d.epoch > pool.epoch || lookup(&d.snapshots, &Denom::gusd()) > 0 {
            return Err(format!("deposit of {owner} is from the future or snapshots gUSD"));
        }
    }
    if shares != pool.shares {
        return Err(format!("deposits hold {shares} shares, the pool says {}", pool.shares));
    }
    for (denom, needed) in held {
        let balance = greenhour_bank::api::balance(state, &account(), &denom).map_err(|x| x.to_string())?;
        if balance < needed {
            return Err(format!("the module holds {balance} {denom} but owes {needed}"));
        }
    }
    Ok(())
}
