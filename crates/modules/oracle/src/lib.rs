//! `oracle`: feeds of off-chain values (grid carbon intensity per zone,
//! electricity price per zone, GPU-hour reference prices) reported by a fixed
//! set of reporters per feed.
//!
//! Invariants (checked by [`invariants::check`]):
//! - Each feed has 1 ≤ `quorum` ≤ number of reporters.
//! - An open round holds fewer than `quorum` reports, at most one per reporter,
//!   all from the feed's reporters.
//! - A published value's round is below the feed's open round, and its value lies
//!   between the smallest and largest report of that round (it is their median).
//! - Reads never return a value older than the feed's `max_age` ([`state::read`]).

pub mod action;
pub mod api;
pub mod error;
pub mod event;
pub mod genesis;
mod handler;
pub mod invariants;
pub mod keys;
pub mod math;
pub mod query;
pub mod state;

pub use action::OracleAction;
pub use error::OracleError;
pub use event::OracleEvent;
pub use genesis::OracleGenesis;
pub use state::{Feed, Observation};

use greenhour_framework::{Module, StateRead, StateWrite};

/// The oracle module.
pub struct Oracle;

impl Module for Oracle {
    const NAME: &'static str = "oracle";
    type Genesis = OracleGenesis;
    type Error = OracleError;
    type Query = query::OracleQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &OracleGenesis) -> Result<(), OracleError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<OracleGenesis, OracleError> {
        genesis::export(state)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
