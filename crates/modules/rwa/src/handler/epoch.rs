//! Epochs, after Centrifuge's pool system: subscriptions and redemptions wait in
//! orders; when a package's epoch ends, the chain values the package, prices each
//! tranche, and executes the orders in Centrifuge's priority — redemptions from
//! the most senior tranche down, then subscriptions from the most junior up —
//! each tranche as far as the reserve and every tranche's subordination allow
//! (`math::max_redeem`, `math::max_invest`, closed forms of the linear
//! constraints). Orders of one tranche fill at one fraction; what does not fill
//! waits for the next epoch. Every order executes in the epoch's block, so the
//! tranche's totals are the exact sums of what its orders got.
//!
//! Where we differ from Centrifuge: no submission period for solutions from
//! outside. With the constraints linear and the priorities strict, filling each
//! step to its bound in priority order is the solution Centrifuge's scoring
//! ranks first, so the chain computes it itself.

use super::income::accrue_coupons;
use super::{account, credit, ensure_may_hold_among, gusd, overflow, put_order};
use crate::event::RwaEvent;
use crate::math::{self, WAD};
use crate::state::{self, Package};
use crate::{keys, RwaError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::{Denom, UnixSeconds};

/// A package valued now: its assets (NAV), its reserve, and each tranche's value
/// down the seniority (coupon-bearing tranches claim principal and coupon owed to
/// now) and its price per unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Valuation {
    pub nav: u128,
    pub reserve: u128,
    pub values: Vec<u128>,
    pub prices: Vec<u128>,
}

/// The package's value now: each asset at lending's valuation of a position (the
/// index window price × its future unsold pledged hours × its device's uptime and
/// green-share factor), plus the reserve. This is the write-down rule: a device
/// that leaves its pool loses its future hours, one that fails verification or
/// falls silent loses uptime, and the NAV falls by rule, not by anyone's say.
/// Fails with `ValueUnavailable` while the index cannot be trusted.
pub fn valuation(state: &impl StateRead, p: &Package, now: UnixSeconds) -> Result<Valuation, RwaError> {
    let book = state::book(state, p.id)?;
    let mut nav: u128 = 0;
    if !p.assets.is_empty() {
        let price = greenhour_lending::api::index_price(state, p.class, &Denom::gusd(), now)?;
        for serial in &p.assets {
            let value = greenhour_lending::api::position_worth(state, *serial, price, now)?.value;
            nav = overflow(nav.checked_add(value))?;
        }
    }
    let mut claims = Vec::new();
    let mut units = Vec::new();
    for i in 0..p.tranches.len() as u32 {
        let t = state::tranche(state, p.id, i)?;
        if i < p.residual() {
            let accrued = overflow(math::coupon_up(
                t.principal,
                p.tranches[i as usize].coupon_bps,
                now.saturating_sub(t.accrued_at),
            ))?;
            claims.push(overflow(t.principal.checked_add(t.coupon_owed).and_then(|c| c.checked_add(accrued)))?);
        }
        units.push(t.units);
    }
    let total = overflow(nav.checked_add(book.reserve))?;
    let values = math::tranche_values(total, &claims);
    let prices =
        values.iter().zip(&units).map(|(v, u)| overflow(math::price_wad(*v, *u))).collect::<Result<Vec<_>, _>>()?;
    Ok(Valuation { nav, reserve: book.reserve, values, prices })
}

/// Closes every package's epoch that is due.
pub fn close_due(state: &mut impl StateWrite, now: UnixSeconds) -> Result<(), RwaError> {
    for p in state::packages(state)? {
        let book = state::book(state, p.id)?;
        if now >= book.epoch_started.saturating_add(p.epoch_secs) {
            close(state, &p, now)?;
        }
    }
    Ok(())
}

fn subordinations(p: &Package) -> Vec<u32> {
    p.tranches[..p.residual() as usize].iter().map(|t| t.min_subordination_bps).collect()
}

