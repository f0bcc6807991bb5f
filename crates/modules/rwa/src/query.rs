//! The rwa module's reads: identities, packages valued now with each tranche's
//! value, price and subordination, and holdings with their payouts due.

use crate::handler::valuation;
use crate::math::{self, BPS};
use crate::state::{self, Holding, Identity, Order, Package, PackageBook, PackageId, Tranche, TrancheTerms};
use crate::RwaError;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, UnixSeconds};
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
        /// A holder's units of a tranche, payouts due and open order.
        Holding = "rwa_holding" at "/rwa/packages/{package}/tranches/{tranche}/holders/{holder}" { package: u64, tranche: u32, holder: Address } -> HoldingView
            = |state, _now| holding(state, PackageId(package), tranche, &holder);
        /// Every holding and order of an address.
        Holdings = "rwa_holdings" at "/rwa/holdings" { holder: Address } -> Vec<HoldingView>
            = |state, _now| holdings_of(state, &holder);
    }
}
