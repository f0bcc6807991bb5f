//! Check and execute for market actions. Every handler: checks → accrue (time) →
//! compute → write → post-condition → event.

use crate::math::{self, MIN_LIQUIDITY, PPM};
use crate::params::HOUR;
use crate::state::{self, lp_denom, MarketPool};
use crate::{event, Exact, MarketAction, MarketError, NAME};
use greenhour_bank::state as bank;
use greenhour_framework::{Action, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};

/// The market module account: holds every pool's reserves.
pub fn custody() -> Address {
    Address::for_module(NAME)
}

fn deadline(deadline: UnixSeconds, tx: &TxCtx) -> Result<(), MarketError> {
    if tx.block.time > deadline {
        return Err(MarketError::DeadlinePassed { deadline, now: tx.block.time });
    }
    Ok(())
}

fn open_pool(state: &impl StateWrite, slot: &Denom, now: UnixSeconds) -> Result<MarketPool, MarketError> {
    let mut pool = state::pool(state, slot)?;
    if now >= pool.closes_at() {
        return Err(MarketError::HourClosed(slot.clone()));
    }
    pool.accrue(now)?;
    Ok(pool)
}

fn pay_in(state: &mut impl StateWrite, from: &Address, denom: &Denom, amount: u128) -> Result<(), MarketError> {
    if amount > 0 {
        bank::transfer(state, from, &custody(), &Coin::new(denom.clone(), amount))?;
    }
    Ok(())
}

fn pay_out(state: &mut impl StateWrite, to: &Address, denom: &Denom, amount: u128) -> Result<(), MarketError> {
    if amount > 0 {
        bank::transfer(state, &custody(), to, &Coin::new(denom.clone(), amount))?;
    }
    Ok(())
}

impl Action for MarketAction {
    type Error = MarketError;

    fn check(&self) -> Result<(), MarketError> {
        let positive = match self {
            MarketAction::Create { .. } => true,
            MarketAction::AddLiquidity { max_slots, max_quote, .. } => *max_slots > 0 && *max_quote > 0,
            MarketAction::RemoveLiquidity { shares, .. } => *shares > 0,
            MarketAction::Swap { exact: Exact::In(a) | Exact::Out(a), .. } => *a > 0,
        };
        if !positive {
            return Err(MarketError::ZeroAmount);
        }
        if let MarketAction::Create { slot, quote, .. } = self {
            state::slot_hour(slot)?;
            if *quote != Denom::gusd() && *quote != Denom::ghr() {
                return Err(MarketError::InvalidDenom(format!("quote {quote} is not ugusd or ughr")));
            }
        }
        Ok(())
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), MarketError> {
        match self {
            MarketAction::Create { slot, quote, floor_wad, half_life, decay_window } => {
                create(state, tx, slot, quote, *floor_wad, *half_life, *decay_window)
            }
            MarketAction::AddLiquidity { slot, max_slots, max_quote, min_shares, deadline: d } => {
                deadline(*d, tx)?;
                add_liquidity(state, tx, slot, *max_slots, *max_quote, *min_shares)
            }
            MarketAction::RemoveLiquidity { slot, shares, min_slots, min_quote, deadline: d } => {
                deadline(*d, tx)?;
                remove_liquidity(state, tx, slot, *shares, *min_slots, *min_quote)
            }
            MarketAction::Swap { slot, buy_slots, exact, limit, deadline: d } => {
                deadline(*d, tx)?;
                swap(state, tx, slot, *buy_slots, *exact, *limit)
            }
        }
    }
}

