//! `cover`: **parametric insurance** on green compute, after Nexus Mutual's
//! capacity pools and Etherisc's parametric products: stakers put gUSD into a
//! pool that sells cover paid automatically on facts the chain holds, with no
//! claims adjuster:
//! - **device downtime**: a fixed sum for each covered hour the device reports
//!   less accepted telemetry than a threshold, judged a few hours after the hour;
//! - **job failure**: a fixed sum if the buyer's job fails verification or
//!   expires unserved;
//! - **green-share shortfall**: a fixed sum if the job settles with a delivered
//!   green share below its own floor.
//!
//! The price is the expected loss (the device's own downtime over a window; the
//! worse of the chain's and the buyer's record of job outcomes, with a prior)
//! plus a base rate plus a slope in the pool's utilisation. Slashed bonds from
//! jobs are shared over the stakers' shares as GHR rewards.
//!
//! Invariants (checked by [`invariants::check`] after every block in tests):
//! - Cover outstanding (`locked`: every payout still possible) never exceeds the
//!   pool's capital, and the module's account holds that capital: every payout is
//!   covered (sales check the capacity, withdrawals leave what the cover needs).
//! - `locked` is exactly Σ per-hour sum × hours not yet judged over all covers,
//!   and each such cover is due at its next hour.
//! - The stakers' shares add up to the pool's; the module holds every GHR reward
//!   a staker may claim, and no staker has settled more than its shares earned.
//! - Cover is sold only on the buyer's own device or job, before the risk starts;
//!   a job has at most one cover per peril.

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

pub use action::CoverAction;
pub use error::CoverError;
pub use event::CoverEvent;
pub use genesis::CoverGenesis;
pub use handler::{quote_job, Quote};
pub use params::CoverParams;
pub use state::{Cover, JobPeril, Peril, Pool, Stake};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

pub const NAME: &str = "cover";

/// The cover module.
pub struct CoverModule;

impl Module for CoverModule {
    const NAME: &'static str = NAME;
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: false }];
    type Genesis = CoverGenesis;
    type Error = CoverError;
    type Query = query::CoverQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &CoverGenesis) -> Result<(), CoverError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<CoverGenesis, CoverError> {
        genesis::export(state)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), CoverError> {
        handler::end_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(CoverParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
