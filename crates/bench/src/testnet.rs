//! `greenhour bench testnet`: validators on Malachite in this process, over
//! libp2p on loopback, each with its own store, WAL and mempool.

use super::{bench_key, paced_latencies, percentile, sign_transfers, Report, CHAIN};
use anyhow::{bail, Context, Result};
use greenhour_app::{Genesis, Tx};
use greenhour_bank::GenesisBalance;
use greenhour_consensus::MalachiteConfig;
use greenhour_crypto::SecretKey;
use greenhour_node::config::HomeLayout;
use greenhour_node::keyring::Keyring;
use greenhour_node::{MempoolConfig, Node, NodeConfig, RunningNode};
use greenhour_primitives::{ChainId, Coin};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn validator_key(i: usize) -> SecretKey {
    SecretKey::from_name(&format!("bench-validator-{i}"))
}

async fn start_network(
    root: &std::path::Path,
    genesis: &Genesis,
    n: usize,
    max_proposal_txs: u32,
) -> Result<Vec<RunningNode>> {
    let ports: Vec<u16> = (0..n).map(|_| free_port()).collect::<Result<_>>()?;
    let mut nodes = Vec::with_capacity(n);
    for i in 0..n {
        let home = HomeLayout::new(root.join(format!("node{i}")));
        Keyring::new(&home.keys()).add("validator", &validator_key(i))?;
        let config = NodeConfig {
            rpc_listen: "127.0.0.1:0".into(),
            mempool: MempoolConfig { max_txs: 2_000_000, max_bytes: 2 << 30, ..Default::default() },
            malachite: Some(MalachiteConfig {
                moniker: format!("bench{i}"),
                listen_addr: format!("/ip4/127.0.0.1/tcp/{}", ports[i]),
                persistent_peers: (0..n)
                    .filter(|j| *j != i)
                    .map(|j| format!("/ip4/127.0.0.1/tcp/{}", ports[j]))
                    .collect(),
                timeout_propose_ms: 3_000,
                timeout_delta_ms: 500,
                block_interval_ms: 0,
                max_proposal_txs,
                equivocate: false,
            }),
            validator_key: Some("validator".into()),
            ..Default::default()
        };
        nodes.push(Node::start(config, &home, genesis).await?);
    }
    Ok(nodes)
}

/// Hands every transfer to every validator's mempool (what gossip achieves),
/// each node on its own thread.
fn submit_everywhere(nodes: &[Arc<Node>], txs: &[Tx]) -> Result<()> {
    std::thread::scope(|s| {
        let handles: Vec<_> = nodes
            .iter()
            .map(|node| {
                s.spawn(move || {
                    txs.chunks(4_096).map(|c| node.submit_batch(c.to_vec()).iter().filter(|r| r.is_err()).count()).sum()
                })
            })
            .collect();
        let refused: usize = handles.into_iter().map(|h| h.join().unwrap_or(usize::MAX)).sum();
        if refused > 0 {
            bail!("{refused} bench transactions were refused at admission");
        }
        Ok(())
    })
}

