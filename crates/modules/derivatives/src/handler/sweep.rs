//! The hourly sweep: every live series is marked to its index (or its tranche's
//! total return), each perpetual accrues the hour's funding and each swap its
//! fixed leg, and series past their last hour settle.
//! It touches series, never positions: a position's PnL and funding follow from
//! the series' mark, funding index and final price whenever it is next read, so
//! an hour costs the same with ten positions or a million.

use super::{close_order, factor_mark, overflow, HOUR};
use crate::event::DerivativesEvent;
use crate::math;
use crate::params::DerivativesParams;
use crate::state::{self, Instrument, Leg, RiskFactor, Series, Side};
use crate::{keys, DerivativesError};
use greenhour_framework::{BlockCtx, StateRead, StateWrite};
use greenhour_primitives::{Denom, UnixSeconds};
use std::collections::BTreeMap;

/// Runs at the start of the first block of each hour, before its transactions: the
/// hour's orders trade on the hour's marks, and a perpetual's funding reads the
/// hour just ended whole (a fill in the new hour's first block cannot reset it first).
pub fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), DerivativesError> {
    let now_hour = ctx.time / HOUR;
    let mut registry = state::registry(state)?;
    if registry.live_series == 0 || registry.marked_hour >= now_hour {
        return Ok(());
    }
    let params = state::params(state)?;
    let mut marks: BTreeMap<String, Result<u128, String>> = BTreeMap::new();
    for id in state::live_series(state)? {
        let mut s = state::series(state, id)?;
        let factor = s.instrument.risk_factor();
        let mark = marks.entry(factor.name()).or_insert_with(|| factor_mark(state, factor, ctx.time, &params)).clone();
        match mark {
            Ok(m) => (s.mark, s.stale) = (Some(m), false),
            Err(_) => s.stale = true,
        }
        // A swap's fixed leg accrues for the hours up to its maturity, none after.
        let end = s.instrument.end_hour();
        let hours_passed = now_hour.min(end).saturating_sub(s.mark_hour.min(end));
        s.mark_hour = now_hour;
        match (&s.instrument, s.mark) {
            (Instrument::Perp { .. }, Some(m)) => {
                s.funding_rate = 0;
                if !s.stale && s.fill_hour + 1 == now_hour && s.hour_contracts > 0 {
                    let price = overflow(math::vwap(s.hour_notional, s.hour_contracts))?;
                    s.funding_rate = math::funding_rate(price, m, params.funding_period_hours, params.max_funding_bps);
                }
            }
            // A swap's rate leg accrues with time, on the latest mark, for every
            // hour since the last marking (blocks may skip hours); a floating leg
            // at its lending market's borrow rate now.
            (Instrument::Swap { leg, .. }, Some(m)) => {
                let hours = i128::from(hours_passed.min(1 << 20) as u32);
                let rate_bps = leg_rate_bps(state, leg, ctx.time);
                s.funding_rate = overflow(math::fixed_leg(m, rate_bps).checked_mul(hours))?;
            }
            _ => s.funding_rate = 0,
        }
        s.funding_index = overflow(s.funding_index.checked_add(s.funding_rate))?;
        let event =
            DerivativesEvent::Marked { series: id, mark: s.mark.unwrap_or(0), stale: s.stale, funding: s.funding_rate };
        state.emit(event.into());
        // Index averages wait for their last hour's bucket to close; a swap closes
        // at this hour's mark.
        let delay = if s.instrument.settlement_hours(&params).is_some() { params.settle_delay_hours } else { 0 };
        if now_hour >= end.saturating_add(delay) {
            settle(state, &mut s, &params)?;
            state.delete(&keys::live(id));
            registry.live_series -= 1;
        }
        state.put(&keys::series(id), &s);
    }
    registry.marked_hour = now_hour;
    state.put(&keys::registry(), &registry);
    Ok(())
}

/// Fixes a series' final price — the index's volume-weighted price over its
/// settlement hours, or the last mark when those hours had no fills — and
/// cancels what rests in its book. Positions close at it when next touched.
fn settle(state: &mut impl StateWrite, s: &mut Series, params: &DerivativesParams) -> Result<(), DerivativesError> {
    let average = match (s.instrument.settlement_hours(params), s.instrument.risk_factor()) {
        (Some((first, end)), RiskFactor::Index(class)) => {
            let (mut quote, mut slots) = (0u128, 0u128);
            for (_, b) in greenhour_index::api::buckets(state, class, &Denom::gusd(), first, end.saturating_sub(1))? {
                quote = overflow(quote.checked_add(b.quote))?;
                slots = overflow(slots.checked_add(b.slots))?;
            }
            math::vwap(quote, slots).filter(|p| *p > 0)
        }
        // A swap closes at this hour's fresh mark.
        _ => s.mark.filter(|_| !s.stale),
    };
    s.settled_on_fallback = average.is_none();
    let price = average.or(s.mark).unwrap_or(0);
    s.settlement = Some(price);
    for side in [Side::Buy, Side::Sell] {
        for o in state::book_side(state, s.id, side, usize::MAX)? {
            close_order(state, &o, "settled")?;
        }
    }
    state.emit(
        DerivativesEvent::Settled {
            series: s.id,
            price,
            fallback: s.settled_on_fallback,
            open_interest: s.open_interest,
        }
        .into(),
    );
    Ok(())
}

/// A swap leg's rate now, bps a year: the fixed rate, or the lending market's
/// borrow rate plus the spread (capped at 1,000 % a year, so a rate model gone
/// wild cannot overflow the funding index). The market is anyone's to create:
/// if its rate cannot be read (its accrual overflows), the leg pays the spread
/// alone that hour rather than failing the block for every series.
fn leg_rate_bps(state: &impl StateRead, leg: &Leg, now: UnixSeconds) -> u32 {
    match leg {
        Leg::Fixed { rate_bps } => *rate_bps,
        Leg::Floating { market, spread_bps } => {
            let apr =
                greenhour_lending::api::borrow_apr_bps(state, greenhour_lending::MarketId(*market), now).unwrap_or(0);
            (apr.saturating_add(u64::from(*spread_bps))).min(100_000) as u32
        }
    }
}
