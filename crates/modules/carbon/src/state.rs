//! Certificates, claims, credits and credit pools, and the only code that reads
//! or writes carbon keys. Other modules use the functions here.

use crate::{keys, CarbonError, CarbonParams};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::{DeviceId, LocationCell};
use greenhour_primitives::{Address, Denom, Hash, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// Where a bundle's energy came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnergySource {
    /// Photovoltaic generation, metered by the device.
    Solar,
    /// Battery discharge of earlier certified solar energy, after storage losses.
    Storage,
}

/// Where a bundle is in its life. Only `Active` bundles move (split, transfer,
/// claim, lock, cancel); every other status is either terminal or reversible
/// only by its owner (`Locked`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BundleStatus {
    Active,
    /// Locked (reserved) by its owner, e.g. for a pending sale: nothing moves it
    /// until the owner unlocks it.
    Locked,
    /// Solar energy that went into the device's battery: locked until a
    /// storage-discharge certificate consumes it.
    Stored,
    /// Consumed by the storage-discharge bundle starting at this id.
    StorageConsumed {
        discharge: u64,
    },
    /// Retired for a beneficiary: the claim (receipt NFT serial) that burned it.
    Claimed {
        receipt: u64,
    },
    /// Withdrawn by its owner (e.g. exported to another registry).
    Cancelled,
    /// Outlived the certificate lifetime unused.
    Expired,
    /// Frozen by an issuer (e.g. a meter found faulty); never moves again.
    Revoked {
        reason: String,
    },
}

impl BundleStatus {
    pub fn name(&self) -> &'static str {
        match self {
            BundleStatus::Active => "active",
            BundleStatus::Locked => "locked",
            BundleStatus::Stored => "stored",
            BundleStatus::StorageConsumed { .. } => "storage_consumed",
            BundleStatus::Claimed { .. } => "claimed",
            BundleStatus::Cancelled => "cancelled",
            BundleStatus::Expired => "expired",
            BundleStatus::Revoked { .. } => "revoked",
        }
    }
    /// Still counts as unused energy that may expire.
    pub fn is_live(&self) -> bool {
        matches!(self, BundleStatus::Active | BundleStatus::Locked | BundleStatus::Stored)
    }
}

/// A granular certificate bundle: Wh `first..=last` of one device's production
/// interval (one Wh per id). Ids are issued contiguously; no id is in two bundles.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Bundle {
    pub first: u64,
    pub last: u64,
    pub owner: Address,
    pub device: DeviceId,
    pub cell: LocationCell,
    pub source: EnergySource,
    /// Production interval `[start, end)` (the report's, inside one UTC hour).
    pub start: UnixSeconds,
    pub end: UnixSeconds,
    pub issued_at: UnixSeconds,
    /// The telemetry report this energy was metered in.
    pub report: Hash,
    pub status: BundleStatus,
    /// Storage bundles: the round-trip efficiency applied, basis points.
    pub efficiency_bps: Option<u32>,
    /// Storage bundles: the charging id ranges consumed to back this one.
    pub consumed: Vec<(u64, u64)>,
    /// `sha256(previous ‖ first ‖ last ‖ source)`, where previous is the parent
    /// bundle's hash after a split, or the report hash at issuance.
    pub hash: Hash,
    /// The bundle this one was split from.
    pub parent: Option<Hash>,
}

impl Bundle {
    /// Face value, Wh.
    pub fn wh(&self) -> u64 {
        self.last - self.first + 1
    }
    /// UTC hour index of the production interval.
    pub fn hour(&self) -> u64 {
        self.start / crate::params::HOUR
    }
    pub fn expires_at(&self, params: &CarbonParams) -> UnixSeconds {
        self.end.saturating_add(params.lifetime_secs)
    }
}

/// The chained hash of a bundle's id range.
pub fn chain_hash(previous: &Hash, first: u64, last: u64, source: EnergySource) -> Hash {
    let source = [source as u8];
    Hash::digest_parts(&[&previous.0, &first.to_be_bytes(), &last.to_be_bytes(), &source])
}

/// An irreversible retirement of certificate bundles, named by its receipt NFT serial.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Claim {
    pub receipt: u64,
    /// The account that retired the bundles and holds the receipt.
    pub claimant: Address,
    pub beneficiary: String,
    pub purpose: String,
    pub location: String,
    /// Consumption period the claim covers, `[start, end)`.
    pub period_start: UnixSeconds,
    pub period_end: UnixSeconds,
    /// The retired id ranges (each a whole bundle at claim time).
    pub ranges: Vec<(u64, u64)>,
    pub wh: u64,
    pub claimed_at: UnixSeconds,
}

/// An account's energy in one UTC hour: what it consumed and what it claimed.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct HourUsage {
    /// Energy of the account's jobs that ran in this hour (settled), Wh.
    pub job_wh: u64,
    /// Consumption the account declared for this hour (its own meter), Wh.
    pub declared_wh: u64,
    /// Certificates produced in this hour and claimed by the account, Wh.
    pub claimed_wh: u64,
}

