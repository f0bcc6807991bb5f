//! Wiring: store → app → mempool → solo driver → RPC server.

use crate::config::{HomeLayout, NodeConfig};
use crate::mempool::Mempool;
use crate::metrics::Metrics;
use greenhour_app::rpc::{BlockNotice, BroadcastMode, BroadcastResult, FailedTx, NoticeEvent};
use greenhour_app::{App, AppError, BlockOutcome, Genesis, Tx, TxRecord};
use greenhour_consensus::{spawn_malachite, spawn_solo, TxSource};
use greenhour_framework::ErrorInfo;
use greenhour_primitives::Hash;
use greenhour_state::{StateError, Store, StoreConfig};
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use tokio::task::JoinHandle;

/// How long `broadcast_tx` in commit mode waits for inclusion.
pub const COMMIT_TIMEOUT: Duration = Duration::from_secs(30);
/// How many recent drops are remembered for `tx` queries.
const RECENT_REJECTIONS: usize = 10_000;
/// Most submissions verified in one signature batch.
const INTAKE_BATCH: usize = 4_096;
/// Most transactions relayed to a peer in one request, and the most a `relay_txs`
/// call may carry.
pub const RELAY_BATCH: usize = 2_048;

/// Why a node could not start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// Returned when the store cannot be opened (missing folder, locked by another process, corrupt).
    #[error("cannot open the store: {0}")]
    Store(#[from] StateError),
    /// Returned when genesis or the stored chain is invalid.
    #[error(transparent)]
    App(#[from] AppError),
    /// Returned when the RPC address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: std::io::Error },
    /// Returned when a file of the home folder is missing or invalid.
    #[error("invalid home folder: {0}")]
    Home(String),
}

/// A commit-mode caller waiting for a transaction, with an id so that one
/// caller giving up does not drop another caller waiting for the same hash.
type Waiter = (u64, oneshot::Sender<Result<TxRecord, ErrorInfo>>);

struct Intake {
    bytes: Vec<u8>,
    /// Relay to peers once admitted (false for transactions a peer relayed to us).
    relay: bool,
    reply: oneshot::Sender<Result<Hash, ErrorInfo>>,
}

/// What a `tx` query can learn about a transaction that is not committed.
#[derive(Default)]
struct Rejections {
    order: VecDeque<Hash>,
    errors: HashMap<Hash, ErrorInfo>,
}

/// Everything the RPC handlers and the block producer share.
pub struct Node {
    pub app: Arc<App>,
    pub mempool: Arc<Mempool>,
    pub metrics: Arc<Metrics>,
    blocks: broadcast::Sender<Arc<BlockNotice>>,
    waiters: Mutex<HashMap<Hash, Vec<Waiter>>>,
    next_waiter: std::sync::atomic::AtomicU64,
    rejections: Mutex<Rejections>,
    intake: mpsc::Sender<Intake>,
    /// Signs double-sign reports, if the node was given an account for it.
    evidence_reporter: Option<greenhour_crypto::SecretKey>,
    /// The devnet faucet, if the config names one.
    faucet: Option<crate::faucet::Faucet>,
    /// WebSocket subscriptions open per client IP, and the most one may hold.
    ws_clients: Mutex<std::collections::BTreeMap<std::net::IpAddr, usize>>,
    ws_max_per_ip: usize,
}

/// One open WebSocket subscription, counted against its IP until dropped.
pub struct WsSlot {
    node: Arc<Node>,
    ip: std::net::IpAddr,
}

impl Drop for WsSlot {
    fn drop(&mut self) {
        let mut clients = lock(&self.node.ws_clients);
        if let Some(n) = clients.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                clients.remove(&self.ip);
            }
        }
    }
}