fn create(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    slot: &Denom,
    quote: &Denom,
    floor_wad: u128,
    half_life: u64,
    decay_window: u64,
) -> Result<(), MarketError> {
    let hour = state::slot_hour(slot)?;
    let now_hour = tx.block.time / HOUR;
    if hour <= now_hour {
        return Err(MarketError::PastHour { hour, now: now_hour });
    }
    let params = state::params(state)?;
    // Also keeps `hour · 3600` far from overflow for any hour a transaction names.
    let last = now_hour + params.max_hours_ahead;
    if hour > last {
        return Err(MarketError::BeyondHorizon { hour, last });
    }
    if half_life < params.min_half_life || decay_window > params.max_decay_window {
        return Err(MarketError::InvalidSettings(format!(
            "half-life ≥ {} s and decay window ≤ {} s",
            params.min_half_life, params.max_decay_window
        )));
    }
    if state.get(&crate::keys::pool(slot))?.is_some() {
        return Err(MarketError::PoolExists(slot.clone()));
    }
    let pool = MarketPool {
        slot: slot.clone(),
        hour,
        quote: quote.clone(),
        creator: tx.signer,
        x: 0,
        y: 0,
        v: 0,
        shares: 0,
        t_last: tx.block.time,
        floor_wad,
        half_life,
        decay_window,
        fee_ppm: params.fee_ppm,
        protocol_share_ppm: params.protocol_share_ppm,
        price_cumulative: 0,
    };
    state::put_pool(state, &pool);
    state.emit(event::created(&pool));
    Ok(())
}

/// Post-condition: the pool's reserves grew by exactly what the signer paid, `v ≤ y`
/// holds, and the signer holds `minted` more LP shares.
fn add_liquidity(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    slot: &Denom,
    max_slots: u128,
    max_quote: u128,
    min_shares: u128,
) -> Result<(), MarketError> {
    let mut pool = open_pool(state, slot, tx.block.time)?;
    let overflow = || MarketError::Overflow;
    let (slots, quote, minted) = if pool.shares == 0 {
        let minted = math::initial_shares(max_slots, max_quote).ok_or(MarketError::DepositTooSmall)?;
        pool.shares = minted.checked_add(MIN_LIQUIDITY).ok_or(overflow())?;
        pool.v = max_quote;
        (max_slots, max_quote, minted)
    } else {
        let by_slots = math::mul_div_down(max_slots, pool.shares, pool.x).ok_or(overflow())?;
        let by_quote = math::mul_div_down(max_quote, pool.shares, pool.y).ok_or(overflow())?;
        let minted = by_slots.min(by_quote);
        if minted == 0 {
            return Err(MarketError::ZeroAmount);
        }
        // Pay what the shares are worth, rounded up: the pool never gives shares away.
        let slots = math::mul_div_up(minted, pool.x, pool.shares).ok_or(overflow())?.min(max_slots);
        let quote = math::mul_div_up(minted, pool.y, pool.shares).ok_or(overflow())?.min(max_quote);
        pool.v = math::mul_div_down(pool.v, pool.shares + minted, pool.shares).ok_or(overflow())?;
        pool.shares = pool.shares.checked_add(minted).ok_or(overflow())?;
        (slots, quote, minted)
    };
    if minted < min_shares {
        return Err(MarketError::SlippageExceeded { got: minted, limit: min_shares });
    }
    pool.x = pool.x.checked_add(slots).ok_or(overflow())?;
    pool.y = pool.y.checked_add(quote).ok_or(overflow())?;
    pool.v = pool.v.min(pool.y);
    pay_in(state, &tx.signer, slot, slots)?;
    pay_in(state, &tx.signer, &pool.quote, quote)?;
    bank::mint(state, NAME, &tx.signer, &Coin::new(lp_denom(slot), minted))?;
    state::put_pool(state, &pool);
    state.emit(event::liquidity("added", &pool, &tx.signer, slots, quote, minted));
    Ok(())
}

