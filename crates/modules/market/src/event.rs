//! Events: every pool, liquidity change, fill and multi-hour purchase is one.

use crate::state::MarketPool;
use greenhour_primitives::{Address, Denom};
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the market module announces.
    pub enum MarketEvent in "market" {
        /// A pool for one hour's slot token was created.
        Created = "created" { slot: Denom, quote: Denom, creator: Address },
        /// Liquidity went in; `shares` LP shares were minted.
        Added = "added" { slot: Denom, who: Address, slots: u128, quote: u128, shares: u128 },
        /// Liquidity came out; `shares` LP shares were burned.
        Removed = "removed" { slot: Denom, who: Address, slots: u128, quote: u128, shares: u128 },
        /// A fill: what the index module reads (slots, quote, price after).
        Swap = "swap" { slot: Denom, who: Address, side: String, slots: u128, quote: u128, price_wad: u128 },
        /// Inventory taken out because the capacity behind it left its pool.
        CapacityWithdrawn = "capacity_withdrawn" { slot: Denom, slots: u128, quote: u128 },
        /// A multi-hour purchase (each hour's fill is its own `Swap`).
        BoughtHours = "bought_hours" {
            first_slot: Denom,
            who: Address,
            hours: u32,
            slots_per_hour: u128,
            quote: Denom,
            total: u128,
        },
    }
}

pub fn created(p: &MarketPool) -> Event {
    MarketEvent::Created { slot: p.slot.clone(), quote: p.quote.clone(), creator: p.creator }.into()
}
/// `added`: minted shares for liquidity in; `removed`: burned shares for liquidity out.
pub fn liquidity(added: bool, p: &MarketPool, who: &Address, slots: u128, quote: u128, shares: u128) -> Event {
    let (slot, who) = (p.slot.clone(), *who);
    if added {
        MarketEvent::Added { slot, who, slots, quote, shares }.into()
    } else {
        MarketEvent::Removed { slot, who, slots, quote, shares }.into()
    }
}
pub fn swapped(p: &MarketPool, who: &Address, buy_slots: bool, slots: u128, quote: u128) -> Event {
    let side = if buy_slots { "buy" } else { "sell" }.to_string();
    MarketEvent::Swap { slot: p.slot.clone(), who: *who, side, slots, quote, price_wad: p.price_wad() }.into()
}
pub fn capacity_withdrawn(p: &MarketPool, slots: u128, quote: u128) -> Event {
    MarketEvent::CapacityWithdrawn { slot: p.slot.clone(), slots, quote }.into()
}
pub fn bought_hours(first: &Denom, who: &Address, hours: u32, per_hour: u128, quote: &Denom, total: u128) -> Event {
    MarketEvent::BoughtHours {
        first_slot: first.clone(),
        who: *who,
        hours,
        slots_per_hour: per_hour,
        quote: quote.clone(),
        total,
    }
    .into()
}
