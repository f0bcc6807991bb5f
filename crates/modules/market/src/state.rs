//! Pool records, the time update, and the only code that reads or writes market keys.

use crate::math::{self, WAD};
use crate::params::{MarketParams, HOUR};
use crate::{keys, MarketError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Address, Denom, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// A pool for one hour's slot tokens against a quote denom (docs/spec/market.md).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct MarketPool {
    /// The slot denom traded (`slot/{class}/{hour}` or `kwh/{class}/{hour}`).
    pub slot: Denom,
    /// Its UTC hour index: trading closes at `hour·3600`.
    pub hour: u64,
    pub quote: Denom,
    pub creator: Address,
    /// Real reserves: slots and quote held for this pool.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub x: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub y: u128,
    /// Virtual quote the curve prices against; `v ≤ y`, the rest is decay credit.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub v: u128,
    /// LP shares outstanding, including the locked minimum.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// Block time of the last update of `v` and the price accumulator.
    pub t_last: UnixSeconds,
    /// Quote per slot (WAD) the premium decays towards.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub floor_wad: u128,
    pub half_life: u64,
    /// Decay applies only this many seconds before the hour.
    pub decay_window: u64,
    pub fee_ppm: u32,
    pub protocol_share_ppm: u32,
    /// Σ spot price (WAD) × seconds, wrapping (differences give TWAPs, as in Uniswap v2).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_cumulative: u128,
    /// The accumulator at past times, oldest first, at least `OBSERVATION_SPACING`
    /// apart and at most `MAX_OBSERVATIONS` (a ring, as Uniswap v3 keeps).
    pub observations: Vec<Observation>,
    /// Slots taken out because the capacity behind them left its pool.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub withdrawn: u128,
}

/// The price accumulator at one time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Observation {
    pub time: UnixSeconds,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_cumulative: u128,
}

/// Seconds between kept observations.
pub const OBSERVATION_SPACING: u64 = 300;
/// Observations kept per pool: with the spacing, a TWAP over up to an hour.
pub const MAX_OBSERVATIONS: usize = 12;

/// A time-weighted average price and the span it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Twap {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_wad: u128,
    pub from: UnixSeconds,
    pub to: UnixSeconds,
}

impl MarketPool {
    /// Trading closes when the hour starts.
    pub fn closes_at(&self) -> UnixSeconds {
        self.hour * HOUR
    }
    /// The slot tokens are burned when the hour ends.
    pub fn expired(&self, now: UnixSeconds) -> bool {
        now >= (self.hour + 1) * HOUR
    }
    /// Spot price, quote per slot in WAD, rounded down (0 for an empty pool).
    pub fn price_wad(&self) -> u128 {
        math::mul_div_down(self.v, WAD, self.x).unwrap_or(0)
    }
    /// `(in, out)` of a swap against the pool as it stands (call [`MarketPool::accrue`]
    /// first), by Uniswap v2's formulas on `(x, v)`.
    pub fn quote(&self, buy_slots: bool, exact: crate::Exact) -> Result<(u128, u128), MarketError> {
        if self.x == 0 || self.v == 0 {
            return Err(MarketError::InsufficientLiquidity);
        }
        let (reserve_in, reserve_out) = if buy_slots { (self.v, self.x) } else { (self.x, self.v) };
        match exact {
            crate::Exact::In(a) => {
                let out = math::amount_out(a, reserve_in, reserve_out, self.fee_ppm).ok_or(MarketError::Overflow)?;
                Ok((a, out))
            }
            crate::Exact::Out(o) => {
                let a = math::amount_in(o, reserve_in, reserve_out, self.fee_ppm)
                    .ok_or(MarketError::InsufficientLiquidity)?;
                Ok((a, o))
            }
        }
    }

    /// Brings the price accumulator and the decay up to `now` (no-op for `now ≤ t_last`)
    /// and keeps an observation when one is due.
    /// Post-condition: `v` does not grow and stays ≥ min(v, x·floor).
    pub fn accrue(&mut self, now: UnixSeconds) -> Result<(), MarketError> {
        if self.x == 0 {
            // An empty pool has no price: its history starts again with the next deposit.
            self.t_last = self.t_last.max(now);
            self.observations.clear();
            return Ok(());
        }
        if now <= self.t_last {
            return Ok(());
        }
        let elapsed = (now - self.t_last) as u128;
        self.price_cumulative = self.price_cumulative.wrapping_add(self.price_wad().wrapping_mul(elapsed));
        let window_start = self.closes_at().saturating_sub(self.decay_window);
        let decay_from = self.t_last.max(window_start);
        let decay_to = now.min(self.closes_at());
        if decay_to > decay_from {
            self.v = math::decayed_virtual_quote(self.v, self.x, self.floor_wad, decay_to - decay_from, self.half_life)
                .ok_or(MarketError::Overflow)?;
        }
        self.t_last = now;
        self.observe();
        Ok(())
    }

