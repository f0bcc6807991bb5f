use crate::state::MarketPool;
use greenhour_primitives::Address;
use greenhour_state::Event;

pub fn created(p: &MarketPool) -> Event {
    Event::new("market.created").attr("slot", &p.slot).attr("quote", &p.quote).attr("creator", p.creator)
}
pub fn liquidity(kind: &str, p: &MarketPool, who: &Address, slots: u128, quote: u128, shares: u128) -> Event {
    Event::new(format!("market.{kind}"))
        .attr("slot", &p.slot)
        .attr("who", who)
        .attr("slots", slots)
        .attr("quote", quote)
        .attr("shares", shares)
}
/// A fill: what the index module will read (slots, quote, price after).
pub fn swapped(p: &MarketPool, who: &Address, buy_slots: bool, slots: u128, quote: u128) -> Event {
    Event::new("market.swap")
        .attr("slot", &p.slot)
        .attr("who", who)
        .attr("side", if buy_slots { "buy" } else { "sell" })
        .attr("slots", slots)
        .attr("quote", quote)
        .attr("price_wad", p.price_wad())
}
/// Inventory taken out because the capacity behind it left its pool.
pub fn capacity_withdrawn(p: &MarketPool, slots: u128, quote: u128) -> Event {
    Event::new("market.capacity_withdrawn").attr("slot", &p.slot).attr("slots", slots).attr("quote", quote)
}
/// A multi-hour purchase (each hour's fill is its own `market.swap`).
pub fn bought_hours(
    first: &greenhour_primitives::Denom,
    who: &Address,
    hours: u32,
    per_hour: u128,
    quote: &greenhour_primitives::Denom,
    total: u128,
) -> Event {
    Event::new("market.bought_hours")
        .attr("first_slot", first)
        .attr("who", who)
        .attr("hours", hours)
        .attr("slots_per_hour", per_hour)
        .attr("quote", quote)
        .attr("total", total)
}
