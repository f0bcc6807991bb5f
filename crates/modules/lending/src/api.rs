//! What other modules may call: the module's account, a pledged NFT's escrow
//! address and which loan it secures, and a supplier's side of a market for a
//! module that supplies through code rather than signed actions (the stable
//! module's direct deposit of gUSD).

use crate::action::Size;
use crate::state::{self, Market, MarketId, MarketTotals};
use crate::{math, LendingError};
use greenhour_framework::{StateRead, StateWrite};
use greenhour_primitives::{Address, UnixSeconds};

pub use crate::handler::{account, NftWorth};
pub use crate::state::market;
pub use crate::state::{escrow, pledge};

/// One supplier's place in a market, with the market's totals accrued to `now`
/// (nothing stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupplierView {
    pub market: Market,
    pub totals: MarketTotals,
    /// What the supplier's shares are worth now, rounded down (what it could withdraw
    /// were the liquidity there).
    pub assets: u128,
}

impl SupplierView {
    /// Loan assets supplied and not lent out.
    pub fn liquidity(&self) -> u128 {
        self.totals.supply_assets.saturating_sub(self.totals.borrow_assets)
    }
}

pub fn supplier(
    state: &impl StateRead,
    market: MarketId,
    supplier: &Address,
    now: UnixSeconds,
) -> Result<SupplierView, LendingError> {
    let m = state::market(state, market)?;
    let (totals, ..) = crate::handler::accrued(&state::stored_totals(state, market)?, &state::params(state)?, now)?;
    let shares = state::position(state, market, supplier)?.supply_shares;
    let assets =
        math::to_assets_down(shares, totals.supply_assets, totals.supply_shares).ok_or(LendingError::Overflow)?;
    Ok(SupplierView { market: m, totals, assets })
}

/// Supplies `assets` of the market's loan denom from `supplier`'s balance, as a
/// signed `Supply` would.
pub fn supply(
    state: &mut impl StateWrite,
    supplier: &Address,
    market: MarketId,
    assets: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    crate::handler::supply(state, supplier, market, assets, now)
}

/// Withdraws `assets` to `supplier`, as a signed `Withdraw` of assets would
/// (shares burned rounded up; refused beyond the market's liquidity).
pub fn withdraw(
    state: &mut impl StateWrite,
    supplier: &Address,
    market: MarketId,
    assets: u128,
    now: UnixSeconds,
) -> Result<(), LendingError> {
    crate::handler::withdraw(state, supplier, market, Size::Assets(assets), now)
}

/// The Green Compute Index price of one GPU-hour of `class` in `loan` units (WAD),
/// with lending's checks: refused with `PriceUnavailable` when the index's last
/// fill is too old or the hour's price jumps away from its window. A caller
/// valuing many positions reads it once.
pub fn index_price(
    state: &impl StateRead,
    class: greenhour_devices::DeviceClass,
    loan: &greenhour_primitives::Denom,
    now: UnixSeconds,
) -> Result<u128, LendingError> {
    crate::handler::index_price_wad(state, class, loan, now, &state::params(state)?)
}

/// What a position NFT is worth at `price_wad` per GPU-hour by lending's
/// valuation (its future unsold pledged GPU-hours × its device's uptime and
/// green-share factor), with the parts of it and the end of its last live hour.
pub fn position_worth(
    state: &impl StateRead,
    serial: u64,
    price_wad: u128,
    now: UnixSeconds,
) -> Result<NftWorth, LendingError> {
    crate::handler::nft_worth(state, serial, price_wad, now, &state::params(state)?)
}

/// A market's borrow rate now, bps a year (what a floating swap leg pays).
pub fn borrow_apr_bps(state: &impl StateRead, market: MarketId, now: UnixSeconds) -> Result<u64, LendingError> {
    Ok(crate::query::market(state, market, now)?.borrow_apr_bps)
}
