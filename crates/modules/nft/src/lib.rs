//! `nft`: a generic registry of non-fungible tokens that other modules reuse
//! (position NFTs for pledged capacity, carbon retirement receipts, RWA packages).
//!
//! Invariants (checked by [`invariants::check`]):
//! - Every token has exactly one owner, and the owner index lists exactly the
//!   tokens each address holds.
//! - A class's `supply` equals the number of its live tokens, and every serial
//!   is below the class's `next_serial` (serials are never reused).
//! - Only the module named as a class's minter mints, burns or edits that
//!   class's tokens; owners cannot burn, so a token that backs something (a loan,
//!   a revenue claim) cannot be destroyed by its holder.
//! - Users cannot transfer tokens to module accounts (they would be stranded);
//!   modules move tokens into custody through [`state::transfer_by_module`].

pub mod action;
pub mod api;
pub mod error;
pub mod event;
pub mod genesis;
mod handler;
pub mod invariants;
pub mod keys;
pub mod query;
pub mod state;

pub use action::NftAction;
pub use error::NftError;
pub use event::NftEvent;
pub use genesis::{ClassGenesis, NftGenesis};
pub use state::{ClassInfo, Token, TokenId};

use greenhour_framework::{Module, StateRead, StateWrite};

/// The NFT module.
pub struct Nft;

impl Module for Nft {
    const NAME: &'static str = "nft";
    type Genesis = NftGenesis;
    type Error = NftError;
    type Query = query::NftQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &NftGenesis) -> Result<(), NftError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<NftGenesis, NftError> {
        genesis::export(state)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
