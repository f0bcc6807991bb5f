//! Stored lending types and their readers.

use crate::params::LendingParams;
use crate::{keys, LendingError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::DeviceClass;
use greenhour_framework::StateRead;
use greenhour_primitives::{Address, Denom, UnixSeconds};
use serde::{Deserialize, Serialize};

/// A market's number.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MarketId(pub u64);

impl std::fmt::Display for MarketId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

greenhour_framework::event_value_for_id!(MarketId);

/// What secures a market's loans.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Collateral {
    /// A fungible token, priced by an oracle feed whose value is the price of one
    /// unit in loan units, WAD (`1.5e18` = 1.5 loan units per collateral unit).
    Token { denom: Denom, feed: String },
    /// Position NFTs of a device class: each is worth the index price of its class ×
    /// its future pledged hours still unsold × its device's uptime and green-share
    /// factor, and its loan-to-value limit decays to 0 at its last hour's end.
    Positions { class: DeviceClass },
    /// Hour-slot tokens of a device class (`slot/{class}/{hour}`), any hours: each
    /// is worth the index price of its class until its hour starts, and its
    /// loan-to-value limit decays to 0 at that start.
    Slots { class: DeviceClass },
}

impl Collateral {
    pub fn name(&self) -> String {
        match self {
            Collateral::Token { denom, .. } => denom.to_string(),
            Collateral::Positions { class } => format!("positions/{}", greenhour_pools::api::class_name(*class)),
            Collateral::Slots { class } => format!("slots/{}", greenhour_pools::api::class_name(*class)),
        }
    }
}

/// An isolated market: one loan denom against one collateral at one
/// loan-to-value limit (Morpho Blue's `MarketParams`; the oracle is part of the
/// collateral, the rate model is the chain's one).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Market {
    pub id: MarketId,
    pub loan: Denom,
    pub collateral: Collateral,
    /// Liquidation loan-to-value, WAD: a loan is healthy while its debt is at most
    /// the collateral's value times this.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub lltv_wad: u128,
    pub creator: Address,
    pub created_at: UnixSeconds,
}

/// A market's totals, brought up to `last_update` (Morpho's `Market` struct).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct MarketTotals {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub supply_assets: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub supply_shares: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub borrow_assets: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub borrow_shares: u128,
    pub last_update: UnixSeconds,
    /// The rate model's state: the borrow rate at target utilisation, per second, WAD
    /// (0 until the first accrual).
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub rate_at_target_wad: u128,
    /// Debt written off when collateral ran out, spread over suppliers, since creation.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub bad_debt: u128,
    /// Debt repaid from pledged NFTs' own income (slot sales, settlements) since
    /// creation: the self-repaying loans at work.
    #[serde(default, with = "greenhour_primitives::amount_serde")]
    pub income_repaid: u128,
}

/// One account's place in one market (Morpho's `Position`), plus the position
/// NFTs it pledged.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Position {
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub supply_shares: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub borrow_shares: u128,
    /// Token collateral, in the collateral denom's units.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub collateral: u128,
    /// Serials of pledged position NFTs, ascending.
    pub pledged: Vec<u64>,
    /// Hour-slot tokens held as collateral, by hour, ascending (no zero quantities).
    #[serde(default)]
    pub slots: Vec<SlotHolding>,
}

/// Slot tokens of one hour held as a position's collateral.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct SlotHolding {
    pub hour: u64,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub quantity: u128,
}

impl Position {
    pub fn is_empty(&self) -> bool {
        self.supply_shares == 0 && self.borrow_shares == 0 && !self.has_collateral()
    }
    pub fn has_collateral(&self) -> bool {
        self.collateral > 0 || !self.pledged.is_empty() || !self.slots.is_empty()
    }
    /// Slots of `hour` held, 0 when none.
    pub fn slots_of(&self, hour: u64) -> u128 {
        self.slots.iter().find(|s| s.hour == hour).map_or(0, |s| s.quantity)
    }
    /// Adds (or with a negative `delta`, removes) slots of `hour`, keeping the list
    /// sorted and free of zeros. `None` when removing more than held or on overflow.
    pub fn change_slots(&mut self, hour: u64, delta: i128) -> Option<()> {
        let i = self.slots.partition_point(|s| s.hour < hour);
        let held = self.slots.get(i).filter(|s| s.hour == hour).map_or(0, |s| s.quantity);
        let after = if delta >= 0 { held.checked_add(delta as u128)? } else { held.checked_sub(delta.unsigned_abs())? };
        match (held > 0, after > 0) {
            (true, true) => self.slots[i].quantity = after,
            (true, false) => {
                self.slots.remove(i);
            }
            (false, true) => self.slots.insert(i, SlotHolding { hour, quantity: after }),
            (false, false) => {}
        }
        Some(())
    }
}

/// Which loan a pledged position NFT secures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Pledge {
    pub market: MarketId,
    pub borrower: Address,
}

pub fn params(state: &impl StateRead) -> Result<LendingParams, LendingError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn market(state: &impl StateRead, id: MarketId) -> Result<Market, LendingError> {
    state.get(&keys::market(id))?.ok_or(LendingError::UnknownMarket(id))
}

/// Every market, in id order.
pub fn markets(state: &impl StateRead) -> Result<Vec<Market>, LendingError> {
    Ok(state.prefix::<Market>(keys::MARKET_PREFIX)?.into_iter().map(|(_, m)| m).collect())
}

/// The stored totals (not accrued: see `handler::accrued`).
pub fn stored_totals(state: &impl StateRead, id: MarketId) -> Result<MarketTotals, LendingError> {
    Ok(state.get(&keys::totals(id))?.unwrap_or_default())
}

pub fn position(state: &impl StateRead, id: MarketId, owner: &Address) -> Result<Position, LendingError> {
    Ok(state.get(&keys::position(id, owner))?.unwrap_or_default())
}

/// Every position of a market with its owner, in owner order.
pub fn positions(state: &impl StateRead, id: MarketId) -> Result<Vec<(Address, Position)>, LendingError> {
    let prefix = keys::positions_of_market(id);
    state
        .prefix::<Position>(&prefix)?
        .into_iter()
        .map(|(key, p)| {
            let owner = Address::from_key_hex(&key[prefix.len()..])
                .ok_or_else(|| LendingError::Corrupt(format!("position key {key}")))?;
            Ok((owner, p))
        })
        .collect()
}

pub fn pledge(state: &impl StateRead, serial: u64) -> Result<Option<Pledge>, LendingError> {
    Ok(state.get(&keys::pledge(serial))?)
}

/// Every pledge, by serial.
pub fn pledges(state: &impl StateRead) -> Result<Vec<(u64, Pledge)>, LendingError> {
    state
        .prefix::<Pledge>(keys::PLEDGE_PREFIX)?
        .into_iter()
        .map(|(key, p)| {
            let serial = key[keys::PLEDGE_PREFIX.len()..]
                .parse()
                .map_err(|_| LendingError::Corrupt(format!("pledge key {key}")))?;
            Ok((serial, p))
        })
        .collect()
}

/// The account that holds a pledged position NFT and receives what it earns until
/// the module sweeps it into the loan: derived from the serial, so no key signs for it.
pub fn escrow(serial: u64) -> Address {
    Address::for_module(&format!("lending/escrow/{serial}"))
}
