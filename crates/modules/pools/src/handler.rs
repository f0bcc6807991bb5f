//! Check and execute for pools actions, and the block hooks (epoch beacon and
//! lottery draw, expiry sweep, member re-checks). Every handler: checks →
//! compute → write → post-condition → event.

use crate::params::{PoolsParams, HOUR, POSITION_CLASS};
use crate::state::{
    self, BeaconState, EntryConditions, Member, MemberStatus, Pool, PoolId, PoolKind, Position, PositionLp, SlotUnit,
    Ticket,
};
use crate::{event, keys, math, PoolsAction, PoolsError, NAME};
use greenhour_devices::{api as devices, Device, DeviceClass, DeviceId, DeviceStatus, DAY};
use greenhour_framework::{Action, BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_nft::TokenId;
use greenhour_primitives::{Address, Coin, Hash, UnixSeconds};
use std::collections::BTreeMap;

/// The pools module account: custody of unsold slots, bonded stakes and tickets.
pub fn custody() -> Address {
    // A hash of the module name: computed once, read on every pledge and sweep.
    static CUSTODY: std::sync::OnceLock<Address> = std::sync::OnceLock::new();
    *CUSTODY.get_or_init(|| Address::for_module(NAME))
}

fn check_conditions(kind: PoolKind, c: &EntryConditions) -> Result<(), PoolsError> {
    let bad = |m: &str| Err(PoolsError::InvalidConditions(m.to_string()));
    if c.min_green_share_bps > 10_000 || c.min_uptime_bps > 10_000 {
        return bad("basis points above 10,000");
    }
    if (c.min_green_share_bps > 0 || c.min_uptime_bps > 0) && c.window_days == 0 {
        return bad("measured conditions need a window of at least one day");
    }
    if kind == PoolKind::GreenCompute && c.min_green_share_bps == 0 {
        return bad("a green_compute pool needs a minimum green share");
    }
    Ok(())
}

/// The full rule set for conditions: the stateless part plus the parameter limits.
pub(crate) fn validate_conditions(kind: PoolKind, c: &EntryConditions, params: &PoolsParams) -> Result<(), PoolsError> {
    check_conditions(kind, c)?;
    if c.window_days > params.max_window_days {
        return Err(PoolsError::InvalidConditions(format!("window longer than {} days", params.max_window_days)));
    }
    Ok(())
}

impl Action for PoolsAction {
    type Error = PoolsError;

    fn check(&self) -> Result<(), PoolsError> {
        match self {
            PoolsAction::Create { kind, conditions, .. } => check_conditions(*kind, conditions),
            PoolsAction::Pledge { hours, quantity, .. } if *hours == 0 || *quantity == 0 => {
                Err(PoolsError::EmptyPledge)
            }
            PoolsAction::Release { quantity: 0, .. }
            | PoolsAction::Extend { hours: 0, .. }
            | PoolsAction::Provide { quantity: 0, .. }
            | PoolsAction::Withdraw { shares: 0, .. } => Err(PoolsError::EmptyPledge),
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), PoolsError> {
        match self {
            PoolsAction::Create { class, kind, conditions } => create(state, tx, *class, *kind, conditions),
            PoolsAction::Join { pool, device } => join(state, tx, *pool, *device),
            PoolsAction::Pledge { pool, device, first_hour, hours, quantity } => {
                pledge(state, tx, *pool, *device, *first_hour, *hours, *quantity)
            }
            PoolsAction::Extend { position, hours } => extend(state, tx, *position, *hours),
            PoolsAction::Release { position, hour, quantity } => release(state, tx, *position, *hour, *quantity),
            PoolsAction::Provide { position, hour, quantity, max_quote, min_shares, deadline } => {
                check_deadline(*deadline, tx)?;
                provide(state, tx, *position, *hour, *quantity, *max_quote, *min_shares)
            }
            PoolsAction::Withdraw { position, hour, shares, min_slots, min_quote, deadline } => {
                check_deadline(*deadline, tx)?;
                withdraw(state, tx, *position, *hour, *shares, (*min_slots, *min_quote))
            }
            PoolsAction::Leave { pool, device } => leave(state, tx, *pool, *device),
        }
    }
}

fn create(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    class: DeviceClass,
    kind: PoolKind,
    conditions: &EntryConditions,
) -> Result<(), PoolsError> {
    validate_conditions(kind, conditions, &state::params(state)?)?;
    let id = PoolId(state.get(&keys::next_pool_id())?.unwrap_or(1));
    let pool = Pool {
        id,
        creator: tx.signer,
        class,
        kind,
        conditions: conditions.clone(),
        members: 0,
        created_at: tx.block.height,
    };
    state.put(&keys::next_pool_id(), &(id.0 + 1));
    state::put_pool(state, &pool);
    state.emit(event::created(&pool));
    Ok(())
}

fn owned_device(state: &impl StateRead, id: DeviceId, signer: &Address) -> Result<Device, PoolsError> {
    let device = devices::device(state, id)?;
    if device.owner != *signer {
        return Err(PoolsError::NotDeviceOwner(id));
    }
    Ok(device)
}

/// Why a device does not (or no longer) qualify for a pool, or `None`.
/// `entering` adds the cell cap, which only entry can break (a member's cell is locked).
fn disqualification(
    state: &impl StateRead,
    pool: &Pool,
    device: &Device,
    now: UnixSeconds,
    params: &PoolsParams,
    entering: bool,
) -> Result<Option<String>, PoolsError> {
    if device.status != DeviceStatus::Active {
        return Ok(Some(format!("device is {:?}", device.status).to_lowercase()));
    }
    if device.class != pool.class {
        return Ok(Some("device class differs from the pool's".into()));
    }
    let recent = device.last_report_end.is_some_and(|end| now.saturating_sub(end) <= params.max_silence_seconds);
    if !recent {
        return Ok(Some(format!("no telemetry in the last {} s", params.max_silence_seconds)));
    }
    let c = &pool.conditions;
    if entering && c.max_devices_per_cell > 0 {
        let in_cell = state::members_in_cell(state, pool.id, device.cell.as_str())?;
        if in_cell >= c.max_devices_per_cell {
            return Ok(Some(format!("cell {} already holds {in_cell} members", device.cell.as_str())));
        }
    }
    if c.window_days > 0 {
        let today = now / DAY;
        let first_day = today.saturating_sub(c.window_days as u64);
        let totals = devices::window_totals(state, device, first_day)?;
        let uptime = math::bps_down(totals.reported_seconds, now - first_day * DAY);
        if uptime < c.min_uptime_bps {
            return Ok(Some(format!("uptime {uptime} bps < {} bps", c.min_uptime_bps)));
        }
        let green = totals.green_share_bps();
        if green < c.min_green_share_bps {
            return Ok(Some(format!("green share {green} bps < {} bps", c.min_green_share_bps)));
        }
    }
    Ok(None)
}

fn not_met(pool: PoolId, device: DeviceId, why: String) -> PoolsError {
    PoolsError::ConditionsNotMet { pool, device, why }
}

/// Post-condition: the device is a member or holds a ticket, and its stake is in custody.
fn join(state: &mut impl StateWrite, tx: &TxCtx, pool_id: PoolId, device_id: DeviceId) -> Result<(), PoolsError> {
    let pool = state::pool(state, pool_id)?;
    let device = owned_device(state, device_id, &tx.signer)?;
    if device.class != pool.class {
        return Err(PoolsError::WrongClass { pool: pool_id, device: device_id });
    }
    if state::member(state, pool_id, device_id)?.is_some() || state.get(&keys::ticket_of(pool_id, device_id))?.is_some()
    {
        return Err(PoolsError::AlreadyMember { pool: pool_id, device: device_id });
    }
    let params = state::params(state)?;
    if state::pools_of(state, device_id)?.len() >= params.max_pools_per_device as usize {
        return Err(PoolsError::TooManyPositions(device_id));
    }
    let now = tx.block.time;
    if let Some(why) = disqualification(state, &pool, &device, now, &params, true)? {
        return Err(not_met(pool_id, device_id, why));
    }
    let stake = pool.conditions.min_stake;
    if stake > 0 {
        greenhour_bank::api::transfer(state, &tx.signer, &custody(), &Coin::ghr(stake))?;
    }
    if pool.conditions.lottery_seats > 0 {
        let draw_epoch = now / params.epoch_seconds + 1;
        let ticket = Ticket { pool: pool_id, device: device_id, owner: tx.signer, stake, draw_epoch };
        state.put(&keys::ticket(draw_epoch, pool_id, device_id), &ticket);
        state.put(&keys::ticket_of(pool_id, device_id), &draw_epoch);
        state.emit(event::ticket(&ticket));
        return Ok(());
    }
    admit(state, pool, &device, tx.signer, stake, now)
}

fn admit(
    state: &mut impl StateWrite,
    mut pool: Pool,
    device: &Device,
    owner: Address,
    stake: u128,
    now: UnixSeconds,
) -> Result<(), PoolsError> {
    let member = Member {
        pool: pool.id,
        device: device.id,
        owner,
        stake,
        status: MemberStatus::Active,
        joined_at: now,
        leaving_reason: None,
    };
    pool.members += 1;
    state::put_pool(state, &pool);
    state::put_member(state, &member);
    state.put(&keys::membership(device.id, pool.id), &());
    state.put(&keys::cell_member(pool.id, device.cell.as_str(), device.id), &());
    devices::set_pool_lock(state, device.id, true)?;
    state.emit(event::joined(&member));
    Ok(())
}

fn active_member(state: &impl StateRead, pool: PoolId, device: DeviceId) -> Result<Member, PoolsError> {
    match state::member(state, pool, device)? {
        Some(m) if m.status == MemberStatus::Active => Ok(m),
        _ => Err(PoolsError::NotMember { pool, device }),
    }
}

/// What a pledge or an extension checked, for the writes that follow.
struct Committed {
    pool: Pool,
    /// The device's live positions (ended ones dropped).
    live: Vec<Position>,
}

/// The checks shared by new pledges and extensions, then the slot minting: the
/// signer owns an active member device that still qualifies; the hours lie in
/// `(now's hour, now's hour + horizon]`; for every hour the device's backed units of
/// this unit, plus `quantity`, stay within its nameplate; a `new_position` stays
/// within the device's live-position limit. Mints `quantity` slot tokens of each
/// hour into custody and indexes the hours for expiry.
#[allow(clippy::too_many_arguments)]
fn commit_capacity(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    pool_id: PoolId,
    device_id: DeviceId,
    first_hour: u64,
    hours: u32,
    quantity: u32,
    new_position: bool,
) -> Result<Committed, PoolsError> {
    let pool = state::pool(state, pool_id)?;
    let device = owned_device(state, device_id, &tx.signer)?;
    active_member(state, pool_id, device_id)?;
    let params = state::params(state)?;
    let now = tx.block.time;
    if let Some(why) = disqualification(state, &pool, &device, now, &params, false)? {
        return Err(not_met(pool_id, device_id, why));
    }
    let now_hour = now / HOUR;
    if first_hour <= now_hour {
        return Err(PoolsError::PastHour { hour: first_hour, now: now_hour });
    }
    let horizon_end = now_hour + params.horizon_hours;
    let last_hour = first_hour.saturating_add(hours as u64 - 1);
    if last_hour > horizon_end {
        return Err(PoolsError::BeyondHorizon { hour: last_hour, last: horizon_end });
    }
    let unit = pool.kind.unit();
    let capacity = unit.capacity(&device.nameplate);
    let live: Vec<Position> =
        state::live_positions(state, device_id)?.into_iter().filter(|p| (p.last_hour() + 1) * HOUR > now).collect();
    if new_position && live.len() >= params.max_live_positions_per_device as usize {
        return Err(PoolsError::TooManyPositions(device_id));
    }
    for hour in first_hour..=last_hour {
        let already: u64 = live.iter().filter(|p| p.unit == unit).map(|p| p.backed(hour) as u64).sum();
        let pledged = already + quantity as u64;
        if pledged > capacity {
            return Err(PoolsError::AboveNameplate { device: device_id, hour, pledged, capacity });
        }
    }
    let green_bps = measured_green_share(state, &pool, &device, now)?;
    let mut slots = Vec::with_capacity(hours as usize);
    for hour in first_hour..=last_hour {
        let denom = state::slot_denom(unit, pool.class, hour);
        greenhour_bank::api::register_perishable(state, NAME, &denom, hour * HOUR)?;
        state.put(&keys::expiry_denom(hour, &denom), &());
        greenhour_index::api::record_supply(state, &denom, quantity as u128, green_bps)?;
        if unit == SlotUnit::GpuHour {
            state::add_capacity(state, pool.class, hour, device_id, quantity as i64)?;
        }
        slots.push(Coin::new(denom, quantity as u128));
    }
    greenhour_bank::api::mint_coins(state, NAME, &custody(), &slots)?;
    Ok(Committed { pool, live })
}

/// The device's green share the index weighs its slots by: over the pool's
/// window when it has one, else over the device's whole reported history.
fn measured_green_share(
    state: &impl StateRead,
    pool: &Pool,
    device: &Device,
    now: UnixSeconds,
) -> Result<u32, PoolsError> {
    let days = pool.conditions.window_days;
    if days == 0 {
        return Ok(device.totals.green_share_bps());
    }
    let first_day = (now / DAY).saturating_sub(days as u64);
    Ok(devices::window_totals(state, device, first_day)?.green_share_bps())
}

fn check_deadline(deadline: UnixSeconds, tx: &TxCtx) -> Result<(), PoolsError> {
    if tx.block.time > deadline {
        return Err(PoolsError::DeadlinePassed { deadline, now: tx.block.time });
    }
    Ok(())
}

/// A position whose NFT the signer owns and which covers `hour`.
fn owned_position(state: &impl StateRead, tx: &TxCtx, serial: u64, hour: u64) -> Result<Position, PoolsError> {
    let position = state::position(state, serial)?;
    if state::position_owner(state, serial)? != tx.signer {
        return Err(PoolsError::NotPositionOwner(serial));
    }
    if !position.covers(hour) {
        return Err(PoolsError::HourNotInPosition { position: serial, hour });
    }
    Ok(position)
}

/// The NFT owner's `Provide` (see [`provide_for`]).
fn provide(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    serial: u64,
    hour: u64,
    quantity: u32,
    max_quote: u128,
    min_shares: u128,
) -> Result<(), PoolsError> {
    owned_position(state, tx, serial, hour)?;
    provide_for(state, tx.block.time, serial, hour, quantity, (max_quote, min_shares), &tx.signer)
}

/// Moves up to `quantity` unsold slots of `hour` from custody into its market pool,
/// with quote from `quote_from`; the LP shares stay in custody for the position and
/// settle to the NFT's holder when the hour ends. The caller has checked who may
/// (the NFT's owner, or `lending` for the borrower of a pledged NFT).
/// Post-condition: custody holds `slots` fewer of the hour's slot tokens and
/// `shares` more LP shares of its market pool, both counted for the position; the
/// position's unsold count fell by `slots`.
pub fn provide_for(
    state: &mut impl StateWrite,
    now: UnixSeconds,
    serial: u64,
    hour: u64,
    quantity: u32,
    (max_quote, min_shares): (u128, u128),
    quote_from: &Address,
) -> Result<(), PoolsError> {
    let mut position = state::position(state, serial)?;
    if !position.covers(hour) {
        return Err(PoolsError::HourNotInPosition { position: serial, hour });
    }
    if position.withdrawn_from.is_some_and(|from| hour >= from) {
        return Err(PoolsError::PositionClosed(serial));
    }
    let unsold = position.unsold(hour);
    if unsold < quantity {
        return Err(PoolsError::NotEnoughUnsold { position: serial, hour, unsold, asked: quantity });
    }
    let slot = state::slot_denom(position.unit, position.class, hour);
    let payer = greenhour_market::api::Payer { slots_from: custody(), quote_from: *quote_from, shares_to: custody() };
    let moved =
        greenhour_market::api::add_liquidity(state, now, &slot, &payer, quantity as u128, max_quote, min_shares)?;
    // The market takes at most `quantity` slots, so this fits u32.
    position.release(hour, moved.slots as u32);
    let key = keys::position_lp(serial, hour);
    let mut lp = state.get(&key)?.unwrap_or_default();
    lp.shares += moved.shares; // bounded by the pool's share total, a u128
    lp.slots += moved.slots as u32;
    state.put(&key, &lp);
    state.put(&keys::lp_hour(hour, serial), &());
    state::put_position(state, &position);
    state.emit(event::liquidity(true, serial, quote_from, &slot, moved.slots, moved.quote, moved.shares));
    Ok(())
}

/// Post-condition: the position's LP shares of the hour fell by `shares`, which were
/// burned, and the NFT owner received their slots and quote.
fn withdraw(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    serial: u64,
    hour: u64,
    shares: u128,
    limits: (u128, u128),
) -> Result<(), PoolsError> {
    let position = owned_position(state, tx, serial, hour)?;
    let key = keys::position_lp(serial, hour);
    let mut lp = state.get(&key)?.unwrap_or_default();
    if lp.shares < shares {
        return Err(PoolsError::NotEnoughShares { position: serial, hour, held: lp.shares, asked: shares });
    }
    let slot = state::slot_denom(position.unit, position.class, hour);
    let moved =
        greenhour_market::api::remove_liquidity(state, tx.block.time, &slot, &custody(), &tx.signer, shares, limits)?;
    if lp.shares == shares {
        state.delete(&key);
        state.delete(&keys::lp_hour(hour, serial));
    } else {
        // The position's slots left behind, pro rata, rounded up: at a later leave
        // the position answers for at least its share.
        let left = lp.shares - shares;
        lp.slots = greenhour_primitives::fixed::mul_div_up(lp.slots as u128, left, lp.shares).unwrap_or(0) as u32;
        lp.shares = left;
        state.put(&key, &lp);
    }
    state.emit(event::liquidity(false, serial, &tx.signer, &slot, moved.slots, moved.quote, shares));
    Ok(())
}

/// Takes a leaving position's inventory out of the market for hours from `from`:
/// its LP shares are withdrawn; up to the position's own slots come back into
/// custody as unsold (the caller burns them with the rest of the unsold units);
/// any further slots and the quote go to the NFT owner, whose shares earned them.
fn withdraw_from_market(
    state: &mut impl StateWrite,
    position: &mut Position,
    from: u64,
    now: UnixSeconds,
) -> Result<(), PoolsError> {
    let prefix = keys::position_lps(position.serial);
    let owner = state::position_owner(state, position.serial)?;
    for (key, lp) in state.prefix::<PositionLp>(&prefix)? {
        let hour = key[prefix.len()..].parse::<u64>().map_err(|_| {
            PoolsError::State(greenhour_state::StateError::Decode { key: key.clone(), reason: "hour".into() })
        })?;
        if hour < from {
            continue;
        }
        let slot = state::slot_denom(position.unit, position.class, hour);
        let moved = greenhour_market::api::withdraw_capacity(state, now, &slot, &custody(), lp.shares)?;
        let back = (moved.slots.min(lp.slots as u128) as u32).min(position.sold(hour));
        position.unrelease(hour, back);
        let extra = moved.slots - back as u128;
        if extra > 0 {
            greenhour_bank::api::transfer(state, &custody(), &owner, &Coin::new(slot.clone(), extra))?;
        }
        if moved.quote > 0 {
            let quote = greenhour_market::api::pool(state, &slot)?.quote;
            greenhour_bank::api::transfer(state, &custody(), &owner, &Coin::new(quote, moved.quote))?;
        }
        state.delete(&keys::position_lp(position.serial, hour));
        state.delete(&keys::lp_hour(hour, position.serial));
    }
    Ok(())
}

/// Pays every position's LP shares of an ended hour to its NFT holder (quote only:
/// the slots perished). The holder is whoever holds the NFT now: a lending escrow
/// when the position is pledged, which sweeps it into the loan. A market refusal
/// (a pool already emptied) leaves the shares for a manual withdrawal.
fn settle_ended_hour(state: &mut impl StateWrite, hour: u64, now: UnixSeconds) -> Result<(), PoolsError> {
    let prefix = keys::lp_hours_of(hour);
    for (key, _) in state.prefix::<()>(&prefix)? {
        let serial: u64 = key[prefix.len()..].parse().map_err(|_| {
            PoolsError::State(greenhour_state::StateError::Decode { key: key.clone(), reason: "serial".into() })
        })?;
        let Some(lp) = state.get(&keys::position_lp(serial, hour))? else {
            state.delete(&keys::lp_hour(hour, serial));
            continue;
        };
        let position = state::position(state, serial)?;
        let owner = state::position_owner(state, serial)?;
        let slot = state::slot_denom(position.unit, position.class, hour);
        match greenhour_market::api::remove_liquidity(state, now, &slot, &custody(), &owner, lp.shares, (0, 0)) {
            Ok(moved) => {
                state.delete(&keys::position_lp(serial, hour));
                state.delete(&keys::lp_hour(hour, serial));
                state.emit(event::liquidity(false, serial, &owner, &slot, moved.slots, moved.quote, lp.shares));
            }
            Err(greenhour_market::MarketError::State(e)) => return Err(PoolsError::State(e)),
            Err(_) => {}
        }
    }
    Ok(())
}

fn position_attributes(p: &Position) -> Vec<(String, String)> {
    vec![
        ("pool".to_string(), p.pool.to_string()),
        ("device".to_string(), p.device.to_string()),
        ("unit".to_string(), format!("{:?}", p.unit)),
        ("first_hour".to_string(), p.first_hour.to_string()),
        ("hours".to_string(), p.hours.to_string()),
        ("quantity".to_string(), p.quantity.to_string()),
    ]
}

/// Post-condition: for every pledged hour, the device's backed units over all its
/// live positions of that unit stay within its nameplate, and the pool's custody
/// holds exactly `quantity` new slot tokens of each hour.
fn pledge(
    state: &mut impl StateWrite,
    tx: &TxCtx,
    pool_id: PoolId,
    device_id: DeviceId,
    first_hour: u64,
    hours: u32,
    quantity: u32,
) -> Result<(), PoolsError> {
    let Committed { pool, live } = commit_capacity(state, tx, pool_id, device_id, first_hour, hours, quantity, true)?;
    let serial = greenhour_nft::api::class(state, POSITION_CLASS)?.next_serial;
    let position = Position {
        serial,
        pool: pool_id,
        device: device_id,
        class: pool.class,
        unit: pool.kind.unit(),
        first_hour,
        hours,
        quantity,
        released: Vec::new(),
        withdrawn_from: None,
        created_at: tx.block.height,
    };
    let token = greenhour_nft::api::mint(state, NAME, POSITION_CLASS, &tx.signer, position_attributes(&position))?;
    debug_assert_eq!(token.serial, serial);
    state::put_position(state, &position);
    let serials: Vec<u64> = live.iter().map(|p| p.serial).chain([position.serial]).collect();
    state::put_live_positions(state, device_id, &serials);
    state.put(&keys::expiry_position(position.last_hour(), position.serial), &());
    state.emit(event::pledged(&position, &tx.signer));
    Ok(())
}

/// Adds `hours` more hours, at the same quantity, right after a position's last
/// hour: the way a device agent pledges each next day without minting a new NFT
/// (as Uniswap v3 adds liquidity to an existing position NFT). The signer must own
/// both the device and the position NFT, so revenue of the new hours goes where the
/// pledger intends.
/// Post-condition: as for a pledge, and the position and its NFT cover the new hours.
fn extend(state: &mut impl StateWrite, tx: &TxCtx, serial: u64, hours: u32) -> Result<(), PoolsError> {
    let mut position = state::position(state, serial)?;
    if state::position_owner(state, serial)? != tx.signer {
        return Err(PoolsError::NotPositionOwner(serial));
    }
    if position.withdrawn_from.is_some() {
        return Err(PoolsError::PositionClosed(serial));
    }
    let first_new = position.last_hour() + 1;
    commit_capacity(state, tx, position.pool, position.device, first_new, hours, position.quantity, false)?;
    state.delete(&keys::expiry_position(position.last_hour(), serial));
    position.hours += hours;
    if !position.released.is_empty() {
        position.released.resize(position.hours as usize, 0);
    }
    greenhour_nft::api::set_attributes(
        state,
        NAME,
        &TokenId { class: POSITION_CLASS.into(), serial },
        position_attributes(&position),
    )?;
    state::put_position(state, &position);
    state.put(&keys::expiry_position(position.last_hour(), serial), &());
    state.emit(event::extended(&position, first_new, hours));
    Ok(())
}

/// Post-condition: custody holds `quantity` fewer slot tokens of the hour and the
/// position owner that many more; the position's unsold count fell by the same.
fn release(state: &mut impl StateWrite, tx: &TxCtx, serial: u64, hour: u64, quantity: u32) -> Result<(), PoolsError> {
    let mut position = state::position(state, serial)?;
    if state::position_owner(state, serial)? != tx.signer {
        return Err(PoolsError::NotPositionOwner(serial));
    }
    let now_hour = tx.block.time / HOUR;
    if hour <= now_hour {
        return Err(PoolsError::PastHour { hour, now: now_hour });
    }
    if !position.covers(hour) {
        return Err(PoolsError::HourNotInPosition { position: serial, hour });
    }
    let unsold = position.unsold(hour);
    if unsold < quantity {
        return Err(PoolsError::NotEnoughUnsold { position: serial, hour, unsold, asked: quantity });
    }
    position.release(hour, quantity);
    let coin = Coin::new(state::slot_denom(position.unit, position.class, hour), quantity as u128);
    greenhour_bank::api::transfer(state, &custody(), &tx.signer, &coin)?;
    state::put_position(state, &position);
    state.emit(event::released(serial, &tx.signer, &coin));
    Ok(())
}

/// Marks a member `leaving` and withdraws (burns) the unsold slots of its hours
/// that have not started. Returns the units withdrawn.
fn start_leaving(
    state: &mut impl StateWrite,
    mut member: Member,
    reason: String,
    now: UnixSeconds,
) -> Result<u64, PoolsError> {
    let mut withdrawn: u64 = 0;
    for mut position in state::live_positions(state, member.device)? {
        if position.pool != member.pool {
            continue;
        }
        // Hours that have not started: the first is the next hour, or the position's first.
        let from = (now / HOUR + 1).max(position.first_hour);
        if from > position.last_hour() || position.withdrawn_from.is_some() {
            continue;
        }
        withdraw_from_market(state, &mut position, from, now)?;
        for hour in from..=position.last_hour() {
            let unsold = position.unsold(hour);
            if unsold > 0 {
                let coin = Coin::new(state::slot_denom(position.unit, position.class, hour), unsold as u128);
                greenhour_bank::api::burn(state, NAME, &coin)?;
                withdrawn += unsold as u64;
            }
        }
        position.withdrawn_from = Some(from);
        if position.unit == SlotUnit::GpuHour {
            for hour in from..=position.last_hour() {
                state::add_capacity(state, position.class, hour, position.device, -(position.withdrawn(hour) as i64))?;
            }
        }
        state::put_position(state, &position);
    }
    member.status = MemberStatus::Leaving;
    member.leaving_reason = Some(reason);
    state::put_member(state, &member);
    state.emit(event::leaving(&member, withdrawn));
    Ok(withdrawn)
}

/// True when some hour the member pledged in its pool has not ended yet.
fn has_hours_to_come(state: &impl StateRead, member: &Member, now: UnixSeconds) -> Result<bool, PoolsError> {
    Ok(state::live_positions(state, member.device)?
        .iter()
        .any(|p| p.pool == member.pool && (p.last_hour() + 1) * HOUR > now))
}

/// Removes a leaving member whose hours have all ended and returns its stake.
fn finish_leaving(state: &mut impl StateWrite, member: &Member) -> Result<(), PoolsError> {
    let mut pool = state::pool(state, member.pool)?;
    let device = devices::device(state, member.device)?;
    if member.stake > 0 {
        greenhour_bank::api::transfer(state, &custody(), &member.owner, &Coin::ghr(member.stake))?;
    }
    pool.members -= 1; // the member record exists, so members ≥ 1
    state::put_pool(state, &pool);
    state.delete(&keys::member(member.pool, member.device));
    state.delete(&keys::membership(member.device, member.pool));
    state.delete(&keys::cell_member(member.pool, device.cell.as_str(), member.device));
    if state::pools_of(state, member.device)?.is_empty() {
        devices::set_pool_lock(state, member.device, false)?;
    }
    state.emit(event::left(member));
    Ok(())
}

fn leave(state: &mut impl StateWrite, tx: &TxCtx, pool: PoolId, device: DeviceId) -> Result<(), PoolsError> {
    owned_device(state, device, &tx.signer)?;
    let mut member = state::member(state, pool, device)?.ok_or(PoolsError::NotMember { pool, device })?;
    let now = tx.block.time;
    if member.status == MemberStatus::Active {
        start_leaving(state, member, "left by its owner".into(), now)?;
        member = state::member(state, pool, device)?.ok_or(PoolsError::NotMember { pool, device })?;
    }
    if !has_hours_to_come(state, &member, now)? {
        finish_leaving(state, &member)?;
    }
    Ok(())
}

/// Block start: extend the epoch's beacon chain; at an epoch change, publish the
/// finished epoch's beacon and draw every ticket waiting for it.
pub fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), PoolsError> {
    let params = state::params(state)?;
    let epoch = ctx.time / params.epoch_seconds;
    let next = match state.get(&keys::beacon())? {
        Some(b) if b.epoch == epoch => {
            BeaconState { epoch, accumulator: math::chain_beacon(&b.accumulator, &ctx.beacon) }
        }
        previous => {
            if let Some(finished) = previous {
                state.put(&keys::epoch_beacon(finished.epoch), &finished.accumulator);
                draw(state, finished.epoch, &finished.accumulator, ctx.time, &params)?;
            }
            BeaconState { epoch, accumulator: math::chain_beacon(&Hash::ZERO, &ctx.beacon) }
        }
    };
    state.put(&keys::beacon(), &next);
    Ok(())
}

/// Draws every ticket whose draw epoch is at most `epoch`: per pool, tickets in
/// rank order win while seats last and the device still qualifies; losers get
/// their stake back.
fn draw(
    state: &mut impl StateWrite,
    epoch: u64,
    beacon: &Hash,
    now: UnixSeconds,
    params: &PoolsParams,
) -> Result<(), PoolsError> {
    let mut by_pool: BTreeMap<PoolId, Vec<(Hash, Ticket)>> = BTreeMap::new();
    for ticket in state::tickets(state)? {
        if ticket.draw_epoch > epoch {
            break; // keys are in draw-epoch order
        }
        state.delete(&keys::ticket(ticket.draw_epoch, ticket.pool, ticket.device));
        state.delete(&keys::ticket_of(ticket.pool, ticket.device));
        let rank = math::lottery_rank(beacon, ticket.pool.0, ticket.device.0);
        by_pool.entry(ticket.pool).or_default().push((rank, ticket));
    }
    for (pool_id, mut tickets) in by_pool {
        tickets.sort_by_key(|t| t.0);
        let mut seats = state::pool(state, pool_id)?.conditions.lottery_seats;
        for (_, ticket) in tickets {
            let pool = state::pool(state, pool_id)?;
            let device = devices::device(state, ticket.device)?;
            let why = if seats == 0 {
                Some("no seat left this epoch".to_string())
            } else if device.owner != ticket.owner {
                Some("device changed owner".to_string())
            } else {
                disqualification(state, &pool, &device, now, params, true)?
            };
            match why {
                None => {
                    seats -= 1;
                    admit(state, pool, &device, ticket.owner, ticket.stake, now)?;
                }
                Some(why) => {
                    if ticket.stake > 0 {
                        greenhour_bank::api::transfer(state, &custody(), &ticket.owner, &Coin::ghr(ticket.stake))?;
                    }
                    state.emit(event::lottery_lost(&ticket, &why));
                }
            }
        }
    }
    Ok(())
}

/// Block end: expire ended hours, then re-check a page of members.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), PoolsError> {
    let params = state::params(state)?;
    sweep(state, ctx.time, &params)?;
    recheck(state, ctx.time, &params)
}

