//! `greenhour bench …`: end-to-end measurements on this machine, as a library the
//! binary calls. Figures go to the README's performance table; nothing here is a
//! pass/fail test. Each run returns a [`Report`] (JSON figures and the same as
//! text) and the caller prints it.

mod crash;
pub mod kill;
mod lending;
mod stable;
mod testnet;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use greenhour_app::rpc::BlockNotice;
use greenhour_app::{AppAction, Genesis, Tx, TxBody};
use greenhour_bank::{BankAction, GenesisBalance, Output};
use greenhour_consensus::Clock;
use greenhour_crypto::SecretKey;
use greenhour_node::config::HomeLayout;
use greenhour_node::{MempoolConfig, Node, NodeConfig};
use greenhour_primitives::{ChainId, Coin, Hash};
use serde::Serialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Subcommand)]
pub enum BenchCommand {
    /// A lending market under a falling GHR price: borrowers at loan-to-values up to
    /// the limit, a liquidator bot each block; liquidations per block, bad debt,
    /// suppliers' loss, block time, and (with --svg) a plot.
    LendingCrash {
        #[arg(long, default_value_t = 10_000)]
        borrowers: u32,
        /// Hours (blocks) over which the price falls.
        #[arg(long, default_value_t = 24)]
        hours: u64,
        /// How far it falls, percent.
        #[arg(long, default_value_t = 50)]
        drop: u32,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Write the run as an SVG plot here.
        #[arg(long)]
        svg: Option<std::path::PathBuf>,
    },
    /// gUSD's GHR branch under a falling price: vaults from 150 to 300 %, a stability
    /// pool holding a share of their debt, a liquidator each block; liquidations,
    /// the pool, redistribution, the redemption floor over time, and the anchor
    /// comparison under an index shock; with --svg a plot.
    GusdCrash {
        #[arg(long, default_value_t = 10_000)]
        vaults: u32,
        /// Hours (blocks) over which the price falls.
        #[arg(long, default_value_t = 24)]
        hours: u64,
        /// How far it falls, percent.
        #[arg(long, default_value_t = 50)]
        drop: u32,
        /// The stability pool's gUSD, percent of the vaults' debt.
        #[arg(long, default_value_t = 20)]
        pool: u32,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Write the run as an SVG plot here.
        #[arg(long)]
        svg: Option<std::path::PathBuf>,
    },
    /// Committed signed transfers per second end to end on one node, the
    /// ed25519 batch verification rate, and latency at half the maximum rate.
    Tx {
        /// Funded sender accounts.
        #[arg(long, default_value_t = 20_000)]
        accounts: usize,
        /// Transfers in the throughput phase.
        #[arg(long, default_value_t = 200_000)]
        txs: usize,
        /// Milliseconds between block starts.
        #[arg(long, default_value_t = 250)]
        block_ms: u64,
        /// Seconds of load in the latency phase.
        #[arg(long, default_value_t = 10)]
        latency_secs: u64,
    },
    /// Signed telemetry reports verified and applied per second, end to end.
    Telemetry {
        /// Devices, each with its own owner account relaying its reports.
        #[arg(long, default_value_t = 10_000)]
        devices: usize,
        /// Hourly reports per device.
        #[arg(long, default_value_t = 10)]
        hours: usize,
        #[arg(long, default_value_t = 250)]
        block_ms: u64,
    },
    /// Disk used by pledges: devices join a pool and pledge `days` days of hours
    /// (one 24-hour position per day); reports bytes on disk per pledged device-hour,
    /// then the expiry sweep's cost early and late in the chain's history.
    Pledges {
        #[arg(long, default_value_t = 10_000)]
        devices: usize,
        #[arg(long, default_value_t = 14)]
        days: usize,
        /// Transactions per block.
        #[arg(long, default_value_t = 5_000)]
        block_txs: usize,
        /// Tree versions kept (as the node's `state_history_versions`); 0 = archive.
        #[arg(long, default_value_t = 100)]
        keep_versions: u64,
        /// Each later day mints a new position NFT instead of extending the first.
        #[arg(long)]
        new_position_per_day: bool,
    },
    /// A multi-validator network in this process (Malachite on loopback, every
    /// validator its own store, WAL and mempool): committed transfers per second
    /// with every mempool holding every transfer (as after gossip), then the time
    /// from submission to commit (finality) at half that rate.
    Testnet {
        #[arg(long, default_value_t = 4)]
        validators: usize,
        #[arg(long, default_value_t = 10_000)]
        accounts: usize,
        #[arg(long, default_value_t = 200_000)]
        txs: usize,
        /// Seconds of load in the finality phase.
        #[arg(long, default_value_t = 10)]
        latency_secs: u64,
        /// Most transactions per proposal (`malachite.max_proposal_txs`).
        #[arg(long, default_value_t = 10_000)]
        proposal_txs: u32,
    },
    /// Committed signed swap transactions per second end to end on one node: traders
    /// alternately buy and sell one slot against one market pool.
    Swaps {
        #[arg(long, default_value_t = 10_000)]
        traders: usize,
        #[arg(long, default_value_t = 100_000)]
        swaps: usize,
        #[arg(long, default_value_t = 250)]
        block_ms: u64,
    },
    /// The energy models on the real data: the 5 kWp Greensboro PV year, and battery
    /// arbitrage on SMARD DE 2018 prices by the forecasting energy manager against
    /// the perfect-foresight LP bound; with LP solve times.
    Energy {
        /// Hours of 2018 to run the arbitrage over (8,760 = the year).
        #[arg(long, default_value_t = 8_760)]
        hours: usize,
        /// Planning horizon of the energy manager, hours.
        #[arg(long, default_value_t = 48)]
        horizon: usize,
    },
    /// The off-chain job scheduler on a day of the simulated fleet (real weather):
    /// green GPU-hours of the carbon-aware greedy against its LP relaxation bound
    /// and a carbon-agnostic FIFO baseline, with solve times.
    Scheduler {
        /// Devices (the LP bound's solve time grows fast: 50 devices × 200 jobs take minutes).
        #[arg(long, default_value_t = 24)]
        devices: usize,
        #[arg(long, default_value_t = 96)]
        jobs: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Crash safety at length: a devnet process SIGKILLed at random moments
    /// under a fleet's mixed load and commit-mode transfers, restarted on its
    /// home each time; fails on any committed transaction or seen block lost or
    /// changed, or a chain that stalls (see `kill.rs`).
    Crash {
        #[arg(long, default_value_t = 20)]
        kills: usize,
        /// Simulated devices in the devnet's fleet (0: transfers only).
        #[arg(long, default_value_t = 6)]
        devices: usize,
        /// Accounts keeping commit-mode transfers in flight.
        #[arg(long, default_value_t = 4)]
        senders: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
    },
    /// Resident memory of a node process holding this many funded accounts.
    Accounts {
        #[arg(long, default_value_t = 1_000_000)]
        accounts: usize,
    },
}

pub(crate) const CHAIN: &str = "greenhour-bench";

pub(crate) fn bench_key(i: usize) -> SecretKey {
    SecretKey::from_name(&format!("bench-{i}"))
}

/// Signs transfers on all cores: `rounds` rounds, one transfer per account per round.
pub(crate) fn sign_transfers(
    keys: &[SecretKey],
    first_nonce: u64,
    rounds: usize,
    chain: &ChainId,
    fee: u128,
) -> Vec<Tx> {
    sign_rounds(keys, first_nonce, rounds, chain, fee, |i, _| {
        AppAction::Bank(BankAction::Send { to: keys[(i + 1) % keys.len()].address(), coins: vec![Coin::ghr(1)] })
    })
}

/// Signs on all cores `rounds` rounds of one transaction per account, the action
/// chosen by `(account index, round)`; transactions come out round by round.
fn sign_rounds<F>(keys: &[SecretKey], first_nonce: u64, rounds: usize, chain: &ChainId, fee: u128, action: F) -> Vec<Tx>
where
    F: Fn(usize, usize) -> AppAction + Sync,
{
    let action = &action;
    let n = keys.len();
    let total = n * rounds;
    let threads = std::thread::available_parallelism().map(|p| p.get()).unwrap_or(2);
    let per = total.div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t * per..((t + 1) * per).min(total))
                        .map(|j| {
                            let (round, i) = (j / n, j % n);
                            TxBody {
                                chain_id: chain.clone(),
                                signer: keys[i].public_key(),
                                nonce: first_nonce + round as u64,
                                fee,
                                actions: vec![action(i, round)],
                                memo: String::new(),
                            }
                            .sign(&keys[i])
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("signer thread")).collect()
    })
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn start_node(root: &std::path::Path, genesis: &Genesis, block_ms: u64) -> Result<greenhour_node::RunningNode> {
    let mut config = NodeConfig {
        rpc_listen: "127.0.0.1:0".into(),
        mempool: MempoolConfig { max_txs: 2_000_000, max_bytes: 2 << 30, ..Default::default() },
        ..Default::default()
    };
    config.solo.block_interval_ms = block_ms;
    config.solo.clock = Clock::Simulated { seconds_per_block: 1 };
    Ok(Node::start(config, &HomeLayout::new(root), genesis).await?)
}

