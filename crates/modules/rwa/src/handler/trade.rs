//! The secondary market: a central limit order book per tranche against gUSD,
//! with price-time priority (the best price first, then the oldest offer), as
//! the venues that list tokenised securities run it. Every fill is a transfer
//! under the package's rules: the buyer must be allowed to hold the units after
//! the fill (identity, jurisdiction, accreditation, holder and holding caps),
//! checked at each fill, since a resting buyer's claim can lapse.
//!
//! - A bid escrows `⌈units × price⌉` gUSD in the module's account; an ask lists
//!   units in the seller's holding (`Holding::listed`), so they keep earning
//!   payouts and nothing else can move them.
//! - A taker fills against the opposite side at the resting offers' prices, at
//!   most `MAX_FILLS` offers an action; what is left rests at its limit, or is
//!   returned with `immediate_only`.
//! - A fill pays the seller `⌊units × price⌋`: the seller bears the rounding, under
//!   1 ugusd a fill, so a bid's escrow always covers its fills.
//! - A resting buyer that fails compliance at a fill has its bid closed and
//!   refunded; a frozen seller's asks are passed over (the agent may unfreeze).
//! - No offer fills against its owner's own.

use super::{account, ensure_may_hold, ensure_may_hold_among, gusd, overflow, settle, tranche_of};
use crate::event::RwaEvent;
use crate::math::{self, WAD};
use crate::state::{self, Offer, Package, PackageId, Side, Tranche};
use crate::{keys, RwaError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::{Address, UnixSeconds};

/// Most resting offers one action fills against (bounds its work).
pub const MAX_FILLS: usize = 64;

/// Places an offer: fills against the book, then rests what is left (or returns it).
#[allow(clippy::too_many_arguments)]
pub fn place(
    state: &mut impl StateWrite,
    who: &Address,
    id: PackageId,
    tranche: u32,
    side: Side,
    units: u128,
    price_wad: u128,
    immediate_only: bool,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    let p = state::package(state, id)?;
    tranche_of(&p, tranche)?;
    let mut t = state::tranche(state, id, tranche)?;
    match side {
        Side::Buy => {
            let held = state::holding(state, id, tranche, who)?.units;
            ensure_may_hold(state, &p, tranche, who, Some(overflow(held.checked_add(units))?), now)?;
            let escrow = overflow(math::mul_div_up(units, price_wad, WAD))?;
            greenhour_bank::api::transfer(state, who, &account(), &gusd(escrow))?;
            let (filled, spent) = take_asks(state, &p, tranche, &mut t, who, units, price_wad, now)?;
            let left = units - filled;
            let cash = escrow - spent;
            if left == 0 || immediate_only {
                if cash > 0 {
                    greenhour_bank::api::transfer(state, &account(), who, &gusd(cash))?;
                }
            } else {
                rest(state, &mut t, Offer::new(who, &p, tranche, side, price_wad, left, cash, now))?;
            }
        }
        Side::Sell => {
            let h = state::holding(state, id, tranche, who)?;
            ensure_free(state, &p, who, &h, units, now)?;
            let filled = take_bids(state, &p, tranche, &mut t, who, units, price_wad, now)?;
            let left = units - filled;
            if left > 0 && !immediate_only {
                let mut h = state::holding(state, id, tranche, who)?;
                h.listed = overflow(h.listed.checked_add(left))?;
                state.put(&keys::holding(id, tranche, who), &h);
                rest(state, &mut t, Offer::new(who, &p, tranche, side, price_wad, left, 0, now))?;
            }
        }
    }
    state.put(&keys::tranche(id, tranche), &t);
    Ok(())
}

/// Units `who` may sell or move now: not frozen, past the lock-up, not listed.
pub fn ensure_free(
    state: &impl StateRead,
    p: &Package,
    who: &Address,
    h: &state::Holding,
    units: u128,
    now: UnixSeconds,
) -> Result<(), RwaError> {
    if state::is_frozen(state, p.id, who)? {
        return Err(RwaError::Compliance { who: *who, why: "is frozen".into() });
    }
    let free = h.units - h.listed.min(h.units);
    if units > free {
        return Err(RwaError::Insufficient { held: free, asked: units });
    }
    if h.locked_until > now {
        return Err(RwaError::LockedUp { until: h.locked_until });
    }
    Ok(())
}

impl Offer {
    #[allow(clippy::too_many_arguments)]
    fn new(
        who: &Address,
        p: &Package,
        tranche: u32,
        side: Side,
        price_wad: u128,
        units: u128,
        escrow: u128,
        now: UnixSeconds,
    ) -> Offer {
        Offer { id: 0, package: p.id, tranche, owner: *who, side, price_wad, units, escrow, placed_at: now }
    }
}

fn rest(state: &mut impl StateWrite, t: &mut Tranche, mut o: Offer) -> Result<(), RwaError> {
    let max = state::params(state)?.max_orders;
    if t.offers >= max {
        return Err(RwaError::TooManyOrders(max));
    }
    o.id = state.get(&keys::next_offer())?.unwrap_or(1);
    state.put(&keys::next_offer(), &(o.id + 1));
    t.offers += 1;
    state.put(&keys::offer(o.id), &o);
    state.put(&keys::book_entry(o.package, o.tranche, o.side, o.price_wad, o.id), &());
    state.put(&keys::owner_offer(&o.owner, o.package, o.tranche, o.id), &());
    state.emit(
        RwaEvent::Offered {
            package: o.package,
            tranche: o.tranche,
            offer: o.id,
            owner: o.owner,
            side: o.side.name().into(),
            units: o.units,
            price_wad: o.price_wad,
        }
        .into(),
    );
    Ok(())
}

/// Removes an offer from the book: a bid's escrow goes back to its owner, an
/// ask's units are unlisted.
pub fn close(state: &mut impl StateWrite, t: &mut Tranche, o: &Offer, why: &str) -> Result<(), RwaError> {
    state.delete(&keys::offer(o.id));
    state.delete(&keys::book_entry(o.package, o.tranche, o.side, o.price_wad, o.id));
    state.delete(&keys::owner_offer(&o.owner, o.package, o.tranche, o.id));
    t.offers -= 1;
    match o.side {
        Side::Buy if o.escrow > 0 => greenhour_bank::api::transfer(state, &account(), &o.owner, &gusd(o.escrow))?,
        Side::Buy => {}
        Side::Sell => {
            let mut h = state::holding(state, o.package, o.tranche, &o.owner)?;
            h.listed -= o.units.min(h.listed);
            state.put(&keys::holding(o.package, o.tranche, &o.owner), &h);
        }
    }
    state.emit(RwaEvent::OfferClosed { offer: o.id, why: why.into() }.into());
    Ok(())
}

/// Cancels an offer of the signer's.
pub fn cancel(state: &mut impl StateWrite, who: &Address, offer: u64) -> Result<(), RwaError> {
    let o = state::offer(state, offer)?;
    if o.owner != *who {
        return Err(RwaError::UnknownOffer(offer));
    }
    let mut t = state::tranche(state, o.package, o.tranche)?;
    close(state, &mut t, &o, "cancelled")?;
    state.put(&keys::tranche(o.package, o.tranche), &t);
    Ok(())
}

/// Closes every ask `who` has in a tranche (the agent's forced transfer takes the
/// units from under them).
pub fn close_asks_of(
    state: &mut impl StateWrite,
    t: &mut Tranche,
    who: &Address,
    id: PackageId,
    tranche: u32,
) -> Result<(), RwaError> {
    for o in state::offers_of(state, who, id, tranche)? {
        if o.side == Side::Sell {
            close(state, t, &o, "forced transfer")?;
        }
    }
    Ok(())
}

/// Moves `units` from a seller's holding (listed ones when `listed`) to a buyer's,
/// the buyer already cleared; the recipient inherits no lock-up, as in a transfer.
fn deliver(
    state: &mut impl StateWrite,
    p: &Package,
    tranche: u32,
    t: &mut Tranche,
    (seller, buyer): (&Address, &Address),
    units: u128,
    listed: bool,
) -> Result<(), RwaError> {
    let mut s = state::holding(state, p.id, tranche, seller)?;
    let before = s.units;
    settle(&mut s, t)?;
    s.units -= units;
    if listed {
        s.listed -= units;
    }
    super::put_holding(state, p.id, tranche, seller, t, before, &s);
    let mut b = state::holding(state, p.id, tranche, buyer)?;
    let before = b.units;
    settle(&mut b, t)?;
    b.units = overflow(b.units.checked_add(units))?;
    super::put_holding(state, p.id, tranche, buyer, t, before, &b);
    Ok(())
}

fn traded(
    state: &mut impl StateWrite,
    p: &Package,
    tranche: u32,
    (seller, buyer): (&Address, &Address),
    (units, price_wad, cash): (u128, u128, u128),
) {
    state.emit(
        RwaEvent::Traded { package: p.id, tranche, seller: *seller, buyer: *buyer, units, price_wad, cash }.into(),
    );
}

/// A buyer takes asks priced at most `limit`, best first; returns units bought and gUSD spent.
#[allow(clippy::too_many_arguments)]
fn take_asks(
    state: &mut impl StateWrite,
    p: &Package,
    tranche: u32,
    t: &mut Tranche,
    buyer: &Address,
    units: u128,
    limit: u128,
    now: UnixSeconds,
) -> Result<(u128, u128), RwaError> {
    let (mut filled, mut spent) = (0u128, 0u128);
    for mut ask in state::book_side(state, p.id, tranche, Side::Sell, MAX_FILLS)? {
        if ask.price_wad > limit || filled == units {
            break;
        }
        if ask.owner == *buyer || state::is_frozen(state, p.id, &ask.owner)? {
            continue;
        }
        let fill = (units - filled).min(ask.units);
        let after = overflow(state::holding(state, p.id, tranche, buyer)?.units.checked_add(fill))?;
        ensure_may_hold_among(state, p, tranche, buyer, Some((after, t.holders)), now)?;
        let cash = overflow(math::mul_div_down(fill, ask.price_wad, WAD))?;
        deliver(state, p, tranche, t, (&ask.owner, buyer), fill, true)?;
        if cash > 0 {
            greenhour_bank::api::transfer(state, &account(), &ask.owner, &gusd(cash))?;
        }
        traded(state, p, tranche, (&ask.owner, buyer), (fill, ask.price_wad, cash));
        ask.units -= fill;
        if ask.units == 0 {
            // Its units are delivered: nothing left listed to unlist.
            close(state, t, &ask, "filled")?;
        } else {
            state.put(&keys::offer(ask.id), &ask);
        }
        filled += fill;
        spent += cash;
    }
    Ok((filled, spent))
}

/// A seller hits bids priced at least `limit`, best first; returns units sold.
#[allow(clippy::too_many_arguments)]
fn take_bids(
    state: &mut impl StateWrite,
    p: &Package,
    tranche: u32,
    t: &mut Tranche,
    seller: &Address,
    units: u128,
    limit: u128,
    now: UnixSeconds,
) -> Result<u128, RwaError> {
    let mut filled = 0u128;
    for mut bid in state::book_side(state, p.id, tranche, Side::Buy, MAX_FILLS)? {
        if bid.price_wad < limit || filled == units {
            break;
        }
        if bid.owner == *seller {
            continue;
        }
        let fill = (units - filled).min(bid.units);
        let after = overflow(state::holding(state, p.id, tranche, &bid.owner)?.units.checked_add(fill))?;
        if ensure_may_hold_among(state, p, tranche, &bid.owner, Some((after, t.holders)), now).is_err() {
            close(state, t, &bid, "the buyer may no longer hold")?;
            continue;
        }
        let cash = overflow(math::mul_div_down(fill, bid.price_wad, WAD))?.min(bid.escrow);
        deliver(state, p, tranche, t, (seller, &bid.owner), fill, false)?;
        if cash > 0 {
            greenhour_bank::api::transfer(state, &account(), seller, &gusd(cash))?;
        }
        traded(state, p, tranche, (seller, &bid.owner), (fill, bid.price_wad, cash));
        bid.units -= fill;
        bid.escrow -= cash;
        if bid.units == 0 {
            close(state, t, &bid, "filled")?;
        } else {
            state.put(&keys::offer(bid.id), &bid);
        }
        filled += fill;
    }
    Ok(filled)
}
