//! The only place carbon keys are spelled. Numbers are zero-padded so that
//! prefix scans return them in numeric order; addresses are lower-case hex
//! (`Address::to_key_hex`), cheaper to spell than bech32.

use crate::params::CarbonParams;
use crate::state::{Bundle, Claim, CreditBatch, CreditPool, HourUsage, Retirement};
use crate::CarbonError;
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, UnixSeconds};
use greenhour_state::Key;

pub const BUNDLE_PREFIX: &str = "carbon/bundle/";
pub const EXPIRY_PREFIX: &str = "carbon/expiry/";
pub const CLAIM_PREFIX: &str = "carbon/claim/";
pub const CREDIT_PREFIX: &str = "carbon/credit/";
pub const POOL_PREFIX: &str = "carbon/pool/";
pub const RETIREMENT_PREFIX: &str = "carbon/retirement/";
pub const SERIAL_PREFIX: &str = "carbon/serial/";

pub fn params() -> Key<CarbonParams> {
    Key::new("carbon/params")
}
/// The first certificate id of the next issued range.
pub fn next_id() -> Key<u64> {
    Key::new("carbon/next-id")
}
/// A bundle, by its first id.
pub fn bundle(first: u64) -> Key<Bundle> {
    Key::new(format!("{BUNDLE_PREFIX}{first:020}"))
}
/// Bundles an account holds or last held (value: unit).
pub fn by_owner(owner: &Address, first: u64) -> Key<()> {
    Key::new(format!("carbon/by-owner/{}/{first:020}", owner.to_key_hex()))
}
pub fn by_owner_prefix(owner: &Address) -> String {
    format!("carbon/by-owner/{}/", owner.to_key_hex())
}
/// Bundles produced by a device in a UTC hour (value: unit).
pub fn by_device_hour(device: DeviceId, hour: u64, first: u64) -> Key<()> {
    Key::new(format!("carbon/by-device/{:020}/{hour:012}/{first:020}", device.0))
}
pub fn by_device_hour_prefix(device: DeviceId, hour: u64) -> String {
    format!("carbon/by-device/{:020}/{hour:012}/", device.0)
}
pub fn by_device_prefix(device: DeviceId) -> String {
    format!("carbon/by-device/{:020}/", device.0)
}
/// A device's charging bundles locked in storage, oldest first (value: unit).
pub fn stored(device: DeviceId, first: u64) -> Key<()> {
    Key::new(format!("carbon/stored/{:020}/{first:020}", device.0))
}
pub fn stored_prefix(device: DeviceId) -> String {
    format!("carbon/stored/{:020}/", device.0)
}
/// A live bundle's expiry time (value: unit); the sweep reads from the front.
pub fn expiry(at: UnixSeconds, first: u64) -> Key<()> {
    Key::new(format!("{EXPIRY_PREFIX}{at:020}/{first:020}"))
}
pub fn claim(receipt: u64) -> Key<Claim> {
    Key::new(format!("{CLAIM_PREFIX}{receipt:020}"))
}
pub fn claims_by(claimant: &Address, receipt: u64) -> Key<()> {
    Key::new(format!("carbon/claims-by/{}/{receipt:020}", claimant.to_key_hex()))
}
pub fn claims_by_prefix(claimant: &Address) -> String {
    format!("carbon/claims-by/{}/", claimant.to_key_hex())
}
/// An account's consumption and claims in one UTC hour.
pub fn usage(account: &Address, hour: u64) -> Key<HourUsage> {
    Key::new(usage_key_text(account, hour))
}
pub fn usage_key_text(account: &Address, hour: u64) -> String {
    format!("carbon/usage/{}/{hour:012}", account.to_key_hex())
}
pub fn usage_prefix(account: &Address) -> String {
    format!("carbon/usage/{}/", account.to_key_hex())
}
pub fn next_credit() -> Key<u64> {
    Key::new("carbon/next-credit")
}
pub fn credit(id: u64) -> Key<CreditBatch> {
    Key::new(format!("{CREDIT_PREFIX}{id:020}"))
}
/// Registry serial → batch id: a serial is bridged at most once, ever.
pub fn serial(registry: &str, serial: &str) -> Key<u64> {
    Key::new(format!("{SERIAL_PREFIX}{registry}/{serial}"))
}
pub fn next_pool() -> Key<u64> {
    Key::new("carbon/next-pool")
}
pub fn pool(id: u64) -> Key<CreditPool> {
    Key::new(format!("{POOL_PREFIX}{id:010}"))
}
/// Grams of a batch a pool holds.
pub fn holding(pool: u64, batch: u64) -> Key<u128> {
    Key::new(format!("carbon/holding/{pool:010}/{batch:020}"))
}
pub fn holding_prefix(pool: u64) -> String {
    format!("carbon/holding/{pool:010}/")
}
pub fn retirement(receipt: u64) -> Key<Retirement> {
    Key::new(format!("{RETIREMENT_PREFIX}{receipt:020}"))
}

/// The number after a key's last `/`.
pub fn trailing_id(key: &str) -> Result<u64, CarbonError> {
    key.rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| CarbonError::Accounting(format!("key {key} does not end in a number")))
}

/// `(time, first id)` of an expiry key.
pub fn parse_expiry(key: &[u8]) -> Option<(UnixSeconds, u64)> {
    let rest = std::str::from_utf8(key).ok()?.strip_prefix(EXPIRY_PREFIX)?;
    let (at, first) = rest.split_once('/')?;
    Some((at.parse().ok()?, first.parse().ok()?))
}
