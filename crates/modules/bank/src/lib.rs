//! `bank`: balances, supply and module accounts — the only place value moves.
//!
//! Invariants (checked by [`invariants::check`]):
//! - For every denom, the sum of all balances equals the recorded total supply.
//! - Supply changes only through [`state::mint`] and [`state::burn`], and only for
//!   module accounts granted that permission at genesis.
//! - No zero balance is stored; no arithmetic wraps (every add/sub is checked).
//! - Users cannot send to module accounts, so a module's balance changes only by
//!   its own code.
//! - A perishable denom (namespaced, registered by a module with mint and burn)
//!   moves between users only before its closing time; its holder index lists
//!   exactly its non-zero holders, so its issuer can burn it out in one pass.

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

pub use action::{BankAction, Output};
pub use error::BankError;
pub use event::BankEvent;
pub use genesis::{BankGenesis, GenesisBalance, ModuleAccountGenesis};
pub use params::{ModuleAccount, Permission};
pub use state::PerishableDenom;

use greenhour_framework::{Module, StateRead, StateWrite};

/// The bank module.
pub struct Bank;

impl Module for Bank {
    const NAME: &'static str = "bank";
    type Genesis = BankGenesis;
    type Error = BankError;
    type Query = greenhour_framework::queries::NoQueries;

    fn init_genesis(state: &mut impl StateWrite, genesis: &BankGenesis) -> Result<(), BankError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<BankGenesis, BankError> {
        genesis::export(state)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
