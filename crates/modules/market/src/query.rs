//! The market's reads as of a time: pools (decay, TWAP and phase brought up to
//! it), what a multi-hour purchase costs, and a swap quote.

use crate::state::{self, MarketPoolView};
use crate::{Exact, MarketError};
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Denom, UnixSeconds};
use serde::{Deserialize, Serialize};

/// Market pools in slot-denom order, those after `after` (the last slot of the
/// previous page) only, at most `limit`: one bounded range read.
pub fn pools(
    state: &impl StateRead,
    now: UnixSeconds,
    after: Option<&Denom>,
    limit: usize,
) -> Result<Vec<MarketPoolView>, MarketError> {
    // The smallest key above `after`'s is its key with a NUL byte appended.
    let from = match after {
        Some(slot) => format!("{}\0", String::from_utf8_lossy(crate::keys::pool(slot).as_bytes())),
        None => crate::keys::POOL_PREFIX.to_string(),
    };
    let rows = state.scan::<crate::state::MarketPool>(crate::keys::POOL_PREFIX, &from, limit)?;
    rows.into_iter().map(|(_, p)| MarketPoolView::at(p, now)).collect()
}

pub fn pool(state: &impl StateRead, slot: &Denom, now: UnixSeconds) -> Result<MarketPoolView, MarketError> {
    MarketPoolView::at(state::pool(state, slot)?, now)
}

/// One hour's part of a route: what goes in and what comes out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteLeg {
    pub slot: Denom,
    #[serde(rename = "in", with = "greenhour_primitives::amount_serde")]
    pub amount_in: u128,
    #[serde(rename = "out", with = "greenhour_primitives::amount_serde")]
    pub amount_out: u128,
}

/// What buying `slots_per_hour` slots in each of `hours` hours costs now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteView {
    pub first_slot: Denom,
    pub hours: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub slots_per_hour: u128,
    pub quote: Denom,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub total: u128,
    pub legs: Vec<RouteLeg>,
    pub as_of: UnixSeconds,
}

/// The cost of a multi-hour purchase, in `quote` (the first pool's quote if `None`).
pub fn route(
    state: &impl StateRead,
    first_slot: &Denom,
    hours: u32,
    slots_per_hour: u128,
    quote: Option<Denom>,
    now: UnixSeconds,
) -> Result<RouteView, MarketError> {
    if hours == 0 || slots_per_hour == 0 {
        return Err(MarketError::ZeroAmount);
    }
    let max = state::params(state)?.max_route_hours;
    if hours > max {
        return Err(MarketError::RouteTooLong { hours, max });
    }
    let quote = match quote {
        Some(q) => q,
        None => state::pool(state, first_slot)?.quote,
    };
    let (legs, total) = crate::api::route(state, first_slot, hours, slots_per_hour, &quote, now)?;
    let legs = legs
        .iter()
        .map(|l| RouteLeg { slot: l.pool.slot.clone(), amount_in: l.amount_in, amount_out: l.amount_out })
        .collect();
    Ok(RouteView { first_slot: first_slot.clone(), hours, slots_per_hour, quote, total, legs, as_of: now })
}

/// A swap quote against one pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteView {
    pub slot: Denom,
    pub buy_slots: bool,
    #[serde(rename = "in", with = "greenhour_primitives::amount_serde")]
    pub amount_in: u128,
    #[serde(rename = "out", with = "greenhour_primitives::amount_serde")]
    pub amount_out: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_wad: u128,
    pub closes_at: UnixSeconds,
    pub as_of: UnixSeconds,
}

pub fn quote(
    state: &impl StateRead,
    slot: &Denom,
    buy_slots: bool,
    exact: Exact,
    now: UnixSeconds,
) -> Result<QuoteView, MarketError> {
    let mut pool = state::pool(state, slot)?;
    if now >= pool.closes_at() {
        return Err(MarketError::HourClosed(slot.clone()));
    }
    pool.accrue(now)?;
    let (amount_in, amount_out) = pool.quote(buy_slots, exact)?;
    Ok(QuoteView {
        slot: slot.clone(),
        buy_slots,
        amount_in,
        amount_out,
        price_wad: pool.price_wad(),
        closes_at: pool.closes_at(),
        as_of: now,
    })
}

impl From<MarketError> for QueryError {
    fn from(e: MarketError) -> Self {
        match e {
            MarketError::UnknownPool(slot) => QueryError::NotFound(format!("market pool {slot}")),
            MarketError::State(s) => QueryError::Internal(s.to_string()),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

/// Which way a quoted swap goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Slots bought with quote.
    Buy,
    /// Slots sold for quote.
    Sell,
}

greenhour_framework::query_param_by_serde_name!(Side, ["buy", "sell"]);

fn exact(exact_in: Option<u128>, exact_out: Option<u128>) -> Result<Exact, QueryError> {
    match (exact_in, exact_out) {
        (Some(amount), None) => Ok(Exact::In(amount)),
        (None, Some(amount)) => Ok(Exact::Out(amount)),
        _ => Err(QueryError::InvalidParams("give exactly one of exact_in or exact_out".into())),
    }
}

greenhour_framework::module_queries! {
    /// The market's reads, as of the latest block time (decay, TWAP and phase brought up to it).
    pub enum MarketQuery in "market" {
        /// Market pools in slot order (at most 1,000, those after slot `after`
        /// only): reserves, phase, spot price, TWAP, time to close.
        Pools = "market_pools" at "/market/pools" { after: Option<Denom> } -> Vec<MarketPoolView>
            = |state, now| pools(state, now, after.as_ref(), MAX_LIST);
        /// One market pool by its slot denom.
        Pool = "market_pool" at "/market/pool" { slot: Denom } -> MarketPoolView
            = |state, now| pool(state, &slot, now);
        /// What buying `slots_per_hour` (default 1) slots in each of `hours` hours from
        /// `first_slot` costs now, per hour and in total (in `quote`, the first pool's by default).
        Route = "market_route" at "/market/route"
            { first_slot: Denom, hours: u32, slots_per_hour: Option<u128>, quote: Option<Denom> } -> RouteView
            = |state, now| route(state, &first_slot, hours, slots_per_hour.unwrap_or(1), quote, now);
        /// A swap quote (`side` buy by default; exactly one of `exact_in`, `exact_out`).
        Quote = "market_quote" at "/market/quote"
            { slot: Denom, side: Option<Side>, exact_in: Option<u128>, exact_out: Option<u128> } -> QuoteView
            = |state, now| quote(state, &slot, side != Some(Side::Sell), exact(exact_in, exact_out)?, now);
    }
}
