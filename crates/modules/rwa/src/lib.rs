//! `rwa`: **asset packages** of green compute income issued as tranched,
//! compliance-gated securities, after Centrifuge's pool system (tranches, epochs,
//! an epoch solver with its priorities and subordination) with ERC-3643's
//! compliance (an identity registry of trusted claim issuers, per-package rules,
//! freezes and forced transfers by the issuer as agent).
//!
//! An issuer (an SPV or trust) puts position NFTs into a package's custody and
//! holds the residual (first-loss) units their value buys; investors subscribe to
//! the tranches in epochs; what the positions earn is swept hourly into a
//! waterfall (fee, coupons, principal from maturity, reserve).
//!
//! Invariants (checked by [`invariants::check`] after every block in tests):
//! - A tranche's units are its holdings plus the units waiting in redemptions,
//!   exactly; its pending subscriptions and redemptions are its orders' sums.
//! - The holder count is the number of holdings with units.
//! - The module's gUSD covers every reserve, every waiting subscription and every
//!   payout not yet claimed (payouts per unit round down, dust stays).
//! - Every asset of a package is held by the package's custody address (one
//!   owner per NFT, so no asset is in two packages).
//! - No unit moves without the compliance check (`handler::ensure_may_hold`):
//!   units live in this module's state, not in the bank, so nothing else moves them.
//! - An epoch never breaks a subordination that held before it (`math::max_*`).
//! - The secondary market's book: each holder's listed units are exactly its
//!   asks' units, each bid's escrow is owed by the module, and every fill is a
//!   transfer the buyer's compliance check cleared (`handler::trade`).

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

pub use action::RwaAction;
pub use error::RwaError;
pub use event::RwaEvent;
pub use genesis::RwaGenesis;
pub use params::RwaParams;
pub use state::{
    EpochRecord, Flow, Holding, Identity, Offer, Order, Package, PackageBook, PackageId, Rules, Side, Tranche,
    TrancheTerms,
};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

pub const NAME: &str = "rwa";

/// The rwa module.
pub struct Rwa;

impl Module for Rwa {
    const NAME: &'static str = NAME;
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: false }];
    type Genesis = RwaGenesis;
    type Error = RwaError;
    type Query = query::RwaQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &RwaGenesis) -> Result<(), RwaError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<RwaGenesis, RwaError> {
        genesis::export(state)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), RwaError> {
        handler::end_block(state, ctx)
    }
    greenhour_framework::governed_module_params!(RwaParams, keys::params());
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
