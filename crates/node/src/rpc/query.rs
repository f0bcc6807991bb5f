//! The node's own reads behind both JSON-RPC methods and REST routes (status,
//! blocks, transactions, accounts, raw state with proofs, broadcast). Module
//! reads are declared in each module's `query.rs` and served generically
//! ([`module_read`]).

use crate::node::Node;
use greenhour_app::rpc::{AccountInfo, BlockInfo, BroadcastMode, BroadcastResult, Status, SupplyInfo, TxInfo};
use greenhour_framework::queries::{Params, QueryError};
use greenhour_framework::ErrorInfo;
use greenhour_primitives::{Address, Hash, Height};
use greenhour_state::StateProof;
use serde::Serialize;

/// Why a query failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum RpcError {
    /// Returned when a parameter is missing, of the wrong type, or malformed.
    #[error("invalid params: {0}")]
    InvalidParams(String),
    /// Returned when the block, transaction or height asked for does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// Returned when a transaction is refused or dropped; carries its `(module, code)`.
    #[error("{0}")]
    Rejected(ErrorInfo),
    /// Returned in commit mode for a transaction whose actions failed: it is in
    /// block `record.height` with its actions rolled back, its nonce used and its
    /// fee charged. Carries its `(module, code)` and where it is.
    #[error("{error} (in block {height} at index {index}: its nonce is used and its fee charged)")]
    Failed { error: ErrorInfo, hash: greenhour_primitives::Hash, height: u64, index: u32 },
    /// Returned when the node fails internally (storage).
    #[error("internal error: {0}")]
    Internal(String),
}

impl RpcError {
    /// The JSON-RPC error code.
    pub fn jsonrpc_code(&self) -> i64 {
        match self {
            RpcError::InvalidParams(_) => -32602,
            RpcError::NotFound(_) => -32001,
            RpcError::Rejected(_) | RpcError::Failed { .. } => -32002,
            RpcError::Internal(_) => -32603,
        }
    }
    /// The HTTP status of the REST route.
    pub fn http_status(&self) -> u16 {
        match self {
            RpcError::InvalidParams(_) => 400,
            RpcError::NotFound(_) => 404,
            RpcError::Rejected(_) | RpcError::Failed { .. } => 422,
            RpcError::Internal(_) => 500,
        }
    }
    /// Machine-readable detail.
    pub fn data(&self) -> serde_json::Value {
        match self {
            RpcError::Rejected(e) => {
                serde_json::json!({"module": e.module, "code": e.code, "message": e.message})
            }
            RpcError::Failed { error: e, hash, height, index } => serde_json::json!({
                "module": e.module, "code": e.code, "message": e.message,
                "hash": hash, "height": height, "index": index,
            }),
            _ => serde_json::Value::Null,
        }
    }
}

impl From<QueryError> for RpcError {
    fn from(e: QueryError) -> Self {
        match e {
            QueryError::InvalidParams(m) => RpcError::InvalidParams(m),
            QueryError::NotFound(m) => RpcError::NotFound(m),
            QueryError::Refused(info) => RpcError::Rejected(info),
            QueryError::Internal(m) => RpcError::Internal(m),
        }
    }
}

/// A module's read by its method name; `None` when no module serves it.
pub fn module_read(node: &Node, method: &str, params: &Params) -> Option<Result<serde_json::Value, RpcError>> {
    node.app.query(method, params).map(|answer| answer.map_err(RpcError::from))
}

impl From<greenhour_app::AppError> for RpcError {
    fn from(e: greenhour_app::AppError) -> Self {
        RpcError::Internal(e.to_string())
    }
}

pub fn to_json<T: Serialize>(v: T) -> Result<serde_json::Value, RpcError> {
    serde_json::to_value(v).map_err(|e| RpcError::Internal(e.to_string()))
}

pub fn parse_height(s: &str) -> Result<Height, RpcError> {
    s.parse().map_err(|_| RpcError::InvalidParams(format!("height {s:?} is not a non-negative integer")))
}
pub fn parse_u64(what: &str, s: &str) -> Result<u64, RpcError> {
    s.parse().map_err(|_| {
        // A run of digits that does not fit is a number out of range, not a non-number.
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            RpcError::InvalidParams(format!("{what} {s} is larger than the largest allowed, {}", u64::MAX))
        } else {
            RpcError::InvalidParams(format!("{what} {s:?} is not a non-negative integer"))
        }
    })
}
pub fn parse_address(s: &str) -> Result<Address, RpcError> {
    s.parse().map_err(|e: greenhour_primitives::AddressError| RpcError::InvalidParams(e.to_string()))
}
pub fn parse_hash(s: &str) -> Result<Hash, RpcError> {
    s.parse().map_err(|e: greenhour_primitives::hash::HashParseError| RpcError::InvalidParams(e.to_string()))
}

