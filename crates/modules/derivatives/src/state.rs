//! Stored derivatives types and their readers.

use crate::params::DerivativesParams;
use crate::{keys, DerivativesError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, UnixSeconds};
use serde::{Deserialize, Serialize};

pub type SeriesId = u64;
pub type OrderId = u64;

/// Call or put.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Right {
    Call,
    Put,
}

/// What a swap pays the total return of.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Underlying {
    /// The Green Compute Index of a device class, per GPU-hour (it pays no income:
    /// its total return is its price return).
    Index { class: String },
    /// An RWA tranche, per 10⁶ units (one gUSD at par): its price plus everything
    /// it has paid per unit since issue (coupons and principal).
    Tranche { package: u64, tranche: u32 },
}

/// What an instrument's value follows: one index, or one tranche. Margin nets
/// positions on the same factor and adds up the factors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RiskFactor<'a> {
    Index(&'a str),
    Tranche(u64, u32),
}

impl RiskFactor<'_> {
    /// `home`, or `rwa/{package}/{tranche}`.
    pub fn name(&self) -> String {
        match self {
            RiskFactor::Index(class) => class.to_string(),
            RiskFactor::Tranche(p, t) => format!("rwa/{p}/{t}"),
        }
    }
}

/// What a series pays. Futures, the perpetual and options are on the Green Compute
/// Index of one device class, quoted in ugusd per GPU-hour, a contract being one
/// GPU-hour; a swap is on an index or an RWA tranche.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Instrument {
    /// A cash-settled future for delivery day `day` (UTC day number): it settles at
    /// the index's volume-weighted price over that day's 24 hours.
    Future { class: String, day: u64 },
    /// A perpetual: never settles; longs pay shorts hourly funding while it trades
    /// above the index (and receive it below).
    Perp { class: String },
    /// A European cash-settled option: at `expiry_hour` it pays
    /// `max(price − strike, 0)` (call) or `max(strike − price, 0)` (put) per contract,
    /// the price being the index's volume-weighted price over the hours before expiry.
    Option {
        class: String,
        expiry_hour: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        strike: u128,
        right: Right,
    },
    /// A total return swap until `maturity_hour`: the long receives the underlying's
    /// total return (marked hourly) and pays the `leg`'s rate a year on its value,
    /// accrued hourly; the short the reverse. It closes at the mark at maturity.
    Swap { underlying: Underlying, leg: Leg, maturity_hour: u64 },
}

/// What a swap's long pays for the total return, a year on the mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Leg {
    /// A fixed rate, bps a year.
    Fixed { rate_bps: u32 },
    /// The borrow rate of a gUSD lending market, read each hour, plus a spread
    /// (bps a year): the floating gUSD rate, as a TRS pays SOFR plus a spread.
    Floating { market: u64, spread_bps: u32 },
}

impl Leg {
    fn name(&self) -> String {
        match self {
            Leg::Fixed { rate_bps } => rate_bps.to_string(),
            Leg::Floating { market, spread_bps } => format!("m{market}+{spread_bps}"),
        }
    }
}

impl Instrument {
    /// What its value follows.
    pub fn risk_factor(&self) -> RiskFactor<'_> {
        match self {
            Instrument::Future { class, .. }
            | Instrument::Perp { class }
            | Instrument::Option { class, .. }
            | Instrument::Swap { underlying: Underlying::Index { class }, .. } => RiskFactor::Index(class),
            Instrument::Swap { underlying: Underlying::Tranche { package, tranche }, .. } => {
                RiskFactor::Tranche(*package, *tranche)
            }
        }
    }
    /// The first hour it no longer trades (`u64::MAX` for a perpetual).
    pub fn end_hour(&self) -> u64 {
        match self {
            Instrument::Future { day, .. } => day.saturating_add(1).saturating_mul(24),
            Instrument::Perp { .. } => u64::MAX,
            Instrument::Option { expiry_hour, .. } => *expiry_hour,
            Instrument::Swap { maturity_hour, .. } => *maturity_hour,
        }
    }
    /// The index hours whose fills fix its final price, `[first, end)`; `None` for
    /// the perpetual (never settles) and swaps (they close at the mark).
    pub fn settlement_hours(&self, params: &DerivativesParams) -> Option<(u64, u64)> {
        match self {
            Instrument::Future { day, .. } => Some((day.saturating_mul(24), self.end_hour())),
            Instrument::Perp { .. } | Instrument::Swap { .. } => None,
            Instrument::Option { expiry_hour, .. } => {
                Some((expiry_hour.saturating_sub(params.option_window_hours), *expiry_hour))
            }
        }
    }
    /// How a position's value follows the price.
    pub fn payoff(&self) -> crate::math::Payoff {
        match self {
            Instrument::Option { strike, right: Right::Call, .. } => crate::math::Payoff::Call(*strike),
            Instrument::Option { strike, right: Right::Put, .. } => crate::math::Payoff::Put(*strike),
            _ => crate::math::Payoff::Linear,
        }
    }
    /// Its stable name, e.g. `future/home/20626`, `perp/home`,
    /// `option/home/495048/call/450000`, `swap/home/800/495200` (fixed 8 %),
    /// `swap/rwa/1/0/m1+200/495200` (lending market 1's rate + 2 %).
    pub fn name(&self) -> String {
        match self {
            Instrument::Future { class, day } => format!("future/{class}/{day}"),
            Instrument::Perp { class } => format!("perp/{class}"),
            Instrument::Option { class, expiry_hour, strike, right } => {
                let r = match right {
                    Right::Call => "call",
                    Right::Put => "put",
                };
                format!("option/{class}/{expiry_hour}/{r}/{strike}")
            }
            Instrument::Swap { leg, maturity_hour, .. } => {
                format!("swap/{}/{}/{maturity_hour}", self.risk_factor().name(), leg.name())
            }
        }
    }
}

