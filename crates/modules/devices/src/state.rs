//! Device and report records, and the only code that reads or writes devices keys.

use crate::{keys, DevicesError, DevicesParams};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::PublicKey;
use greenhour_primitives::{Address, Hash, Height, UnixSeconds};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Sequential device number.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
pub struct DeviceId(pub u64);

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// What kind of site a device is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum DeviceClass {
    /// A home ("2C") box: rooftop PV, battery, EV charger, a GPU or two.
    Home,
    /// A small commercial ("2B") site.
    Regional,
    /// A small green data centre.
    Datacentre,
    /// A converted bitcoin-mining site.
    BtcMiner,
}

/// A geohash cell (1–12 characters of the geohash alphabet): the device's
/// distributed address; pools may cap how many devices one cell holds.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocationCell(String);

const GEOHASH_ALPHABET: &[u8] = b"0123456789bcdefghjkmnpqrstuvwxyz";

impl LocationCell {
    pub fn new(cell: impl Into<String>) -> Result<Self, DevicesError> {
        let cell = cell.into();
        if Self::valid(&cell) {
            Ok(LocationCell(cell))
        } else {
            Err(DevicesError::InvalidCell(cell))
        }
    }
    fn valid(cell: &str) -> bool {
        (1..=12).contains(&cell.len()) && cell.bytes().all(|b| GEOHASH_ALPHABET.contains(&b))
    }
    /// True when the cell obeys the rules of [`LocationCell::new`] (borsh decoding does not check).
    pub fn is_valid(&self) -> bool {
        Self::valid(&self.0)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LocationCell {
    type Error = DevicesError;
    fn try_from(s: String) -> Result<Self, DevicesError> {
        LocationCell::new(s)
    }
}
impl From<LocationCell> for String {
    fn from(c: LocationCell) -> String {
        c.0
    }
}

/// What a device can do at most.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Nameplate {
    /// PV peak power, W.
    pub pv_w: u64,
    /// Usable battery capacity, Wh.
    pub battery_wh: u64,
    /// Battery charge/discharge power limit, W.
    pub battery_max_w: u64,
    /// EV charger power, W.
    pub charger_w: u64,
    pub gpu_model: String,
    pub gpu_count: u32,
    /// Thermal design power of one GPU, W.
    pub gpu_tdp_w: u32,
}

/// Where a device is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeviceStatus {
    /// Reports and (later) pledges are accepted.
    Active,
    /// Temporarily out: reports are refused until resumed.
    Suspended,
    /// Gone for good; its key stays reserved.
    Retired,
}

/// A registered device.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Device {
    pub id: DeviceId,
    pub owner: Address,
    /// The key that signs the device's telemetry.
    pub key: PublicKey,
    pub class: DeviceClass,
    pub cell: LocationCell,
    pub nameplate: Nameplate,
    pub status: DeviceStatus,
    pub registered_at: Height,
    /// End of the last accepted report's interval.
    pub last_report_end: Option<UnixSeconds>,
    pub reports: u64,
    /// Lifetime Wh charged into the battery, and the part of it that came from PV:
    /// the mix used to call battery discharge green.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub charged_wh: u128,
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub charged_from_pv_wh: u128,
    /// Running totals of accepted telemetry (see [`TelemetryTotals`]).
    #[serde(default)]
    pub totals: TelemetryTotals,
}

/// An accepted report with what was derived from it.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct StoredReport {
    /// SHA-256 of the signed report (report and signature).
    pub hash: Hash,
    pub report: crate::TelemetryReport,
    /// Compute energy that was green (PV direct plus PV-attributed discharge), Wh.
    pub green_compute_wh: u64,
    /// `green_compute_wh / compute_wh` in basis points (0 when no compute ran).
    pub green_share_bps: u32,
    pub accepted_at: Height,
}

/// Sums of a device's accepted telemetry: the device keeps the running totals since
/// registration, and a snapshot of them is stored at the first report of each UTC
/// day, so any window ending now is one subtraction.
#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct TelemetryTotals {
    /// Seconds covered by accepted reports.
    pub reported_seconds: u64,
    pub generated_wh: u64,
    pub compute_wh: u64,
    pub green_compute_wh: u64,
    pub gpu_seconds: u64,
}

