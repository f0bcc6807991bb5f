//! The lending module's reads: markets with their totals accrued to the time
//! asked, positions with their collateral valued and their health, and the
//! positions a liquidator may act on now.

use crate::handler;
/// A market's totals brought up to a time (interest, rate at target), without storing them.
pub use crate::handler::accrued;
use crate::math::{self, SECONDS_PER_YEAR};
use crate::state::{self, Collateral, Market, MarketId, MarketTotals, Position};
use crate::LendingError;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A market with its totals accrued to `as_of`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketView {
    pub market: Market,
    pub totals: MarketTotals,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub utilisation_wad: u128,
    /// The borrow rate now, per second (WAD), and as an annual rate in bps.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub borrow_rate_wad: u128,
    pub borrow_apr_bps: u64,
    /// What suppliers earn: the borrow rate × utilisation, bps a year.
    pub supply_apr_bps: u64,
    pub as_of: UnixSeconds,
}

pub fn market(state: &impl StateRead, id: MarketId, now: UnixSeconds) -> Result<MarketView, LendingError> {
    let market = state::market(state, id)?;
    let params = state::params(state)?;
    let (totals, _, _) = accrued(&state::stored_totals(state, id)?, &params, now)?;
    let utilisation_wad = handler::utilisation_wad(&totals);
    let (borrow_rate_wad, _) = params.rate_model.borrow_rate(utilisation_wad, totals.rate_at_target_wad, 0);
    let apr_bps = |rate: u128| (rate.saturating_mul(SECONDS_PER_YEAR) / (math::WAD / 10_000)) as u64;
    let borrow_apr_bps = apr_bps(borrow_rate_wad);
    let supply_apr_bps = apr_bps(math::mul_div_down(borrow_rate_wad, utilisation_wad, math::WAD).unwrap_or(0));
    Ok(MarketView { market, totals, utilisation_wad, borrow_rate_wad, borrow_apr_bps, supply_apr_bps, as_of: now })
}

pub fn markets(state: &impl StateRead, now: UnixSeconds, limit: usize) -> Result<Vec<MarketView>, LendingError> {
    state::markets(state)?.into_iter().take(limit).map(|m| market(state, m.id, now)).collect()
}

/// A pledged position NFT as a lender sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgedView {
    pub serial: u64,
    /// Future pledged GPU-hours still unsold.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub units: u128,
    pub factor_bps: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub value: u128,
    /// Its loan-to-value limit now (decaying to 0 at `expires_at`).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub lltv_wad: u128,
    pub expires_at: UnixSeconds,
}

/// A position with what it is worth and owes at `as_of`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionView {
    pub market: MarketId,
    pub owner: Address,
    pub position: Position,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub supply_assets: u128,
    /// What repaying everything costs now (rounded up).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt: u128,
    pub pledged: Vec<PledgedView>,
    /// How much it may owe now; `None` when no trusted price exists (then borrows
    /// and collateral withdrawals freeze, and so do liquidations).
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub borrow_limit: Option<u128>,
    pub liquidatable: bool,
    /// Why `borrow_limit` is missing.
    pub price_error: Option<String>,
    pub as_of: UnixSeconds,
}

pub fn position(
    state: &impl StateRead,
    id: MarketId,
    owner: &Address,
    now: UnixSeconds,
) -> Result<PositionView, LendingError> {
    let market = state::market(state, id)?;
    let params = state::params(state)?;
    let (totals, _, _) = accrued(&state::stored_totals(state, id)?, &params, now)?;
    let p = state::position(state, id, owner)?;
    let supply_assets = math::to_assets_down(p.supply_shares, totals.supply_assets, totals.supply_shares).unwrap_or(0);
    let debt = handler::debt_up(&p, &totals)?;
    let mut pledged = Vec::new();
    if let Collateral::Positions { class } = &market.collateral {
        let price = handler::index_price_wad(state, *class, &market.loan, now, &params).unwrap_or(0);
        for serial in &p.pledged {
            let w = handler::nft_worth(state, *serial, price, now, &params)?;
            let lltv_wad = math::decayed_lltv_down(market.lltv_wad, now, w.expires_at, params.decay_seconds);
            pledged.push(PledgedView {
                serial: *serial,
                units: w.units,
                factor_bps: w.factor_bps,
                value: w.value,
                lltv_wad,
                expires_at: w.expires_at,
            });
        }
    }
    let (borrow_limit, price_error) = match handler::borrow_limit(state, &market, &p, now, &params) {
        Ok(limit) => (Some(limit), None),
        Err(LendingError::PriceUnavailable(why)) => (None, Some(why)),
        Err(e) => return Err(e),
    };
    let liquidatable = p.borrow_shares > 0 && borrow_limit.is_some_and(|limit| debt > limit);
    Ok(PositionView {
        market: id,
        owner: *owner,
        position: p,
        supply_assets,
        debt,
        pledged,
        borrow_limit,
        liquidatable,
        price_error,
        as_of: now,
    })
}

