//! Hour buckets, supply records, and the reads other modules use; the only code
//! that reads or writes index keys.

use crate::math::{self, BPS};
use crate::params::{IndexParams, HOUR, MAX_WINDOW_HOURS};
use crate::{keys, IndexError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Denom, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// The device classes a series can be kept for (the slot denoms' class part).
pub const CLASSES: [&str; 4] = ["home", "regional", "datacentre", "btc_miner"];

/// Fills of one series in one UTC hour (by the block time of the fill).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct HourBucket {
    /// GPU-hours traded.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub slots: u128,
    /// Quote paid for them (fees included: what buyers paid, what sellers were quoted).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub quote: u128,
    /// Σ slots × green share (bps) of the supply behind each fill.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub green_slots: u128,
    /// Σ quote × green share (bps).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub green_quote: u128,
    pub fills: u64,
    pub last_fill: UnixSeconds,
}

impl HourBucket {
    /// Volume-weighted price of the fills, WAD quote units per GPU-hour (`None` without volume).
    pub fn price_wad(&self) -> Option<u128> {
        math::vwap_wad(self.quote, self.slots)
    }
    /// The same with each fill weighted by its green share as well.
    pub fn green_price_wad(&self) -> Option<u128> {
        math::vwap_wad(self.green_quote, self.green_slots)
    }
    /// Volume-weighted green share of the fills, bps.
    pub fn green_share_bps(&self) -> u32 {
        math::average_share_bps(self.green_slots, self.slots)
    }
}

/// The green share of what has been minted of one slot denom: Σ units and
/// Σ units × the pledging device's measured green share (bps) at the pledge.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Supply {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub units: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub green_units: u128,
}

impl Supply {
    pub fn share_bps(&self) -> u32 {
        math::average_share_bps(self.green_units, self.units)
    }
}

/// The index of one series as of a time: what `greenhour index show` prints and
/// what RPC returns. Prices are WAD quote units per GPU-hour; `None` when no volume.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexValue {
    pub class: String,
    pub quote: Denom,
    /// The UTC hour `now` falls in, and the price of its fills so far.
    pub hour: u64,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub hour_price_wad: Option<u128>,
    pub window_hours: u64,
    /// Volume-weighted price over the window ending with `hour`.
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub price_wad: Option<u128>,
    /// The same, each fill weighted by its green share as well as its volume.
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub green_price_wad: Option<u128>,
    /// Volume-weighted green share of the window's fills, bps.
    pub green_share_bps: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub slots: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub quote_volume: u128,
    pub fills: u64,
    pub last_fill: Option<UnixSeconds>,
}

pub fn params(state: &impl StateRead) -> Result<IndexParams, IndexError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

fn check_class(class: &str) -> Result<(), IndexError> {
    if CLASSES.contains(&class) {
        Ok(())
    } else {
        Err(IndexError::UnknownClass(class.to_string()))
    }
}

/// Adds `units` minted of `slot` at `share_bps` green to its supply record.
/// Post-condition: the record's green units stay ≤ 10,000 × units.
pub fn record_supply(state: &mut impl StateWrite, slot: &Denom, units: u128, share_bps: u32) -> Result<(), IndexError> {
    if share_bps as u128 > BPS {
        return Err(IndexError::InvalidShare(share_bps));
    }
    let key = keys::supply(slot);
    let mut s = state.get(&key)?.unwrap_or_default();
    s.units = s.units.checked_add(units).ok_or(IndexError::Overflow)?;
    s.green_units = s
        .green_units
        .checked_add(math::green_weighted(units, share_bps).ok_or(IndexError::Overflow)?)
        .ok_or(IndexError::Overflow)?;
    state.put(&key, &s);
    Ok(())
}

/// The supply record of a slot denom (empty when nothing was minted through pools).
pub fn supply(state: &impl StateRead, slot: &Denom) -> Result<Supply, IndexError> {
    Ok(state.get(&keys::supply(slot))?.unwrap_or_default())
}

/// Records a fill of `slots` GPU-hours of `slot` (class `class`) for `quote` of
/// `quote_denom` at block time `now`, weighted by the green share of the slot's supply.
/// Post-condition: the bucket of `now`'s hour grew by exactly this fill.
pub fn record_fill(
    state: &mut impl StateWrite,
    class: &str,
    slot: &Denom,
    quote_denom: &Denom,
    slots: u128,
    quote: u128,
    now: UnixSeconds,
) -> Result<(), IndexError> {
    check_class(class)?;
    let share = supply(state, slot)?.share_bps();
    let key = keys::bucket(class, quote_denom, now / HOUR);
    let mut b = match state.get(&key)? {
        Some(b) => b,
        None => {
            // The first fill of a series makes it listable without scanning buckets.
            state.put(&keys::series(class, quote_denom), &());
            HourBucket::default()
        }
    };
    let add = |a: u128, b: u128| a.checked_add(b).ok_or(IndexError::Overflow);
    b.slots = add(b.slots, slots)?;
    b.quote = add(b.quote, quote)?;
    b.green_slots = add(b.green_slots, math::green_weighted(slots, share).ok_or(IndexError::Overflow)?)?;
    b.green_quote = add(b.green_quote, math::green_weighted(quote, share).ok_or(IndexError::Overflow)?)?;
    b.fills += 1;
    b.last_fill = now;
    state.put(&key, &b);
    Ok(())
}

