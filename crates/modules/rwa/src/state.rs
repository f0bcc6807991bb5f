//! Stored rwa types and their readers.

use crate::params::RwaParams;
use crate::{keys, RwaError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::DeviceClass;
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, Hash, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A package's number.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct PackageId(pub u64);

impl std::fmt::Display for PackageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

greenhour_framework::event_value_for_id!(PackageId);

/// What a trusted claim issuer (a KYC provider) attests about an address
/// (ERC-3643's ONCHAINID claims, as one record: identity verified, jurisdiction,
/// accredited-investor status, until `expires_at`).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Identity {
    pub issuer: Address,
    /// ISO 3166-1 alpha-2, upper case ("SG", "AE", "HK").
    pub jurisdiction: String,
    pub accredited: bool,
    pub expires_at: UnixSeconds,
}

/// Who may hold a package's tranche tokens (ERC-3643's modular compliance),
/// checked on every movement: subscription, transfer, forced transfer.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Jurisdictions a holder may be from (empty: any not blocked).
    #[serde(default)]
    pub allowed_jurisdictions: Vec<String>,
    #[serde(default)]
    pub blocked_jurisdictions: Vec<String>,
    /// Only accredited investors may hold.
    #[serde(default)]
    pub accredited_only: bool,
    /// Most holders of one tranche (0: no limit).
    #[serde(default)]
    pub max_holders: u32,
    /// Most units one address may hold of one tranche (0: no limit).
    #[serde(default, with = "greenhour_primitives::amount_serde")]
    pub max_holding: u128,
    /// Units bought are locked (no transfer or redemption) this long.
    #[serde(default)]
    pub lockup_secs: u64,
}

/// One tranche's terms, most senior first; the last tranche is the residual
/// (junior, first loss) and has neither coupon nor subordination.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrancheTerms {
    pub name: String,
    /// Annual coupon on outstanding principal, bps (simple interest).
    #[serde(default)]
    pub coupon_bps: u32,
    /// Least share of the package's value the tranches junior to it must keep, bps
    /// (the risk buffer: Centrifuge's minimum subordination).
    #[serde(default)]
    pub min_subordination_bps: u32,
}

/// An asset package: position NFTs an issuer put in custody, issued as tranches.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Package {
    pub id: PackageId,
    /// The SPV or trust; also the package's agent (freezes, forced transfers).
    pub issuer: Address,
    pub name: String,
    pub legal_name: String,
    pub jurisdiction: String,
    /// Offering documents by content hash.
    pub documents: Vec<Hash>,
    /// Device class of every position it holds (the index that values them).
    pub class: DeviceClass,
    pub tranches: Vec<TrancheTerms>,
    pub rules: Rules,
    pub epoch_secs: u64,
    /// Share of income paid to the issuer first, bps.
    pub fee_bps: u32,
    /// From then on, coupon-bearing tranches are repaid their principal first.
    pub maturity: UnixSeconds,
    pub created_at: UnixSeconds,
    /// Serials of the position NFTs in custody, ascending.
    pub assets: Vec<u64>,
}

impl Package {
    pub fn residual(&self) -> u32 {
        self.tranches.len() as u32 - 1
    }
}

/// A package's running accounts.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct PackageBook {
    /// gUSD the package holds for its tranches (the module's account holds it).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub reserve: u128,
    /// The open epoch's number, and when it opened.
    pub epoch: u64,
    pub epoch_started: UnixSeconds,
    /// gUSD income received, the issuer's fees, coupons and principal paid to
    /// holders, all time.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub income: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub fees: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub coupons: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub principal: u128,
    /// The assets' value at the last epoch close, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub last_nav: u128,
}

