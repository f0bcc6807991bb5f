//! The only place lending keys are spelled.

use crate::params::LendingParams;
use crate::state::{Market, MarketId, MarketTotals, Pledge, Position};
use greenhour_primitives::Address;
use greenhour_state::Key;

pub fn params() -> Key<LendingParams> {
    Key::new("lending/params")
}
/// The id the next market gets.
pub fn next_market() -> Key<u64> {
    Key::new("lending/next_market")
}
pub const MARKET_PREFIX: &str = "lending/market/";
pub fn market(id: MarketId) -> Key<Market> {
    Key::new(format!("{MARKET_PREFIX}{:020}", id.0))
}
pub fn totals(id: MarketId) -> Key<MarketTotals> {
    Key::new(format!("lending/totals/{:020}", id.0))
}
pub const POSITION_PREFIX: &str = "lending/position/";
pub fn position(id: MarketId, owner: &Address) -> Key<Position> {
    Key::new(format!("{POSITION_PREFIX}{:020}/{}", id.0, owner.to_key_hex()))
}
pub fn positions_of_market(id: MarketId) -> String {
    format!("{POSITION_PREFIX}{:020}/", id.0)
}
/// Which market and borrower a pledged position NFT secures.
pub const PLEDGE_PREFIX: &str = "lending/pledge/";
pub fn pledge(serial: u64) -> Key<Pledge> {
    Key::new(format!("{PLEDGE_PREFIX}{serial:020}"))
}
/// The last UTC hour whose income the module swept into loans.
pub fn swept_hour() -> Key<u64> {
    Key::new("lending/swept_hour")
}
/// Positions holding slots of an hour, by hour first: the hourly sweep reads the
/// hours that have started and forgets their slots.
pub const SLOT_HOUR_PREFIX: &str = "lending/slot-hour/";
pub fn slot_hour(hour: u64, id: MarketId, owner: &Address) -> Key<()> {
    Key::new(format!("{SLOT_HOUR_PREFIX}{hour:020}/{:020}/{}", id.0, owner.to_key_hex()))
}
