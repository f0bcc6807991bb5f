use crate::state::{Member, Pool, Position, Ticket};
use greenhour_primitives::{Address, Coin};
use greenhour_state::Event;

pub fn created(p: &Pool) -> Event {
    Event::new("pools.created").attr("pool", p.id).attr("creator", p.creator).attr("class", format!("{:?}", p.class))
}
pub fn joined(m: &Member) -> Event {
    Event::new("pools.joined").attr("pool", m.pool).attr("device", m.device).attr("stake", m.stake)
}
pub fn ticket(t: &Ticket) -> Event {
    Event::new("pools.ticket").attr("pool", t.pool).attr("device", t.device).attr("draw_epoch", t.draw_epoch)
}
pub fn lottery_lost(t: &Ticket, why: &str) -> Event {
    Event::new("pools.lottery_lost").attr("pool", t.pool).attr("device", t.device).attr("why", why)
}
pub fn pledged(p: &Position, owner: &Address) -> Event {
    Event::new("pools.pledged")
        .attr("position", p.serial)
        .attr("pool", p.pool)
        .attr("device", p.device)
        .attr("first_hour", p.first_hour)
        .attr("hours", p.hours)
        .attr("quantity", p.quantity)
        .attr("owner", owner)
}
pub fn released(position: u64, to: &Address, coin: &Coin) -> Event {
    Event::new("pools.released").attr("position", position).attr("to", to).attr("amount", coin)
}
pub fn leaving(m: &Member, withdrawn: u64) -> Event {
    Event::new("pools.leaving")
        .attr("pool", m.pool)
        .attr("device", m.device)
        .attr("why", m.leaving_reason.clone().unwrap_or_default())
        .attr("withdrawn", withdrawn)
}
pub fn left(m: &Member) -> Event {
    Event::new("pools.left").attr("pool", m.pool).attr("device", m.device).attr("stake_returned", m.stake)
}
pub fn hour_closed(hour: u64, coin: &Coin) -> Event {
    Event::new("pools.hour_expired").attr("hour", hour).attr("burned", coin)
}
pub fn extended(p: &Position, first_new_hour: u64, hours: u32) -> Event {
    Event::new("pools.extended")
        .attr("position", p.serial)
        .attr("first_new_hour", first_new_hour)
        .attr("hours", hours)
        .attr("quantity", p.quantity)
}
/// A position's liquidity moved (`provided`: its slots went into the hour's market
/// pool, the LP shares kept for it; `withdrew`: shares burned for slots and quote
/// paid to its owner).
pub fn liquidity(
    kind: &str,
    serial: u64,
    owner: &Address,
    slot: &greenhour_primitives::Denom,
    slots: u128,
    quote: u128,
    shares: u128,
) -> Event {
    Event::new(format!("pools.{kind}"))
        .attr("position", serial)
        .attr("owner", owner)
        .attr("slot", slot)
        .attr("slots", slots)
        .attr("quote", quote)
        .attr("shares", shares)
}
