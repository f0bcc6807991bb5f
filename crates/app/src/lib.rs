//! The Greenhour application: transactions, dispatch to modules, the fixed
//! block order, genesis, and the block interface both consensus drivers use.
//!
//! Invariants kept here:
//! - **A block contains only admitted transactions, and each pays.** A block
//!   producer leaves out a transaction that fails admission (signature, chain,
//!   size, stateless checks, nonce, fee), which then changes nothing; a block from
//!   elsewhere holding one is refused whole ([`App::apply_block`]). An admitted
//!   transaction whose actions fail stays in the block with its actions rolled
//!   back, its nonce used, its fee paid and its error in its [`TxRecord`].
//! - **Replay protection.** A transaction's nonce must equal its signer's
//!   account nonce, which then increments by one.
//! - **Domain separation.** The signature covers the chain id and the domain tag.
//! - **One block order**: [`modules::begin_block`] and [`modules::end_block`] are
//!   the only places that fix the order of module hooks.
//! - **Determinism.** Same genesis + same blocks ⇒ same app hash (JMT root).
//! - **Atomic commit.** State, block and transaction index of one height are
//!   written in one store transaction.

pub mod app;
pub mod auth;
pub mod block;
pub mod error;
pub mod genesis;
pub mod modules;
pub mod params;
pub mod rpc;
pub mod tx;

pub use app::{App, BlockOutcome, BlockTimings, PendingBlock, SealedBlock, TxOutcome};
pub use block::{Block, Header, TxRecord};
pub use error::{AppError, TxError};
pub use genesis::Genesis;
pub use params::AppParams;
pub use tx::{verify_signatures, AppAction, Tx, TxBody};
