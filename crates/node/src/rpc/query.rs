//! The queries behind both JSON-RPC methods and REST routes.

use crate::node::Node;
use greenhour_app::rpc::{AccountInfo, BlockInfo, BroadcastMode, BroadcastResult, Status, SupplyInfo, TxInfo};
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
            RpcError::Rejected(_) => -32002,
            RpcError::Internal(_) => -32603,
        }
    }
    /// The HTTP status of the REST route.
    pub fn http_status(&self) -> u16 {
        match self {
            RpcError::InvalidParams(_) => 400,
            RpcError::NotFound(_) => 404,
            RpcError::Rejected(_) => 422,
            RpcError::Internal(_) => 500,
        }
    }
    /// Machine-readable detail.
    pub fn data(&self) -> serde_json::Value {
        match self {
            RpcError::Rejected(e) => {
                serde_json::json!({"module": e.module, "code": e.code, "message": e.message})
            }
            _ => serde_json::Value::Null,
        }
    }
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
    Ok(BlockInfo { hash: block.hash(), block_events: node.app.block_events(height)?, block })
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
        let tx = block
            .txs
            .get(record.index as usize)
            .cloned()
            .ok_or_else(|| RpcError::Internal(format!("tx {hash} missing from block {}", record.height)))?;
        return Ok(TxInfo { tx, record });
    }
    if let Some(e) = node.rejection(&hash) {
        return Err(RpcError::Rejected(e));
    }
    if node.mempool.contains(&hash) {
        return Err(RpcError::NotFound(format!("transaction {hash} is pending in the mempool")));
    }
    Err(RpcError::NotFound(format!("transaction {hash}")))
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

fn devices_error(e: greenhour_devices::DevicesError) -> RpcError {
    match e {
        greenhour_devices::DevicesError::UnknownDevice(id) => RpcError::NotFound(format!("device {id}")),
        other => RpcError::Internal(other.to_string()),
    }
}

/// A device by id.
pub fn device(node: &Node, id: u64) -> Result<greenhour_devices::Device, RpcError> {
    greenhour_devices::query::device(&node.app.snapshot()?, greenhour_devices::DeviceId(id)).map_err(devices_error)
}

/// Devices of an owner, or all devices (at most `MAX_LIST`).
pub fn devices(node: &Node, owner: Option<Address>) -> Result<Vec<greenhour_devices::Device>, RpcError> {
    greenhour_devices::query::devices(&node.app.snapshot()?, owner.as_ref(), MAX_LIST).map_err(devices_error)
}

/// A device's reports from `from` (Unix seconds) on, at most `MAX_LIST`.
pub fn device_reports(node: &Node, id: u64, from: u64) -> Result<Vec<greenhour_devices::StoredReport>, RpcError> {
    let id = greenhour_devices::DeviceId(id);
    greenhour_devices::query::reports(&node.app.snapshot()?, id, from, MAX_LIST).map_err(devices_error)
}

/// A token by class and serial.
pub fn nft(node: &Node, class: &str, serial: u64) -> Result<greenhour_nft::Token, RpcError> {
    let id = greenhour_nft::TokenId { class: class.to_string(), serial };
    greenhour_nft::query::token(&node.app.snapshot()?, &id).map_err(|e| match e {
        greenhour_nft::NftError::UnknownToken(_) => RpcError::NotFound(format!("token {id}")),
        other => RpcError::Internal(other.to_string()),
    })
}

/// The tokens an address holds (at most `MAX_LIST`).
pub fn nfts(node: &Node, owner: Address) -> Result<Vec<greenhour_nft::Token>, RpcError> {
    greenhour_nft::query::tokens_of(&node.app.snapshot()?, &owner, MAX_LIST)
        .map_err(|e| RpcError::Internal(e.to_string()))
}

/// A feed, its latest value (unchecked: the age is for the caller to judge) and the open round's reports.
pub fn oracle(node: &Node, name: &str) -> Result<greenhour_oracle::query::FeedView, RpcError> {
    greenhour_oracle::query::feed(&node.app.snapshot()?, name).map_err(|e| match e {
        greenhour_oracle::OracleError::UnknownFeed(_) => RpcError::NotFound(format!("feed {name}")),
        other => RpcError::Internal(other.to_string()),
    })
}

fn pools_internal(e: greenhour_pools::PoolsError) -> RpcError {
    match e {
        greenhour_pools::PoolsError::UnknownPool(id) => RpcError::NotFound(format!("pool {id}")),
        greenhour_pools::PoolsError::UnknownPosition(s) => RpcError::NotFound(format!("position {s}")),
        other => RpcError::Internal(other.to_string()),
    }
}