/// Burns the slot denoms of hours that have ended and drops their index entries.
/// Finds the next due hour with one bounded read, so its cost is the work due,
/// never the number of past hours.
fn sweep(state: &mut impl StateWrite, now: UnixSeconds, params: &PoolsParams) -> Result<(), PoolsError> {
    for _ in 0..params.sweep_hours_per_block {
        let Some((first, _)) = state.scan_raw(keys::EXPIRY_PREFIX.as_bytes(), b"", 1)?.into_iter().next() else {
            return Ok(());
        };
        let (hour, _) = keys::parse_expiry(&first)?;
        if (hour + 1) * HOUR > now {
            return Ok(());
        }
        for (key, _) in state.prefix_raw(keys::expiry_hour(hour).as_bytes())? {
            if let (_, keys::ExpiryEntry::Denom(denom)) = keys::parse_expiry(&key)? {
                let burned = greenhour_bank::api::burn_perished(state, NAME, &denom)?;
                state.emit(event::hour_closed(hour, &Coin::new(denom, burned)));
            }
            // Position entries only serve queries by hour while the position is live.
            state.delete_raw(key);
        }
        settle_ended_hour(state, hour, now)?;
        for class in [DeviceClass::Home, DeviceClass::Regional, DeviceClass::Datacentre, DeviceClass::BtcMiner] {
            for (key, _) in state.prefix_raw(keys::capacity_of(hour, state::class_name(class)).as_bytes())? {
                state.delete_raw(key);
            }
        }
    }
    Ok(())
}