/// Buckets of a series for hours `first..=last` that have fills, in hour order.
pub fn buckets(
    state: &impl StateRead,
    class: &str,
    quote: &Denom,
    first: u64,
    last: u64,
) -> Result<Vec<(u64, HourBucket)>, IndexError> {
    check_class(class)?;
    if last < first {
        return Ok(Vec::new());
    }
    let prefix = keys::series_prefix(class, quote);
    let from = keys::bucket(class, quote, first);
    let limit = (last - first + 1).min(MAX_WINDOW_HOURS * 4) as usize;
    let from = String::from_utf8_lossy(from.as_bytes()).into_owned();
    let mut out = Vec::new();
    for (key, bucket) in state.scan::<HourBucket>(&prefix, &from, limit)? {
        let hour: u64 = key[prefix.len()..].parse().map_err(|_| {
            IndexError::State(greenhour_state::StateError::Decode { key: key.clone(), reason: "hour".into() })
        })?;
        if hour > last {
            break;
        }
        out.push((hour, bucket));
    }
    Ok(out)
}

/// One hour of a series with fills: its volume-weighted price and the same
/// weighted by green share as well (WAD quote units per GPU-hour), its green
/// share and its volume. A point of the index's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexHour {
    pub hour: u64,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub price_wad: Option<u128>,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub green_price_wad: Option<u128>,
    pub green_share_bps: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub slots: u128,
    pub fills: u64,
}

/// Most hours one history page spans (a week; one range read of at most that many buckets).
pub const HISTORY_PAGE_HOURS: u64 = MAX_WINDOW_HOURS;

/// The hours with fills of a series from `from_hour` through the earlier of
/// `from_hour + HISTORY_PAGE_HOURS − 1` and `now`'s hour, oldest first (the next
/// page starts at `from_hour + HISTORY_PAGE_HOURS`). Each hour is priced alone,
/// not over the index's window.
pub fn history(
    state: &impl StateRead,
    class: &str,
    quote: &Denom,
    from_hour: u64,
    now: UnixSeconds,
) -> Result<Vec<IndexHour>, IndexError> {
    let last = from_hour.saturating_add(HISTORY_PAGE_HOURS - 1).min(now / HOUR);
    Ok(buckets(state, class, quote, from_hour, last)?
        .into_iter()
        .map(|(hour, b)| IndexHour {
            hour,
            price_wad: b.price_wad(),
            green_price_wad: b.green_price_wad(),
            green_share_bps: b.green_share_bps(),
            slots: b.slots,
            fills: b.fills,
        })
        .collect())
}

/// The index of a series at `now` over the window of `params`.
pub fn value(state: &impl StateRead, class: &str, quote: &Denom, now: UnixSeconds) -> Result<IndexValue, IndexError> {
    let params = params(state)?;
    let hour = now / HOUR;
    let first = hour.saturating_sub(params.window_hours.saturating_sub(1));
    let mut total = HourBucket::default();
    let mut current = None;
    for (h, b) in buckets(state, class, quote, first, hour)? {
        if h == hour {
            current = b.price_wad();
        }
        total.slots = total.slots.checked_add(b.slots).ok_or(IndexError::Overflow)?;
        total.quote = total.quote.checked_add(b.quote).ok_or(IndexError::Overflow)?;
        total.green_slots = total.green_slots.checked_add(b.green_slots).ok_or(IndexError::Overflow)?;
        total.green_quote = total.green_quote.checked_add(b.green_quote).ok_or(IndexError::Overflow)?;
        total.fills += b.fills;
        total.last_fill = total.last_fill.max(b.last_fill);
    }
    Ok(IndexValue {
        class: class.to_string(),
        quote: quote.clone(),
        hour,
        hour_price_wad: current,
        window_hours: params.window_hours,
        price_wad: total.price_wad(),
        green_price_wad: total.green_price_wad(),
        green_share_bps: total.green_share_bps(),
        slots: total.slots,
        quote_volume: total.quote,
        fills: total.fills,
        last_fill: (total.fills > 0).then_some(total.last_fill),
    })
}

/// Which price a reader wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weighting {
    /// By volume only.
    Volume,
    /// By volume × green share: what green compute trades at.
    Green,
}