pub fn status(node: &Node) -> Result<Status, RpcError> {
    let header = node.app.latest_header()?;
    Ok(Status {
        chain_id: node.app.chain_id().to_string(),
        node_version: env!("CARGO_PKG_VERSION").to_string(),
        height: header.height,
        latest_block_hash: header.hash(),
        latest_app_hash: header.app_hash,
        latest_block_time: header.time,
        mempool_size: node.mempool.len(),
        min_fee: node.app.params().min_fee,
    })
}

pub fn block(node: &Node, height: Option<Height>) -> Result<BlockInfo, RpcError> {
    let height = match height {
        Some(h) => h,
        None => node.app.height()?,
    };
    let block = node.app.block(height)?.ok_or_else(|| RpcError::NotFound(format!("block {height}")))?;
    let tx_hashes = block.txs.iter().map(|tx| tx.hash()).collect();
    Ok(BlockInfo { hash: block.hash(), block_events: node.app.block_events(height)?, tx_hashes, block })
}

/// The commit certificate stored with a block (precommits of the set that signed it).
pub fn commit(node: &Node, height: Height) -> Result<greenhour_light::CommitCertificate, RpcError> {
    node.app
        .commit_certificate(height)?
        .ok_or_else(|| RpcError::NotFound(format!("commit certificate of block {height}")))
}

pub fn tx(node: &Node, hash: Hash) -> Result<TxInfo, RpcError> {
    if let Some(record) = node.app.tx_record(&hash)? {
        let block = node
            .app
            .block(record.height)?
            .ok_or_else(|| RpcError::Internal(format!("block {} of tx {hash} missing", record.height)))?;
        return tx_in_block(&block, record);
    }
    if let Some(e) = node.rejection(&hash) {
        return Err(RpcError::Rejected(e));
    }
    if node.mempool.contains(&hash) {
        return Err(RpcError::NotFound(format!("transaction {hash} is pending in the mempool")));
    }
    Err(RpcError::NotFound(format!("transaction {hash}")))
}

fn tx_in_block(
    block: &greenhour_app::block::Block,
    record: greenhour_app::block::TxRecord,
) -> Result<TxInfo, RpcError> {
    let tx = block
        .txs
        .get(record.index as usize)
        .cloned()
        .ok_or_else(|| RpcError::Internal(format!("tx {} missing from block {}", record.hash, record.height)))?;
    Ok(TxInfo { tx, record })
}

/// Most transactions one `account_txs` page holds.
pub const ACCOUNT_TXS_PAGE: u64 = 100;

/// The transactions `address` signed, newest first, failed ones included: those
/// with a nonce below `before` (every one when absent), at most `limit`
/// (1 to [`ACCOUNT_TXS_PAGE`], all of it when absent). The next page's `before`
/// is the last one's nonce.
pub fn account_txs(
    node: &Node,
    address: Address,
    before: Option<u64>,
    limit: Option<u64>,
) -> Result<Vec<TxInfo>, RpcError> {
    let limit = limit.unwrap_or(ACCOUNT_TXS_PAGE);
    if !(1..=ACCOUNT_TXS_PAGE).contains(&limit) {
        return Err(RpcError::InvalidParams(format!("limit {limit} is not between 1 and {ACCOUNT_TXS_PAGE}")));
    }
    let snap = node.app.snapshot()?;
    let next = greenhour_app::auth::nonce(&snap, &address).map_err(|e| RpcError::Internal(e.to_string()))?;
    let hashes = node.app.txs_by_signer(&address, before.map_or(next, |b| b.min(next)), limit as usize)?;
    // One account's transactions cluster in a few blocks: each is decoded once.
    let mut block: Option<greenhour_app::block::Block> = None;
    let mut txs = Vec::with_capacity(hashes.len());
    for hash in hashes {
        let record =
            node.app.tx_record(&hash)?.ok_or_else(|| RpcError::Internal(format!("indexed tx {hash} has no record")))?;
        if block.as_ref().is_none_or(|b| b.header.height != record.height) {
            block = Some(
                node.app
                    .block(record.height)?
                    .ok_or_else(|| RpcError::Internal(format!("block {} of tx {hash} missing", record.height)))?,
            );
        }
        let held = block.as_ref().ok_or_else(|| RpcError::Internal("block just read is gone".into()))?;
        txs.push(tx_in_block(held, record)?);
    }
    Ok(txs)
}

