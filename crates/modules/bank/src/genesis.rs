use crate::{keys, state, BankError, ModuleAccount, Permission};
use greenhour_primitives::{Address, Amount, Coin, Denom};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Initial balances of one account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisBalance {
    pub address: Address,
    pub coins: Vec<Coin>,
}

/// A module account to create at genesis, with its supply permissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleAccountGenesis {
    pub name: String,
    #[serde(default)]
    pub permissions: Vec<Permission>,
}

/// Bank's part of the genesis file. Supply is derived from the balances.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankGenesis {
    pub balances: Vec<GenesisBalance>,
    pub module_accounts: Vec<ModuleAccountGenesis>,
    /// Perishable denoms still circulating (empty for a new chain).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub perishable: Vec<state::PerishableDenom>,
}

pub fn init(state: &mut impl StateWrite, g: &BankGenesis) -> Result<(), BankError> {
    let mut names = BTreeSet::new();
    for m in &g.module_accounts {
        if m.name.is_empty() || m.name.len() > 64 || !m.name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(BankError::InvalidGenesis(format!("module account name {:?} must be [a-z_]{{1,64}}", m.name)));
        }
        if !names.insert(m.name.clone()) {
            return Err(BankError::InvalidGenesis(format!("module account {} listed twice", m.name)));
        }
        let mut permissions = m.permissions.clone();
        permissions.sort();
        permissions.dedup();
        state::register_module_account(
            state,
            &ModuleAccount { name: m.name.clone(), address: Address::for_module(&m.name), permissions },
        );
    }
    for p in &g.perishable {
        let issuer = state.get(&keys::module_account(&p.issuer))?;
        if !p.denom.is_namespaced()
            || !issuer.is_some_and(|m| m.has(Permission::Mint) && m.has(Permission::Burn))
            || state.get(&keys::perishable(&p.denom))?.is_some()
        {
            return Err(BankError::InvalidGenesis(format!(
                "perishable {} needs a namespaced denom, listed once, and an issuer with mint and burn",
                p.denom
            )));
        }
        state.put(&keys::perishable(&p.denom), p);
    }
    let mut seen = BTreeSet::new();
    let mut supply: BTreeMap<Denom, Amount> = BTreeMap::new();
    for b in &g.balances {
        if !seen.insert(b.address) {
            return Err(BankError::InvalidGenesis(format!("account {} listed twice", b.address)));
        }
        let mut denoms = BTreeSet::new();
        for c in &b.coins {
            if c.amount == 0 {
                return Err(BankError::InvalidGenesis(format!("zero balance of {} for {}", c.denom, b.address)));
            }
            if !denoms.insert(&c.denom) {
                return Err(BankError::InvalidGenesis(format!("denom {} twice for {}", c.denom, b.address)));
            }
            let s = supply.entry(c.denom.clone()).or_default();
            *s = s.checked_add(c.amount).ok_or_else(|| BankError::Overflow(c.denom.clone()))?;
            state.put(&keys::balance(&b.address, &c.denom), &c.amount);
            if state::perishable(state, &c.denom)?.is_some() {
                state.put(&keys::holder(&c.denom, &b.address), &());
            }
        }
    }
    for (denom, amount) in supply {
        state.put(&keys::supply(&denom), &amount);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<BankGenesis, BankError> {
    let module_accounts = state
        .prefix::<ModuleAccount>(keys::MODULE_PREFIX)?
        .into_iter()
        .map(|(_, m)| ModuleAccountGenesis { name: m.name, permissions: m.permissions })
        .collect();
    let mut by_owner: BTreeMap<Address, Vec<Coin>> = BTreeMap::new();
    for (k, amount) in state.prefix::<Amount>(keys::BALANCE_PREFIX)? {
        let (owner, denom) = keys::parse_balance_key(&k)
            .ok_or_else(|| BankError::InvalidGenesis(format!("unparseable balance key {k}")))?;
        by_owner.entry(owner).or_default().push(Coin { denom, amount });
    }
    let balances = by_owner.into_iter().map(|(address, coins)| GenesisBalance { address, coins }).collect();
    Ok(BankGenesis { balances, module_accounts, perishable: state::perishables(state)? })
}