/// Every pool (at most `MAX_LIST`).
pub fn pools(node: &Node) -> Result<Vec<greenhour_pools::Pool>, RpcError> {
    greenhour_pools::query::pools(&node.app.snapshot()?, MAX_LIST).map_err(pools_internal)
}

/// A pool and its members (at most `MAX_LIST`).
pub fn pool(node: &Node, id: u64) -> Result<greenhour_pools::query::PoolView, RpcError> {
    greenhour_pools::query::pool(&node.app.snapshot()?, greenhour_pools::PoolId(id), MAX_LIST).map_err(pools_internal)
}

/// A position with its owner and every hour's state at the latest block time.
pub fn position(node: &Node, serial: u64) -> Result<greenhour_pools::PositionView, RpcError> {
    let now = node.app.latest_header()?.time;
    greenhour_pools::query::position(&node.app.snapshot()?, serial, now).map_err(pools_internal)
}

pub use greenhour_pools::query::PositionFilter;

/// Positions by owner, device, hour or pool (at most `MAX_LIST`).
pub fn positions(node: &Node, filter: PositionFilter) -> Result<Vec<greenhour_pools::PositionView>, RpcError> {
    let now = node.app.latest_header()?.time;
    greenhour_pools::query::positions(&node.app.snapshot()?, filter, now, MAX_LIST).map_err(pools_internal)
}

/// Slot tokens of one `(unit, class, hour)`: outstanding supply, unsold in pool custody, closing time.
pub fn slot(node: &Node, unit: &str, class: &str, hour: u64) -> Result<greenhour_pools::query::SlotView, RpcError> {
    let unit: greenhour_pools::SlotUnit = serde_json::from_value(serde_json::Value::String(unit.into()))
        .map_err(|_| RpcError::InvalidParams(format!("unit {unit:?} is not gpu_hour or kwh")))?;
    let class = parse_class(class)?;
    greenhour_pools::query::slot(&node.app.snapshot()?, unit, class, hour).map_err(pools_internal)
}

fn parse_class(class: &str) -> Result<greenhour_devices::DeviceClass, RpcError> {
    serde_json::from_value(serde_json::Value::String(class.into()))
        .map_err(|_| RpcError::InvalidParams(format!("class {class:?} is not home, regional, datacentre or btc_miner")))
}

fn market_error(e: greenhour_market::MarketError) -> RpcError {
    match e {
        greenhour_market::MarketError::UnknownPool(d) => RpcError::NotFound(format!("market pool {d}")),
        greenhour_market::MarketError::State(s) => RpcError::Internal(s.to_string()),
        other => RpcError::Rejected(ErrorInfo::from_coded(&other)),
    }
}

fn parse_denom(s: &str) -> Result<greenhour_primitives::Denom, RpcError> {
    s.parse().map_err(|e: greenhour_primitives::DenomError| RpcError::InvalidParams(e.to_string()))
}

/// Market pools as of the latest block time (decay, TWAP and phase brought up to it).
pub fn market_pools(node: &Node) -> Result<Vec<greenhour_market::state::MarketPoolView>, RpcError> {
    let now = node.app.latest_header()?.time;
    greenhour_market::query::pools(&node.app.snapshot()?, now, MAX_LIST).map_err(market_error)
}

/// One market pool as of the latest block time.
pub fn market_pool(node: &Node, slot: &str) -> Result<greenhour_market::state::MarketPoolView, RpcError> {
    let slot = parse_denom(slot)?;
    let now = node.app.latest_header()?.time;
    greenhour_market::query::pool(&node.app.snapshot()?, &slot, now).map_err(market_error)
}

/// What buying `slots_per_hour` slots in each of `hours` hours from `first_slot`
/// costs now, per hour and in total (quote denom of the first pool unless given).
pub fn market_route(
    node: &Node,
    first_slot: &str,
    hours: u32,
    slots_per_hour: u128,
    quote: Option<&str>,
) -> Result<greenhour_market::query::RouteView, RpcError> {
    let first_slot = parse_denom(first_slot)?;
    let quote = quote.map(parse_denom).transpose()?;
    let now = node.app.latest_header()?.time;
    greenhour_market::query::route(&node.app.snapshot()?, &first_slot, hours, slots_per_hour, quote, now)
        .map_err(market_error)
}