/// One tranche's totals.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Tranche {
    /// Units issued (micro-units: 1 unit is worth 1 ugusd at par).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub units: u128,
    /// Coupon-bearing tranches: gUSD invested and not yet repaid.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub principal: u128,
    /// Coupon accrued and not yet paid, and when it was last accrued.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub coupon_owed: u128,
    pub accrued_at: UnixSeconds,
    /// gUSD paid per unit so far (coupons and principal), WAD: a holder's share is
    /// `units × (this − its snapshot)`, so a payout costs O(1), not a loop over holders.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub payout_per_unit_wad: u128,
    pub holders: u32,
    /// gUSD waiting in subscriptions, units waiting in redemptions.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub pending_invest: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub pending_redeem: u128,
    /// Open orders (counted here, so a new order checks the cap in O(1)).
    pub orders: u32,
    /// Offers resting in its secondary-market book.
    pub offers: u32,
    /// Coupons and principal paid to its holders, all time, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub coupons_paid: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub principal_repaid: u128,
    /// Σ principal × seconds it was outstanding (ugusd·s): the denominator of the
    /// realised yield, so a tranche that grew or shrank is weighted by time.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub principal_seconds: u128,
}

/// One hour's income through a package's waterfall, kept for the cash-flow report
/// (one record per hour that brought income).
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Flow {
    pub hour: u64,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub received: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub fee: u128,
    /// Coupons and principal paid, per coupon-bearing tranche (most senior first).
    #[serde(with = "greenhour_primitives::amount_serde::vec")]
    pub coupons: Vec<u128>,
    #[serde(with = "greenhour_primitives::amount_serde::vec")]
    pub principal: Vec<u128>,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub to_reserve: u128,
}

/// One closed epoch: the package's value and what each tranche executed.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct EpochRecord {
    pub epoch: u64,
    pub closed_at: UnixSeconds,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub nav: u128,
    /// The reserve after the epoch's orders executed.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub reserve: u128,
    /// Per tranche: the price the epoch executed at (WAD), gUSD invested, units redeemed.
    #[serde(with = "greenhour_primitives::amount_serde::vec")]
    pub prices_wad: Vec<u128>,
    #[serde(with = "greenhour_primitives::amount_serde::vec")]
    pub invested: Vec<u128>,
    #[serde(with = "greenhour_primitives::amount_serde::vec")]
    pub redeemed: Vec<u128>,
}

/// An address's units of one tranche.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Holding {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub units: u128,
    /// The tranche's payout per unit when last settled.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub payout_snapshot_wad: u128,
    /// Payouts settled and not yet claimed, ugusd.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub unclaimed: u128,
    /// No transfer or redemption before this (the package's lock-up).
    pub locked_until: UnixSeconds,
    /// Units offered in the holder's open asks (still its own, still earning;
    /// nothing else moves them).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub listed: u128,
}

/// A side of the secondary market.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn name(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

/// An offer resting in a tranche's book.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Offer {
    pub id: u64,
    pub package: PackageId,
    pub tranche: u32,
    pub owner: Address,
    pub side: Side,
    /// ugusd per unit, WAD.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub price_wad: u128,
    /// Units still offered or wanted.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub units: u128,
    /// A bid's gUSD held for its units (the module's account holds it).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub escrow: u128,
    pub placed_at: UnixSeconds,
}

/// An investor's subscription and redemption waiting for the epoch to close.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Order {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub invest: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub redeem: u128,
}

pub fn params(state: &impl StateRead) -> Result<RwaParams, RwaError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn identity(state: &impl StateRead, subject: &Address) -> Result<Option<Identity>, RwaError> {
    Ok(state.get(&keys::identity(subject))?)
}

pub fn package(state: &impl StateRead, id: PackageId) -> Result<Package, RwaError> {
    state.get(&keys::package(id))?.ok_or(RwaError::UnknownPackage(id))
}

pub fn packages(state: &impl StateRead) -> Result<Vec<Package>, RwaError> {
    Ok(state.prefix::<Package>(keys::PACKAGE_PREFIX)?.into_iter().map(|(_, p)| p).collect())
}

pub fn book(state: &impl StateRead, id: PackageId) -> Result<PackageBook, RwaError> {
    Ok(state.get(&keys::book(id))?.unwrap_or_default())
}

pub fn tranche(state: &impl StateRead, id: PackageId, t: u32) -> Result<Tranche, RwaError> {
    Ok(state.get(&keys::tranche(id, t))?.unwrap_or_default())
}

