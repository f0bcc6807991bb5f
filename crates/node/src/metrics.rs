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
    pub txs_failed: Counter,
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
            txs_failed: Counter::default(),
            txs_received: Counter::default(),
            txs_refused: Counter::default(),
            block_txs: Histogram::new(exponential_buckets(1.0, 4.0, 10)),
            rpc_requests: Counter::default(),
            registry: Registry::default(),
        };
        registry.register("height", "Height of the last committed block", m.height.clone());
        registry.register("mempool_size", "Transactions waiting in the mempool", m.mempool_size.clone());
        registry.register("blocks", "Blocks committed since start", m.blocks.clone());
        registry.register(
            "txs_committed",
            "Transactions committed since start, failed ones included",
            m.txs_committed.clone(),
        );
        registry.register(
            "txs_dropped",
            "Admitted transactions a block left out (they changed nothing)",
            m.txs_dropped.clone(),
        );
        registry.register(
            "txs_failed",
            "Transactions committed with failed actions (rolled back; nonce used, fee charged)",
            m.txs_failed.clone(),
        );
        registry.register("txs_received", "Transactions submitted", m.txs_received.clone());
        registry.register("txs_refused", "Transactions refused at admission", m.txs_refused.clone());
        registry.register("block_txs", "Transactions per block", m.block_txs.clone());
        registry.register("rpc_requests", "HTTP requests received, every route and outcome", m.rpc_requests.clone());
        Metrics { registry, ..m }
    }

    /// The OpenMetrics 1.0 exposition (what Prometheus asks for first).
    pub fn render(&self) -> String {
        let mut out = String::new();
        encode(&mut out, &self.registry).expect("writing to a String cannot fail");
        out
    }

    /// The Prometheus text format 0.0.4, for clients that do not ask for
    /// OpenMetrics (curl, `promtool check metrics`). The two differ in how a
    /// counter is named: OpenMetrics names the family `x` and its sample `x_total`,
    /// the text format names both `x_total`, so a counter's `HELP` and `TYPE` lines
    /// are renamed; the `# EOF` terminator is OpenMetrics only.
    pub fn render_text(&self) -> String {
        let open = self.render();
        let counters: std::collections::BTreeSet<&str> =
            open.lines().filter_map(|l| l.strip_prefix("# TYPE ")?.strip_suffix(" counter")).collect();
        let mut out = String::with_capacity(open.len());
        for line in open.lines() {
            if line == "# EOF" {
                continue;
            }
            let renamed = ["# HELP ", "# TYPE "].iter().find_map(|tag| {
                let rest = line.strip_prefix(tag)?;
                let (name, tail) = rest.split_once(' ')?;
                counters.contains(name).then(|| format!("{tag}{name}_total {tail}"))
            });
            out.push_str(renamed.as_deref().unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In the text format every sample's family has HELP and TYPE under the
    /// sample's own name (counters as `x_total`), and there is no `# EOF`.
    #[test]
    fn the_text_format_names_counters_as_their_samples() {
        let m = Metrics::new();
        m.blocks.inc();
        m.block_txs.observe(3.0);
        let text = m.render_text();
        assert!(!text.contains("# EOF"));
        assert!(text.contains("# HELP greenhour_blocks_total Blocks committed since start."), "{text}");
        assert!(text.contains("# TYPE greenhour_blocks_total counter"), "{text}");
        assert!(text.contains("greenhour_blocks_total 1"), "{text}");
        for sample in text.lines().filter(|l| !l.starts_with('#')) {
            let name = sample.split([' ', '{']).next().unwrap();
            let family = ["_bucket", "_sum", "_count"].iter().find_map(|s| name.strip_suffix(s)).unwrap_or(name);
            let documented = text.contains(&format!("# HELP {name} ")) || text.contains(&format!("# HELP {family} "));
            assert!(documented, "{name} has no HELP in\n{text}");
        }
        assert!(m.render().ends_with("# EOF\n"), "OpenMetrics keeps its terminator");
    }
}