/// Re-checks the next page of members (round robin): active members that no
/// longer qualify start leaving; leaving members whose hours all ended leave.
fn recheck(state: &mut impl StateWrite, now: UnixSeconds, params: &PoolsParams) -> Result<(), PoolsError> {
    let limit = params.recheck_per_block as usize;
    if limit == 0 {
        return Ok(());
    }
    let cursor = state.get(&keys::recheck_cursor())?.unwrap_or_default();
    let from = if cursor.is_empty() { String::new() } else { format!("{cursor}\0") };
    let page = state.scan::<Member>(keys::MEMBER_PREFIX, &from, limit)?;
    match page.last() {
        Some((last, _)) if page.len() == limit => state.put(&keys::recheck_cursor(), last),
        _ => state.delete(&keys::recheck_cursor()),
    }
    for (_, member) in page {
        match member.status {
            MemberStatus::Active => {
                let pool = state::pool(state, member.pool)?;
                let device = devices::device(state, member.device)?;
                if let Some(why) = disqualification(state, &pool, &device, now, params, false)? {
                    start_leaving(state, member, why, now)?;
                }
            }
            MemberStatus::Leaving => {
                if !has_hours_to_come(state, &member, now)? {
                    finish_leaving(state, &member)?;
                }
            }
        }
    }
    Ok(())
}