/// Post-condition: the signer's shares are burned and it received `⌊s·x/S⌋` slots
/// (none after the hour ended: they were burned) and `⌊s·y/S⌋` quote; `v ≤ y`.
fn remove_liquidity(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    slot: &Denom,
    shares: u128,
    min_slots: u128,
    min_quote: u128,
) -> Result<(), MarketError> {
    let now = tx.block.time;
    let mut pool = state::pool(state, slot)?;
    if pool.shares == 0 {
        return Err(MarketError::InsufficientLiquidity);
    }
    pool.accrue(now)?;
    // Once the hour has ended its slots are worthless (and burned by the pools sweep):
    // withdrawals pay quote only.
    let live_slots = if pool.expired(now) { 0 } else { pool.x };
    let overflow = || MarketError::Overflow;
    let slots = math::mul_div_down(shares, live_slots, pool.shares).ok_or(overflow())?;
    let quote = math::mul_div_down(shares, pool.y, pool.shares).ok_or(overflow())?;
    if slots < min_slots {
        return Err(MarketError::SlippageExceeded { got: slots, limit: min_slots });
    }
    if quote < min_quote {
        return Err(MarketError::SlippageExceeded { got: quote, limit: min_quote });
    }
    let lp = Coin::new(lp_denom(slot), shares);
    bank::transfer(state, &tx.signer, &custody(), &lp)?;
    bank::burn(state, NAME, &lp)?;
    let remaining = pool.shares - shares; // the signer's shares are part of the total
    pool.v = math::mul_div_up(pool.v, remaining, pool.shares).ok_or(overflow())?;
    pool.shares = remaining;
    pool.x -= slots;
    pool.y -= quote;
    pool.v = pool.v.min(pool.y);
    pay_out(state, &tx.signer, slot, slots)?;
    pay_out(state, &tx.signer, &pool.quote, quote)?;
    state::put_pool(state, &pool);
    state.emit(event::liquidity("removed", &pool, &tx.signer, slots, quote, shares));
    Ok(())
}

/// Post-condition: `x·v` did not decrease, `v ≤ y`, and the signer paid `in` and
/// received `out` within its limit; the protocol's part of the fee went to the fee
/// collector.
fn swap(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    slot: &Denom,
    buy_slots: bool,
    exact: Exact,
    limit: u128,
) -> Result<(), MarketError> {
    let mut pool = open_pool(state, slot, tx.block.time)?;
    let (amount_in, amount_out) = pool.quote(buy_slots, exact)?;
    match exact {
        Exact::In(_) if amount_out < limit || amount_out == 0 => {
            return Err(MarketError::SlippageExceeded { got: amount_out, limit });
        }
        Exact::Out(_) if amount_in > limit => return Err(MarketError::SlippageExceeded { got: amount_in, limit }),
        _ => {}
    }
    // The protocol's part of the fee, rounded down (the LPs keep the remainder).
    let fee = math::mul_div_down(amount_in, pool.fee_ppm as u128, PPM).ok_or(MarketError::Overflow)?;
    let protocol = math::mul_div_down(fee, pool.protocol_share_ppm as u128, PPM).ok_or(MarketError::Overflow)?;
    let to_pool = amount_in - protocol;
    let (in_denom, out_denom) =
        if buy_slots { (pool.quote.clone(), slot.clone()) } else { (slot.clone(), pool.quote.clone()) };
    if buy_slots {
        pool.v = pool.v.checked_add(to_pool).ok_or(MarketError::Overflow)?;
        pool.y = pool.y.checked_add(to_pool).ok_or(MarketError::Overflow)?;
        pool.x -= amount_out; // amount_out < x by the curve
    } else {
        pool.x = pool.x.checked_add(to_pool).ok_or(MarketError::Overflow)?;
        pool.v -= amount_out; // amount_out < v by the curve
        pool.y -= amount_out; // v ≤ y
    }
    pay_in(state, &tx.signer, &in_denom, amount_in)?;
    pay_out(state, &tx.signer, &out_denom, amount_out)?;
    if protocol > 0 {
        let collector = bank::module_account(state, "fee_collector")?.address;
        bank::transfer(state, &custody(), &collector, &Coin::new(in_denom, protocol))?;
    }
    state::put_pool(state, &pool);
    let (slots, quote) = if buy_slots { (amount_out, amount_in) } else { (amount_in, amount_out) };
    state.emit(event::swapped(&pool, &tx.signer, buy_slots, slots, quote));
    Ok(())
}