    /// Keeps the accumulator at `t_last` if the newest kept observation is old enough.
    pub(crate) fn observe(&mut self) {
        let due = self.observations.last().is_none_or(|o| self.t_last >= o.time + OBSERVATION_SPACING);
        if due {
            if self.observations.len() == MAX_OBSERVATIONS {
                self.observations.remove(0);
            }
            self.observations.push(Observation { time: self.t_last, price_cumulative: self.price_cumulative });
        }
    }

    /// The average spot price from the oldest kept observation to `t_last` (call
    /// [`MarketPool::accrue`] first); `None` when no time has passed since it.
    pub fn twap(&self) -> Option<Twap> {
        let oldest = self.observations.first()?;
        let span = self.t_last.checked_sub(oldest.time).filter(|s| *s > 0)?;
        let sum = self.price_cumulative.wrapping_sub(oldest.price_cumulative);
        Some(Twap { price_wad: sum / span as u128, from: oldest.time, to: self.t_last })
    }
}

/// Where a pool is in its life at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before the hour: trading and deposits are open.
    Open,
    /// The hour is running: trading closed, slots not yet burned.
    Closed,
    /// The hour ended: the slots are gone, LPs withdraw quote.
    Expired,
}

/// A pool as a query shows it: brought up to a time, with its spot price, TWAP
/// and time to close.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketPoolView {
    #[serde(flatten)]
    pub pool: MarketPool,
    pub phase: Phase,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_wad: u128,
    pub twap: Option<Twap>,
    /// Seconds until trading closes (0 once closed).
    pub closes_in: u64,
    pub as_of: UnixSeconds,
}

impl MarketPoolView {
    pub fn at(mut pool: MarketPool, now: UnixSeconds) -> Result<Self, MarketError> {
        pool.accrue(now)?;
        let phase = if pool.expired(now) {
            Phase::Expired
        } else if now >= pool.closes_at() {
            Phase::Closed
        } else {
            Phase::Open
        };
        Ok(MarketPoolView {
            phase,
            price_wad: pool.price_wad(),
            twap: pool.twap(),
            closes_in: pool.closes_at().saturating_sub(now),
            as_of: now,
            pool,
        })
    }
}

/// The LP share denom of a pool: `lp/{slot denom}`.
pub fn lp_denom(slot: &Denom) -> Denom {
    Denom::new(format!("lp/{slot}")).expect("a slot denom is at most 60 bytes")
}

/// What a slot denom names: its family (`slot` for GPU-hours, `kwh` for energy),
/// device class and UTC hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SlotName<'a> {
    pub family: &'a str,
    pub class: &'a str,
    pub hour: u64,
}

impl SlotName<'_> {
    /// GPU-hours (the index prices these), as opposed to kWh.
    pub fn is_gpu_hours(&self) -> bool {
        self.family == "slot"
    }
    /// The denom of the same family and class at another hour.
    pub fn at_hour(&self, hour: u64) -> Denom {
        Denom::new(format!("{}/{}/{hour}", self.family, self.class)).expect("a slot denom is well under 64 bytes")
    }
}

/// Parses a slot denom, checking the shape `slot|kwh/{class}/{hour}`.
pub fn parse_slot(slot: &Denom) -> Result<SlotName<'_>, MarketError> {
    let bad = || MarketError::InvalidDenom(format!("{slot} is not slot/{{class}}/{{hour}} or kwh/{{class}}/{{hour}}"));
    let mut parts = slot.as_str().split('/');
    let (family, class, hour) = (parts.next(), parts.next(), parts.next());
    if parts.next().is_some() || !matches!(family, Some("slot" | "kwh")) {
        return Err(bad());
    }
    let class = class.filter(|c| greenhour_index::api::CLASSES.contains(c)).ok_or_else(bad)?;
    let hour = hour.and_then(|h| h.parse().ok().filter(|n: &u64| n.to_string() == h)).ok_or_else(bad)?;
    Ok(SlotName { family: family.unwrap_or_default(), class, hour })
}

pub fn params(state: &impl StateRead) -> Result<MarketParams, MarketError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn pool(state: &impl StateRead, slot: &Denom) -> Result<MarketPool, MarketError> {
    state.get(&keys::pool(slot))?.ok_or_else(|| MarketError::UnknownPool(slot.clone()))
}

/// Every pool, in slot-denom order.
pub fn all_pools(state: &impl StateRead) -> Result<Vec<MarketPool>, MarketError> {
    Ok(state.prefix::<MarketPool>(keys::POOL_PREFIX)?.into_iter().map(|(_, p)| p).collect())
}

pub(crate) fn put_pool(state: &mut impl StateWrite, p: &MarketPool) {
    state.put(&keys::pool(&p.slot), p);
}
