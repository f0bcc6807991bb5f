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
    let balances = greenhour_bank::state::balances(&snap, &address).map_err(|e| RpcError::Internal(e.to_string()))?;
    // Transactions in a block still being written count as pending here.
    let head_nonce = greenhour_app::auth::nonce(&node.app.head_snapshot()?, &address)
        .map_err(|e| RpcError::Internal(e.to_string()))?;
    let pending_nonce = node.mempool.next_free_nonce(&address, head_nonce.max(nonce));
    Ok(AccountInfo { address, nonce, pending_nonce, balances, height: snap.version().unwrap_or(0) })
}

pub fn supply(node: &Node) -> Result<SupplyInfo, RpcError> {
    let snap = node.app.snapshot()?;
    let supply = greenhour_bank::state::supplies(&snap).map_err(|e| RpcError::Internal(e.to_string()))?;
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

/// A device by id.
pub fn device(node: &Node, id: u64) -> Result<greenhour_devices::Device, RpcError> {
    let snap = node.app.snapshot()?;
    greenhour_devices::state::device(&snap, greenhour_devices::DeviceId(id)).map_err(|e| match e {
        greenhour_devices::DevicesError::UnknownDevice(_) => RpcError::NotFound(format!("device {id}")),
        other => RpcError::Internal(other.to_string()),
    })
}

/// Devices of an owner, or all devices (at most `MAX_LIST`).
pub fn devices(node: &Node, owner: Option<Address>) -> Result<Vec<greenhour_devices::Device>, RpcError> {
    let snap = node.app.snapshot()?;
    let internal = |e: greenhour_devices::DevicesError| RpcError::Internal(e.to_string());
    let mut out = match owner {
        Some(owner) => greenhour_devices::state::devices_of(&snap, &owner)
            .map_err(internal)?
            .into_iter()
            .map(|id| greenhour_devices::state::device(&snap, id))
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?,
        None => greenhour_devices::state::all_devices(&snap).map_err(internal)?,
    };
    out.truncate(MAX_LIST);
    Ok(out)
}

/// A device's reports from `from` (Unix seconds) on, at most `MAX_LIST`.
pub fn device_reports(node: &Node, id: u64, from: u64) -> Result<Vec<greenhour_devices::StoredReport>, RpcError> {
    device(node, id)?;
    let snap = node.app.snapshot()?;
    let mut out = greenhour_devices::state::reports(&snap, greenhour_devices::DeviceId(id), from)
        .map_err(|e| RpcError::Internal(e.to_string()))?;
    out.truncate(MAX_LIST);
    Ok(out)
}

/// A token by class and serial.
pub fn nft(node: &Node, class: &str, serial: u64) -> Result<greenhour_nft::Token, RpcError> {
    let snap = node.app.snapshot()?;
    let id = greenhour_nft::TokenId { class: class.to_string(), serial };
    greenhour_nft::state::token(&snap, &id).map_err(|e| match e {
        greenhour_nft::NftError::UnknownToken(_) => RpcError::NotFound(format!("token {id}")),
        other => RpcError::Internal(other.to_string()),
    })
}

/// The tokens an address holds (at most `MAX_LIST`).
pub fn nfts(node: &Node, owner: Address) -> Result<Vec<greenhour_nft::Token>, RpcError> {
    let snap = node.app.snapshot()?;
    let internal = |e: greenhour_nft::NftError| RpcError::Internal(e.to_string());
    let mut ids = greenhour_nft::state::tokens_of(&snap, &owner).map_err(internal)?;
    ids.truncate(MAX_LIST);
    ids.iter().map(|id| greenhour_nft::state::token(&snap, id).map_err(internal)).collect()
}

/// A feed, its latest value (unchecked: the age is for the caller to judge) and the open round's reports.
pub fn oracle(node: &Node, name: &str) -> Result<serde_json::Value, RpcError> {
    let snap = node.app.snapshot()?;
    let feed = greenhour_oracle::state::feed(&snap, name).map_err(|e| match e {
        greenhour_oracle::OracleError::UnknownFeed(_) => RpcError::NotFound(format!("feed {name}")),
        other => RpcError::Internal(other.to_string()),
    })?;
    let internal = |e: greenhour_oracle::OracleError| RpcError::Internal(e.to_string());
    let latest = greenhour_oracle::state::latest(&snap, name).map_err(internal)?;
    let open = greenhour_oracle::state::open_reports(&snap, name).map_err(internal)?;
    let open: Vec<serde_json::Value> =
        open.iter().map(|(r, v)| serde_json::json!({"reporter": r, "value": v.to_string()})).collect();
    Ok(serde_json::json!({"feed": feed, "latest": latest, "open_reports": open}))
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
    let mut out = greenhour_pools::state::all_pools(&node.app.snapshot()?).map_err(pools_internal)?;
    out.truncate(MAX_LIST);
    Ok(out)
}

/// A pool and its members (at most `MAX_LIST`).
pub fn pool(node: &Node, id: u64) -> Result<serde_json::Value, RpcError> {
    let snap = node.app.snapshot()?;
    let id = greenhour_pools::PoolId(id);
    let pool = greenhour_pools::state::pool(&snap, id).map_err(pools_internal)?;
    let mut members = greenhour_pools::state::members(&snap, id).map_err(pools_internal)?;
    members.truncate(MAX_LIST);
    Ok(serde_json::json!({"pool": pool, "members": members}))
}

/// A position with its owner and every hour's state at the latest block time.
pub fn position(node: &Node, serial: u64) -> Result<greenhour_pools::PositionView, RpcError> {
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let p = greenhour_pools::state::position(&snap, serial).map_err(pools_internal)?;
    let owner = greenhour_pools::state::position_owner(&snap, serial).map_err(pools_internal)?;
    Ok(greenhour_pools::PositionView::new(p, owner, now))
}

/// Which positions to list.
pub enum PositionFilter {
    Owner(Address),
    /// A device's positions whose last hour has not ended.
    Device(u64),
    /// Positions covering a UTC hour index.
    Hour(u64),
    /// Live positions of a pool's members in that pool.
    Pool(u64),
}

/// Positions by owner, device or hour (at most `MAX_LIST`).
pub fn positions(node: &Node, filter: PositionFilter) -> Result<Vec<greenhour_pools::PositionView>, RpcError> {
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let list = match filter {
        PositionFilter::Owner(owner) => greenhour_nft::state::tokens_of(&snap, &owner)
            .map_err(|e| RpcError::Internal(e.to_string()))?
            .into_iter()
            .filter(|id| id.class == greenhour_pools::POSITION_CLASS)
            .take(MAX_LIST)
            .map(|id| greenhour_pools::state::position(&snap, id.serial))
            .collect::<Result<Vec<_>, _>>(),
        PositionFilter::Device(id) => greenhour_pools::state::live_positions(&snap, greenhour_devices::DeviceId(id)),
        PositionFilter::Pool(id) => {
            let id = greenhour_pools::PoolId(id);
            greenhour_pools::state::pool(&snap, id).map_err(pools_internal)?;
            let mut out = Vec::new();
            for member in greenhour_pools::state::members(&snap, id).map_err(pools_internal)? {
                let live = greenhour_pools::state::live_positions(&snap, member.device).map_err(pools_internal)?;
                out.extend(live.into_iter().filter(|p| p.pool == id));
                if out.len() >= MAX_LIST {
                    break;
                }
            }
            Ok(out)
        }
        PositionFilter::Hour(hour) => {
            let horizon = greenhour_pools::state::params(&snap).map_err(pools_internal)?.horizon_hours;
            greenhour_pools::state::positions_covering(&snap, hour, horizon, MAX_LIST)
        }
    }
    .map_err(pools_internal)?;
    list.into_iter()
        .take(MAX_LIST)
        .map(|p| {
            let owner = greenhour_pools::state::position_owner(&snap, p.serial).map_err(pools_internal)?;
            Ok(greenhour_pools::PositionView::new(p, owner, now))
        })
        .collect()
}

/// Slot tokens of one `(unit, class, hour)`: outstanding supply, unsold in pool custody, closing time.
pub fn slot(node: &Node, unit: &str, class: &str, hour: u64) -> Result<serde_json::Value, RpcError> {
    let unit: greenhour_pools::SlotUnit = serde_json::from_value(serde_json::Value::String(unit.into()))
        .map_err(|_| RpcError::InvalidParams(format!("unit {unit:?} is not gpu_hour or kwh")))?;
    let class: greenhour_devices::DeviceClass = serde_json::from_value(serde_json::Value::String(class.into()))
        .map_err(|_| {
            RpcError::InvalidParams(format!("class {class:?} is not home, regional, datacentre or btc_miner"))
        })?;
    let snap = node.app.snapshot()?;
    let denom = greenhour_pools::state::slot_denom(unit, class, hour);
    let bank = |e: greenhour_bank::BankError| RpcError::Internal(e.to_string());
    let supply = greenhour_bank::state::supply(&snap, &denom).map_err(bank)?;
    let custody = greenhour_pools::api::custody();
    let unsold = greenhour_bank::state::balance(&snap, &custody, &denom).map_err(bank)?;
    Ok(serde_json::json!({
        "denom": denom,
        "hour": hour,
        "trading_closes_at": hour.saturating_mul(3_600),
        "supply": supply.to_string(),
        "unsold_in_custody": unsold.to_string(),
        "sold": (supply - unsold).to_string(),
    }))
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
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let mut pools = greenhour_market::state::all_pools(&snap).map_err(market_error)?;
    pools.truncate(MAX_LIST);
    pools.into_iter().map(|p| greenhour_market::state::MarketPoolView::at(p, now).map_err(market_error)).collect()
}

/// One market pool as of the latest block time.
pub fn market_pool(node: &Node, slot: &str) -> Result<greenhour_market::state::MarketPoolView, RpcError> {
    let slot = parse_denom(slot)?;
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let pool = greenhour_market::state::pool(&snap, &slot).map_err(market_error)?;
    greenhour_market::state::MarketPoolView::at(pool, now).map_err(market_error)
}

/// What buying `slots_per_hour` slots in each of `hours` hours from `first_slot`
/// costs now, per hour and in total (quote denom of the first pool unless given).
pub fn market_route(
    node: &Node,
    first_slot: &str,
    hours: u32,
    slots_per_hour: u128,
    quote: Option<&str>,
) -> Result<serde_json::Value, RpcError> {
    let first_slot = parse_denom(first_slot)?;
    if hours == 0 || slots_per_hour == 0 {
        return Err(market_error(greenhour_market::MarketError::ZeroAmount));
    }
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let max = greenhour_market::state::params(&snap).map_err(market_error)?.max_route_hours;
    if hours > max {
        return Err(market_error(greenhour_market::MarketError::RouteTooLong { hours, max }));
    }
    let quote = match quote {
        Some(q) => parse_denom(q)?,
        None => greenhour_market::state::pool(&snap, &first_slot).map_err(market_error)?.quote,
    };
    let (legs, total) =
        greenhour_market::api::route(&snap, &first_slot, hours, slots_per_hour, &quote, now).map_err(market_error)?;
    let legs: Vec<serde_json::Value> = legs
        .iter()
        .map(|l| serde_json::json!({"slot": l.pool.slot, "in": l.amount_in.to_string(), "out": l.amount_out.to_string()}))
        .collect();
    Ok(serde_json::json!({"first_slot": first_slot, "hours": hours, "slots_per_hour": slots_per_hour.to_string(),
        "quote": quote, "total": total.to_string(), "legs": legs, "as_of": now}))
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
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let series = match class {
        Some(class) => {
            let quote = quote.map(parse_denom).transpose()?.unwrap_or_else(greenhour_primitives::Denom::gusd);
            vec![(class.to_string(), quote)]
        }
        None => greenhour_index::state::series(&snap).map_err(index_error)?,
    };
    series
        .iter()
        .map(|(class, quote)| greenhour_index::state::value(&snap, class, quote, now).map_err(index_error))
        .collect()
}

/// A swap quote against a pool as of the latest block time: `{in, out, price_wad}`.
pub fn market_quote(
    node: &Node,
    slot: &str,
    buy_slots: bool,
    exact: greenhour_market::Exact,
) -> Result<serde_json::Value, RpcError> {
    let slot = parse_denom(slot)?;
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let mut pool = greenhour_market::state::pool(&snap, &slot).map_err(market_error)?;
    if now >= pool.closes_at() {
        return Err(market_error(greenhour_market::MarketError::HourClosed(slot)));
    }
    pool.accrue(now).map_err(market_error)?;
    let (amount_in, amount_out) = pool.quote(buy_slots, exact).map_err(market_error)?;
    Ok(serde_json::json!({
        "slot": slot, "buy_slots": buy_slots, "in": amount_in.to_string(), "out": amount_out.to_string(),
        "price_wad": pool.price_wad().to_string(), "closes_at": pool.closes_at(), "as_of": now,
    }))
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

/// A job with its revealed outputs (hex, by replica) and its SCI report.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct JobView {
    #[serde(flatten)]
    pub job: greenhour_jobs::Job,
    pub outputs: Vec<Option<String>>,
    pub report: Option<greenhour_jobs::SciReport>,
}

pub fn job(node: &Node, id: u64) -> Result<JobView, RpcError> {
    let snap = node.app.snapshot()?;
    let id = greenhour_jobs::JobId(id);
    let job = greenhour_jobs::state::job(&snap, id).map_err(jobs_error)?;
    let outputs = (0..job.replicas.len())
        .map(|i| Ok(greenhour_jobs::state::output(&snap, id, i).map_err(jobs_error)?.map(hex::encode)))
        .collect::<Result<_, RpcError>>()?;
    let report = greenhour_jobs::state::report(&snap, id).map_err(jobs_error)?;
    Ok(JobView { job, outputs, report })
}

/// Which jobs to list.
pub enum JobFilter {
    /// Posted by this account.
    Buyer(Address),
    /// Unfinished jobs this account's devices serve (what a worker polls).
    Operator(Address),
    /// The most recent ones.
    Latest,
}

/// At most this many jobs per listing, newest first.
const JOB_PAGE: usize = 200;

pub fn jobs(node: &Node, filter: JobFilter) -> Result<Vec<greenhour_jobs::Job>, RpcError> {
    let snap = node.app.snapshot()?;
    let mut list = match filter {
        JobFilter::Operator(a) => greenhour_jobs::state::assigned_to(&snap, &a).map_err(jobs_error)?,
        JobFilter::Buyer(a) => {
            greenhour_jobs::state::all_jobs(&snap).map_err(jobs_error)?.into_iter().filter(|j| j.buyer == a).collect()
        }
        JobFilter::Latest => greenhour_jobs::state::all_jobs(&snap).map_err(jobs_error)?,
    };
    list.reverse();
    list.truncate(JOB_PAGE);
    Ok(list)
}

/// An uploaded workload module: `{hash, uploader, bytes, wasm}` (wasm in hex).
pub fn workload(node: &Node, hash: &str) -> Result<serde_json::Value, RpcError> {
    let hash: greenhour_primitives::Hash =
        hash.parse().map_err(|_| RpcError::InvalidParams(format!("{hash:?} is not a hex hash")))?;
    let snap = node.app.snapshot()?;
    let w = greenhour_jobs::state::workload(&snap, &hash)
        .map_err(jobs_error)?
        .ok_or_else(|| RpcError::NotFound(format!("workload {hash}")))?;
    Ok(serde_json::json!({"hash": w.hash, "uploader": w.uploader, "bytes": w.wasm.len(), "wasm": hex::encode(&w.wasm)}))
}

/// Free GPU capacity of a class in one hour, as the matcher sees it: per device,
/// its owner, GPUs backed in pools less those busy with jobs, and the green share
/// it is ranked by (what an off-chain solver needs to build a proposal).
pub fn capacity(node: &Node, class: &str, hour: u64) -> Result<Vec<serde_json::Value>, RpcError> {
    let class: greenhour_devices::DeviceClass = serde_json::from_value(serde_json::Value::String(class.into()))
        .map_err(|_| {
            RpcError::InvalidParams(format!("class {class:?} is not home, regional, datacentre or btc_miner"))
        })?;
    let snap = node.app.snapshot()?;
    let now = node.app.latest_header()?.time;
    let params = greenhour_jobs::state::params(&snap).map_err(jobs_error)?;
    let first_day = (now / 86_400).saturating_sub(params.green_window_days as u64);
    let rows = greenhour_pools::state::capacity_at(&snap, class, hour).map_err(pools_internal)?;
    let mut out = Vec::with_capacity(rows.len());
    for (device, units) in rows {
        let busy = greenhour_jobs::state::busy(&snap, hour, device).map_err(jobs_error)?;
        let d = greenhour_devices::state::device(&snap, device).map_err(|e| RpcError::Internal(e.to_string()))?;
        let green = greenhour_devices::state::window_totals(&snap, &d, first_day)
            .map_err(|e| RpcError::Internal(e.to_string()))?
            .green_share_bps();
        out.push(serde_json::json!({
            "device": device.0, "owner": d.owner, "active": d.status == greenhour_devices::DeviceStatus::Active,
            "free": units.saturating_sub(busy), "green_bps": green,
        }));
    }
    Ok(out)
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

/// Which certificate bundles to list, and how to narrow them.
#[derive(Clone, Debug, Default)]
pub struct CertificateFilter {
    pub owner: Option<Address>,
    pub device: Option<u64>,
    /// A status name (`active`, `claimed`, …).
    pub status: Option<String>,
    /// `solar` or `storage`.
    pub source: Option<String>,
    /// Production hours `from_hour..to_hour`.
    pub from_hour: Option<u64>,
    pub to_hour: Option<u64>,
    pub cell: Option<String>,
}

/// At most this many bundles per listing (narrow by hours for more).
pub const CERTIFICATE_PAGE: usize = 5_000;

/// Certificate bundles of an owner or a device, in id order, filtered.
pub fn certificates(node: &Node, f: &CertificateFilter) -> Result<Vec<greenhour_carbon::Bundle>, RpcError> {
    let snap = node.app.snapshot()?;
    let all = match (f.owner, f.device) {
        (Some(owner), _) => greenhour_carbon::state::bundles_of(&snap, &owner).map_err(carbon_error)?,
        (None, Some(device)) => greenhour_carbon::state::bundles_of_device(&snap, greenhour_devices::DeviceId(device))
            .map_err(carbon_error)?,
        (None, None) => return Err(RpcError::InvalidParams("give owner or device".into())),
    };
    let keep = |b: &greenhour_carbon::Bundle| {
        f.device.is_none_or(|d| b.device.0 == d)
            && f.status.as_deref().is_none_or(|s| b.status.name() == s)
            && f.source.as_deref().is_none_or(|s| format!("{:?}", b.source).eq_ignore_ascii_case(s))
            && f.from_hour.is_none_or(|h| b.hour() >= h)
            && f.to_hour.is_none_or(|h| b.hour() < h)
            && f.cell.as_deref().is_none_or(|c| b.cell.as_str() == c)
    };
    Ok(all.into_iter().filter(keep).take(CERTIFICATE_PAGE).collect())
}

pub fn certificate(node: &Node, first: u64) -> Result<greenhour_carbon::Bundle, RpcError> {
    greenhour_carbon::state::bundle(&node.app.snapshot()?, first).map_err(carbon_error)
}

/// Certificate claims: one by receipt serial, or all of a claimant's.
pub fn claims(node: &Node, claimant: &Address) -> Result<Vec<greenhour_carbon::Claim>, RpcError> {
    greenhour_carbon::state::claims_of(&node.app.snapshot()?, claimant).map_err(carbon_error)
}

pub fn claim(node: &Node, receipt: u64) -> Result<greenhour_carbon::Claim, RpcError> {
    greenhour_carbon::state::claim(&node.app.snapshot()?, receipt).map_err(carbon_error)
}

/// An account's 24/7 matching over production hours `from..to` (at most a leap year).
pub fn match_report(
    node: &Node,
    account: &Address,
    from: u64,
    to: u64,
) -> Result<greenhour_carbon::MatchReport, RpcError> {
    if to <= from || to - from > greenhour_carbon::params::MAX_REPORT_HOURS {
        return Err(RpcError::InvalidParams(format!(
            "the window must hold 1 to {} hours",
            greenhour_carbon::params::MAX_REPORT_HOURS
        )));
    }
    let snap = node.app.snapshot()?;
    let rows = greenhour_carbon::state::usage_rows(&snap, account, from, to).map_err(carbon_error)?;
    Ok(greenhour_carbon::math::match_report(from, to, &rows))
}

/// Credit batches, optionally of one registrant.
pub fn credits(node: &Node, registrant: Option<Address>) -> Result<Vec<greenhour_carbon::CreditBatch>, RpcError> {
    let all = greenhour_carbon::state::all_credits(&node.app.snapshot()?).map_err(carbon_error)?;
    Ok(all.into_iter().filter(|b| registrant.is_none_or(|r| b.registrant == r)).collect())
}

pub fn credit(node: &Node, id: u64) -> Result<greenhour_carbon::CreditBatch, RpcError> {
    greenhour_carbon::state::credit(&node.app.snapshot()?, id).map_err(carbon_error)
}

/// Credit pools with what they hold of each batch.
pub fn credit_pools(node: &Node) -> Result<Vec<serde_json::Value>, RpcError> {
    let snap = node.app.snapshot()?;
    let pools = greenhour_carbon::state::all_pools(&snap).map_err(carbon_error)?;
    pools
        .into_iter()
        .map(|p| {
            let holdings = greenhour_carbon::state::pool_holdings(&snap, p.id).map_err(carbon_error)?;
            let holdings: Vec<_> =
                holdings.into_iter().map(|(b, g)| serde_json::json!({"batch": b, "grams": g.to_string()})).collect();
            Ok(serde_json::json!({"id": p.id, "denom": p.denom, "filter": p.filter, "held_g": p.held_g.to_string(), "holdings": holdings}))
        })
        .collect()
}

/// Credit retirements, optionally of one retiree.
pub fn retirements(node: &Node, retiree: Option<Address>) -> Result<Vec<greenhour_carbon::Retirement>, RpcError> {
    let all = greenhour_carbon::state::all_retirements(&node.app.snapshot()?).map_err(carbon_error)?;
    Ok(all.into_iter().filter(|r| retiree.is_none_or(|a| r.retiree == a)).collect())
}

fn staking_error(e: greenhour_staking::StakingError) -> RpcError {
    match e {
        greenhour_staking::StakingError::UnknownValidator(a) => RpcError::NotFound(format!("validator {a}")),
        other => RpcError::Internal(other.to_string()),
    }
}

/// Every validator with its bonded tokens, status and green work this epoch.
pub fn validators(node: &Node) -> Result<Vec<serde_json::Value>, RpcError> {
    let snap = node.app.snapshot()?;
    let all = greenhour_staking::state::all_validators(&snap).map_err(staking_error)?;
    all.into_iter()
        .map(|v| {
            let green = greenhour_staking::state::green_work(&snap, &v.operator).map_err(staking_error)?;
            let delegators = greenhour_staking::state::delegations_of(&snap, &v.operator).map_err(staking_error)?.len();
            Ok(serde_json::json!({"validator": v, "green_milli_gpu_hours": green, "delegators": delegators}))
        })
        .collect()
}

/// The set signing the latest block, the set signing the next one, and their hashes.
pub fn validator_sets(node: &Node) -> Result<serde_json::Value, RpcError> {
    let snap = node.app.snapshot()?;
    let current = greenhour_staking::state::current_set(&snap).map_err(staking_error)?;
    let next = greenhour_staking::state::next_set(&snap).map_err(staking_error)?;
    Ok(serde_json::json!({
        "current": {"hash": current.hash(), "total_power": current.total_power().to_string(), "set": current},
        "next": {"hash": next.hash(), "total_power": next.total_power().to_string(), "set": next},
    }))
}
