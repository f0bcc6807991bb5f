//! What each lending action does. Every action accrues its market's interest
//! first (O(1): one rate-model step over the time since the last touch), changes
//! totals and the position, checks its named post-condition (`ensure_healthy`,
//! `ensure_liquidity`) and only then moves coins and NFTs.

use crate::action::{LendingAction, Size};
use crate::event::LendingEvent;
use crate::math::{self, WAD};
use crate::params::LendingParams;
use crate::state::{self, escrow, Collateral, Market, MarketId, MarketTotals, Pledge, Position};
use crate::{keys, LendingError};
use greenhour_framework::{BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};

mod slots;

const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;

/// The module's account: it holds supplied loan assets and token collateral.
pub fn account() -> Address {
    static ACCOUNT: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *ACCOUNT.get_or_init(|| Address::for_module(crate::NAME))
}

fn overflow<T>(v: Option<T>) -> Result<T, LendingError> {
    v.ok_or(LendingError::Overflow)
}

pub fn execute(state: &mut impl StateWrite, tx: &TxCtx, action: &LendingAction) -> Result<(), LendingError> {
    let now = tx.block.time;
    let signer = tx.signer;
    match action {
        LendingAction::CreateMarket { loan, collateral, lltv_wad } => {
            create_market(state, &signer, loan, collateral, *lltv_wad, now)
        }
        LendingAction::Supply { market, assets } => supply(state, &signer, *market, *assets, now),
        LendingAction::Withdraw { market, amount } => withdraw(state, &signer, *market, *amount, now),
        LendingAction::Borrow { market, assets } => borrow(state, &signer, *market, *assets, now),
        LendingAction::Repay { market, amount } => repay(state, &signer, *market, *amount, now),
        LendingAction::SupplyCollateral { market, amount } => supply_collateral(state, &signer, *market, *amount),
        LendingAction::WithdrawCollateral { market, amount } => {
            withdraw_collateral(state, &signer, *market, *amount, now)
        }
        LendingAction::Pledge { market, serial } => pledge(state, &signer, *market, *serial, now),
        LendingAction::Release { market, serial } => release(state, &signer, *market, *serial, now),
        LendingAction::Liquidate { market, borrower, repay, serial } => {
            liquidate(state, &signer, *market, borrower, *repay, *serial, now)
        }
        LendingAction::Provide { market, serial, hour, quantity, max_quote, min_shares } => {
            provide(state, &signer, *market, *serial, *hour, *quantity, (*max_quote, *min_shares), now)
        }
        LendingAction::SupplySlots { market, hour, quantity } => {
            slots::supply(state, &signer, *market, *hour, *quantity, now)
        }
        LendingAction::WithdrawSlots { market, hour, quantity } => {
            slots::withdraw(state, &signer, *market, *hour, *quantity, now)
        }
        LendingAction::LiquidateSlots { market, borrower, hour, quantity } => {
            slots::liquidate(state, &signer, *market, borrower, *hour, *quantity, now)
        }
    }
}

// ---- accrual -----------------------------------------------------------------

/// `totals` brought up to `now`: interest at the rate model's average rate over
/// the elapsed time, added to both borrow and supply assets. Returns the interest
/// and the rate used. Pure: the caller decides whether to store it.
pub fn accrued(
    totals: &MarketTotals,
    params: &LendingParams,
    now: UnixSeconds,
) -> Result<(MarketTotals, u128, u128), LendingError> {
    let mut t = *totals;
    let elapsed = now.saturating_sub(t.last_update);
    if elapsed == 0 {
        return Ok((t, 0, 0));
    }
    let utilisation = utilisation_wad(&t);
    let (rate, rate_at_target) = params.rate_model.borrow_rate(utilisation, t.rate_at_target_wad, elapsed);
    let growth = overflow(math::taylor_compounded_down(rate, elapsed))?;
    let interest = overflow(math::mul_div_down(t.borrow_assets, growth, WAD))?;
    t.borrow_assets = overflow(t.borrow_assets.checked_add(interest))?;
    t.supply_assets = overflow(t.supply_assets.checked_add(interest))?;
    t.rate_at_target_wad = rate_at_target;
    t.last_update = now;
    Ok((t, interest, rate))
}

