//! Crash safety: SIGKILL the node process at random moments under load, 20
//! times, restart it each time, and check that every transaction it reported
//! as committed is still there at the same height, that block hashes never
//! change, and that each block's app hash is the root proofs verify against.

use greenhour_app::rpc::BroadcastMode;
use greenhour_app::AppAction;
use greenhour_bank::BankAction;
use greenhour_client::{RpcClient, Wallet};
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Coin, Hash};
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KILLS: usize = 20;
const SENDERS: [&str; 4] = ["alice", "bob", "carol", "dave"];
const IN_FLIGHT: u64 = 16;

mod common;
use common::start_node;

/// One sender keeps `IN_FLIGHT` commit-mode transfers in the air until told to stop.
async fn load(
    client: RpcClient,
    name: &'static str,
    chain: String,
    stop: Arc<AtomicBool>,
    log: Arc<Mutex<Vec<(Hash, u64)>>>,
) {
    let key = SecretKey::from_name(name);
    let to = SecretKey::from_name("erin").address();
    let wallet = Wallet::new(key.clone(), chain.parse().unwrap(), 1_000);
    while !stop.load(Ordering::Relaxed) {
        let Ok(account) = client.account(&key.address()).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let sends = (0..IN_FLIGHT).map(|i| {
            let tx = wallet.sign_offline(
                account.nonce + i,
                vec![AppAction::Bank(BankAction::Send { to, coins: vec![Coin::ghr(1 + i as u128)] })],
                "",
            );
            let client = client.clone();
            async move { client.broadcast(&tx, BroadcastMode::Commit).await }
        });
        for result in futures_util::future::join_all(sends).await.into_iter().flatten() {
            let record = result.committed.expect("commit mode carries the record");
            assert_eq!(record.hash, result.hash);
            log.lock().unwrap().push((result.hash, record.height));
        }
    }
}

async fn verify(client: &RpcClient, committed: &[(Hash, u64)], blocks: &BTreeMap<u64, (Hash, Hash)>) {
    let status = client.status().await.unwrap();
    let highest = committed.iter().map(|(_, h)| *h).max().unwrap_or(0);
    assert!(status.height >= highest, "height {} went below a committed height {highest}", status.height);
    for (hash, height) in committed {
        let tx = client.tx(hash).await.unwrap_or_else(|e| panic!("committed tx {hash} lost: {e}"));
        assert_eq!(tx.record.height, *height, "tx {hash} moved");
    }
    for (height, (block_hash, app_hash)) in blocks {
        let b = client.block(Some(*height)).await.unwrap();
        assert_eq!(&b.hash, block_hash, "block {height} changed after a crash");
        assert_eq!(&b.block.header.app_hash, app_hash);
        let proof = client.state("app/last_block", Some(*height)).await.unwrap();
        proof.verify(app_hash).expect("state at that height proves against the header's app hash");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_survives_sigkill_under_load_without_losing_committed_txs() {
    let seed: u64 = std::env::var("GREENHOUR_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2026);
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let committed = Arc::new(Mutex::new(Vec::<(Hash, u64)>::new()));
    let mut blocks: BTreeMap<u64, (Hash, Hash)> = BTreeMap::new();

    for round in 0..=KILLS {
        let (mut child, client) = start_node(&home).await;
        let snapshot = committed.lock().unwrap().clone();
        verify(&client, &snapshot, &blocks).await;
        if round == KILLS {
            // After the last restart the chain must keep going.
            let h0 = client.status().await.unwrap().height;
            tokio::time::sleep(Duration::from_millis(500)).await;
            assert!(client.status().await.unwrap().height > h0, "chain stalled after restart");
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        let chain = client.status().await.unwrap().chain_id;
        let stop = Arc::new(AtomicBool::new(false));
        let tasks: Vec<_> = SENDERS
            .iter()
            .map(|name| tokio::spawn(load(client.clone(), name, chain.clone(), stop.clone(), committed.clone())))
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.gen_range(200..1_200))).await;
        // Remember a block or two seen before the crash.
        if let Ok(b) = client.block(None).await {
            blocks.insert(b.block.header.height, (b.hash, b.block.header.app_hash));
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..300))).await;
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            t.await.unwrap();
        }
    }
    let total = committed.lock().unwrap().len();
    assert!(total >= KILLS * 10, "too little load got committed to mean anything: {total}");
    eprintln!("crash test: {KILLS} kills, {total} committed transfers verified, {} blocks checked", blocks.len());
}
