//! Check and execute for market actions. Every handler: checks → accrue (time) →
//! compute → write → post-condition → event.

use crate::math::{self, MIN_LIQUIDITY, PPM};
use crate::params::HOUR;
use crate::state::{self, lp_denom, MarketPool};
use crate::{event, Exact, MarketAction, MarketError, NAME};
use greenhour_bank::api as bank;
use greenhour_framework::{Action, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};

/// The market module account: holds every pool's reserves.
pub fn custody() -> Address {
    // A hash of the module name: computed once, read on every transfer.
    static CUSTODY: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *CUSTODY.get_or_init(|| Address::for_module(NAME))
}

/// The fee collector's module account (its address is a hash of its name, and the
/// app refuses a genesis without it).
fn fee_collector() -> Address {
    static COLLECTOR: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *COLLECTOR.get_or_init(|| Address::for_module("fee_collector"))
}

fn deadline(deadline: UnixSeconds, tx: &TxCtx) -> Result<(), MarketError> {
    if tx.block.time > deadline {
        return Err(MarketError::DeadlinePassed { deadline, now: tx.block.time });
    }
    Ok(())
}

fn open_pool(state: &impl StateRead, slot: &Denom, now: UnixSeconds) -> Result<MarketPool, MarketError> {
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
            MarketAction::BuyHours { hours, slots_per_hour, .. } => *hours > 0 && *slots_per_hour > 0,
        };
        if !positive {
            return Err(MarketError::ZeroAmount);
        }
        match self {
            MarketAction::Create { slot, quote, .. } | MarketAction::BuyHours { first_slot: slot, quote, .. } => {
                state::parse_slot(slot)?;
                if *quote != Denom::gusd() && *quote != Denom::ghr() {
                    return Err(MarketError::InvalidDenom(format!("quote {quote} is not ugusd or ughr")));
                }
            }
            _ => {}
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
                let payer = Payer { slots_from: tx.signer, quote_from: tx.signer, shares_to: tx.signer };
                add_liquidity(state, tx.block.time, slot, &payer, *max_slots, *max_quote, *min_shares).map(|_| ())
            }
            MarketAction::RemoveLiquidity { slot, shares, min_slots, min_quote, deadline: d } => {
                deadline(*d, tx)?;
                let limits = (*min_slots, *min_quote);
                remove_liquidity(state, tx.block.time, slot, &tx.signer, &tx.signer, *shares, limits).map(|_| ())
            }
            MarketAction::Swap { slot, buy_slots, exact, limit, deadline: d } => {
                deadline(*d, tx)?;
                swap(state, tx, slot, *buy_slots, *exact, *limit)
            }
            MarketAction::BuyHours { first_slot, hours, slots_per_hour, quote, max_total, deadline: d } => {
                deadline(*d, tx)?;
                buy_hours(state, &tx.signer, tx.block.time, first_slot, *hours, *slots_per_hour, quote, *max_total)
                    .map(|_| ())
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
    let hour = state::parse_slot(slot)?.hour;
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
        observations: Vec::new(),
        withdrawn: 0,
    };
    state::put_pool(state, &pool);
    state.emit(event::created(&pool));
    Ok(())
}

/// Who pays and who is paid in a deposit: a user pays both sides and takes the
/// shares; the pools module deposits a position's slots from its custody with the
/// position owner's quote and keeps the shares for the position.
pub struct Payer {
    pub slots_from: Address,
    pub quote_from: Address,
    pub shares_to: Address,
}

/// What a deposit or withdrawal moved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moved {
    pub slots: u128,
    pub quote: u128,
    pub shares: u128,
}