/// A listed series and its market state.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Series {
    pub id: SeriesId,
    pub instrument: Instrument,
    pub listed_by: Address,
    pub listed_at: UnixSeconds,
    /// The index mark (ugusd per GPU-hour) taken at `mark_hour`: the class's rolling
    /// volume-weighted index, renewed every hour. `None` until the index has a price.
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub mark: Option<u128>,
    pub mark_hour: u64,
    /// The index was stale at the last marking (the mark is the previous one): no trading.
    pub stale: bool,
    /// Perpetuals and swaps: cumulative funding per contract, ugusd (a long owes its rise).
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub funding_index: i128,
    /// Perpetuals and swaps: the last hour's funding per contract, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub funding_rate: i128,
    /// Fills in `fill_hour`: contracts and ugusd (the perpetual's own price for funding).
    pub fill_hour: u64,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub hour_contracts: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub hour_notional: u128,
    /// Contracts held long (= held short).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub open_interest: u128,
    /// Contracts traded, all time, and the last trade's price.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub volume: u128,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub last_price: Option<u128>,
    /// The final price once settled (futures and options); positions then close at it.
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub settlement: Option<u128>,
    /// Whether the final price fell back to the last mark (no index fills in its hours).
    pub settled_on_fallback: bool,
}

impl Series {
    pub fn is_settled(&self) -> bool {
        self.settlement.is_some()
    }
}

/// A margin account: gUSD cash; realised gains and losses land in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Account {
    /// ugusd; negative only after a liquidation the insurance fund could not cover (bad debt).
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub cash: i128,
    /// Resting orders.
    pub orders: u32,
}

/// A position in one series. Its unrealised PnL is `value(qty, price) − cost −
/// qty × (funding_index − funding_snapshot)`; fills add `qty × price` to `cost`.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Position {
    /// Contracts, long positive.
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub qty: i128,
    /// ugusd paid for the position (received when negative), at the prices it traded
    /// (or at the mark it was last realised at).
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub cost: i128,
    /// The series' funding index when funding was last settled into cash.
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub funding_snapshot: i128,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn sign(self) -> i128 {
        match self {
            Side::Buy => 1,
            Side::Sell => -1,
        }
    }
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }
}

/// A resting limit order.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub owner: Address,
    pub series: SeriesId,
    pub side: Side,
    /// ugusd per contract.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price: u128,
    /// Contracts still open.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub open: u128,
    pub placed_at: UnixSeconds,
}

/// Counters and the set of series still to settle.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Registry {
    pub next_series: SeriesId,
    pub next_order: OrderId,
    /// Series trading or waiting to settle (perpetuals included).
    pub live_series: u32,
    /// The hour the marks were last taken.
    pub marked_hour: u64,
}

/// The insurance fund: taker fees and its share of liquidation penalties in, bad
/// debt out.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Insurance {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub balance: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub fees: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub penalties: u128,
    /// Bad debt paid, and bad debt left on accounts because the fund ran dry.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub covered: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub uncovered: u128,
    pub liquidations: u64,
}

pub fn params(state: &impl StateRead) -> Result<DerivativesParams, DerivativesError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn registry(state: &impl StateRead) -> Result<Registry, DerivativesError> {
    Ok(state.get(&keys::registry())?.unwrap_or_default())
}