/// A started node: its shared state, address and tasks.
pub struct RunningNode {
    pub node: Arc<Node>,
    pub rpc_addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    producer: JoinHandle<Result<(), AppError>>,
    server: JoinHandle<()>,
    intake: JoinHandle<()>,
    relay: Option<JoinHandle<()>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Node {
    /// Opens the home folder's store (initialising it from genesis on first
    /// start), and starts the block producer and the RPC server.
    pub async fn start(config: NodeConfig, home: &HomeLayout, genesis: &Genesis) -> Result<RunningNode, NodeError> {
        std::fs::create_dir_all(home.data()).map_err(|e| NodeError::Home(format!("{}: {e}", home.data().display())))?;
        let store = Store::open(
            &home.state_db(),
            &StoreConfig {
                cache_bytes: config.store_cache_mib << 20,
                keep_versions: config.state_history_versions,
                ..StoreConfig::default()
            },
        )?;
        let app = Arc::new(App::init_chain(store, genesis)?);
        let keyring = crate::keyring::Keyring::new(&home.keys());
        let signers = config
            .commit_keys
            .iter()
            .map(|name| keyring.get(name).map_err(|e| NodeError::Home(format!("commit key {name}: {e:#}"))))
            .collect::<Result<Vec<_>, _>>()?;
        app.sign_commits_with(signers);
        let evidence_reporter = config
            .evidence_reporter
            .as_deref()
            .map(|name| keyring.get(name).map_err(|e| NodeError::Home(format!("evidence reporter {name}: {e:#}"))))
            .transpose()?;
        let faucet = match &config.faucet {
            None => None,
            Some(f) => {
                let key = keyring.get(&f.key).map_err(|e| NodeError::Home(format!("faucet key {}: {e:#}", f.key)))?;
                Some(crate::faucet::Faucet::new(f.clone(), key))
            }
        };
        let mempool = Arc::new(Mempool::new(app.clone(), config.mempool.clone()));
        let (intake_tx, intake_rx) = mpsc::channel(65_536);
        let (blocks, _) = broadcast::channel(256);
        let metrics = Arc::new(Metrics::new());
        metrics.height.set(app.height()? as i64);
        let node = Arc::new(Node {
            app: app.clone(),
            mempool: mempool.clone(),
            metrics,
            blocks,
            waiters: Mutex::new(HashMap::new()),
            next_waiter: std::sync::atomic::AtomicU64::new(0),
            rejections: Mutex::new(Rejections::default()),
            intake: intake_tx,
            evidence_reporter,
            faucet,
            ws_clients: Mutex::new(Default::default()),
            ws_max_per_ip: config.ws_max_per_ip,
        });

        let listener = tokio::net::TcpListener::bind(&config.rpc_listen)
            .await
            .map_err(|source| NodeError::Bind { addr: config.rpc_listen.clone(), source })?;
        let rpc_addr =
            listener.local_addr().map_err(|source| NodeError::Bind { addr: config.rpc_listen.clone(), source })?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let (relay_tx, relay) = if config.relay_peers.is_empty() {
            (None, None)
        } else {
            let (tx, rx) = mpsc::channel(65_536);
            (Some(tx), Some(tokio::spawn(run_relay(config.relay_peers.clone(), rx, shutdown_rx.clone()))))
        };
        let intake =
            tokio::spawn(run_intake(mempool.clone(), intake_rx, node.metrics.clone(), relay_tx, shutdown_rx.clone()));
        let router = crate::rpc::router(node.clone(), config.rpc_max_body_bytes, config.rpc_rate_limit.as_ref())
            .map_err(NodeError::Home)?
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let mut server_shutdown = shutdown_rx.clone();
        let server = tokio::spawn(async move {
            let graceful = async move {
                let _ = server_shutdown.wait_for(|v| *v).await;
            };
            if let Err(e) = axum::serve(listener, router).with_graceful_shutdown(graceful).await {
                tracing::error!(error = %e, "RPC server stopped");
            }
        });
        let source: Arc<dyn TxSource> = Arc::new(Source(node.clone()));
        let producer = match &config.malachite {
            None => spawn_solo(app, source, config.solo.clone(), shutdown_rx),
            Some(malachite) => {
                let name = config
                    .validator_key
                    .as_deref()
                    .ok_or_else(|| NodeError::Home("malachite needs validator_key (a keyring name)".into()))?;
                let key = keyring.get(name).map_err(|e| NodeError::Home(format!("validator key {name}: {e:#}")))?;
                let started = spawn_malachite(app, source, key, malachite.clone(), home.wal(), shutdown_rx).await;
                match started {
                    Ok(handle) => handle,
                    Err(e) => {
                        let _ = shutdown.send(true);
                        return Err(NodeError::App(e));
                    }
                }
            }
        };
        Ok(RunningNode { node, rpc_addr, shutdown, producer, server, intake, relay })
    }

    /// Admits one encoded transaction (batched with concurrent ones for signature checks).
    pub async fn submit(&self, bytes: Vec<u8>) -> Result<Hash, ErrorInfo> {
        self.admit(bytes, true).await
    }

    /// Admits transactions a peer relayed (they are not relayed again).
    /// Admits transactions relayed by a peer through the same admission as
    /// `broadcast_tx` (not relayed onward); one result per transaction.
    pub async fn accept_relayed(&self, txs: Vec<Vec<u8>>) -> Vec<Result<Hash, ErrorInfo>> {
        futures_util::future::join_all(txs.into_iter().map(|bytes| self.admit(bytes, false))).await
    }

    async fn admit(&self, bytes: Vec<u8>, relay: bool) -> Result<Hash, ErrorInfo> {
        let (reply, rx) = oneshot::channel();
        self.intake
            .send(Intake { bytes, relay, reply })
            .await
            .map_err(|_| ErrorInfo::new("node", 1, "node is shutting down"))?;
        rx.await.map_err(|_| ErrorInfo::new("node", 1, "node is shutting down"))?
    }

    /// Admits a transaction and, in commit mode, waits until it is committed or dropped.
    pub async fn broadcast(&self, bytes: Vec<u8>, mode: BroadcastMode) -> Result<BroadcastResult, ErrorInfo> {
        // A decodable transaction's hash is the hash of its canonical bytes, so the
        // waiter can be registered before admission (no race with a fast block).
        let hash = Hash::digest(&bytes);
        let waiter = match mode {
            BroadcastMode::Commit => {
                let (tx, rx) = oneshot::channel();
                let id = self.next_waiter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                lock(&self.waiters).entry(hash).or_default().push((id, tx));
                Some((id, rx))
            }
            BroadcastMode::Sync => None,
        };
        if let Err(e) = self.submit(bytes).await {
            if let Some((id, _)) = waiter {
                self.forget_waiter(&hash, id);
            }
            return Err(e);
        }
        let committed = match waiter {
            None => None,
            Some((id, rx)) => match tokio::time::timeout(COMMIT_TIMEOUT, rx).await {
                Ok(Ok(Ok(record))) => Some(record),
                Ok(Ok(Err(e))) => return Err(e),
                Ok(Err(_)) => return Err(ErrorInfo::new("node", 1, "node is shutting down")),
                Err(_) => {
                    self.forget_waiter(&hash, id);
                    return Err(ErrorInfo::new(
                        "node",
                        2,
                        format!(
                            "transaction {hash} not committed within {}s; it may still be",
                            COMMIT_TIMEOUT.as_secs()
                        ),
                    ));
                }
            },
        };
        Ok(BroadcastResult { hash, mode, committed })
    }

    fn forget_waiter(&self, hash: &Hash, id: u64) {
        let mut waiters = lock(&self.waiters);
        if let Some(list) = waiters.get_mut(hash) {
            list.retain(|(w, _)| *w != id);
            if list.is_empty() {
                waiters.remove(hash);
            }
        }
    }

    /// Admits many decoded transactions directly (in-process load generators).
    pub fn submit_batch(&self, txs: Vec<Tx>) -> Vec<Result<Hash, ErrorInfo>> {
        let results = self.mempool.submit(txs);
        self.metrics.txs_received.inc_by(results.len() as u64);
        self.metrics.txs_refused.inc_by(results.iter().filter(|r| r.is_err()).count() as u64);
        results
    }

    /// Puts a `report_double_sign` transaction from the evidence reporter into
    /// the mempool (the staking module checks the votes and slashes once).
    fn report_double_sign(&self, first: greenhour_light::SignedVote, second: greenhour_light::SignedVote) {
        let Some(key) = &self.evidence_reporter else {
            tracing::warn!(validator = %first.vote.validator_key, "double sign observed; no evidence_reporter to report it");
            return;
        };
        let signer = key.address();
        let committed = match self.app.head_snapshot().map(|s| greenhour_app::auth::nonce(&s, &signer)) {
            Ok(Ok(nonce)) => nonce,
            _ => return,
        };
        let body = greenhour_app::TxBody {
            chain_id: self.app.chain_id().clone(),
            signer: key.public_key(),
            nonce: self.mempool.next_free_nonce(&signer, committed),
            fee: self.app.params().min_fee,
            actions: vec![greenhour_app::AppAction::Staking(greenhour_staking::StakingAction::ReportDoubleSign {
                first: Box::new(first),
                second: Box::new(second),
            })],
            memo: "double-sign evidence".into(),
        };
        match self.submit_batch(vec![body.sign(key)]).pop() {
            Some(Ok(hash)) => tracing::info!(%hash, "reported double-sign evidence"),
            Some(Err(e)) => tracing::warn!(error = %e, "double-sign report refused"),
            None => {}
        }
    }

    /// Sends the devnet faucet's drip to `to` (refused when the node has no faucet).
    pub async fn faucet_drip(&self, to: greenhour_primitives::Address) -> Result<crate::faucet::Drip, ErrorInfo> {
        match &self.faucet {
            Some(f) => f.drip(self, to).await,
            None => Err(ErrorInfo::from_coded(&crate::faucet::FaucetError::Disabled)),
        }
    }

    /// Takes a WebSocket subscription slot for `ip`, or says how many it holds
    /// when it is at the limit.
    pub fn open_ws(self: &Arc<Self>, ip: std::net::IpAddr) -> Result<WsSlot, usize> {
        let mut clients = lock(&self.ws_clients);
        let open = clients.get(&ip).copied().unwrap_or(0);
        if open >= self.ws_max_per_ip {
            return Err(open);
        }
        clients.insert(ip, open + 1);
        Ok(WsSlot { node: self.clone(), ip })
    }

    /// Subscribes to committed blocks.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<BlockNotice>> {
        self.blocks.subscribe()
    }