pub fn utilisation_wad(t: &MarketTotals) -> u128 {
    if t.supply_assets == 0 {
        0
    } else {
        math::mul_div_down(t.borrow_assets, WAD, t.supply_assets).unwrap_or(WAD).min(WAD)
    }
}

/// Accrues a market's interest to `now` and stores it.
fn accrue(state: &mut impl StateWrite, id: MarketId, now: UnixSeconds) -> Result<MarketTotals, LendingError> {
    let params = state::params(state)?;
    let (totals, interest, rate) = accrued(&state::stored_totals(state, id)?, &params, now)?;
    state.put(&keys::totals(id), &totals);
    if interest > 0 {
        state.emit(LendingEvent::Accrued { market: id, interest, borrow_rate_wad: rate }.into());
    }
    Ok(totals)
}

fn put_position(state: &mut impl StateWrite, id: MarketId, owner: &Address, p: &Position) {
    if p.is_empty() {
        state.delete(&keys::position(id, owner));
    } else {
        state.put(&keys::position(id, owner), p);
    }
}

/// What a position owes, rounded up (what repaying all of it costs).
pub fn debt_up(p: &Position, t: &MarketTotals) -> Result<u128, LendingError> {
    overflow(math::to_assets_up(p.borrow_shares, t.borrow_assets, t.borrow_shares))
}

// ---- prices and collateral value ---------------------------------------------

/// A price read that passed its checks (fresh, positive, reporters within the
/// allowed spread), in loan units per collateral unit, WAD.
fn token_price_wad(
    state: &impl StateRead,
    feed: &str,
    now: UnixSeconds,
    params: &LendingParams,
) -> Result<u128, LendingError> {
    greenhour_oracle::api::read_price(state, feed, now, params.max_feed_spread_bps)
        .map_err(|e| LendingError::PriceUnavailable(e.to_string()))
}

/// The Green Compute Index price of one GPU-hour of `class` in `loan`, WAD: the
/// window's volume-weighted average, refused when its last fill is too old or the
/// current hour's price strays too far from it.
pub fn index_price_wad(
    state: &impl StateRead,
    class: greenhour_devices::DeviceClass,
    loan: &Denom,
    now: UnixSeconds,
    params: &LendingParams,
) -> Result<u128, LendingError> {
    let name = greenhour_pools::api::class_name(class);
    let v = greenhour_index::api::value(state, name, loan, now)
        .map_err(|e| LendingError::PriceUnavailable(e.to_string()))?;
    let price = v.price_wad.ok_or_else(|| LendingError::PriceUnavailable(format!("the {name} index has no fills")))?;
    let last = v.last_fill.unwrap_or(0);
    if now.saturating_sub(last) > params.max_index_age {
        return Err(LendingError::PriceUnavailable(format!(
            "the {name} index's last fill is {} s old (limit {} s)",
            now.saturating_sub(last),
            params.max_index_age
        )));
    }
    if let Some(hour_price) = v.hour_price_wad {
        let gap = hour_price.abs_diff(price);
        if math::mul_div_up(gap, 10_000, price).unwrap_or(u128::MAX) > params.max_index_deviation_bps as u128 {
            return Err(LendingError::PriceUnavailable(format!(
                "the {name} index moved more than {} bps this hour",
                params.max_index_deviation_bps
            )));
        }
    }
    Ok(price)
}

/// One pledged position NFT's worth and when it perishes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NftWorth {
    /// Future pledged units still unsold (hours after the current one).
    pub units: u128,
    /// The device's share of the window's seconds it reported telemetry for, and
    /// the green share of the compute energy it reported, bps.
    pub uptime_bps: u32,
    pub green_bps: u32,
    /// The device's uptime × green-share factor, bps.
    pub factor_bps: u32,
    /// `price × units × factor`, in loan units, rounded down.
    pub value: u128,
    /// End of its last live hour: its loan-to-value limit is 0 from then on.
    pub expires_at: UnixSeconds,
}

