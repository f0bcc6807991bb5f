//! `derivatives`: cash-settled **futures**, a **perpetual** and European
//! **options** on the Green Compute Index, and **total return swaps** on an index
//! or an RWA tranche, traded in a central limit order book and margined in gUSD by
//! one SPAN-like portfolio engine (`docs/spec/derivatives.md`).
//!
//! - Futures settle at the index's volume-weighted price over their delivery day
//!   (CME-style cash settlement); the perpetual never settles and pays hourly
//!   funding from the side trading rich; options pay their intrinsic value at an
//!   expiry price averaged over the hours before expiry (Opyn-style cash settlement);
//!   a swap's long receives the underlying's total return and pays a fixed rate,
//!   accrued hourly, until maturity.
//! - Every series is marked to its class's index each hour. Margin per account is
//!   the worst loss over a grid of index moves (written puts are secured to a zero
//!   index, written calls to a doubled one); orders must leave equity above the
//!   initial margin, and anyone may take over an account below maintenance at the
//!   mark through the one liquidation path.
//!
//! Invariants (checked by [`invariants::check`] after every block in tests):
//! - Zero sum: per unsettled series, contracts long = contracts short; the
//!   module's gUSD equals the accounts' equity (cash + positions valued at the
//!   mark or final price − cost − funding owed) + the insurance fund, so every
//!   gain is someone's loss (fees go to the fund).
//! - Open interest is the contracts long; live series are exactly the unsettled ones.
//! - Every resting order is in its book, in an unsettled series, and counted on
//!   its owner's account.

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

pub use action::DerivativesAction;
pub use error::DerivativesError;
pub use event::DerivativesEvent;
pub use genesis::DerivativesGenesis;
pub use params::DerivativesParams;
pub use state::{Account, Instrument, Insurance, Leg, Order, Position, Right, Series, SeriesId, Side};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

pub const NAME: &str = "derivatives";

/// The derivatives module.
pub struct Derivatives;

impl Module for Derivatives {
    const NAME: &'static str = NAME;
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: false }];
    type Genesis = DerivativesGenesis;
    type Error = DerivativesError;
    type Query = query::DerivativesQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &DerivativesGenesis) -> Result<(), DerivativesError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<DerivativesGenesis, DerivativesError> {
        genesis::export(state)
    }
    fn begin_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), DerivativesError> {
        handler::begin_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(DerivativesParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
