//! The only place stable keys are spelled.

use crate::params::StableParams;
use crate::state::{Branch, DenomAmount, Deposit, DirectDeposit, Pool, Redemptions, Vault, VaultId};
use greenhour_primitives::{Address, Denom};
use greenhour_state::Key;

pub fn params() -> Key<StableParams> {
    Key::new("stable/params")
}
/// gUSD that existed before vaults (the devnet's genesis gUSD): supply − Σ debt.
pub fn legacy_supply() -> Key<u128> {
    Key::new("stable/legacy_supply")
}
pub fn next_vault() -> Key<u64> {
    Key::new("stable/next_vault")
}
pub const VAULT_PREFIX: &str = "stable/vault/";
pub fn vault(id: VaultId) -> Key<Vault> {
    Key::new(format!("{VAULT_PREFIX}{:020}", id.0))
}
/// Vaults with debt by branch and rate, lowest first: the redemption order.
pub fn by_rate_of(denom: &Denom) -> String {
    format!("stable/by_rate/{denom}/")
}
pub fn by_rate(denom: &Denom, rate_bps: u32, id: VaultId) -> Key<()> {
    Key::new(format!("stable/by_rate/{denom}/{rate_bps:010}/{:020}", id.0))
}
pub fn by_owner_of(owner: &Address) -> String {
    format!("stable/by_owner/{}/", owner.to_key_hex())
}
pub fn by_owner(owner: &Address, id: VaultId) -> Key<()> {
    Key::new(format!("stable/by_owner/{}/{:020}", owner.to_key_hex(), id.0))
}
pub const BRANCH_PREFIX: &str = "stable/branch/";
pub fn branch(denom: &Denom) -> Key<Branch> {
    Key::new(format!("{BRANCH_PREFIX}{denom}"))
}
pub fn pool() -> Key<Pool> {
    Key::new("stable/pool")
}
pub const DEPOSIT_PREFIX: &str = "stable/deposit/";
pub fn deposit(owner: &Address) -> Key<Deposit> {
    Key::new(format!("{DEPOSIT_PREFIX}{}", owner.to_key_hex()))
}
/// The collateral gains per share an ended pool epoch closed with.
pub fn epoch_gains(epoch: u64) -> Key<Vec<DenomAmount>> {
    Key::new(format!("stable/epoch_gains/{epoch:020}"))
}
pub fn redemptions() -> Key<Redemptions> {
    Key::new("stable/redemptions")
}
pub const DIRECT_PREFIX: &str = "stable/direct/";
pub fn direct(market: u64) -> Key<DirectDeposit> {
    Key::new(format!("{DIRECT_PREFIX}{market:020}"))
}
/// The chain hour the direct deposits were last rebalanced in.
pub fn direct_hour() -> Key<u64> {
    Key::new("stable/direct_hour")
}
