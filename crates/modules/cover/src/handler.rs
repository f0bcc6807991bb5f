//! Staking (with the slashed-GHR rewards), selling device-downtime and job covers,
//! and the trigger sweep that pays them automatically.

use crate::action::CoverAction;
use crate::event::CoverEvent;
use crate::math;
use crate::params::CoverParams;
use crate::state::{self, Cover, JobPeril, Peril, Pool, Stake};
use crate::{keys, CoverError};
use greenhour_devices::DeviceId;
use greenhour_framework::{BlockCtx, StateRead, StateWrite, TxCtx};
use greenhour_jobs::{JobId, JobStatus};
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
            let mut stake = state::stake_of(state, &signer)?;
            pay_rewards(state, &pool, &signer, &stake)?;
            pool.capital = overflow(pool.capital.checked_add(*amount))?;
            pool.shares = overflow(pool.shares.checked_add(shares))?;
            state.put(&keys::pool(), &pool);
            stake.shares = overflow(stake.shares.checked_add(shares))?;
            put_stake(state, &pool, &signer, stake)?;
            state.emit(CoverEvent::Staked { staker: signer, amount: *amount, shares }.into());
            Ok(())
        }
        CoverAction::Unstake { shares, min_amount } => {
            let mut stake = state::stake_of(state, &signer)?;
            if stake.shares < *shares {
                return Err(CoverError::InsufficientShares { held: stake.shares, asked: *shares });
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
            pay_rewards(state, &pool, &signer, &stake)?;
            pool.capital = left;
            pool.shares -= shares;
            state.put(&keys::pool(), &pool);
            stake.shares -= shares;
            put_stake(state, &pool, &signer, stake)?;
            if amount > 0 {
                greenhour_bank::api::transfer(state, &account(), &signer, &gusd(amount))?;
            }
            state.emit(CoverEvent::Unstaked { staker: signer, shares: *shares, amount }.into());
            Ok(())
        }
        CoverAction::ClaimRewards {} => {
            let stake = state::stake_of(state, &signer)?;
            let pool = state::pool(state)?;
            if pay_rewards(state, &pool, &signer, &stake)? == 0 {
                return Err(CoverError::ZeroAmount);
            }
            put_stake(state, &pool, &signer, stake)
        }
        CoverAction::BuyJobCover { job, peril, sum_insured, max_premium } => {
            buy_job_cover(state, &signer, JobId(*job), *peril, *sum_insured, *max_premium, now)
        }
        CoverAction::Buy { device, first_hour, hours, per_hour, max_premium } => {
            buy(state, &signer, *device, (*first_hour, *hours), *per_hour, *max_premium, now)
        }
    }
}

/// GHR a stake has earned and not yet been paid.
pub fn pending_rewards(pool: &Pool, stake: &Stake) -> Result<u128, CoverError> {
    Ok(overflow(math::earned(stake.shares, pool.ghr_per_share_wad))?.saturating_sub(stake.ghr_debt))
}

/// Pays a staker the GHR its shares earned since its last touch; the caller
/// then writes the stake back with [`put_stake`], which resets its debt.
fn pay_rewards(state: &mut impl StateWrite, pool: &Pool, who: &Address, stake: &Stake) -> Result<u128, CoverError> {
    let owed = pending_rewards(pool, stake)?;
    if owed > 0 {
        greenhour_bank::api::transfer(state, &account(), who, &Coin::new(Denom::ghr(), owed))?;
        state.emit(CoverEvent::RewardsPaid { staker: *who, ghr: owed }.into());
    }
    Ok(owed)
}

fn put_stake(state: &mut impl StateWrite, pool: &Pool, who: &Address, mut stake: Stake) -> Result<(), CoverError> {
    if stake.shares == 0 {
        state.delete(&keys::stake(who));
        return Ok(());
    }
    stake.ghr_debt = overflow(math::debt(stake.shares, pool.ghr_per_share_wad))?;
    state.put(&keys::stake(who), &stake);
    Ok(())
}

