//! The rwa module's reads: identities, packages valued now with each tranche's
//! value, price and subordination, and holdings with their payouts due.

use crate::handler::valuation;
use crate::math::{self, BPS};
use crate::state::{
    self, EpochRecord, Flow, Holding, Identity, Order, Package, PackageBook, PackageId, Tranche, TrancheTerms,
};
use crate::RwaError;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, UnixSeconds};

const HOUR: u64 = 3_600;
use serde::{Deserialize, Serialize};

/// An address's identity claim and whether it verifies now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityView {
    pub subject: Address,
    pub identity: Option<Identity>,
    /// A live claim from an issuer still trusted.
    pub verified: bool,
}

pub fn identity(state: &impl StateRead, subject: &Address, now: UnixSeconds) -> Result<IdentityView, RwaError> {
    let identity = state::identity(state, subject)?;
    let trusted = state::params(state)?.claim_issuers;
    let verified = identity.as_ref().is_some_and(|i| i.expires_at > now && trusted.contains(&i.issuer));
    Ok(IdentityView { subject: *subject, identity, verified })
}

/// One tranche now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrancheView {
    pub index: u32,
    pub terms: TrancheTerms,
    pub tranche: Tranche,
    /// Its value and price per unit (WAD ugusd) at the package's value now
    /// (`None` while the package cannot be valued).
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub value: Option<u128>,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub price_wad: Option<u128>,
    /// The share of the package's value junior to it, bps.
    pub subordination_bps: Option<u32>,
}

/// A package valued now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageView {
    pub package: Package,
    pub book: PackageBook,
    pub custody: Address,
    /// The assets' value now (lending's valuation of each position), ugusd.
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub nav: Option<u128>,
    /// Why the package cannot be valued now (its index is stale or jumping).
    pub value_error: Option<String>,
    pub tranches: Vec<TrancheView>,
    /// When the open epoch closes.
    pub epoch_closes_at: UnixSeconds,
    pub as_of: UnixSeconds,
}

pub fn package(state: &impl StateRead, id: PackageId, now: UnixSeconds) -> Result<PackageView, RwaError> {
    let p = state::package(state, id)?;
    let book = state::book(state, id)?;
    let (val, value_error) = match valuation(state, &p, now) {
        Ok(v) => (Some(v), None),
        Err(RwaError::ValueUnavailable(why)) => (None, Some(why)),
        Err(e) => return Err(e),
    };
    let mut tranches = Vec::new();
    for (i, terms) in p.tranches.iter().enumerate() {
        let value = val.as_ref().map(|v| v.values[i]);
        let subordination_bps = val.as_ref().map(|v| {
            let total: u128 = v.values.iter().sum();
            let junior: u128 = v.values[i + 1..].iter().sum();
            math::mul_div_down(junior, BPS, total.max(1)).unwrap_or(0) as u32
        });
        tranches.push(TrancheView {
            index: i as u32,
            terms: terms.clone(),
            tranche: state::tranche(state, id, i as u32)?,
            value,
            price_wad: val.as_ref().map(|v| v.prices[i]),
            subordination_bps,
        });
    }
    Ok(PackageView {
        custody: state::custody(id),
        nav: val.as_ref().map(|v| v.nav),
        value_error,
        tranches,
        epoch_closes_at: book.epoch_started.saturating_add(p.epoch_secs),
        book,
        package: p,
        as_of: now,
    })
}

pub fn packages(state: &impl StateRead, now: UnixSeconds) -> Result<Vec<PackageView>, RwaError> {
    state::packages(state)?.into_iter().take(MAX_LIST).map(|p| package(state, p.id, now)).collect()
}

/// A holder's units of one tranche, with payouts due and the open order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldingView {
    pub package: PackageId,
    pub tranche: u32,
    pub holder: Address,
    pub holding: Holding,
    /// Coupons and principal claimable now (settled and accrued), ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub payout_due: u128,
    pub order: Order,
}

pub fn holding(state: &impl StateRead, id: PackageId, tranche: u32, holder: &Address) -> Result<HoldingView, RwaError> {
    let p = state::package(state, id)?;
    if tranche as usize >= p.tranches.len() {
        return Err(RwaError::UnknownTranche { package: id, tranche });
    }
    let t = state::tranche(state, id, tranche)?;
    let h = state::holding(state, id, tranche, holder)?;
    let pending = math::owed_down(h.units, t.payout_per_unit_wad, h.payout_snapshot_wad).ok_or(RwaError::Overflow)?;
    Ok(HoldingView {
        package: id,
        tranche,
        holder: *holder,
        payout_due: h.unclaimed.saturating_add(pending),
        order: state::order(state, id, tranche, holder)?,
        holding: h,
    })
}

