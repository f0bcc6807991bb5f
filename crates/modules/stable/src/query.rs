//! The stable module's reads: vaults brought up to date with their ratio and
//! health, the redemption order and fee, the stability pool and a deposit, and
//! the reserve report auditors read to see what backs gUSD.

/// A vault brought up to a time (redistribution applied, interest accrued), without storing it.
pub use crate::handler::brought_up_to_date;
use crate::handler::{self, deposit_value, pending_gains, price_wad};
use crate::math::{self, BPS, WAD};
use crate::state::{self, Branch, DenomAmount, Pool, Vault, VaultId};
use crate::StableError;
use greenhour_framework::queries::{QueryError, MAX_LIST};
use greenhour_framework::{ErrorInfo, StateRead};
use greenhour_primitives::{Address, Denom, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A vault as of `as_of`: interest and pending redistribution included.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultView {
    pub vault: Vault,
    /// The price used, gUSD micro-units per collateral unit (WAD); `None` while the
    /// feed cannot be trusted (then mints, withdrawals and liquidations freeze).
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub price_wad: Option<u128>,
    /// Collateral value / debt, bps (`None` without a price or without debt).
    pub ratio_bps: Option<u64>,
    pub mcr_bps: u32,
    pub liquidatable: bool,
    pub as_of: UnixSeconds,
}

/// What every vault of a branch is judged with: its parameters, its totals and
/// its price now, read once for a whole scan.
struct BranchNow {
    mcr_bps: u32,
    branch: Branch,
    price: Option<u128>,
}

fn branch_now(state: &impl StateRead, denom: &Denom, now: UnixSeconds) -> Result<BranchNow, StableError> {
    let params = state::params(state)?;
    let c = params.collateral(denom).ok_or_else(|| StableError::UnknownCollateral(denom.clone()))?;
    Ok(BranchNow {
        mcr_bps: c.mcr_bps,
        branch: state::branch(state, denom)?,
        price: price_wad(state, c, now, &params).ok(),
    })
}

fn view(stored: &Vault, b: &BranchNow, now: UnixSeconds) -> Result<VaultView, StableError> {
    let (vault, ..) = brought_up_to_date(stored, &b.branch, now)?;
    let price = b.price;
    let ratio_bps = price.filter(|_| vault.debt > 0).map(|p| math::ratio_bps_down(vault.collateral, p, vault.debt));
    let liquidatable =
        price.is_some_and(|p| vault.debt > 0 && !math::covers(vault.collateral, p, vault.debt, b.mcr_bps));
    Ok(VaultView { mcr_bps: b.mcr_bps, price_wad: price, ratio_bps, liquidatable, vault, as_of: now })
}

pub fn vault(state: &impl StateRead, id: VaultId, now: UnixSeconds) -> Result<VaultView, StableError> {
    let stored = state::vault(state, id)?;
    view(&stored, &branch_now(state, &stored.denom, now)?, now)
}

pub fn vaults_of(state: &impl StateRead, owner: &Address, now: UnixSeconds) -> Result<Vec<VaultView>, StableError> {
    state::vault_ids_of(state, owner)?.into_iter().take(MAX_LIST).map(|id| vault(state, id, now)).collect()
}

/// A branch's vaults in redemption order (lowest rate first), at most `limit`.
pub fn redemption_order(
    state: &impl StateRead,
    denom: &Denom,
    now: UnixSeconds,
    limit: usize,
) -> Result<Vec<VaultView>, StableError> {
    let b = branch_now(state, denom, now)?;
    state::redemption_order(state, denom, "", limit)?
        .into_iter()
        .map(|(_, id)| view(&state::vault(state, id)?, &b, now))
        .collect()
}

/// A branch's vaults below their minimum ratio now (at most `limit`, in redemption
/// order): the branch's parameters, totals and price read once, then every vault
/// visited in place in one pass (the redemption index would cost a second read per
/// vault), the due ones sorted into redemption order. Empty while the price cannot
/// be trusted: nothing is liquidated on it.
pub fn liquidatable(
    state: &impl StateRead,
    denom: &Denom,
    now: UnixSeconds,
    limit: usize,
) -> Result<Vec<VaultView>, StableError> {
    let b = branch_now(state, denom, now)?;
    let mut out = Vec::new();
    if b.price.is_none() {
        return Ok(out);
    }
    let mut failure: Option<StableError> = None;
    state.for_each_prefix(crate::keys::VAULT_PREFIX.as_bytes(), &mut |key, bytes| {
        if failure.is_some() {
            return;
        }
        let stored = match <Vault as borsh::BorshDeserialize>::try_from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                failure = Some(StableError::Corrupt(format!("{}: {e}", String::from_utf8_lossy(key))));
                return;
            }
        };
        if stored.denom != *denom {
            return;
        }
        match view(&stored, &b, now) {
            Ok(v) if v.liquidatable => out.push(v),
            Ok(_) => {}
            Err(e) => failure = Some(e),
        }
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    out.sort_unstable_by_key(|v| (v.vault.rate_bps, v.vault.id));
    out.truncate(limit);
    Ok(out)
}

/// One collateral branch in the reserve report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BranchReserve {
    pub denom: Denom,
    pub feed: String,
    /// Collateral locked (vaults and redistributions not yet applied), units.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub collateral: u128,
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub price_wad: Option<u128>,
    /// Its value at that price, ugusd (`None` without a trusted price).
    #[serde(with = "greenhour_primitives::amount_serde::option")]
    pub value: Option<u128>,
    /// gUSD the branch's vaults owe (as stored, plus redistributed debt).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt: u128,
    pub ratio_bps: Option<u64>,
    pub mcr_bps: u32,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt_ceiling: u128,
    pub vaults: u64,
    /// Whether this collateral is green compute: no vault branch is (GHR and carbon
    /// coin); green compute backs gUSD through direct deposits into position-NFT markets.
    pub green_compute: bool,
}

