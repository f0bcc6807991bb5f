//! JSON-RPC 2.0: single and batch requests; errors per the spec's codes.

use super::query::{self, to_json, RpcError};
use crate::node::Node;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use greenhour_app::rpc::BroadcastMode;
use serde_json::{json, Map, Value};
use std::sync::Arc;

const MAX_BATCH: usize = 100;

fn error_obj(id: Value, code: i64, message: String, data: Value) -> Value {
    let mut err = json!({"code": code, "message": message});
    if !data.is_null() {
        err["data"] = data;
    }
    json!({"jsonrpc": "2.0", "id": id, "error": err})
}

pub async fn handle(State(node): State<Arc<Node>>, body: Bytes) -> Response {
    let parsed: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return Json(error_obj(Value::Null, -32700, format!("parse error: {e}"), Value::Null)).into_response()
        }
    };
    match parsed {
        Value::Array(items) => {
            if items.is_empty() {
                return Json(error_obj(Value::Null, -32600, "invalid request: empty batch".into(), Value::Null))
                    .into_response();
            }
            if items.len() > MAX_BATCH {
                return Json(error_obj(Value::Null, -32600, format!("batch larger than {MAX_BATCH}"), Value::Null))
                    .into_response();
            }
            let mut out = Vec::new();
            for item in items {
                if let Some(r) = one(&node, item).await {
                    out.push(r);
                }
            }
            if out.is_empty() {
                StatusCode::NO_CONTENT.into_response()
            } else {
                Json(Value::Array(out)).into_response()
            }
        }
        single => match one(&node, single).await {
            Some(r) => Json(r).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    }
}

/// Answers one request; `None` for a notification (no `id`), which gets no reply.
async fn one(node: &Node, request: Value) -> Option<Value> {
    let Value::Object(obj) = request else {
        return Some(error_obj(Value::Null, -32600, "invalid request: expected an object".into(), Value::Null));
    };
    let id = obj.get("id").cloned();
    let reply_id = id.clone().unwrap_or(Value::Null);
    if !matches!(reply_id, Value::Null | Value::String(_) | Value::Number(_)) {
        return Some(error_obj(
            Value::Null,
            -32600,
            "invalid request: id must be a string, number or null".into(),
            Value::Null,
        ));
    }
    if obj.get("jsonrpc") != Some(&Value::String("2.0".into())) {
        return Some(error_obj(reply_id, -32600, "invalid request: jsonrpc must be \"2.0\"".into(), Value::Null));
    }
    let Some(Value::String(method)) = obj.get("method") else {
        return Some(error_obj(reply_id, -32600, "invalid request: method must be a string".into(), Value::Null));
    };
    let params = match obj.get("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(_) => {
            return Some(error_obj(reply_id, -32602, "invalid params: params must be an object".into(), Value::Null))
        }
    };
    let result = dispatch(node, method, &params).await;
    id.as_ref()?;
    Some(match result {
        Ok(v) => json!({"jsonrpc": "2.0", "id": reply_id, "result": v}),
        Err(Dispatch::UnknownMethod) => {
            error_obj(reply_id, -32601, format!("method {method:?} not found"), Value::Null)
        }
        Err(Dispatch::Rpc(e)) => error_obj(reply_id, e.jsonrpc_code(), e.to_string(), e.data()),
    })
}

enum Dispatch {
    UnknownMethod,
    Rpc(RpcError),
}

impl From<RpcError> for Dispatch {
    fn from(e: RpcError) -> Self {
        Dispatch::Rpc(e)
    }
}

fn str_param<'a>(p: &'a Map<String, Value>, name: &str) -> Result<&'a str, RpcError> {
    match p.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(RpcError::InvalidParams(format!("{name} must be a string"))),
        None => Err(RpcError::InvalidParams(format!("missing parameter {name}"))),
    }
}

fn opt_u64(p: &Map<String, Value>, name: &str) -> Result<Option<u64>, RpcError> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| {
            // serde_json keeps an integer beyond u64 as a float: say it is too large.
            if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f > u64::MAX as f64) {
                RpcError::InvalidParams(format!("{name} {n} is larger than the largest allowed, {}", u64::MAX))
            } else {
                RpcError::InvalidParams(format!("{name} must be a non-negative integer"))
            }
        }),
        Some(Value::String(s)) => query::parse_u64(name, s).map(Some),
        Some(_) => Err(RpcError::InvalidParams(format!("{name} must be a non-negative integer"))),
    }
}