/// A quote: the price of one event of this cover now, and the premium.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Quote {
    /// The expected loss, bps of the sum: a device's share of the window it
    /// reported no telemetry for, or a job's chance of the peril from the record.
    pub expected_loss_bps: u32,
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
    price(&params, &pool, 10_000 - uptime_bps, per_hour, hours)
}

/// The price of `events` events of `sum` at an expected loss, with this pool.
fn price(params: &CoverParams, pool: &Pool, loss_bps: u32, sum: u128, events: u32) -> Result<Quote, CoverError> {
    let locked_after = overflow(pool.locked.checked_add(overflow(sum.checked_mul(u128::from(events)))?))?;
    let utilisation_bps = math::utilisation_bps(locked_after, pool.capital);
    let rate_bps = math::rate_bps(params.base_rate_bps, loss_bps, params.utilisation_slope_bps, utilisation_bps);
    Ok(Quote {
        expected_loss_bps: loss_bps,
        utilisation_bps,
        rate_bps,
        premium: overflow(math::premium(sum, events, rate_bps))?,
        within_capacity: math::within_capacity(locked_after, pool.capital, params.capacity_bps),
    })
}

/// Prices a cover of `sum` on a job against one peril now: the expected loss is
/// the worse of the chain's record and the buyer's own (with the prior), so a
/// buyer whose jobs keep failing pays for it.
pub fn quote_job(state: &impl StateRead, job: JobId, peril: JobPeril, sum: u128) -> Result<Quote, CoverError> {
    let params = state::params(state)?;
    let pool = state::pool(state)?;
    let j = greenhour_jobs::api::job(state, job)?;
    let loss = |o: &greenhour_jobs::api::Outcomes| match peril {
        JobPeril::Failure => math::job_loss_bps(o.failed + o.expired, o.served_or_not(), params.job_prior_jobs),
        JobPeril::GreenShortfall => math::job_loss_bps(o.green_short, o.settled, params.job_prior_jobs),
    };
    let chain = greenhour_jobs::api::outcomes(state, None)?;
    let own = greenhour_jobs::api::outcomes(state, Some(&j.buyer))?;
    price(&params, &pool, loss(&chain).max(loss(&own)), sum, 1)
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
    let peril = Peril::Downtime { device };
    sell(state, signer, peril, (first_hour, hours), per_hour, (q, max_premium), now).map(|_| ())
}

/// Sells a cover once its own checks passed: the capacity and premium checks,
/// the premium into the capital, the cover filed due at its first hour.
fn sell(
    state: &mut impl StateWrite,
    signer: &Address,
    peril: Peril,
    (first_hour, events): (u64, u32),
    sum_insured: u128,
    (q, max_premium): (Quote, u128),
    now: UnixSeconds,
) -> Result<u64, CoverError> {
    let params = state::params(state)?;
    let mut pool = state::pool(state)?;
    let asked = sum_insured * u128::from(events);
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
        peril,
        first_hour,
        events,
        sum_insured,
        premium: q.premium,
        next_hour: first_hour,
        judged: 0,
        events_paid: 0,
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
            peril: peril.name().into(),
            subject: peril.subject(),
            first_hour,
            events,
            sum_insured,
            premium: q.premium,
            rate_bps: q.rate_bps,
        }
        .into(),
    );
    Ok(id)
}