/// The rolling-window price a module builds on (lending, the stablecoin), in WAD.
/// Fails with `NoFills` when the window holds none (or, green-weighted, none with a
/// green share) and with `Stale` when the newest fill is older than `max_age`.
pub fn price(
    state: &impl StateRead,
    class: &str,
    quote: &Denom,
    weighting: Weighting,
    now: UnixSeconds,
    max_age: u64,
) -> Result<u128, IndexError> {
    let v = value(state, class, quote, now)?;
    let no_fills =
        || IndexError::NoFills { class: class.to_string(), quote: quote.to_string(), window_hours: v.window_hours };
    let last = v.last_fill.ok_or_else(no_fills)?;
    let age = now.saturating_sub(last);
    if age > max_age {
        return Err(IndexError::Stale { class: class.to_string(), quote: quote.to_string(), age, max_age });
    }
    match weighting {
        Weighting::Volume => v.price_wad,
        Weighting::Green => v.green_price_wad,
    }
    .ok_or_else(no_fills)
}

/// Every `(class, quote)` series with fills, in key order.
pub fn series(state: &impl StateRead) -> Result<Vec<(String, Denom)>, IndexError> {
    let mut out = Vec::new();
    for (key, _) in state.prefix_raw(keys::SERIES_PREFIX.as_bytes())? {
        let key = String::from_utf8_lossy(&key).into_owned();
        let parsed = key[keys::SERIES_PREFIX.len()..]
            .split_once('/')
            .and_then(|(class, quote)| Some((class.to_string(), quote.parse::<Denom>().ok()?)));
        let decode = || greenhour_state::StateError::Decode { key: key.clone(), reason: "series key".into() };
        out.push(parsed.ok_or_else(decode)?);
    }
    Ok(out)
}

/// Every bucket and supply record (genesis export, invariants).
pub fn all_buckets(state: &impl StateRead) -> Result<Vec<(String, HourBucket)>, IndexError> {
    Ok(state.prefix::<HourBucket>(keys::BUCKET_PREFIX)?)
}
pub fn all_supplies(state: &impl StateRead) -> Result<Vec<(String, Supply)>, IndexError> {
    Ok(state.prefix::<Supply>(keys::SUPPLY_PREFIX)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use greenhour_state::BlockOverlay;
    use std::collections::BTreeMap;

    const WAD: u128 = 1_000_000_000_000_000_000;

    fn fill(state: &mut impl StateWrite, hour: u64, slots: u128, quote: u128) {
        let slot: Denom = format!("slot/home/{}", hour + 2).parse().unwrap();
        record_fill(state, "home", &slot, &Denom::gusd(), slots, quote, hour * HOUR + 60).unwrap();
    }

    #[test]
    fn history_prices_each_hour_alone_and_pages_by_the_week() {
        let mut state = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
        let first = 490_000;
        // Green supply behind hour first+2's fills only.
        let green_slot: Denom = format!("slot/home/{}", first + 4).parse().unwrap();
        record_supply(&mut state, &green_slot, 10, 10_000).unwrap();
        fill(&mut state, first, 2, 10_000_000);
        fill(&mut state, first, 2, 14_000_000);
        fill(&mut state, first + 2, 1, 3_000_000);
        fill(&mut state, first + HISTORY_PAGE_HOURS, 1, 9_000_000);
        let now = (first + HISTORY_PAGE_HOURS) * HOUR + 100;

        let page = history(&state, "home", &Denom::gusd(), first, now).unwrap();
        assert_eq!(
            page.iter().map(|h| h.hour).collect::<Vec<_>>(),
            vec![first, first + 2],
            "hours with fills in the week"
        );
        assert_eq!(page[0].price_wad, Some(24_000_000 * WAD / 4), "the hour's volume-weighted price");
        assert_eq!((page[0].slots, page[0].fills), (4, 2));
        assert_eq!((page[0].green_price_wad, page[0].green_share_bps), (None, 0), "no green supply behind it");
        assert_eq!((page[1].green_price_wad, page[1].green_share_bps), (Some(3_000_000 * WAD), 10_000));

        let next = history(&state, "home", &Denom::gusd(), first + HISTORY_PAGE_HOURS, now).unwrap();
        assert_eq!(
            next.iter().map(|h| (h.hour, h.price_wad)).collect::<Vec<_>>(),
            vec![(first + HISTORY_PAGE_HOURS, Some(9_000_000 * WAD))]
        );
        // Nothing after `now`'s hour, and an hour beyond it reads nothing.
        let before_last = now - HOUR;
        assert_eq!(history(&state, "home", &Denom::gusd(), first + 1, before_last).unwrap().len(), 1);
        assert!(history(&state, "home", &Denom::gusd(), u64::MAX, now).unwrap().is_empty());
        assert!(matches!(history(&state, "nuclear", &Denom::gusd(), first, now), Err(IndexError::UnknownClass(_))));
    }
}
