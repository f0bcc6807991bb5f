//! The derivatives desk (fleets of 10 devices or more), so the devnet's futures,
//! perpetual and options are a living market:
//! - the maker lists a home future for each day of the coming week (a strip, one
//!   new day each day), the home perpetual and, every six hours, a call struck at
//!   the index expiring six hours later; it quotes each future and the perpetual
//!   1 % either side of the mark, writes the calls, and liquidates any account
//!   below maintenance;
//! - the buyer hedges next week: for each day of it not yet hedged, it buys that
//!   day's future for the GPU-hours it will buy spot that day (48 per ten
//!   devices), so it holds a rolling week of forward GPU-hours; and it buys each
//!   new call;
//! - the reporter trades the perpetual, long then short every three hours, at the
//!   maker's quotes, so funding flows, and receives the index's total return
//!   through a week's swap at 10 % a year (the maker lists and quotes it).
//!
//! When a hedged day's future settles, the desk reports the hedge: what the buyer
//! paid spot for that day's GPU-hours, the future's PnL, and the net price per
//! GPU-hour against the price it locked in.

use super::Fleet;
use crate::SimError;
use greenhour_app::AppAction;
use greenhour_client::{Committed, RpcClient, Wallet};
use greenhour_derivatives::query::{AccountView, DerivativesQuery, SeriesView, Shortfall};
use greenhour_derivatives::state::Underlying;
use greenhour_derivatives::{DerivativesAction, DerivativesEvent, Instrument, Leg, Right, SeriesId, Side};
use greenhour_primitives::fixed::WAD;
use greenhour_primitives::Address;
use std::collections::BTreeMap;

/// Fleets from this size run the desk.
const MIN_FLEET: usize = 10;
/// Margin each desk deposits once, ugusd.
const MAKER_MARGIN: u128 = 3_000_000_000;
const BUYER_MARGIN: u128 = 1_500_000_000;
/// Days of futures listed and hedged ahead: next week.
const STRIP_DAYS: u64 = 7;
const TRADER_MARGIN: u128 = 200_000_000;
/// The maker's quote: contracts a side, and its spread around the mark, bps.
const QUOTE_SIZE: u128 = 240;
const SPREAD_BPS: u128 = 100;
/// Calls: the maker's premium over intrinsic, bps of the mark, and what the buyer takes.
const CALL_PREMIUM_BPS: u128 = 300;
const CALLS_BOUGHT: u128 = 5;
/// The reporter's perpetual trade.
const PERP_SIZE: u128 = 20;
/// The index swap: its fixed rate (bps a year) and what the reporter receives.
const SWAP_RATE_BPS: u32 = 1_000;
const SWAP_SIZE: u128 = 50;

/// A day the buyer hedged: contracts bought and what they cost.
#[derive(Clone, Debug, Default)]
pub(super) struct Hedge {
    series: SeriesId,
    contracts: u128,
    cost: u128,
    reported: bool,
}

/// What the desk remembers between hours.
#[derive(Debug, Default)]
pub(super) struct DerivativesDesk {
    funded: bool,
    /// Hedges by delivery day.
    hedges: BTreeMap<u64, Hedge>,
    /// Call series the buyer has bought, and swaps the reporter has entered.
    calls_bought: Vec<SeriesId>,
    swapped: Vec<SeriesId>,
    /// The buyer's spot purchases by the day of their hours: GPU-hours and ugusd.
    pub(super) spot_by_day: BTreeMap<u64, (u128, u128)>,
}

/// A settled hedge, as the devnet reports it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HedgeReport {
    pub day: u64,
    /// Contracts (GPU-hours) bought forward and their average price, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub contracts: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub locked_price: u128,
    /// The day's index (the future's final price), ugusd per GPU-hour.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub settlement: u128,
    /// The future's PnL, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub futures_pnl: i128,
    /// What the buyer bought spot for hours of that day: GPU-hours and ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub spot_gpu_hours: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub spot_paid: u128,
}

/// The desk after the hour.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DerivativesSummary {
    /// Contracts open across live series.
    pub open_interest: u128,
    /// The perpetual's last hourly funding per contract, ugusd (positive: longs pay).
    pub perp_funding: i128,
    pub options_settled: u64,
    pub insurance: u128,
    pub liquidations: u64,
    /// GPU-hours the buyer holds forward in futures not yet settled, and over how many days.
    pub forward_gpu_hours: u128,
    pub hedged_days: u64,
    /// The latest settled hedge.
    pub hedge: Option<HedgeReport>,
}

