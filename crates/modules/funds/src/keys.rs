//! The only place funds keys are spelled.

use crate::params::FundsParams;
use crate::state::{Fund, FundBook, FundId, Request};
use greenhour_primitives::Address;
use greenhour_rwa::PackageId;
use greenhour_state::Key;

pub fn params() -> Key<FundsParams> {
    Key::new("funds/params")
}
pub fn next_fund() -> Key<u64> {
    Key::new("funds/next_fund")
}
pub const FUND_PREFIX: &str = "funds/fund/";
pub fn fund(id: FundId) -> Key<Fund> {
    Key::new(format!("{FUND_PREFIX}{:020}", id.0))
}
/// A fund's running accounts: shares, the queue, fees, what it holds.
pub fn book(id: FundId) -> Key<FundBook> {
    Key::new(format!("funds/book/{:020}", id.0))
}
/// The tranches a governed fund may buy, as the last passed proposal listed them.
pub fn mandate(id: FundId) -> Key<Vec<(PackageId, u32)>> {
    Key::new(format!("funds/mandate/{:020}", id.0))
}
pub fn shares_of(id: FundId) -> String {
    format!("funds/shares/{:020}/", id.0)
}
pub fn shares(id: FundId, holder: &Address) -> Key<u128> {
    Key::new(format!("{}{}", shares_of(id), holder.to_key_hex()))
}
pub fn requests_of(id: FundId) -> String {
    format!("funds/request/{:020}/", id.0)
}
pub fn request(id: FundId, number: u64) -> Key<Request> {
    Key::new(format!("{}{number:020}", requests_of(id)))
}
/// The last chain hour the funds' payouts were collected and their queues paid.
pub fn tended_hour() -> Key<u64> {
    Key::new("funds/tended_hour")
}