pub fn holding(state: &impl StateRead, id: PackageId, t: u32, holder: &Address) -> Result<Holding, RwaError> {
    Ok(state.get(&keys::holding(id, t, holder))?.unwrap_or_default())
}

fn by_address<V: BorshDeserialize>(state: &impl StateRead, prefix: &str) -> Result<Vec<(Address, V)>, RwaError> {
    state
        .prefix::<V>(prefix)?
        .into_iter()
        .map(|(k, v)| {
            Address::from_key_hex(&k[prefix.len()..])
                .map(|a| (a, v))
                .ok_or_else(|| RwaError::Corrupt(format!("key {k}")))
        })
        .collect()
}

/// Every holder of a tranche, in key order.
pub fn holdings(state: &impl StateRead, id: PackageId, t: u32) -> Result<Vec<(Address, Holding)>, RwaError> {
    by_address(state, &keys::holdings_of(id, t))
}

pub fn order(state: &impl StateRead, id: PackageId, t: u32, investor: &Address) -> Result<Order, RwaError> {
    Ok(state.get(&keys::order(id, t, investor))?.unwrap_or_default())
}

/// Every open order of a tranche, in key order.
pub fn orders(state: &impl StateRead, id: PackageId, t: u32) -> Result<Vec<(Address, Order)>, RwaError> {
    by_address(state, &keys::orders_of(id, t))
}

/// A package's cash flows from `from_hour` on, oldest first (at most `limit`).
pub fn flows(state: &impl StateRead, id: PackageId, from_hour: u64, limit: usize) -> Result<Vec<Flow>, RwaError> {
    let prefix = keys::flows_of(id);
    let from = format!("{prefix}{from_hour:020}");
    Ok(state.scan::<Flow>(&prefix, &from, limit)?.into_iter().map(|(_, f)| f).collect())
}

/// A package's closed epochs from number `from` on, oldest first (at most `limit`).
pub fn epoch_records(
    state: &impl StateRead,
    id: PackageId,
    from: u64,
    limit: usize,
) -> Result<Vec<EpochRecord>, RwaError> {
    let prefix = keys::epochs_of(id);
    let from = format!("{prefix}{from:020}");
    Ok(state.scan::<EpochRecord>(&prefix, &from, limit)?.into_iter().map(|(_, e)| e).collect())
}

pub fn offer(state: &impl StateRead, id: u64) -> Result<Offer, RwaError> {
    state.get(&keys::offer(id))?.ok_or(RwaError::UnknownOffer(id))
}

fn offers_at(state: &impl StateRead, keys: Vec<String>) -> Result<Vec<Offer>, RwaError> {
    keys.into_iter()
        .map(|k| {
            let id = k.rsplit('/').next().and_then(|n| n.parse().ok());
            id.ok_or_else(|| RwaError::Corrupt(format!("key {k}"))).and_then(|id| offer(state, id))
        })
        .collect()
}

/// One side of a tranche's book in priority order (best price, then oldest), at most `limit`.
pub fn book_side(
    state: &impl StateRead,
    id: PackageId,
    tranche: u32,
    side: Side,
    limit: usize,
) -> Result<Vec<Offer>, RwaError> {
    let prefix = keys::book_side(id, tranche, side);
    offers_at(state, state.scan::<()>(&prefix, &prefix, limit)?.into_iter().map(|(k, _)| k).collect())
}

/// Every open offer of an address in one tranche, oldest first (at most the
/// tranche's `max_orders`, so the forced transfer that closes them sees them all).
pub fn offers_of(state: &impl StateRead, owner: &Address, id: PackageId, tranche: u32) -> Result<Vec<Offer>, RwaError> {
    let prefix = keys::owner_offers(owner, id, tranche);
    offers_at(state, state.prefix::<()>(&prefix)?.into_iter().map(|(k, _)| k).collect())
}

pub fn is_frozen(state: &impl StateRead, id: PackageId, who: &Address) -> Result<bool, RwaError> {
    Ok(state.get(&keys::frozen(id, who))?.is_some())
}

/// The account that holds a package's position NFTs and receives what they earn
/// until the hourly sweep: derived from the id, so no key signs for it.
pub fn custody(id: PackageId) -> Address {
    Address::for_module(&format!("rwa/package/{}", id.0))
}