    /// Why a transaction that is not committed was dropped, if it was recently.
    pub fn rejection(&self, hash: &Hash) -> Option<ErrorInfo> {
        lock(&self.rejections).errors.get(hash).cloned()
    }

    /// A block was built: take its transactions out of the mempool and tell
    /// waiters about those it left out (they will never commit). Those included
    /// with failed actions are answered when the block is durable.
    fn on_proposed(&self, outcome: &BlockOutcome) {
        let mut failures = self.mempool.on_block(outcome);
        failures.extend(
            outcome
                .outcomes
                .iter()
                .filter(|o| o.included().is_none())
                .filter_map(|o| o.result.as_ref().err().map(|e| (o.hash, e.clone()))),
        );
        failures.sort_by_key(|(h, _)| *h);
        failures.dedup_by_key(|(h, _)| *h);
        self.metrics.txs_dropped.inc_by(failures.len() as u64);
        self.metrics.mempool_size.set(self.mempool.len() as i64);
        if failures.is_empty() {
            return;
        }
        {
            let mut waiters = lock(&self.waiters);
            for (hash, e) in &failures {
                for (_, w) in waiters.remove(hash).unwrap_or_default() {
                    let _ = w.send(Err(e.clone()));
                }
            }
        }
        let mut r = lock(&self.rejections);
        for (hash, e) in failures {
            if r.errors.insert(hash, e).is_none() {
                r.order.push_back(hash);
            }
            while r.order.len() > RECENT_REJECTIONS {
                if let Some(old) = r.order.pop_front() {
                    r.errors.remove(&old);
                }
            }
        }
    }

