use crate::keys;
use crate::state::{ClassInfo, Token};
use greenhour_state::StateRead;
use std::collections::BTreeMap;

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    let err = |e: greenhour_state::StateError| e.to_string();
    let classes: BTreeMap<String, ClassInfo> = state
        .prefix::<ClassInfo>(keys::CLASS_PREFIX)
        .map_err(err)?
        .into_iter()
        .map(|(_, c)| (c.name.clone(), c))
        .collect();
    let mut counted: BTreeMap<String, u64> = BTreeMap::new();
    for (_, t) in state.prefix::<Token>(keys::TOKEN_PREFIX).map_err(err)? {
        let class = classes.get(&t.id.class).ok_or_else(|| format!("token {} of an unknown class", t.id))?;
        if t.id.serial == 0 || t.id.serial >= class.next_serial {
            return Err(format!("token {} has a serial outside 1..{}", t.id, class.next_serial));
        }
        if state.get(&keys::owned(&t.owner, &t.id.class, t.id.serial)).map_err(err)?.is_none() {
            return Err(format!("token {} is missing from its owner's index", t.id));
        }
        *counted.entry(t.id.class.clone()).or_default() += 1;
    }
    for (name, c) in &classes {
        if counted.get(name).copied().unwrap_or(0) != c.supply {
            return Err(format!("class {name} supply {} differs from its live tokens", c.supply));
        }
    }
    let indexed = state.prefix_raw(b"nft/owner/").map_err(err)?.len() as u64;
    if indexed != counted.values().sum::<u64>() {
        return Err("the owner index lists tokens that do not exist".into());
    }
    Ok(())
}
