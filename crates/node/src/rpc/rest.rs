//! REST routes: the JSON-RPC methods as resources. Errors are JSON
//! `{"error": {"message", "module"?, "code"?}}` with a 4xx/5xx status.

use super::query::{self, RpcError};
use crate::node::Node;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use greenhour_app::rpc::BroadcastMode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeMap;
use std::sync::Arc;

impl IntoResponse for RpcError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = json!({"error": {"message": self.to_string()}});
        if let RpcError::Rejected(e) = &self {
            body["error"]["module"] = json!(e.module);
            body["error"]["code"] = json!(e.code);
            body["error"]["message"] = json!(e.message);
        }
        (status, Json(body)).into_response()
    }
}

type Reply = Result<Response, RpcError>;

fn ok<T: Serialize>(v: T) -> Reply {
    Ok(Json(query::to_json(v)?).into_response())
}

pub async fn status(State(node): State<Arc<Node>>) -> Reply {
    ok(query::status(&node)?)
}

pub async fn health() -> &'static str {
    "ok"
}

pub async fn latest_block(State(node): State<Arc<Node>>) -> Reply {
    ok(query::block(&node, None)?)
}

pub async fn block(State(node): State<Arc<Node>>, Path(height): Path<String>) -> Reply {
    ok(query::block(&node, Some(query::parse_height(&height)?))?)
}

pub async fn tx(State(node): State<Arc<Node>>, Path(hash): Path<String>) -> Reply {
    ok(query::tx(&node, query::parse_hash(&hash)?)?)
}

pub async fn account(State(node): State<Arc<Node>>, Path(address): Path<String>) -> Reply {
    ok(query::account(&node, query::parse_address(&address)?)?)
}

pub async fn balances(State(node): State<Arc<Node>>, Path(address): Path<String>) -> Reply {
    ok(query::account(&node, query::parse_address(&address)?)?.balances)
}

pub async fn supply(State(node): State<Arc<Node>>) -> Reply {
    ok(query::supply(&node)?)
}