    /// A block is durable: answer commit-mode waiters and notify subscribers.
    fn on_committed(&self, outcome: BlockOutcome) {
        let included = outcome.block.txs.len();
        self.metrics.blocks.inc();
        self.metrics.height.set(outcome.block.header.height as i64);
        self.metrics.txs_committed.inc_by(included as u64);
        self.metrics.txs_failed.inc_by(outcome.outcomes.iter().filter(|o| o.charged.is_some()).count() as u64);
        self.metrics.block_txs.observe(included as f64);
        let mut events = Vec::new();
        {
            let mut waiters = lock(&self.waiters);
            for o in &outcome.outcomes {
                if let Some(record) = o.included() {
                    for e in &record.events {
                        events.push(NoticeEvent { tx: Some(o.hash), event: e.clone() });
                    }
                    for (_, w) in waiters.remove(&o.hash).unwrap_or_default() {
                        let _ = w.send(Ok(record.clone()));
                    }
                }
            }
        }
        for e in &outcome.block_events {
            events.push(NoticeEvent { tx: None, event: e.clone() });
        }
        let header = &outcome.block.header;
        let notice = BlockNotice {
            height: header.height,
            hash: header.hash(),
            time: header.time,
            app_hash: header.app_hash,
            tx_count: included,
            events,
            timings: Some(outcome.timings),
            failed: outcome
                .outcomes
                .iter()
                .filter_map(|o| o.charged.as_ref()?.error.clone().map(|error| FailedTx { hash: o.hash, error }))
                .collect(),
        };
        let _ = self.blocks.send(Arc::new(notice));
    }
}

