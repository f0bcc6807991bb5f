//! Pool, member, ticket and position records, and the only code that reads or
//! writes pools keys.

use crate::params::{PoolsParams, HOUR};
use crate::{keys, PoolsError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::{DeviceClass, DeviceId, Nameplate};
use greenhour_primitives::{Address, Amount, Denom, Hash, Height, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Sequential pool number.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
pub struct PoolId(pub u64);

impl fmt::Display for PoolId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What a pool gathers, which fixes the unit of its slot tokens.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum PoolKind {
    /// Surplus PV energy: slots are kWh (`kwh/{class}/{hour}`).
    GreenEnergy,
    /// GPU capacity: slots are GPU-hours (`slot/{class}/{hour}`).
    Compute,
    /// GPU capacity of devices with a measured green floor (a positive `min_green_share_bps`).
    GreenCompute,
}

/// The unit one slot token stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotUnit {
    GpuHour,
    Kwh,
}

impl PoolKind {
    pub fn unit(self) -> SlotUnit {
        match self {
            PoolKind::GreenEnergy => SlotUnit::Kwh,
            PoolKind::Compute | PoolKind::GreenCompute => SlotUnit::GpuHour,
        }
    }
}

impl SlotUnit {
    fn family(self) -> &'static str {
        match self {
            SlotUnit::GpuHour => "slot",
            SlotUnit::Kwh => "kwh",
        }
    }
    /// Most units a device can deliver in one hour: its GPU count, or its PV peak
    /// in whole kWh (rounded down, so a pledge never exceeds what the panel can make).
    pub fn capacity(self, n: &Nameplate) -> u64 {
        match self {
            SlotUnit::GpuHour => n.gpu_count as u64,
            SlotUnit::Kwh => n.pv_w / 1_000,
        }
    }
}

pub fn class_name(class: DeviceClass) -> &'static str {
    match class {
        DeviceClass::Home => "home",
        DeviceClass::Regional => "regional",
        DeviceClass::Datacentre => "datacentre",
        DeviceClass::BtcMiner => "btc_miner",
    }
}

/// The fungible token for one unit of `class` capacity in UTC hour `hour`
/// (`hour` = Unix seconds / 3600), e.g. `slot/home/493000`.
pub fn slot_denom(unit: SlotUnit, class: DeviceClass, hour: u64) -> Denom {
    Denom::new(format!("{}/{}/{hour}", unit.family(), class_name(class))).expect("slot denoms are valid")
}

/// What a device must show to enter a pool, fixed when the pool is created.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct EntryConditions {
    /// `ughr` bonded on entry and returned when the device has left.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_stake: Amount,
    /// When positive, entry is by lottery: at most this many tickets win per epoch.
    pub lottery_seats: u32,
    /// History window, in whole UTC days before today (plus today so far), for the
    /// two measured conditions below.
    pub window_days: u32,
    /// Minimum green share of compute energy over the window, basis points.
    pub min_green_share_bps: u32,
    /// Minimum share of the window covered by accepted telemetry, basis points.
    pub min_uptime_bps: u32,
    /// Most member devices in one location cell (0: no cap).
    pub max_devices_per_cell: u32,
}

/// A virtual asset pool.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Pool {
    pub id: PoolId,
    pub creator: Address,
    pub class: DeviceClass,
    pub kind: PoolKind,
    pub conditions: EntryConditions,
    /// Member records (active and leaving).
    pub members: u32,
    pub created_at: Height,
}

/// Where a member is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// May pledge.
    Active,
    /// Exited or stopped meeting the conditions: its unsold slots were withdrawn;
    /// the record (and stake) stays until its last pledged hour ends and it leaves.
    Leaving,
}

/// A device's membership of a pool.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Member {
    pub pool: PoolId,
    pub device: DeviceId,
    /// Who bonded the stake (the device owner at entry) and gets it back.
    pub owner: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub stake: Amount,
    pub status: MemberStatus,
    pub joined_at: UnixSeconds,
    /// Why the member is leaving.
    pub leaving_reason: Option<String>,
}

