//! `stable`: **gUSD**, a stablecoin minted only against collateral in vaults,
//! after Liquity v2: isolated collateral branches (GHR, carbon coin) each with its
//! minimum ratio, debt ceiling and oracle feed; interest rates the borrowers set;
//! redemptions at face value against the lowest-rate vaults with a fee whose base
//! rate decays; a stability pool that burns liquidated debt for the collateral,
//! and redistribution to the branch's other vaults when it cannot. gUSD targets
//! one US dollar; the Green Compute Index prices green-compute collateral
//! (docs/spec/stable.md argues the choice). A **direct deposit** (Maker's D3M)
//! mints gUSD into the lending market governance names, against its loans:
//! for a market of position NFTs, that is gUSD issued against green compute.
//!
//! Invariants (checked by [`invariants::check`] after every block in tests):
//! - gUSD supply = legacy (genesis) gUSD + Σ vault debt + redistributed debt not
//!   yet applied + Σ direct deposits' minted gUSD, exactly: gUSD enters only by
//!   `Open`/`Mint`, accrued interest and a direct deposit's supply, and leaves only
//!   by burning against debt.
//! - Each branch's totals equal the sums over its vaults; a vault is in the
//!   redemption order exactly while it owes something.
//! - The module's bank balance covers every vault's collateral, unapplied
//!   redistributions, the stability pool's gUSD and every deposit's pending gains.
//! - Every action that mints or removes collateral leaves its own vault at or
//!   above the minimum ratio (`ensure_collateralised`); a liquidation needs one below.
//! - Rounding goes against the caller: debt and fees round up, payouts and
//!   shares round down (`math::*_up` / `*_down`).

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

pub use action::StableAction;
pub use error::StableError;
pub use event::StableEvent;
pub use genesis::StableGenesis;
pub use params::{CollateralParams, StableParams};
pub use state::{Branch, DenomAmount, Deposit, DirectDeposit, Pool, Vault, VaultId};

use greenhour_framework::{BlockCtx, Module, ModuleAccount, StateRead, StateWrite};

pub const NAME: &str = "stable";

/// The stable module.
pub struct Stable;

impl Module for Stable {
    const NAME: &'static str = NAME;
    const ACCOUNTS: &'static [ModuleAccount] = &[ModuleAccount { name: NAME, mint_and_burn: true }];
    type Genesis = StableGenesis;
    type Error = StableError;
    type Query = query::StableQuery;

    fn init_genesis(state: &mut impl StateWrite, genesis: &StableGenesis) -> Result<(), StableError> {
        genesis::init(state, genesis)
    }
    fn export_genesis(state: &impl StateRead) -> Result<StableGenesis, StableError> {
        genesis::export(state)
    }
    greenhour_framework::governed_module_params!(StableParams, keys::params());
    fn end_block(state: &mut impl StateWrite, ctx: &BlockCtx) -> Result<(), StableError> {
        handler::end_block(state, ctx)
    }
    fn check_invariants(state: &impl StateRead) -> Result<(), String> {
        invariants::check(state)
    }
}
