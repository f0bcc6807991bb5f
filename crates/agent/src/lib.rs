//! The device side: what an operator's machine does for the chain.
//!
//! Invariants:
//! - The worker only ever proposes actions for replicas the operator holds, and
//!   at most one of each kind per replica (a commitment before a reveal for
//!   redundant jobs; a reveal otherwise).
//! - Outputs are recomputed, never invented: after a restart the worker reruns
//!   the deterministic workload and reaches the same output and commitment.
//! - A workload that traps or runs out of fuel gets no submission (silence is
//!   unpaid; a wrong answer is slashed).
//! - The agent never reports an hour twice: the chain's `last_report_end` wins
//!   over its state file, which is written atomically after every change.
//! - The energy manager's hours balance to the Wh: the battery goes toward the
//!   plan's state of charge within its power and bounds and the grid covers the
//!   rest; sold hours run at full power in every plan.
//! - It acts only on what it verified: headers accepted by the light client
//!   (linked, signed by more than 2/3 of the announced validator set) from its
//!   checkpoint, and its device record proven under a verified app hash.

pub mod device;
pub mod manager;
pub mod worker;

pub use device::{Agent, AgentConfig, AgentError, AgentState, StepReport};
pub use manager::{EnergyManager, ManagerConfig, PlanRequest, Planned};
pub use worker::{Due, Worker};
