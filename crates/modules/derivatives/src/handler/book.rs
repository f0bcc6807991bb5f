//! The central limit order book: price-time priority, fills at the resting
//! order's price, margin checked for both sides of every fill.

use super::portfolio::{open_interest_after, Portfolio};
use super::{close_order, fresh_mark, overflow, unlink_order, HOUR};
use crate::event::DerivativesEvent;
use crate::math::{self, Payoff};
use crate::params::DerivativesParams;
use crate::state::{self, Instrument, Order, SeriesId, Side, Underlying};
use crate::{keys, DerivativesError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::{Address, UnixSeconds};

pub fn place(
    state: &mut impl StateWrite,
    signer: &Address,
    (series_id, side): (SeriesId, Side),
    (size, price): (u128, u128),
    immediate_only: bool,
    now: UnixSeconds,
    params: &DerivativesParams,
) -> Result<(), DerivativesError> {
    let now_hour = now / HOUR;
    let mut series = state::series(state, series_id)?;
    let end_hour = series.instrument.end_hour();
    if series.is_settled() || now_hour >= end_hour {
        return Err(DerivativesError::Expired { series: series_id, end_hour, now_hour });
    }
    let mark = fresh_mark(&series, now_hour)?;
    eligible(state, &series.instrument, signer, now)?;
    if series.instrument.payoff() == Payoff::Linear {
        let band = u128::from(params.price_band_bps);
        let low = overflow(math::mul_div_up(mark, math::BPS - band.min(math::BPS), math::BPS))?;
        let high = overflow(math::mul_div_down(mark, math::BPS + band, math::BPS))?;
        if price < low || price > high {
            return Err(DerivativesError::PriceOutOfBand { price, low, high });
        }
    }
    let sign = side.sign();
    let mut taker = Portfolio::load_existing(state, signer)?;
    taker.realise()?;
    // The whole order at its limit must fit the initial margin: what rests was
    // checked when placed, and each fill checks its maker again.
    let mut trial = taker.clone();
    trial.apply_fill(&series, sign * size as i128, price, params)?;
    trial.require_initial(params)?;

    let mut insurance = state::insurance(state)?;
    let mut left = size;
    for resting in state::book_side(state, series_id, side.opposite(), params.max_fills as usize)? {
        let crosses = match side {
            Side::Buy => resting.price <= price,
            Side::Sell => resting.price >= price,
        };
        if !crosses || left == 0 {
            break;
        }
        if resting.owner == *signer {
            // Self-trade prevention: the resting order is cancelled, not crossed.
            unlink_order(state, &resting);
            taker.account.orders = taker.account.orders.saturating_sub(1);
            state.emit(
                DerivativesEvent::Closed { order: resting.id, owner: *signer, reason: "self_trade".into() }.into(),
            );
            continue;
        }
        let q = left.min(resting.open);
        // A maker who can no longer carry its order (margin, its positions cap,
        // or the package's identity rules of a tranche swap) loses the order; the
        // taker goes on to the next one.
        if eligible(state, &series.instrument, &resting.owner, now).is_err() {
            close_order(state, &resting, "compliance")?;
            continue;
        }
        let mut maker = Portfolio::load_existing(state, &resting.owner)?;
        let (m_before, m_after) = match maker.apply_fill(&series, -sign * q as i128, resting.price, params) {
            Ok(sizes) => sizes,
            Err(DerivativesError::TooMany { .. }) => {
                close_order(state, &resting, "positions")?;
                continue;
            }
            Err(e) => return Err(e),
        };
        if maker.require_initial(params).is_err() {
            close_order(state, &resting, "margin")?;
            continue;
        }
        let (t_before, t_after) = taker.apply_fill(&series, sign * q as i128, resting.price, params)?;
        series.open_interest = open_interest_after(series.open_interest, m_before, m_after);
        series.open_interest = open_interest_after(series.open_interest, t_before, t_after);
        let notional = overflow(q.checked_mul(resting.price))?;
        let fee = overflow(math::fee(notional, params.taker_fee_bps))?;
        taker.account.cash = overflow(taker.account.cash.checked_sub(fee as i128))?;
        insurance.balance += fee;
        insurance.fees += fee;
        if series.fill_hour != now_hour {
            (series.fill_hour, series.hour_contracts, series.hour_notional) = (now_hour, 0, 0);
        }
        series.hour_contracts += q;
        series.hour_notional = overflow(series.hour_notional.checked_add(notional))?;
        series.volume += q;
        series.last_price = Some(resting.price);
        let mut rest = resting.clone();
        rest.open -= q;
        if rest.open == 0 {
            unlink_order(state, &rest);
            maker.account.orders = maker.account.orders.saturating_sub(1);
            state.emit(DerivativesEvent::Closed { order: rest.id, owner: rest.owner, reason: "filled".into() }.into());
        } else {
            state.put(&keys::order(rest.id), &rest);
        }
        maker.store(state);
        state.emit(
            DerivativesEvent::Filled {
                series: series_id,
                order: resting.id,
                maker: resting.owner,
                taker: *signer,
                buy: side == Side::Buy,
                size: q,
                price: resting.price,
                fee,
            }
            .into(),
        );
        left -= q;
    }
    if left > 0 && !immediate_only {
        if taker.account.orders >= params.max_orders {
            return Err(DerivativesError::TooMany { what: "resting orders per account", max: params.max_orders });
        }
        let mut registry = state::registry(state)?;
        let id = registry.next_order.max(1);
        registry.next_order = id + 1;
        state.put(&keys::registry(), &registry);
        let order = Order { id, owner: *signer, series: series_id, side, price, open: left, placed_at: now };
        state.put(&keys::order(id), &order);
        state.put(&keys::book_entry(series_id, side, price, id), &());
        state.put(&keys::owner_order(signer, id), &());
        taker.account.orders += 1;
        state.emit(
            DerivativesEvent::Placed {
                order: id,
                owner: *signer,
                series: series_id,
                buy: side == Side::Buy,
                price,
                size: left,
            }
            .into(),
        );
    }
    taker.require_initial(params)?;
    taker.store(state);
    state.put(&keys::series(series_id), &series);
    state.put(&keys::insurance(), &insurance);
    Ok(())
}

/// A tranche swap carries the tranche's exposure, so whoever trades it must pass
/// the package's identity rules (ERC-3643's `canTransfer`: verified identity,
/// allowed jurisdiction, accreditation if asked, not frozen), as a holder of the
/// units would; its holder-count and unit limits do not apply, since no units
/// move. Index instruments have no such rules.
fn eligible(
    state: &impl StateRead,
    instrument: &Instrument,
    who: &Address,
    now: UnixSeconds,
) -> Result<(), DerivativesError> {
    let Instrument::Swap { underlying: Underlying::Tranche { package, tranche }, .. } = instrument else {
        return Ok(());
    };
    let p = greenhour_rwa::api::package(state, greenhour_rwa::PackageId(*package))
        .map_err(|e| DerivativesError::Dependency(e.to_string()))?;
    greenhour_rwa::api::ensure_may_hold(state, &p, *tranche, who, None, now).map_err(|e| match e {
        greenhour_rwa::RwaError::Compliance { why, .. } => {
            DerivativesError::NotEligible { who: *who, package: *package, why }
        }
        other => DerivativesError::Dependency(other.to_string()),
    })
}