pub fn insurance(state: &impl StateRead) -> Result<Insurance, DerivativesError> {
    Ok(state.get(&keys::insurance())?.unwrap_or_default())
}

pub fn series(state: &impl StateRead, id: SeriesId) -> Result<Series, DerivativesError> {
    state.get(&keys::series(id))?.ok_or(DerivativesError::UnknownSeries(id))
}

pub fn account(state: &impl StateRead, owner: &Address) -> Result<Option<Account>, DerivativesError> {
    Ok(state.get(&keys::account(owner))?)
}

pub fn order(state: &impl StateRead, id: OrderId) -> Result<Order, DerivativesError> {
    state.get(&keys::order(id))?.ok_or(DerivativesError::UnknownOrder(id))
}

/// Every series, in id order.
pub fn all_series(state: &impl StateRead) -> Result<Vec<Series>, DerivativesError> {
    Ok(state.prefix::<Series>(keys::SERIES_PREFIX)?.into_iter().map(|(_, s)| s).collect())
}

/// Every live series' id, in id order.
pub fn live_series(state: &impl StateRead) -> Result<Vec<SeriesId>, DerivativesError> {
    let live = state.prefix::<()>(keys::LIVE_PREFIX)?;
    live.into_iter().map(|(k, ())| parse_u64(&k[keys::LIVE_PREFIX.len()..], &k)).collect()
}

fn parse_u64(text: &str, key: &str) -> Result<u64, DerivativesError> {
    text.parse().map_err(|_| DerivativesError::Corrupt(format!("key {key}")))
}

/// An owner's positions by series, in series order.
pub fn positions_of(state: &impl StateRead, owner: &Address) -> Result<Vec<(SeriesId, Position)>, DerivativesError> {
    let prefix = keys::positions_of(owner);
    let all = state.prefix::<Position>(&prefix)?;
    all.into_iter().map(|(k, p)| Ok((parse_u64(&k[prefix.len()..], &k)?, p))).collect()
}

/// Every account, in key order.
pub fn accounts(state: &impl StateRead) -> Result<Vec<(Address, Account)>, DerivativesError> {
    let all = state.prefix::<Account>(keys::ACCOUNT_PREFIX)?;
    all.into_iter()
        .map(|(k, a)| {
            let owner = Address::from_key_hex(&k[keys::ACCOUNT_PREFIX.len()..])
                .ok_or_else(|| DerivativesError::Corrupt(format!("key {k}")))?;
            Ok((owner, a))
        })
        .collect()
}

/// Every position: `(owner, series, position)`, in key order.
pub fn all_positions(state: &impl StateRead) -> Result<Vec<(Address, SeriesId, Position)>, DerivativesError> {
    let all = state.prefix::<Position>(keys::POSITION_PREFIX)?;
    all.into_iter()
        .map(|(k, p)| {
            let rest = &k[keys::POSITION_PREFIX.len()..];
            let (owner, id) = rest.split_once('/').ok_or_else(|| DerivativesError::Corrupt(format!("key {k}")))?;
            let owner = Address::from_key_hex(owner).ok_or_else(|| DerivativesError::Corrupt(format!("key {k}")))?;
            Ok((owner, parse_u64(id, &k)?, p))
        })
        .collect()
}

/// Every resting order, in id order.
pub fn all_orders(state: &impl StateRead) -> Result<Vec<Order>, DerivativesError> {
    Ok(state.prefix::<Order>(keys::ORDER_PREFIX)?.into_iter().map(|(_, o)| o).collect())
}

/// An owner's resting orders, in id order.
pub fn orders_of(state: &impl StateRead, owner: &Address) -> Result<Vec<Order>, DerivativesError> {
    let prefix = keys::orders_of(owner);
    let ids = state.prefix::<()>(&prefix)?;
    ids.into_iter().map(|(k, ())| order(state, parse_u64(&k[prefix.len()..], &k)?)).collect()
}

/// One side of a series' book, best price first, at most `limit` orders.
pub fn book_side(
    state: &impl StateRead,
    series: SeriesId,
    side: Side,
    limit: usize,
) -> Result<Vec<Order>, DerivativesError> {
    let prefix = keys::book_side(series, side);
    let ids = state.scan::<()>(&prefix, &prefix, limit)?;
    ids.into_iter()
        .map(|(k, ())| {
            let id = k.rsplit('/').next().unwrap_or_default();
            order(state, parse_u64(id, &k)?)
        })
        .collect()
}
