//! Stored gUSD types and their readers.

use crate::params::StableParams;
use crate::{keys, StableError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, Denom, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A vault's number.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct VaultId(pub u64);

impl std::fmt::Display for VaultId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

greenhour_framework::event_value_for_id!(VaultId);

/// A collateralised debt position (Liquity's trove): collateral of one branch
/// locked against gUSD minted to its owner, at an interest rate the owner chose.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Vault {
    pub id: VaultId,
    pub owner: Address,
    pub denom: Denom,
    /// Collateral units locked, as of `last_touched` (redistributions since then are pending).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub collateral: u128,
    /// gUSD owed as of `last_touched`, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt: u128,
    /// Annual interest rate, bps, set by the owner.
    pub rate_bps: u32,
    pub last_touched: UnixSeconds,
    /// Weight in redistributions: the collateral when last touched.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub stake: u128,
    /// The branch's redistribution accumulators when last touched.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub collateral_snapshot: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt_snapshot: u128,
}

/// One collateral branch's totals (every vault of that denom).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Branch {
    /// Σ vault collateral and Σ vault debt as stored.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub collateral: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt: u128,
    /// Σ vault stakes.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub stakes: u128,
    pub vaults: u64,
    /// Liquity's `L_coll` / `L_debt`: redistributed collateral and debt per unit of
    /// stake, WAD, summed over every redistribution.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub collateral_per_stake_wad: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub debt_per_stake_wad: u128,
    /// Redistributed collateral and debt not yet applied to a vault (applied on
    /// each vault's next touch; rounding leaves dust here, owned by the branch).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub unapplied_collateral: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub unapplied_debt: u128,
}

/// The stability pool: gUSD deposits that burn liquidated debt and receive the
/// collateral. A deposit holds shares of the pool's gUSD, and earns collateral
/// per share (Liquity's `P`/`S` products, here as shares and per-share gains).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Pool {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub gusd: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// Bumped when liquidations leave a share worth less than 10⁻⁹ gUSD: older
    /// deposits keep their collateral gains and nothing else.
    pub epoch: u64,
    /// Collateral gained per share this epoch, WAD, by denom (sorted).
    pub gains_per_share: Vec<DenomAmount>,
}

/// A stability-pool deposit.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Deposit {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    pub epoch: u64,
    /// The pool's gains per share when last touched.
    pub snapshots: Vec<DenomAmount>,
}

/// The redemption base rate (Liquity v1's `baseRate`), decaying between redemptions.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Redemptions {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub base_rate_wad: u128,
    pub updated_at: UnixSeconds,
}

/// gUSD minted straight into a lending market's supply (Maker's Direct Deposit
/// Module): the stable module's account is the supplier, `minted` is its debt.
/// What its supply position is worth above `minted` is interest, paid to the
/// stability pool; below it, a loss the reserve report shows.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct DirectDeposit {
    pub market: u64,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub minted: u128,
}

/// An amount of one denom (a per-share gain, a payout), sorted by denom in lists.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct DenomAmount {
    pub denom: Denom,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub amount: u128,
}

/// The amount for `denom` in a sorted list, 0 when absent.
pub fn lookup(list: &[DenomAmount], denom: &Denom) -> u128 {
    list.iter().find(|e| &e.denom == denom).map_or(0, |e| e.amount)
}

/// Adds `delta` to `denom`'s amount, keeping the list sorted.
pub fn add_to(list: &mut Vec<DenomAmount>, denom: &Denom, delta: u128) -> Option<()> {
    match list.binary_search_by(|e| e.denom.cmp(denom)) {
        Ok(i) => list[i].amount = list[i].amount.checked_add(delta)?,
        Err(i) => list.insert(i, DenomAmount { denom: denom.clone(), amount: delta }),
    }
    Some(())
}

pub fn params(state: &impl StateRead) -> Result<StableParams, StableError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn vault(state: &impl StateRead, id: VaultId) -> Result<Vault, StableError> {
    state.get(&keys::vault(id))?.ok_or(StableError::UnknownVault(id))
}

pub fn vaults(state: &impl StateRead) -> Result<Vec<Vault>, StableError> {
    Ok(state.prefix::<Vault>(keys::VAULT_PREFIX)?.into_iter().map(|(_, v)| v).collect())
}

pub fn vault_ids_of(state: &impl StateRead, owner: &Address) -> Result<Vec<VaultId>, StableError> {
    let prefix = keys::by_owner_of(owner);
    state
        .prefix::<()>(&prefix)?
        .into_iter()
        .map(|(k, _)| k[prefix.len()..].parse().map(VaultId).map_err(|_| StableError::Corrupt(format!("key {k}"))))
        .collect()
}

/// Vault ids of a branch in redemption order (lowest rate, then oldest), from
/// after the key `from` (empty: the start), at most `limit`.
pub fn redemption_order(
    state: &impl StateRead,
    denom: &Denom,
    from: &str,
    limit: usize,
) -> Result<Vec<(String, VaultId)>, StableError> {
    let prefix = keys::by_rate_of(denom);
    state
        .scan::<()>(&prefix, from, limit)?
        .into_iter()
        .map(|(k, _)| {
            let id = k.rsplit('/').next().and_then(|s| s.parse().ok()).map(VaultId);
            id.map(|id| (k.clone(), id)).ok_or_else(|| StableError::Corrupt(format!("key {k}")))
        })
        .collect()
}

pub fn branch(state: &impl StateRead, denom: &Denom) -> Result<Branch, StableError> {
    Ok(state.get(&keys::branch(denom))?.unwrap_or_default())
}

pub fn pool(state: &impl StateRead) -> Result<Pool, StableError> {
    Ok(state.get(&keys::pool())?.unwrap_or_default())
}

pub fn deposit(state: &impl StateRead, owner: &Address) -> Result<Option<Deposit>, StableError> {
    Ok(state.get(&keys::deposit(owner))?)
}

pub fn deposits(state: &impl StateRead) -> Result<Vec<(Address, Deposit)>, StableError> {
    state
        .prefix::<Deposit>(keys::DEPOSIT_PREFIX)?
        .into_iter()
        .map(|(k, d)| {
            Address::from_key_hex(&k[keys::DEPOSIT_PREFIX.len()..])
                .map(|a| (a, d))
                .ok_or_else(|| StableError::Corrupt(format!("deposit key {k}")))
        })
        .collect()
}

pub fn epoch_gains(state: &impl StateRead, epoch: u64) -> Result<Vec<DenomAmount>, StableError> {
    Ok(state.get(&keys::epoch_gains(epoch))?.unwrap_or_default())
}

pub fn redemptions(state: &impl StateRead) -> Result<Redemptions, StableError> {
    Ok(state.get(&keys::redemptions())?.unwrap_or_default())
}

pub fn legacy_supply(state: &impl StateRead) -> Result<u128, StableError> {
    Ok(state.get(&keys::legacy_supply())?.unwrap_or_default())
}

/// Every direct deposit, by market.
pub fn direct_deposits(state: &impl StateRead) -> Result<Vec<DirectDeposit>, StableError> {
    Ok(state.prefix::<DirectDeposit>(keys::DIRECT_PREFIX)?.into_iter().map(|(_, d)| d).collect())
}

/// The chain hour the direct deposits were last rebalanced in.
pub fn direct_hour(state: &impl StateRead) -> Result<Option<u64>, StableError> {
    Ok(state.get(&keys::direct_hour())?)
}