/// A lottery entry waiting for its epoch's beacon.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Ticket {
    pub pool: PoolId,
    pub device: DeviceId,
    pub owner: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub stake: Amount,
    /// Filed in epoch `draw_epoch − 1`; drawn with the beacon of `draw_epoch`.
    pub draw_epoch: u64,
}

/// The running beacon of the current epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct BeaconState {
    pub epoch: u64,
    /// Hash chain over the beacons of the epoch's blocks.
    pub accumulator: Hash,
}

/// Pledged capacity of one device for consecutive hours, represented by one
/// position NFT (same serial) whose owner holds the claim on its revenue.
///
/// Kept compact because there is one per device per pledge (millions): per-hour
/// counts are stored only once something was released, and a departure is one
/// hour index, since leaving withdraws every unsold unit from that hour on.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Position {
    /// The position NFT's serial in class `position`.
    pub serial: u64,
    pub pool: PoolId,
    pub device: DeviceId,
    pub class: DeviceClass,
    pub unit: SlotUnit,
    /// First UTC hour index covered.
    pub first_hour: u64,
    /// Number of consecutive hours covered (≥ 1).
    pub hours: u32,
    /// Units pledged in each hour.
    pub quantity: u32,
    /// Units of each hour taken out of the pool's custody (released or sold);
    /// empty until the first release, then one entry per hour.
    pub released: Vec<u32>,
    /// When the device left: hours from this one had their unsold units withdrawn and burned.
    pub withdrawn_from: Option<u64>,
    pub created_at: Height,
}

/// A position's liquidity in one hour's market pool, held by the pools custody.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct PositionLp {
    /// LP shares of the market pool.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// The position's own slots those shares stand for (reduced pro rata on
    /// withdrawals): if the device leaves, at most this many come back to be burned.
    pub slots: u32,
}

/// The state of one hour of pledged capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityState {
    /// Before the hour: tradable.
    Online,
    /// The hour is running.
    InProgress,
    /// The hour ended with capacity sold (the jobs module settles it).
    Settled,
    /// The hour ended unsold; its slots were burned.
    Expired,
    /// The device left before the hour; its unsold slots were withdrawn.
    Leaving,
}

impl Position {
    pub fn last_hour(&self) -> u64 {
        self.first_hour + self.hours as u64 - 1
    }
    pub fn covers(&self, hour: u64) -> bool {
        hour >= self.first_hour && hour <= self.last_hour()
    }
    fn index(&self, hour: u64) -> Option<usize> {
        hour.checked_sub(self.first_hour).filter(|i| *i < self.hours as u64).map(|i| i as usize)
    }
    /// Units of `hour` outside the pool's custody: released or sold.
    pub fn sold(&self, hour: u64) -> u32 {
        self.index(hour).and_then(|i| self.released.get(i).copied()).unwrap_or(0)
    }
    fn withdrawn_hour(&self, hour: u64) -> bool {
        self.withdrawn_from.is_some_and(|from| hour >= from)
    }
    /// Units of `hour` withdrawn when the device left.
    pub fn withdrawn(&self, hour: u64) -> u32 {
        match self.index(hour) {
            Some(_) if self.withdrawn_hour(hour) => self.quantity - self.sold(hour),
            _ => 0,
        }
    }
    /// Units of `hour` still in the pool's custody.
    pub fn unsold(&self, hour: u64) -> u32 {
        match self.index(hour) {
            Some(_) if !self.withdrawn_hour(hour) => self.quantity - self.sold(hour),
            _ => 0,
        }
    }
    /// Units of `hour` still backed by the device (pledged minus withdrawn).
    pub fn backed(&self, hour: u64) -> u32 {
        match self.index(hour) {
            Some(_) => self.quantity - self.withdrawn(hour),
            None => 0,
        }
    }
    /// Records `quantity` more units of `hour` taken out of custody; the caller
    /// checked that many are unsold.
    pub(crate) fn release(&mut self, hour: u64, quantity: u32) {
        let Some(i) = self.index(hour) else { return };
        if self.released.is_empty() {
            self.released = vec![0; self.hours as usize];
        }
        self.released[i] += quantity;
    }

