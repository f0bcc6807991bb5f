//! The derivatives module's reads: series, books, accounts with their margin,
//! accounts a liquidator may take over, and the insurance fund.

use crate::handler::portfolio::{Held, Portfolio};
use crate::state::{self, Insurance, Order, Series, SeriesId, Side};
use crate::DerivativesError;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, UnixSeconds};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::rc::Rc;

const HOUR: u64 = 3_600;

/// A series with its name and whether it trades now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesView {
    pub name: String,
    pub trading: bool,
    pub series: Series,
}

fn view(s: Series, now: UnixSeconds) -> SeriesView {
    let trading = !s.is_settled() && now / HOUR < s.instrument.end_hour();
    SeriesView { name: s.instrument.name(), trading, series: s }
}

/// The newest series first (at most 1,000).
pub fn series_list(state: &impl StateRead, now: UnixSeconds) -> Result<Vec<SeriesView>, DerivativesError> {
    let mut all = state::all_series(state)?;
    all.reverse();
    Ok(all.into_iter().take(MAX_LIST).map(|s| view(s, now)).collect())
}

/// Contracts resting at one price.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub size: u128,
    pub orders: u32,
}

/// A series' book by price level, best first (from the best 1,000 orders a side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookView {
    pub series: SeriesId,
    pub bids: Vec<Level>,
    pub asks: Vec<Level>,
}

fn levels(orders: Vec<Order>) -> Vec<Level> {
    let mut out: Vec<Level> = Vec::new();
    for o in orders {
        match out.last_mut() {
            Some(l) if l.price == o.price => {
                l.size += o.open;
                l.orders += 1;
            }
            _ => out.push(Level { price: o.price, size: o.open, orders: 1 }),
        }
    }
    out
}

pub fn book(state: &impl StateRead, series: SeriesId) -> Result<BookView, DerivativesError> {
    state::series(state, series)?;
    Ok(BookView {
        series,
        bids: levels(state::book_side(state, series, Side::Buy, MAX_LIST)?),
        asks: levels(state::book_side(state, series, Side::Sell, MAX_LIST)?),
    })
}

/// One position, valued.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionView {
    pub series: SeriesId,
    pub name: String,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub size: i128,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub cost: i128,
    /// The price it is valued at: the final price once settled, else the mark.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price: u128,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub funding_owed: i128,
    /// Value less cost less funding owed.
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub unrealised_pnl: i128,
    pub settled: bool,
}

fn position_view(h: &Held) -> Result<PositionView, DerivativesError> {
    Ok(PositionView {
        series: h.series.id,
        name: h.series.instrument.name(),
        size: h.pos.qty,
        cost: h.pos.cost,
        price: h.price(),
        funding_owed: h.funding_owed()?,
        unrealised_pnl: h.unrealised()?,
        settled: h.series.is_settled(),
    })
}

/// A margin account: cash, equity, both margins, positions and resting orders.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub owner: Address,
    pub exists: bool,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub cash: i128,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub equity: i128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub maintenance: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub initial: u128,
    /// Equity below maintenance with positions open: anyone may liquidate it.
    pub liquidatable: bool,
    pub positions: Vec<PositionView>,
    pub orders: Vec<Order>,
}

pub fn account(state: &impl StateRead, owner: &Address) -> Result<AccountView, DerivativesError> {
    let params = state::params(state)?;
    let p = Portfolio::load(state, owner)?;
    let (equity, maintenance) = (p.equity()?, p.maintenance(&params)?);
    let open = p.held.iter().any(|h| !h.series.is_settled());
    Ok(AccountView {
        owner: *owner,
        exists: p.exists,
        cash: p.account.cash,
        equity,
        maintenance,
        initial: p.initial(&params)?,
        liquidatable: open && equity < maintenance as i128,
        positions: p.held.iter().map(position_view).collect::<Result<_, _>>()?,
        orders: state::orders_of(state, owner)?,
    })
}

/// An account below its maintenance margin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub owner: Address,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub equity: i128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub maintenance: u128,
}

/// Every account a liquidator may take over now (at most 1,000). One pass over
/// the accounts and one over the positions, merged (both are keyed by owner, so
/// they arrive in the same order), each series read once: what a liquidator's
/// scan of the whole book costs.
pub fn liquidatable(state: &impl StateRead) -> Result<Vec<Shortfall>, DerivativesError> {
    let params = state::params(state)?;
    let mut series: BTreeMap<SeriesId, Rc<Series>> = BTreeMap::new();
    let positions = state::all_positions(state)?;
    let mut next = positions.iter().peekable();
    let mut out = Vec::new();
    for (owner, account) in state::accounts(state)? {
        let mut held = Vec::new();
        while let Some((o, id, pos)) = next.next_if(|(o, _, _)| *o <= owner) {
            if *o != owner {
                continue;
            }
            let s = match series.get(id) {
                Some(s) => s.clone(),
                None => {
                    let s = Rc::new(state::series(state, *id)?);
                    series.insert(*id, s.clone());
                    s
                }
            };
            if !s.is_settled() {
                held.push(Held { series: s, pos: pos.clone(), changed: false });
            }
        }
        if held.is_empty() {
            continue;
        }
        let p = Portfolio::from_parts(owner, account, held);
        let (equity, maintenance) = (p.equity()?, p.maintenance(&params)?);
        if equity < maintenance as i128 {
            out.push(Shortfall { owner, equity, maintenance });
            if out.len() == MAX_LIST {
                break;
            }
        }
    }
    Ok(out)
}

impl From<DerivativesError> for QueryError {
    fn from(e: DerivativesError) -> Self {
        match e {
            DerivativesError::UnknownSeries(id) => QueryError::NotFound(format!("series {id}")),
            DerivativesError::UnknownOrder(id) => QueryError::NotFound(format!("order {id}")),
            DerivativesError::State(s) => QueryError::Internal(s.to_string()),
            DerivativesError::Corrupt(s) => QueryError::Internal(s),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

greenhour_framework::module_queries! {
    /// The derivatives module's reads, as of the latest block time.
    pub enum DerivativesQuery in "derivatives" {
        /// Every series, newest first (at most 1,000): instrument, mark, funding, open interest, final price.
        SeriesList = "derivatives_series_list" at "/derivatives/series" {} -> Vec<SeriesView>
            = |state, now| series_list(state, now);
        /// One series.
        Series = "derivatives_series" at "/derivatives/series/{id}" { id: u64 } -> SeriesView
            = |state, now| state::series(state, id).map(|s| view(s, now));
        /// A series' order book by price level.
        Book = "derivatives_book" at "/derivatives/series/{id}/book" { id: u64 } -> BookView
            = |state, _now| book(state, id);
        /// A margin account: cash, equity, margins, positions valued at the mark, resting orders.
        Account = "derivatives_account" at "/derivatives/accounts/{owner}" { owner: Address } -> AccountView
            = |state, _now| account(state, &owner);
        /// Accounts below their maintenance margin, for liquidators (at most 1,000).
        Liquidatable = "derivatives_liquidatable" at "/derivatives/liquidatable" {} -> Vec<Shortfall>
            = |state, _now| liquidatable(state);
        /// The insurance fund: fees and penalties in, bad debt covered and uncovered.
        Insurance = "derivatives_insurance" at "/derivatives/insurance" {} -> Insurance
            = |state, _now| state::insurance(state);
    }
}