/// Every holding and order an address has, across packages (at most 1,000).
pub fn holdings_of(state: &impl StateRead, holder: &Address) -> Result<Vec<HoldingView>, RwaError> {
    let mut out = Vec::new();
    for p in state::packages(state)? {
        for i in 0..p.tranches.len() as u32 {
            let v = holding(state, p.id, i, holder)?;
            if v.holding != Holding::default() || v.order != Order::default() {
                out.push(v);
            }
            if out.len() == MAX_LIST {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// One tranche's performance: what it paid against its target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranchePerformance {
    pub index: u32,
    pub name: String,
    /// The coupon it targets, bps a year (0 for the residual).
    pub target_bps: u32,
    /// Coupons paid over the principal outstanding through time, bps a year
    /// (coupon-bearing tranches, once principal was outstanding).
    pub realised_bps: Option<u32>,
    /// A unit bought at par when the package was created, priced now plus what
    /// it was paid, annualised, bps (negative for a loss; `None` while the
    /// package cannot be valued).
    pub return_since_inception_bps: Option<i64>,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub coupons_paid: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub principal_repaid: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub principal_outstanding: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub units: u128,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub price_wad: Option<u128>,
    pub holders: u32,
}

/// One asset of a package: its device's work and what it is worth now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetPerformance {
    pub serial: u64,
    pub device: u64,
    pub pool: u64,
    /// GPU-hour units pledged, and those of the hours already past that were
    /// backed by the device (not withdrawn when it left).
    pub pledged_units: u64,
    pub past_units: u64,
    /// Of those past units, the ones sold or released (the rest expired unsold).
    pub sold_units: u64,
    /// `sold / past`, bps.
    pub utilisation_bps: u32,
    /// Future units still unsold (what the valuation counts).
    pub future_units: u64,
    /// The device's telemetry uptime over the valuation window and its
    /// complement, and its green share, bps.
    pub uptime_bps: u32,
    pub downtime_bps: u32,
    pub green_bps: u32,
    /// The hour from which its unsold hours were withdrawn (the device left).
    pub left_at_hour: Option<u64>,
    /// Its value by the write-down rule now (`None` while the index is unavailable).
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub value: Option<u128>,
}

/// A package's report for investors and auditors: its books, each tranche's
/// realised yield against its target, its devices' utilisation and downtime, and
/// its cash-flow and epoch history (pages of at most 1,000 rows each).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageReport {
    pub package: PackageId,
    pub name: String,
    pub issuer: Address,
    pub created_at: UnixSeconds,
    pub maturity: UnixSeconds,
    pub book: PackageBook,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub nav: Option<u128>,
    pub value_error: Option<String>,
    pub tranches: Vec<TranchePerformance>,
    pub assets: Vec<AssetPerformance>,
    /// Hourly income from `from_hour` on, oldest first.
    pub flows: Vec<Flow>,
    /// Closed epochs from `from_epoch` on, oldest first.
    pub epochs: Vec<EpochRecord>,
    pub as_of: UnixSeconds,
}

fn asset_performance(
    state: &impl StateRead,
    serial: u64,
    price: Option<u128>,
    now: UnixSeconds,
) -> Result<AssetPerformance, RwaError> {
    let position = greenhour_pools::api::position(state, serial)?;
    // At price 0 the valuation still measures the device; only the value needs the index.
    let worth = greenhour_lending::api::position_worth(state, serial, price.unwrap_or(0), now)?;
    let now_hour = now / HOUR;
    let (mut past, mut sold) = (0u64, 0u64);
    for hour in position.first_hour..=position.last_hour().min(now_hour.saturating_sub(1)) {
        past += u64::from(position.backed(hour));
        sold += u64::from(position.sold(hour));
    }
    Ok(AssetPerformance {
        serial,
        device: position.device.0,
        pool: position.pool.0,
        pledged_units: u64::from(position.hours) * u64::from(position.quantity),
        past_units: past,
        sold_units: sold,
        utilisation_bps: math::mul_div_down(u128::from(sold), BPS, u128::from(past.max(1))).unwrap_or(0) as u32,
        future_units: u64::try_from(worth.units).unwrap_or(u64::MAX),
        uptime_bps: worth.uptime_bps,
        downtime_bps: 10_000 - worth.uptime_bps.min(10_000),
        green_bps: worth.green_bps,
        left_at_hour: position.withdrawn_from,
        value: price.map(|_| worth.value),
    })
}

pub fn report(
    state: &impl StateRead,
    id: PackageId,
    from_hour: u64,
    from_epoch: u64,
    now: UnixSeconds,
) -> Result<PackageReport, RwaError> {
    let view = package(state, id, now)?;
    let p = &view.package;
    let age = now.saturating_sub(p.created_at);
    let mut tranches = Vec::new();
    for tv in &view.tranches {
        let t = &tv.tranche;
        tranches.push(TranchePerformance {
            index: tv.index,
            name: tv.terms.name.clone(),
            target_bps: tv.terms.coupon_bps,
            realised_bps: if tv.index < p.residual() {
                math::realised_yield_bps(t.coupons_paid, t.principal_seconds)
            } else {
                None
            },
            return_since_inception_bps: tv
                .price_wad
                .and_then(|price| math::return_since_par_bps(price, t.payout_per_unit_wad, age)),
            coupons_paid: t.coupons_paid,
            principal_repaid: t.principal_repaid,
            principal_outstanding: t.principal,
            units: t.units,
            price_wad: tv.price_wad,
            holders: t.holders,
        });
    }
    let price = match greenhour_lending::api::index_price(state, p.class, &greenhour_primitives::Denom::gusd(), now) {
        Ok(price) => Some(price),
        Err(greenhour_lending::LendingError::PriceUnavailable(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let assets =
        p.assets.iter().map(|serial| asset_performance(state, *serial, price, now)).collect::<Result<Vec<_>, _>>()?;
    Ok(PackageReport {
        package: id,
        name: p.name.clone(),
        issuer: p.issuer,
        created_at: p.created_at,
        maturity: p.maturity,
        nav: view.nav,
        value_error: view.value_error.clone(),
        tranches,
        assets,
        flows: state::flows(state, id, from_hour, MAX_LIST)?,
        epochs: state::epoch_records(state, id, from_epoch, MAX_LIST)?,
        book: view.book,
        as_of: now,
    })
}

/// A tranche's secondary-market book, best offers first (at most 1,000 a side).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferBook {
    pub package: PackageId,
    pub tranche: u32,
    pub bids: Vec<state::Offer>,
    pub asks: Vec<state::Offer>,
}

pub fn book(state: &impl StateRead, id: PackageId, tranche: u32) -> Result<OfferBook, RwaError> {
    let p = state::package(state, id)?;
    if tranche as usize >= p.tranches.len() {
        return Err(RwaError::UnknownTranche { package: id, tranche });
    }
    Ok(OfferBook {
        package: id,
        tranche,
        bids: state::book_side(state, id, tranche, state::Side::Buy, MAX_LIST)?,
        asks: state::book_side(state, id, tranche, state::Side::Sell, MAX_LIST)?,
    })
}

impl From<RwaError> for QueryError {
    fn from(e: RwaError) -> Self {
        match e {
            RwaError::UnknownPackage(id) => QueryError::NotFound(format!("package {id}")),
            RwaError::State(s) => QueryError::Internal(s.to_string()),
            RwaError::Corrupt(s) => QueryError::Internal(s),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

greenhour_framework::module_queries! {
    /// The rwa module's reads, as of the latest block time.
    pub enum RwaQuery in "rwa" {
        /// An address's identity claim and whether it verifies now.
        Identity = "rwa_identity" at "/rwa/identities/{subject}" { subject: Address } -> IdentityView
            = |state, now| identity(state, &subject, now);
        /// Every package (at most 1,000), valued now.
        Packages = "rwa_packages" at "/rwa/packages" {} -> Vec<PackageView>
            = |state, now| packages(state, now);
        /// One package valued now: NAV, reserve, each tranche's value, price and subordination, the books.
        Package = "rwa_package" at "/rwa/packages/{id}" { id: u64 } -> PackageView
            = |state, now| package(state, PackageId(id), now);
        /// A package's report: each tranche's realised yield against its target, its devices' utilisation and downtime, and its cash-flow (from `from_hour`) and epoch (from `from_epoch`) history, 1,000 rows a page.
        Report = "rwa_report" at "/rwa/packages/{id}/report" { id: u64, from_hour: Option<u64>, from_epoch: Option<u64> } -> PackageReport
            = |state, now| report(state, PackageId(id), from_hour.unwrap_or(0), from_epoch.unwrap_or(0), now);
        /// A tranche's secondary-market book: bids and asks in priority order.
        Book = "rwa_book" at "/rwa/packages/{package}/tranches/{tranche}/book" { package: u64, tranche: u32 } -> OfferBook
            = |state, _now| book(state, PackageId(package), tranche);
        /// A holder's units of a tranche, payouts due and open order.
        Holding = "rwa_holding" at "/rwa/packages/{package}/tranches/{tranche}/holders/{holder}" { package: u64, tranche: u32, holder: Address } -> HoldingView
            = |state, _now| holding(state, PackageId(package), tranche, &holder);
        /// Every holding and order of an address.
        Holdings = "rwa_holdings" at "/rwa/holdings" { holder: Address } -> Vec<HoldingView>
            = |state, _now| holdings_of(state, &holder);
    }
}
