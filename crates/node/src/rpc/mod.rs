//! HTTP server: JSON-RPC 2.0 at `POST /`, the web dashboard at `GET /`, REST
//! routes with the same methods, a WebSocket at `/ws`, `/openapi.json`,
//! `/openrpc.json` and `/metrics`.
//!
//! The node's own reads (status, blocks, transactions, accounts, state proofs,
//! broadcast) are written here; every module read is declared once in its
//! module (`module_queries!`) and served from that declaration: a JSON-RPC
//! method, a REST route and an entry in both generated documents.

mod jsonrpc;
mod query;
mod rest;
mod ws;

pub use query::RpcError;

use crate::node::Node;
use axum::extract::{DefaultBodyLimit, RawPathParams, State};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

/// All routes over one node, with a per-IP request rate limit when `rate` is
/// given. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`:
/// the limit and the WebSocket cap key on the peer's IP.
pub fn router(
    node: Arc<Node>,
    max_body_bytes: usize,
    rate: Option<&crate::config::RateLimit>,
) -> Result<Router, String> {
    let router = Router::new()
        .route("/", get(crate::dashboard::index).post(jsonrpc::handle))
        .route("/assets/{file}", get(crate::dashboard::asset))
        .route("/rpc", post(jsonrpc::handle))
        .route("/status", get(rest::status))
        .route("/health", get(rest::health))
        .route("/blocks/latest", get(rest::latest_block))
        .route("/blocks/{height}", get(rest::block))
        .route("/txs", post(rest::broadcast))
        .route("/txs/encode", post(rest::encode_tx))
        .route("/faucet/{address}", post(rest::faucet))
        .route("/txs/{hash}", get(rest::tx))
        .route("/accounts/{address}", get(rest::account))
        .route("/accounts/{address}/balances", get(rest::balances))
        .route("/accounts/{address}/txs", get(rest::account_txs))
        .route("/supply", get(rest::supply))
        .route("/state", get(rest::state))
        .route("/commits/{height}", get(rest::commit))
        .route("/ws", get(ws::upgrade))
        .route("/openapi.json", get(rest::openapi))
        .route("/openrpc.json", get(rest::openrpc))
        .route("/metrics", get(rest::metrics))
        .merge(module_routes())
        .fallback(rest::not_found)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn(move |request, next| name_the_body_limit(max_body_bytes, request, next)))
        .layer(axum::middleware::from_fn_with_state(node.clone(), count_request))
        .with_state(node);
    let Some(rate) = rate else { return Ok(router) };
    if !(1..=1_000_000).contains(&rate.requests_per_second) || rate.burst == 0 {
        return Err(format!(
            "rpc_rate_limit needs 1 to 1,000,000 requests_per_second and a burst of at least 1, not {rate:?}"
        ));
    }
    let config = tower_governor::governor::GovernorConfigBuilder::default()
        .per_nanosecond(1_000_000_000 / u64::from(rate.requests_per_second))
        .burst_size(rate.burst)
        .finish()
        .ok_or_else(|| format!("rpc_rate_limit {rate:?} is not a valid quota"))?;
    // governor keeps a cell per IP ever seen; forget the ones whose bucket has
    // refilled, for as long as the router (which owns the limiter) lives.
    let limiter = Arc::downgrade(config.limiter());
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            match limiter.upgrade() {
                Some(limiter) => limiter.retain_recent(),
                None => return,
            }
        }
    });
    let (per_second, burst) = (rate.requests_per_second, rate.burst);
    let layer = tower_governor::GovernorLayer::new(config).error_handler(move |e| {
        let message = match e {
            tower_governor::GovernorError::TooManyRequests { wait_time, .. } => format!(
                "more than {per_second} requests a second (burst {burst}) from this address (rpc_rate_limit); retry in {wait_time} s"
            ),
            other => format!("request refused: {other}"),
        };
        let body = serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32005, "message": message}});
        (axum::http::StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response()
    });
    Ok(router.layer(layer))
}

/// One `GET` route per module read, at the path its module declares.
fn module_routes() -> Router<Arc<Node>> {
    let mut router = Router::new();
    for doc in greenhour_app::modules::query_docs() {
        let method = doc.method;
        router = router.route(
            doc.path,
            get(move |State(node): State<Arc<Node>>, path: RawPathParams, query| {
                rest::module_read(node, method, path, query)
            }),
        );
    }
    router
}

/// A body over the limit is refused with 413 by the extractor, whose text does
/// not say what the limit is; the answer here names it, as a JSON-RPC error
/// (`-32600`, invalid request, with `data.limit_bytes`) that REST clients read too.
async fn name_the_body_limit(
    limit: usize,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let response = next.run(request).await;
    if response.status() != axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let message = format!("the request body is larger than this node's limit of {limit} bytes (rpc_max_body_bytes)");
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32600, "message": message, "data": {"limit_bytes": limit}},
    });
    (axum::http::StatusCode::PAYLOAD_TOO_LARGE, axum::Json(body)).into_response()
}

/// Every HTTP request counts, whatever its route and outcome (4xx, unknown routes,
/// refused bodies included).
async fn count_request(
    axum::extract::State(node): axum::extract::State<Arc<Node>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    node.metrics.rpc_requests.inc();
    next.run(request).await
}
