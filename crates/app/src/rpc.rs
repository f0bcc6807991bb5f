//! The shapes the node's RPC answers with and the client reads. Kept beside
//! the app so both sides share one definition.

use crate::block::{Block, TxRecord};
use crate::tx::Tx;
use greenhour_primitives::{Address, Coin, Hash, Height, Nonce, UnixSeconds};
use greenhour_state::Event;
use serde::{Deserialize, Serialize};

/// `status`: where the chain is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub chain_id: String,
    pub node_version: String,
    pub height: Height,
    pub latest_block_hash: Hash,
    pub latest_app_hash: Hash,
    pub latest_block_time: UnixSeconds,
    pub mempool_size: usize,
    /// Smallest fee a transaction may pay, in ughr.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_fee: greenhour_primitives::Amount,
}

/// `account`: nonce and balances of an address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountInfo {
    pub address: Address,
    /// The nonce of the account's next transaction to be committed (durable state).
    pub nonce: Nonce,
    /// The nonce to sign the next transaction with: `nonce` plus the account's
    /// transactions waiting in the mempool in an unbroken run.
    pub pending_nonce: Nonce,
    pub balances: Vec<Coin>,
    pub height: Height,
}

/// How long `broadcast_tx` waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BroadcastMode {
    /// Answer once the transaction passed every check and sits in the mempool.
    #[default]
    Sync,
    /// Answer once the transaction is committed in a block (or was dropped).
    Commit,
}

/// `broadcast_tx`: what happened to a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BroadcastResult {
    pub hash: Hash,
    pub mode: BroadcastMode,
    /// Set in `commit` mode: where and with which events it was committed.
    pub committed: Option<TxRecord>,
}

/// `tx`: a committed transaction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxInfo {
    pub tx: Tx,
    pub record: TxRecord,
}

/// `block`: a committed block, its hash and the events of its block hooks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockInfo {
    pub hash: Hash,
    pub block: Block,
    /// The hash of each of `block.txs`, in order (what `tx` looks one up by).
    pub tx_hashes: Vec<Hash>,
    pub block_events: Vec<Event>,
}

/// `supply`: total supply per denom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyInfo {
    pub height: Height,
    pub supply: Vec<Coin>,
}

/// What a WebSocket subscriber receives per committed block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockNotice {
    pub height: Height,
    pub hash: Hash,
    pub time: UnixSeconds,
    pub app_hash: Hash,
    pub tx_count: usize,
    /// Events of included transactions (each with its tx hash) and of block hooks, filtered by the subscription.
    pub events: Vec<NoticeEvent>,
    /// Where the producing node spent the block's time (absent for blocks applied from others).
    #[serde(default)]
    pub timings: Option<crate::BlockTimings>,
    /// Transactions in the block whose actions failed (rolled back, nonce used,
    /// fee charged), with their `(module, code)`; not filtered by the subscription.
    #[serde(default)]
    pub failed: Vec<FailedTx>,
}

/// A transaction a block holds whose actions failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedTx {
    pub hash: Hash,
    pub error: greenhour_framework::ErrorInfo,
}

/// An event with the transaction that emitted it (none for block hooks).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeEvent {
    pub tx: Option<Hash>,
    #[serde(flatten)]
    pub event: Event,
}
