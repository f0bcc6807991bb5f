//! `malachite`: the multi-validator driver on Malachite BFT (Tendermint).
//!
//! One engine per validator, over libp2p on the configured address, with its
//! write-ahead log in the node's data folder. The host (see [`host`]) builds,
//! streams, checks and commits blocks through the same `App` interface the solo
//! driver uses; validator sets per height come from the staking module.

pub mod codec;
pub mod context;
pub mod host;
pub mod signing;

use crate::TxSource;
use codec::BorshCodec;
use context::{GreenhourContext, ValidatorAddress};
use greenhour_app::{App, AppError};
use greenhour_crypto::SecretKey;
use host::{Host, HostSettings};
use malachitebft_app_channel::app::config::{ConsensusConfig, NodeConfig, P2pConfig, ValuePayload, ValueSyncConfig};
use malachitebft_app_channel::app::net::Multiaddr;
use malachitebft_app_channel::app::types::core::LinearTimeouts;
use malachitebft_app_channel::app::types::Keypair;
use malachitebft_app_channel::{
    ConsensusContext, NetworkContext, NetworkIdentity, RequestContext, SyncContext, WalContext,
};
use serde::{Deserialize, Serialize};
use signing::{ConsensusSigner, ConsensusVerifier};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Settings of the Malachite driver (`malachite` in a node's `config.json`).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MalachiteConfig {
    /// A name for logs and peers.
    pub moniker: String,
    /// libp2p address to listen on, e.g. `/ip4/127.0.0.1/tcp/27000`.
    pub listen_addr: String,
    /// Addresses of the other validators, dialled and kept connected.
    #[serde(default)]
    pub persistent_peers: Vec<String>,
    /// Base timeout of the propose step; prevote and precommit get a third of it.
    #[serde(default = "default_propose_ms")]
    pub timeout_propose_ms: u64,
    /// Added to every timeout per round, so rounds slow down until they succeed.
    #[serde(default = "default_delta_ms")]
    pub timeout_delta_ms: u64,
    /// Least time between the starts of two heights; `0` goes as fast as votes travel.
    #[serde(default)]
    pub block_interval_ms: u64,
    /// Most transactions this validator puts in a proposal (at most the chain's
    /// limit): every validator executes a proposal before voting, so a block must
    /// build and check well inside the propose timeout.
    #[serde(default = "default_proposal_txs")]
    pub max_proposal_txs: u32,
    /// Tests only: this validator signs a second, conflicting vote for every
    /// vote it casts (Malachite's byzantine proxy; needs a build with the
    /// `byzantine` feature, which release builds do not have).
    #[serde(default)]
    pub equivocate: bool,
}

fn default_proposal_txs() -> u32 {
    10_000
}

fn default_propose_ms() -> u64 {
    3_000
}
fn default_delta_ms() -> u64 {
    500
}

impl MalachiteConfig {
    fn timeouts(&self) -> LinearTimeouts {
        let propose = Duration::from_millis(self.timeout_propose_ms.max(1));
        let vote = Duration::from_millis((self.timeout_propose_ms / 3).max(1));
        let delta = Duration::from_millis(self.timeout_delta_ms);
        LinearTimeouts {
            propose,
            propose_delta: delta,
            prevote: vote,
            prevote_delta: delta,
            precommit: vote,
            precommit_delta: delta,
            rebroadcast: propose + vote + vote,
            max_timeout: Duration::from_secs(60),
        }
    }

    fn engine_config(&self) -> Result<EngineConfig, AppError> {
        let parse = |a: &str| {
            a.parse::<Multiaddr>()
                .map_err(|e| AppError::Driver(format!("bad libp2p address {a:?} in malachite config: {e}")))
        };
        let p2p = P2pConfig {
            listen_addr: parse(&self.listen_addr)?,
            persistent_peers: self.persistent_peers.iter().map(|a| parse(a)).collect::<Result<_, _>>()?,
            // A block may be 16 MiB; proposal parts are 512 KiB, sync responses carry whole blocks.
            pubsub_max_size: bytesize::ByteSize::mib(4),
            rpc_max_size: bytesize::ByteSize::mib(40),
            ..P2pConfig::default()
        };
        let consensus =
            ConsensusConfig { p2p, value_payload: ValuePayload::ProposalAndParts, ..ConsensusConfig::default() };
        let value_sync = ValueSyncConfig {
            status_update_interval: Duration::from_secs(2),
            request_timeout: Duration::from_secs(10),
            max_response_size: bytesize::ByteSize::mib(36),
            ..ValueSyncConfig::default()
        };
        Ok(EngineConfig { moniker: self.moniker.clone(), consensus, value_sync })
    }
}

struct EngineConfig {
    moniker: String,
    consensus: ConsensusConfig,
    value_sync: ValueSyncConfig,
}

impl NodeConfig for EngineConfig {
    fn moniker(&self) -> &str {
        &self.moniker
    }
    fn consensus(&self) -> &ConsensusConfig {
        &self.consensus
    }
    fn consensus_mut(&mut self) -> &mut ConsensusConfig {
        &mut self.consensus
    }
    fn value_sync(&self) -> &ValueSyncConfig {
        &self.value_sync
    }
    fn value_sync_mut(&mut self) -> &mut ValueSyncConfig {
        &mut self.value_sync
    }
}