/// What a taker's transaction filled, per series: contracts and ugusd.
fn filled(outcome: &Committed) -> BTreeMap<SeriesId, (u128, u128)> {
    let mut out: BTreeMap<SeriesId, (u128, u128)> = BTreeMap::new();
    match outcome {
        Committed::Included(record) => {
            for e in DerivativesEvent::all_in(&record.events) {
                if let DerivativesEvent::Filled { series, size, price, .. } = e {
                    let f = out.entry(series).or_default();
                    f.0 += size;
                    f.1 += size * price;
                }
            }
        }
        Committed::Refused(why) => tracing::debug!(%why, "derivatives orders refused"),
    }
    out
}

/// Opens `wallet`'s margin account with `amount` unless it has one.
async fn fund(client: &RpcClient, wallet: &mut Wallet, amount: u128) -> Result<bool, SimError> {
    let account: AccountView = client.query(&DerivativesQuery::Account { owner: wallet.address() }).await?;
    if account.exists {
        return Ok(true);
    }
    let deposit = AppAction::Derivatives(DerivativesAction::Deposit { amount });
    Ok(match wallet.commit(client, vec![deposit]).await? {
        Committed::Included(_) => true,
        Committed::Refused(why) => {
            tracing::debug!(%why, "margin deposit refused");
            false
        }
    })
}

/// Commits `actions` (if any) from `wallet`; what they filled.
async fn trade(
    client: &RpcClient,
    wallet: &mut Wallet,
    actions: Vec<AppAction>,
) -> Result<BTreeMap<SeriesId, (u128, u128)>, SimError> {
    if actions.is_empty() {
        return Ok(BTreeMap::new());
    }
    Ok(filled(&wallet.commit(client, actions).await?))
}

fn place(series: SeriesId, side: Side, size: u128, price: u128, immediate_only: bool) -> AppAction {
    AppAction::Derivatives(DerivativesAction::Place { series, side, size, price, immediate_only })
}

fn moved(mark: u128, bps: i128) -> u128 {
    (mark as i128 * (10_000 + bps) / 10_000).max(1) as u128
}

impl Fleet {
    async fn margin_account(&self, who: Address) -> Result<AccountView, SimError> {
        Ok(self.client.query(&DerivativesQuery::Account { owner: who }).await?)
    }