/// Executes one epoch of `p` (or defers it a whole epoch when its value is unavailable).
pub fn close(state: &mut impl StateWrite, p: &Package, now: UnixSeconds) -> Result<(), RwaError> {
    let mut book = state::book(state, p.id)?;
    accrue_coupons(state, p, now)?;
    let val = match valuation(state, p, now) {
        Ok(v) => v,
        Err(RwaError::ValueUnavailable(why)) => {
            state.emit(RwaEvent::EpochDeferred { package: p.id, epoch: book.epoch, why }.into());
            book.epoch_started = now;
            state.put(&keys::book(p.id), &book);
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let mins = subordinations(p);
    let mut values = val.values.clone();
    let mut reserve = book.reserve;
    let n = p.tranches.len();
    let mut invested = vec![0u128; n];
    let mut redeemed = vec![0u128; n];

    // Redemptions, most senior first.
    for k in 0..n {
        let mut t = state::tranche(state, p.id, k as u32)?;
        if t.pending_redeem == 0 {
            continue;
        }
        let price = val.prices[k];
        let wanted = overflow(math::cash_down(t.pending_redeem, price))?;
        let room = math::max_redeem(&values, &mins, k, reserve);
        let fraction = if wanted <= room { WAD } else { overflow(math::mul_div_down(room, WAD, wanted))? };
        let (mut units_out, mut cash_out) = (0u128, 0u128);
        for (who, mut order) in state::orders(state, p.id, k as u32)? {
            if order.redeem == 0 || state::is_frozen(state, p.id, &who)? {
                continue;
            }
            let units = overflow(math::mul_div_down(order.redeem, fraction, WAD))?;
            if units == 0 {
                continue;
            }
            let cash = overflow(math::cash_down(units, price))?;
            order.redeem -= units;
            put_order(state, p.id, k as u32, &who, &mut t, true, &order);
            if cash > 0 {
                greenhour_bank::api::transfer(state, &account(), &who, &gusd(cash))?;
            }
            units_out += units;
            cash_out += cash;
        }
        if k < p.residual() as usize && t.units > 0 {
            // The redeemed units take their share of the claim with them.
            t.principal -= overflow(math::mul_div_down(t.principal, units_out, t.units))?;
            t.coupon_owed -= overflow(math::mul_div_down(t.coupon_owed, units_out, t.units))?;
        }
        t.units -= units_out;
        t.pending_redeem -= units_out;
        state.put(&keys::tranche(p.id, k as u32), &t);
        reserve -= cash_out;
        values[k] = values[k].saturating_sub(cash_out);
        redeemed[k] = units_out;
    }

    // Subscriptions, most junior first.
    for k in (0..n).rev() {
        let mut t = state::tranche(state, p.id, k as u32)?;
        let price = val.prices[k];
        if t.pending_invest == 0 || price == 0 {
            continue;
        }
        let room = math::max_invest(&values, &mins, k);
        let fraction =
            if t.pending_invest <= room { WAD } else { overflow(math::mul_div_down(room, WAD, t.pending_invest))? };
        let (mut units_in, mut cash_in) = (0u128, 0u128);
        for (who, mut order) in state::orders(state, p.id, k as u32)? {
            if order.invest == 0 {
                continue;
            }
            let offered = overflow(math::mul_div_down(order.invest, fraction, WAD))?;
            let mut units = overflow(math::units_down(offered, price))?;
            let held = state::holding(state, p.id, k as u32, &who)?.units;
            if p.rules.max_holding > 0 && who != p.issuer {
                units = units.min(p.rules.max_holding.saturating_sub(held));
            }
            // Compliance again at execution: a claim may have lapsed since the order.
            let after = overflow(held.checked_add(units))?;
            if units == 0 || ensure_may_hold_among(state, p, k as u32, &who, Some((after, t.holders)), now).is_err() {
                continue;
            }
            // The investor pays the units' price, rounded up, never more than offered.
            let cash = overflow(math::mul_div_up(units, price, WAD))?.min(offered);
            order.invest -= cash;
            put_order(state, p.id, k as u32, &who, &mut t, true, &order);
            credit(state, p, k as u32, &mut t, &who, units, now)?;
            units_in += units;
            cash_in += cash;
        }
        if k < p.residual() as usize {
            t.principal = overflow(t.principal.checked_add(cash_in))?;
        }
        t.units = overflow(t.units.checked_add(units_in))?;
        t.pending_invest -= cash_in;
        state.put(&keys::tranche(p.id, k as u32), &t);
        reserve = overflow(reserve.checked_add(cash_in))?;
        values[k] = overflow(values[k].checked_add(cash_in))?;
        invested[k] = cash_in;
    }

    for k in 0..n {
        if invested[k] > 0 || redeemed[k] > 0 {
            let event = RwaEvent::EpochTranche {
                package: p.id,
                epoch: book.epoch,
                tranche: k as u32,
                invested: invested[k],
                redeemed: redeemed[k],
                price_wad: val.prices[k],
            };
            state.emit(event.into());
        }
    }
    state.emit(RwaEvent::EpochClosed { package: p.id, epoch: book.epoch, nav: val.nav, reserve }.into());
    let record = state::EpochRecord {
        epoch: book.epoch,
        closed_at: now,
        nav: val.nav,
        reserve,
        prices_wad: val.prices.clone(),
        invested,
        redeemed,
    };
    state.put(&keys::epoch_record(p.id, book.epoch), &record);
    book.reserve = reserve;
    book.epoch += 1;
    book.epoch_started = now;
    book.last_nav = val.nav;
    state.put(&keys::book(p.id), &book);
    Ok(())
}
