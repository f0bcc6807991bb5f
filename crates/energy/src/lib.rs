//! `energy`: what a home or regional device does physically each hour, on real data
//! (`docs/spec/energy.md`). Off-chain only: floats are fine here and nothing in
//! this crate is part of the state machine.
//!
//! Invariants (tested in `tests/`):
//! - Solar position is NREL SPA (`solar-positioning`), checked against the SPA
//!   paper's example to 0.0001°.
//! - The PV model reproduces pvlib 0.16.1's PVWatts pipeline hour by hour on the
//!   Greensboro TMY3 year (`scripts/pv_reference.py` writes the reference).
//! - A battery never leaves its state-of-charge bounds or power limits, and every
//!   step conserves energy: drawn × η_charge = stored; released = delivered / η_discharge.
//! - The dispatch LP's plan is feasible for the battery model; with perfect
//!   foresight its profit bounds every other plan's.
//! - Loaders reject missing, malformed or gapped files naming the file and line.

pub mod battery;
pub mod data;
pub mod device;
pub mod dispatch;
pub mod error;
pub mod household;
pub mod pv;
pub mod solar;

pub use battery::Battery;
pub use error::EnergyError;
pub use pv::PvSystem;
