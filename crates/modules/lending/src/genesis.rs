//! The lending part of the genesis file: parameters, markets with their totals,
//! positions and pledges (what `export` reads back from a running chain).

use crate::params::LendingParams;
use crate::state::{self, Market, MarketTotals, Pledge, Position};
use crate::{keys, LendingError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

/// A market with its totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketRecord {
    pub market: Market,
    pub totals: MarketTotals,
}

/// One account's position in one market.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionRecord {
    pub market: crate::MarketId,
    pub owner: Address,
    pub position: Position,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LendingGenesis {
    #[serde(default)]
    pub params: LendingParams,
    #[serde(default)]
    pub markets: Vec<MarketRecord>,
    #[serde(default)]
    pub positions: Vec<PositionRecord>,
    /// Pledged position NFTs by serial (each held by its escrow address).
    #[serde(default)]
    pub pledges: Vec<(u64, Pledge)>,
}

pub fn init(state: &mut impl StateWrite, g: &LendingGenesis) -> Result<(), LendingError> {
    let bad = |m: String| Err(LendingError::InvalidGenesis(m));
    if !g.params.rate_model.is_valid() {
        return bad("the rate model's bounds are inconsistent".into());
    }
    if g.params.lltvs_wad.iter().any(|l| *l == 0 || *l >= crate::math::WAD) {
        return bad("every approved LLTV lies strictly between 0 and 1".into());
    }
    // Default parameters are not written: a chain that never lends stores nothing.
    if g.params != LendingParams::default() {
        state.put(&keys::params(), &g.params);
    }
    let mut next = 1;
    for r in &g.markets {
        if state.get(&keys::market(r.market.id))?.is_some() {
            return bad(format!("market {} listed twice", r.market.id));
        }
        state.put(&keys::market(r.market.id), &r.market);
        state.put(&keys::totals(r.market.id), &r.totals);
        next = next.max(r.market.id.0 + 1);
    }
    if !g.markets.is_empty() {
        state.put(&keys::next_market(), &next);
    }
    for r in &g.positions {
        if state.get(&keys::market(r.market))?.is_none() {
            return bad(format!("a position in unknown market {}", r.market));
        }
        state.put(&keys::position(r.market, &r.owner), &r.position);
        for h in &r.position.slots {
            state.put(&keys::slot_hour(h.hour, r.market, &r.owner), &());
        }
    }
    for (serial, pledge) in &g.pledges {
        let p = state::position(state, pledge.market, &pledge.borrower)?;
        if !p.pledged.contains(serial) {
            return bad(format!("pledge of {serial} is missing from its position"));
        }
        state.put(&keys::pledge(*serial), pledge);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<LendingGenesis, LendingError> {
    let mut markets = Vec::new();
    let mut positions = Vec::new();
    for market in state::markets(state)? {
        for (owner, position) in state::positions(state, market.id)? {
            positions.push(PositionRecord { market: market.id, owner, position });
        }
        markets.push(MarketRecord { totals: state::stored_totals(state, market.id)?, market });
    }
    Ok(LendingGenesis { params: state::params(state)?, markets, positions, pledges: state::pledges(state)? })
}
