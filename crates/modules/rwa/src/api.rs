//! What other modules may call: a package's custody address (which holds its
//! position NFTs and receives what they earn), the compliance check, the trusted
//! claim issuers governance replaces, and an investor's side of a tranche for a
//! module that invests through code rather than signed actions (the funds
//! module's vaults): subscribe, redeem, collect payouts, and what a holding is worth;
//! a tranche's total return index (the derivatives module's swaps).

use crate::handler::valuation;
use crate::math;
use crate::state::{self, Order, PackageId};
use crate::RwaError;
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, UnixSeconds};
use serde::{Deserialize, Serialize};

pub use crate::handler::{
    account, check_claim_issuers, collect_payout, ensure_may_hold, invest, redeem, set_claim_issuers,
};
pub use crate::state::{custody, package};

/// A tranche's total return per unit now, WAD ugusd: its price plus everything it
/// has paid per unit (coupons and principal) since issue — what a total return
/// swap on the tranche pays. Fails with `ValueUnavailable` while the package
/// cannot be valued.
pub fn total_return_wad(
    state: &impl StateRead,
    id: PackageId,
    tranche: u32,
    now: UnixSeconds,
) -> Result<u128, RwaError> {
    let p = state::package(state, id)?;
    if tranche as usize >= p.tranches.len() {
        return Err(RwaError::UnknownTranche { package: id, tranche });
    }
    let price = valuation(state, &p, now)?.prices[tranche as usize];
    let paid = state::tranche(state, id, tranche)?.payout_per_unit_wad;
    price.checked_add(paid).ok_or(RwaError::Overflow)
}

/// Whether `who` has a live identity claim from an issuer still trusted.
pub fn is_verified(state: &impl StateRead, who: &Address, now: UnixSeconds) -> Result<bool, RwaError> {
    Ok(crate::query::identity(state, who, now)?.verified)
}

/// An investor's whole position in a tranche, valued at the package's price now.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldingWorth {
    /// Units held and units waiting in a redemption order.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub units: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub redeeming: u128,
    /// gUSD waiting in a subscription order, and payouts due.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub investing: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub payout_due: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_wad: u128,
    /// `(units + redeeming) × price + investing + payout_due`, rounded down.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub value: u128,
}

/// What `who` holds of a tranche, worth at the package's value now. Fails with
/// `ValueUnavailable` while the package cannot be valued.
pub fn holding_worth(
    state: &impl StateRead,
    id: PackageId,
    tranche: u32,
    who: &Address,
    now: UnixSeconds,
) -> Result<HoldingWorth, RwaError> {
    let h = state::holding(state, id, tranche, who)?;
    let order = state::order(state, id, tranche, who)?;
    if h == state::Holding::default() && order == Order::default() {
        return Ok(HoldingWorth::default());
    }
    let p = state::package(state, id)?;
    let price = *valuation(state, &p, now)?
        .prices
        .get(tranche as usize)
        .ok_or(RwaError::UnknownTranche { package: id, tranche })?;
    let t = state::tranche(state, id, tranche)?;
    let payout_due = h
        .unclaimed
        .checked_add(math::owed_down(h.units, t.payout_per_unit_wad, h.payout_snapshot_wad).ok_or(RwaError::Overflow)?)
        .ok_or(RwaError::Overflow)?;
    let units_value = math::cash_down(h.units.saturating_add(order.redeem), price).ok_or(RwaError::Overflow)?;
    let value =
        units_value.checked_add(order.invest).and_then(|v| v.checked_add(payout_due)).ok_or(RwaError::Overflow)?;
    Ok(HoldingWorth {
        units: h.units,
        redeeming: order.redeem,
        investing: order.invest,
        payout_due,
        price_wad: price,
        value,
    })
}

/// Whether `who` has anything in a tranche: units, payouts not collected, or an open order.
pub fn holds_anything(state: &impl StateRead, id: PackageId, tranche: u32, who: &Address) -> Result<bool, RwaError> {
    Ok(state::holding(state, id, tranche, who)? != state::Holding::default()
        || state::order(state, id, tranche, who)? != Order::default())
}
