//! The funds module's reads: funds valued now with their holdings and queue, and
//! a holder's shares with what they are worth.

use crate::handler::{carbon_worth, idle, total_assets};
use crate::math;
use crate::state::{self, custody, Fund, FundBook, FundId, Mandate, Request};
use crate::FundsError;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, UnixSeconds};
use greenhour_rwa::PackageId;
use serde::{Deserialize, Serialize};

/// One tranche position of a fund, valued now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundHolding {
    pub package: PackageId,
    pub tranche: u32,
    pub worth: Option<greenhour_rwa::api::HoldingWorth>,
}

/// A fund valued now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundView {
    pub fund: Fund,
    pub book: FundBook,
    pub custody: Address,
    /// gUSD the fund holds uninvested, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub idle: u128,
    /// Carbon coin an ESG fund holds, ugco2 (0 for other mandates), and its worth
    /// at the stable module's price (`None` while the feed cannot be trusted).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub carbon: u128,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub carbon_worth: Option<u128>,
    /// The tranches governance approved for a governed fund (empty otherwise).
    pub approved: Vec<(PackageId, u32)>,
    /// Its assets (ERC-4626 totalAssets) and price per share (WAD), `None` while a
    /// package it holds cannot be valued (`nav_error` says why).
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub total_assets: Option<u128>,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub price_per_share_wad: Option<u128>,
    pub nav_error: Option<String>,
    pub holdings: Vec<FundHolding>,
    /// The oldest queued redemptions (at most 1,000).
    pub requests: Vec<(u64, Request)>,
    pub as_of: UnixSeconds,
}

pub fn fund(state: &impl StateRead, id: FundId, now: UnixSeconds) -> Result<FundView, FundsError> {
    let f = state::fund(state, id)?;
    let book = state::book(state, id)?;
    let (total_assets, nav_error) = match total_assets(state, &f, &book, now) {
        Ok(t) => (Some(t), None),
        Err(FundsError::NavUnavailable(why)) => (None, Some(why)),
        Err(e) => return Err(e),
    };
    let mut holdings = Vec::new();
    for (package, tranche) in &book.holdings {
        let worth = match greenhour_rwa::api::holding_worth(state, *package, *tranche, &custody(id), now) {
            Ok(w) => Some(w),
            Err(greenhour_rwa::RwaError::ValueUnavailable(_)) => None,
            Err(e) => return Err(e.into()),
        };
        holdings.push(FundHolding { package: *package, tranche: *tranche, worth });
    }
    let carbon = if f.mandate == Mandate::Esg { crate::handler::carbon(state, id)? } else { 0 };
    let carbon_worth = match carbon_worth(state, &f, now) {
        Ok(w) => Some(w),
        Err(FundsError::NavUnavailable(_)) => None,
        Err(e) => return Err(e),
    };
    Ok(FundView {
        custody: custody(id),
        idle: idle(state, id)?,
        carbon,
        carbon_worth,
        approved: state::approved(state, id)?,
        price_per_share_wad: total_assets.and_then(|t| math::price_per_share_wad(t, book.shares)),
        total_assets,
        nav_error,
        holdings,
        requests: state::requests(state, id, MAX_LIST)?,
        book,
        fund: f,
        as_of: now,
    })
}

pub fn funds(state: &impl StateRead, now: UnixSeconds) -> Result<Vec<FundView>, FundsError> {
    state::funds(state)?.into_iter().take(MAX_LIST).map(|f| fund(state, f.id, now)).collect()
}

/// A holder's shares of a fund and what they would redeem for now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharesView {
    pub fund: FundId,
    pub holder: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// `None` while the fund cannot be valued.
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub worth: Option<u128>,
    /// Shares waiting in the holder's redemption requests.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub queued: u128,
}

pub fn shares(
    state: &impl StateRead,
    id: FundId,
    holder: &Address,
    now: UnixSeconds,
) -> Result<SharesView, FundsError> {
    let view = fund(state, id, now)?;
    let shares = state::shares_of(state, id, holder)?;
    let queued = view.requests.iter().filter(|(_, r)| r.owner == *holder).map(|(_, r)| r.shares).sum();
    Ok(SharesView {
        fund: id,
        holder: *holder,
        shares,
        worth: view.total_assets.and_then(|t| math::to_assets_down(shares, t, view.book.shares)),
        queued,
    })
}

impl From<FundsError> for QueryError {
    fn from(e: FundsError) -> Self {
        match e {
            FundsError::UnknownFund(id) => QueryError::NotFound(format!("fund {id}")),
            FundsError::State(s) => QueryError::Internal(s.to_string()),
            FundsError::Corrupt(s) => QueryError::Internal(s),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

greenhour_framework::module_queries! {
    /// The funds module's reads, as of the latest block time.
    pub enum FundsQuery in "funds" {
        /// Every fund (at most 1,000), valued now.
        Funds = "funds" at "/funds" {} -> Vec<FundView>
            = |state, now| funds(state, now);
        /// One fund valued now: cash, assets, price per share, holdings, queued redemptions.
        Fund = "fund" at "/funds/{id}" { id: u64 } -> FundView
            = |state, now| fund(state, FundId(id), now);
        /// A holder's shares of a fund and their worth now.
        Shares = "fund_shares" at "/funds/{fund}/holders/{holder}" { fund: u64, holder: Address } -> SharesView
            = |state, now| shares(state, FundId(fund), &holder, now);
    }
}
