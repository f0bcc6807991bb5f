//! The only place bank keys are spelled.

use crate::params::ModuleAccount;
use greenhour_primitives::{Address, Amount, Denom};
use greenhour_state::Key;

pub const BALANCE_PREFIX: &str = "bank/balance/";
pub const SUPPLY_PREFIX: &str = "bank/supply/";
pub const MODULE_PREFIX: &str = "bank/module/";

// Addresses in keys are lower-case hex (`Address::to_key_hex`), not bech32: a swap
// spells a dozen balance keys, and bech32's checksum made that half its cost.

/// Balance of one denom held by one address. Absent means zero.
pub fn balance(owner: &Address, denom: &Denom) -> Key<Amount> {
    Key::new(format!("{BALANCE_PREFIX}{}/{denom}", owner.to_key_hex()))
}

/// Prefix of all balances of one address.
pub fn balances_of(owner: &Address) -> String {
    format!("{BALANCE_PREFIX}{}/", owner.to_key_hex())
}

/// Total supply of a denom. Absent means zero.
pub fn supply(denom: &Denom) -> Key<Amount> {
    Key::new(format!("{SUPPLY_PREFIX}{denom}"))
}

/// A module account and its permissions.
pub fn module_account(name: &str) -> Key<ModuleAccount> {
    Key::new(format!("{MODULE_PREFIX}{name}"))
}

/// Marks an address as a module account (users may not send to it).
pub fn module_address(address: &Address) -> Key<String> {
    Key::new(format!("bank/module-address/{}", address.to_key_hex()))
}

pub const PERISHABLE_PREFIX: &str = "bank/perishable/";

/// Issuer rules of a perishable denom.
pub fn perishable(denom: &Denom) -> Key<crate::state::PerishableDenom> {
    Key::new(format!("{PERISHABLE_PREFIX}{denom}"))
}

/// Holders of a perishable denom (value: unit), so the issuer can burn them all
/// without scanning every account.
pub fn holder(denom: &Denom, owner: &Address) -> Key<()> {
    Key::new(format!("bank/holder/{denom}/{}", owner.to_key_hex()))
}
pub fn holders_of(denom: &Denom) -> String {
    format!("bank/holder/{denom}/")
}

/// Splits a balance key back into `(owner, denom)`.
pub fn parse_balance_key(key: &str) -> Option<(Address, Denom)> {
    let rest = key.strip_prefix(BALANCE_PREFIX)?;
    let (owner, denom) = rest.split_once('/')?;
    Some((Address::from_key_hex(owner)?, denom.parse().ok()?))
}
