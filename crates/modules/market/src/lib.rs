//! `market`: the time-aware AMM for hour-slot tokens (`docs/spec/market.md`). One
//! pool per slot denom against `ugusd` or `ughr`: a Uniswap v2 pair on
//! `(x, v)` at any fixed time, whose premium over a floor decays before the hour.
//!
//! Invariants (checked by [`invariants::check`]; the math is property-tested in [`math`]):
//! - `v ≤ y` in every pool: the curve never pays out quote the pool does not hold.
//! - Until a pool's slots expire, the module account holds exactly the pools' `x`
//!   of each slot denom and, per quote denom, exactly Σ `y`.
//! - LP shares in bank plus the locked minimum equal each pool's `shares`.
//! - Across a swap `x·v` never decreases; outputs round down, inputs round up;
//!   decay never raises a price and never pushes it below the floor.
//! - Trading and deposits stop at the hour's start; withdrawals never stop.
//! - A multi-hour purchase fills every hour or none; a withdrawal (including one
//!   forced because capacity left) never lowers the other LPs' claims.
//!
//! Not yet: an oracle-fed floor (the floor is fixed at creation).

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

pub use action::{Exact, MarketAction};
pub use error::MarketError;
pub use event::MarketEvent;
pub use genesis::MarketGenesis;
pub use params::MarketParams;
pub use state::MarketPool;

use greenhour_framework::{Module, ModuleAccount, StateRead, StateWrite};

/// Module name: key prefix and module account.
pub const NAME: &str = "market";

/// The market module.
pub struct Market;

impl Module for Market {
    const NAME: &'static str = NAME;
    /// Holds pool reserves; mints and burns LP shares.
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: true }];
    type Genesis = MarketGenesis;
    type Error = MarketError;
    type Query = query::MarketQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &MarketGenesis) -> Result<(), MarketError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<MarketGenesis, MarketError> {
        genesis::export(state)
    }
    greenhour_framework::governed_module_params!(MarketParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
