//! The hourly income waterfall. Whatever the packaged positions earned in gUSD
//! (job settlements and slot sales pay the NFT's holder: the package's custody
//! address) is swept once an hour and paid, in this order:
//! 1. the issuer's fee (`fee_bps` of it);
//! 2. each coupon-bearing tranche's accrued coupon, most senior first;
//! 3. from maturity on, each coupon-bearing tranche's principal, most senior first;
//! 4. the rest to the reserve, which the residual tranche's value holds.
//!
//! Payouts to holders cost O(1): the tranche's payout per unit grows and each
//! holding collects `units × (per unit − snapshot)` when it next moves or claims.
//! Income in other denoms (jobs' GHR incentives) goes to the issuer, announced.

use super::{account, gusd, overflow, HOUR};
use crate::event::RwaEvent;
use crate::math;
use crate::state::{self, custody, Package};
use crate::{keys, RwaError};
use greenhour_bank::api as bank;
use greenhour_framework::StateWrite;
use greenhour_primitives::{Denom, UnixSeconds};

pub fn sweep_if_due(state: &mut impl StateWrite, now: UnixSeconds) -> Result<(), RwaError> {
    let hour = now / HOUR;
    if state.get(&keys::swept_hour())?.is_some_and(|h| h >= hour) {
        return Ok(());
    }
    // A chain with no packages writes nothing here.
    let packages = state::packages(state)?;
    if packages.is_empty() {
        return Ok(());
    }
    state.put(&keys::swept_hour(), &hour);
    for p in packages {
        sweep(state, &p, now)?;
    }
    Ok(())
}

/// Brings each coupon-bearing tranche's owed coupon up to `now` (rounded up).
pub fn accrue_coupons(state: &mut impl StateWrite, p: &Package, now: UnixSeconds) -> Result<(), RwaError> {
    for i in 0..p.residual() {
        let mut t = state::tranche(state, p.id, i)?;
        let elapsed = now.saturating_sub(t.accrued_at);
        let owed = overflow(math::coupon_up(t.principal, p.tranches[i as usize].coupon_bps, elapsed))?;
        t.coupon_owed = overflow(t.coupon_owed.checked_add(owed))?;
        let weighted = overflow(t.principal.checked_mul(u128::from(elapsed)))?;
        t.principal_seconds = overflow(t.principal_seconds.checked_add(weighted))?;
        t.accrued_at = now;
        state.put(&keys::tranche(p.id, i), &t);
    }
    Ok(())
}

/// Pays up to `left` to tranche `i`'s holders (the units not waiting in redemptions),
/// capped by `due(tranche)`; `book(tranche, paid)` lowers what was due. Returns what it paid.
fn pay_tranche(
    state: &mut impl StateWrite,
    p: &Package,
    i: u32,
    left: u128,
    due: impl Fn(&state::Tranche) -> u128,
    book: impl Fn(&mut state::Tranche, u128),
) -> Result<u128, RwaError> {
    let mut t = state::tranche(state, p.id, i)?;
    let held = t.units.saturating_sub(t.pending_redeem);
    let pay = left.min(due(&t));
    if pay == 0 || held == 0 {
        return Ok(0);
    }
    let per_unit = overflow(math::per_unit_down(pay, held))?;
    t.payout_per_unit_wad = overflow(t.payout_per_unit_wad.checked_add(per_unit))?;
    book(&mut t, pay);
    state.put(&keys::tranche(p.id, i), &t);
    Ok(pay)
}

fn sweep(state: &mut impl StateWrite, p: &Package, now: UnixSeconds) -> Result<(), RwaError> {
    let from = custody(p.id);
    let mut received = 0;
    for coin in bank::balances(state, &from)? {
        if coin.denom == Denom::gusd() {
            received = coin.amount;
            bank::transfer(state, &from, &account(), &coin)?;
        } else {
            bank::transfer(state, &from, &p.issuer, &coin)?;
            state.emit(
                RwaEvent::OtherIncome { package: p.id, denom: coin.denom.to_string(), amount: coin.amount }.into(),
            );
        }
    }
    if received == 0 {
        return Ok(());
    }
    accrue_coupons(state, p, now)?;
    let fee = overflow(math::mul_div_down(received, u128::from(p.fee_bps), math::BPS))?;
    if fee > 0 {
        bank::transfer(state, &account(), &p.issuer, &gusd(fee))?;
    }
    let mut left = received - fee;
    let mut flow = state::Flow { hour: now / HOUR, received, fee, ..Default::default() };
    for i in 0..p.residual() {
        let paid = pay_tranche(
            state,
            p,
            i,
            left,
            |t| t.coupon_owed,
            |t, paid| {
                t.coupon_owed -= paid;
                t.coupons_paid += paid;
            },
        )?;
        left -= paid;
        flow.coupons.push(paid);
    }
    for i in 0..p.residual() {
        let paid = if now >= p.maturity {
            pay_tranche(
                state,
                p,
                i,
                left,
                |t| t.principal,
                |t, paid| {
                    t.principal -= paid;
                    t.principal_repaid += paid;
                },
            )?
        } else {
            0
        };
        left -= paid;
        flow.principal.push(paid);
    }
    flow.to_reserve = left;
    let (coupons, principal) = (flow.coupons.iter().sum(), flow.principal.iter().sum());
    let mut book = state::book(state, p.id)?;
    book.reserve = overflow(book.reserve.checked_add(left))?;
    book.income = overflow(book.income.checked_add(received))?;
    book.fees = overflow(book.fees.checked_add(fee))?;
    book.coupons = overflow(book.coupons.checked_add(coupons))?;
    book.principal = overflow(book.principal.checked_add(principal))?;
    state.put(&keys::book(p.id), &book);
    state.put(&keys::flow(p.id, flow.hour), &flow);
    state.emit(RwaEvent::Income { package: p.id, received, fee, coupons, principal, to_reserve: left }.into());
    Ok(())
}