/// Values a position NFT at `price_wad` per unit: only the hours after the current
/// one count (the current hour's slots no longer trade), less units already sold
/// or released and hours withdrawn when the device left; times the device's
/// measured uptime over the window and a green factor of ½ + ½·green share.
pub fn nft_worth(
    state: &impl StateRead,
    serial: u64,
    price_wad: u128,
    now: UnixSeconds,
    params: &LendingParams,
) -> Result<NftWorth, LendingError> {
    let p = greenhour_pools::api::position(state, serial)?;
    let now_hour = now / HOUR;
    let end_hour = p.first_hour.saturating_add(p.hours as u64).min(p.withdrawn_from.unwrap_or(u64::MAX));
    let mut units: u128 = 0;
    for i in 0..p.hours as usize {
        let hour = p.first_hour + i as u64;
        if hour <= now_hour || hour >= end_hour {
            continue;
        }
        let released = p.released.get(i).copied().unwrap_or(0);
        units += p.quantity.saturating_sub(released) as u128;
    }
    let device = greenhour_devices::api::device(state, p.device)?;
    let first_day = (now / DAY).saturating_sub(params.device_window_days);
    let totals = greenhour_devices::api::window_totals(state, &device, first_day)?;
    let uptime_bps = bps_down(totals.reported_seconds, now.saturating_sub(first_day * DAY));
    let green_bps = bps_down(totals.green_compute_wh, totals.compute_wh);
    let factor_bps = (uptime_bps as u64 * (5_000 + green_bps as u64 / 2) / 10_000) as u32;
    let gross = overflow(math::mul_div_down(price_wad, units, WAD))?;
    let value = overflow(math::mul_div_down(gross, factor_bps as u128, 10_000))?;
    Ok(NftWorth { units, uptime_bps, green_bps, factor_bps, value, expires_at: end_hour.saturating_mul(HOUR) })
}

fn bps_down(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part as u128 * 10_000) / whole as u128).min(10_000) as u32
    }
}

/// The trusted price of a market's collateral now: loan units per token unit, or
/// per GPU-hour of the class (WAD). Fails with `PriceUnavailable` when it cannot be trusted.
pub fn collateral_price_wad(
    state: &impl StateRead,
    market: &Market,
    now: UnixSeconds,
    params: &LendingParams,
) -> Result<u128, LendingError> {
    match &market.collateral {
        Collateral::Token { feed, .. } => token_price_wad(state, feed, now, params),
        Collateral::Positions { class } | Collateral::Slots { class } => {
            index_price_wad(state, *class, &market.loan, now, params)
        }
    }
}

/// How much a position may owe at `price_wad`: each piece of collateral's value
/// times its (decayed) loan-to-value limit, summed, rounded down.
pub fn borrow_limit_at(
    state: &impl StateRead,
    market: &Market,
    p: &Position,
    price_wad: u128,
    now: UnixSeconds,
    params: &LendingParams,
) -> Result<u128, LendingError> {
    match &market.collateral {
        Collateral::Token { .. } => {
            let value = overflow(math::mul_div_down(p.collateral, price_wad, WAD))?;
            Ok(math::borrow_limit_down(value, market.lltv_wad))
        }
        Collateral::Positions { .. } => {
            let mut limit: u128 = 0;
            for serial in &p.pledged {
                let worth = nft_worth(state, *serial, price_wad, now, params)?;
                let at = math::perishable_limit_down(
                    worth.value,
                    market.lltv_wad,
                    now,
                    worth.expires_at,
                    params.decay_seconds,
                );
                limit = limit.saturating_add(at);
            }
            Ok(limit)
        }
        Collateral::Slots { .. } => slots::borrow_limit_at(market, p, price_wad, now, params),
    }
}

/// How much a position may owe now. A position without collateral may owe
/// nothing and needs no price; otherwise the price must be trusted.
pub fn borrow_limit(
    state: &impl StateRead,
    market: &Market,
    p: &Position,
    now: UnixSeconds,
    params: &LendingParams,
) -> Result<u128, LendingError> {
    if !p.has_collateral() {
        return Ok(0);
    }
    let price = collateral_price_wad(state, market, now, params)?;
    borrow_limit_at(state, market, p, price, now, params)
}

/// The post-condition of every action that adds debt or removes collateral: the
/// position owes at most its borrow limit. A position with no debt needs no price.
fn ensure_healthy(
    state: &impl StateRead,
    market: &Market,
    p: &Position,
    t: &MarketTotals,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    if p.borrow_shares == 0 {
        return Ok(());
    }
    let debt = debt_up(p, t)?;
    let limit = borrow_limit(state, market, p, now, &state::params(state)?)?;
    if debt > limit {
        return Err(LendingError::Unhealthy { debt, limit });
    }
    Ok(())
}