/// A benchmark's figures as JSON, and the same for a terminal.
pub struct Report {
    pub json: serde_json::Value,
    pub text: String,
}

impl Report {
    fn new<T: Serialize>(figures: &T, text: impl FnOnce() -> String) -> Report {
        let json = serde_json::to_value(figures).unwrap_or_else(|e| serde_json::json!({ "error": e.to_string() }));
        Report { json, text: text() }
    }
}

pub async fn run(cmd: &BenchCommand) -> Result<Report> {
    match cmd {
        BenchCommand::LendingCrash { borrowers, hours, drop, seed, svg } => {
            lending::crash(*borrowers, *hours, *drop, *seed, svg.as_deref())
        }
        BenchCommand::GusdCrash { vaults, hours, drop, pool, seed, svg } => {
            stable::crash(*vaults, *hours, *drop, *pool, *seed, svg.as_deref())
        }
        BenchCommand::Tx { accounts, txs, block_ms, latency_secs } => {
            bench_tx(*accounts, *txs, *block_ms, *latency_secs).await
        }
        BenchCommand::Accounts { accounts } => bench_accounts(*accounts).await,
        BenchCommand::Crash { kills, devices, senders, seed } => kill::bench(*kills, *devices, *senders, *seed).await,
        BenchCommand::Testnet { validators, accounts, txs, latency_secs, proposal_txs } => {
            testnet::run(*validators, *accounts, *txs, *latency_secs, *proposal_txs).await
        }
        BenchCommand::Energy { hours, horizon } => bench_energy(*hours, *horizon),
        BenchCommand::Scheduler { devices, jobs, seed } => bench_scheduler(*devices, *jobs, *seed),
        BenchCommand::Swaps { traders, swaps, block_ms } => bench_swaps(*traders, *swaps, *block_ms).await,
        BenchCommand::Telemetry { devices, hours, block_ms } => bench_telemetry(*devices, *hours, *block_ms).await,
        BenchCommand::Pledges { devices, days, block_txs, keep_versions, new_position_per_day } => {
            bench_pledges(*devices, *days, *block_txs, *keep_versions, *new_position_per_day)
        }
    }
}

/// Average execute, JMT and redb-write milliseconds per block, to 0.1 ms.
fn block_averages_json(exec: u64, tree: u64, write: u64, blocks: f64) -> serde_json::Value {
    let ms = |us: u64| (us as f64 / blocks / 1000.0 * 10.0).round() / 10.0;
    serde_json::json!({ "execute": ms(exec), "tree": ms(tree), "write": ms(write) })
}

/// What committing a stream of transactions cost.
struct Committed {
    elapsed: f64,
    admit_busy: Duration,
    /// Summed per-block timings (µs) and the blocks that reported them.
    exec: u64,
    tree: u64,
    write: u64,
    nblocks: u64,
}