fn index_error(e: greenhour_index::IndexError) -> RpcError {
    match e {
        greenhour_index::IndexError::State(s) => RpcError::Internal(s.to_string()),
        other => RpcError::Rejected(ErrorInfo::from_coded(&other)),
    }
}

/// The Green Compute Index of one class (or of every series with fills) as of the
/// latest block time.
pub fn index_values(
    node: &Node,
    class: Option<&str>,
    quote: Option<&str>,
) -> Result<Vec<greenhour_index::IndexValue>, RpcError> {
    let series = match class {
        Some(class) => {
            let quote = quote.map(parse_denom).transpose()?.unwrap_or_else(greenhour_primitives::Denom::gusd);
            Some((class.to_string(), quote))
        }
        None => None,
    };
    let now = node.app.latest_header()?.time;
    greenhour_index::query::values(&node.app.snapshot()?, series, now).map_err(index_error)
}

/// A swap quote against a pool as of the latest block time: `{in, out, price_wad}`.
pub fn market_quote(
    node: &Node,
    slot: &str,
    buy_slots: bool,
    exact: greenhour_market::Exact,
) -> Result<greenhour_market::query::QuoteView, RpcError> {
    let slot = parse_denom(slot)?;
    let now = node.app.latest_header()?.time;
    greenhour_market::query::quote(&node.app.snapshot()?, &slot, buy_slots, exact, now).map_err(market_error)
}

/// Longest list a query returns (page with `from` / `owner`).
pub const MAX_LIST: usize = 1_000;

/// Decodes a hex transaction and broadcasts it.
pub async fn broadcast(node: &Node, tx_hex: &str, mode: BroadcastMode) -> Result<BroadcastResult, RpcError> {
    let max_hex = 2 * node.app.params().max_tx_bytes as usize;
    if tx_hex.len() > max_hex {
        let e = greenhour_app::TxError::TooLarge { len: tx_hex.len() / 2, limit: node.app.params().max_tx_bytes };
        return Err(RpcError::Rejected(ErrorInfo::from_coded(&e)));
    }
    let bytes = hex::decode(tx_hex.trim_start_matches("0x"))
        .map_err(|e| RpcError::InvalidParams(format!("tx must be hex-encoded bytes: {e}")))?;
    node.broadcast(bytes, mode).await.map_err(RpcError::Rejected)
}

fn jobs_error(e: greenhour_jobs::JobsError) -> RpcError {
    match e {
        greenhour_jobs::JobsError::UnknownJob(id) => RpcError::NotFound(format!("job {id}")),
        greenhour_jobs::JobsError::State(s) => RpcError::Internal(s.to_string()),
        other => RpcError::Rejected(ErrorInfo::from_coded(&other)),
    }
}

pub use greenhour_jobs::query::{JobFilter, JobView};

pub fn job(node: &Node, id: u64) -> Result<JobView, RpcError> {
    greenhour_jobs::query::job(&node.app.snapshot()?, greenhour_jobs::JobId(id)).map_err(jobs_error)
}

/// At most this many jobs per listing, newest first.
const JOB_PAGE: usize = 200;

pub fn jobs(node: &Node, filter: JobFilter) -> Result<Vec<greenhour_jobs::Job>, RpcError> {
    greenhour_jobs::query::jobs(&node.app.snapshot()?, filter, JOB_PAGE).map_err(jobs_error)
}

/// An uploaded workload module: `{hash, uploader, bytes, wasm}` (wasm in hex).
pub fn workload(node: &Node, hash: &str) -> Result<greenhour_jobs::query::WorkloadView, RpcError> {
    let hash: greenhour_primitives::Hash =
        hash.parse().map_err(|_| RpcError::InvalidParams(format!("{hash:?} is not a hex hash")))?;
    greenhour_jobs::query::workload(&node.app.snapshot()?, &hash)
        .map_err(jobs_error)?
        .ok_or_else(|| RpcError::NotFound(format!("workload {hash}")))
}

/// Free GPU capacity of a class in one hour, as the matcher sees it.
pub fn capacity(node: &Node, class: &str, hour: u64) -> Result<Vec<greenhour_jobs::query::FreeCapacity>, RpcError> {
    let class = parse_class(class)?;
    let now = node.app.latest_header()?.time;
    greenhour_jobs::query::capacity(&node.app.snapshot()?, class, hour, now).map_err(jobs_error)
}

