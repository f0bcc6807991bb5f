//! Prometheus metrics (`/metrics`).

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// The node's metrics, cheap to update from any thread.
pub struct Metrics {
    registry: Registry,
    pub height: Gauge,
    pub mempool_size: Gauge,
    pub blocks: Counter,
    pub txs_committed: Counter,
    pub txs_dropped: Counter,
    pub txs_received: Counter,
    pub txs_refused: Counter,
    pub block_txs: Histogram,
    pub rpc_requests: Counter,
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("greenhour");
        let m = Metrics {
            height: Gauge::default(),
            mempool_size: Gauge::default(),
            blocks: Counter::default(),
            txs_committed: Counter::default(),
            txs_dropped: Counter::default(),
            txs_received: Counter::default(),
            txs_refused: Counter::default(),
            block_txs: Histogram::new(exponential_buckets(1.0, 4.0, 10)),
            rpc_requests: Counter::default(),
            registry: Registry::default(),
        };
        registry.register("height", "Height of the last committed block", m.height.clone());
        registry.register("mempool_size", "Transactions waiting in the mempool", m.mempool_size.clone());
        registry.register("blocks", "Blocks committed since start", m.blocks.clone());
        registry.register("txs_committed", "Transactions committed since start", m.txs_committed.clone());
        registry.register("txs_dropped", "Admitted transactions that failed in a block", m.txs_dropped.clone());
        registry.register("txs_received", "Transactions submitted", m.txs_received.clone());
        registry.register("txs_refused", "Transactions refused at admission", m.txs_refused.clone());
        registry.register("block_txs", "Transactions per block", m.block_txs.clone());
        registry.register("rpc_requests", "HTTP requests served", m.rpc_requests.clone());
        Metrics { registry, ..m }
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}
