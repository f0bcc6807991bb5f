//! The only place rwa keys are spelled.

use crate::params::RwaParams;
use crate::state::{
    EpochRecord, Flow, Holding, Identity, Offer, Order, Package, PackageBook, PackageId, Side, Tranche,
};
use greenhour_primitives::Address;
use greenhour_state::Key;

pub fn params() -> Key<RwaParams> {
    Key::new("rwa/params")
}
pub const IDENTITY_PREFIX: &str = "rwa/identity/";
pub fn identity(subject: &Address) -> Key<Identity> {
    Key::new(format!("{IDENTITY_PREFIX}{}", subject.to_key_hex()))
}
pub fn next_package() -> Key<u64> {
    Key::new("rwa/next_package")
}
pub const PACKAGE_PREFIX: &str = "rwa/package/";
pub fn package(id: PackageId) -> Key<Package> {
    Key::new(format!("{PACKAGE_PREFIX}{:020}", id.0))
}
/// A package's running accounts: reserve, cash owed out, the epoch, cash-flow totals.
pub fn book(id: PackageId) -> Key<PackageBook> {
    Key::new(format!("rwa/book/{:020}", id.0))
}
pub fn tranche(id: PackageId, tranche: u32) -> Key<Tranche> {
    Key::new(format!("rwa/tranche/{:020}/{tranche:02}", id.0))
}
pub fn holdings_of(id: PackageId, tranche: u32) -> String {
    format!("rwa/holding/{:020}/{tranche:02}/", id.0)
}
pub fn holding(id: PackageId, tranche: u32, holder: &Address) -> Key<Holding> {
    Key::new(format!("{}{}", holdings_of(id, tranche), holder.to_key_hex()))
}
pub fn orders_of(id: PackageId, tranche: u32) -> String {
    format!("rwa/order/{:020}/{tranche:02}/", id.0)
}
pub fn order(id: PackageId, tranche: u32, investor: &Address) -> Key<Order> {
    Key::new(format!("{}{}", orders_of(id, tranche), investor.to_key_hex()))
}
pub const FROZEN_PREFIX: &str = "rwa/frozen/";
pub fn frozen(id: PackageId, who: &Address) -> Key<()> {
    Key::new(format!("{FROZEN_PREFIX}{:020}/{}", id.0, who.to_key_hex()))
}
pub fn frozen_of(id: PackageId) -> String {
    format!("{FROZEN_PREFIX}{:020}/", id.0)
}
/// The last chain hour whose income was swept into the packages' waterfalls.
pub fn swept_hour() -> Key<u64> {
    Key::new("rwa/swept_hour")
}
/// A package's hourly cash flows, by hour (the report's history).
pub fn flows_of(id: PackageId) -> String {
    format!("rwa/flow/{:020}/", id.0)
}
pub fn flow(id: PackageId, hour: u64) -> Key<Flow> {
    Key::new(format!("{}{hour:020}", flows_of(id)))
}
/// A package's closed epochs, by number.
pub fn epochs_of(id: PackageId) -> String {
    format!("rwa/epoch/{:020}/", id.0)
}
pub fn epoch_record(id: PackageId, epoch: u64) -> Key<EpochRecord> {
    Key::new(format!("{}{epoch:020}", epochs_of(id)))
}
pub fn next_offer() -> Key<u64> {
    Key::new("rwa/next_offer")
}
pub fn offer(id: u64) -> Key<Offer> {
    Key::new(format!("rwa/offer/{id:020}"))
}
/// One side of a tranche's book, in priority order: asks by price ascending, bids
/// by price descending (stored as `u128::MAX − price`), then by offer number.
pub fn book_side(id: PackageId, tranche: u32, side: Side) -> String {
    format!("rwa/offers/{:020}/{tranche:02}/{}/", id.0, side.name())
}
pub fn book_entry(id: PackageId, tranche: u32, side: Side, price_wad: u128, offer: u64) -> Key<()> {
    let rank = match side {
        Side::Sell => price_wad,
        Side::Buy => u128::MAX - price_wad,
    };
    Key::new(format!("{}{rank:039}/{offer:020}", book_side(id, tranche, side)))
}
/// An owner's open offers in one tranche (what the agent's forced transfer closes).
pub fn owner_offers(owner: &Address, id: PackageId, tranche: u32) -> String {
    format!("rwa/offers_of/{}/{:020}/{tranche:02}/", owner.to_key_hex(), id.0)
}
pub fn owner_offer(owner: &Address, id: PackageId, tranche: u32, offer: u64) -> Key<()> {
    Key::new(format!("{}{offer:020}", owner_offers(owner, id, tranche)))
}
