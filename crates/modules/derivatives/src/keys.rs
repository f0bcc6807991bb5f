//! The only place derivatives keys are spelled.

use crate::params::DerivativesParams;
use crate::state::{Account, Insurance, Order, OrderId, Position, Registry, Series, SeriesId, Side};
use greenhour_primitives::Address;
use greenhour_state::Key;

pub fn params() -> Key<DerivativesParams> {
    Key::new("derivatives/params")
}
pub fn registry() -> Key<Registry> {
    Key::new("derivatives/registry")
}
pub fn insurance() -> Key<Insurance> {
    Key::new("derivatives/insurance")
}
pub const SERIES_PREFIX: &str = "derivatives/series/";
pub fn series(id: SeriesId) -> Key<Series> {
    Key::new(format!("{SERIES_PREFIX}{id:020}"))
}
/// One series per instrument: its name points at its id.
pub fn instrument(name: &str) -> Key<SeriesId> {
    Key::new(format!("derivatives/instrument/{name}"))
}
/// Series still trading or waiting to settle: the hourly sweep reads only these.
pub const LIVE_PREFIX: &str = "derivatives/live/";
pub fn live(id: SeriesId) -> Key<()> {
    Key::new(format!("{LIVE_PREFIX}{id:020}"))
}
pub const ACCOUNT_PREFIX: &str = "derivatives/account/";
pub fn account(owner: &Address) -> Key<Account> {
    Key::new(format!("{ACCOUNT_PREFIX}{}", owner.to_key_hex()))
}
pub const POSITION_PREFIX: &str = "derivatives/position/";
/// An owner's positions, one key per series: a margin check reads this prefix.
pub fn positions_of(owner: &Address) -> String {
    format!("{POSITION_PREFIX}{}/", owner.to_key_hex())
}
pub fn position(owner: &Address, series: SeriesId) -> Key<Position> {
    Key::new(format!("{}{series:020}", positions_of(owner)))
}
pub const ORDER_PREFIX: &str = "derivatives/order/";
pub fn order(id: OrderId) -> Key<Order> {
    Key::new(format!("{ORDER_PREFIX}{id:020}"))
}
pub fn orders_of(owner: &Address) -> String {
    format!("derivatives/orders_of/{}/", owner.to_key_hex())
}
pub fn owner_order(owner: &Address, id: OrderId) -> Key<()> {
    Key::new(format!("{}{id:020}", orders_of(owner)))
}
/// A series' book: one prefix per side, ordered best price first, then by time
/// (order ids rise): asks by price, bids by `u128::MAX − price`.
pub fn book(series: SeriesId) -> String {
    format!("derivatives/book/{series:020}/")
}
pub fn book_side(series: SeriesId, side: Side) -> String {
    let s = match side {
        Side::Buy => "bid",
        Side::Sell => "ask",
    };
    format!("{}{s}/", book(series))
}
pub fn book_entry(series: SeriesId, side: Side, price: u128, id: OrderId) -> Key<()> {
    let rank = match side {
        Side::Buy => u128::MAX - price,
        Side::Sell => price,
    };
    Key::new(format!("{}{rank:039}/{id:020}", book_side(series, side)))
}