impl TelemetryTotals {
    /// What one accepted report adds.
    pub fn of(r: &StoredReport) -> TelemetryTotals {
        TelemetryTotals {
            reported_seconds: r.report.end - r.report.start,
            generated_wh: r.report.generated_wh,
            compute_wh: r.report.compute_wh,
            green_compute_wh: r.green_compute_wh,
            gpu_seconds: r.report.gpu_seconds,
        }
    }
    /// Adds `o` (saturating: 2⁶⁴ Wh is far beyond any device's life).
    pub fn add(&mut self, o: &TelemetryTotals) {
        self.reported_seconds = self.reported_seconds.saturating_add(o.reported_seconds);
        self.generated_wh = self.generated_wh.saturating_add(o.generated_wh);
        self.compute_wh = self.compute_wh.saturating_add(o.compute_wh);
        self.green_compute_wh = self.green_compute_wh.saturating_add(o.green_compute_wh);
        self.gpu_seconds = self.gpu_seconds.saturating_add(o.gpu_seconds);
    }
    /// `self − earlier` for running totals (`earlier` is a snapshot of the same device).
    pub fn since(&self, earlier: &TelemetryTotals) -> TelemetryTotals {
        TelemetryTotals {
            reported_seconds: self.reported_seconds.saturating_sub(earlier.reported_seconds),
            generated_wh: self.generated_wh.saturating_sub(earlier.generated_wh),
            compute_wh: self.compute_wh.saturating_sub(earlier.compute_wh),
            green_compute_wh: self.green_compute_wh.saturating_sub(earlier.green_compute_wh),
            gpu_seconds: self.gpu_seconds.saturating_sub(earlier.gpu_seconds),
        }
    }
    /// Green share of the compute energy, basis points, rounded down; 0 when no
    /// compute ran (10,000 would flatter an idle device).
    pub fn green_share_bps(&self) -> u32 {
        crate::math::share_bps_down(self.green_compute_wh, self.compute_wh)
    }
}

/// Seconds in a UTC day.
pub const DAY: u64 = 86_400;
pub const HOUR: u64 = 3_600;

/// The device's telemetry from the start of UTC day `first_day` until now: its
/// running totals minus the first day snapshot at or after `first_day` (none means
/// no report since). One bounded range read, whatever the number of reports.
pub fn window_totals(state: &impl StateRead, device: &Device, first_day: u64) -> Result<TelemetryTotals, DevicesError> {
    let from = keys::day_start(device.id, first_day);
    let from = std::str::from_utf8(from.as_bytes()).expect("keys are UTF-8");
    match state.scan::<TelemetryTotals>(&keys::day_starts_of(device.id), from, 1)?.into_iter().next() {
        Some((_, at_start)) => Ok(device.totals.since(&at_start)),
        None => Ok(TelemetryTotals::default()),
    }
}

/// Replays one device's reports (in time order) the way acceptance accumulates them:
/// the running totals after all of them, and the snapshot at each day's first report.
pub fn replay_totals(reports: &[StoredReport]) -> (TelemetryTotals, Vec<(u64, TelemetryTotals)>) {
    let mut totals = TelemetryTotals::default();
    let mut day_starts: Vec<(u64, TelemetryTotals)> = Vec::new();
    for r in reports {
        let day = r.report.start / DAY;
        if day_starts.last().is_none_or(|(d, _)| *d != day) {
            day_starts.push((day, totals.clone()));
        }
        totals.add(&TelemetryTotals::of(r));
    }
    (totals, day_starts)
}

/// Adds an accepted report to the device's running totals, first storing the
/// snapshot of its day if it is the day's first report.
pub(crate) fn add_report(state: &mut impl StateWrite, device: &mut Device, report: &StoredReport) {
    let day = report.report.start / DAY;
    let first_of_day = device.last_report_end.is_none_or(|end| (end - 1) / DAY != day);
    if first_of_day {
        state.put(&keys::day_start(device.id, day), &device.totals);
    }
    device.totals.add(&TelemetryTotals::of(report));
}

/// True while the device is a pool member.
pub fn pool_locked(state: &impl StateRead, id: DeviceId) -> Result<bool, DevicesError> {
    Ok(state.get(&keys::pool_lock(id))?.is_some())
}

/// Set by the pools module while the device is a member of any pool: a locked
/// device cannot change its nameplate or cell, or retire, because its pledges and
/// its pools' cell caps were checked against them.
pub fn set_pool_lock(state: &mut impl StateWrite, id: DeviceId, locked: bool) -> Result<(), DevicesError> {
    device(state, id)?;
    if locked {
        state.put(&keys::pool_lock(id), &());
    } else {
        state.delete(&keys::pool_lock(id));
    }
    Ok(())
}

pub fn params(state: &impl StateRead) -> Result<DevicesParams, DevicesError> {
    Ok(state.get(&keys::params())?.unwrap_or_default())
}

pub fn device(state: &impl StateRead, id: DeviceId) -> Result<Device, DevicesError> {
    state.get(&keys::device(id))?.ok_or(DevicesError::UnknownDevice(id))
}

pub fn device_by_key(state: &impl StateRead, key: &PublicKey) -> Result<Option<DeviceId>, DevicesError> {
    Ok(state.get(&keys::by_key(key))?)
}

