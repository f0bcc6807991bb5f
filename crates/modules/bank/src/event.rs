use greenhour_primitives::{Address, Coin};
use greenhour_state::Event;

pub fn transfer(from: &Address, to: &Address, coin: &Coin) -> Event {
    Event::new("bank.transfer").attr("from", from).attr("to", to).attr("amount", coin)
}
/// Coins are listed comma-separated (`2slot/home/5,2slot/home/6`), as Cosmos does.
pub fn mint(module: &str, to: &Address, coins: &[Coin]) -> Event {
    let amount = coins.iter().map(Coin::to_string).collect::<Vec<_>>().join(",");
    Event::new("bank.mint").attr("module", module).attr("to", to).attr("amount", amount)
}
pub fn burn(module: &str, from: &Address, coin: &Coin) -> Event {
    Event::new("bank.burn").attr("module", module).attr("from", from).attr("amount", coin)
}
/// Every unit of a perishable denom was burned from all holders.
pub fn perished(module: &str, coin: &Coin) -> Event {
    Event::new("bank.perished").attr("module", module).attr("amount", coin)
}