/// `GET /state?key=bank/supply/ughr&height=5` (add `encoding=hex` for binary keys).
pub async fn state(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let key = q.get("key").ok_or_else(|| RpcError::InvalidParams("missing query parameter key".into()))?;
    let key = match q.get("encoding").map(String::as_str) {
        None | Some("utf8") => key.as_bytes().to_vec(),
        Some("hex") => hex::decode(key).map_err(|e| RpcError::InvalidParams(format!("key is not hex: {e}")))?,
        Some(other) => return Err(RpcError::InvalidParams(format!("encoding {other:?} is not utf8 or hex"))),
    };
    let height = q.get("height").map(|h| query::parse_height(h)).transpose()?;
    ok(query::state(&node, &key, height)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BroadcastBody {
    tx: String,
    #[serde(default)]
    mode: BroadcastMode,
}

/// `POST /txs` with `{"tx": "<hex>", "mode": "sync"|"commit"}`.
pub async fn broadcast(State(node): State<Arc<Node>>, body: Bytes) -> Reply {
    let body: BroadcastBody =
        serde_json::from_slice(&body).map_err(|e| RpcError::InvalidParams(format!("invalid JSON body: {e}")))?;
    ok(query::broadcast(&node, &body.tx, body.mode).await?)
}

pub async fn device(State(node): State<Arc<Node>>, Path(id): Path<String>) -> Reply {
    ok(query::device(&node, query::parse_u64("device id", &id)?)?)
}

/// `GET /devices[?owner=gh1…]`.
pub async fn devices(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let owner = q.get("owner").map(|o| query::parse_address(o)).transpose()?;
    ok(query::devices(&node, owner)?)
}

/// `GET /devices/{id}/reports[?from=unix_seconds]`.
pub async fn device_reports(
    State(node): State<Arc<Node>>,
    Path(id): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Reply {
    let from = q.get("from").map(|f| query::parse_u64("from", f)).transpose()?.unwrap_or(0);
    ok(query::device_reports(&node, query::parse_u64("device id", &id)?, from)?)
}

pub async fn nft(State(node): State<Arc<Node>>, Path((class, serial)): Path<(String, String)>) -> Reply {
    ok(query::nft(&node, &class, query::parse_u64("serial", &serial)?)?)
}

/// `GET /nfts?owner=gh1…`.
pub async fn nfts(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let owner = q.get("owner").ok_or_else(|| RpcError::InvalidParams("missing query parameter owner".into()))?;
    ok(query::nfts(&node, query::parse_address(owner)?)?)
}

pub async fn pools(State(node): State<Arc<Node>>) -> Reply {
    ok(query::pools(&node)?)
}

pub async fn pool(State(node): State<Arc<Node>>, Path(id): Path<String>) -> Reply {
    ok(query::pool(&node, query::parse_u64("pool id", &id)?)?)
}

pub async fn position(State(node): State<Arc<Node>>, Path(serial): Path<String>) -> Reply {
    ok(query::position(&node, query::parse_u64("position", &serial)?)?)
}

/// `GET /positions?owner=gh1…|device=N|hour=H|pool=P`.
pub async fn positions(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let filter = if let Some(owner) = q.get("owner") {
        query::PositionFilter::Owner(query::parse_address(owner)?)
    } else if let Some(device) = q.get("device") {
        query::PositionFilter::Device(greenhour_devices::DeviceId(query::parse_u64("device", device)?))
    } else if let Some(hour) = q.get("hour") {
        query::PositionFilter::Hour(query::parse_u64("hour", hour)?)
    } else if let Some(pool) = q.get("pool") {
        query::PositionFilter::Pool(greenhour_pools::PoolId(query::parse_u64("pool", pool)?))
    } else {
        return Err(RpcError::InvalidParams("give one of owner, device, hour or pool".into()));
    };
    ok(query::positions(&node, filter)?)
}

/// `GET /market/pools`.
pub async fn market_pools(State(node): State<Arc<Node>>) -> Reply {
    ok(query::market_pools(&node)?)
}

/// `GET /market/pool?slot=slot/home/H`.
pub async fn market_pool(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let slot = q.get("slot").ok_or_else(|| RpcError::InvalidParams("missing query parameter slot".into()))?;
    ok(query::market_pool(&node, slot)?)
}

/// `GET /market/route?first_slot=slot/home/H&hours=N[&slots_per_hour=K][&quote=ugusd]`.
pub async fn market_route(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let first =
        q.get("first_slot").ok_or_else(|| RpcError::InvalidParams("missing query parameter first_slot".into()))?;
    let hours: u32 = q
        .get("hours")
        .ok_or_else(|| RpcError::InvalidParams("missing query parameter hours".into()))?
        .parse()
        .map_err(|_| RpcError::InvalidParams("hours must be a positive integer".into()))?;
    let per_hour: u128 = match q.get("slots_per_hour") {
        None => 1,
        Some(v) => v.parse().map_err(|_| RpcError::InvalidParams("slots_per_hour must be a decimal amount".into()))?,
    };
    ok(query::market_route(&node, first, hours, per_hour, q.get("quote").map(String::as_str))?)
}

/// `GET /index[?class=home][&quote=ugusd]`.
pub async fn index(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    ok(query::index_values(&node, q.get("class").map(String::as_str), q.get("quote").map(String::as_str))?)
}

/// `GET /market/quote?slot=slot/home/H&side=buy|sell&exact_in=N|exact_out=N`.
pub async fn market_quote(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let slot = q.get("slot").ok_or_else(|| RpcError::InvalidParams("missing query parameter slot".into()))?;
    let buy_slots = match q.get("side").map(String::as_str) {
        None | Some("buy") => true,
        Some("sell") => false,
        Some(other) => return Err(RpcError::InvalidParams(format!("side {other:?} is not buy or sell"))),
    };
    let amount = |k: &str| -> Result<Option<u128>, RpcError> {
        q.get(k)
            .map(|v| v.parse().map_err(|_| RpcError::InvalidParams(format!("{k} must be a decimal amount"))))
            .transpose()
    };
    let exact = match (amount("exact_in")?, amount("exact_out")?) {
        (Some(a), None) => greenhour_market::Exact::In(a),
        (None, Some(a)) => greenhour_market::Exact::Out(a),
        _ => return Err(RpcError::InvalidParams("give exactly one of exact_in or exact_out".into())),
    };
    ok(query::market_quote(&node, slot, buy_slots, exact)?)
}

/// `GET /slots/{class}/{hour}[?unit=gpu_hour|kwh]`.
pub async fn slot(
    State(node): State<Arc<Node>>,
    Path((class, hour)): Path<(String, String)>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Reply {
    let unit = q.get("unit").map(String::as_str).unwrap_or("gpu_hour");
    ok(query::slot(&node, unit, &class, query::parse_u64("hour", &hour)?)?)
}

pub async fn oracle(State(node): State<Arc<Node>>, Path(feed): Path<String>) -> Reply {
    ok(query::oracle(&node, &feed)?)
}

pub async fn openapi() -> Response {
    Json(crate::openapi::document()).into_response()
}

/// OpenMetrics when the scraper asks for it (Prometheus does), else the classic
/// text format 0.0.4 (curl, promtool).
pub async fn metrics(State(node): State<Arc<Node>>, headers: axum::http::HeaderMap) -> Response {
    node.metrics.mempool_size.set(node.mempool.len() as i64);
    let wants_openmetrics = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("application/openmetrics-text"));
    if wants_openmetrics {
        ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], node.metrics.render())
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], node.metrics.render_text())
            .into_response()
    }
}