    /// Records `quantity` units of `hour` back in custody (the market returned them).
    pub(crate) fn unrelease(&mut self, hour: u64, quantity: u32) {
        if let Some(r) = self.index(hour).and_then(|i| self.released.get_mut(i)) {
            *r -= quantity.min(*r);
        }
    }

    /// The state of `hour`, derived from the clock and the counts, so no hour
    /// ever needs a write when time passes.
    pub fn state(&self, hour: u64, now: UnixSeconds) -> CapacityState {
        let sold = self.sold(hour);
        let withdrawn = self.withdrawn(hour);
        if now >= (hour + 1) * HOUR {
            if sold > 0 {
                CapacityState::Settled
            } else {
                CapacityState::Expired
            }
        } else if withdrawn > 0 && sold == 0 {
            CapacityState::Leaving
        } else if now >= hour * HOUR {
            CapacityState::InProgress
        } else {
            CapacityState::Online
        }
    }
}

pub fn params(state: &impl StateRead) -> Result<PoolsParams, PoolsError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn pool(state: &impl StateRead, id: PoolId) -> Result<Pool, PoolsError> {
    state.get(&keys::pool(id))?.ok_or(PoolsError::UnknownPool(id))
}

/// All pools, in id order.
pub fn all_pools(state: &impl StateRead) -> Result<Vec<Pool>, PoolsError> {
    Ok(state.prefix::<Pool>(keys::POOL_PREFIX)?.into_iter().map(|(_, p)| p).collect())
}

pub fn member(state: &impl StateRead, pool: PoolId, device: DeviceId) -> Result<Option<Member>, PoolsError> {
    Ok(state.get(&keys::member(pool, device))?)
}

/// A pool's members, in device order.
pub fn members(state: &impl StateRead, pool: PoolId) -> Result<Vec<Member>, PoolsError> {
    Ok(state.prefix::<Member>(&keys::members_of(pool))?.into_iter().map(|(_, m)| m).collect())
}

fn trailing_ids(state: &impl StateRead, prefix: &str) -> Result<Vec<u64>, PoolsError> {
    Ok(state
        .prefix_raw(prefix.as_bytes())?
        .into_iter()
        .filter_map(|(k, _)| std::str::from_utf8(&k).ok()?.rsplit('/').next()?.parse().ok())
        .collect())
}

/// The pools a device is a member of.
pub fn pools_of(state: &impl StateRead, device: DeviceId) -> Result<Vec<PoolId>, PoolsError> {
    Ok(trailing_ids(state, &keys::memberships_of(device))?.into_iter().map(PoolId).collect())
}

pub fn members_in_cell(state: &impl StateRead, pool: PoolId, cell: &str) -> Result<u32, PoolsError> {
    Ok(state.prefix_raw(keys::cell_members(pool, cell).as_bytes())?.len() as u32)
}

/// Pending lottery tickets, in draw-epoch order.
pub fn tickets(state: &impl StateRead) -> Result<Vec<Ticket>, PoolsError> {
    Ok(state.prefix::<Ticket>(keys::TICKET_PREFIX)?.into_iter().map(|(_, t)| t).collect())
}

pub fn position(state: &impl StateRead, serial: u64) -> Result<Position, PoolsError> {
    state.get(&keys::position(serial))?.ok_or(PoolsError::UnknownPosition(serial))
}

/// A device's live positions, in serial order: those whose last hour had not ended
/// when the device last pledged (ended ones are dropped then; callers judge by time).
pub fn live_positions(state: &impl StateRead, device: DeviceId) -> Result<Vec<Position>, PoolsError> {
    state.get(&keys::device_positions(device))?.unwrap_or_default().into_iter().map(|s| position(state, s)).collect()
}

pub(crate) fn put_live_positions(state: &mut impl StateWrite, device: DeviceId, serials: &[u64]) {
    if serials.is_empty() {
        state.delete(&keys::device_positions(device));
    } else {
        state.put(&keys::device_positions(device), &serials.to_vec());
    }
}

