//! Margin accounts, listings, the order book, liquidation and the hourly sweep.

mod book;
mod liquidate;
pub mod portfolio;
mod sweep;

pub use sweep::begin_block;

use crate::action::DerivativesAction;
use crate::event::DerivativesEvent;
use crate::math;
use crate::params::DerivativesParams;
use crate::state::{self, Instrument, Leg, Order, RiskFactor, Series};
use crate::{keys, DerivativesError};
use greenhour_framework::{StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};
use portfolio::Portfolio;

pub(crate) const HOUR: u64 = 3_600;

pub(crate) fn overflow<T>(v: Option<T>) -> Result<T, DerivativesError> {
    v.ok_or(DerivativesError::Overflow)
}

pub(crate) fn gusd(amount: u128) -> Coin {
    Coin::new(Denom::gusd(), amount)
}

/// The module's account: it holds every margin account's gUSD and the insurance fund.
pub fn account() -> Address {
    Address::for_module(crate::NAME)
}

pub fn execute(state: &mut impl StateWrite, tx: &TxCtx, action: &DerivativesAction) -> Result<(), DerivativesError> {
    let (now, signer) = (tx.block.time, tx.signer);
    let params = state::params(state)?;
    match action {
        DerivativesAction::Deposit { amount } => {
            // Cash only: the positions are neither read nor rewritten.
            let mut a = state::account(state, &signer)?.unwrap_or_default();
            greenhour_bank::api::transfer(state, &signer, &account(), &gusd(*amount))?;
            a.cash = overflow(a.cash.checked_add(*amount as i128))?;
            state.put(&keys::account(&signer), &a);
            state.emit(DerivativesEvent::Deposited { owner: signer, amount: *amount }.into());
            Ok(())
        }
        DerivativesAction::Withdraw { amount } => {
            let mut p = Portfolio::load_existing(state, &signer)?;
            p.realise()?;
            if p.account.cash < *amount as i128 {
                return Err(DerivativesError::InsufficientCash { cash: p.account.cash, asked: *amount });
            }
            p.account.cash -= *amount as i128;
            p.require_initial(&params)?;
            p.store(state);
            greenhour_bank::api::transfer(state, &account(), &signer, &gusd(*amount))?;
            state.emit(DerivativesEvent::Withdrawn { owner: signer, amount: *amount }.into());
            Ok(())
        }
        DerivativesAction::List { instrument } => list(state, &signer, instrument, now, &params),
        DerivativesAction::Place { series, side, size, price, immediate_only } => {
            book::place(state, &signer, (*series, *side), (*size, *price), *immediate_only, now, &params)
        }
        DerivativesAction::Cancel { order } => {
            let o = state::order(state, *order)?;
            if o.owner != signer {
                return Err(DerivativesError::NotOrderOwner(*order));
            }
            close_order(state, &o, "cancelled")
        }
        DerivativesAction::Liquidate { owner } => liquidate::liquidate(state, &signer, owner, &params),
    }
}

/// A risk factor's mark now, or why there is none: an index in ugusd per GPU-hour
/// (its rolling volume-weighted price, which must be fresh), a tranche's total
/// return in ugusd per 10⁶ units (while its package can be valued).
pub(crate) fn factor_mark(
    state: &impl StateRead,
    factor: RiskFactor<'_>,
    now: UnixSeconds,
    params: &DerivativesParams,
) -> Result<u128, String> {
    let mark = match factor {
        RiskFactor::Index(class) => {
            let weighting = greenhour_index::api::Weighting::Volume;
            greenhour_index::api::price(state, class, &Denom::gusd(), weighting, now, params.max_index_age_secs)
                .map(math::from_wad)
                .map_err(|e| e.to_string())?
        }
        RiskFactor::Tranche(package, tranche) => {
            let wad = greenhour_rwa::api::total_return_wad(state, greenhour_rwa::PackageId(package), tranche, now)
                .map_err(|e| e.to_string())?;
            math::mul_div_down(wad, math::UNITS_PER_CONTRACT, math::WAD).ok_or("total return overflow")?
        }
    };
    if mark == 0 {
        return Err("the price is below 1 ugusd a contract".into());
    }
    Ok(mark)
}

/// The mark an order or margin check may use: taken this hour or the last, from a fresh index.
pub(crate) fn fresh_mark(series: &Series, now_hour: u64) -> Result<u128, DerivativesError> {
    let stale = |reason: String| DerivativesError::StaleIndex { class: series.instrument.risk_factor().name(), reason };
    match series.mark {
        None => Err(stale("no index price yet".into())),
        Some(_) if series.stale => Err(stale("the index had no fresh fill at the last marking".into())),
        Some(_) if series.mark_hour + 1 < now_hour => {
            Err(stale(format!("the last mark is from hour {}", series.mark_hour)))
        }
        Some(m) => Ok(m),
    }
}

