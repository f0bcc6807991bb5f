//! `jobs`: compute demand contracts — escrow, carbon-aware matching onto pledged
//! capacity, verified execution (redundant, optimistic, attested), settlement to
//! position-NFT holders, slashing into the insurance fund, and a per-job SCI report.
//!
//! Invariants (checked by [`invariants::check`]):
//! - Escrow conservation, per job and denom: what a job took in equals what it
//!   paid out (providers, fees, refunds, returned bonds, slashes, rewards) plus
//!   what it still holds; a finished job holds nothing; the module account holds
//!   exactly the sum of what unfinished jobs hold, in every non-slot denom.
//! - An unfinished job holds its whole incentive plus the bonds of its replicas.
//! - Capacity is never double-booked: for every device and hour, the GPUs
//!   assigned to unfinished jobs equal the recorded busy count, which never
//!   exceeds the GPUs the device backs in pools at matching time.
//! - Replicas of a job with more than one run on devices of distinct owners.
//! - A green Wh backs at most one job: a job's green Wh are exactly the
//!   certificates it claimed for its buyer (the carbon module counts each once).
//! - Open jobs are exactly the indexed ones; every unfinished matched job has
//!   one due entry, at its `due` time.
//! - Settlement is deterministic: re-execution is fuel-bounded WASM without
//!   floats; randomness (audits) comes only from the block beacon.

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

pub use action::JobsAction;
pub use error::JobsError;
pub use event::JobsEvent;
pub use genesis::JobsGenesis;
pub use params::{JobsParams, INSURANCE};
pub use state::{
    EnergySource, Job, JobId, JobSpec, JobStatus, Ledger, Pricing, Replica, ReplicaOutcome, SciReport, TaskKind,
    Verification, Workload, MAX_PROVIDERS,
};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

/// Module name: key prefix, module account.
pub const NAME: &str = "jobs";

/// The jobs module.
pub struct Jobs;

impl Module for Jobs {
    const NAME: &'static str = NAME;
    /// Escrow, and the insurance fund that takes the rest of a slashed bond.
    const ACCOUNTS: &'static [ModuleAccount] =
        &[ModuleAccount { name: NAME, mint_and_burn: false }, ModuleAccount { name: INSURANCE, mint_and_burn: false }];
    type Genesis = JobsGenesis;
    type Error = JobsError;
    type Query = query::JobsQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &JobsGenesis) -> Result<(), JobsError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<JobsGenesis, JobsError> {
        genesis::export(state)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), JobsError> {
        handler::end_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(JobsParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