/// An account's positions in every market.
pub fn positions_of(
    state: &impl StateRead,
    owner: &Address,
    now: UnixSeconds,
) -> Result<Vec<PositionView>, LendingError> {
    let mut out = Vec::new();
    for m in state::markets(state)? {
        if !state::position(state, m.id, owner)?.is_empty() {
            out.push(position(state, m.id, owner, now)?);
        }
    }
    Ok(out)
}

/// What a position NFT would let its holder borrow in a market now, before pledging it.
pub fn nft_value(
    state: &impl StateRead,
    id: MarketId,
    serial: u64,
    now: UnixSeconds,
) -> Result<PledgedView, LendingError> {
    let market = state::market(state, id)?;
    if !matches!(market.collateral, Collateral::Positions { .. }) {
        return Err(LendingError::WrongCollateralKind { market: id, expected: "token" });
    }
    let params = state::params(state)?;
    let price = handler::collateral_price_wad(state, &market, now, &params)?;
    let w = handler::nft_worth(state, serial, price, now, &params)?;
    let lltv_wad = math::decayed_lltv_down(market.lltv_wad, now, w.expires_at, params.decay_seconds);
    Ok(PledgedView {
        serial,
        units: w.units,
        factor_bps: w.factor_bps,
        value: w.value,
        lltv_wad,
        expires_at: w.expires_at,
    })
}

/// One unhealthy position, as a liquidation scan finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unhealthy {
    pub owner: Address,
    pub debt: u128,
    pub limit: u128,
}

/// Every position of a market that owes more than its borrow limit now, in owner
/// order: one read of the market, its totals and the price, then one read per
/// position (and the NFT valuation reads for position collateral). Empty while the
/// price cannot be trusted: nothing is liquidated on a price nobody trusts.
pub fn unhealthy(state: &impl StateRead, id: MarketId, now: UnixSeconds) -> Result<Vec<Unhealthy>, LendingError> {
    let market = state::market(state, id)?;
    let params = state::params(state)?;
    let (totals, _, _) = accrued(&state::stored_totals(state, id)?, &params, now)?;
    let price = match handler::collateral_price_wad(state, &market, now, &params) {
        Ok(price) => price,
        Err(LendingError::PriceUnavailable(_)) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for (owner, p) in state::positions(state, id)? {
        if p.borrow_shares == 0 {
            continue;
        }
        let debt = handler::debt_up(&p, &totals)?;
        let limit = handler::borrow_limit_at(state, &market, &p, price, now, &params)?;
        if debt > limit {
            out.push(Unhealthy { owner, debt, limit });
        }
    }
    Ok(out)
}

/// Positions of a market a liquidator may act on now, in owner order, at most `limit`.
pub fn liquidatable(
    state: &impl StateRead,
    id: MarketId,
    now: UnixSeconds,
    limit: usize,
) -> Result<Vec<PositionView>, LendingError> {
    unhealthy(state, id, now)?.into_iter().take(limit).map(|u| position(state, id, &u.owner, now)).collect()
}

impl From<LendingError> for QueryError {
    fn from(e: LendingError) -> Self {
        match e {
            LendingError::UnknownMarket(id) => QueryError::NotFound(format!("lending market {id}")),
            LendingError::State(s) => QueryError::Internal(s.to_string()),
            LendingError::Corrupt(s) => QueryError::Internal(s),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

greenhour_framework::module_queries! {
    /// The lending module's reads, as of the latest block time.
    pub enum LendingQuery in "lending" {
        /// Every market (at most 1,000) with its totals, utilisation and rates.
        Markets = "lending_markets" at "/lending/markets" {} -> Vec<MarketView>
            = |state, now| markets(state, now, MAX_LIST);
        /// One market with its totals, utilisation and rates.
        Market = "lending_market" at "/lending/markets/{id}" { id: u64 } -> MarketView
            = |state, now| market(state, MarketId(id), now);
        /// An account's position in a market: supply, debt, collateral valued, borrow limit, health.
        Position = "lending_position" at "/lending/markets/{market}/positions/{owner}" { market: u64, owner: Address } -> PositionView
            = |state, now| position(state, MarketId(market), &owner, now);
        /// An account's positions in every market.
        Positions = "lending_positions" at "/lending/positions" { owner: Address } -> Vec<PositionView>
            = |state, now| positions_of(state, &owner, now);
        /// What a position NFT is worth as collateral in a market now, and its LLTV (borrow
        /// up to value × LLTV), before it is pledged.
        NftValue = "lending_nft_value" at "/lending/markets/{market}/nfts/{serial}" { market: u64, serial: u64 } -> PledgedView
            = |state, now| nft_value(state, MarketId(market), serial, now);
        /// The positions of a market a liquidator may act on now (at most 1,000).
        Liquidatable = "lending_liquidatable" at "/lending/markets/{market}/liquidatable" { market: u64 } -> Vec<PositionView>
            = |state, now| liquidatable(state, MarketId(market), now, MAX_LIST);
    }
}
