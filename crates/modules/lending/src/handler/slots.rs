//! Hour-slot tokens as collateral (`Collateral::Slots { class }`): a position holds
//! slots of any hours of the market's class. Each slot is worth the class's index
//! price until its hour starts, and its loan-to-value limit decays linearly to 0
//! over the `decay_seconds` before that start, so a loan against slots becomes
//! liquidatable by time alone and cannot outlive them. When an hour starts, its
//! slots leave the position (their market has closed, so they are worth nothing to
//! the loan) and go back to their owner, whose right to that hour they still are;
//! a position left with debt and no collateral has it written off.

use super::{
    account, accrue, borrow_limit, debt_up, ensure_healthy, index_price_wad, overflow, pay_debt, put_position,
    realise_bad_debt, HOUR,
};
use crate::event::LendingEvent;
use crate::params::LendingParams;
use crate::state::{self, Collateral, Market, MarketId, Position};
use crate::{keys, math, LendingError};
use greenhour_devices::DeviceClass;
use greenhour_framework::StateWrite;
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};

/// What a market takes, as its refusals name it.
fn kind(market: &Market) -> &'static str {
    match market.collateral {
        Collateral::Token { .. } => "token",
        Collateral::Positions { .. } => "position NFT",
        Collateral::Slots { .. } => "slot token",
    }
}

fn slot_class(market: &Market) -> Result<DeviceClass, LendingError> {
    match market.collateral {
        Collateral::Slots { class } => Ok(class),
        _ => Err(LendingError::WrongCollateralKind { market: market.id, expected: kind(market) }),
    }
}

fn slot_denom(class: DeviceClass, hour: u64) -> Denom {
    greenhour_pools::api::slot_denom(greenhour_pools::SlotUnit::GpuHour, class, hour)
}

/// Changes a position's slots of `hour` and keeps the by-hour index in step: an
/// entry exactly while the position holds slots of that hour.
fn change(
    state: &mut impl StateWrite,
    id: MarketId,
    owner: &Address,
    p: &mut Position,
    hour: u64,
    delta: i128,
) -> Result<(), LendingError> {
    let held = p.slots_of(hour);
    p.change_slots(hour, delta).ok_or(LendingError::Insufficient {
        what: "slot collateral",
        held,
        asked: delta.unsigned_abs(),
    })?;
    if p.slots_of(hour) > 0 {
        state.put(&keys::slot_hour(hour, id, owner), &());
    } else {
        state.delete(&keys::slot_hour(hour, id, owner));
    }
    Ok(())
}

fn live(hour: u64, now: UnixSeconds) -> Result<(), LendingError> {
    if hour <= now / HOUR {
        return Err(LendingError::SlotsUnusable { hour, why: "its hour has started" });
    }
    Ok(())
}

pub fn supply(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    hour: u64,
    quantity: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let class = slot_class(&market)?;
    live(hour, now)?;
    let delta = i128::try_from(quantity).map_err(|_| LendingError::Overflow)?;
    let mut p = state::position(state, id, who)?;
    change(state, id, who, &mut p, hour, delta)?;
    greenhour_bank::api::transfer(state, who, &account(), &Coin::new(slot_denom(class, hour), quantity))?;
    put_position(state, id, who, &p);
    state.emit(LendingEvent::SlotCollateralChanged { market: id, borrower: *who, hour, delta }.into());
    Ok(())
}

pub fn withdraw(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    hour: u64,
    quantity: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let class = slot_class(&market)?;
    let delta = i128::try_from(quantity).map_err(|_| LendingError::Overflow)?;
    let t = accrue(state, id, now)?;
    let mut p = state::position(state, id, who)?;
    change(state, id, who, &mut p, hour, -delta)?;
    ensure_healthy(state, &market, &p, &t, now)?;
    put_position(state, id, who, &p);
    greenhour_bank::api::transfer(state, &account(), who, &Coin::new(slot_denom(class, hour), quantity))?;
    state.emit(LendingEvent::SlotCollateralChanged { market: id, borrower: *who, hour, delta: -delta }.into());
    Ok(())
}