/// Job cover: only the job's buyer, before the job could have started, at most
/// one cover per peril and `max_job_sum`; green-shortfall cover only on a job
/// that sets a green floor. Judged from the first hour the job could end.
fn buy_job_cover(
    state: &mut impl StateWrite,
    signer: &Address,
    job: JobId,
    peril: JobPeril,
    sum_insured: u128,
    max_premium: u128,
    now: UnixSeconds,
) -> Result<(), CoverError> {
    let params = state::params(state)?;
    let j = greenhour_jobs::api::job(state, job)?;
    if j.buyer != *signer {
        return Err(CoverError::NotJobBuyer(job.0));
    }
    if j.status.is_final() {
        return Err(CoverError::JobClosed(job.0));
    }
    let start = j.start_hour.unwrap_or(j.spec.earliest_hour);
    let now_hour = now / HOUR;
    if start <= now_hour {
        return Err(CoverError::CoverStarted { first_hour: start, now_hour });
    }
    if peril == JobPeril::GreenShortfall && j.spec.min_green_bps == 0 {
        return Err(CoverError::InvalidTerms(format!("job {job} sets no green floor to fall short of")));
    }
    if sum_insured > params.max_job_sum {
        return Err(CoverError::InvalidTerms(format!(
            "{sum_insured} ugusd is more than the {} one job cover insures",
            params.max_job_sum
        )));
    }
    if let Some(cover) = state::job_cover(state, job.0, peril)? {
        return Err(CoverError::AlreadyCovered { job: job.0, peril: peril.name(), cover });
    }
    let q = quote_job(state, job, peril, sum_insured)?;
    let first_hour = overflow(start.checked_add(u64::from(j.spec.hours)))?;
    let id =
        sell(state, signer, Peril::Job { job: job.0, peril }, (first_hour, 1), sum_insured, (q, max_premium), now)?;
    state.put(&keys::job_cover(job.0, peril), &id);
    Ok(())
}

/// Each block: first the jobs' slashed GHR is shared over the stakers' shares
/// (while there are any); then every cover event due (a covered hour that ended
/// `grace_hours` ago or more; a covered job from the first hour it could have
/// ended) is judged in hour order, at most `max_judged_per_block` of them. A
/// triggered event pays the holder its sum from the pool; either way the event's
/// sum leaves `locked`.
pub fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), CoverError> {
    let params = state::params(state)?;
    let mut pool = state::pool(state)?;
    let before = pool.clone();
    receive_slashing(state, &mut pool)?;
    if let Some(last_due) = (ctx.time / HOUR).checked_sub(1 + params.grace_hours) {
        let page = state.scan::<()>(keys::DUE_PREFIX, keys::DUE_PREFIX, params.max_judged_per_block as usize)?;
        for (key, ()) in page {
            let (hour, id) = parse_due(&key)?;
            if hour > last_due {
                break;
            }
            judge(state, &mut pool, id, hour, last_due, &params)?;
        }
    }
    if pool != before {
        state.put(&keys::pool(), &pool);
    }
    Ok(())
}

/// Slashing proceeds fund the pool: the jobs insurance fund's GHR is moved to
/// the module and credited to every share alike (left where it is while no one
/// stakes, or while it would overflow the accumulator).
fn receive_slashing(state: &mut impl StateWrite, pool: &mut Pool) -> Result<(), CoverError> {
    if pool.shares == 0 {
        return Ok(());
    }
    let waiting = greenhour_bank::api::balance(state, &greenhour_jobs::api::insurance(), &Denom::ghr())?;
    if waiting == 0 {
        return Ok(());
    }
    let (Some(acc), Some(total)) =
        (math::accrue(pool.ghr_per_share_wad, waiting, pool.shares), pool.ghr_received.checked_add(waiting))
    else {
        return Ok(());
    };
    let moved = greenhour_jobs::api::drain_insurance(state, &account())?;
    if moved != waiting {
        return Err(CoverError::Corrupt(format!("drained {moved} ughr of slashing, {waiting} was waiting")));
    }
    pool.ghr_per_share_wad = acc;
    pool.ghr_received = total;
    state.emit(CoverEvent::SlashingReceived { ghr: moved, shares: pool.shares }.into());
    Ok(())
}