    pub(super) async fn run_derivatives(&mut self, now_hour: u64) -> Result<Option<DerivativesSummary>, SimError> {
        if self.devices.len() < MIN_FLEET {
            return Ok(None);
        }
        let client = self.client.clone();
        if !self.derivatives.funded {
            // The three accounts open in one block.
            let (maker, buyer, reporter) = (&mut self.maker, &mut self.buyer, &mut self.reporter);
            let (a, b, c) = tokio::join!(
                fund(&client, maker, MAKER_MARGIN),
                fund(&client, buyer, BUYER_MARGIN),
                fund(&client, reporter, TRADER_MARGIN)
            );
            if !(a? && b? && c?) {
                return Ok(None);
            }
            self.derivatives.funded = true;
        }
        let tomorrow = now_hour / 24 + 1;
        let mut series: Vec<SeriesView> = client.query(&DerivativesQuery::SeriesList {}).await?;
        let home = client.index(Some("home"), Some("ugusd")).await?;
        let Some(index) = home.first().and_then(|v| v.price_wad).map(|p| p / WAD).filter(|p| *p > 0) else {
            return Ok(Some(DerivativesSummary::default()));
        };
        let has = |all: &[SeriesView], f: &dyn Fn(&Instrument) -> bool| all.iter().any(|v| f(&v.series.instrument));
        let mut listings = Vec::new();
        let strip = tomorrow..tomorrow + STRIP_DAYS;
        for d in strip.clone() {
            if !has(&series, &|i| matches!(i, Instrument::Future { class, day } if class == "home" && *day == d)) {
                listings.push(Instrument::Future { class: "home".into(), day: d });
            }
        }
        if !has(&series, &|i| matches!(i, Instrument::Perp { .. })) {
            listings.push(Instrument::Perp { class: "home".into() });
        }
        let live_swap = series.iter().any(|v| v.trading && matches!(v.series.instrument, Instrument::Swap { .. }));
        if !live_swap {
            let underlying = Underlying::Index { class: "home".into() };
            listings.push(Instrument::Swap {
                underlying,
                leg: Leg::Fixed { rate_bps: SWAP_RATE_BPS },
                maturity_hour: now_hour + 24 * 7,
            });
        }
        let live_call = series.iter().any(|v| {
            v.trading
                && matches!(v.series.instrument, Instrument::Option { expiry_hour, .. } if expiry_hour >= now_hour + 2)
        });
        if !live_call && now_hour.is_multiple_of(6) {
            let strike = index.div_ceil(10_000) * 10_000;
            listings.push(Instrument::Option {
                class: "home".into(),
                expiry_hour: now_hour + 6,
                strike,
                right: Right::Call,
            });
        }
        if !listings.is_empty() {
            let actions = listings
                .into_iter()
                .map(|instrument| AppAction::Derivatives(DerivativesAction::List { instrument }))
                .collect();
            if let Committed::Refused(why) = self.maker.commit(&client, actions).await? {
                tracing::debug!(%why, "listing refused");
            }
            series = client.query(&DerivativesQuery::SeriesList {}).await?;
        }
        let tradeable: Vec<&SeriesView> =
            series.iter().filter(|v| v.trading && v.series.mark.is_some() && !v.series.stale).collect();

        // The maker renews its quotes: cancel what rests, quote again.
        let maker = self.margin_account(self.maker.address()).await?;
        let mut actions: Vec<AppAction> =
            maker.orders.iter().map(|o| AppAction::Derivatives(DerivativesAction::Cancel { order: o.id })).collect();
        for v in &tradeable {
            let (id, mark) = (v.series.id, v.series.mark.unwrap_or(index));
            match &v.series.instrument {
                Instrument::Option { expiry_hour, strike, .. } if *expiry_hour > now_hour + 1 => {
                    let premium = mark.saturating_sub(*strike) + mark * CALL_PREMIUM_BPS / 10_000;
                    actions.push(place(id, Side::Sell, CALLS_BOUGHT * 4, premium, false));
                }
                Instrument::Option { .. } => {}
                _ => {
                    actions.push(place(id, Side::Buy, QUOTE_SIZE, moved(mark, -(SPREAD_BPS as i128)), false));
                    actions.push(place(id, Side::Sell, QUOTE_SIZE, moved(mark, SPREAD_BPS as i128), false));
                }
            }
        }
        if !actions.is_empty() {
            if let Committed::Refused(why) = self.maker.commit(&client, actions).await? {
                tracing::debug!(%why, "maker quotes refused");
            }
        }

        // The buyer hedges each day of next week's spot purchases not yet hedged
        // and buys each new call; the
        // reporter trades the perpetual and enters each swap. One transaction
        // each, both in one block. The buyer takes each hour's slots twice (two
        // hours ahead and one hour ahead), a slot per ten devices each time: 48
        // GPU-hours a day per ten devices.
        let per_day = (self.devices.len() as u128 / 10).max(1) * 48;
        let reporter = self.margin_account(self.reporter.address()).await?;
        let reporter_flat = reporter.positions.is_empty();
        // A fleet resumed on a kept home remembers nothing: what the accounts hold
        // says which series it has already bought into.
        let buyer_holds = self.margin_account(self.buyer.address()).await?.positions;
        let holds = |positions: &[greenhour_derivatives::query::PositionView], id: SeriesId| {
            positions.iter().any(|p| p.series == id)
        };
        let (mut buys, mut trades) = (Vec::new(), Vec::new());
        let mut hedge_series = Vec::new();
        for v in &tradeable {
            let (id, mark) = (v.series.id, v.series.mark.unwrap_or(index));
            let taker_price = moved(mark, 2 * SPREAD_BPS as i128);
            match &v.series.instrument {
                Instrument::Future { day, .. }
                    if strip.contains(day)
                        && !self.derivatives.hedges.contains_key(day)
                        && !holds(&buyer_holds, id) =>
                {
                    buys.push(place(id, Side::Buy, per_day, taker_price, true));
                    hedge_series.push((*day, id));
                }
                Instrument::Option { expiry_hour, strike, .. }
                    if *expiry_hour > now_hour + 1
                        && !self.derivatives.calls_bought.contains(&id)
                        && !holds(&buyer_holds, id) =>
                {
                    let limit = mark.saturating_sub(*strike) + mark * 2 * CALL_PREMIUM_BPS / 10_000;
                    buys.push(place(id, Side::Buy, CALLS_BOUGHT, limit, true));
                }
                // The reporter receives the index's return for a week, paying 10 % a year.
                Instrument::Swap { .. }
                    if !self.derivatives.swapped.contains(&id) && !holds(&reporter.positions, id) =>
                {
                    trades.push(place(id, Side::Buy, SWAP_SIZE, taker_price, true));
                }
                Instrument::Perp { .. } if now_hour.is_multiple_of(3) => {
                    // Long on even turns, short on odd ones, at the maker's quote.
                    let size = if reporter_flat { PERP_SIZE } else { 2 * PERP_SIZE };
                    if (now_hour / 3).is_multiple_of(2) {
                        trades.push(place(id, Side::Buy, size, taker_price, true));
                    } else {
                        trades.push(place(id, Side::Sell, size, moved(mark, -2 * (SPREAD_BPS as i128)), true));
                    }
                }
                _ => {}
            }
        }
        let (buyer, reporter) = (&mut self.buyer, &mut self.reporter);
        let (bought, traded) = tokio::join!(trade(&client, buyer, buys), trade(&client, reporter, trades));
        let (bought, traded) = (bought?, traded?);
        for &(day, id) in &hedge_series {
            if let Some(&(contracts, cost)) = bought.get(&id) {
                self.derivatives.hedges.insert(day, Hedge { series: id, contracts, cost, reported: false });
            }
        }
        for (id, _) in bought {
            if !hedge_series.iter().any(|(_, s)| *s == id) {
                self.derivatives.calls_bought.push(id);
            }
        }
        for v in &tradeable {
            if matches!(v.series.instrument, Instrument::Swap { .. }) && traded.contains_key(&v.series.id) {
                self.derivatives.swapped.push(v.series.id);
            }
        }

        // The maker liquidates whoever is below maintenance.
        let shortfalls: Vec<Shortfall> = client.query(&DerivativesQuery::Liquidatable {}).await?;
        let me = self.maker.address();
        for s in shortfalls.into_iter().filter(|s| s.owner != me) {
            let liquidate = AppAction::Derivatives(DerivativesAction::Liquidate { owner: s.owner });
            match self.maker.commit(&client, vec![liquidate]).await? {
                Committed::Included(_) => {}
                Committed::Refused(why) => tracing::debug!(%why, "liquidation refused"),
            }
        }

        let series: Vec<SeriesView> = client.query(&DerivativesQuery::SeriesList {}).await?;
        let insurance: greenhour_derivatives::Insurance = client.query(&DerivativesQuery::Insurance {}).await?;
        let mut summary = DerivativesSummary {
            open_interest: series
                .iter()
                .filter(|v| v.series.settlement.is_none())
                .map(|v| v.series.open_interest)
                .sum(),
            perp_funding: series
                .iter()
                .find(|v| matches!(v.series.instrument, Instrument::Perp { .. }))
                .map_or(0, |v| v.series.funding_rate),
            options_settled: series
                .iter()
                .filter(|v| v.series.settlement.is_some() && matches!(v.series.instrument, Instrument::Option { .. }))
                .count() as u64,
            insurance: insurance.balance,
            liquidations: insurance.liquidations,
            forward_gpu_hours: 0,
            hedged_days: 0,
            hedge: None,
        };
        for (day, hedge) in self.derivatives.hedges.iter_mut().filter(|(_, h)| !h.reported) {
            let Some(settlement) =
                series.iter().find(|v| v.series.id == hedge.series).and_then(|v| v.series.settlement)
            else {
                continue;
            };
            hedge.reported = true;
            let (spot_gpu_hours, spot_paid) = self.derivatives.spot_by_day.get(day).copied().unwrap_or_default();
            let report = HedgeReport {
                day: *day,
                contracts: hedge.contracts,
                locked_price: hedge.cost / hedge.contracts,
                settlement,
                futures_pnl: (hedge.contracts * settlement) as i128 - hedge.cost as i128,
                spot_gpu_hours,
                spot_paid,
            };
            tracing::info!(?report, "hedge settled");
            summary.hedge = Some(report);
        }
        let forward = self.derivatives.hedges.values().filter(|h| !h.reported);
        (summary.forward_gpu_hours, summary.hedged_days) =
            forward.fold((0, 0), |(gpu_hours, days), h| (gpu_hours + h.contracts, days + 1));
        Ok(Some(summary))
    }
}
