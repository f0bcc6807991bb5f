//! HTTP server: JSON-RPC 2.0 at `POST /`, REST routes with the same methods,
//! a WebSocket at `/ws`, `/openapi.json` and `/metrics`.

mod jsonrpc;
mod query;
mod rest;
mod ws;

pub use query::RpcError;

use crate::node::Node;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

/// All routes over one node.
pub fn router(node: Arc<Node>, max_body_bytes: usize) -> Router {
    Router::new()
        .route("/", post(jsonrpc::handle))
        .route("/rpc", post(jsonrpc::handle))
        .route("/status", get(rest::status))
        .route("/health", get(rest::health))
        .route("/blocks/latest", get(rest::latest_block))
        .route("/blocks/{height}", get(rest::block))
        .route("/txs", post(rest::broadcast))
        .route("/txs/{hash}", get(rest::tx))
        .route("/accounts/{address}", get(rest::account))
        .route("/accounts/{address}/balances", get(rest::balances))
        .route("/supply", get(rest::supply))
        .route("/state", get(rest::state))
        .route("/oracle/{feed}", get(rest::oracle))
        .route("/nfts", get(rest::nfts))
        .route("/nfts/{class}/{serial}", get(rest::nft))
        .route("/pools", get(rest::pools))
        .route("/pools/{id}", get(rest::pool))
        .route("/positions", get(rest::positions))
        .route("/positions/{serial}", get(rest::position))
        .route("/slots/{class}/{hour}", get(rest::slot))
        .route("/market/pools", get(rest::market_pools))
        .route("/market/quote", get(rest::market_quote))
        .route("/market/pool", get(rest::market_pool))
        .route("/market/route", get(rest::market_route))
        .route("/index", get(rest::index))
        .route("/jobs", get(rest::jobs))
        .route("/jobs/{id}", get(rest::job))
        .route("/workloads/{hash}", get(rest::workload))
        .route("/certificates", get(rest::certificates))
        .route("/certificates/{id}", get(rest::certificate))
        .route("/claims", get(rest::claims))
        .route("/match-report", get(rest::match_report))
        .route("/credits", get(rest::credits))
        .route("/credit-pools", get(rest::credit_pools))
        .route("/validators", get(rest::validators))
        .route("/commits/{height}", get(rest::commit))
        .route("/validator-sets", get(rest::validator_sets))
        .route("/devices", get(rest::devices))
        .route("/devices/{id}", get(rest::device))
        .route("/devices/{id}/reports", get(rest::device_reports))
        .route("/ws", get(ws::upgrade))
        .route("/openapi.json", get(rest::openapi))
        .route("/metrics", get(rest::metrics))
        .fallback(rest::not_found)
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(node.clone(), count_request))
        .with_state(node)
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