/// Deposits at most `max_slots` and `max_quote` in the pool's ratio for LP shares.
/// Post-condition: the pool's reserves grew by exactly what was paid, `v ≤ y`
/// holds, and `shares_to` holds `minted` more LP shares.
pub fn add_liquidity(
    state: &mut impl StateWrite,
    now: UnixSeconds,
    slot: &Denom,
    payer: &Payer,
    max_slots: u128,
    max_quote: u128,
    min_shares: u128,
) -> Result<Moved, MarketError> {
    if max_slots == 0 || max_quote == 0 {
        return Err(MarketError::ZeroAmount);
    }
    let mut pool = open_pool(state, slot, now)?;
    let overflow = || MarketError::Overflow;
    let first = pool.shares == 0;
    let (slots, quote, minted) = if first {
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
    if first {
        pool.observe(); // the price history starts with the first deposit
    }
    pay_in(state, &payer.slots_from, slot, slots)?;
    pay_in(state, &payer.quote_from, &pool.quote, quote)?;
    bank::mint(state, NAME, &payer.shares_to, &Coin::new(lp_denom(slot), minted))?;
    state::put_pool(state, &pool);
    state.emit(event::liquidity(true, &pool, &payer.shares_to, slots, quote, minted));
    Ok(Moved { slots, quote, shares: minted })
}

/// Burns `holder`'s `shares` and pays `pay_to` `⌊s·x/S⌋` slots (none after the hour
/// ended: they were burned) and `⌊s·y/S⌋` quote, each at least its limit.
/// Post-condition: the shares are burned, `v ≤ y`, and the pool's price is unchanged
/// up to rounding in the pool's favour (a withdrawal costs the other LPs nothing).
pub fn remove_liquidity(
    state: &mut impl StateWrite,
    now: UnixSeconds,
    slot: &Denom,
    holder: &Address,
    pay_to: &Address,
    shares: u128,
    (min_slots, min_quote): (u128, u128),
) -> Result<Moved, MarketError> {
    if shares == 0 {
        return Err(MarketError::ZeroAmount);
    }
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
    bank::transfer(state, holder, &custody(), &lp)?;
    bank::burn(state, NAME, &lp)?;
    let remaining = pool.shares - shares; // the holder's shares are part of the total
    pool.v = math::mul_div_up(pool.v, remaining, pool.shares).ok_or(overflow())?;
    pool.shares = remaining;
    pool.x -= slots;
    pool.y -= quote;
    pool.v = pool.v.min(pool.y);
    pay_out(state, pay_to, slot, slots)?;
    pay_out(state, pay_to, &pool.quote, quote)?;
    state::put_pool(state, &pool);
    state.emit(event::liquidity(false, &pool, holder, slots, quote, shares));
    Ok(Moved { slots, quote, shares })
}

/// Withdraws `holder`'s shares because the capacity behind them left its pool: as
/// [`remove_liquidity`] with no limits, paid to `holder`, and counted in the pool's
/// `withdrawn` so a buyer asking for those slots is told why they are gone.
pub fn withdraw_capacity(
    state: &mut impl StateWrite,
    now: UnixSeconds,
    slot: &Denom,
    holder: &Address,
    shares: u128,
) -> Result<Moved, MarketError> {
    let moved = remove_liquidity(state, now, slot, holder, holder, shares, (0, 0))?;
    let mut pool = state::pool(state, slot)?;
    pool.withdrawn = pool.withdrawn.checked_add(moved.slots).ok_or(MarketError::Overflow)?;
    state::put_pool(state, &pool);
    state.emit(event::capacity_withdrawn(&pool, moved.slots, moved.quote));
    Ok(moved)
}

/// A swap priced against a pool brought up to the block time, not yet executed.
pub struct Priced {
    pub pool: MarketPool,
    pub buy_slots: bool,
    pub amount_in: u128,
    pub amount_out: u128,
}

/// Prices a swap against `slot`'s pool as of `now` without executing it.
pub fn price(
    state: &impl StateRead,
    slot: &Denom,
    now: UnixSeconds,
    buy_slots: bool,
    exact: Exact,
) -> Result<Priced, MarketError> {
    let pool = open_pool(state, slot, now)?;
    let (amount_in, amount_out) = match pool.quote(buy_slots, exact) {
        // Asking for more slots than are left after capacity left is its own error.
        Err(MarketError::InsufficientLiquidity) if buy_slots && pool.withdrawn > 0 => {
            return Err(MarketError::CapacityWithdrawn {
                slot: slot.clone(),
                withdrawn: pool.withdrawn,
                available: pool.x,
            });
        }
        other => other?,
    };
    Ok(Priced { pool, buy_slots, amount_in, amount_out })
}

/// Executes a priced swap for `signer` and records the fill in the index.
/// Post-condition: `x·v` did not decrease, `v ≤ y`, the signer paid `in` and received
/// `out`; the protocol's part of the fee went to the fee collector.
fn execute_swap(state: &mut impl StateWrite, signer: &Address, now: UnixSeconds, p: Priced) -> Result<(), MarketError> {
    let Priced { mut pool, buy_slots, amount_in, amount_out } = p;
    // The protocol's part of the fee, rounded down (the LPs keep the remainder).
    let fee = math::mul_div_down(amount_in, pool.fee_ppm as u128, PPM).ok_or(MarketError::Overflow)?;
    let protocol = math::mul_div_down(fee, pool.protocol_share_ppm as u128, PPM).ok_or(MarketError::Overflow)?;
    let to_pool = amount_in - protocol;
    let slot = pool.slot.clone();
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
    pay_in(state, signer, &in_denom, amount_in)?;
    pay_out(state, signer, &out_denom, amount_out)?;
    if protocol > 0 {
        bank::transfer(state, &custody(), &fee_collector(), &Coin::new(in_denom, protocol))?;
    }
    state::put_pool(state, &pool);
    let (slots, quote) = if buy_slots { (amount_out, amount_in) } else { (amount_in, amount_out) };
    let name = state::parse_slot(&slot)?;
    if name.is_gpu_hours() {
        greenhour_index::api::record_fill(state, name.class, &slot, &pool.quote, slots, quote, now)?;
    }
    state.emit(event::swapped(&pool, signer, buy_slots, slots, quote));
    Ok(())
}

fn swap(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    slot: &Denom,
    buy_slots: bool,
    exact: Exact,
    limit: u128,
) -> Result<(), MarketError> {
    let priced = price(state, slot, tx.block.time, buy_slots, exact)?;
    match exact {
        Exact::In(_) if priced.amount_out < limit || priced.amount_out == 0 => {
            return Err(MarketError::SlippageExceeded { got: priced.amount_out, limit });
        }
        Exact::Out(_) if priced.amount_in > limit => {
            return Err(MarketError::SlippageExceeded { got: priced.amount_in, limit });
        }
        _ => {}
    }
    execute_swap(state, &tx.signer, tx.block.time, priced)
}

/// Prices buying `slots_per_hour` slots of each of `hours` consecutive hours from
/// `first_slot`'s, in pools quoted in `quote`, as of `now`: the legs and their total.
pub fn route(
    state: &impl StateRead,
    first_slot: &Denom,
    hours: u32,
    slots_per_hour: u128,
    quote: &Denom,
    now: UnixSeconds,
) -> Result<(Vec<Priced>, u128), MarketError> {
    let name = state::parse_slot(first_slot)?;
    let mut legs = Vec::with_capacity(hours as usize);
    let mut total: u128 = 0;
    for hour in name.hour..name.hour.saturating_add(hours as u64) {
        let slot = name.at_hour(hour);
        let priced = price(state, &slot, now, true, Exact::Out(slots_per_hour))?;
        if priced.pool.quote != *quote {
            return Err(MarketError::MixedQuote { slot, quote: priced.pool.quote.clone(), expected: quote.clone() });
        }
        total = total.checked_add(priced.amount_in).ok_or(MarketError::Overflow)?;
        legs.push(priced);
    }
    Ok((legs, total))
}

/// Buys `slots_per_hour` slots in each of `hours` consecutive hours from
/// `first_slot`'s, all priced in `quote`, for at most `max_total` in all, paid by
/// and delivered to `buyer` (the signer, or a module account such as the jobs
/// escrow). Every hour is priced before anything moves, so the purchase is all or
/// nothing. Returns the total paid.
/// Post-condition: `buyer` holds `slots_per_hour` more of each hour's slots and
/// paid the sum of the hours' exact-out prices, at most `max_total`.
#[allow(clippy::too_many_arguments)]
pub fn buy_hours(
    state: &mut impl StateWrite,
    buyer: &Address,
    now: UnixSeconds,
    first_slot: &Denom,
    hours: u32,
    slots_per_hour: u128,
    quote: &Denom,
    max_total: u128,
) -> Result<u128, MarketError> {
    let max_hours = state::params(state)?.max_route_hours;
    if hours > max_hours {
        return Err(MarketError::RouteTooLong { hours, max: max_hours });
    }
    let (legs, total) = route(state, first_slot, hours, slots_per_hour, quote, now)?;
    if total > max_total {
        return Err(MarketError::SlippageExceeded { got: total, limit: max_total });
    }
    for priced in legs {
        execute_swap(state, buyer, now, priced)?;
    }
    state.emit(event::bought_hours(first_slot, buyer, hours, slots_per_hour, quote, total));
    Ok(total)
}
