//! `devices`: the registry of smart devices and their signed hourly telemetry.
//!
//! Invariants (checked by [`invariants::check`]):
//! - A device key belongs to at most one device, forever (retired keys stay
//!   reserved, so old reports cannot be replayed under a new registration).
//! - Each device's accepted reports are non-overlapping, lie inside one UTC hour
//!   each, and end no later than the device's `last_report_end`.
//! - Every accepted report is stored under its hash once; a report hash can back
//!   one use only ([`state::use_report`]).
//! - Every stored report's green energy is at most its compute energy and its
//!   green share at most 10,000 basis points.
//! - Each device's running totals equal the sums of its reports, and its day
//!   snapshots equal the totals before each day's first report.
//! - A device locked by pool membership cannot retire or change its nameplate
//!   or cell (pledges and cell caps were checked against them).
//! - No floats: energies are integer Wh, power integer W, shares basis points.

pub mod action;
pub mod api;
pub mod error;
pub mod event;
pub mod genesis;
mod handler;
pub mod invariants;
pub mod keys;
pub mod math;
pub mod params;
pub mod query;
pub mod state;

pub use action::{DevicesAction, TelemetryReport};
pub use error::DevicesError;
pub use event::DevicesEvent;
pub use genesis::DevicesGenesis;
pub use params::DevicesParams;
pub use state::{
    Device, DeviceClass, DeviceId, DeviceStatus, LocationCell, Nameplate, StoredReport, TelemetryTotals, DAY,
};

use greenhour_framework::{Module, StateRead, StateWrite};

/// The devices module.
pub struct Devices;

impl Module for Devices {
    const NAME: &'static str = "devices";
    type Genesis = DevicesGenesis;
    type Error = DevicesError;
    type Query = query::DevicesQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &DevicesGenesis) -> Result<(), DevicesError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<DevicesGenesis, DevicesError> {
        genesis::export(state)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