/// The post-condition of withdrawals and borrows: the market never lends out
/// more than was supplied.
fn ensure_liquidity(market: MarketId, t: &MarketTotals, asked: u128) -> Result<(), LendingError> {
    if t.borrow_assets > t.supply_assets {
        let available = t.supply_assets.saturating_sub(t.borrow_assets.saturating_sub(asked));
        return Err(LendingError::InsufficientLiquidity { market, available, asked });
    }
    Ok(())
}

// ---- actions -----------------------------------------------------------------

fn create_market(
    state: &mut impl StateWrite,
    creator: &Address,
    loan: &Denom,
    collateral: &Collateral,
    lltv_wad: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let params = state::params(state)?;
    if !params.lltvs_wad.contains(&lltv_wad) {
        return Err(LendingError::LltvNotApproved { lltv_wad });
    }
    if !params.loan_denoms.contains(loan) {
        return Err(LendingError::LoanDenomNotApproved(loan.clone()));
    }
    if let Collateral::Token { denom, feed } = collateral {
        if denom == loan || !params.collateral_denoms.contains(denom) {
            return Err(LendingError::CollateralNotApproved(denom.clone()));
        }
        greenhour_oracle::api::feed(state, feed).map_err(|e| LendingError::PriceUnavailable(e.to_string()))?;
    }
    let markets = state::markets(state)?;
    if markets.len() >= params.max_markets as usize {
        return Err(LendingError::TooManyMarkets(params.max_markets));
    }
    if let Some(same) =
        markets.iter().find(|m| m.loan == *loan && m.collateral == *collateral && m.lltv_wad == lltv_wad)
    {
        return Err(LendingError::DuplicateMarket(same.id));
    }
    let id = MarketId(state.get(&keys::next_market())?.unwrap_or(1));
    state.put(&keys::next_market(), &(id.0 + 1));
    let market =
        Market { id, loan: loan.clone(), collateral: collateral.clone(), lltv_wad, creator: *creator, created_at: now };
    state.put(&keys::market(id), &market);
    state.put(&keys::totals(id), &MarketTotals { last_update: now, ..Default::default() });
    state.emit(
        LendingEvent::MarketCreated {
            market: id,
            creator: *creator,
            loan: loan.clone(),
            collateral: collateral.name(),
            lltv_wad,
        }
        .into(),
    );
    Ok(())
}

pub(crate) fn supply(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    assets: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let mut t = accrue(state, id, now)?;
    let shares = overflow(math::to_shares_down(assets, t.supply_assets, t.supply_shares))?;
    if shares == 0 {
        return Err(LendingError::ZeroAmount);
    }
    let mut p = state::position(state, id, who)?;
    p.supply_shares = overflow(p.supply_shares.checked_add(shares))?;
    t.supply_shares = overflow(t.supply_shares.checked_add(shares))?;
    t.supply_assets = overflow(t.supply_assets.checked_add(assets))?;
    greenhour_bank::api::transfer(state, who, &account(), &Coin::new(market.loan.clone(), assets))?;
    state.put(&keys::totals(id), &t);
    put_position(state, id, who, &p);
    state.emit(LendingEvent::Supplied { market: id, supplier: *who, assets, shares }.into());
    Ok(())
}

pub(crate) fn withdraw(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    size: Size,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let mut t = accrue(state, id, now)?;
    // Assets asked: burn the shares rounded up; shares given: pay the assets rounded down.
    let (assets, shares) = match size {
        Size::Assets(a) => (a, overflow(math::to_shares_up(a, t.supply_assets, t.supply_shares))?),
        Size::Shares(s) => (overflow(math::to_assets_down(s, t.supply_assets, t.supply_shares))?, s),
    };
    if assets == 0 {
        return Err(LendingError::ZeroAmount);
    }
    let mut p = state::position(state, id, who)?;
    if shares > p.supply_shares {
        return Err(LendingError::Insufficient { what: "supply shares", held: p.supply_shares, asked: shares });
    }
    p.supply_shares -= shares;
    t.supply_shares = overflow(t.supply_shares.checked_sub(shares))?;
    t.supply_assets = t.supply_assets.checked_sub(assets).ok_or(LendingError::InsufficientLiquidity {
        market: id,
        available: t.supply_assets.saturating_sub(t.borrow_assets),
        asked: assets,
    })?;
    ensure_liquidity(id, &t, assets)?;
    state.put(&keys::totals(id), &t);
    put_position(state, id, who, &p);
    greenhour_bank::api::transfer(state, &account(), who, &Coin::new(market.loan.clone(), assets))?;
    state.emit(LendingEvent::Withdrawn { market: id, supplier: *who, assets, shares }.into());
    Ok(())
}

