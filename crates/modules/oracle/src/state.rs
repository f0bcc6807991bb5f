//! Feeds and observations, and the only code that reads or writes oracle keys.

use crate::{event, keys, math, OracleError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::{Address, Height, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// A feed and who may report to it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Feed {
    /// `[a-z0-9_.-]{1,48}`, e.g. `carbon.de` (gCO2e/kWh), `price.de` (milli-EUR/MWh), `gpu_hour.h100` (ugusd).
    pub name: String,
    /// What one unit of the value means, for people.
    pub unit: String,
    /// Sorted, without duplicates.
    pub reporters: Vec<Address>,
    /// Reports that close a round.
    pub quorum: u32,
    /// Oldest value a read accepts, in seconds.
    pub max_age: u64,
    /// The open round.
    pub round: u64,
}

/// A published value.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Observation {
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub value: i128,
    pub round: u64,
    /// Block time and height at which the round closed.
    pub time: UnixSeconds,
    pub height: Height,
    /// Smallest and largest report of the round (the spread auditors look at).
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub min: i128,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub max: i128,
}

pub(crate) fn valid_feed_name(name: &str) -> bool {
    (1..=48).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-'))
}

pub fn feed(state: &impl StateRead, name: &str) -> Result<Feed, OracleError> {
    state.get(&keys::feed(name))?.ok_or_else(|| OracleError::UnknownFeed(name.to_string()))
}

pub fn feeds(state: &impl StateRead) -> Result<Vec<Feed>, OracleError> {
    Ok(state.prefix::<Feed>(keys::FEED_PREFIX)?.into_iter().map(|(_, f)| f).collect())
}

/// The open round's reports, in reporter order.
pub fn open_reports(state: &impl StateRead, name: &str) -> Result<Vec<(Address, i128)>, OracleError> {
    let prefix = keys::reports_of(name);
    Ok(state
        .prefix::<i128>(&prefix)?
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix(&prefix)?.parse().ok()?, v)))
        .collect())
}

/// The latest value without a staleness check (for display and audits).
pub fn latest(state: &impl StateRead, name: &str) -> Result<Option<Observation>, OracleError> {
    Ok(state.get(&keys::value(name))?)
}

/// The latest value if it is at most the feed's `max_age` old at `now`.
/// Every module that prices or scores with oracle data reads through here.
pub fn read(state: &impl StateRead, name: &str, now: UnixSeconds) -> Result<Observation, OracleError> {
    let f = feed(state, name)?;
    let obs = latest(state, name)?.ok_or_else(|| OracleError::NoValue(name.to_string()))?;
    let age = now.saturating_sub(obs.time);
    if age > f.max_age {
        return Err(OracleError::Stale { feed: name.to_string(), age, max_age: f.max_age });
    }
    Ok(obs)
}

/// A price a lending or minting module may act on: a fresh value (as [`read`])
/// that is positive and whose round's reports lie within `max_spread_bps` of it.
pub fn read_price(
    state: &impl StateRead,
    name: &str,
    now: UnixSeconds,
    max_spread_bps: u32,
) -> Result<u128, OracleError> {
    let obs = read(state, name, now)?;
    if obs.value <= 0 {
        return Err(OracleError::NotAPrice { feed: name.to_string(), value: obs.value });
    }
    let price = obs.value as u128;
    let spread = obs.max.saturating_sub(obs.min).max(0) as u128;
    // spread / price > max / 10⁴, compared without dividing (both sides fit: i128 values, u32 bps).
    if spread.saturating_mul(10_000) > price.saturating_mul(max_spread_bps as u128) {
        return Err(OracleError::Disputed { feed: name.to_string(), max_spread_bps });
    }
    Ok(price)
}

/// Most reporters one feed may have.
pub const MAX_REPORTERS: usize = 64;

/// Checks a reporter set without state: 1 to [`MAX_REPORTERS`] distinct
/// reporters and `1 ≤ quorum ≤ their number`.
pub fn check_reporter_set(reporters: &[Address], quorum: u32) -> Result<(), OracleError> {
    let mut sorted = reporters.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.is_empty() || sorted.len() != reporters.len() || sorted.len() > MAX_REPORTERS {
        return Err(OracleError::BadReporterSet { max: MAX_REPORTERS });
    }
    if quorum == 0 || quorum as usize > sorted.len() {
        return Err(OracleError::BadReporterSet { max: MAX_REPORTERS });
    }
    Ok(())
}

/// Replaces a feed's reporter set and quorum (governance's change). The open
/// round keeps its number but loses its reports: a removed reporter's report
/// must not count, and a round judged by two sets would mean neither.
/// Post-condition: the feed's reporters are sorted and distinct, its open round empty.
pub fn set_reporters(
    state: &mut impl StateWrite,
    name: &str,
    reporters: &[Address],
    quorum: u32,
) -> Result<(), OracleError> {
    check_reporter_set(reporters, quorum)?;
    let mut f = feed(state, name)?;
    for (reporter, _) in open_reports(state, name)? {
        state.delete(&keys::report(name, &reporter));
    }
    let mut sorted = reporters.to_vec();
    sorted.sort_unstable();
    f.reporters = sorted;
    f.quorum = quorum;
    state.put(&keys::feed(name), &f);
    state.emit(
        crate::event::OracleEvent::ReportersSet { feed: name.into(), reporters: reporters.len() as u32, quorum }.into(),
    );
    Ok(())
}

/// Records `reporter`'s value for the open round `round`; closes the round at quorum.
/// Post-condition: the open round holds fewer than `quorum` reports.
pub fn submit(
    state: &mut impl StateWrite,
    reporter: &Address,
    name: &str,
    round: u64,
    value: i128,
    now: UnixSeconds,
    height: Height,
) -> Result<Option<Observation>, OracleError> {
    let mut f = feed(state, name)?;
    if f.reporters.binary_search(reporter).is_err() {
        return Err(OracleError::NotReporter { feed: name.to_string(), reporter: *reporter });
    }
    if round != f.round {
        return Err(OracleError::WrongRound { feed: name.to_string(), open: f.round, got: round });
    }
    if state.get(&keys::report(name, reporter))?.is_some() {
        return Err(OracleError::AlreadyReported { feed: name.to_string(), round });
    }
    state.put(&keys::report(name, reporter), &value);
    state.emit(event::reported(name, round, reporter, value));
    let reports = open_reports(state, name)?;
    if reports.len() < f.quorum as usize {
        return Ok(None);
    }
    let values: Vec<i128> = reports.iter().map(|(_, v)| *v).collect();
    let obs = Observation {
        value: math::median(&values).expect("quorum ≥ 1 report"),
        round,
        time: now,
        height,
        min: *values.iter().min().expect("non-empty"),
        max: *values.iter().max().expect("non-empty"),
    };
    for (r, _) in &reports {
        state.delete(&keys::report(name, r));
    }
    state.put(&keys::value(name), &obs);
    state.put(&keys::history(name, round), &obs);
    f.round += 1;
    state.put(&keys::feed(name), &f);
    state.emit(event::published(name, &obs));
    Ok(Some(obs))
}
