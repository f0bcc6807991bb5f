//! The one liquidation path (futures, perpetuals and written options alike): a
//! liquidator takes over every open position of an account below maintenance at
//! the mark, the account pays a penalty from what equity it has left, and
//! whatever equity remains stays the owner's.

use super::portfolio::{open_interest_after, Portfolio};
use super::{overflow, unlink_order};
use crate::event::DerivativesEvent;
use crate::math;
use crate::params::DerivativesParams;
use crate::state;
use crate::{keys, DerivativesError};
use greenhour_framework::StateWrite;
use greenhour_primitives::Address;

pub fn liquidate(
    state: &mut impl StateWrite,
    liquidator: &Address,
    owner: &Address,
    params: &DerivativesParams,
) -> Result<(), DerivativesError> {
    if liquidator == owner {
        return Err(DerivativesError::InvalidAmount("an account cannot liquidate itself".into()));
    }
    let mut victim = Portfolio::load_existing(state, owner)?;
    victim.realise()?;
    let (equity, maintenance) = (victim.equity()?, victim.maintenance(params)?);
    if victim.held.is_empty() || equity >= maintenance as i128 {
        return Err(DerivativesError::NotLiquidatable { equity, maintenance });
    }
    let mut taker = Portfolio::load_existing(state, liquidator)?;
    taker.realise()?;
    // Its resting orders go first: an account in liquidation trades no more.
    for o in state::orders_of(state, owner)? {
        unlink_order(state, &o);
        state.emit(DerivativesEvent::Closed { order: o.id, owner: *owner, reason: "liquidated".into() }.into());
    }
    victim.account.orders = 0;
    let mut notional = 0u128;
    let positions = victim.held.len() as u32;
    for h in victim.held.clone() {
        let mut series = state::series(state, h.series.id)?;
        let mark = h.price();
        // Handed over at the value the mark gives it: the victim realises its PnL,
        // the liquidator starts with none.
        let at = h.payoff().per_contract(mark);
        let (vb, va) = victim.apply_fill(&series, -h.pos.qty, at, params)?;
        let (tb, ta) = taker.apply_fill(&series, h.pos.qty, at, params)?;
        series.open_interest = open_interest_after(series.open_interest, vb, va);
        series.open_interest = open_interest_after(series.open_interest, tb, ta);
        state.put(&keys::series(series.id), &series);
        notional = overflow(notional.checked_add(overflow(h.pos.qty.unsigned_abs().checked_mul(mark))?))?;
    }
    let mut insurance = state::insurance(state)?;
    let penalty = overflow(math::fee(notional, params.liquidation_fee_bps))?.min(victim.account.cash.max(0) as u128);
    let to_liquidator = overflow(math::mul_div_down(penalty, u128::from(params.liquidator_share_bps), math::BPS))?;
    victim.account.cash -= penalty as i128;
    taker.account.cash = overflow(taker.account.cash.checked_add(to_liquidator as i128))?;
    insurance.balance += penalty - to_liquidator;
    insurance.penalties += penalty - to_liquidator;
    insurance.liquidations += 1;
    let mut bad_debt = 0u128;
    if victim.account.cash < 0 {
        let debt = victim.account.cash.unsigned_abs();
        let covered = debt.min(insurance.balance);
        insurance.balance -= covered;
        insurance.covered += covered;
        insurance.uncovered += debt - covered;
        victim.account.cash += covered as i128;
        bad_debt = debt;
    }
    taker.require_initial(params)?;
    let equity_left = victim.account.cash;
    victim.store(state);
    taker.store(state);
    state.put(&keys::insurance(), &insurance);
    state.emit(
        DerivativesEvent::Liquidated {
            owner: *owner,
            liquidator: *liquidator,
            positions,
            notional,
            penalty,
            equity_left,
            bad_debt,
        }
        .into(),
    );
    Ok(())
}