fn carbon_error(e: greenhour_carbon::CarbonError) -> RpcError {
    use greenhour_carbon::CarbonError as E;
    match e {
        E::UnknownBundle(id) => RpcError::NotFound(format!("certificate bundle {id}")),
        E::UnknownReceipt(id) => RpcError::NotFound(format!("receipt {id}")),
        E::UnknownCredit(id) => RpcError::NotFound(format!("credit batch {id}")),
        E::UnknownPool(id) => RpcError::NotFound(format!("credit pool {id}")),
        E::State(s) => RpcError::Internal(s.to_string()),
        other => RpcError::Rejected(ErrorInfo::from_coded(&other)),
    }
}

pub use greenhour_carbon::query::CertificateFilter;

/// At most this many bundles per listing (narrow by hours for more).
pub const CERTIFICATE_PAGE: usize = 5_000;

/// Certificate bundles of an owner or a device, in id order, filtered.
pub fn certificates(node: &Node, f: &CertificateFilter) -> Result<Vec<greenhour_carbon::Bundle>, RpcError> {
    greenhour_carbon::query::certificates(&node.app.snapshot()?, f, CERTIFICATE_PAGE)
        .map_err(carbon_error)?
        .ok_or_else(|| RpcError::InvalidParams("give owner or device".into()))
}

pub fn certificate(node: &Node, first: u64) -> Result<greenhour_carbon::Bundle, RpcError> {
    greenhour_carbon::query::certificate(&node.app.snapshot()?, first).map_err(carbon_error)
}

/// A claimant's certificate claims.
pub fn claims(node: &Node, claimant: &Address) -> Result<Vec<greenhour_carbon::Claim>, RpcError> {
    greenhour_carbon::query::claims(&node.app.snapshot()?, claimant).map_err(carbon_error)
}

pub fn claim(node: &Node, receipt: u64) -> Result<greenhour_carbon::Claim, RpcError> {
    greenhour_carbon::query::claim(&node.app.snapshot()?, receipt).map_err(carbon_error)
}

/// An account's 24/7 matching over production hours `from..to` (at most a leap year).
pub fn match_report(
    node: &Node,
    account: &Address,
    from: u64,
    to: u64,
) -> Result<greenhour_carbon::MatchReport, RpcError> {
    greenhour_carbon::query::match_report(&node.app.snapshot()?, account, from, to).map_err(carbon_error)?.ok_or_else(
        || {
            RpcError::InvalidParams(format!(
                "the window must hold 1 to {} hours",
                greenhour_carbon::params::MAX_REPORT_HOURS
            ))
        },
    )
}

/// Credit batches, optionally of one registrant.
pub fn credits(node: &Node, registrant: Option<Address>) -> Result<Vec<greenhour_carbon::CreditBatch>, RpcError> {
    greenhour_carbon::query::credits(&node.app.snapshot()?, registrant).map_err(carbon_error)
}

pub fn credit(node: &Node, id: u64) -> Result<greenhour_carbon::CreditBatch, RpcError> {
    greenhour_carbon::query::credit(&node.app.snapshot()?, id).map_err(carbon_error)
}

/// Credit pools with what they hold of each batch.
pub fn credit_pools(node: &Node) -> Result<Vec<greenhour_carbon::query::CreditPoolView>, RpcError> {
    greenhour_carbon::query::credit_pools(&node.app.snapshot()?).map_err(carbon_error)
}

/// Credit retirements, optionally of one retiree.
pub fn retirements(node: &Node, retiree: Option<Address>) -> Result<Vec<greenhour_carbon::Retirement>, RpcError> {
    greenhour_carbon::query::retirements(&node.app.snapshot()?, retiree).map_err(carbon_error)
}

fn staking_error(e: greenhour_staking::StakingError) -> RpcError {
    match e {
        greenhour_staking::StakingError::UnknownValidator(a) => RpcError::NotFound(format!("validator {a}")),
        other => RpcError::Internal(other.to_string()),
    }
}

/// Every validator with its bonded tokens, status and green work this epoch.
pub fn validators(node: &Node) -> Result<Vec<greenhour_staking::query::ValidatorView>, RpcError> {
    greenhour_staking::query::validators(&node.app.snapshot()?).map_err(staking_error)
}

/// The set signing the latest block, the set signing the next one, and their hashes.
pub fn validator_sets(node: &Node) -> Result<greenhour_staking::query::SetsView, RpcError> {
    greenhour_staking::query::validator_sets(&node.app.snapshot()?).map_err(staking_error)
}