/// Starts the engine and its host for the validator holding `key`, and runs
/// until `shutdown` turns true or the store fails. The WAL lives in `wal_dir`.
pub async fn spawn_malachite(
    app: Arc<App>,
    source: Arc<dyn TxSource>,
    key: SecretKey,
    config: MalachiteConfig,
    wal_dir: PathBuf,
    mut shutdown: watch::Receiver<bool>,
) -> Result<JoinHandle<Result<(), AppError>>, AppError> {
    let engine_failed = |e: String| AppError::Driver(format!("consensus engine: {e}"));
    let chain_id = app.chain_id().clone();
    let me = ValidatorAddress(key.public_key());
    // The libp2p identity is the consensus key, so peers know who they talk to.
    let keypair = Keypair::ed25519_from_bytes(key.seed()).map_err(|e| engine_failed(e.to_string()))?;
    let identity = NetworkIdentity::new(config.moniker.clone(), keypair, Some(me.to_string()));
    std::fs::create_dir_all(&wal_dir).map_err(|e| engine_failed(format!("{}: {e}", wal_dir.display())))?;
    let wal = WalContext::new(wal_dir.join("consensus.wal"), BorshCodec);
    let verifier = Box::new(ConsensusVerifier::new(chain_id.clone()));
    let signer = Box::new(ConsensusSigner::new(chain_id.clone(), key.clone()));
    let (mut channels, engine) = if config.equivocate {
        byzantine::start(config.engine_config()?, wal, identity, me, verifier, signer, &chain_id, &key)
            .await
            .map_err(engine_failed)?
    } else {
        malachitebft_app_channel::start_engine(
            GreenhourContext,
            config.engine_config()?,
            wal,
            NetworkContext::new(identity, BorshCodec),
            ConsensusContext::new_validator(me, verifier, signer),
            SyncContext::new(BorshCodec),
            RequestContext::new(100),
        )
        .await
        .map_err(|e| engine_failed(format!("{e:#}")))?
    };
    let settings = HostSettings {
        timeouts: config.timeouts(),
        target_time: (config.block_interval_ms > 0).then(|| Duration::from_millis(config.block_interval_ms)),
        max_proposal_txs: config.max_proposal_txs,
    };
    let mut host = Host::new(app, source, ConsensusSigner::new(chain_id, key), me, settings);
    Ok(tokio::spawn(async move {
        let result = loop {
            tokio::select! {
                msg = channels.consensus.recv() => match msg {
                    Some(msg) => {
                        if let Err(e) = host.handle(msg, &channels).await {
                            break Err(e);
                        }
                    }
                    None => break Err(engine_failed("the engine stopped".into())),
                },
                changed = shutdown.changed() => {
                    let stop = changed.is_err() || *shutdown.borrow_and_update();
                    if stop {
                        break Ok(());
                    }
                }
            }
        };
        engine.actor.stop(None);
        let _ = engine.handle.await;
        if let Err(e) = &result {
            tracing::error!(error = %e, "stopping the Malachite driver");
        }
        result
    }))
}

/// The engine with Malachite's byzantine network proxy: every vote is followed
/// by a conflicting one for a block hash that differs in its last bit.
#[cfg(feature = "byzantine")]
mod byzantine {
    use super::*;
    use malachitebft_app_channel::{ByzantineContext, Channels, EngineBuilder, EngineHandle};
    use malachitebft_engine_byzantine::{ByzantineConfig, Trigger};

    #[allow(clippy::too_many_arguments)]
    pub async fn start(
        config: EngineConfig,
        wal: WalContext<BorshCodec>,
        identity: NetworkIdentity,
        me: ValidatorAddress,
        verifier: Box<ConsensusVerifier>,
        signer: Box<ConsensusSigner>,
        chain_id: &greenhour_primitives::ChainId,
        key: &SecretKey,
    ) -> Result<(Channels<GreenhourContext>, EngineHandle), String> {
        let flip = |id: Option<&greenhour_primitives::Hash>| {
            let mut hash = id.copied().unwrap_or_default();
            hash.0[31] ^= 1;
            hash
        };
        let byzantine = ByzantineContext {
            identity,
            codec: BorshCodec,
            config: ByzantineConfig { equivocate_votes: Trigger::Always, ..ByzantineConfig::default() },
            signer: Box::new(ConsensusSigner::new(chain_id.clone(), key.clone())),
            address: me,
            conflicting_value_fn: None,
            conflicting_vote_value_fn: Some(Box::new(flip)),
        };
        EngineBuilder::new(GreenhourContext, config)
            .with_default_wal(wal)
            .with_byzantine_network(byzantine)
            .await
            .map_err(|e| format!("{e:#}"))?
            .with_default_sync(SyncContext::new(BorshCodec))
            .with_default_consensus(ConsensusContext::new_validator(me, verifier, signer))
            .with_default_request(RequestContext::new(100))
            .build()
            .await
            .map_err(|e| format!("{e:#}"))
    }
}

#[cfg(not(feature = "byzantine"))]
mod byzantine {
    use super::*;

    #[allow(clippy::too_many_arguments)]
    pub async fn start(
        _config: EngineConfig,
        _wal: WalContext<BorshCodec>,
        _identity: NetworkIdentity,
        _me: ValidatorAddress,
        _verifier: Box<ConsensusVerifier>,
        _signer: Box<ConsensusSigner>,
        _chain_id: &greenhour_primitives::ChainId,
        _key: &SecretKey,
    ) -> Result<(malachitebft_app_channel::Channels<GreenhourContext>, malachitebft_app_channel::EngineHandle), String>
    {
        Err("`equivocate` needs a build with the consensus crate's `byzantine` feature (tests only)".into())
    }
}
