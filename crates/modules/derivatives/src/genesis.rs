//! The derivatives part of the genesis file: parameters, counters, the insurance
//! fund, series, accounts, positions and resting orders (what `export` reads back).

use crate::params::DerivativesParams;
use crate::state::{self, Account, Insurance, Order, Position, Registry, Series, SeriesId};
use crate::{keys, DerivativesError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One margin account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisAccount {
    pub owner: Address,
    pub account: Account,
}

/// One position.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisPosition {
    pub owner: Address,
    pub series: SeriesId,
    pub position: Position,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivativesGenesis {
    #[serde(default)]
    pub params: DerivativesParams,
    #[serde(default)]
    pub registry: Registry,
    #[serde(default)]
    pub insurance: Insurance,
    #[serde(default)]
    pub series: Vec<Series>,
    #[serde(default)]
    pub accounts: Vec<GenesisAccount>,
    #[serde(default)]
    pub positions: Vec<GenesisPosition>,
    #[serde(default)]
    pub orders: Vec<Order>,
}

pub fn init(state: &mut impl StateWrite, g: &DerivativesGenesis) -> Result<(), DerivativesError> {
    let bad = |m: String| Err(DerivativesError::InvalidGenesis(m));
    if g.params != DerivativesParams::default() {
        state.put(&keys::params(), &g.params);
    }
    if g.registry != Registry::default() {
        state.put(&keys::registry(), &g.registry);
    }
    if g.insurance != Insurance::default() {
        state.put(&keys::insurance(), &g.insurance);
    }
    let mut live = 0u32;
    for s in &g.series {
        if s.id == 0 || s.id >= g.registry.next_series || state.get(&keys::series(s.id))?.is_some() {
            return bad(format!("series {} is listed twice or beyond the next id", s.id));
        }
        let name = s.instrument.name();
        if state.get(&keys::instrument(&name))?.is_some() {
            return bad(format!("{name} is listed twice"));
        }
        state.put(&keys::series(s.id), s);
        state.put(&keys::instrument(&name), &s.id);
        if !s.is_settled() {
            state.put(&keys::live(s.id), &());
            live += 1;
        }
    }
    if live != g.registry.live_series {
        return bad(format!("{live} series are live, the registry says {}", g.registry.live_series));
    }
    let mut orders: BTreeMap<Address, u32> = BTreeMap::new();
    for o in &g.orders {
        if o.id == 0 || o.id >= g.registry.next_order || o.open == 0 || state.get(&keys::order(o.id))?.is_some() {
            return bad(format!("order {} is listed twice, empty or beyond the next id", o.id));
        }
        let s = state::series(state, o.series)
            .map_err(|_| DerivativesError::InvalidGenesis(format!("order {} is in no series", o.id)))?;
        if s.is_settled() {
            return bad(format!("order {} rests in settled series {}", o.id, o.series));
        }
        state.put(&keys::order(o.id), o);
        state.put(&keys::book_entry(o.series, o.side, o.price, o.id), &());
        state.put(&keys::owner_order(&o.owner, o.id), &());
        *orders.entry(o.owner).or_default() += 1;
    }
    for a in &g.accounts {
        if state.get(&keys::account(&a.owner))?.is_some() {
            return bad(format!("account {} is listed twice", a.owner));
        }
        if orders.remove(&a.owner).unwrap_or(0) != a.account.orders {
            return bad(format!("account {} counts its resting orders wrong", a.owner));
        }
        state.put(&keys::account(&a.owner), &a.account);
    }
    if let Some(owner) = orders.keys().next() {
        return bad(format!("orders of {owner}, who has no account"));
    }
    for p in &g.positions {
        if state.get(&keys::account(&p.owner))?.is_none() || state.get(&keys::series(p.series))?.is_none() {
            return bad(format!("a position of {} in series {} without its account or series", p.owner, p.series));
        }
        if p.position.qty == 0 || state.get(&keys::position(&p.owner, p.series))?.is_some() {
            return bad(format!("a position of {} in series {} is empty or listed twice", p.owner, p.series));
        }
        state.put(&keys::position(&p.owner, p.series), &p.position);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<DerivativesGenesis, DerivativesError> {
    Ok(DerivativesGenesis {
        params: state::params(state)?,
        registry: state::registry(state)?,
        insurance: state::insurance(state)?,
        series: state::all_series(state)?,
        accounts: state::accounts(state)?
            .into_iter()
            .map(|(owner, account)| GenesisAccount { owner, account })
            .collect(),
        positions: state::all_positions(state)?
            .into_iter()
            .map(|(owner, series, position)| GenesisPosition { owner, series, position })
            .collect(),
        orders: state::all_orders(state)?,
    })
}
