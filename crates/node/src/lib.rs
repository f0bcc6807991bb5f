//! The node: mempool, the block producer's wiring, block and transaction
//! queries, and the HTTP server (JSON-RPC 2.0, REST, WebSocket, OpenAPI, metrics).
//!
//! Invariants kept here:
//! - Every externally supplied byte is treated as adversarial: bodies are size
//!   limited, JSON is parsed by us so malformed input gets a JSON-RPC error, and
//!   no handler panics on input.
//! - `broadcast_tx` in `commit` mode answers only after the block holding the
//!   transaction is durably committed (or with the error that dropped it).
//! - Signature checks are batched: concurrent submissions are gathered into
//!   one batch verification.
// The OpenAPI document is one `json!` literal, deeper than the default limit.
#![recursion_limit = "256"]

pub mod config;
pub mod dashboard;
pub mod faucet;
pub mod keyring;
pub mod mempool;
pub mod metrics;
pub mod node;
pub mod openapi;
pub mod rpc;

pub use config::NodeConfig;
pub use mempool::{Mempool, MempoolConfig, MempoolError};
pub use node::{Node, RunningNode};