pub async fn not_found() -> Response {
    RpcError::NotFound("no such route; see /openapi.json".into()).into_response()
}

/// `GET /jobs/{id}`: a job with its outputs and SCI report.
pub async fn job(State(node): State<Arc<Node>>, Path(id): Path<String>) -> Reply {
    ok(query::job(&node, query::parse_u64("job", &id)?)?)
}

/// `GET /jobs?buyer=gh1…|operator=gh1…` (newest first, at most 200).
pub async fn jobs(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let filter = if let Some(buyer) = q.get("buyer") {
        query::JobFilter::Buyer(query::parse_address(buyer)?)
    } else if let Some(operator) = q.get("operator") {
        query::JobFilter::Operator(query::parse_address(operator)?)
    } else {
        query::JobFilter::Latest
    };
    ok(query::jobs(&node, filter)?)
}

/// `GET /certificates?owner=gh1…|device=N[&status=&source=&from_hour=&to_hour=&cell=]`.
pub async fn certificates(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let hour = |name: &str| q.get(name).map(|v| query::parse_u64(name, v)).transpose();
    let filter = query::CertificateFilter {
        owner: q.get("owner").map(|a| query::parse_address(a)).transpose()?,
        device: hour("device")?,
        status: q.get("status").cloned(),
        source: q.get("source").cloned(),
        from_hour: hour("from_hour")?,
        to_hour: hour("to_hour")?,
        cell: q.get("cell").cloned(),
    };
    ok(query::certificates(&node, &filter)?)
}

/// `GET /certificates/{first id}`.
pub async fn certificate(State(node): State<Arc<Node>>, Path(id): Path<String>) -> Reply {
    ok(query::certificate(&node, query::parse_u64("id", &id)?)?)
}

/// `GET /claims?claimant=gh1…`.
pub async fn claims(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let claimant = q.get("claimant").ok_or_else(|| RpcError::InvalidParams("give claimant".into()))?;
    ok(query::claims(&node, &query::parse_address(claimant)?)?)
}

/// `GET /match-report?account=gh1…&from_hour=H&to_hour=H`.
pub async fn match_report(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let get = |name: &str| q.get(name).ok_or_else(|| RpcError::InvalidParams(format!("give {name}")));
    let account = query::parse_address(get("account")?)?;
    let from = query::parse_u64("from_hour", get("from_hour")?)?;
    let to = query::parse_u64("to_hour", get("to_hour")?)?;
    ok(query::match_report(&node, &account, from, to)?)
}

/// `GET /credits[?registrant=gh1…]`.
pub async fn credits(State(node): State<Arc<Node>>, Query(q): Query<BTreeMap<String, String>>) -> Reply {
    let registrant = q.get("registrant").map(|a| query::parse_address(a)).transpose()?;
    ok(query::credits(&node, registrant)?)
}

/// `GET /credit-pools`.
pub async fn credit_pools(State(node): State<Arc<Node>>) -> Reply {
    ok(query::credit_pools(&node)?)
}

/// `GET /commits/{height}`: the block's commit certificate.
pub async fn commit(State(node): State<Arc<Node>>, Path(height): Path<String>) -> Reply {
    ok(query::commit(&node, query::parse_u64("height", &height)?)?)
}

/// `GET /validators`.
pub async fn validators(State(node): State<Arc<Node>>) -> Reply {
    ok(query::validators(&node)?)
}

/// `GET /validator-sets`: current and next set with their hashes.
pub async fn validator_sets(State(node): State<Arc<Node>>) -> Reply {
    ok(query::validator_sets(&node)?)
}

/// `GET /workloads/{hash}`: an uploaded WASM module (hex).
pub async fn workload(State(node): State<Arc<Node>>, Path(hash): Path<String>) -> Reply {
    ok(query::workload(&node, &hash)?)
}
