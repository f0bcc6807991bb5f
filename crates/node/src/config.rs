use crate::MempoolConfig;
use greenhour_consensus::{MalachiteConfig, SoloConfig};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// `config.json` in a node's home folder.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// Address the HTTP server listens on (`127.0.0.1:0` picks a free port).
    pub rpc_listen: String,
    /// Largest HTTP request body accepted, in bytes.
    #[serde(default = "default_body_limit")]
    pub rpc_max_body_bytes: usize,
    #[serde(default)]
    pub solo: SoloConfig,
    #[serde(default)]
    pub mempool: MempoolConfig,
    /// redb page cache, in MiB.
    #[serde(default = "default_cache_mib")]
    pub store_cache_mib: usize,
    /// Versions (blocks) whose state trees are kept for proofs and past reads;
    /// older tree nodes are pruned. `null` keeps everything (an archive node).
    #[serde(default = "default_state_history")]
    pub state_history_versions: Option<u64>,
    /// Keyring names of the consensus keys this node signs commit certificates
    /// with (a one-machine chain's validators; light clients check them).
    #[serde(default)]
    pub commit_keys: Vec<String>,
    /// Run as one validator of a multi-validator network on Malachite instead of
    /// producing blocks alone (`solo` is then unused).
    #[serde(default)]
    pub malachite: Option<MalachiteConfig>,
    /// Keyring name of this node's consensus key (required with `malachite`).
    #[serde(default)]
    pub validator_key: Option<String>,
    /// RPC URLs of peer nodes that transactions admitted here are relayed to, so
    /// whichever validator proposes next has them.
    #[serde(default)]
    pub relay_peers: Vec<String>,
    /// Keyring name of an account that reports double-sign evidence the driver
    /// observes (a `report_double_sign` transaction, paying its fee).
    #[serde(default)]
    pub evidence_reporter: Option<String>,
    /// A devnet faucet (`faucet` JSON-RPC) paying from a keyring account; never
    /// set on a real network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faucet: Option<crate::faucet::FaucetConfig>,
    /// Per-IP HTTP request rate limit (every route, JSON-RPC and REST alike);
    /// `null` (the default) sets none, as a devnet's fleet and dashboard all
    /// come from one loopback address. A public node sets one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpc_rate_limit: Option<RateLimit>,
    /// WebSocket subscriptions open at once from one IP address; more are
    /// refused with 429.
    #[serde(default = "default_ws_per_ip")]
    pub ws_max_per_ip: usize,
}

/// A token bucket per client IP (tower_governor over governor's GCRA).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// Sustained requests per second one IP may make (1 to 1,000,000).
    pub requests_per_second: u32,
    /// Requests one IP may make at once before the rate applies (at least 1).
    pub burst: u32,
}

fn default_ws_per_ip() -> usize {
    32
}

/// About a day of 1-second blocks: enough for light clients and audits of recent
/// state; archive nodes set `null`.
fn default_state_history() -> Option<u64> {
    Some(100_000)
}

fn default_body_limit() -> usize {
    4 << 20
}
fn default_cache_mib() -> usize {
    128
}

impl Default for NodeConfig {
    fn default() -> Self {
        NodeConfig {
            rpc_listen: "127.0.0.1:26657".into(),
            rpc_max_body_bytes: default_body_limit(),
            solo: SoloConfig::default(),
            mempool: MempoolConfig::default(),
            commit_keys: Vec::new(),
            malachite: None,
            validator_key: None,
            relay_peers: Vec::new(),
            evidence_reporter: None,
            faucet: None,
            rpc_rate_limit: None,
            ws_max_per_ip: default_ws_per_ip(),
            store_cache_mib: default_cache_mib(),
            state_history_versions: default_state_history(),
        }
    }
}

/// The files of a home folder.
pub struct HomeLayout {
    pub root: PathBuf,
}

impl HomeLayout {
    pub fn new(root: impl AsRef<Path>) -> Self {
        HomeLayout { root: root.as_ref().to_path_buf() }
    }
    pub fn config(&self) -> PathBuf {
        self.root.join("config.json")
    }
    pub fn genesis(&self) -> PathBuf {
        self.root.join("genesis.json")
    }
    pub fn data(&self) -> PathBuf {
        self.root.join("data")
    }
    pub fn state_db(&self) -> PathBuf {
        self.data().join("state.redb")
    }
    pub fn keys(&self) -> PathBuf {
        self.root.join("keys")
    }
    /// The consensus engine's write-ahead log.
    pub fn wal(&self) -> PathBuf {
        self.data().join("wal")
    }
}
