//! Consensus drivers behind one block interface: `solo`, the in-process block
//! producer used by `greenhour devnet` and tests, and `malachite`, the
//! multi-validator driver on Malachite BFT. Nothing outside this crate names
//! an engine.
//!
//! Invariants kept here:
//! - A driver is the only caller of `App::build_block` / `App::apply_block`, so
//!   blocks are committed one at a time, in height order.
//! - Block time comes from the driver's clock (real or simulated) and never goes
//!   backwards; state code only ever sees the header's time.
//! - A storage failure stops the driver (fail-stop): it never skips a height.
//! - Under Malachite a block is written only once decided, with the commit
//!   certificate that decided it; proposals are executed and kept unwritten.

pub mod malachite;
pub mod solo;

pub use malachite::{spawn_malachite, MalachiteConfig};
pub use solo::{spawn_solo, Clock, SoloConfig, TxSource};
