//! Staking, selling cover, and the trigger sweep that pays downtime automatically.

use crate::action::CoverAction;
use crate::event::CoverEvent;
use crate::math;
use crate::params::CoverParams;
use crate::state::{self, Cover, Pool};
use crate::{keys, CoverError};
use greenhour_devices::DeviceId;
use greenhour_framework::{BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Coin, Denom, UnixSeconds};

const HOUR: u64 = 3_600;
const DAY: u64 = 86_400;

fn overflow<T>(v: Option<T>) -> Result<T, CoverError> {
    v.ok_or(CoverError::Overflow)
}

fn gusd(amount: u128) -> Coin {
    Coin::new(Denom::gusd(), amount)
}

/// The module's account: it holds the pool's capital.
pub fn account() -> Address {
    Address::for_module(crate::NAME)
}

pub fn execute(state: &mut impl StateWrite, tx: &TxCtx, action: &CoverAction) -> Result<(), CoverError> {
    let (now, signer) = (tx.block.time, tx.signer);
    match action {
        CoverAction::Stake { amount, min_shares } => {
            let mut pool = state::pool(state)?;
            let shares = overflow(math::to_shares_down(*amount, pool.capital, pool.shares))?;
            if shares == 0 || shares < *min_shares {
                return Err(CoverError::Slippage { got: shares, limit: (*min_shares).max(1) });
            }
            greenhour_bank::api::transfer(state, &signer, &account(), &gusd(*amount))?;
            pool.capital = overflow(pool.capital.checked_add(*amount))?;
            pool.shares = overflow(pool.shares.checked_add(shares))?;
            state.put(&keys::pool(), &pool);
            let held = state::stake_of(state, &signer)?;
            state.put(&keys::stake(&signer), &overflow(held.checked_add(shares))?);
            state.emit(CoverEvent::Staked { staker: signer, amount: *amount, shares }.into());
            Ok(())
        }
        CoverAction::Unstake { shares, min_amount } => {
            let held = state::stake_of(state, &signer)?;
            if held < *shares {
                return Err(CoverError::InsufficientShares { held, asked: *shares });
            }
            let mut pool = state::pool(state)?;
            let amount = overflow(math::to_assets_down(*shares, pool.capital, pool.shares))?;
            if amount < *min_amount {
                return Err(CoverError::Slippage { got: amount, limit: *min_amount });
            }
            let params = state::params(state)?;
            let left = pool.capital - amount.min(pool.capital);
            if !math::within_capacity(pool.locked, left, params.capacity_bps) {
                let needed = overflow(math::mul_div_up(pool.locked, math::BPS, u128::from(params.capacity_bps)))?;
                return Err(CoverError::CapitalLocked {
                    locked: pool.locked,
                    free: pool.capital.saturating_sub(needed),
                });
            }
            pool.capital = left;
            pool.shares -= shares;
            state.put(&keys::pool(), &pool);
            if held == *shares {
                state.delete(&keys::stake(&signer));
            } else {
                state.put(&keys::stake(&signer), &(held - shares));
            }
            if amount > 0 {
                greenhour_bank::api::transfer(state, &account(), &signer, &gusd(amount))?;
            }
            state.emit(CoverEvent::Unstaked { staker: signer, shares: *shares, amount }.into());
            Ok(())
        }
        CoverAction::Buy { device, first_hour, hours, per_hour, max_premium } => {
            buy(state, &signer, *device, (*first_hour, *hours), *per_hour, *max_premium, now)
        }
    }
}

/// A quote: the hour's price for this device now, and the premium.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// The device's share of the window it reported no telemetry for, bps.
    pub downtime_bps: u32,
    /// The pool's utilisation with this cover sold, bps.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub utilisation_bps: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub rate_bps: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub premium: u128,
    /// Whether the pool has the capacity for it.
    pub within_capacity: bool,
}

/// Prices `hours` hours of `per_hour` cover on `device` now.
pub fn quote(
    state: &impl StateRead,
    device: DeviceId,
    hours: u32,
    per_hour: u128,
    now: UnixSeconds,
) -> Result<Quote, CoverError> {
    let params = state::params(state)?;
    let pool = state::pool(state)?;
    let d = greenhour_devices::api::device(state, device)?;
    let first_day = (now / DAY).saturating_sub(params.window_days);
    let totals = greenhour_devices::api::window_totals(state, &d, first_day)?;
    // The window starts at the later of its first day and the device's first report
    // in it: a device new to the chain is priced on the hours it has existed, not
    // as down before it was built. One with no report in the window is all downtime.
    let from = match greenhour_devices::api::first_report_since(state, device, first_day * DAY)? {
        Some(first) => first.report.start,
        None => first_day * DAY,
    };
    let window = now.saturating_sub(from).max(1);
    let uptime_bps = (u128::from(totals.reported_seconds) * math::BPS / u128::from(window)).min(math::BPS) as u32;
    let locked_after = overflow(pool.locked.checked_add(overflow(per_hour.checked_mul(u128::from(hours)))?))?;
    let utilisation_bps = math::utilisation_bps(locked_after, pool.capital);
    let rate_bps =
        math::rate_bps(params.base_rate_bps, 10_000 - uptime_bps, params.utilisation_slope_bps, utilisation_bps);
    Ok(Quote {
        downtime_bps: 10_000 - uptime_bps,
        utilisation_bps,
        rate_bps,
        premium: overflow(math::premium(per_hour, hours, rate_bps))?,
        within_capacity: math::within_capacity(locked_after, pool.capital, params.capacity_bps),
    })
}