async fn dispatch(node: &Node, method: &str, p: &Map<String, Value>) -> Result<Value, Dispatch> {
    Ok(match method {
        "status" => to_json(query::status(node)?)?,
        "block" => to_json(query::block(node, opt_u64(p, "height")?)?)?,
        "commit" => to_json(query::commit(node, required_u64(p, "height")?)?)?,
        "tx" => to_json(query::tx(node, query::parse_hash(str_param(p, "hash")?)?)?)?,
        "account" => to_json(query::account(node, query::parse_address(str_param(p, "address")?)?)?)?,
        "balances" => to_json(query::account(node, query::parse_address(str_param(p, "address")?)?)?.balances)?,
        "supply" => to_json(query::supply(node)?)?,
        "state" => {
            let key = state_key(p)?;
            to_json(query::state(node, &key, opt_u64(p, "height")?)?)?
        }
        "device" => to_json(query::device(node, required_u64(p, "id")?)?)?,
        "devices" => {
            let owner = match p.get("owner") {
                None | Some(Value::Null) => None,
                Some(_) => Some(query::parse_address(str_param(p, "owner")?)?),
            };
            to_json(query::devices(node, owner)?)?
        }
        "device_reports" => {
            to_json(query::device_reports(node, required_u64(p, "id")?, opt_u64(p, "from")?.unwrap_or(0))?)?
        }
        "nft" => to_json(query::nft(node, str_param(p, "class")?, required_u64(p, "serial")?)?)?,
        "nfts" => to_json(query::nfts(node, query::parse_address(str_param(p, "owner")?)?)?)?,
        "oracle" => to_json(query::oracle(node, str_param(p, "feed")?)?)?,
        "pools" => to_json(query::pools(node)?)?,
        "pool" => to_json(query::pool(node, required_u64(p, "id")?)?)?,
        "position" => to_json(query::position(node, required_u64(p, "serial")?)?)?,
        "positions" => {
            let filter = if let Some(owner) = p.get("owner").and_then(|v| v.as_str()) {
                query::PositionFilter::Owner(query::parse_address(owner)?)
            } else if let Some(device) = opt_u64(p, "device")? {
                query::PositionFilter::Device(greenhour_devices::DeviceId(device))
            } else if let Some(hour) = opt_u64(p, "hour")? {
                query::PositionFilter::Hour(hour)
            } else if let Some(pool) = opt_u64(p, "pool")? {
                query::PositionFilter::Pool(greenhour_pools::PoolId(pool))
            } else {
                return Err(RpcError::InvalidParams("give one of owner, device, hour or pool".into()).into());
            };
            to_json(query::positions(node, filter)?)?
        }
        "market_pools" => to_json(query::market_pools(node)?)?,
        "market_pool" => to_json(query::market_pool(node, str_param(p, "slot")?)?)?,
        "market_route" => {
            let hours = u32::try_from(required_u64(p, "hours")?)
                .map_err(|_| RpcError::InvalidParams("hours must fit u32".into()))?;
            let per_hour = opt_u128(p, "slots_per_hour")?.unwrap_or(1);
            let quote = p.get("quote").and_then(Value::as_str);
            to_json(query::market_route(node, str_param(p, "first_slot")?, hours, per_hour, quote)?)?
        }
        "index" => {
            let class = p.get("class").and_then(Value::as_str);
            to_json(query::index_values(node, class, p.get("quote").and_then(Value::as_str))?)?
        }
        "market_quote" => {
            let buy_slots = p.get("buy_slots").and_then(Value::as_bool).unwrap_or(true);
            let exact = match (opt_u128(p, "exact_in")?, opt_u128(p, "exact_out")?) {
                (Some(a), None) => greenhour_market::Exact::In(a),
                (None, Some(a)) => greenhour_market::Exact::Out(a),
                _ => return Err(RpcError::InvalidParams("give exactly one of exact_in or exact_out".into()).into()),
            };
            to_json(query::market_quote(node, str_param(p, "slot")?, buy_slots, exact)?)?
        }
        "slot" => to_json(query::slot(
            node,
            p.get("unit").and_then(|v| v.as_str()).unwrap_or("gpu_hour"),
            str_param(p, "class")?,
            required_u64(p, "hour")?,
        )?)?,
        "job" => to_json(query::job(node, required_u64(p, "id")?)?)?,
        "jobs" => {
            let filter = if let Some(buyer) = p.get("buyer").and_then(Value::as_str) {
                query::JobFilter::Buyer(query::parse_address(buyer)?)
            } else if let Some(operator) = p.get("operator").and_then(Value::as_str) {
                query::JobFilter::Operator(query::parse_address(operator)?)
            } else {
                query::JobFilter::Latest
            };
            to_json(query::jobs(node, filter)?)?
        }
        "workload" => to_json(query::workload(node, str_param(p, "hash")?)?)?,
        "capacity" => to_json(query::capacity(node, str_param(p, "class")?, required_u64(p, "hour")?)?)?,
        "certificates" => {
            let owner = p.get("owner").and_then(Value::as_str).map(query::parse_address).transpose()?;
            let filter = query::CertificateFilter {
                owner,
                device: opt_u64(p, "device")?,
                status: p.get("status").and_then(Value::as_str).map(String::from),
                source: p.get("source").and_then(Value::as_str).map(String::from),
                from_hour: opt_u64(p, "from_hour")?,
                to_hour: opt_u64(p, "to_hour")?,
                cell: p.get("cell").and_then(Value::as_str).map(String::from),
            };
            to_json(query::certificates(node, &filter)?)?
        }
        "certificate" => to_json(query::certificate(node, required_u64(p, "id")?)?)?,
        "claims" => to_json(query::claims(node, &query::parse_address(str_param(p, "claimant")?)?)?)?,
        "claim" => to_json(query::claim(node, required_u64(p, "receipt")?)?)?,
        "match_report" => to_json(query::match_report(
            node,
            &query::parse_address(str_param(p, "account")?)?,
            required_u64(p, "from_hour")?,
            required_u64(p, "to_hour")?,
        )?)?,
        "credits" => {
            let registrant = p.get("registrant").and_then(Value::as_str).map(query::parse_address).transpose()?;
            to_json(query::credits(node, registrant)?)?
        }
        "credit" => to_json(query::credit(node, required_u64(p, "id")?)?)?,
        "credit_pools" => to_json(query::credit_pools(node)?)?,
        "retirements" => {
            let retiree = p.get("retiree").and_then(Value::as_str).map(query::parse_address).transpose()?;
            to_json(query::retirements(node, retiree)?)?
        }
        "validators" => to_json(query::validators(node)?)?,
        "validator_sets" => to_json(query::validator_sets(node)?)?,
        "broadcast_tx" => {
            let mode = match p.get("mode") {
                None | Some(Value::Null) => BroadcastMode::Sync,
                Some(v) => serde_json::from_value(v.clone())
                    .map_err(|_| RpcError::InvalidParams("mode must be \"sync\" or \"commit\"".into()))?,
            };
            to_json(query::broadcast(node, str_param(p, "tx")?, mode).await?)?
        }
        "relay_txs" => {
            let Some(Value::Array(txs)) = p.get("txs") else {
                return Err(RpcError::InvalidParams("txs must be an array of hex strings".into()).into());
            };
            if txs.len() > crate::node::RELAY_BATCH {
                return Err(RpcError::InvalidParams(format!(
                    "txs holds {} transactions; a relay carries at most {}",
                    txs.len(),
                    crate::node::RELAY_BATCH
                ))
                .into());
            }
            let max_hex = 2 * node.app.params().max_tx_bytes as usize;
            let mut raw = Vec::with_capacity(txs.len());
            for tx in txs {
                let hex_tx = tx.as_str().filter(|t| t.len() <= max_hex).ok_or_else(|| {
                    RpcError::InvalidParams("each tx must be a hex string within the size limit".into())
                })?;
                raw.push(
                    hex::decode(hex_tx)
                        .map_err(|e| RpcError::InvalidParams(format!("tx must be hex-encoded bytes: {e}")))?,
                );
            }
            // Each refusal with its index and stable (module, code), as broadcast_tx gives it.
            let results = node.accept_relayed(raw).await;
            let refused: Vec<Value> = results
                .iter()
                .enumerate()
                .filter_map(|(index, r)| r.as_ref().err().map(|e| serde_json::json!({ "index": index, "error": e })))
                .collect();
            serde_json::json!({ "admitted": results.len() - refused.len(), "refused": refused })
        }
        _ => return Err(Dispatch::UnknownMethod),
    })
}