/// Every position ever created, in serial order (audits and invariants).
pub fn all_positions(state: &impl StateRead) -> Result<Vec<Position>, PoolsError> {
    Ok(state.prefix::<Position>(keys::POSITION_PREFIX)?.into_iter().map(|(_, p)| p).collect())
}

pub fn epoch_beacon(state: &impl StateRead, epoch: u64) -> Result<Option<Hash>, PoolsError> {
    Ok(state.get(&keys::epoch_beacon(epoch))?)
}

pub(crate) fn put_pool(state: &mut impl StateWrite, p: &Pool) {
    state.put(&keys::pool(p.id), p);
}
pub(crate) fn put_member(state: &mut impl StateWrite, m: &Member) {
    state.put(&keys::member(m.pool, m.device), m);
}
pub(crate) fn put_position(state: &mut impl StateWrite, p: &Position) {
    state.put(&keys::position(p.serial), p);
}

/// One hour of a position as clients see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourView {
    pub hour: u64,
    pub denom: Denom,
    pub state: CapacityState,
    pub unsold: u32,
    pub sold: u32,
    pub withdrawn: u32,
}

/// A position with its NFT owner and the derived state of every hour at `now`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionView {
    pub position: Position,
    /// Current holder of the position NFT: the revenue goes to this account.
    pub owner: Address,
    pub hours: Vec<HourView>,
}

impl PositionView {
    pub fn new(position: Position, owner: Address, now: UnixSeconds) -> Self {
        let hours = (position.first_hour..=position.last_hour())
            .map(|hour| HourView {
                hour,
                denom: slot_denom(position.unit, position.class, hour),
                state: position.state(hour, now),
                unsold: position.unsold(hour),
                sold: position.sold(hour),
                withdrawn: position.withdrawn(hour),
            })
            .collect();
        PositionView { position, owner, hours }
    }
}

/// Devices backing GPU capacity of `class` in `hour`, with their units (pledged
/// minus withdrawn), in device order; empty once the hour has been swept.
pub fn capacity_at(state: &impl StateRead, class: DeviceClass, hour: u64) -> Result<Vec<(DeviceId, u32)>, PoolsError> {
    let prefix = keys::capacity_of(hour, class_name(class));
    let bad = |key: &[u8]| greenhour_state::StateError::Decode {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: "not a capacity row".into(),
    };
    // Rows visited in place: a scheduler reads tens of thousands per hour.
    let mut out = Vec::new();
    let mut bad_row: Option<Vec<u8>> = None;
    state.for_each_prefix(prefix.as_bytes(), &mut |key, value| {
        let id = std::str::from_utf8(&key[prefix.len()..]).ok().and_then(|d| d.parse().ok());
        let units = greenhour_codec::decode::<u32>(value).ok();
        match (id, units) {
            (Some(id), Some(units)) => out.push((DeviceId(id), units)),
            _ => bad_row = bad_row.take().or_else(|| Some(key.to_vec())),
        }
    })?;
    if let Some(key) = bad_row {
        return Err(bad(&key).into());
    }
    Ok(out)
}

/// A page of [`capacity_at`]: devices after `after` only, in id order, at most
/// `limit`, read as one bounded range.
pub fn capacity_page(
    state: &impl StateRead,
    class: DeviceClass,
    hour: u64,
    after: Option<DeviceId>,
    limit: usize,
) -> Result<Vec<(DeviceId, u32)>, PoolsError> {
    let prefix = keys::capacity_of(hour, class_name(class));
    let from = match after.map(|d| d.0.checked_add(1)) {
        None => prefix.clone(),
        Some(Some(next)) => {
            String::from_utf8_lossy(keys::capacity(hour, class_name(class), DeviceId(next)).as_bytes()).into_owned()
        }
        Some(None) => return Ok(Vec::new()),
    };
    state
        .scan::<u32>(&prefix, &from, limit)?
        .into_iter()
        .map(|(key, units)| {
            let id = key[prefix.len()..].parse().map_err(|_| greenhour_state::StateError::Decode {
                key: key.clone(),
                reason: "not a capacity row".into(),
            })?;
            Ok((DeviceId(id), units))
        })
        .collect()
}