fn borrow(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    assets: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let mut t = accrue(state, id, now)?;
    let shares = overflow(math::to_shares_up(assets, t.borrow_assets, t.borrow_shares))?;
    let mut p = state::position(state, id, who)?;
    p.borrow_shares = overflow(p.borrow_shares.checked_add(shares))?;
    t.borrow_shares = overflow(t.borrow_shares.checked_add(shares))?;
    t.borrow_assets = overflow(t.borrow_assets.checked_add(assets))?;
    ensure_liquidity(id, &t, assets)?;
    ensure_healthy(state, &market, &p, &t, now)?;
    state.put(&keys::totals(id), &t);
    put_position(state, id, who, &p);
    greenhour_bank::api::transfer(state, &account(), who, &Coin::new(market.loan.clone(), assets))?;
    state.emit(LendingEvent::Borrowed { market: id, borrower: *who, assets, shares }.into());
    Ok(())
}

/// Lowers `borrower`'s debt by `assets` paid by `payer` (or all of it, when
/// `assets` covers it). Shares removed round down: the payer never clears more
/// debt than it paid for.
fn pay_debt(
    state: &mut impl StateWrite,
    market: &Market,
    t: &mut MarketTotals,
    p: &mut Position,
    borrower: &Address,
    payer: &Address,
    assets: u128,
) -> Result<u128, LendingError> {
    let debt = debt_up(p, t)?;
    let (assets, shares) = if assets >= debt {
        (debt, p.borrow_shares)
    } else {
        (assets, overflow(math::to_shares_down(assets, t.borrow_assets, t.borrow_shares))?.min(p.borrow_shares))
    };
    if assets == 0 || shares == 0 {
        return Ok(0);
    }
    book_repayment(state, market, t, p, borrower, payer, assets, shares)?;
    Ok(assets)
}

/// Books a repayment the caller has sized: `shares` of `borrower`'s debt cleared
/// for `assets` paid by `payer` (`shares` at most the position's).
#[allow(clippy::too_many_arguments)]
fn book_repayment(
    state: &mut impl StateWrite,
    market: &Market,
    t: &mut MarketTotals,
    p: &mut Position,
    borrower: &Address,
    payer: &Address,
    assets: u128,
    shares: u128,
) -> Result<(), LendingError> {
    p.borrow_shares -= shares;
    t.borrow_shares = overflow(t.borrow_shares.checked_sub(shares))?;
    // Rounding may leave the total a unit below the sum of debts: floor at zero, as Morpho does.
    t.borrow_assets = t.borrow_assets.saturating_sub(assets);
    greenhour_bank::api::transfer(state, payer, &account(), &Coin::new(market.loan.clone(), assets))?;
    state.emit(LendingEvent::Repaid { market: market.id, borrower: *borrower, payer: *payer, assets, shares }.into());
    Ok(())
}

fn repay(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    size: Size,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let mut t = accrue(state, id, now)?;
    let mut p = state::position(state, id, who)?;
    // Assets given: clear the shares they buy, rounded down; shares given: pay their assets rounded up.
    let (assets, shares) = match size {
        Size::Assets(a) => (a, overflow(math::to_shares_down(a, t.borrow_assets, t.borrow_shares))?),
        Size::Shares(s) => (overflow(math::to_assets_up(s, t.borrow_assets, t.borrow_shares))?, s),
    };
    if shares == 0 {
        return Err(LendingError::ZeroAmount);
    }
    if shares > p.borrow_shares {
        return Err(LendingError::Insufficient { what: "debt shares", held: p.borrow_shares, asked: shares });
    }
    book_repayment(state, &market, &mut t, &mut p, who, who, assets, shares)?;
    state.put(&keys::totals(id), &t);
    put_position(state, id, who, &p);
    Ok(())
}

