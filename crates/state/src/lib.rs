//! Versioned, authenticated key-value state on redb with a Jellyfish Merkle Tree.
//!
//! Invariants kept here:
//! - **Atomic blocks.** Everything a block changes — state values, tree nodes,
//!   value history and the caller's auxiliary rows (blocks, tx index) — is
//!   written in one redb write transaction. A crash leaves either the whole
//!   block or none of it.
//! - **The app hash is the JMT root** over `sha256(key) → value` at that version
//!   (version = block height). Any key can be proven present or absent at any
//!   committed version.
//! - **Writes go through overlays.** A block is built in a [`BlockOverlay`] over a
//!   committed [`Snapshot`]; each transaction runs in a [`TxOverlay`] that is
//!   merged only on success, so a failed transaction leaves nothing behind.
//! - **Ordered iteration only.** Overlays are `BTreeMap`s; nothing iterates a hash map.
//! - Keys are typed ([`Key<V>`]) and spelled only in each module's `keys.rs`.

mod error;
mod key;
mod overlay;
mod store;

pub use error::StateError;
pub use key::Key;
pub use overlay::{BlockOverlay, Changes, Event, KeyValues, Overlay, StateRead, StateWrite, TxOverlay};
pub use store::{AuxWrite, HeadSnapshot, PreparedCommit, Snapshot, StateProof, Store, StoreConfig, WriteTicket};
