//! `carbon`: hourly granular energy certificates from signed telemetry, their
//! claims for beneficiaries, a 24/7 matching report, and carbon credits bridged
//! into pools that issue the carbon coin.
//!
//! Invariants (checked by [`invariants::check`]):
//! - Ids are contiguous and unique: bundles, in id order, never overlap, and
//!   every id is below the next one to issue.
//! - Counted once: for every report, certified solar Wh ≤ its generation and
//!   storage Wh ≤ its discharge; a report certifies at most once (devices'
//!   report-use mark). Every storage bundle is covered by the charging ids it
//!   consumed at its efficiency, and every consumed charging bundle names it.
//! - Claimed ranges are final: a claimed bundle belongs to a claim that lists
//!   it, is owned by that claim's claimant, and never moves again (only
//!   `active` bundles split, transfer, lock, cancel or claim).
//! - Indexes match: owner and device-hour rows for every bundle, an expiry
//!   row exactly for live bundles, a storage row exactly for stored ones.
//! - Coin backing: each pool's coin supply = the grams it holds = the sum of
//!   its holdings; the module account holds exactly the pooled credit tokens;
//!   each approved batch's supply + retired = its tonnes × 10⁶ g; a registry
//!   serial maps to one batch and every batch to its serial.

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

pub use action::{CarbonAction, ClaimTerms, RetireAsset};
pub use error::CarbonError;
pub use event::CarbonEvent;
pub use genesis::CarbonGenesis;
pub use math::{HourMatch, MatchReport};
pub use params::{CarbonParams, RECEIPT_CLASS};
pub use state::{
    Bundle, BundleStatus, Claim, CreditBatch, CreditFilter, CreditPool, CreditStatus, EnergySource, HourUsage,
    Retirement,
};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

/// Module name: key prefix, module account.
pub const NAME: &str = "carbon";

/// The carbon module.
pub struct Carbon;

impl Module for Carbon {
    const NAME: &'static str = NAME;
    /// Holds pooled credits; mints and burns the carbon coin.
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: true }];
    const NFT_CLASSES: &'static [&'static str] = &[RECEIPT_CLASS];
    type Genesis = CarbonGenesis;
    type Error = CarbonError;
    type Query = query::CarbonQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &CarbonGenesis) -> Result<(), CarbonError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<CarbonGenesis, CarbonError> {
        genesis::export(state)
    }
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), CarbonError> {
        handler::end_block(state, ctx)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
