//! The only place devices keys are spelled. Numbers are zero-padded so that
//! prefix scans return them in numeric order.

use crate::params::DevicesParams;
use crate::state::{Device, DeviceId, StoredReport, TelemetryTotals};
use greenhour_crypto::PublicKey;
use greenhour_primitives::{Address, Hash, UnixSeconds};
use greenhour_state::Key;

pub const DEVICE_PREFIX: &str = "devices/device/";
pub const REPORT_PREFIX: &str = "devices/report/";

pub fn params() -> Key<DevicesParams> {
    Key::new("devices/params")
}
/// The id the next registered device gets.
pub fn next_id() -> Key<u64> {
    Key::new("devices/next_id")
}
pub fn device(id: DeviceId) -> Key<Device> {
    Key::new(format!("{DEVICE_PREFIX}{:020}", id.0))
}
/// Device keys ever registered (retired ones too) → device id.
pub fn by_key(key: &PublicKey) -> Key<DeviceId> {
    Key::new(format!("devices/by-key/{key}"))
}
/// Index of an owner's devices (value: unit).
pub fn by_owner(owner: &Address, id: DeviceId) -> Key<()> {
    Key::new(format!("devices/by-owner/{owner}/{:020}", id.0))
}
pub fn by_owner_prefix(owner: &Address) -> String {
    format!("devices/by-owner/{owner}/")
}
/// Index of the devices in a location cell (value: unit).
pub fn by_cell(cell: &str, id: DeviceId) -> Key<()> {
    Key::new(format!("devices/by-cell/{cell}/{:020}", id.0))
}
pub fn by_cell_prefix(cell: &str) -> String {
    format!("devices/by-cell/{cell}/")
}
/// An accepted report, by device and interval start.
pub fn report(id: DeviceId, start: UnixSeconds) -> Key<StoredReport> {
    Key::new(report_key_text(id, start))
}
pub fn report_key_text(id: DeviceId, start: UnixSeconds) -> String {
    format!("{REPORT_PREFIX}{:020}/{start:020}", id.0)
}
pub fn reports_of(id: DeviceId) -> String {
    format!("{REPORT_PREFIX}{:020}/", id.0)
}
/// Report hash → (device, interval start).
pub fn report_hash(hash: &Hash) -> Key<(DeviceId, UnixSeconds)> {
    Key::new(format!("devices/report-hash/{hash}"))
}
/// What a report hash was used for (at most one use).
pub fn report_use(hash: &Hash) -> Key<String> {
    Key::new(format!("devices/report-use/{hash}"))
}
/// A device's running telemetry totals just before its first report of UTC day
/// `day` (= Unix seconds / 86,400); present only for days it reported.
pub fn day_start(id: DeviceId, day: u64) -> Key<TelemetryTotals> {
    Key::new(format!("devices/day-start/{:020}/{day:010}", id.0))
}
pub fn day_starts_of(id: DeviceId) -> String {
    format!("devices/day-start/{:020}/", id.0)
}
/// Present while the device is a pool member (value: unit).
pub fn pool_lock(id: DeviceId) -> Key<()> {
    Key::new(format!("devices/pool-lock/{:020}", id.0))
}