impl HourUsage {
    pub fn consumed_wh(&self) -> u64 {
        self.job_wh.saturating_add(self.declared_wh)
    }
}

/// Where a credit batch is in its life.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreditStatus {
    /// Registered, waiting for an issuer's check against the registry.
    Pending,
    /// Tokens minted, one gram CO2e per unit.
    Approved,
    /// Refused by an issuer; the serial stays reserved.
    Rejected { reason: String },
}

/// An external carbon-credit batch bridged by its registry serial number.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CreditBatch {
    pub id: u64,
    pub registrant: Address,
    pub registry: String,
    pub serial: String,
    pub project: String,
    pub vintage: u16,
    /// Credit type, e.g. `renewable`, `forestry`, `methane`.
    pub kind: String,
    pub tonnes: u64,
    pub attributes: Vec<(String, String)>,
    pub status: CreditStatus,
    /// Grams retired so far (directly or through a pool's coin).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub retired_g: u128,
}

impl CreditBatch {
    /// The bank denom of this batch's tokens.
    pub fn denom(&self) -> Denom {
        credit_denom(self.id)
    }
}

pub fn credit_denom(batch: u64) -> Denom {
    Denom::new(format!("credit/{batch}")).expect("credit denoms are valid")
}

/// Which credits a pool accepts.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CreditFilter {
    pub min_vintage: u16,
    pub max_vintage: u16,
    /// Accepted credit types; empty accepts every type.
    pub kinds: Vec<String>,
}

impl CreditFilter {
    pub fn accepts(&self, b: &CreditBatch) -> bool {
        (self.min_vintage..=self.max_vintage).contains(&b.vintage)
            && (self.kinds.is_empty() || self.kinds.contains(&b.kind))
    }
}

/// A credit pool: holds deposited credits and issues its coin 1:1 in grams.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct CreditPool {
    pub id: u64,
    /// `ugco2` for pool 1, `ugco2/{id}` for later pools.
    pub denom: Denom,
    pub filter: CreditFilter,
    /// Grams of credits held (= the coin's supply).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub held_g: u128,
}

pub fn pool_denom(id: u64) -> Denom {
    if id == 1 {
        Denom::gco2()
    } else {
        Denom::new(format!("ugco2/{id}")).expect("pool denoms are valid")
    }
}

/// What a credit retirement burned, named by its receipt NFT serial.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Retirement {
    pub receipt: u64,
    pub retiree: Address,
    pub beneficiary: String,
    pub message: String,
    /// `(batch, grams)` retired.
    #[serde(with = "greenhour_primitives::amount_serde::keyed")]
    pub credits: Vec<(u64, u128)>,
    /// The pool whose coin was burned, if retired through a pool.
    pub pool: Option<u64>,
    pub retired_at: UnixSeconds,
}

// ---- reads ----

pub fn params(state: &impl StateRead) -> Result<CarbonParams, CarbonError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn bundle(state: &impl StateRead, first: u64) -> Result<Bundle, CarbonError> {
    state.get(&keys::bundle(first))?.ok_or(CarbonError::UnknownBundle(first))
}

/// Every bundle, in id order.
pub fn all_bundles(state: &impl StateRead) -> Result<Vec<Bundle>, CarbonError> {
    Ok(state.prefix::<Bundle>(keys::BUNDLE_PREFIX)?.into_iter().map(|(_, b)| b).collect())
}

/// The bundles an account holds or last held, in id order.
pub fn bundles_of(state: &impl StateRead, owner: &Address) -> Result<Vec<Bundle>, CarbonError> {
    let ids = state.prefix::<()>(&keys::by_owner_prefix(owner))?;
    ids.into_iter().map(|(k, _)| bundle(state, keys::trailing_id(&k)?)).collect()
}

/// A device's bundles produced in UTC hour `hour`, in id order.
pub fn bundles_of_device_hour(state: &impl StateRead, device: DeviceId, hour: u64) -> Result<Vec<Bundle>, CarbonError> {
    let ids = state.prefix::<()>(&keys::by_device_hour_prefix(device, hour))?;
    ids.into_iter().map(|(k, _)| bundle(state, keys::trailing_id(&k)?)).collect()
}

/// All of a device's bundles, in production hour then id order.
pub fn bundles_of_device(state: &impl StateRead, device: DeviceId) -> Result<Vec<Bundle>, CarbonError> {
    let ids = state.prefix::<()>(&keys::by_device_prefix(device))?;
    ids.into_iter().map(|(k, _)| bundle(state, keys::trailing_id(&k)?)).collect()
}

pub fn next_id(state: &impl StateRead) -> Result<u64, CarbonError> {
    Ok(state.get(&keys::next_id())?.unwrap_or(1))
}

pub fn claim(state: &impl StateRead, receipt: u64) -> Result<Claim, CarbonError> {
    state.get(&keys::claim(receipt))?.ok_or(CarbonError::UnknownReceipt(receipt))
}