/// GPU units `device` backs in `class` capacity of `hour` (0 once swept).
pub fn capacity(state: &impl StateRead, class: DeviceClass, hour: u64, device: DeviceId) -> Result<u32, PoolsError> {
    Ok(state.get(&keys::capacity(hour, class_name(class), device))?.unwrap_or(0))
}

/// Changes a device's indexed GPU capacity in `hour` by `delta` units.
pub(crate) fn add_capacity(
    state: &mut impl StateWrite,
    class: DeviceClass,
    hour: u64,
    device: DeviceId,
    delta: i64,
) -> Result<(), PoolsError> {
    let key = keys::capacity(hour, class_name(class), device);
    let units = state.get(&key)?.unwrap_or(0) as i64 + delta;
    match u32::try_from(units) {
        Ok(0) => state.delete(&key),
        Ok(units) => state.put(&key, &units),
        Err(_) => {
            return Err(greenhour_state::StateError::Decode {
                key: String::from_utf8_lossy(key.as_bytes()).into_owned(),
                reason: "capacity below zero".into(),
            }
            .into())
        }
    }
    Ok(())
}

/// A position NFT's current owner.
pub fn position_owner(state: &impl StateRead, serial: u64) -> Result<Address, PoolsError> {
    let id = greenhour_nft::TokenId { class: crate::POSITION_CLASS.to_string(), serial };
    Ok(greenhour_nft::api::token(state, &id)?.owner)
}

/// The holder of a position NFT, or `None` when the NFT no longer exists (burned
/// with its position). Any other failure (storage) is an error, never "nobody".
pub fn position_holder(state: &impl StateRead, serial: u64) -> Result<Option<Address>, PoolsError> {
    let id = greenhour_nft::TokenId { class: crate::POSITION_CLASS.to_string(), serial };
    match greenhour_nft::api::token(state, &id) {
        Ok(token) => Ok(Some(token.owner)),
        Err(greenhour_nft::NftError::UnknownToken(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Positions covering `hour` whose last hour is at most `max_hours` later, in
/// (end hour, serial) order, at most `limit` (the expiry index is the only scan).
pub fn positions_covering(
    state: &impl StateRead,
    hour: u64,
    max_hours: u64,
    limit: usize,
) -> Result<Vec<Position>, PoolsError> {
    let mut out = Vec::new();
    for end in hour..=hour.saturating_add(max_hours) {
        for (key, _) in state.prefix_raw(keys::expiry_hour(end).as_bytes())? {
            if let (_, keys::ExpiryEntry::Position(serial)) = keys::parse_expiry(&key)? {
                let p = position(state, serial)?;
                if p.covers(hour) {
                    out.push(p);
                    if out.len() >= limit {
                        return Ok(out);
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn position(hours: u32, quantity: u32) -> Position {
        Position {
            serial: 1,
            pool: PoolId(1),
            device: DeviceId(1),
            class: DeviceClass::Home,
            unit: SlotUnit::GpuHour,
            first_hour: 100,
            hours,
            quantity,
            released: Vec::new(),
            withdrawn_from: None,
            created_at: 0,
        }
    }

    proptest! {
        /// Per hour, custody + sold + withdrawn always account for the whole pledge,
        /// and what the device still backs is what is sold plus what is unsold.
        #[test]
        fn hour_counts_always_add_up(
            hours in 1u32..30,
            quantity in 1u32..5,
            releases in prop::collection::vec((100u64..135, 1u32..3), 0..20),
            leave_at in prop::option::of(95u64..140),
        ) {
            let mut p = position(hours, quantity);
            for (hour, n) in releases {
                if p.unsold(hour) >= n {
                    p.release(hour, n);
                }
            }
            p.withdrawn_from = leave_at;
            for hour in 95..140 {
                let (u, s, w) = (p.unsold(hour), p.sold(hour), p.withdrawn(hour));
                if p.covers(hour) {
                    prop_assert_eq!(u + s + w, quantity);
                    prop_assert_eq!(p.backed(hour), u + s);
                } else {
                    prop_assert_eq!((u, s, w, p.backed(hour)), (0, 0, 0, 0));
                }
            }
        }
    }
}
