//! Consensus drivers behind one block interface. Today: `solo`, the in-process
//! block producer used by `greenhour devnet` and tests. The multi-validator
//! driver (Malachite) will live here too, so nothing else names an engine.
//!
//! Invariants kept here:
//! - A driver is the only caller of `App::build_block` / `App::apply_block`, so
//!   blocks are committed one at a time, in height order.
//! - Block time comes from the driver's clock (real or simulated) and never goes
//!   backwards; state code only ever sees the header's time.
//! - A storage failure stops the driver (fail-stop): it never skips a height.

pub mod solo;

pub use solo::{spawn_solo, Clock, SoloConfig, TxSource};