pub fn all_claims(state: &impl StateRead) -> Result<Vec<Claim>, CarbonError> {
    Ok(state.prefix::<Claim>(keys::CLAIM_PREFIX)?.into_iter().map(|(_, c)| c).collect())
}

/// An account's claims, in receipt order.
pub fn claims_of(state: &impl StateRead, claimant: &Address) -> Result<Vec<Claim>, CarbonError> {
    let ids = state.prefix::<()>(&keys::claims_by_prefix(claimant))?;
    ids.into_iter().map(|(k, _)| claim(state, keys::trailing_id(&k)?)).collect()
}

pub fn usage(state: &impl StateRead, account: &Address, hour: u64) -> Result<HourUsage, CarbonError> {
    Ok(state.get(&keys::usage(account, hour))?.unwrap_or_default())
}

/// An account's usage rows for hours `from..to` (one range read).
pub fn usage_rows(
    state: &impl StateRead,
    account: &Address,
    from: u64,
    to: u64,
) -> Result<Vec<(u64, HourUsage)>, CarbonError> {
    let rows = state.scan::<HourUsage>(
        &keys::usage_prefix(account),
        &keys::usage_key_text(account, from),
        to.saturating_sub(from) as usize,
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for (k, u) in rows {
        let hour = keys::trailing_id(&k)?;
        if hour >= to {
            break;
        }
        out.push((hour, u));
    }
    Ok(out)
}

pub fn credit(state: &impl StateRead, id: u64) -> Result<CreditBatch, CarbonError> {
    state.get(&keys::credit(id))?.ok_or(CarbonError::UnknownCredit(id))
}

pub fn all_credits(state: &impl StateRead) -> Result<Vec<CreditBatch>, CarbonError> {
    Ok(state.prefix::<CreditBatch>(keys::CREDIT_PREFIX)?.into_iter().map(|(_, c)| c).collect())
}

pub fn credit_by_serial(state: &impl StateRead, registry: &str, serial: &str) -> Result<Option<u64>, CarbonError> {
    Ok(state.get(&keys::serial(registry, serial))?)
}

pub fn pool(state: &impl StateRead, id: u64) -> Result<CreditPool, CarbonError> {
    state.get(&keys::pool(id))?.ok_or(CarbonError::UnknownPool(id))
}

pub fn all_pools(state: &impl StateRead) -> Result<Vec<CreditPool>, CarbonError> {
    Ok(state.prefix::<CreditPool>(keys::POOL_PREFIX)?.into_iter().map(|(_, p)| p).collect())
}

/// What a pool holds of each batch, in batch order.
pub fn pool_holdings(state: &impl StateRead, pool: u64) -> Result<Vec<(u64, u128)>, CarbonError> {
    let rows = state.prefix::<u128>(&keys::holding_prefix(pool))?;
    rows.into_iter().map(|(k, g)| Ok((keys::trailing_id(&k)?, g))).collect()
}

pub fn retirement(state: &impl StateRead, receipt: u64) -> Result<Retirement, CarbonError> {
    state.get(&keys::retirement(receipt))?.ok_or(CarbonError::UnknownReceipt(receipt))
}

pub fn all_retirements(state: &impl StateRead) -> Result<Vec<Retirement>, CarbonError> {
    Ok(state.prefix::<Retirement>(keys::RETIREMENT_PREFIX)?.into_iter().map(|(_, r)| r).collect())
}

// ---- writes (crate-internal: handlers keep the indexes in step) ----

/// Stores a bundle whose owner and device-hour indexes are already right.
pub(crate) fn put_bundle(state: &mut impl StateWrite, b: &Bundle) {
    state.put(&keys::bundle(b.first), b);
}

/// Stores a new bundle with its owner, device-hour and expiry index rows.
pub(crate) fn insert_bundle(state: &mut impl StateWrite, b: &Bundle, params: &CarbonParams) {
    put_bundle(state, b);
    state.put(&keys::by_owner(&b.owner, b.first), &());
    state.put(&keys::by_device_hour(b.device, b.hour(), b.first), &());
    if b.status.is_live() {
        state.put(&keys::expiry(b.expires_at(params), b.first), &());
    }
    if b.status == BundleStatus::Stored {
        state.put(&keys::stored(b.device, b.first), &());
    }
}

pub(crate) fn set_owner(state: &mut impl StateWrite, b: &mut Bundle, to: &Address) {
    state.delete(&keys::by_owner(&b.owner, b.first));
    state.put(&keys::by_owner(to, b.first), &());
    b.owner = *to;
}

pub(crate) fn add_usage(
    state: &mut impl StateWrite,
    account: &Address,
    hour: u64,
    f: impl FnOnce(&mut HourUsage),
) -> Result<(), CarbonError> {
    let mut u = usage(state, account, hour)?;
    f(&mut u);
    state.put(&keys::usage(account, hour), &u);
    Ok(())
}
