use crate::keys;
use greenhour_primitives::{Amount, Denom};
use greenhour_state::StateRead;
use std::collections::BTreeMap;

/// Supply conservation: per denom, Σ balances = supply; no zero balances stored.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    let mut sums: BTreeMap<Denom, Amount> = BTreeMap::new();
    for (k, amount) in state.prefix::<Amount>(keys::BALANCE_PREFIX).map_err(|e| e.to_string())? {
        let (_, denom) = keys::parse_balance_key(&k).ok_or_else(|| format!("unparseable balance key {k}"))?;
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
    Ok(())
}