pub fn account(node: &Node, address: Address) -> Result<AccountInfo, RpcError> {
    let snap = node.app.snapshot()?;
    let nonce = greenhour_app::auth::nonce(&snap, &address).map_err(|e| RpcError::Internal(e.to_string()))?;
    let balances = greenhour_bank::query::balances(&snap, &address).map_err(|e| RpcError::Internal(e.to_string()))?;
    // Transactions in a block still being written count as pending here.
    let head_nonce = greenhour_app::auth::nonce(&node.app.head_snapshot()?, &address)
        .map_err(|e| RpcError::Internal(e.to_string()))?;
    let pending_nonce = node.mempool.next_free_nonce(&address, head_nonce.max(nonce));
    Ok(AccountInfo { address, nonce, pending_nonce, balances, height: snap.version().unwrap_or(0) })
}

pub fn supply(node: &Node) -> Result<SupplyInfo, RpcError> {
    let snap = node.app.snapshot()?;
    let supply = greenhour_bank::query::supplies(&snap).map_err(|e| RpcError::Internal(e.to_string()))?;
    Ok(SupplyInfo { height: snap.version().unwrap_or(0), supply })
}

/// A state value at a height (latest by default) with its Merkle proof.
pub fn state(node: &Node, key: &[u8], height: Option<Height>) -> Result<StateProof, RpcError> {
    let latest = node.app.height()?;
    let height = height.unwrap_or(latest);
    if height > latest {
        return Err(RpcError::NotFound(format!("height {height} is above the latest {latest}")));
    }
    if key.is_empty() || key.len() > 1024 {
        return Err(RpcError::InvalidParams("key must be 1-1024 bytes".into()));
    }
    node.app.store().prove(key, height).map_err(|e| match e {
        greenhour_state::StateError::Pruned { .. } => RpcError::NotFound(e.to_string()),
        other => RpcError::Internal(other.to_string()),
    })
}

/// `encode_tx`'s answer: the borsh encoding of an unsigned body, for a signer
/// that holds its key elsewhere (the dashboard's wallet) to sign and send as
/// `body ‖ signature` (the Rosetta construction API's "payloads" step).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct EncodedTx {
    /// Hex of `borsh(TxBody)`.
    pub body: String,
    /// The signing domain to prefix (with the chain id) before signing.
    pub domain: String,
}

/// Encodes a transaction body given as JSON after the checks a signature does
/// not change: this chain's id, the size limit and every action's stateless
/// check, so a wallet learns of a malformed action before it signs.
pub fn encode_tx(node: &Node, body: &serde_json::Value) -> Result<EncodedTx, RpcError> {
    let body: greenhour_app::TxBody = serde_json::from_value(body.clone())
        .map_err(|e| RpcError::InvalidParams(format!("body is not a transaction body: {e}")))?;
    let params = node.app.params();
    let bytes = greenhour_codec::encode(&body);
    // The signature's 64 bytes complete the transaction.
    let tx = greenhour_app::Tx { body, signature: greenhour_crypto::Signature([0; 64]) };
    tx.check_stateless(node.app.chain_id(), params, bytes.len() + 64).map_err(RpcError::Rejected)?;
    Ok(EncodedTx {
        body: hex::encode(bytes),
        domain: String::from_utf8_lossy(greenhour_crypto::Domain::Tx.tag()).into_owned(),
    })
}

/// Sends the devnet faucet's drip to `to`.
pub async fn faucet(node: &Node, to: Address) -> Result<crate::faucet::Drip, RpcError> {
    node.faucet_drip(to).await.map_err(RpcError::Rejected)
}

/// Decodes a hex transaction and broadcasts it.
pub async fn broadcast(node: &Node, tx_hex: &str, mode: BroadcastMode) -> Result<BroadcastResult, RpcError> {
    let max_hex = 2 * node.app.params().max_tx_bytes as usize;
    if tx_hex.len() > max_hex {
        let e = greenhour_app::TxError::TooLarge { len: tx_hex.len() / 2, limit: node.app.params().max_tx_bytes };
        return Err(RpcError::Rejected(ErrorInfo::from_coded(&e)));
    }
    let bytes = hex::decode(tx_hex.trim_start_matches("0x"))
        .map_err(|e| RpcError::InvalidParams(format!("tx must be hex-encoded bytes: {e}")))?;
    let result = node.broadcast(bytes, mode).await.map_err(RpcError::Rejected)?;
    match result.committed.as_ref().and_then(|r| r.error.clone().map(|error| (error, r))) {
        Some((error, r)) => Err(RpcError::Failed { error, hash: r.hash, height: r.height, index: r.index }),
        None => Ok(result),
    }
}