struct Source(Arc<Node>);

impl TxSource for Source {
    fn reap(&self, max_txs: usize, max_bytes: u64) -> Vec<Tx> {
        self.0.mempool.reap(max_txs, max_bytes)
    }
    fn proposed(&self, outcome: &BlockOutcome) {
        self.0.on_proposed(outcome)
    }
    fn committed(&self, outcome: BlockOutcome) {
        self.0.on_committed(outcome)
    }
    fn misbehaviour(&self, first: greenhour_light::SignedVote, second: greenhour_light::SignedVote) {
        self.0.report_double_sign(first, second)
    }
}

/// Waits for the next item (or shutdown: `None`), then takes whatever else is
/// already queued, up to `max` in all.
async fn next_batch<T>(rx: &mut mpsc::Receiver<T>, shutdown: &mut watch::Receiver<bool>, max: usize) -> Option<Vec<T>> {
    let first = tokio::select! {
        item = rx.recv() => item?,
        _ = shutdown.wait_for(|stop| *stop) => return None,
    };
    let mut batch = vec![first];
    while batch.len() < max {
        match rx.try_recv() {
            Ok(item) => batch.push(item),
            Err(_) => break,
        }
    }
    Some(batch)
}

/// Gathers concurrent submissions into batches so signatures are batch-verified.
async fn run_intake(
    mempool: Arc<Mempool>,
    mut rx: mpsc::Receiver<Intake>,
    metrics: Arc<Metrics>,
    relay: Option<mpsc::Sender<Vec<u8>>>,
    mut shutdown: watch::Receiver<bool>,
) {
    while let Some(mut batch) = next_batch(&mut rx, &mut shutdown, INTAKE_BATCH).await {
        let raw: Vec<Vec<u8>> = batch.iter_mut().map(|i| std::mem::take(&mut i.bytes)).collect();
        let pool = mempool.clone();
        let (results, raw) = match tokio::task::spawn_blocking(move || (pool.submit_raw(&raw), raw)).await {
            Ok(r) => r,
            Err(e) => (vec![Err(ErrorInfo::new("node", 3, format!("admission failed: {e}"))); batch.len()], Vec::new()),
        };
        if let Some(relay) = &relay {
            for ((item, result), bytes) in batch.iter().zip(&results).zip(raw) {
                // Relaying is best effort: a full queue only delays the transaction
                // until this node proposes it itself.
                if item.relay && result.is_ok() && relay.try_send(bytes).is_err() {
                    tracing::debug!("relay queue full; a transaction is not relayed");
                }
            }
        }
        metrics.txs_received.inc_by(results.len() as u64);
        metrics.txs_refused.inc_by(results.iter().filter(|r| r.is_err()).count() as u64);
        metrics.mempool_size.set(mempool.len() as i64);
        for (item, result) in batch.into_iter().zip(results) {
            let _ = item.reply.send(result);
        }
    }
}