/// gUSD minted straight into a lending market (a direct deposit): backed by that
/// market's loans, and through them by its collateral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectReserve {
    pub market: u64,
    /// What the market's loans are secured by (`positions/home`: position NFTs).
    pub collateral: String,
    /// Whether that is green compute (position NFTs).
    pub green_compute: bool,
    /// Whether governance still names it (else it is being unwound).
    pub named: bool,
    /// gUSD minted into it and not yet burned.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub minted: u128,
    /// What the module's supply position is worth now (rounded down), ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub assets: u128,
    /// minted − assets when the market's losses reached it, else 0.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub loss: u128,
    /// The market's totals now: supplied by everyone, borrowed, utilisation.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub market_supplied: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub market_borrowed: u128,
    pub utilisation_bps: u32,
    /// The market's liquidation loan-to-value: every loan is secured by at least
    /// 1/LLTV times its value while healthy.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub lltv_wad: u128,
}

fn direct_reserve(
    state: &impl StateRead,
    d: &crate::state::DirectDeposit,
    named: u64,
    now: UnixSeconds,
) -> Result<DirectReserve, StableError> {
    let v = greenhour_lending::api::supplier(state, greenhour_lending::MarketId(d.market), &handler::account(), now)?;
    let utilisation_bps = math::mul_div_down(v.totals.borrow_assets, BPS, v.totals.supply_assets.max(1))
        .map_or(BPS as u32, |u| u.min(BPS) as u32);
    Ok(DirectReserve {
        market: d.market,
        collateral: v.market.collateral.name(),
        green_compute: matches!(v.market.collateral, greenhour_lending::Collateral::Positions { .. }),
        named: d.market == named,
        minted: d.minted,
        assets: v.assets,
        loss: d.minted.saturating_sub(v.assets),
        market_supplied: v.totals.supply_assets,
        market_borrowed: v.totals.borrow_assets,
        utilisation_bps,
        lltv_wad: v.market.lltv_wad,
    })
}

/// What backs gUSD: every branch's collateral and value, and the totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reserve {
    /// The bank's gUSD supply.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub supply: u128,
    /// gUSD that predates vaults (the devnet's genesis gUSD): backed by nothing on chain.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub legacy_supply: u128,
    /// gUSD owed by vaults (supply − legacy − direct deposits).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub vault_debt: u128,
    pub branches: Vec<BranchReserve>,
    /// gUSD minted into lending markets, in all.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub direct_minted: u128,
    pub direct_deposits: Vec<DirectReserve>,
    /// Σ collateral value of the branches with a trusted price, plus the direct
    /// deposits' supply positions, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub collateral_value: u128,
    /// Collateral value / (vault debt + direct deposits' minted gUSD), bps (`None` without either).
    pub collateral_ratio_bps: Option<u64>,
    /// Share of the collateral value that is green compute, bps.
    pub green_compute_bps: u32,
    /// Branches whose price cannot be trusted now (left out of `collateral_value`).
    pub unpriced: Vec<Denom>,
    pub stability_pool: PoolView,
    /// The redemption fee a redemption of 1 gUSD would pay now, bps.
    pub redemption_fee_bps: u64,
    pub as_of: UnixSeconds,
}

