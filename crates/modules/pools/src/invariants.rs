//! The crate-level invariants, checked over the whole state (tests and audits).

use crate::handler::custody;
use crate::keys;
use crate::params::POSITION_CLASS;
use crate::state::{self, MemberStatus, SlotUnit};
use greenhour_devices::{api as devices, DeviceClass, DeviceId};
use greenhour_primitives::{Amount, Denom};
use greenhour_state::StateRead;
use std::collections::{BTreeMap, BTreeSet};

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl StateRead) -> Result<(), String> {
    let s = |e: crate::PoolsError| e.to_string();
    let bank = |e: greenhour_bank::BankError| e.to_string();

    // Hours still due to expire, by slot denom.
    let mut due: BTreeSet<Denom> = BTreeSet::new();
    for (k, _) in state.prefix_raw(keys::EXPIRY_PREFIX.as_bytes()).map_err(|e| e.to_string())? {
        if let (_, keys::ExpiryEntry::Denom(d)) = keys::parse_expiry(&k).map_err(|e| e.to_string())? {
            due.insert(d);
        }
    }

    // Per denom: units backed and unsold; per (device, unit, hour): units backed by live positions.
    let mut backed: BTreeMap<Denom, (u64, u64)> = BTreeMap::new();
    let mut per_device: BTreeMap<(DeviceId, bool, u64), u64> = BTreeMap::new();
    let mut listed: BTreeSet<u64> = BTreeSet::new();
    // Expected capacity index rows: (hour, class, device) → GPU units backed.
    let mut capacity: BTreeMap<(u64, &'static str, DeviceId), u32> = BTreeMap::new();
    for d in devices::all_devices(state).map_err(|e| e.to_string())? {
        for p in state::live_positions(state, d.id).map_err(s)? {
            if p.device != d.id {
                return Err(format!("device {} lists position {} of device {}", d.id, p.serial, p.device));
            }
            listed.insert(p.serial);
        }
    }
    for p in state::all_positions(state).map_err(s)? {
        if p.hours == 0 || p.quantity == 0 || !(p.released.is_empty() || p.released.len() == p.hours as usize) {
            return Err(format!("position {} is empty", p.serial));
        }
        let token = greenhour_nft::TokenId { class: POSITION_CLASS.into(), serial: p.serial };
        greenhour_nft::api::token(state, &token).map_err(|e| format!("position {}: {e}", p.serial))?;
        let live = listed.contains(&p.serial);
        if p.released.iter().any(|r| *r > p.quantity) {
            return Err(format!("position {} released more than it pledged", p.serial));
        }
        for hour in p.first_hour..=p.last_hour() {
            let denom = state::slot_denom(p.unit, p.class, hour);
            if due.contains(&denom) {
                if p.unit == SlotUnit::GpuHour && p.backed(hour) > 0 {
                    *capacity.entry((hour, state::class_name(p.class), p.device)).or_default() += p.backed(hour);
                }
                let e = backed.entry(denom).or_default();
                e.0 += p.backed(hour) as u64;
                e.1 += p.unsold(hour) as u64;
            }
            if live {
                *per_device.entry((p.device, p.unit == SlotUnit::GpuHour, hour)).or_default() += p.backed(hour) as u64;
            }
        }
    }
    for denom in &due {
        let (units, unsold) = backed.get(denom).copied().unwrap_or_default();
        let supply = greenhour_bank::api::supply(state, denom).map_err(bank)?;
        if supply != units as Amount {
            return Err(format!("{denom}: supply {supply} but positions back {units}"));
        }
        let held = greenhour_bank::api::balance(state, &custody(), denom).map_err(bank)?;
        if held != unsold as Amount {
            return Err(format!("{denom}: custody holds {held} but positions count {unsold} unsold"));
        }
    }
    // The capacity index lists exactly the GPU units positions back in unswept hours.
    let mut indexed: BTreeMap<(u64, &'static str, DeviceId), u32> = BTreeMap::new();
    let hours: BTreeSet<u64> = capacity.keys().map(|(h, _, _)| *h).collect();
    for hour in hours {
        for class in [DeviceClass::Home, DeviceClass::Regional, DeviceClass::Datacentre, DeviceClass::BtcMiner] {
            for (device, units) in state::capacity_at(state, class, hour).map_err(s)? {
                indexed.insert((hour, state::class_name(class), device), units);
            }
        }
    }
    let stray = state.prefix_raw(keys::CAPACITY_PREFIX.as_bytes()).map_err(|e| e.to_string())?.len();
    if indexed != capacity || stray != indexed.len() {
        return Err(format!("capacity index ({stray} rows) disagrees with positions ({} rows)", capacity.len()));
    }
    for ((device, gpu, hour), units) in per_device {
        if !devices::pool_locked(state, device).map_err(|e| e.to_string())? {
            continue; // every pool left: its remaining hours have all ended
        }
        let d = devices::device(state, device).map_err(|e| e.to_string())?;
        let unit = if gpu { SlotUnit::GpuHour } else { SlotUnit::Kwh };
        if units > unit.capacity(&d.nameplate) {
            return Err(format!("device {device} backs {units} units in hour {hour}, above its nameplate"));
        }
    }

    // Members, cells, locks and bonded stake.
    let mut stakes: Amount = 0;
    let mut member_devices: BTreeSet<DeviceId> = BTreeSet::new();
    for pool in state::all_pools(state).map_err(s)? {
        let members = state::members(state, pool.id).map_err(s)?;
        if members.len() as u32 != pool.members {
            return Err(format!("pool {} counts {} members but stores {}", pool.id, pool.members, members.len()));
        }
        let mut cells: BTreeMap<String, u32> = BTreeMap::new();
        for m in &members {
            stakes += m.stake;
            member_devices.insert(m.device);
            let d = devices::device(state, m.device).map_err(|e| e.to_string())?;
            let in_cell =
                state.get(&keys::cell_member(pool.id, d.cell.as_str(), m.device)).map_err(|e| e.to_string())?;
            if in_cell.is_none()
                || state.get(&keys::membership(m.device, pool.id)).map_err(|e| e.to_string())?.is_none()
            {
                return Err(format!("member {} of pool {} is not indexed", m.device, pool.id));
            }
            *cells.entry(d.cell.as_str().to_string()).or_default() += 1;
            if m.status == MemberStatus::Active && m.leaving_reason.is_some() {
                return Err(format!("active member {} has a leaving reason", m.device));
            }
        }
        let cap = pool.conditions.max_devices_per_cell;
        if cap > 0 && cells.values().any(|n| *n > cap) {
            return Err(format!("pool {} has a cell above its cap of {cap}", pool.id));
        }
    }
    for t in state::tickets(state).map_err(s)? {
        stakes += t.stake;
        if state.get(&keys::ticket_of(t.pool, t.device)).map_err(|e| e.to_string())? != Some(t.draw_epoch) {
            return Err(format!("ticket of device {} in pool {} is not indexed", t.device, t.pool));
        }
    }
    let held = greenhour_bank::api::balance(state, &custody(), &Denom::ghr()).map_err(bank)?;
    if held != stakes {
        return Err(format!("custody holds {held} ughr but stakes total {stakes}"));
    }
    // LP shares held for positions: custody holds exactly their sum per market pool,
    // and a position answers for no more of its slots than it took out of custody.
    let mut lp_owed: BTreeMap<Denom, Amount> = BTreeMap::new();
    for (key, lp) in state.prefix::<state::PositionLp>(keys::POSITION_LP_PREFIX).map_err(|e| e.to_string())? {
        let bad = || format!("{key}: not pools/position-lp/{{serial}}/{{hour}}");
        let (serial, hour) = key[keys::POSITION_LP_PREFIX.len()..].split_once('/').ok_or_else(bad)?;
        let (serial, hour): (u64, u64) = (serial.parse().map_err(|_| bad())?, hour.parse().map_err(|_| bad())?);
        let p = state::position(state, serial).map_err(s)?;
        if lp.shares == 0 || lp.slots > p.sold(hour) {
            return Err(format!("{key}: {} shares for {} slots, {} out of custody", lp.shares, lp.slots, p.sold(hour)));
        }
        *lp_owed.entry(greenhour_market::api::lp_denom(&state::slot_denom(p.unit, p.class, hour))).or_default() +=
            lp.shares;
        if state.get(&keys::lp_hour(hour, serial)).map_err(|e| e.to_string())?.is_none() {
            return Err(format!("{key}: missing from the by-hour index the expiry sweep settles"));
        }
    }
    for (denom, owed) in lp_owed {
        let held = greenhour_bank::api::balance(state, &custody(), &denom).map_err(bank)?;
        if held != owed {
            return Err(format!("custody holds {held} {denom}, positions count {owed}"));
        }
    }
    for d in devices::all_devices(state).map_err(|e| e.to_string())? {
        let locked = devices::pool_locked(state, d.id).map_err(|e| e.to_string())?;
        if locked != member_devices.contains(&d.id) {
            return Err(format!("device {} pool lock ({locked}) disagrees with its memberships", d.id));
        }
    }
    Ok(())
}