fn parse_due(key: &str) -> Result<(u64, u64), CoverError> {
    let rest = &key[keys::DUE_PREFIX.len()..];
    let parsed = rest.split_once('/').and_then(|(h, i)| Some((h.parse().ok()?, i.parse().ok()?)));
    parsed.ok_or_else(|| CoverError::Corrupt(format!("key {key}")))
}

/// What judging one event found: whether it pays, and the fact it read.
enum Verdict {
    /// The job has not ended: look again next hour.
    NotYet,
    Judged {
        pays: bool,
        fact: Fact,
    },
}

/// The fact a verdict rests on, written out only for an event that pays (most
/// judged hours pay nothing, and the sweep stays allocation-free for them).
enum Fact {
    Telemetry { secs: u64, hour: u64 },
    JobEnded { status: JobStatus, green_bps: u32, floor_bps: u32 },
}

impl std::fmt::Display for Fact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fact::Telemetry { secs, hour } => write!(f, "{secs} s of accepted telemetry in hour {hour}"),
            Fact::JobEnded { status: JobStatus::Settled, green_bps, floor_bps } => {
                write!(f, "settled {green_bps} bps green (floor {floor_bps})")
            }
            Fact::JobEnded { status, .. } => write!(f, "{}", format!("{status:?}").to_lowercase()),
        }
    }
}

fn verdict(state: &impl StateRead, c: &Cover, hour: u64, params: &CoverParams) -> Result<Verdict, CoverError> {
    Ok(match c.peril {
        Peril::Downtime { device } => {
            let secs = greenhour_devices::api::reported_seconds(state, device, hour)?;
            Verdict::Judged { pays: secs < params.min_reported_secs, fact: Fact::Telemetry { secs, hour } }
        }
        Peril::Job { job, peril } => {
            let j = greenhour_jobs::api::job(state, JobId(job))?;
            if !j.status.is_final() {
                return Ok(Verdict::NotYet);
            }
            let report = greenhour_jobs::api::report(state, JobId(job))?;
            let pays = match peril {
                JobPeril::Failure => matches!(j.status, JobStatus::Failed | JobStatus::Expired),
                JobPeril::GreenShortfall => greenhour_jobs::api::green_short(&j, report.as_ref()),
            };
            let green_bps = report.as_ref().map_or(0, |r| r.green_bps());
            Verdict::Judged {
                pays,
                fact: Fact::JobEnded { status: j.status, green_bps, floor_bps: j.spec.min_green_bps },
            }
        }
    })
}

fn judge(
    state: &mut impl StateWrite,
    pool: &mut Pool,
    id: u64,
    hour: u64,
    last_due: u64,
    params: &CoverParams,
) -> Result<(), CoverError> {
    let mut c = state::cover(state, id)?;
    state.delete(&keys::due(hour, id));
    match verdict(state, &c, hour, params)? {
        Verdict::NotYet => c.next_hour = last_due + 1,
        Verdict::Judged { pays, fact } => {
            pool.locked = pool.locked.saturating_sub(c.sum_insured);
            if pays {
                // Sales and withdrawals keep locked ≤ capital, so the pool has the sum.
                pool.capital = pool.capital.saturating_sub(c.sum_insured);
                pool.payouts += c.sum_insured;
                pool.events_paid += 1;
                c.events_paid += 1;
                c.paid += c.sum_insured;
                greenhour_bank::api::transfer(state, &account(), &c.holder, &gusd(c.sum_insured))?;
                state.emit(
                    CoverEvent::Paid {
                        cover: id,
                        holder: c.holder,
                        peril: c.peril.name().into(),
                        subject: c.peril.subject(),
                        hour,
                        fact: fact.to_string(),
                        amount: c.sum_insured,
                    }
                    .into(),
                );
            }
            c.judged += 1;
            c.next_hour = hour + 1;
        }
    }
    if !c.is_done() {
        state.put(&keys::due(c.next_hour, id), &());
    }
    state.put(&keys::cover(id), &c);
    Ok(())
}