pub fn reserve(state: &impl StateRead, now: UnixSeconds) -> Result<Reserve, StableError> {
    let params = state::params(state)?;
    let supply = greenhour_bank::api::supply(state, &Denom::gusd()).map_err(|e| StableError::Bank(e.to_string()))?;
    let legacy_supply = state::legacy_supply(state)?;
    let mut branches = Vec::new();
    let (mut collateral_value, mut green_value) = (0u128, 0u128);
    let mut unpriced = Vec::new();
    for c in &params.collaterals {
        let b = state::branch(state, &c.denom)?;
        let collateral = b.collateral + b.unapplied_collateral;
        let debt = b.debt + b.unapplied_debt;
        let price = price_wad(state, c, now, &params).ok();
        let value = price.and_then(|p| math::value_down(collateral, p));
        match value {
            Some(v) => collateral_value = collateral_value.saturating_add(v),
            None if collateral > 0 => unpriced.push(c.denom.clone()),
            None => {}
        }
        let green_compute = false;
        if green_compute {
            green_value = green_value.saturating_add(value.unwrap_or(0));
        }
        branches.push(BranchReserve {
            denom: c.denom.clone(),
            feed: c.feed.clone(),
            collateral,
            price_wad: price,
            value,
            debt,
            ratio_bps: price.filter(|_| debt > 0).map(|p| math::ratio_bps_down(collateral, p, debt)),
            mcr_bps: c.mcr_bps,
            debt_ceiling: c.debt_ceiling,
            vaults: b.vaults,
            green_compute,
        });
    }
    let mut direct_deposits = Vec::new();
    let mut direct_minted = 0u128;
    for d in state::direct_deposits(state)? {
        let r = direct_reserve(state, &d, params.direct_market, now)?;
        direct_minted = direct_minted.saturating_add(r.minted);
        collateral_value = collateral_value.saturating_add(r.assets);
        if r.green_compute {
            green_value = green_value.saturating_add(r.assets);
        }
        direct_deposits.push(r);
    }
    let vault_debt = supply.saturating_sub(legacy_supply).saturating_sub(direct_minted);
    let backed = vault_debt.saturating_add(direct_minted);
    let collateral_ratio_bps = (backed > 0).then(|| {
        math::mul_div_down(collateral_value, BPS, backed).map_or(u64::MAX, |r| r.min(u64::MAX as u128) as u64)
    });
    let green_compute_bps = math::mul_div_down(green_value, BPS, collateral_value.max(1)).unwrap_or(0) as u32;
    let r = state::redemptions(state)?;
    let (fee_wad, _) = handler::redemption_fee(&r, 1_000_000, supply.max(1), now, &params)?;
    Ok(Reserve {
        supply,
        legacy_supply,
        vault_debt,
        branches,
        direct_minted,
        direct_deposits,
        collateral_value,
        collateral_ratio_bps,
        green_compute_bps,
        unpriced,
        stability_pool: pool_view(&state::pool(state)?),
        redemption_fee_bps: (fee_wad / (WAD / BPS)) as u64,
        as_of: now,
    })
}

/// The stability pool's totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolView {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub gusd: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    pub epoch: u64,
    pub gains_per_share_wad: Vec<DenomAmount>,
}

fn pool_view(p: &Pool) -> PoolView {
    PoolView { gusd: p.gusd, shares: p.shares, epoch: p.epoch, gains_per_share_wad: p.gains_per_share.clone() }
}

/// A depositor's part of the stability pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositView {
    pub owner: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// What the shares are worth now, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub gusd: u128,
    /// Collateral gains waiting to be paid (on the next deposit or withdrawal).
    pub gains: Vec<DenomAmount>,
}

pub fn deposit(state: &impl StateRead, owner: &Address) -> Result<DepositView, StableError> {
    let pool = state::pool(state)?;
    let Some(d) = state::deposit(state, owner)? else {
        return Ok(DepositView { owner: *owner, shares: 0, gusd: 0, gains: Vec::new() });
    };
    Ok(DepositView {
        owner: *owner,
        shares: d.shares,
        gusd: deposit_value(&d, &pool),
        gains: pending_gains(state, &d, &pool)?,
    })
}

impl From<StableError> for QueryError {
    fn from(e: StableError) -> Self {
        match e {
            StableError::UnknownVault(id) => QueryError::NotFound(format!("vault {id}")),
            StableError::State(s) => QueryError::Internal(s.to_string()),
            StableError::Corrupt(s) => QueryError::Internal(s),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

greenhour_framework::module_queries! {
    /// The stable module's reads, as of the latest block time.
    pub enum StableQuery in "stable" {
        /// What backs gUSD: each collateral branch's amount, price, value, debt and ratio,
        /// the direct deposits into lending markets, the share that is green compute, the
        /// legacy (genesis) gUSD, the stability pool and the redemption fee now.
        Reserve = "stable_reserve" at "/stable/reserve" {} -> Reserve
            = |state, now| reserve(state, now);
        /// One vault with interest and redistribution to now, its ratio and health.
        Vault = "stable_vault" at "/stable/vaults/{id}" { id: u64 } -> VaultView
            = |state, now| vault(state, VaultId(id), now);
        /// An account's vaults (at most 1,000).
        Vaults = "stable_vaults" at "/stable/vaults" { owner: Address } -> Vec<VaultView>
            = |state, now| vaults_of(state, &owner, now);
        /// A branch's vaults in redemption order, lowest rate first (at most 1,000).
        RedemptionOrder = "stable_redemption_order" at "/stable/branches/{denom}/order" { denom: Denom } -> Vec<VaultView>
            = |state, now| redemption_order(state, &denom, now, MAX_LIST);
        /// A branch's vaults below their minimum ratio now (at most 1,000); empty while its price is untrusted.
        Liquidatable = "stable_liquidatable" at "/stable/branches/{denom}/liquidatable" { denom: Denom } -> Vec<VaultView>
            = |state, now| liquidatable(state, &denom, now, MAX_LIST);
        /// An account's stability-pool deposit: shares, their gUSD, pending collateral gains.
        Deposit = "stable_deposit" at "/stable/pool/{owner}" { owner: Address } -> DepositView
            = |state, _now| deposit(state, &owner);
    }
}