fn list(
    state: &mut impl StateWrite,
    signer: &Address,
    instrument: &Instrument,
    now: UnixSeconds,
    params: &DerivativesParams,
) -> Result<(), DerivativesError> {
    let bad = |m: String| Err(DerivativesError::InvalidInstrument(m));
    match instrument.risk_factor() {
        RiskFactor::Index(class) if !greenhour_index::api::CLASSES.contains(&class) => {
            return bad(format!("no index for class {class:?} (home, regional, datacentre, btc_miner)"));
        }
        RiskFactor::Tranche(package, tranche) => {
            let p = greenhour_rwa::api::package(state, greenhour_rwa::PackageId(package))
                .map_err(|e| DerivativesError::InvalidInstrument(e.to_string()))?;
            if tranche as usize >= p.tranches.len() {
                return bad(format!("package {package} has {} tranches", p.tranches.len()));
            }
        }
        RiskFactor::Index(_) => {}
    }
    let now_hour = now / HOUR;
    let horizon = now_hour + params.max_days_ahead * 24;
    match instrument {
        Instrument::Future { day, .. } if instrument.end_hour() <= now_hour || day.saturating_mul(24) > horizon => {
            return bad(format!(
                "delivery day {day} must not have ended and start within {} days",
                params.max_days_ahead
            ));
        }
        Instrument::Option { expiry_hour, strike, .. } => {
            if *expiry_hour <= now_hour || *expiry_hour > horizon {
                return bad(format!(
                    "expiry hour {expiry_hour} must be after now ({now_hour}) and within {} days",
                    params.max_days_ahead
                ));
            }
            if *strike == 0 || *strike > math::MAX_PRICE {
                return bad("a strike from 1 to 10^15 ugusd".into());
            }
        }
        Instrument::Swap { leg, maturity_hour, .. } => {
            if *maturity_hour <= now_hour || *maturity_hour > horizon {
                return bad(format!(
                    "maturity hour {maturity_hour} must be after now ({now_hour}) and within {} days",
                    params.max_days_ahead
                ));
            }
            let (Leg::Fixed { rate_bps } | Leg::Floating { spread_bps: rate_bps, .. }) = leg;
            if *rate_bps > math::MAX_FIXED_RATE_BPS {
                return bad(format!("a fixed rate or spread of at most {} bps a year", math::MAX_FIXED_RATE_BPS));
            }
            if let Leg::Floating { market, .. } = leg {
                match greenhour_lending::api::market(state, greenhour_lending::MarketId(*market)) {
                    Ok(m) if m.loan == greenhour_primitives::Denom::gusd() => {}
                    Ok(m) => return bad(format!("lending market {market} lends {}, not ugusd", m.loan)),
                    Err(_) => return bad(format!("no lending market {market} to float on")),
                }
            }
        }
        _ => {}
    }
    let name = instrument.name();
    if let Some(series) = state.get(&keys::instrument(&name))? {
        return Err(DerivativesError::AlreadyListed { name, series });
    }
    let mut registry = state::registry(state)?;
    if registry.live_series >= params.max_live_series {
        return Err(DerivativesError::TooMany { what: "live series", max: params.max_live_series });
    }
    let id = registry.next_series.max(1);
    registry.next_series = id + 1;
    registry.live_series += 1;
    let mark = factor_mark(state, instrument.risk_factor(), now, params).ok();
    let series = Series {
        id,
        instrument: instrument.clone(),
        listed_by: *signer,
        listed_at: now,
        mark,
        mark_hour: now_hour,
        stale: mark.is_none(),
        funding_index: 0,
        funding_rate: 0,
        fill_hour: 0,
        hour_contracts: 0,
        hour_notional: 0,
        open_interest: 0,
        volume: 0,
        last_price: None,
        settlement: None,
        settled_on_fallback: false,
    };
    state.put(&keys::registry(), &registry);
    state.put(&keys::series(id), &series);
    state.put(&keys::live(id), &());
    state.put(&keys::instrument(&name), &id);
    state.emit(DerivativesEvent::Listed { series: id, name, by: *signer, mark: mark.unwrap_or(0) }.into());
    Ok(())
}

/// Takes an order out of the book and its owner's count.
pub(crate) fn close_order(state: &mut impl StateWrite, o: &Order, reason: &str) -> Result<(), DerivativesError> {
    unlink_order(state, o);
    let mut a = state::account(state, &o.owner)?
        .ok_or_else(|| DerivativesError::Corrupt(format!("order {} has no account", o.id)))?;
    a.orders = a.orders.saturating_sub(1);
    state.put(&keys::account(&o.owner), &a);
    state.emit(DerivativesEvent::Closed { order: o.id, owner: o.owner, reason: reason.into() }.into());
    Ok(())
}

/// Deletes an order's keys (the caller fixes its owner's count).
pub(crate) fn unlink_order(state: &mut impl StateWrite, o: &Order) {
    state.delete(&keys::order(o.id));
    state.delete(&keys::book_entry(o.series, o.side, o.price, o.id));
    state.delete(&keys::owner_order(&o.owner, o.id));
}