fn token_collateral(market: &Market) -> Result<&Denom, LendingError> {
    match &market.collateral {
        Collateral::Token { denom, .. } => Ok(denom),
        Collateral::Positions { .. } => {
            Err(LendingError::WrongCollateralKind { market: market.id, expected: "position NFT" })
        }
        Collateral::Slots { .. } => {
            Err(LendingError::WrongCollateralKind { market: market.id, expected: "slot token" })
        }
    }
}

fn supply_collateral(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    amount: u128,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let denom = token_collateral(&market)?.clone();
    let mut p = state::position(state, id, who)?;
    p.collateral = overflow(p.collateral.checked_add(amount))?;
    greenhour_bank::api::transfer(state, who, &account(), &Coin::new(denom, amount))?;
    put_position(state, id, who, &p);
    state.emit(LendingEvent::CollateralChanged { market: id, borrower: *who, delta: amount as i128 }.into());
    Ok(())
}

fn withdraw_collateral(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    amount: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let denom = token_collateral(&market)?.clone();
    let t = accrue(state, id, now)?;
    let mut p = state::position(state, id, who)?;
    if amount > p.collateral {
        return Err(LendingError::Insufficient { what: "collateral", held: p.collateral, asked: amount });
    }
    p.collateral -= amount;
    ensure_healthy(state, &market, &p, &t, now)?;
    put_position(state, id, who, &p);
    greenhour_bank::api::transfer(state, &account(), who, &Coin::new(denom, amount))?;
    state.emit(LendingEvent::CollateralChanged { market: id, borrower: *who, delta: -(amount as i128) }.into());
    Ok(())
}

fn position_token(serial: u64) -> greenhour_nft::TokenId {
    greenhour_nft::TokenId { class: greenhour_pools::POSITION_CLASS.to_string(), serial }
}

fn pledge(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    serial: u64,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let Collateral::Positions { class } = market.collateral else {
        return Err(LendingError::WrongCollateralKind { market: id, expected: "token" });
    };
    let refuse = |why: String| LendingError::CannotPledge { serial, why };
    let token = greenhour_nft::api::token(state, &position_token(serial)).map_err(|e| refuse(e.to_string()))?;
    if token.owner != *who {
        return Err(refuse(format!("it is held by {}, not the signer", token.owner)));
    }
    let position = greenhour_pools::api::position(state, serial)?;
    if position.class != class {
        return Err(refuse(format!(
            "it is a {} position; the market takes {}",
            greenhour_pools::api::class_name(position.class),
            greenhour_pools::api::class_name(class)
        )));
    }
    let end = position.first_hour.saturating_add(position.hours as u64).saturating_mul(HOUR);
    if end <= now {
        return Err(refuse("its last hour has passed".into()));
    }
    let params = state::params(state)?;
    let mut p = state::position(state, id, who)?;
    if p.pledged.len() >= params.max_pledged_per_position as usize {
        return Err(refuse(format!("the position already holds {} NFTs", p.pledged.len())));
    }
    let at = p.pledged.binary_search(&serial).unwrap_or_else(|i| i);
    p.pledged.insert(at, serial);
    greenhour_nft::api::transfer(state, who, &position_token(serial), &escrow(serial))?;
    state.put(&keys::pledge(serial), &Pledge { market: id, borrower: *who });
    put_position(state, id, who, &p);
    state.emit(LendingEvent::Pledged { market: id, borrower: *who, serial }.into());
    Ok(())
}

fn take_pledge(p: &mut Position, id: MarketId, borrower: &Address, serial: u64) -> Result<(), LendingError> {
    let at = p.pledged.binary_search(&serial).map_err(|_| LendingError::NotPledged {
        market: id,
        borrower: *borrower,
        serial,
    })?;
    p.pledged.remove(at);
    Ok(())
}

