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
        "account_txs" => to_json(query::account_txs(
            node,
            query::parse_address(str_param(p, "address")?)?,
            opt_u64(p, "before")?,
            opt_u64(p, "limit")?,
        )?)?,
        "balances" => to_json(query::account(node, query::parse_address(str_param(p, "address")?)?)?.balances)?,
        "supply" => to_json(query::supply(node)?)?,
        "state" => {
            let key = state_key(p)?;
            to_json(query::state(node, &key, opt_u64(p, "height")?)?)?
        }
        "rpc.discover" => crate::openapi::openrpc(),
        "broadcast_tx" => {
            let mode = match p.get("mode") {
                None | Some(Value::Null) => BroadcastMode::Sync,
                Some(v) => serde_json::from_value(v.clone())
                    .map_err(|_| RpcError::InvalidParams("mode must be \"sync\" or \"commit\"".into()))?,
            };
            to_json(query::broadcast(node, str_param(p, "tx")?, mode).await?)?
        }
        "encode_tx" => {
            let body = p.get("body").ok_or_else(|| RpcError::InvalidParams("missing parameter body".into()))?;
            to_json(query::encode_tx(node, body)?)?
        }
        "faucet" => to_json(query::faucet(node, query::parse_address(str_param(p, "address")?)?).await?)?,
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
        _ => match query::module_read(node, method, p) {
            Some(answer) => answer?,
            None => return Err(Dispatch::UnknownMethod),
        },
    })
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
