//! The shape every module has: [`Module`] hooks, [`Action`]s with a stateless
//! check and a stateful execute, block and transaction contexts, and coded errors.
//!
//! Invariants kept here:
//! - `Action::check` reads no state, so it is valid against any prior state and
//!   can run in parallel in the mempool (Penumbra's rule).
//! - `Action::execute` runs inside a transaction overlay: when it returns an
//!   error, the app drops the overlay and nothing it wrote survives.
//! - Every error maps to a stable `(module, code)` pair ([`CodedError`]); codes are
//!   never reused for a different meaning.
//! - Contexts carry the only time and randomness state code may use: the block
//!   header's time and the block's beacon.

pub mod events;
pub mod params;
pub mod queries;

pub use greenhour_crypto::{SignatureCache, SignatureClaim};
use greenhour_primitives::{Address, ChainId, Hash, Height, UnixSeconds};
pub use greenhour_state::{Event, StateError, StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// What a block hook may know about the block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockCtx {
    pub chain_id: ChainId,
    pub height: Height,
    /// The block header's time; state code never reads a clock.
    pub time: UnixSeconds,
    /// Per-block randomness derived from the previous block's hash and the height.
    pub beacon: Hash,
    /// Consensus keys whose precommits for the parent block this block carries
    /// (its `last_commit`); `None` when it carries no certificate of its parent,
    /// and then nobody's liveness is counted for that height.
    pub last_commit_signers: Option<Vec<greenhour_crypto::PublicKey>>,
}

/// What an action may know about the transaction carrying it.
#[derive(Clone, Debug)]
pub struct TxCtx {
    pub block: BlockCtx,
    /// The account that signed the transaction.
    pub signer: Address,
    pub tx_hash: Hash,
    /// Signatures inside actions (e.g. device-signed telemetry) that the block
    /// already batch-verified; handlers check through it ([`SignatureCache::check`]).
    pub signatures: std::sync::Arc<SignatureCache>,
}

/// An error with a stable `(module, code)` for clients.
pub trait CodedError: std::error::Error {
    /// The module that raised it (its `Module::NAME`).
    fn module(&self) -> &'static str;
    /// A number that keeps its meaning forever within the module.
    fn code(&self) -> u32;
}

/// The `(module, code, message)` triple every rejected transaction reports.
/// Borsh-encoded inside the record of a transaction that failed in a block.
#[derive(
    Clone,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    borsh::BorshSerialize,
    borsh::BorshDeserialize,
    thiserror::Error,
)]
#[error("{module}/{code}: {message}")]
pub struct ErrorInfo {
    pub module: String,
    pub code: u32,
    pub message: String,
}

impl ErrorInfo {
    pub fn new(module: &str, code: u32, message: impl Into<String>) -> Self {
        ErrorInfo { module: module.into(), code, message: message.into() }
    }
    pub fn from_coded(e: &impl CodedError) -> Self {
        ErrorInfo::new(e.module(), e.code(), e.to_string())
    }
}

/// An account a module owns (its address is `Address::for_module(name)`), and
/// whether the bank lets it create and destroy units.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModuleAccount {
    pub name: &'static str,
    pub mint_and_burn: bool,
}

/// A state machine component: genesis, block hooks and an invariant check.
pub trait Module {
    /// Stable name: key prefix, event prefix and error module.
    const NAME: &'static str;
    /// Accounts the module owns; the app's standard genesis creates them in the bank.
    const ACCOUNTS: &'static [ModuleAccount] = &[];
    /// NFT classes the module mints; the app's standard genesis creates them with
    /// the module as minter.
    const NFT_CLASSES: &'static [&'static str] = &[];
    type Genesis;
    type Error: CodedError;
    /// The module's reads ([`queries::NoQueries`] for a module that serves none).
    type Query: queries::ModuleQueries;

    fn init_genesis(state: &mut impl StateWrite, genesis: &Self::Genesis) -> Result<(), Self::Error>;
    /// Reads back what [`Module::init_genesis`] wrote (plus everything since), so
    /// `export(init(g)) == g` for a fresh chain.
    fn export_genesis(state: &impl StateRead) -> Result<Self::Genesis, Self::Error>;
    fn begin_block(_state: &mut impl StateWrite, _ctx: &BlockCtx) -> Result<(), Self::Error> {
        Ok(())
    }
    fn end_block(_state: &mut impl StateWrite, _ctx: &BlockCtx) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Checks the module's invariants over the whole state; `Err` names the broken one.
    fn check_invariants(state: &impl StateRead) -> Result<(), String>;
    /// The parameters governance may change, with their bounds (declared in the
    /// module's `params.rs` with [`governed_params!`]); none by default.
    const GOVERNED_PARAMS: &'static [params::ParamBound] = &[];
    /// Sets one of [`Module::GOVERNED_PARAMS`] (through [`params::set_governed`]);
    /// returns the old value.
    fn set_param(_state: &mut impl StateWrite, name: &str, _value: u128) -> Result<u128, params::ParamError> {
        Err(params::ParamError::NotGoverned { module: Self::NAME.into(), name: name.into() })
    }
    /// The current value of each of [`Module::GOVERNED_PARAMS`] (through
    /// [`params::governed_values`]).
    fn governed_values(_state: &impl StateRead) -> Result<Vec<(&'static str, u128)>, params::ParamError> {
        Ok(Vec::new())
    }
}

/// The governance module's name. Its account holds the community pool, and a
/// proposal's changes are made with it as their authority.
pub const GOVERNANCE: &str = "governance";

/// One thing a transaction asks a module to do.
pub trait Action {
    type Error: CodedError;
    /// Needs no state, so it can run in parallel in the mempool.
    fn check(&self) -> Result<(), Self::Error>;
    /// Runs against state inside the transaction's overlay.
    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), Self::Error>;
    /// Signatures this action carries besides the transaction's own, with the keys
    /// they must verify under (read from `state`), so a block can verify them all
    /// in one batch before executing. Claims it cannot resolve are left out; the
    /// handler then verifies them in full.
    fn signature_claims(&self, _state: &impl StateRead) -> Vec<SignatureClaim> {
        Vec::new()
    }
}
