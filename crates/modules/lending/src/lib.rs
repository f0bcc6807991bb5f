//! `lending`: isolated lending markets after Morpho Blue, against fungible
//! tokens (GHR, carbon coin) priced by oracle feeds and against **position NFTs**
//! valued from the Green Compute Index, whose loan-to-value limit decays to 0 at
//! their last hour, so a loan cannot outlive its collateral.
//!
//! Invariants (checked by [`invariants::check`] after every block in tests):
//! - In every market, total borrowed ≤ total supplied.
//! - Positions' supply and borrow shares sum to the market's totals.
//! - The module's bank balance of each denom covers what it owes in it: supplied
//!   assets not lent out plus token collateral.
//! - Every pledged position NFT is held by its escrow address, recorded once, in
//!   the position that pledged it.
//! - Every action that adds debt or removes collateral leaves its own position
//!   healthy (`handler::ensure_healthy`); a liquidation needs an unhealthy one.
//! - Share conversions round against the caller (`math::*_down` / `*_up`), so no
//!   sequence of actions creates value.

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

pub use action::{LendingAction, Size};
pub use error::LendingError;
pub use event::LendingEvent;
pub use genesis::LendingGenesis;
pub use params::LendingParams;
pub use state::{Collateral, Market, MarketId, MarketTotals, Pledge, Position, SlotHolding};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

pub const NAME: &str = "lending";

/// The lending module.
pub struct Lending;

impl Module for Lending {
    const NAME: &'static str = NAME;
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: false }];
    type Genesis = LendingGenesis;
    type Error = LendingError;
    type Query = query::LendingQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &LendingGenesis) -> Result<(), LendingError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<LendingGenesis, LendingError> {
        genesis::export(state)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), LendingError> {
        handler::end_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(LendingParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