/// Submits `txs` as fast as admission takes them (on a thread, in chunks) and waits
/// until blocks have committed as many; fails if any was refused.
async fn commit_all(node: &std::sync::Arc<Node>, txs: Vec<Tx>) -> Result<Committed> {
    let mut blocks = node.subscribe();
    let n_txs = txs.len();
    let started = Instant::now();
    let submitter = {
        let node = node.clone();
        std::thread::spawn(move || {
            let mut refused = 0usize;
            let mut busy = Duration::ZERO;
            let mut it = txs.into_iter().peekable();
            while it.peek().is_some() {
                let chunk: Vec<Tx> = it.by_ref().take(4_096).collect();
                let t = Instant::now();
                refused += node.submit_batch(chunk).iter().filter(|r| r.is_err()).count();
                busy += t.elapsed();
            }
            (refused, busy)
        })
    };
    let mut committed = 0usize;
    let (mut exec, mut tree, mut write, mut nblocks) = (0u64, 0u64, 0u64, 0u64);
    while committed < n_txs {
        let notice = tokio::time::timeout(Duration::from_secs(120), blocks.recv())
            .await
            .context("no block for 120 s")?
            .context("block stream closed")?;
        if notice.tx_count == 0 && committed == 0 {
            continue;
        }
        committed += notice.tx_count;
        if let Some(t) = notice.timings {
            exec += t.execute_us;
            tree += t.tree_us;
            write += t.write_us;
            nblocks += 1;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (refused, admit_busy) = submitter.join().expect("submitter");
    if refused > 0 {
        bail!("{refused} bench transactions were refused at admission");
    }
    Ok(Committed { elapsed, admit_busy, exec, tree, write, nblocks })
}

/// Submits `txs` at `rate` per second (in 20 ms ticks) through `submit` and
/// returns each one's seconds from submission to the commit notice on `blocks`
/// that carries it, sorted; `on_block` sees every notice on the way. Every
/// transaction emits events tagged with its hash, so no block is reloaded.
pub(crate) async fn paced_latencies<F, Fut>(
    txs: Vec<Tx>,
    rate: f64,
    blocks: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<BlockNotice>>,
    mut submit: F,
    mut on_block: impl FnMut(&BlockNotice),
) -> Result<Vec<f64>>
where
    F: FnMut(Vec<Tx>) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let n = txs.len();
    let mut submitted_at: HashMap<Hash, Instant> = HashMap::with_capacity(n);
    let tick = Duration::from_millis(20);
    let per_tick = ((rate * tick.as_secs_f64()).ceil() as usize).max(1);
    let mut pending = txs.into_iter().peekable();
    let mut latencies = Vec::with_capacity(n);
    let mut ticker = tokio::time::interval(tick);
    while latencies.len() < n {
        tokio::select! {
            _ = ticker.tick(), if pending.peek().is_some() => {
                let chunk: Vec<Tx> = pending.by_ref().take(per_tick).collect();
                let now = Instant::now();
                for t in &chunk {
                    submitted_at.insert(t.hash(), now);
                }
                submit(chunk).await?;
            }
            notice = blocks.recv() => {
                let notice = notice.context("block stream closed")?;
                let now = Instant::now();
                on_block(&notice);
                for e in &notice.events {
                    if let Some(t) = e.tx.and_then(|h| submitted_at.remove(&h)) {
                        latencies.push(now.duration_since(t).as_secs_f64());
                    }
                }
            }
        }
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    Ok(latencies)
}

async fn bench_tx(accounts: usize, total: usize, block_ms: u64, latency_secs: u64) -> Result<Report> {
    if accounts < 2 || total < accounts {
        bail!("need at least 2 accounts and at least one transfer per account");
    }
    let dir = tempfile::Builder::new().prefix("greenhour-bench-").tempdir()?;
    let chain = ChainId::new(CHAIN).expect("valid");
    eprintln!("generating {accounts} funded accounts…");
    let keys: Vec<SecretKey> = (0..accounts).map(bench_key).collect();
    let mut genesis = Genesis::new(chain.clone(), 1_767_225_600);
    genesis.bank.balances = keys
        .iter()
        .map(|k| GenesisBalance { address: k.address(), coins: vec![Coin::ghr(1_000_000_000_000)] })
        .collect();
    let fee = genesis.params.min_fee;

    // 1. The floor: ed25519 batch verification on this machine.
    let rounds = total / accounts;
    eprintln!("signing {} transfers…", rounds * accounts);
    let txs = sign_transfers(&keys, 0, rounds, &chain, fee);
    let (verify_rate, verify_rate_1) = verification_floor(&chain, &txs);

    // 2. Throughput: submit everything as fast as admission allows; measure until all are committed.
    let running = start_node(dir.path(), &genesis, block_ms).await?;
    let node = running.node.clone();
    let n_txs = txs.len();
    let Committed { elapsed, admit_busy, exec, tree, write, nblocks } = commit_all(&node, txs).await?;
    let tps = n_txs as f64 / elapsed;

    // 3. Latency at half the measured maximum rate.
    let rate = (tps / 2.0).max(1.0);
    let latency_rounds = ((rate * latency_secs as f64) / accounts as f64).ceil().max(1.0) as usize;
    eprintln!("throughput {tps:.0} tx/s; measuring latency at {rate:.0} tx/s…");
    let txs2 = sign_transfers(&keys, rounds as u64, latency_rounds, &chain, fee);
    let mut blocks = node.subscribe();
    let (mut l_blocks, mut l_txs, mut l_busy_us) = (0u64, 0usize, 0u64);
    let mut l_parts = [0u64; 3];
    let submit = |chunk: Vec<Tx>| {
        let node = node.clone();
        async move {
            let refused = tokio::task::spawn_blocking(move || node.submit_batch(chunk))
                .await?
                .iter()
                .filter(|r| r.is_err())
                .count();
            if refused > 0 {
                bail!("{refused} latency-phase transactions were refused");
            }
            Ok(())
        }
    };
    let latencies = paced_latencies(txs2, rate, &mut blocks, submit, |notice| {
        l_blocks += 1;
        l_txs += notice.tx_count;
        if let Some(t) = notice.timings {
            l_busy_us += t.execute_us + t.tree_us + t.write_us;
            l_parts[0] += t.execute_us;
            l_parts[1] += t.tree_us;
            l_parts[2] += t.write_us;
        }
    })
    .await?;
    running.stop().await?;

    let nb = nblocks.max(1) as f64;
    let report = serde_json::json!({
        "accounts": accounts,
        "transfers": n_txs,
        "block_interval_ms": block_ms,
        "committed_tps": tps.round(),
        "ed25519_batch_verify_per_s_2_threads": verify_rate.round(),
        "ed25519_batch_verify_per_s_1_thread": verify_rate_1.round(),
        "tps_over_verify_rate": (tps / verify_rate * 1000.0).round() / 1000.0,
        "blocks": nblocks,
        "avg_block_ms": block_averages_json(exec, tree, write, nb),
        "admission_busy_s": (admit_busy.as_secs_f64() * 100.0).round() / 100.0,
        "elapsed_s": (elapsed * 100.0).round() / 100.0,
        "latency_rate_tps": rate.round(),
        "latency_txs": latencies.len(),
        "latency_p50_ms": (percentile(&latencies, 0.50) * 1000.0).round(),
        "latency_p99_ms": (percentile(&latencies, 0.99) * 1000.0).round(),
        "latency_phase_avg_block_txs": l_txs as u64 / l_blocks.max(1),
        "latency_phase_avg_block_ms": l_busy_us / l_blocks.max(1) / 1000,
        "latency_phase_avg_ms": {"execute": l_parts[0] / l_blocks.max(1) / 1000, "tree": l_parts[1] / l_blocks.max(1) / 1000, "write": l_parts[2] / l_blocks.max(1) / 1000},
    });
    Ok(Report::new(&report, || {
        format!(
            "committed transfers/s      {tps:.0}  ({n_txs} transfers from {accounts} accounts, {elapsed:.2} s)\n\
             ed25519 batch verify/s     {verify_rate:.0} on 2 threads ({verify_rate_1:.0} on 1)\n\
             ratio tps / verify rate    {:.3}\n\
             per block (avg of {nblocks})   execute {:.1} ms, JMT {:.1} ms, redb write {:.1} ms\n\
             admission (decode+checks+batch verify) busy {:.2} s\n\
             latency at {rate:.0} tx/s     p50 {:.0} ms, p99 {:.0} ms over {} transfers\n\
             latency phase blocks       {} txs and {} ms of block work on average",
            tps / verify_rate,
            exec as f64 / nb / 1000.0,
            tree as f64 / nb / 1000.0,
            write as f64 / nb / 1000.0,
            admit_busy.as_secs_f64(),
            percentile(&latencies, 0.50) * 1000.0,
            percentile(&latencies, 0.99) * 1000.0,
            latencies.len(),
            l_txs as u64 / l_blocks.max(1),
            l_busy_us / l_blocks.max(1) / 1000
        )
    }))
}

fn bench_scheduler(devices: usize, jobs: usize, seed: u64) -> Result<Report> {
    use greenhour_scheduler::{fifo, fleet, greedy, lp_bound};
    let sites = fleet::sites().map_err(|e| anyhow::anyhow!("{e}"))?;
    let problem = fleet::fleet_day(&sites, devices, jobs, seed);
    let t = Instant::now();
    let g = problem.check(&greedy(&problem))?;
    let greedy_ms = t.elapsed().as_secs_f64() * 1000.0;
    let f = problem.check(&fifo(&problem))?;
    let t = Instant::now();
    let bound = lp_bound(&problem)?;
    let lp_ms = t.elapsed().as_secs_f64() * 1000.0;
    let out = serde_json::json!({
        "devices": devices, "jobs": jobs, "seed": seed, "day": "2026-06-21 UTC",
        "lp_bound_green_gpu_hours": bound,
        "greedy": {"jobs": g.jobs_placed, "gpu_hours": g.gpu_hours, "green_gpu_hours": g.green_gpu_hours, "green_share": g.green_share, "ms": greedy_ms},
        "fifo": {"jobs": f.jobs_placed, "gpu_hours": f.gpu_hours, "green_gpu_hours": f.green_gpu_hours, "green_share": f.green_share},
        "greedy_over_bound": g.green_gpu_hours / bound,
        "fifo_over_bound": f.green_gpu_hours / bound,
        "lp_ms": lp_ms,
    });
    Ok(Report::new(&out, || {
        format!(
            "scheduler on a fleet day ({devices} devices, {jobs} jobs, seed {seed}, 2026-06-21 on TMY3 weather)\n\
             LP relaxation bound   {bound:.2} green GPU-hours ({lp_ms:.0} ms)\n\
             carbon-aware greedy   {:.2} green GPU-hours = {:.4} of the bound; green share {:.1} % of {} GPU-hours, {} jobs ({greedy_ms:.1} ms)\n\
             FIFO (carbon-agnostic) {:.2} green GPU-hours = {:.4} of the bound; green share {:.1} % of {} GPU-hours, {} jobs",
            g.green_gpu_hours,
            g.green_gpu_hours / bound,
            g.green_share * 100.0,
            g.gpu_hours,
            g.jobs_placed,
            f.green_gpu_hours,
            f.green_gpu_hours / bound,
            f.green_share * 100.0,
            f.gpu_hours,
            f.jobs_placed
        )
    }))
}

fn bench_energy(hours: usize, horizon: usize) -> Result<Report> {
    use greenhour_energy::battery::Battery;
    use greenhour_energy::data::{self, embedded};
    use greenhour_energy::dispatch::{plan, receding_horizon_arbitrage, PriceForecast, Window};
    use greenhour_energy::solar::{sun_position, DELTA_T};
    let e = |e: greenhour_energy::EnergyError| anyhow::anyhow!("{e}");

    // 1. PV: a 5 kWp PVWatts system on the Greensboro TMY3 year.
    let site = data::weather(embedded::GREENSBORO.0, embedded::GREENSBORO.1).map_err(e)?;
    let system = greenhour_energy::PvSystem::pvwatts(5_000.0);
    let t = Instant::now();
    let mut pv_wh = 0.0;
    for (i, h) in site.hours.iter().enumerate() {
        let sun = sun_position(
            site.mid_hour_unix(1990, i).map_err(e)?,
            &site.observer,
            h.pressure_mbar,
            h.irradiance.temp_air,
            DELTA_T,
        )
        .map_err(e)?;
        pv_wh += system.output(&sun, &h.irradiance).ac_w;
    }
    let pv_ms = t.elapsed().as_secs_f64() * 1000.0;

    // 2. Arbitrage on SMARD DE 2018 (the file's hour 0 is 00:00 CET).
    let prices: Vec<f64> = data::prices(embedded::SMARD_2018.0, embedded::SMARD_2018.1)
        .map_err(e)?
        .iter()
        .map(|p| p.eur_per_mwh)
        .collect();
    let prices = &prices[..hours.min(prices.len())];
    let b = Battery::home();
    let t = Instant::now();
    let bound = -plan(&b, b.min_wh(), &Window::arbitrage(prices, 5_000.0)).map_err(e)?.cost_eur;
    let bound_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let (profit, _) =
        receding_horizon_arbitrage(&b, b.min_wh(), prices, horizon, 0, PriceForecast::DayAhead).map_err(e)?;
    let per_solve_ms = t.elapsed().as_secs_f64() * 1000.0 / prices.len() as f64;
    let (naive, _) =
        receding_horizon_arbitrage(&b, b.min_wh(), prices, horizon, 0, PriceForecast::Persistence).map_err(e)?;
    let report = serde_json::json!({
        "pv_5kwp_greensboro_annual_kwh": (pv_wh / 100.0).round() / 10.0,
        "pv_specific_yield_kwh_per_kwp": (pv_wh / 5_000.0).round(),
        "pv_year_ms": pv_ms.round(),
        "arbitrage_hours": prices.len(),
        "battery": "10 kWh, 5 kW, 95 % each way, 10-90 %",
        "perfect_foresight_profit_eur": (bound * 100.0).round() / 100.0,
        "perfect_foresight_lp_s": (bound_s * 100.0).round() / 100.0,
        "forecast_manager_profit_eur": (profit * 100.0).round() / 100.0,
        "ratio": (profit / bound * 1000.0).round() / 1000.0,
        "persistence_forecast_profit_eur": (naive * 100.0).round() / 100.0,
        "persistence_ratio": (naive / bound * 1000.0).round() / 1000.0,
        "horizon_hours": horizon,
        "manager_lp_ms_per_solve": (per_solve_ms * 100.0).round() / 100.0,
    });
    Ok(Report::new(&report, || {
        format!(
            "PV 5 kWp Greensboro TMY3     {:.1} kWh/year ({:.0} kWh/kWp), {pv_ms:.0} ms for the year\n\
             arbitrage, {} h of SMARD DE 2018, 10 kWh / 5 kW battery\n\
             perfect foresight (LP bound) {bound:.2} € (one LP, {bound_s:.2} s)\n\
             day-ahead manager            {profit:.2} € = {:.3} of the bound ({horizon} h horizon, {per_solve_ms:.2} ms per LP)\n\
             persistence-only manager     {naive:.2} € = {:.3} of the bound",
            pv_wh / 1_000.0,
            pv_wh / 5_000.0,
            prices.len(),
            profit / bound,
            naive / bound,
        )
    }))
}

async fn bench_swaps(traders: usize, total: usize, block_ms: u64) -> Result<Report> {
    use greenhour_market::{Exact, MarketAction};
    if traders == 0 || total < traders {
        bail!("need at least one trader and one swap per trader");
    }
    let dir = tempfile::Builder::new().prefix("greenhour-bench-swaps-").tempdir()?;
    let chain = ChainId::new(CHAIN).expect("valid");
    let genesis_time = 1_767_225_600u64;
    let hour = genesis_time / 3_600 + 48; // far from the hour: no decay work in the way
    let slot = greenhour_primitives::Denom::new(format!("slot/home/{hour}")).expect("valid denom");
    eprintln!("funding {traders} traders with gUSD and slots of {slot}…");
    let keys: Vec<SecretKey> = (0..=traders).map(bench_key).collect();
    let maker = &keys[traders];
    let mut genesis = Genesis::new(chain.clone(), genesis_time);
    genesis.bank.balances = keys
        .iter()
        .map(|k| GenesisBalance {
            address: k.address(),
            coins: vec![
                Coin::ghr(1_000_000_000_000),
                Coin::new(greenhour_primitives::Denom::gusd(), 1_000_000_000_000_000),
                Coin::new(slot.clone(), 1_000_000),
            ],
        })
        .collect();
    genesis.bank.perishable.push(greenhour_bank::PerishableDenom {
        denom: slot.clone(),
        issuer: greenhour_pools::NAME.into(),
        closes_at: hour * 3_600,
    });
    let fee = genesis.params.min_fee;
    let running = start_node(dir.path(), &genesis, block_ms).await?;
    let node = running.node.clone();
    let setup = [
        MarketAction::Create {
            slot: slot.clone(),
            quote: greenhour_primitives::Denom::gusd(),
            floor_wad: 0,
            half_life: 3_600,
            decay_window: 3_600,
        },
        MarketAction::AddLiquidity {
            slot: slot.clone(),
            max_slots: 1_000_000,
            max_quote: 2_000_000_000_000,
            min_shares: 0,
            deadline: u64::MAX,
        },
    ];
    for (nonce, action) in setup.into_iter().enumerate() {
        let tx = TxBody {
            chain_id: chain.clone(),
            signer: maker.public_key(),
            nonce: nonce as u64,
            fee,
            actions: vec![AppAction::Market(action)],
            memo: String::new(),
        }
        .sign(maker);
        let done = node
            .broadcast(greenhour_codec::encode(&tx), greenhour_app::rpc::BroadcastMode::Commit)
            .await
            .map_err(|e| anyhow::anyhow!("setup refused: {e}"))?;
        if done.committed.is_none() {
            bail!("setup transaction {} was not committed", done.hash);
        }
    }
    let rounds = total / traders;
    eprintln!("signing {} swaps…", rounds * traders);
    // The floor, measured in the same run on the same signatures (see `bench tx`).
    let traders_keys = &keys[..traders];
    let txs = sign_rounds(traders_keys, 0, rounds, &chain, fee, |_, round| {
        let buy = round % 2 == 0;
        let exact = if buy { Exact::Out(1) } else { Exact::In(1) };
        let limit = if buy { u128::MAX } else { 0 };
        AppAction::Market(MarketAction::Swap { slot: slot.clone(), buy_slots: buy, exact, limit, deadline: u64::MAX })
    });
    let (verify_rate, _) = verification_floor(&chain, &txs);
    let n_txs = txs.len();
    let Committed { elapsed, admit_busy, exec, tree, write, nblocks } = commit_all(&node, txs).await?;
    let pool_slots =
        greenhour_market::state::pool(&node.app.snapshot()?, &slot).map(|p| p.x).map_err(|e| anyhow::anyhow!("{e}"))?;
    running.stop().await?;
    let tps = n_txs as f64 / elapsed;
    let nb = nblocks.max(1) as f64;
    let report = serde_json::json!({
        "traders": traders,
        "swaps": n_txs,
        "block_interval_ms": block_ms,
        "committed_swaps_per_s": tps.round(),
        "ed25519_batch_verify_per_s_2_threads": verify_rate.round(),
        "tps_over_verify_rate": (tps / verify_rate * 1000.0).round() / 1000.0,
        "pool_slots_after": pool_slots.to_string(),
        "blocks": nblocks,
        "avg_block_ms": block_averages_json(exec, tree, write, nb),
        "admission_busy_s": (admit_busy.as_secs_f64() * 100.0).round() / 100.0,
        "elapsed_s": (elapsed * 100.0).round() / 100.0,
    });
    Ok(Report::new(&report, || {
        format!(
            "committed swaps/s          {tps:.0}  ({n_txs} signed swaps from {traders} traders, {elapsed:.2} s)\n\
             ed25519 batch verify/s     {verify_rate:.0} on 2 threads (ratio {:.3})\n\
             per block (avg of {nblocks})   execute {:.1} ms, JMT {:.1} ms, redb write {:.1} ms\n\
             admission (decode+checks+batch verify) busy {:.2} s",
            tps / verify_rate,
            exec as f64 / nb / 1000.0,
            tree as f64 / nb / 1000.0,
            write as f64 / nb / 1000.0,
            admit_busy.as_secs_f64(),
        )
    }))
}

async fn bench_telemetry(devices: usize, hours: usize, block_ms: u64) -> Result<Report> {
    use greenhour_devices::{DeviceId, DevicesAction, TelemetryReport};
    if devices == 0 || hours == 0 {
        bail!("need at least one device and one hour");
    }
    let dir = tempfile::Builder::new().prefix("greenhour-bench-telemetry-").tempdir()?;
    let chain = ChainId::new(CHAIN).expect("valid");
    let genesis_time = 1_767_225_600u64;
    eprintln!("registering {devices} devices at genesis…");
    let owners: Vec<SecretKey> = (0..devices).map(bench_key).collect();
    let device_keys: Vec<SecretKey> =
        (0..devices).map(|i| SecretKey::from_name(&format!("bench-device-{i}"))).collect();
    let mut genesis = Genesis::new(chain.clone(), genesis_time);
    genesis.bank.balances =
        owners.iter().map(|k| GenesisBalance { address: k.address(), coins: vec![Coin::ghr(1_000_000_000)] }).collect();
    bench_devices(&mut genesis, &owners, None);
    let fee = genesis.params.min_fee;

    eprintln!("signing {} reports (device key) and their transactions (owner key)…", devices * hours);
    let first_hour = genesis_time - hours as u64 * 3_600;
    let total = devices * hours;
    let threads = std::thread::available_parallelism().map(|p| p.get()).unwrap_or(2);
    let per = total.div_ceil(threads);
    let (owners_ref, keys_ref, chain_ref) = (&owners, &device_keys, &chain);
    let txs: Vec<Tx> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                s.spawn(move || {
                    (t * per..((t + 1) * per).min(total))
                        .map(|j| {
                            let (hour, i) = (j / devices, j % devices);
                            let start = first_hour + hour as u64 * 3_600;
                            let report = TelemetryReport {
                                device: DeviceId(i as u64 + 1),
                                start,
                                end: start + 3_600,
                                generated_wh: 3_000,
                                charged_wh: 1_000,
                                discharged_wh: 0,
                                imported_wh: 0,
                                exported_wh: 1_000,
                                compute_wh: 400,
                                gpu_seconds: 3_600,
                                soc_permille: 500,
                                outage_before: false,
                            };
                            let signature = report.sign(&keys_ref[i], chain_ref);
                            TxBody {
                                chain_id: chain_ref.clone(),
                                signer: owners_ref[i].public_key(),
                                nonce: hour as u64,
                                fee,
                                actions: vec![AppAction::Devices(DevicesAction::Report { report, signature })],
                                memo: String::new(),
                            }
                            .sign(&owners_ref[i])
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("signer thread")).collect()
    });

    // Each report carries two signatures (the device's and the transaction's):
    // the floor is half the batch rate of one.
    let (verify_rate, _) = verification_floor(&chain, &txs);
    let running = start_node(dir.path(), &genesis, block_ms).await?;
    let node = running.node.clone();
    let mut blocks = node.subscribe();
    let started = Instant::now();
    let submitter = {
        let node = node.clone();
        std::thread::spawn(move || {
            let mut it = txs.into_iter().peekable();
            let mut refused = 0;
            while it.peek().is_some() {
                let chunk: Vec<Tx> = it.by_ref().take(4_096).collect();
                refused += node.submit_batch(chunk).iter().filter(|r| r.is_err()).count();
            }
            refused
        })
    };
    let mut committed = 0usize;
    while committed < total {
        let notice = tokio::time::timeout(Duration::from_secs(120), blocks.recv())
            .await
            .context("no block for 120 s")?
            .context("block stream closed")?;
        committed += notice.tx_count;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let refused = submitter.join().expect("submitter");
    if refused > 0 {
        bail!("{refused} reports were refused at admission");
    }
    let snap = node.app.snapshot()?;
    let accepted: u64 = greenhour_devices::state::all_devices(&snap)?.iter().map(|d| d.reports).sum();
    drop(snap);
    drop(node);
    running.stop().await?;
    if accepted as usize != total {
        bail!("{accepted} of {total} reports were accepted");
    }
    let rate = total as f64 / elapsed;
    let bound = verify_rate / 2.0;
    let report = serde_json::json!({"devices": devices, "reports": total, "elapsed_s": (elapsed * 100.0).round() / 100.0,
        "reports_per_s": rate.round(), "ed25519_batch_verify_per_s_2_threads": verify_rate.round(),
        "rate_over_two_signature_bound": (rate / bound * 1000.0).round() / 1000.0});
    Ok(Report::new(&report, || {
        format!(
            "telemetry: {rate:.0} signed reports/s committed ({total} reports from {devices} devices in {elapsed:.2} s; two signatures each)\n\
             ed25519 batch verify/s {verify_rate:.0} on 2 threads: two signatures bound {bound:.0} reports/s (ratio {:.3})",
            rate / bound
        )
    }))
}

/// The floor cost of a signed transaction on this machine, in the same run as the
/// throughput it is compared with: ed25519 batch verification of up to 32,768 of
/// the run's own transactions on 2 threads, and of 8,192 on 1. Returns signatures
/// per second `(2 threads, 1 thread)`.
fn verification_floor(chain: &ChainId, txs: &[Tx]) -> (f64, f64) {
    let sample: Vec<&Tx> = txs.iter().take(32_768).collect();
    let t = Instant::now();
    let ok = greenhour_app::verify_signatures(chain, &sample, 2).iter().filter(|r| r.is_ok()).count();
    let two = sample.len() as f64 / t.elapsed().as_secs_f64();
    assert_eq!(ok, sample.len(), "bench signatures must verify");
    let one_sample = &sample[..sample.len().min(8_192)];
    let t = Instant::now();
    greenhour_app::verify_signatures(chain, one_sample, 1);
    (two, one_sample.len() as f64 / t.elapsed().as_secs_f64())
}

/// One home device with one GPU per owner, registered at genesis; its device key
/// is `bench-device-{i}`. `last_report_end` is when its telemetry last ended, if ever.
fn bench_devices(genesis: &mut Genesis, owners: &[SecretKey], last_report_end: Option<u64>) {
    use greenhour_devices::{Device, DeviceClass, DeviceId, DeviceStatus, LocationCell, Nameplate};
    genesis.devices.devices = owners
        .iter()
        .enumerate()
        .map(|(i, owner)| Device {
            id: DeviceId(i as u64 + 1),
            owner: owner.address(),
            key: SecretKey::from_name(&format!("bench-device-{i}")).public_key(),
            class: DeviceClass::Home,
            cell: LocationCell::new("u33dc0").expect("valid cell"),
            nameplate: Nameplate {
                pv_w: 5_000,
                battery_wh: 10_000,
                battery_max_w: 5_000,
                charger_w: 0,
                gpu_model: "RTX 4090".into(),
                gpu_count: 1,
                gpu_tdp_w: 450,
            },
            status: DeviceStatus::Active,
            registered_at: 0,
            last_report_end,
            reports: 0,
            charged_wh: 0,
            charged_from_pv_wh: 0,
            totals: Default::default(),
        })
        .collect();
}

/// Signs one transaction per `(owner, nonce)` on all cores.
fn sign_all(owners: &[SecretKey], chain: &ChainId, fee: u128, per_owner: &[Vec<AppAction>]) -> Vec<Tx> {
    let jobs: Vec<(usize, u64)> =
        (0..per_owner.len()).flat_map(|n| (0..owners.len()).map(move |i| (i, n as u64))).collect();
    let threads = std::thread::available_parallelism().map(|p| p.get()).unwrap_or(2);
    let per = jobs.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = jobs
            .chunks(per.max(1))
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|&(i, nonce)| {
                            let mut actions = per_owner[nonce as usize].clone();
                            for a in &mut actions {
                                if let AppAction::Pools(
                                    greenhour_pools::PoolsAction::Join { device, .. }
                                    | greenhour_pools::PoolsAction::Pledge { device, .. },
                                ) = a
                                {
                                    *device = greenhour_devices::DeviceId(i as u64 + 1);
                                }
                                // Each owner's first pledge is the (i+1)-th position minted.
                                if let AppAction::Pools(greenhour_pools::PoolsAction::Extend { position, .. }) = a {
                                    *position = i as u64 + 1;
                                }
                            }
                            TxBody {
                                chain_id: chain.clone(),
                                signer: owners[i].public_key(),
                                nonce,
                                fee,
                                actions,
                                memo: String::new(),
                            }
                            .sign(&owners[i])
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("signer thread")).collect()
    })
}

fn dir_bytes(path: &std::path::Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_bytes(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

fn bench_pledges(
    devices: usize,
    days: usize,
    block_txs: usize,
    keep_versions: u64,
    new_position_per_day: bool,
) -> Result<Report> {
    use greenhour_pools::{EntryConditions, Pool, PoolId, PoolKind, PoolsAction};
    if devices == 0 || days == 0 || days * 24 > 336 {
        bail!("need at least one device and 1..=14 days");
    }
    let dir = tempfile::Builder::new().prefix("greenhour-bench-pledges-").tempdir()?;
    let chain = ChainId::new(CHAIN).expect("valid");
    let genesis_time = 1_767_225_600u64; // on an hour boundary
    let genesis_hour = genesis_time / 3_600;
    let owners: Vec<SecretKey> = (0..devices).map(bench_key).collect();
    let mut genesis = Genesis::new(chain.clone(), genesis_time);
    genesis.bank.balances =
        owners.iter().map(|k| GenesisBalance { address: k.address(), coins: vec![Coin::ghr(1_000_000_000)] }).collect();
    bench_devices(&mut genesis, &owners, Some(genesis_time));
    genesis.pools.pools = vec![Pool {
        id: PoolId(1),
        creator: owners[0].address(),
        class: greenhour_devices::DeviceClass::Home,
        kind: PoolKind::Compute,
        conditions: EntryConditions::default(),
        members: 0,
        created_at: 0,
    }];
    let fee = genesis.params.min_fee;
    let placeholder = greenhour_devices::DeviceId(0);
    let mut per_owner = vec![vec![AppAction::Pools(PoolsAction::Join { pool: PoolId(1), device: placeholder })]];
    for day in 0..days as u64 {
        let action = if day == 0 || new_position_per_day {
            PoolsAction::Pledge {
                pool: PoolId(1),
                device: placeholder,
                first_hour: genesis_hour + 1 + day * 24,
                hours: 24,
                quantity: 1,
            }
        } else {
            PoolsAction::Extend { position: 0, hours: 24 }
        };
        per_owner.push(vec![AppAction::Pools(action)]);
    }
    eprintln!("signing {} transactions ({devices} joins, {} pledges)…", devices * (days + 1), devices * days);
    let txs = sign_all(&owners, &chain, fee, &per_owner);

    let store_path = dir.path().join("state.redb");
    let keep = (keep_versions > 0).then_some(keep_versions);
    let store = greenhour_state::Store::open(
        &store_path,
        &greenhour_state::StoreConfig { keep_versions: keep, ..greenhour_state::StoreConfig::default() },
    )?;
    let app = greenhour_app::App::init_chain(store, &genesis)?;
    let empty_bytes = dir_bytes(dir.path());
    let started = Instant::now();
    let mut time = genesis_time;
    let mut blocks = 0;
    for chunk in txs.chunks(block_txs) {
        time += 1;
        let outcome = app.build_block(time, chunk.to_vec())?;
        if let Some(bad) = outcome.outcomes.iter().find(|o| o.result.is_err()) {
            bail!("a bench transaction failed: {:?}", bad.result);
        }
        blocks += 1;
        if blocks % 20 == 0 {
            eprintln!(
                "  {} of {} transactions in {:.0} s",
                blocks * block_txs,
                txs.len(),
                started.elapsed().as_secs_f64()
            );
        }
    }
    let build_s = started.elapsed().as_secs_f64();
    let snap = app.snapshot()?;
    let positions = greenhour_pools::state::all_positions(&snap)?.len();

    drop(snap);

    // Sweep cost: the first pledged hour ends; then, after many hours, a late one does.
    let sweep_block = |app: &greenhour_app::App, at: u64| -> Result<(u64, usize)> {
        let outcome = app.build_block(at, Vec::new())?;
        let burned = greenhour_pools::PoolsEvent::all_in(&outcome.block_events)
            .iter()
            .filter(|e| matches!(e, greenhour_pools::PoolsEvent::HourExpired { .. }))
            .count();
        Ok((outcome.timings.execute_us, burned))
    };
    // Quiet blocks inside an hour, for the baseline of an empty block's hooks.
    let (quiet_us, _) = sweep_block(&app, time + 1)?;
    let (early_us, early_hours) = sweep_block(&app, (genesis_hour + 2) * 3_600)?;
    // Jump far ahead: every due hour is swept, 4 per block; then the second-to-last
    // hour ends (no position ends with it, like the first hour above).
    let last_hour = genesis_hour + days as u64 * 24;
    let mut t = (last_hour - 1) * 3_600;
    for _ in 0..(days * 24 / 4 + 2) {
        t += 1;
        sweep_block(&app, t)?;
    }
    let (late_us, late_hours) = sweep_block(&app, last_hour * 3_600)?;
    // Pad the history with empty blocks so pruning (if on) reaches the pledges' versions.
    for _ in 0..keep.unwrap_or(0).min(10_000) {
        t += 1;
        sweep_block(&app, t.min(last_hour * 3_600 + 3_599))?;
    }
    let tables = app.store().table_sizes()?;
    for (table, rows, bytes) in &tables {
        eprintln!("  table {table:<13} {rows:>10} rows {:>10.1} MiB", *bytes as f64 / (1u64 << 20) as f64);
    }
    let state_bytes: u64 = tables.iter().map(|(_, _, b)| b).sum();
    drop(app);
    let grown_bytes = dir_bytes(dir.path());
    greenhour_state::Store::compact_file(&store_path)?;
    let bytes = dir_bytes(dir.path());
    let device_hours = (devices * days * 24) as u64;
    let per_device_hour = state_bytes as f64 / device_hours as f64;
    let projected_gib = per_device_hour * 100_000.0 * 14.0 * 24.0 / (1u64 << 30) as f64;
    let _ = empty_bytes;
    let report = serde_json::json!({
        "devices": devices, "days": days, "positions": positions, "keep_versions": keep, "blocks": blocks, "build_s": (build_s * 10.0).round() / 10.0,
        "state_bytes": state_bytes, "file_bytes_before_compaction": grown_bytes, "file_bytes": bytes,
        "state_bytes_per_device_hour": per_device_hour.round(),
        "projected_gib_100k_devices_14_days": (projected_gib * 100.0).round() / 100.0,
        "sweep_us": {"quiet_block": quiet_us, "first_hour": early_us, "first_hour_expired": early_hours,
                     "last_hour": late_us, "last_hour_expired": late_hours},
    });
    Ok(Report::new(&report, || {
        format!(
            "pledges: {devices} devices × {days} days × 24 h = {device_hours} device-hours in {positions} positions, {blocks} blocks, {build_s:.0} s, {}\n\
             state {:.1} MiB = {per_device_hour:.0} bytes per pledged device-hour → {projected_gib:.2} GiB projected for 100,000 devices × 14 days\n\
             database file with the block log {:.1} MiB after compaction ({:.1} MiB before)\n\
             expiry sweep (block execute time): quiet block {quiet_us} µs; first hour ending {early_us} µs; \
             last hour ending after {} swept hours {late_us} µs",
            keep.map_or("archive".to_string(), |k| format!("tree history of {k} versions")),
            state_bytes as f64 / (1u64 << 20) as f64,
            bytes as f64 / (1u64 << 20) as f64,
            grown_bytes as f64 / (1u64 << 20) as f64,
            days * 24 - 2
        )
    }))
}

fn rss_kib(pid: u32) -> Result<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).context("reading /proc (Linux only)")?;
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Ok((field("VmRSS:"), field("VmHWM:")))
}

async fn bench_accounts(accounts: usize) -> Result<Report> {
    let dir = tempfile::Builder::new().prefix("greenhour-bench-accounts-").tempdir()?;
    let root = dir.path();
    let chain = ChainId::new(CHAIN).expect("valid");
    let whales: Vec<SecretKey> = (0..16).map(|i| SecretKey::from_name(&format!("whale-{i}"))).collect();
    let mut genesis = Genesis::new(chain.clone(), 1_767_225_600);
    genesis.bank.balances = whales
        .iter()
        .map(|k| GenesisBalance { address: k.address(), coins: vec![Coin::ghr(u64::MAX as u128)] })
        .collect();
    let mut config = NodeConfig { rpc_listen: "127.0.0.1:0".into(), ..Default::default() };
    config.solo.block_interval_ms = 200;
    config.solo.clock = Clock::Simulated { seconds_per_block: 1 };
    std::fs::write(root.join("genesis.json"), genesis.to_json())?;
    std::fs::write(root.join("config.json"), serde_json::to_string_pretty(&config)?)?;

    // Fund `accounts` fresh addresses with multi-sends of ~1,000 outputs each.
    eprintln!("funding {accounts} accounts…");
    let running = Node::start(config.clone(), &HomeLayout::new(root), &genesis).await?;
    let node = running.node.clone();
    let per_tx = 1_000;
    let fee = genesis.params.min_fee;
    let mut nonces = vec![0u64; whales.len()];
    let mut txs = Vec::new();
    let per_action = greenhour_bank::params::MAX_OUTPUTS;
    for (j, start) in (0..accounts).step_by(per_tx).enumerate() {
        let w = j % whales.len();
        let outputs: Vec<Output> = (start..(start + per_tx).min(accounts))
            .map(|i| {
                let mut a = [0u8; 20];
                a[..8].copy_from_slice(&(i as u64).to_be_bytes());
                a[8..12].copy_from_slice(b"acct");
                Output { to: greenhour_primitives::Address(a), coins: vec![Coin::ghr(1_000_000)] }
            })
            .collect();
        let actions = outputs
            .chunks(per_action)
            .map(|c| AppAction::Bank(BankAction::MultiSend { outputs: c.to_vec() }))
            .collect();
        txs.push(
            TxBody {
                chain_id: chain.clone(),
                signer: whales[w].public_key(),
                nonce: nonces[w],
                fee,
                actions,
                memo: String::new(),
            }
            .sign(&whales[w]),
        );
        nonces[w] += 1;
    }
    let n = txs.len();
    let mut blocks = node.subscribe();
    let results = node.submit_batch(txs);
    if let Some(Err(e)) = results.iter().find(|r| r.is_err()) {
        bail!("{} funding transactions were refused, e.g. {e}", results.iter().filter(|r| r.is_err()).count());
    }
    let mut done = 0;
    while done < n {
        done += blocks.recv().await?.tx_count;
    }
    drop(node);
    running.stop().await?;

    // Measure a fresh node process over that state, under a light transfer load.
    eprintln!("starting a node process over {accounts} accounts…");
    let exe = std::env::current_exe()?;
    let mut child = std::process::Command::new(exe)
        .args(["node", "start", "--home"])
        .arg(root)
        .env("GREENHOUR_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let pid = child.id();
    let stdout = child.stdout.take().context("child stdout")?;
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).map(|_| line)
    })
    .await??;
    let Some(url) = line.trim().strip_prefix("node listening on ").map(str::to_string) else {
        let _ = child.kill();
        bail!("the node process did not start (it printed {line:?})");
    };
    let client = greenhour_client::RpcClient::new(&url);
    let mut wallet = greenhour_client::Wallet::new(whales[0].clone(), chain, fee);
    let mut peak = (0, 0);
    // Load that touches state all over: multi-sends to 40,000 existing accounts
    // spread across the whole key space, so caches fill as they would in service.
    let funded = |i: usize| {
        let mut a = [0u8; 20];
        a[..8].copy_from_slice(&(i as u64).to_be_bytes());
        a[8..12].copy_from_slice(b"acct");
        greenhour_primitives::Address(a)
    };
    for round in 0..40usize {
        let outputs: Vec<Output> = (0..1_000usize)
            .map(|j| Output { to: funded((round * 1_000 + j) * 7_919 % accounts), coins: vec![Coin::ghr(1)] })
            .collect();
        let actions = outputs
            .chunks(per_action)
            .map(|c| AppAction::Bank(BankAction::MultiSend { outputs: c.to_vec() }))
            .collect();
        let tx = wallet.sign(&client, actions, "").await?;
        client.broadcast(&tx, greenhour_app::rpc::BroadcastMode::Commit).await?;
        let now = rss_kib(pid)?;
        peak = (peak.0.max(now.0), peak.1.max(now.1));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (rss, hwm) = rss_kib(pid)?.max(peak);
    let _ = child.kill();
    let _ = child.wait();
    let report = serde_json::json!({"accounts": accounts, "node_rss_mib": rss / 1024, "node_peak_rss_mib": hwm / 1024,
        "store_cache_mib": config.store_cache_mib});
    Ok(Report::new(&report, || {
        format!(
            "node process over {accounts} funded accounts: RSS {} MiB, peak {} MiB (store cache {} MiB)",
            rss / 1024,
            hwm / 1024,
            config.store_cache_mib
        )
    }))
}