fn release(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    serial: u64,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    if !state::position(state, id, who)?.pledged.contains(&serial) {
        return Err(LendingError::NotPledged { market: id, borrower: *who, serial });
    }
    // What the NFT earned while pledged repays the loan before it leaves.
    apply_income(state, serial, &Pledge { market: id, borrower: *who }, now)?;
    let t = accrue(state, id, now)?;
    let mut p = state::position(state, id, who)?;
    take_pledge(&mut p, id, who, serial)?;
    ensure_healthy(state, &market, &p, &t, now)?;
    greenhour_nft::api::transfer(state, &escrow(serial), &position_token(serial), who)?;
    state.delete(&keys::pledge(serial));
    put_position(state, id, who, &p);
    state.emit(LendingEvent::Released { market: id, borrower: *who, serial }.into());
    Ok(())
}

/// Post-condition: the borrower's position is healthy with the provided slots no
/// longer counted (a pledged NFT is worth its unsold future hours).
#[allow(clippy::too_many_arguments)]
fn provide(
    state: &mut impl StateWrite,
    who: &Address,
    id: MarketId,
    serial: u64,
    hour: u64,
    quantity: u32,
    limits: (u128, u128),
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    match state::pledge(state, serial)? {
        Some(p) if p.market == id && p.borrower == *who => {}
        _ => return Err(LendingError::NotPledged { market: id, borrower: *who, serial }),
    }
    let t = accrue(state, id, now)?;
    greenhour_pools::api::provide_for(state, now, serial, hour, quantity, limits, who)?;
    let p = state::position(state, id, who)?;
    ensure_healthy(state, &market, &p, &t, now)?;
    Ok(())
}

/// Sends what a pledged NFT's escrow received to its loan: the loan denom repays
/// debt first and the rest goes to the borrower, as does every other denom.
pub fn apply_income(
    state: &mut impl StateWrite,
    serial: u64,
    pledge: &Pledge,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let from = escrow(serial);
    let balances = greenhour_bank::api::balances(state, &from)?;
    if balances.is_empty() {
        return Ok(());
    }
    let market = state::market(state, pledge.market)?;
    let mut repaid = 0;
    let mut forwarded = 0;
    for coin in balances {
        let mut left = coin.amount;
        if coin.denom == market.loan {
            let mut t = accrue(state, market.id, now)?;
            let mut p = state::position(state, market.id, &pledge.borrower)?;
            if p.borrow_shares > 0 {
                repaid = pay_debt(state, &market, &mut t, &mut p, &pledge.borrower, &from, left)?;
                left -= repaid;
                t.income_repaid = overflow(t.income_repaid.checked_add(repaid))?;
                state.put(&keys::totals(market.id), &t);
                put_position(state, market.id, &pledge.borrower, &p);
            }
            forwarded += left;
        }
        if left > 0 {
            greenhour_bank::api::transfer(state, &from, &pledge.borrower, &Coin::new(coin.denom.clone(), left))?;
        }
    }
    state.emit(
        LendingEvent::IncomeApplied { market: market.id, borrower: pledge.borrower, serial, repaid, forwarded }.into(),
    );
    Ok(())
}

