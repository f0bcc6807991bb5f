//! Events: every pool, membership, pledge, release, liquidity move and expired
//! hour is one.

use crate::state::{Member, Pool, PoolId, Position, Ticket};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, Amount, Coin, Denom};
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the pools module announces.
    pub enum PoolsEvent in "pools" {
        /// A pool was created (`class` as the class's name, e.g. `Home`).
        Created = "created" { pool: PoolId, creator: Address, class: String },
        /// A device became a member, bonding `stake`.
        Joined = "joined" { pool: PoolId, device: DeviceId, stake: Amount },
        /// A device entered a lottery pool's draw.
        Ticket = "ticket" { pool: PoolId, device: DeviceId, draw_epoch: u64 },
        /// A lottery ticket lost.
        LotteryLost = "lottery_lost" { pool: PoolId, device: DeviceId, why: String },
        /// A position NFT was minted for pledged hours.
        Pledged = "pledged" {
            position: u64,
            pool: PoolId,
            device: DeviceId,
            first_hour: u64,
            hours: u32,
            quantity: u32,
            owner: Address,
        },
        /// Slot tokens left the pool's custody to the position's owner.
        Released = "released" { position: u64, to: Address, amount: Coin },
        /// A member is leaving; `withdrawn` unsold slots were taken back.
        Leaving = "leaving" { pool: PoolId, device: DeviceId, why: String, withdrawn: u64 },
        /// A member left and got its stake back.
        Left = "left" { pool: PoolId, device: DeviceId, stake_returned: Amount },
        /// An hour ended; its unsold slot tokens were burned.
        HourExpired = "hour_expired" { hour: u64, burned: Coin },
        /// A position was extended by `hours` more hours.
        Extended = "extended" { position: u64, first_new_hour: u64, hours: u32, quantity: u32 },
        /// A position's slots went into the hour's market pool; the LP shares are kept for it.
        Provided = "provided" { position: u64, owner: Address, slot: Denom, slots: u128, quote: u128, shares: u128 },
        /// A position's LP shares were burned for slots and quote paid to its owner.
        Withdrew = "withdrew" { position: u64, owner: Address, slot: Denom, slots: u128, quote: u128, shares: u128 },
    }
}

greenhour_framework::event_value_for_id!(PoolId);

pub fn created(p: &Pool) -> Event {
    PoolsEvent::Created { pool: p.id, creator: p.creator, class: format!("{:?}", p.class) }.into()
}
pub fn joined(m: &Member) -> Event {
    PoolsEvent::Joined { pool: m.pool, device: m.device, stake: m.stake }.into()
}
pub fn ticket(t: &Ticket) -> Event {
    PoolsEvent::Ticket { pool: t.pool, device: t.device, draw_epoch: t.draw_epoch }.into()
}
pub fn lottery_lost(t: &Ticket, why: &str) -> Event {
    PoolsEvent::LotteryLost { pool: t.pool, device: t.device, why: why.into() }.into()
}
pub fn pledged(p: &Position, owner: &Address) -> Event {
    PoolsEvent::Pledged {
        position: p.serial,
        pool: p.pool,
        device: p.device,
        first_hour: p.first_hour,
        hours: p.hours,
        quantity: p.quantity,
        owner: *owner,
    }
    .into()
}
pub fn released(position: u64, to: &Address, coin: &Coin) -> Event {
    PoolsEvent::Released { position, to: *to, amount: coin.clone() }.into()
}
pub fn leaving(m: &Member, withdrawn: u64) -> Event {
    PoolsEvent::Leaving { pool: m.pool, device: m.device, why: m.leaving_reason.clone().unwrap_or_default(), withdrawn }
        .into()
}
pub fn left(m: &Member) -> Event {
    PoolsEvent::Left { pool: m.pool, device: m.device, stake_returned: m.stake }.into()
}
pub fn hour_closed(hour: u64, coin: &Coin) -> Event {
    PoolsEvent::HourExpired { hour, burned: coin.clone() }.into()
}
pub fn extended(p: &Position, first_new_hour: u64, hours: u32) -> Event {
    PoolsEvent::Extended { position: p.serial, first_new_hour, hours, quantity: p.quantity }.into()
}
/// A position's liquidity moved (`provided`: its slots went into the hour's market
/// pool, the LP shares kept for it; otherwise shares were burned for slots and
/// quote paid to its owner).
pub fn liquidity(
    provided: bool,
    position: u64,
    owner: &Address,
    slot: &Denom,
    slots: u128,
    quote: u128,
    shares: u128,
) -> Event {
    let (owner, slot) = (*owner, slot.clone());
    if provided {
        PoolsEvent::Provided { position, owner, slot, slots, quote, shares }.into()
    } else {
        PoolsEvent::Withdrew { position, owner, slot, slots, quote, shares }.into()
    }
}
