//! An account with its positions, in memory: what equity and margin are computed
//! on, and what fills, realisations and liquidations change before it is stored.

use crate::math::{self, Grid, Leg, Payoff};
use crate::params::DerivativesParams;
use crate::state::{self, Account, Position, RiskFactor, Series, SeriesId};
use crate::{keys, DerivativesError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::Address;
use std::rc::Rc;

fn overflow<T>(v: Option<T>) -> Result<T, DerivativesError> {
    v.ok_or(DerivativesError::Overflow)
}

/// A position with the series it is in.
#[derive(Clone, Debug)]
pub struct Held {
    /// Shared: a scan over many accounts reads each series once.
    pub series: Rc<Series>,
    pub pos: Position,
    /// Changed in memory since it was read: [`Portfolio::store`] writes only these.
    pub changed: bool,
}

impl Held {
    /// The price the position is valued at now: the final price once settled, else the mark.
    pub fn price(&self) -> u128 {
        self.series.settlement.or(self.series.mark).unwrap_or(0)
    }
    pub fn payoff(&self) -> Payoff {
        self.series.instrument.payoff()
    }
    /// Funding owed since the position last settled it (a long owes a rising index).
    pub fn funding_owed(&self) -> Result<i128, DerivativesError> {
        let rise = overflow(self.series.funding_index.checked_sub(self.pos.funding_snapshot))?;
        overflow(self.pos.qty.checked_mul(rise))
    }
    /// Value at [`Held::price`] less cost and funding owed.
    pub fn unrealised(&self) -> Result<i128, DerivativesError> {
        let value = overflow(math::value(self.payoff(), self.pos.qty, self.price()))?;
        let owed = self.funding_owed()?;
        overflow(value.checked_sub(self.pos.cost).and_then(|v| v.checked_sub(owed)))
    }
}

#[derive(Clone, Debug)]
pub struct Portfolio {
    pub owner: Address,
    pub account: Account,
    /// Whether the account is stored (a deposit opens it).
    pub exists: bool,
    pub held: Vec<Held>,
    /// Positions closed in memory, deleted on store.
    closed: Vec<SeriesId>,
}

impl Portfolio {
    pub fn load(state: &impl StateRead, owner: &Address) -> Result<Portfolio, DerivativesError> {
        let account = state::account(state, owner)?;
        let mut held = Vec::new();
        for (id, pos) in state::positions_of(state, owner)? {
            held.push(Held { series: Rc::new(state::series(state, id)?), pos, changed: false });
        }
        Ok(Portfolio {
            owner: *owner,
            exists: account.is_some(),
            account: account.unwrap_or_default(),
            held,
            closed: Vec::new(),
        })
    }

    /// A portfolio from what a caller already read (a scan over many accounts).
    pub fn from_parts(owner: Address, account: Account, held: Vec<Held>) -> Portfolio {
        Portfolio { owner, account, exists: true, held, closed: Vec::new() }
    }

    /// Loads an account that must exist.
    pub fn load_existing(state: &impl StateRead, owner: &Address) -> Result<Portfolio, DerivativesError> {
        let p = Portfolio::load(state, owner)?;
        if !p.exists {
            return Err(DerivativesError::NoAccount(*owner));
        }
        Ok(p)
    }

    /// Cash plus every position's unrealised PnL.
    pub fn equity(&self) -> Result<i128, DerivativesError> {
        let mut e = self.account.cash;
        for h in &self.held {
            e = overflow(e.checked_add(h.unrealised()?))?;
        }
        Ok(e)
    }

    /// The maintenance margin: per risk factor (an index or a tranche), the worst
    /// loss over the grid of its unsettled positions; summed over factors without
    /// offsets between them.
    pub fn maintenance(&self, params: &DerivativesParams) -> Result<u128, DerivativesError> {
        let grid = Grid {
            scan_bps: params.scan_range_bps,
            steps: params.scan_steps,
            extreme_bps: params.extreme_move_bps,
            extreme_cover_bps: params.extreme_cover_bps,
        };
        let scenarios = math::scenarios(&grid);
        // A handful of indices and tranches: a short list beats a map.
        let mut by_class: Vec<(RiskFactor<'_>, Vec<Leg>)> = Vec::new();
        for h in self.held.iter().filter(|h| !h.series.is_settled()) {
            let leg = Leg { payoff: h.payoff(), qty: h.pos.qty, mark: h.price() };
            let factor = h.series.instrument.risk_factor();
            match by_class.iter_mut().find(|(f, _)| *f == factor) {
                Some((_, legs)) => legs.push(leg),
                None => by_class.push((factor, vec![leg])),
            }
        }
        let mut total = 0u128;
        for (_, legs) in &by_class {
            total = overflow(total.checked_add(overflow(math::requirement_over(legs, &scenarios, &grid))?))?;
        }
        Ok(total)
    }

    pub fn initial(&self, params: &DerivativesParams) -> Result<u128, DerivativesError> {
        overflow(math::initial(self.maintenance(params)?, params.initial_ratio_bps))
    }

    /// Refused unless equity covers the initial margin.
    pub fn require_initial(&self, params: &DerivativesParams) -> Result<(), DerivativesError> {
        let (equity, required) = (self.equity()?, self.initial(params)?);
        if equity < 0 || (equity as u128) < required {
            return Err(DerivativesError::InsufficientMargin { equity, required });
        }
        Ok(())
    }

    fn settle_funding(h: &mut Held, cash: &mut i128) -> Result<(), DerivativesError> {
        *cash = overflow(cash.checked_sub(h.funding_owed()?))?;
        h.pos.funding_snapshot = h.series.funding_index;
        Ok(())
    }

    /// Adds `delta` contracts of `series` at `price` per contract; a position
    /// brought to zero is realised into cash and closed. Returns the position's
    /// size before and after (for open interest).
    pub fn apply_fill(
        &mut self,
        series: &Series,
        delta: i128,
        price: u128,
        params: &DerivativesParams,
    ) -> Result<(i128, i128), DerivativesError> {
        let i = match self.held.iter().position(|h| h.series.id == series.id) {
            Some(i) => i,
            None => {
                if self.held.len() >= params.max_positions as usize {
                    return Err(DerivativesError::TooMany { what: "positions per account", max: params.max_positions });
                }
                let pos = Position { qty: 0, cost: 0, funding_snapshot: series.funding_index };
                self.held.push(Held { series: Rc::new(series.clone()), pos, changed: true });
                self.closed.retain(|id| *id != series.id);
                self.held.len() - 1
            }
        };
        let h = &mut self.held[i];
        h.changed = true;
        Self::settle_funding(h, &mut self.account.cash)?;
        let before = h.pos.qty;
        h.pos.qty = overflow(before.checked_add(delta))?;
        let paid = overflow(delta.checked_mul(i128::try_from(price).map_err(|_| DerivativesError::Overflow)?))?;
        h.pos.cost = overflow(h.pos.cost.checked_add(paid))?;
        let after = h.pos.qty;
        if after == 0 {
            // Nothing left to value: what it cost (or received) is the realised PnL.
            self.account.cash = overflow(self.account.cash.checked_sub(h.pos.cost))?;
            self.closed.push(series.id);
            self.held.remove(i);
        }
        Ok((before, after))
    }

    /// Settles funding and marks every futures and perpetual position to its mark
    /// in cash, and closes every position of a settled series at its final price.
    /// Equity is unchanged; it becomes cash where it can.
    pub fn realise(&mut self) -> Result<(), DerivativesError> {
        let mut keep = Vec::with_capacity(self.held.len());
        for mut h in std::mem::take(&mut self.held) {
            let before = h.pos.clone();
            Self::settle_funding(&mut h, &mut self.account.cash)?;
            let linear = h.payoff() == Payoff::Linear;
            if h.series.is_settled() || linear {
                let value = overflow(math::value(h.payoff(), h.pos.qty, h.price()))?;
                self.account.cash = overflow(self.account.cash.checked_add(overflow(value.checked_sub(h.pos.cost))?))?;
                h.pos.cost = value;
            }
            h.changed |= h.pos != before;
            if h.series.is_settled() {
                self.closed.push(h.series.id);
            } else {
                keep.push(h);
            }
        }
        self.held = keep;
        Ok(())
    }

    pub fn store(self, state: &mut impl StateWrite) {
        state.put(&keys::account(&self.owner), &self.account);
        for id in &self.closed {
            state.delete(&keys::position(&self.owner, *id));
        }
        for h in self.held.iter().filter(|h| h.changed) {
            state.put(&keys::position(&self.owner, h.series.id), &h.pos);
        }
    }
}

/// Open interest after one position goes from `before` to `after` contracts.
pub fn open_interest_after(oi: u128, before: i128, after: i128) -> u128 {
    (oi + after.max(0) as u128).saturating_sub(before.max(0) as u128)
}