fn liquidate(
    state: &mut impl StateWrite,
    liquidator: &Address,
    id: MarketId,
    borrower: &Address,
    repay: u128,
    serial: Option<u64>,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    let market = state::market(state, id)?;
    let params = state::params(state)?;
    if let (Some(serial), Collateral::Positions { .. }) = (serial, &market.collateral) {
        if state::position(state, id, borrower)?.pledged.contains(&serial) {
            apply_income(state, serial, &Pledge { market: id, borrower: *borrower }, now)?;
        }
    }
    let mut t = accrue(state, id, now)?;
    let mut p = state::position(state, id, borrower)?;
    let debt = debt_up(&p, &t)?;
    let limit = borrow_limit(state, &market, &p, now, &params)?;
    if debt <= limit {
        return Err(LendingError::Healthy { market: id, borrower: *borrower, debt, limit });
    }
    let incentive = math::incentive_factor_wad(market.lltv_wad);
    let shares_before = p.borrow_shares;
    let (repaid, seized, seized_serial) = match (&market.collateral, serial) {
        (Collateral::Token { denom, feed }, None) => {
            let price = token_price_wad(state, feed, now, &params)?;
            let mut pay = repay.min(debt);
            // Collateral for the repaid value plus the incentive, rounded down.
            let mut seized =
                overflow(math::mul_div_down(overflow(math::mul_div_down(pay, incentive, WAD))?, WAD, price))?;
            if seized > p.collateral {
                seized = p.collateral;
                let worth = overflow(math::mul_div_up(seized, price, WAD))?;
                pay = overflow(math::mul_div_up(worth, WAD, incentive))?.min(debt);
            }
            if pay == 0 || seized == 0 {
                return Err(LendingError::ZeroAmount);
            }
            let paid = pay_debt(state, &market, &mut t, &mut p, borrower, liquidator, pay)?;
            p.collateral -= seized;
            greenhour_bank::api::transfer(state, &account(), liquidator, &Coin::new(denom.clone(), seized))?;
            (paid, seized, 0)
        }
        (Collateral::Positions { class }, Some(serial)) => {
            if !p.pledged.contains(&serial) {
                return Err(LendingError::NotPledged { market: id, borrower: *borrower, serial });
            }
            let price = index_price_wad(state, *class, &market.loan, now, &params)?;
            let worth = nft_worth(state, serial, price, now, &params)?;
            // The liquidator pays the NFT's worth less the incentive, at most the debt.
            let pay = overflow(math::mul_div_up(worth.value, WAD, incentive))?.min(debt);
            let paid = if pay > 0 { pay_debt(state, &market, &mut t, &mut p, borrower, liquidator, pay)? } else { 0 };
            take_pledge(&mut p, id, borrower, serial)?;
            greenhour_nft::api::transfer(state, &escrow(serial), &position_token(serial), liquidator)?;
            state.delete(&keys::pledge(serial));
            (paid, 0, serial)
        }
        (Collateral::Token { .. }, Some(_)) => {
            return Err(LendingError::WrongCollateralKind { market: id, expected: "token" })
        }
        (Collateral::Positions { .. }, None) => {
            return Err(LendingError::WrongCollateralKind { market: id, expected: "position NFT" })
        }
        (Collateral::Slots { .. }, _) => {
            return Err(LendingError::WrongCollateralKind { market: id, expected: "slot token" })
        }
    };
    state.emit(
        LendingEvent::Liquidated {
            market: id,
            borrower: *borrower,
            liquidator: *liquidator,
            repaid,
            shares: shares_before - p.borrow_shares,
            seized,
            serial: seized_serial,
        }
        .into(),
    );
    realise_bad_debt(state, id, borrower, &mut p, &mut t)?;
    state.put(&keys::totals(id), &t);
    put_position(state, id, borrower, &p);
    Ok(())
}

/// Collateral gone and debt left: writes it off against the suppliers (Morpho's
/// bad-debt realisation), so the market's share price tells the truth. The caller
/// stores `p` and `t`.
fn realise_bad_debt(
    state: &mut impl StateWrite,
    id: MarketId,
    borrower: &Address,
    p: &mut Position,
    t: &mut MarketTotals,
) -> Result<(), LendingError> {
    if p.has_collateral() || p.borrow_shares == 0 {
        return Ok(());
    }
    let assets = debt_up(p, t)?.min(t.borrow_assets);
    let shares = p.borrow_shares;
    t.borrow_assets -= assets;
    t.borrow_shares = overflow(t.borrow_shares.checked_sub(shares))?;
    t.supply_assets = t.supply_assets.saturating_sub(assets);
    t.bad_debt = t.bad_debt.saturating_add(assets);
    p.borrow_shares = 0;
    state.emit(LendingEvent::BadDebt { market: id, borrower: *borrower, assets, shares }.into());
    Ok(())
}

/// Once an hour, every pledged NFT's income goes to its loan (settlements and
/// slot sales pay the holder, which is the escrow).
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), LendingError> {
    let hour = ctx.time / HOUR;
    // Slots of hours that have started are worth nothing to a loan: they go back
    // to their owners at once (checked every block: one index read when none are due).
    slots::return_started(state, hour, ctx.time)?;
    let swept = state.get(&keys::swept_hour())?;
    if swept.is_some_and(|h| h >= hour) {
        return Ok(());
    }
    // A chain with no pledges writes nothing here.
    let pledges = state::pledges(state)?;
    if pledges.is_empty() {
        return Ok(());
    }
    state.put(&keys::swept_hour(), &hour);
    for (serial, pledge) in pledges {
        apply_income(state, serial, &pledge, ctx.time)?;
    }
    Ok(())
}
