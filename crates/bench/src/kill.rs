//! `greenhour bench crash --kills N`: a devnet process SIGKILLed at random
//! moments under load, restarted on its home each time, and checked after
//! every restart:
//! - every transaction it reported committed (commit-mode transfers of
//!   faucet-funded senders) is still there, at the same height;
//! - every block seen before a crash has the same hash and app hash after it,
//!   and the newest one's state proves against that app hash;
//! - the chain keeps going.
//!
//! With `--devices N` a fleet runs inside the devnet (it resumes from the chain
//! after each restart), so the crashes land in a mixed load: telemetry and the
//! certificates issued from it, pledges, swaps and slot purchases, jobs. The
//! report counts what the blocks held, by action and by event, to show it.

use anyhow::{bail, Context, Result};
use greenhour_app::rpc::BroadcastMode;
use greenhour_app::AppAction;
use greenhour_bank::BankAction;
use greenhour_client::{RpcClient, Wallet};
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Coin, Hash};
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one kill loop runs.
#[derive(Clone, Debug)]
pub struct KillLoop {
    /// The `greenhour` binary to run the devnet with.
    pub exe: PathBuf,
    /// The devnet's home (created on the first start).
    pub home: PathBuf,
    pub kills: usize,
    pub seed: u64,
    /// Simulated devices in the devnet's fleet (0: transfers only).
    pub devices: usize,
    /// Senders keeping commit-mode transfers in flight.
    pub senders: usize,
    /// Milliseconds between blocks.
    pub block_ms: u64,
    /// Each round runs the load for a random time up to this long before the kill.
    pub max_round_ms: u64,
}

/// What a kill loop did and checked.
#[derive(Clone, Debug, Default, Serialize)]
pub struct KillReport {
    pub kills: usize,
    /// Transfers the node reported committed, each found again at its height.
    pub committed_transfers: usize,
    /// Blocks seen before a crash, each found again with the same hashes.
    pub blocks_seen: usize,
    /// Transactions in those blocks, each found again at its height.
    pub txs_in_blocks: usize,
    pub height: u64,
    /// Actions in the blocks seen, by `Module.Action`.
    pub actions: BTreeMap<String, u64>,
    /// Events of the blocks seen (transactions' and begin/end block's), by kind.
    pub events: BTreeMap<String, u64>,
    /// Milliseconds from spawning the process to its first answer, per restart.
    pub restart_ms: Vec<u64>,
    pub elapsed_s: f64,
}

/// One block as seen before a crash.
struct SeenBlock {
    hash: Hash,
    app_hash: Hash,
    txs: Vec<Hash>,
}

/// Everything seen or reported committed so far.
#[derive(Default)]
struct Seen {
    blocks: BTreeMap<u64, SeenBlock>,
    transfers: Vec<(Hash, u64)>,
    actions: BTreeMap<String, u64>,
    events: BTreeMap<String, u64>,
}

/// The devnet process, SIGKILLed when dropped: a loop that stops on an error
/// leaves no node behind.
struct Devnet(Child);