/// What a position's slots may borrow at `price_wad` per GPU-hour: each live hour's
/// `price × quantity` times the LLTV decayed towards that hour's start, rounded down.
pub fn borrow_limit_at(
    market: &Market,
    p: &Position,
    price_wad: u128,
    now: UnixSeconds,
    params: &LendingParams,
) -> Result<u128, LendingError> {
    let mut limit: u128 = 0;
    for s in p.slots.iter().filter(|s| s.hour > now / HOUR) {
        let value = overflow(math::mul_div_down(price_wad, s.quantity, math::WAD))?;
        let starts = s.hour.saturating_mul(HOUR);
        limit = limit.saturating_add(math::perishable_limit_down(
            value,
            market.lltv_wad,
            now,
            starts,
            params.decay_seconds,
        ));
    }
    Ok(limit)
}

/// Morpho's liquidation by seized assets: the liquidator names the slots it takes
/// and pays their index value divided by the incentive factor, rounded up, at
/// most the debt (the last slots go for what is left of it).
pub fn liquidate(
    state: &mut impl StateWrite,
    liquidator: &Address,
    id: MarketId,
    borrower: &Address,
    hour: u64,
    quantity: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let class = slot_class(&market)?;
    let params = state::params(state)?;
    let mut t = accrue(state, id, now)?;
    let mut p = state::position(state, id, borrower)?;
    let debt = debt_up(&p, &t)?;
    let limit = borrow_limit(state, &market, &p, now, &params)?;
    if debt <= limit {
        return Err(LendingError::Healthy { market: id, borrower: *borrower, debt, limit });
    }
    let held = p.slots_of(hour);
    if quantity > held {
        return Err(LendingError::Insufficient { what: "slot collateral", held, asked: quantity });
    }
    live(hour, now)?;
    let price = index_price_wad(state, class, &market.loan, now, &params)?;
    let value = overflow(math::mul_div_up(price, quantity, math::WAD))?;
    let pay = overflow(math::mul_div_up(value, math::WAD, math::incentive_factor_wad(market.lltv_wad)))?.min(debt);
    let shares_before = p.borrow_shares;
    let repaid = pay_debt(state, &market, &mut t, &mut p, borrower, liquidator, pay)?;
    let delta = i128::try_from(quantity).map_err(|_| LendingError::Overflow)?;
    change(state, id, borrower, &mut p, hour, -delta)?;
    greenhour_bank::api::transfer(state, &account(), liquidator, &Coin::new(slot_denom(class, hour), quantity))?;
    state.emit(
        LendingEvent::SlotsLiquidated {
            market: id,
            borrower: *borrower,
            liquidator: *liquidator,
            hour,
            quantity,
            repaid,
            shares: shares_before - p.borrow_shares,
        }
        .into(),
    );
    realise_bad_debt(state, id, borrower, &mut p, &mut t)?;
    state.put(&keys::totals(id), &t);
    put_position(state, id, borrower, &p);
    Ok(())
}

/// Returns every slot holding whose hour has started (`hour ≤ now_hour`) to its
/// owner, reading only those index entries; writes off the debt of a position
/// left bare.
pub fn return_started(state: &mut impl StateWrite, now_hour: u64, now: UnixSeconds) -> Result<(), LendingError> {
    loop {
        let page = state.scan::<()>(keys::SLOT_HOUR_PREFIX, keys::SLOT_HOUR_PREFIX, 64)?;
        let mut done = page.len() < 64;
        for (key, ()) in page {
            let corrupt = || LendingError::Corrupt(format!("slot index key {key}"));
            let mut parts = key[keys::SLOT_HOUR_PREFIX.len()..].split('/');
            let hour: u64 = parts.next().and_then(|h| h.parse().ok()).ok_or_else(corrupt)?;
            if hour > now_hour {
                done = true;
                break;
            }
            let id = MarketId(parts.next().and_then(|m| m.parse().ok()).ok_or_else(corrupt)?);
            let owner = parts.next().and_then(Address::from_key_hex).ok_or_else(corrupt)?;
            let class = slot_class(&state::market(state, id)?)?;
            let mut t = accrue(state, id, now)?;
            let mut p = state::position(state, id, &owner)?;
            let quantity = p.slots_of(hour);
            let delta = i128::try_from(quantity).map_err(|_| LendingError::Overflow)?;
            change(state, id, &owner, &mut p, hour, -delta)?;
            greenhour_bank::api::transfer(state, &account(), &owner, &Coin::new(slot_denom(class, hour), quantity))?;
            state.emit(LendingEvent::SlotsReturned { market: id, borrower: owner, hour, quantity }.into());
            realise_bad_debt(state, id, &owner, &mut p, &mut t)?;
            state.put(&keys::totals(id), &t);
            put_position(state, id, &owner, &p);
        }
        if done {
            return Ok(());
        }
    }
}
