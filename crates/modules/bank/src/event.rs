//! Events: every movement, creation and destruction of coins is one.

use greenhour_primitives::{Address, Coin};
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the bank announces.
    pub enum BankEvent in "bank" {
        /// Coins moved between two accounts.
        Transfer = "transfer" { from: Address, to: Address, amount: Coin },
        /// A module created coins (listed comma-separated, as Cosmos does).
        Mint = "mint" { module: String, to: Address, amount: Vec<Coin> },
        /// A module destroyed coins it held.
        Burn = "burn" { module: String, from: Address, amount: Coin },
        /// Every unit of a perishable denom was burned from all holders.
        Perished = "perished" { module: String, amount: Coin },
    }
}

pub fn transfer(from: &Address, to: &Address, coin: &Coin) -> Event {
    BankEvent::Transfer { from: *from, to: *to, amount: coin.clone() }.into()
}
pub fn mint(module: &str, to: &Address, coins: &[Coin]) -> Event {
    BankEvent::Mint { module: module.into(), to: *to, amount: coins.to_vec() }.into()
}
pub fn burn(module: &str, from: &Address, coin: &Coin) -> Event {
    BankEvent::Burn { module: module.into(), from: *from, amount: coin.clone() }.into()
}
pub fn perished(module: &str, coin: &Coin) -> Event {
    BankEvent::Perished { module: module.into(), amount: coin.clone() }.into()
}