pub async fn run(
    validators: usize,
    accounts: usize,
    total: usize,
    latency_secs: u64,
    proposal_txs: u32,
) -> Result<Report> {
    if validators == 0 || accounts < 2 || total < accounts {
        bail!("need a validator, at least 2 accounts and at least one transfer per account");
    }
    let dir = tempfile::Builder::new().prefix("greenhour-bench-testnet-").tempdir()?;
    let chain = ChainId::new(CHAIN).expect("valid");
    let keys: Vec<SecretKey> = (0..accounts).map(bench_key).collect();
    let mut genesis = Genesis::new(chain.clone(), 1_767_225_600);
    genesis.bank.balances = keys
        .iter()
        .map(|k| GenesisBalance { address: k.address(), coins: vec![Coin::ghr(1_000_000_000_000)] })
        .collect();
    // Operators bond equal stakes from accounts outside the load.
    for i in 0..validators {
        let operator = SecretKey::from_name(&format!("bench-operator-{i}"));
        genesis
            .bank
            .balances
            .push(GenesisBalance { address: operator.address(), coins: vec![Coin::ghr(1_000_000_000_000)] });
        genesis.staking.validators.push(greenhour_staking::GenesisValidator {
            operator: operator.address(),
            consensus_key: validator_key(i).public_key(),
            moniker: format!("bench{i}"),
            commission_bps: 1_000,
            self_bond: 10_000_000_000,
        });
    }
    let fee = genesis.params.min_fee;
    let rounds = total / accounts;
    eprintln!("signing {} transfers…", rounds * accounts);
    let txs = sign_transfers(&keys, 0, rounds, &chain, fee);
    let n_txs = txs.len();

    eprintln!("starting {validators} validators…");
    let running = start_network(dir.path(), &genesis, validators, proposal_txs).await?;
    let nodes: Vec<Arc<Node>> = running.iter().map(|r| r.node.clone()).collect();
    // Wait for the first decided height, so start-up is not counted.
    let mut blocks = nodes[0].subscribe();
    tokio::time::timeout(Duration::from_secs(60), blocks.recv()).await.context("no block within 60 s")??;

    // 1. Throughput.
    let started = Instant::now();
    let submitter = {
        let nodes = nodes.clone();
        std::thread::spawn(move || submit_everywhere(&nodes, &txs))
    };
    let (mut committed, mut nblocks) = (0usize, 0u64);
    let mut block_times = Vec::new();
    let mut last = Instant::now();
    while committed < n_txs {
        let notice = tokio::time::timeout(Duration::from_secs(120), blocks.recv())
            .await
            .context("no block for 120 s")?
            .context("block stream closed")?;
        if notice.tx_count == 0 && committed == 0 {
            last = Instant::now();
            continue;
        }
        committed += notice.tx_count;
        nblocks += 1;
        block_times.push(last.elapsed().as_secs_f64());
        last = Instant::now();
    }
    let elapsed = started.elapsed().as_secs_f64();
    submitter.join().map_err(|_| anyhow::anyhow!("submitter panicked"))??;
    let tps = n_txs as f64 / elapsed;

    // 2. Finality at half that rate: submission to node 0's commit notice.
    let rate = (tps / 2.0).max(1.0);
    let latency_rounds = ((rate * latency_secs as f64) / accounts as f64).ceil().max(1.0) as usize;
    eprintln!("throughput {tps:.0} tx/s; measuring finality at {rate:.0} tx/s…");
    let txs2 = sign_transfers(&keys, rounds as u64, latency_rounds, &chain, fee);
    let submit = |chunk: Vec<Tx>| {
        let nodes = nodes.clone();
        async move { tokio::task::spawn_blocking(move || submit_everywhere(&nodes, &chunk)).await? }
    };
    let latencies = paced_latencies(txs2, rate, &mut blocks, submit, |_| {}).await?;
    block_times.sort_by(|a, b| a.total_cmp(b));
    let heights: Vec<u64> = nodes.iter().map(|n| n.app.height().unwrap_or(0)).collect();
    for r in running {
        r.stop().await?;
    }
    let report = serde_json::json!({
        "validators": validators,
        "max_proposal_txs": proposal_txs,
        "transfers": n_txs,
        "committed_tps": tps.round(),
        "blocks": nblocks,
        "block_interval_p50_ms": (percentile(&block_times, 0.5) * 1000.0).round(),
        "elapsed_s": (elapsed * 100.0).round() / 100.0,
        "finality_rate_tps": rate.round(),
        "finality_txs": latencies.len(),
        "finality_p50_ms": (percentile(&latencies, 0.50) * 1000.0).round(),
        "finality_p99_ms": (percentile(&latencies, 0.99) * 1000.0).round(),
        "heights": heights,
    });
    Ok(Report::new(&report, || {
        format!(
            "validators                 {validators} (Malachite on loopback, one process; proposals of at most {proposal_txs} txs)\n\
             committed transfers/s      {tps:.0}  ({n_txs} transfers from {accounts} accounts in {nblocks} blocks, {elapsed:.2} s)\n\
             block interval             p50 {:.0} ms\n\
             finality at {rate:.0} tx/s     p50 {:.0} ms, p99 {:.0} ms over {} transfers\n\
             heights at the end         {heights:?}",
            percentile(&block_times, 0.5) * 1000.0,
            percentile(&latencies, 0.50) * 1000.0,
            percentile(&latencies, 0.99) * 1000.0,
            latencies.len(),
        )
    }))
}