/// A u128 given as a decimal string (or a small JSON number).
fn opt_u128(p: &Map<String, Value>, name: &str) -> Result<Option<u128>, RpcError> {
    match p.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => {
            s.parse().map(Some).map_err(|_| RpcError::InvalidParams(format!("{name} must be a decimal amount")))
        }
        Some(Value::Number(n)) => n
            .as_u64()
            .map(|v| Some(v as u128))
            .ok_or_else(|| RpcError::InvalidParams(format!("{name} must be a non-negative integer"))),
        Some(_) => Err(RpcError::InvalidParams(format!("{name} must be a decimal amount"))),
    }
}

fn required_u64(p: &Map<String, Value>, name: &str) -> Result<u64, RpcError> {
    opt_u64(p, name)?.ok_or_else(|| RpcError::InvalidParams(format!("missing parameter {name}")))
}

/// `key` is UTF-8 text by default, or hex when `encoding` is `"hex"`.
fn state_key(p: &Map<String, Value>) -> Result<Vec<u8>, RpcError> {
    let key = str_param(p, "key")?;
    match p.get("encoding").and_then(|v| v.as_str()) {
        None | Some("utf8") => Ok(key.as_bytes().to_vec()),
        Some("hex") => hex::decode(key).map_err(|e| RpcError::InvalidParams(format!("key is not hex: {e}"))),
        Some(other) => Err(RpcError::InvalidParams(format!("encoding {other:?} is not utf8 or hex"))),
    }
}