impl Devnet {
    fn sigkill(&mut self) -> Result<()> {
        self.0.kill().context("SIGKILL")?;
        self.0.wait()?;
        Ok(())
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// Starts the devnet on `home` and waits for its first answer; a port found
/// free may be taken before the node binds it, so a node that exits at once is
/// started again on another.
async fn start(cfg: &KillLoop, first: bool) -> Result<(Devnet, RpcClient, u64)> {
    for _ in 0..5 {
        let started = Instant::now();
        let port = free_port()?;
        let mut command = Command::new(&cfg.exe);
        command
            .args(["devnet", "--rpc", &format!("127.0.0.1:{port}"), "--home"])
            .arg(&cfg.home)
            .args(["--block-ms", &cfg.block_ms.to_string(), "--devices", &cfg.devices.to_string()])
            .env("GREENHOUR_LOG", "error")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if first && cfg.devices > 0 {
            // A June morning: the sun rises during the run, so the fleet reports,
            // pledges, trades and runs jobs whenever the run happens.
            command.args(["--start", "2026-06-21T12:00:00Z"]);
        }
        let mut child = Devnet(command.spawn().with_context(|| format!("spawning {}", cfg.exe.display()))?);
        let client = RpcClient::new(format!("http://127.0.0.1:{port}"));
        for _ in 0..1_200 {
            if child.0.try_wait()?.is_some() {
                break;
            }
            if client.status().await.is_ok() {
                return Ok((child, client, started.elapsed().as_millis() as u64));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
    bail!("the devnet did not come up after 5 attempts")
}

/// `Module.Action` of an action, from its debug form (`Devices(Report { … })`).
fn action_name(action: &AppAction) -> String {
    let text = format!("{action:?}");
    let mut parts = text.split(|c: char| !c.is_alphanumeric()).filter(|p| !p.is_empty());
    format!("{}.{}", parts.next().unwrap_or("?"), parts.next().unwrap_or("?"))
}

/// Records every block from the last one seen up to the head, until stopped.
async fn watch(client: RpcClient, stop: Arc<AtomicBool>, seen: Arc<Mutex<Seen>>) {
    while !stop.load(Ordering::Relaxed) {
        let next = seen.lock().unwrap().blocks.keys().next_back().map_or(1, |h| h + 1);
        match client.block(Some(next)).await {
            Ok(info) => {
                let mut seen = seen.lock().unwrap();
                for tx in &info.block.txs {
                    for action in &tx.body.actions {
                        *seen.actions.entry(action_name(action)).or_default() += 1;
                    }
                }
                for event in &info.block_events {
                    *seen.events.entry(event.kind.clone()).or_default() += 1;
                }
                let txs: Vec<Hash> = info.block.txs.iter().map(|t| t.hash()).collect();
                seen.blocks.insert(next, SeenBlock { hash: info.hash, app_hash: info.block.header.app_hash, txs });
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// Keeps 8 commit-mode transfers of one sender in flight until stopped,
/// recording each the node reports committed.
async fn send(client: RpcClient, key: SecretKey, chain: String, stop: Arc<AtomicBool>, seen: Arc<Mutex<Seen>>) {
    let to = SecretKey::from_name("crash-receiver").address();
    let Ok(chain_id) = chain.parse() else { return };
    let wallet = Wallet::new(key.clone(), chain_id, 1_000);
    while !stop.load(Ordering::Relaxed) {
        let Ok(account) = client.account(&key.address()).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let sends = (0..8u64).map(|i| {
            let action = AppAction::Bank(BankAction::Send { to, coins: vec![Coin::ghr(1 + u128::from(i))] });
            let tx = wallet.sign_offline(account.nonce + i, vec![action], "");
            let client = client.clone();
            async move { client.broadcast(&tx, BroadcastMode::Commit).await }
        });
        for result in futures_util::future::join_all(sends).await.into_iter().flatten() {
            if let Some(record) = result.committed {
                seen.lock().unwrap().transfers.push((result.hash, record.height));
            }
        }
    }
}

/// Checks, after a restart, what was seen before: the blocks and transactions
/// of the last round all, older ones by a sample; a state proof at the newest.
/// Counts the events of the last round's transactions into `events`.
async fn verify(
    client: &RpcClient,
    seen: &Seen,
    last_round_from: u64,
    rng: &mut rand::rngs::StdRng,
    events: &mut BTreeMap<String, u64>,
) -> Result<()> {
    let highest = seen.blocks.keys().next_back().copied().unwrap_or(0);
    let status = client.status().await?;
    if status.height < highest {
        bail!("height {} went below the seen height {highest}", status.height);
    }
    let heights: Vec<u64> = seen.blocks.keys().copied().collect();
    let mut check: Vec<u64> = heights.iter().copied().filter(|h| *h >= last_round_from).collect();
    let recent_blocks = check.len();
    for _ in 0..16.min(heights.len()) {
        check.push(heights[rng.gen_range(0..heights.len())]);
    }
    for (i, height) in check.into_iter().enumerate() {
        let before = &seen.blocks[&height];
        let after = client.block(Some(height)).await.with_context(|| format!("block {height} lost"))?;
        if after.hash != before.hash || after.block.header.app_hash != before.app_hash {
            bail!("block {height} changed after a crash");
        }
        for hash in &before.txs {
            let tx = client.tx(hash).await.with_context(|| format!("tx {hash} of block {height} lost"))?;
            if tx.record.height != height {
                bail!("tx {hash} moved from {height} to {}", tx.record.height);
            }
            if i < recent_blocks {
                for event in &tx.record.events {
                    *events.entry(event.kind.clone()).or_default() += 1;
                }
            }
        }
    }
    let recent: Vec<&(Hash, u64)> = seen.transfers.iter().filter(|(_, h)| *h >= last_round_from).collect();
    let sample = (0..16.min(seen.transfers.len())).map(|_| &seen.transfers[rng.gen_range(0..seen.transfers.len())]);
    for (hash, height) in recent.into_iter().chain(sample) {
        let tx = client.tx(hash).await.with_context(|| format!("committed transfer {hash} lost"))?;
        if tx.record.height != *height {
            bail!("committed transfer {hash} moved from {height} to {}", tx.record.height);
        }
    }
    if let Some(newest) = seen.blocks.get(&highest) {
        let proof = client.state("app/last_block", Some(highest)).await?;
        proof
            .verify(&newest.app_hash)
            .map_err(|e| anyhow::anyhow!("state at {highest} does not prove against its app hash: {e}"))?;
    }
    Ok(())
}

/// Runs the loop; any loss or change is an error naming it.
pub async fn run(cfg: &KillLoop) -> Result<KillReport> {
    let started = Instant::now();
    let mut rng = rand::rngs::StdRng::seed_from_u64(cfg.seed);
    let seen = Arc::new(Mutex::new(Seen::default()));
    let senders: Vec<SecretKey> =
        (0..cfg.senders).map(|i| SecretKey::from_name(&format!("crash-sender-{i}"))).collect();
    let mut report = KillReport::default();
    let mut round_from = 0;
    for round in 0..=cfg.kills {
        let (mut child, client, ready_ms) = start(cfg, round == 0).await?;
        if round > 0 {
            report.restart_ms.push(ready_ms);
        }
        let checked = {
            let mut snapshot = std::mem::take(&mut *seen.lock().unwrap());
            let mut events = std::mem::take(&mut snapshot.events);
            let result = verify(&client, &snapshot, round_from, &mut rng, &mut events).await;
            snapshot.events = events;
            *seen.lock().unwrap() = snapshot;
            result
        };
        checked.map_err(|e| e.context(format!("after kill {round}")))?;
        let status = client.status().await?;
        for key in &senders {
            // The faucet tops up an account holding less than one drip (refused otherwise).
            let drip = client.call::<serde_json::Value>("faucet", serde_json::json!({"address": key.address()})).await;
            if round == 0 {
                drip.context("funding a sender from the faucet")?;
            }
        }
        if round == cfg.kills {
            // After the last restart the chain must keep going.
            let deadline = Instant::now() + Duration::from_secs(30);
            loop {
                report.height = client.status().await?.height;
                if report.height > status.height + 2 {
                    break;
                }
                if Instant::now() > deadline {
                    bail!("the chain stalled after the last restart at height {}", status.height);
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            break;
        }
        round_from = seen.lock().unwrap().blocks.keys().next_back().map_or(0, |h| h + 1);
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = vec![tokio::spawn(watch(client.clone(), stop.clone(), seen.clone()))];
        for key in &senders {
            let task = send(client.clone(), key.clone(), status.chain_id.clone(), stop.clone(), seen.clone());
            tasks.push(tokio::spawn(task));
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(cfg.max_round_ms / 4..=cfg.max_round_ms))).await;
        child.sigkill()?;
        stop.store(true, Ordering::Relaxed);
        for task in tasks {
            task.await?;
        }
        report.kills += 1;
    }
    let seen = seen.lock().unwrap();
    report.committed_transfers = seen.transfers.len();
    report.blocks_seen = seen.blocks.len();
    report.txs_in_blocks = seen.blocks.values().map(|b| b.txs.len()).sum();
    report.actions = seen.actions.clone();
    report.events = seen.events.clone();
    report.elapsed_s = started.elapsed().as_secs_f64();
    Ok(report)
}

/// The bench command: a kill loop in a temporary home.
pub async fn bench(kills: usize, devices: usize, senders: usize, seed: u64) -> Result<super::Report> {
    let dir = tempfile::tempdir()?;
    let cfg = KillLoop {
        exe: std::env::current_exe()?,
        home: dir.path().join("home"),
        kills,
        seed,
        devices,
        senders,
        block_ms: 100,
        max_round_ms: 3_000,
    };
    let report = run(&cfg).await?;
    let mut restarts = report.restart_ms.clone();
    restarts.sort_unstable();
    let median = restarts.get(restarts.len() / 2).copied().unwrap_or(0);
    let text = format!(
        "{} kills in {:.0} s, nothing lost: {} committed transfers and {} blocks ({} transactions) seen before a crash all found again unchanged; height {}; restart to first answer median {} ms, max {} ms\nactions: {}\nevents: {}",
        report.kills,
        report.elapsed_s,
        report.committed_transfers,
        report.blocks_seen,
        report.txs_in_blocks,
        report.height,
        median,
        restarts.last().copied().unwrap_or(0),
        top(&report.actions),
        top(&report.events),
    );
    Ok(super::Report::new(&report, || text))
}

/// The twelve commonest entries, `name ×count`.
fn top(counts: &BTreeMap<String, u64>) -> String {
    let mut sorted: Vec<_> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1));
    sorted.iter().take(12).map(|(k, v)| format!("{k} ×{v}")).collect::<Vec<_>>().join(", ")
}