/// All devices, in id order.
/// At most `limit` devices from id `first` on, in id order (a bounded range read).
pub fn devices_from(state: &impl StateRead, first: DeviceId, limit: usize) -> Result<Vec<Device>, DevicesError> {
    let from = keys::device(first);
    let from = std::str::from_utf8(from.as_bytes()).unwrap_or(keys::DEVICE_PREFIX);
    Ok(state.scan::<Device>(keys::DEVICE_PREFIX, from, limit)?.into_iter().map(|(_, d)| d).collect())
}

pub fn all_devices(state: &impl StateRead) -> Result<Vec<Device>, DevicesError> {
    Ok(state.prefix::<Device>(keys::DEVICE_PREFIX)?.into_iter().map(|(_, d)| d).collect())
}

fn ids_under(state: &impl StateRead, prefix: &str) -> Result<Vec<DeviceId>, DevicesError> {
    Ok(state
        .prefix_raw(prefix.as_bytes())?
        .into_iter()
        .filter_map(|(k, _)| {
            let k = String::from_utf8(k).ok()?;
            k.rsplit('/').next()?.parse().ok().map(DeviceId)
        })
        .collect())
}

pub fn devices_of(state: &impl StateRead, owner: &Address) -> Result<Vec<DeviceId>, DevicesError> {
    ids_under(state, &keys::by_owner_prefix(owner))
}

/// Devices registered in a cell (retired ones excluded).
pub fn devices_in_cell(state: &impl StateRead, cell: &LocationCell) -> Result<Vec<DeviceId>, DevicesError> {
    ids_under(state, &keys::by_cell_prefix(cell.as_str()))
}

/// A device's accepted reports with interval start ≥ `from`, in time order.
/// A device's reports starting at or after `from`, oldest first: one range read
/// from `from` on (settlement asks for recent hours of devices with long histories).
pub fn reports(state: &impl StateRead, id: DeviceId, from: UnixSeconds) -> Result<Vec<StoredReport>, DevicesError> {
    Ok(state
        .scan::<StoredReport>(&keys::reports_of(id), &keys::report_key_text(id, from), usize::MAX)?
        .into_iter()
        .map(|(_, r)| r)
        .collect())
}

/// Seconds of UTC hour `hour` the device's accepted reports cover (reports lie
/// inside one hour and never overlap, so this is their durations' sum). One
/// bounded range read: at most one report per second of the hour.
pub fn reported_seconds(state: &impl StateRead, id: DeviceId, hour: u64) -> Result<u64, DevicesError> {
    let (start, end) = (hour * HOUR, (hour + 1) * HOUR);
    let from = keys::report_key_text(id, start);
    Ok(state
        .scan::<StoredReport>(&keys::reports_of(id), &from, HOUR as usize)?
        .into_iter()
        .map(|(_, r)| r.report)
        .take_while(|r| r.start < end)
        .map(|r| r.end.min(end) - r.start)
        .sum())
}

/// The device's first accepted report starting at or after `from` (one bounded read).
pub fn first_report_since(
    state: &impl StateRead,
    id: DeviceId,
    from: UnixSeconds,
) -> Result<Option<StoredReport>, DevicesError> {
    let from = keys::report_key_text(id, from);
    Ok(state.scan::<StoredReport>(&keys::reports_of(id), &from, 1)?.into_iter().next().map(|(_, r)| r))
}

pub fn report_by_hash(state: &impl StateRead, hash: &Hash) -> Result<Option<StoredReport>, DevicesError> {
    match state.get(&keys::report_hash(hash))? {
        None => Ok(None),
        Some((id, start)) => Ok(state.get(&keys::report(id, start))?),
    }
}

/// What a report backs, if anything.
pub fn report_use(state: &impl StateRead, hash: &Hash) -> Result<Option<String>, DevicesError> {
    Ok(state.get(&keys::report_use(hash))?)
}

/// Records that a report backs `purpose` (a certificate, a job's SCI figure).
/// Post-condition: the report hash backs exactly one thing.
pub fn use_report(state: &mut impl StateWrite, hash: &Hash, purpose: &str) -> Result<StoredReport, DevicesError> {
    let report = report_by_hash(state, hash)?.ok_or(DevicesError::UnknownReport(*hash))?;
    mark_report_used(state, hash, purpose)?;
    Ok(report)
}

/// [`use_report`] for a caller that already read the accepted report.
pub fn mark_report_used(state: &mut impl StateWrite, hash: &Hash, purpose: &str) -> Result<(), DevicesError> {
    if let Some(previous) = state.get(&keys::report_use(hash))? {
        return Err(DevicesError::ReportAlreadyUsed { hash: *hash, by: previous });
    }
    state.put(&keys::report_use(hash), &purpose.to_string());
    Ok(())
}

pub(crate) fn put_device(state: &mut impl StateWrite, device: &Device) {
    state.put(&keys::device(device.id), device);
}
