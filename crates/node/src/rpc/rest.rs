//! REST routes: the JSON-RPC methods as resources. Errors are JSON
//! `{"error": {"message", "module"?, "code"?}}` with a 4xx/5xx status.

use super::query::{self, RpcError};
use crate::node::Node;
use axum::body::Bytes;
use axum::extract::{Path, Query, RawPathParams, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use greenhour_app::rpc::BroadcastMode;
use greenhour_framework::queries::Params;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

impl IntoResponse for RpcError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        // The same message JSON-RPC gives ("module/code: why"), with the code's parts beside it.
        let mut body = json!({"error": {"message": self.to_string()}});
        if let RpcError::Rejected(_) | RpcError::Failed { .. } = &self {
            if let serde_json::Value::Object(data) = self.data() {
                for (k, v) in data.into_iter().filter(|(k, _)| k != "message") {
                    body["error"][k] = v;
                }
            }
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

/// `GET /accounts/{address}/txs?before=N&limit=M`.
pub async fn account_txs(
    State(node): State<Arc<Node>>,
    Path(address): Path<String>,
    Query(q): Query<BTreeMap<String, String>>,
) -> Reply {
    let number = |name: &str| q.get(name).map(|v| query::parse_u64(name, v)).transpose();
    ok(query::account_txs(&node, query::parse_address(&address)?, number("before")?, number("limit")?)?)
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EncodeBody {
    body: serde_json::Value,
}

/// `POST /txs/encode` with `{"body": <TxBody JSON>}`.
pub async fn encode_tx(State(node): State<Arc<Node>>, body: Bytes) -> Reply {
    let body: EncodeBody =
        serde_json::from_slice(&body).map_err(|e| RpcError::InvalidParams(format!("invalid JSON body: {e}")))?;
    ok(query::encode_tx(&node, &body.body)?)
}

/// `POST /faucet/{address}`.
pub async fn faucet(State(node): State<Arc<Node>>, Path(address): Path<String>) -> Reply {
    ok(query::faucet(&node, query::parse_address(&address)?).await?)
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

/// A module's read at its REST route: the path parameters and the query string
/// become the request's parameters (all strings), exactly as JSON-RPC `params`.
pub async fn module_read(
    node: Arc<Node>,
    method: &'static str,
    path: RawPathParams,
    Query(query): Query<BTreeMap<String, String>>,
) -> Reply {
    let mut params = Params::new();
    for (name, value) in path.iter() {
        params.insert(name.to_string(), Value::String(value.to_string()));
    }
    for (name, value) in query {
        if params.contains_key(&name) {
            return Err(RpcError::InvalidParams(format!("{name} is a path parameter of this route; give it once")));
        }
        params.insert(name, Value::String(value));
    }
    let answer = query::module_read(&node, method, &params)
        .unwrap_or_else(|| Err(RpcError::Internal(format!("no module serves {method}"))))?;
    Ok(Json(answer).into_response())
}

pub async fn openrpc() -> Response {
    Json(crate::openapi::openrpc()).into_response()
}

pub async fn not_found() -> Response {
    RpcError::NotFound("no such route; see /openapi.json".into()).into_response()
}

/// `GET /commits/{height}`: the block's commit certificate.
pub async fn commit(State(node): State<Arc<Node>>, Path(height): Path<String>) -> Reply {
    ok(query::commit(&node, query::parse_u64("height", &height)?)?)
}
