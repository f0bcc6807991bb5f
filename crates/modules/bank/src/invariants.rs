use crate::keys;
use greenhour_primitives::{Address, Amount, Denom};
use greenhour_state::StateRead;
use std::collections::BTreeMap;

/// Supply conservation: per denom, Σ balances = supply; no zero balances stored;
/// perishable denoms' holder indexes match their balances.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    let mut sums: BTreeMap<Denom, Amount> = BTreeMap::new();
    let mut holders: BTreeMap<Denom, Vec<Address>> = BTreeMap::new();
    for (k, amount) in state.prefix::<Amount>(keys::BALANCE_PREFIX).map_err(|e| e.to_string())? {
        let (owner, denom) = keys::parse_balance_key(&k).ok_or_else(|| format!("unparseable balance key {k}"))?;
        if denom.is_namespaced() {
            holders.entry(denom.clone()).or_default().push(owner);
        }
        if amount == 0 {
            return Err(format!("zero balance stored under {k}"));
        }
        let s = sums.entry(denom).or_default();
        *s = s.checked_add(amount).ok_or_else(|| format!("balances of {k} overflow"))?;
    }
    let supplies: BTreeMap<Denom, Amount> =
        crate::state::supplies(state).map_err(|e| e.to_string())?.into_iter().map(|c| (c.denom, c.amount)).collect();
    if sums != supplies {
        return Err(format!("supply {supplies:?} does not equal the sum of balances {sums:?}"));
    }
    // The holder index of each perishable denom lists exactly its non-zero holders.
    for p in crate::state::perishables(state).map_err(|e| e.to_string())? {
        if !p.denom.is_namespaced() {
            return Err(format!("base denom {} marked perishable", p.denom));
        }
        let mut expected = holders.remove(&p.denom).unwrap_or_default();
        expected.sort();
        let mut indexed = crate::state::holders(state, &p.denom).map_err(|e| e.to_string())?;
        indexed.sort();
        if indexed != expected {
            return Err(format!("holder index of {} is {indexed:?}, balances say {expected:?}", p.denom));
        }
    }
    Ok(())
}
