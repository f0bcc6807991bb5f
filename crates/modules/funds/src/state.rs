//! Stored funds types and their readers.

use crate::params::FundsParams;
use crate::{keys, FundsError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, UnixSeconds};
use greenhour_rwa::PackageId;
use serde::{Deserialize, Serialize};

/// A fund's number.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct FundId(pub u64);

impl std::fmt::Display for FundId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

greenhour_framework::event_value_for_id!(FundId);

/// What a fund may buy (the article's funds).
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mandate {
    /// Any RWA package's tranches: green compute income in general.
    GreenCompute,
    /// Only packages issued after the fund was created: the fund finances new
    /// capacity instead of buying what exists.
    Future,
    /// Only the tranches the last passed governance proposal listed for the fund
    /// (`set_fund_mandate`): token holders decide what it may buy.
    Governed,
    /// Carbon coin (`ugco2`) bought with its cash by redeeming gUSD against the
    /// stable module's carbon branch, and no tranches: the article's ESG fund.
    Esg,
}

impl Mandate {
    pub fn name(self) -> &'static str {
        match self {
            Mandate::GreenCompute => "green_compute",
            Mandate::Future => "future",
            Mandate::Governed => "governed",
            Mandate::Esg => "esg",
        }
    }

    /// Whether the fund may subscribe to RWA tranches at all.
    pub fn buys_tranches(self) -> bool {
        self != Mandate::Esg
    }
}

/// The carbon coin an ESG fund holds (the carbon module's first pool).
pub fn carbon_coin() -> greenhour_primitives::Denom {
    greenhour_primitives::Denom::gco2()
}

/// A fund: gUSD from depositors, invested by its manager in RWA tranches under its mandate.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Fund {
    pub id: FundId,
    pub manager: Address,
    pub name: String,
    pub mandate: Mandate,
    /// A year's fee on the fund's assets, bps, taken as shares to the manager.
    pub management_fee_bps: u32,
    /// The share of gains above the high-water mark, bps, taken as shares.
    pub performance_fee_bps: u32,
    /// Only holders with a verified identity (the rwa registry) may hold shares.
    pub verified_only: bool,
    pub created_at: UnixSeconds,
}

/// A fund's running accounts.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct FundBook {
    /// Shares issued, including those waiting in redemption requests.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    /// Shares waiting in redemption requests (held by the fund until paid).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub queued_shares: u128,
    /// The highest price per share a performance fee was taken at (WAD).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub high_water_wad: u128,
    /// When fees were last accrued.
    pub fees_accrued_at: UnixSeconds,
    /// Fees taken so far, in gUSD at the time they were taken.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub fees_taken: u128,
    /// The next redemption request's number (requests are paid in this order).
    pub next_request: u64,
    /// Redemption requests waiting (counted here, so a new one checks the cap in O(1)).
    pub waiting_requests: u32,
    /// Tranches the fund holds or has orders in: `(package, tranche)`, ascending.
    pub holdings: Vec<(PackageId, u32)>,
}

/// A queued redemption (ERC-7540's requestRedeem): paid at the price when the
/// fund has the cash, oldest first.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Request {
    pub owner: Address,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub shares: u128,
    pub requested_at: UnixSeconds,
}

pub fn params(state: &impl StateRead) -> Result<FundsParams, FundsError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn fund(state: &impl StateRead, id: FundId) -> Result<Fund, FundsError> {
    state.get(&keys::fund(id))?.ok_or(FundsError::UnknownFund(id))
}

pub fn funds(state: &impl StateRead) -> Result<Vec<Fund>, FundsError> {
    Ok(state.prefix::<Fund>(keys::FUND_PREFIX)?.into_iter().map(|(_, f)| f).collect())
}

/// The tranches governance approved for a governed fund, ascending (empty until a
/// proposal sets them).
pub fn approved(state: &impl StateRead, id: FundId) -> Result<Vec<(PackageId, u32)>, FundsError> {
    Ok(state.get(&keys::mandate(id))?.unwrap_or_default())
}

pub fn book(state: &impl StateRead, id: FundId) -> Result<FundBook, FundsError> {
    Ok(state.get(&keys::book(id))?.unwrap_or_default())
}

pub fn shares_of(state: &impl StateRead, id: FundId, holder: &Address) -> Result<u128, FundsError> {
    Ok(state.get(&keys::shares(id, holder))?.unwrap_or(0))
}

/// Every shareholder of a fund, in key order.
pub fn shareholders(state: &impl StateRead, id: FundId) -> Result<Vec<(Address, u128)>, FundsError> {
    let prefix = keys::shares_of(id);
    state
        .prefix::<u128>(&prefix)?
        .into_iter()
        .map(|(k, v)| {
            Address::from_key_hex(&k[prefix.len()..])
                .map(|a| (a, v))
                .ok_or_else(|| FundsError::Corrupt(format!("key {k}")))
        })
        .collect()
}

/// A fund's queued redemptions, oldest first (at most `limit`).
pub fn requests(state: &impl StateRead, id: FundId, limit: usize) -> Result<Vec<(u64, Request)>, FundsError> {
    let prefix = keys::requests_of(id);
    state
        .scan::<Request>(&prefix, &prefix, limit)?
        .into_iter()
        .map(|(k, r)| k[prefix.len()..].parse().map(|n| (n, r)).map_err(|_| FundsError::Corrupt(format!("key {k}"))))
        .collect()
}

/// The account that holds a fund's gUSD and is the holder of its tranche units
/// (the identity a KYC provider verifies): derived from the id, so no key signs for it.
pub fn custody(id: FundId) -> Address {
    Address::for_module(&format!("funds/fund/{}", id.0))
}
