//! `funds`: **vaults** with ERC-4626 semantics that buy RWA package tranches
//! with depositors' gUSD (the article's green compute fund and future fund),
//! after Yearn v3's and Morpho's vaults: shares with a virtual offset, NAV from
//! the packages' own valuation, a queue for redemptions the cash cannot pay
//! now (ERC-7540), a management and a performance fee taken as shares.
//!
//! Invariants (checked by [`invariants::check`] after every block in tests):
//! - A fund's shares are its holders' balances plus the shares waiting in
//!   redemption requests, exactly.
//! - Shares × price per share never exceeds the fund's assets: every conversion
//!   rounds against the caller (`math`, proptests).
//! - A fund's cash and tranche units are held by its custody address, which no
//!   key signs for: only the manager's `Allocate` (within the mandate) and the
//!   holders' redemptions move them.
//! - A queued redemption is paid before any new immediate one takes the cash.

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

pub use action::FundsAction;
pub use error::FundsError;
pub use event::FundsEvent;
pub use genesis::FundsGenesis;
pub use params::FundsParams;
pub use state::{Fund, FundBook, FundId, Mandate, Request};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

pub const NAME: &str = "funds";

/// The funds module.
pub struct Funds;

impl Module for Funds {
    const NAME: &'static str = NAME;
    const ACCOUNTS: &'static [ModuleAccount] = &[];
    type Genesis = FundsGenesis;
    type Error = FundsError;
    type Query = query::FundsQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &FundsGenesis) -> Result<(), FundsError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<FundsGenesis, FundsError> {
        genesis::export(state)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), FundsError> {
        handler::end_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(FundsParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
