//! The derivatives module's invariants, over the whole state.

use crate::handler::account;
use crate::state;
use greenhour_framework::StateRead;
use greenhour_primitives::Denom;
use std::collections::BTreeMap;

pub fn check(state: &impl StateRead) -> Result<(), String> {
    let e = |x: crate::DerivativesError| x.to_string();
    let insurance = state::insurance(state).map_err(e)?;
    let accounts = state::accounts(state).map_err(e)?;
    let positions = state::all_positions(state).map_err(e)?;
    // Zero sum: every contract has a long and a short (until its series settles
    // and its holders close at the final price one by one), so the module holds
    // exactly the accounts' equity — cash plus each position's value at the mark
    // or final price, less its cost and funding owed — plus the insurance fund.
    // Gains are paid by losses, never minted.
    let mut claims: i128 = insurance.balance as i128;
    for (_, a) in &accounts {
        claims += a.cash;
    }
    let mut series: BTreeMap<u64, crate::state::Series> = BTreeMap::new();
    let mut net: BTreeMap<u64, (i128, u128)> = BTreeMap::new();
    for (owner, id, p) in &positions {
        if p.qty == 0 {
            return Err(format!("an empty position of {owner} in series {id}"));
        }
        if state.get(&crate::keys::account(owner)).map_err(|x| x.to_string())?.is_none() {
            return Err(format!("a position of {owner}, who has no account"));
        }
        if !series.contains_key(id) {
            series.insert(*id, state::series(state, *id).map_err(e)?);
        }
        let s = &series[id];
        let price = s.settlement.or(s.mark).unwrap_or(0);
        let value = crate::math::value(s.instrument.payoff(), p.qty, price).ok_or("value overflow")?;
        claims += value - p.cost - p.qty * (s.funding_index - p.funding_snapshot);
        let n = net.entry(*id).or_default();
        n.0 += p.qty;
        n.1 += p.qty.max(0) as u128;
    }
    let balance = greenhour_bank::api::balance(state, &account(), &Denom::gusd()).map_err(|x| x.to_string())?;
    if claims != balance as i128 {
        return Err(format!("the module holds {balance} ugusd, accounts, positions and insurance claim {claims}"));
    }
    let mut live = 0u32;
    for s in state::all_series(state).map_err(e)? {
        let (sum, long) = net.get(&s.id).copied().unwrap_or_default();
        if !s.is_settled() && sum != 0 {
            return Err(format!("series {} has {sum} more contracts long than short", s.id));
        }
        if !s.is_settled() && long != s.open_interest {
            return Err(format!(
                "series {} has {long} contracts long, its open interest says {}",
                s.id, s.open_interest
            ));
        }
        if !s.is_settled() {
            live += 1;
        }
        let is_live = state.get(&crate::keys::live(s.id)).map_err(|x| x.to_string())?.is_some();
        if is_live == s.is_settled() {
            return Err(format!("series {} is settled and live, or neither", s.id));
        }
    }
    let registry = state::registry(state).map_err(e)?;
    if live != registry.live_series {
        return Err(format!("{live} series are live, the registry says {}", registry.live_series));
    }
    let mut per_owner: BTreeMap<_, u32> = BTreeMap::new();
    for o in state::all_orders(state).map_err(e)? {
        let s = state::series(state, o.series).map_err(e)?;
        if s.is_settled() || o.open == 0 {
            return Err(format!("order {} rests empty or in a settled series", o.id));
        }
        let entry = state.get(&crate::keys::book_entry(o.series, o.side, o.price, o.id)).map_err(|x| x.to_string())?;
        if entry.is_none() {
            return Err(format!("order {} is not in its book", o.id));
        }
        *per_owner.entry(o.owner).or_default() += 1;
    }
    for (owner, a) in &accounts {
        if per_owner.remove(owner).unwrap_or(0) != a.orders {
            return Err(format!("account {owner} counts {} resting orders wrongly", a.orders));
        }
    }
    if let Some(owner) = per_owner.keys().next() {
        return Err(format!("resting orders of {owner}, who has no account"));
    }
    Ok(())
}