fn buy(
    state: &mut impl StateWrite,
    signer: &Address,
    device: DeviceId,
    (first_hour, hours): (u64, u32),
    per_hour: u128,
    max_premium: u128,
    now: UnixSeconds,
) -> Result<(), CoverError> {
    let params = state::params(state)?;
    let d = greenhour_devices::api::device(state, device)?;
    if d.owner != *signer {
        return Err(CoverError::NotOwner(device));
    }
    if hours > params.max_hours {
        return Err(CoverError::InvalidTerms(format!(
            "{hours} hours is more than the {} a cover takes",
            params.max_hours
        )));
    }
    let now_hour = now / HOUR;
    if first_hour <= now_hour {
        return Err(CoverError::CoverStarted { first_hour, now_hour });
    }
    // Cover starts within its own longest term: a far-off first hour would hold
    // the pool's capital for nothing (and overflow the hour arithmetic).
    if first_hour - now_hour > u64::from(params.max_hours) {
        return Err(CoverError::InvalidTerms(format!(
            "cover must start within {} hours (hour {first_hour} is {} ahead)",
            params.max_hours,
            first_hour - now_hour
        )));
    }
    let q = quote(state, device, hours, per_hour, now)?;
    let mut pool = state::pool(state)?;
    let asked = per_hour * u128::from(hours);
    if !q.within_capacity {
        let capacity = overflow(math::mul_div_down(pool.capital, u128::from(params.capacity_bps), math::BPS))?;
        return Err(CoverError::OverCapacity { capacity, locked: pool.locked, asked });
    }
    if q.premium > max_premium {
        return Err(CoverError::Slippage { got: q.premium, limit: max_premium });
    }
    if q.premium > 0 {
        greenhour_bank::api::transfer(state, signer, &account(), &gusd(q.premium))?;
    }
    pool.capital = overflow(pool.capital.checked_add(q.premium))?;
    pool.premiums = overflow(pool.premiums.checked_add(q.premium))?;
    pool.locked += asked;
    pool.covers_sold += 1;
    state.put(&keys::pool(), &pool);
    let id = state.get(&keys::next_cover())?.unwrap_or(1);
    state.put(&keys::next_cover(), &(id + 1));
    let cover = Cover {
        id,
        holder: *signer,
        device,
        first_hour,
        hours,
        per_hour,
        premium: q.premium,
        next_hour: first_hour,
        hours_paid: 0,
        paid: 0,
        bought_at: now,
    };
    state.put(&keys::cover(id), &cover);
    state.put(&keys::due(first_hour, id), &());
    state.put(&keys::holder_cover(signer, id), &());
    state.emit(
        CoverEvent::Sold {
            cover: id,
            holder: *signer,
            device: device.0,
            first_hour,
            hours,
            per_hour,
            premium: q.premium,
            rate_bps: q.rate_bps,
        }
        .into(),
    );
    Ok(())
}

/// Each block: judges every covered hour that ended `grace_hours` ago or more, in
/// hour order, at most `max_judged_per_block` of them: an hour with less accepted
/// telemetry than `min_reported_secs` pays the cover's holder its per-hour sum from
/// the pool; either way the hour's cover is released from `locked`.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), CoverError> {
    let params = state::params(state)?;
    let Some(last_due) = (ctx.time / HOUR).checked_sub(1 + params.grace_hours) else { return Ok(()) };
    let page = state.scan::<()>(keys::DUE_PREFIX, keys::DUE_PREFIX, params.max_judged_per_block as usize)?;
    if page.is_empty() {
        return Ok(());
    }
    let mut pool = state::pool(state)?;
    let before = pool.clone();
    for (key, ()) in page {
        let (hour, id) = parse_due(&key)?;
        if hour > last_due {
            break;
        }
        judge(state, &mut pool, id, hour, &params)?;
    }
    if pool != before {
        state.put(&keys::pool(), &pool);
    }
    Ok(())
}

fn parse_due(key: &str) -> Result<(u64, u64), CoverError> {
    let rest = &key[keys::DUE_PREFIX.len()..];
    let parsed = rest.split_once('/').and_then(|(h, i)| Some((h.parse().ok()?, i.parse().ok()?)));
    parsed.ok_or_else(|| CoverError::Corrupt(format!("key {key}")))
}

fn judge(
    state: &mut impl StateWrite,
    pool: &mut Pool,
    id: u64,
    hour: u64,
    params: &CoverParams,
) -> Result<(), CoverError> {
    let mut c = state::cover(state, id)?;
    state.delete(&keys::due(hour, id));
    let reported_secs = greenhour_devices::api::reported_seconds(state, c.device, hour)?;
    pool.locked = pool.locked.saturating_sub(c.per_hour);
    if reported_secs < params.min_reported_secs {
        // Sales and withdrawals keep locked ≤ capital, so the pool has the sum.
        pool.capital = pool.capital.saturating_sub(c.per_hour);
        pool.payouts += c.per_hour;
        pool.hours_paid += 1;
        c.hours_paid += 1;
        c.paid += c.per_hour;
        greenhour_bank::api::transfer(state, &account(), &c.holder, &gusd(c.per_hour))?;
        state.emit(
            CoverEvent::Paid {
                cover: id,
                holder: c.holder,
                device: c.device.0,
                hour,
                reported_secs,
                amount: c.per_hour,
            }
            .into(),
        );
    }
    c.next_hour = hour + 1;
    if c.next_hour < c.end_hour() {
        state.put(&keys::due(c.next_hour, id), &());
    }
    state.put(&keys::cover(id), &c);
    Ok(())
}
