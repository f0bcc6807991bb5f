//! `sim`: the fleet simulator behind `greenhour devnet` (docs/spec/sim.md).
//! Simulated home devices on real weather (the `energy` crate's PVWatts over TMY3
//! sites) talk to the node only through the RPC client, as device agents do, and
//! each runs the agent's own logic in-process: its energy manager
//! (`greenhour_agent::EnergyManager`) and its job worker.
//!
//! Invariants:
//! - Every simulated device-hour balances to the Wh:
//!   `generated + discharged + imported = house + compute + charged + exported`,
//!   and the battery's books close (`physics::simulate_hour`, property-tested).
//! - Reports are signed by the device key and follow on from the last accepted one;
//!   a device that was offline declares the outage; after a refused or failed
//!   transaction a wallet asks the node for its next nonce, so the next one still lands.
//! - The same configuration gives the same devices (keys and specs derive from the
//!   device index), and the same hours give the same plans.
//! - A report is never lost to the market deposit that shares its transaction: if
//!   that transaction is refused, the report is sent again alone.

pub mod fleet;
/// Device-hour physics, kept in `energy` so the device agent shares it.
pub use greenhour_energy::household as physics;

pub use fleet::{Behaviour, DerivativesSummary, FeedSeries, Fleet, FleetConfig, HedgeReport, HourSummary, Totals};

/// Everything the simulator can fail with.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Returned when the node cannot be reached or answers unexpectedly.
    #[error("rpc: {0}")]
    Rpc(String),
    /// Returned when the fleet cannot be set up (funding, registration, data).
    #[error("setup: {0}")]
    Setup(String),
    /// Returned when the physics refuses its data.
    #[error(transparent)]
    Energy(#[from] greenhour_energy::EnergyError),
}

impl From<greenhour_client::ClientError> for SimError {
    fn from(e: greenhour_client::ClientError) -> Self {
        SimError::Rpc(e.to_string())
    }
}