/// Sends admitted transactions to peer nodes in batches (`relay_txs`).
async fn run_relay(peers: Vec<String>, mut rx: mpsc::Receiver<Vec<u8>>, mut shutdown: watch::Receiver<bool>) {
    let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap_or_default();
    while let Some(batch) = next_batch(&mut rx, &mut shutdown, RELAY_BATCH).await {
        let batch: Vec<String> = batch.into_iter().map(hex::encode).collect();
        let body = serde_json::json!({
            "jsonrpc": "2.0", "id": 0, "method": "relay_txs", "params": { "txs": batch },
        });
        let sends = peers.iter().map(|peer| {
            let request = http.post(peer).json(&body).send();
            async move {
                if let Err(e) = request.await {
                    tracing::debug!(%peer, error = %e, "relaying transactions failed");
                }
            }
        });
        futures_util::future::join_all(sends).await;
    }
}

impl RunningNode {
    /// Stops block production, admission and the server, waiting for the block in
    /// progress to commit. The store closes when the last `Arc<Node>` is dropped.
    pub async fn stop(self) -> Result<(), AppError> {
        let _ = self.shutdown.send(true);
        let r = self.producer.await.unwrap_or(Ok(()));
        let _ = self.server.await;
        let _ = self.intake.await;
        if let Some(relay) = self.relay {
            let _ = relay.await;
        }
        r
    }

    /// Runs until Ctrl-C (or SIGTERM), or until block production fails.
    pub async fn run_until_signal(self) -> Result<(), AppError> {
        self.run_beside(std::future::pending::<()>()).await.map(|_| ())
    }

    /// Runs `work` beside the node (the devnet's fleet) until it finishes, Ctrl-C
    /// (or SIGTERM) comes, or block production stops — a failure, or the height of
    /// a software upgrade governance scheduled — then stops the node. Returns the
    /// work's output if it finished, and block production's error if it failed.
    pub async fn run_beside<T>(self, work: impl std::future::Future<Output = T>) -> Result<Option<T>, AppError> {
        let RunningNode { node, rpc_addr: _, shutdown, mut producer, server, intake, relay } = self;
        let mut finished = None;
        let stopped_by_error = tokio::select! {
            _ = shutdown_signal() => None,
            out = work => {
                finished = Some(out);
                None
            }
            r = &mut producer => Some(r.unwrap_or(Ok(()))),
        };
        let _ = shutdown.send(true);
        let result = match stopped_by_error {
            Some(r) => r,
            None => producer.await.unwrap_or(Ok(())),
        };
        let _ = server.await;
        let _ = intake.await;
        if let Some(relay) = relay {
            let _ = relay.await;
        }
        drop(node);
        result.map(|()| finished)
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
