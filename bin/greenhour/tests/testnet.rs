//! The multi-validator network on Malachite, as a user runs it: `testnet init`,
//! four `node start` processes on loopback, transfers sent to one node and
//! committed by all, one validator killed (the chain goes on with three of
//! four), restarted (it catches up by sync), and every node's blocks identical;
//! a 2|2 partition, an equivocating validator and one that stops signing.

use greenhour_app::rpc::BroadcastMode;
use greenhour_app::AppAction;
use greenhour_bank::BankAction;
use greenhour_client::{RpcClient, Wallet};
use greenhour_crypto::SecretKey;
use greenhour_primitives::Coin;
use std::io::ErrorKind;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const VALIDATORS: usize = 4;

fn start(home: &Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .args(["node", "start", "--home"])
        .arg(home)
        .env("GREENHOUR_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn greenhour node")
}

async fn height(client: &RpcClient) -> Option<u64> {
    client.status().await.ok().map(|s| s.height)
}

async fn ghr_balance(client: &RpcClient, account: &greenhour_primitives::Address) -> u128 {
    let account = client.account(account).await.unwrap();
    account.balances.iter().find(|c| c.denom == greenhour_primitives::Denom::ghr()).map_or(0, |c| c.amount)
}

/// Waits until `client` reports at least `target`, or panics after `limit`.
async fn wait_for_height(client: &RpcClient, target: u64, limit: Duration) -> u64 {
    let started = Instant::now();
    loop {
        if let Some(h) = height(client).await {
            if h >= target {
                return h;
            }
        }
        assert!(started.elapsed() < limit, "{} did not reach height {target} within {limit:?}", client.url());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// RPC and libp2p base ports for a network of `validators`: one block of 40
/// ports below the kernel's ephemeral range (32768 and up), where every `port 0`
/// bind lands — the relays', the RPC clients', other tests' — so parallel tests
/// and relays cannot take a node's port. Blocks are spread by process id (nextest
/// runs each test in its own process) and checked free before use.
fn port_block(validators: usize) -> (u16, u16) {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    assert!(validators <= 20);
    loop {
        let n = NEXT.fetch_add(1, Ordering::SeqCst);
        let base = 20_000 + 40 * (std::process::id().wrapping_mul(131).wrapping_add(n) % 300) as u16;
        if (base..base + 2 * validators as u16).all(|port| TcpListener::bind(("127.0.0.1", port)).is_ok()) {
            return (base, base + validators as u16);
        }
    }
}

struct Net {
    children: Vec<Option<Child>>,
    clients: Vec<RpcClient>,
}

/// `testnet init` in a temporary folder (with `adjust` run on the homes before
/// start) and the four nodes started.
fn start_net(adjust: impl FnOnce(&[std::path::PathBuf])) -> (tempfile::TempDir, Vec<std::path::PathBuf>, Net) {
    start_net_of(VALIDATORS, adjust)
}

fn start_net_of(
    validators: usize,
    adjust: impl FnOnce(&[std::path::PathBuf]),
) -> (tempfile::TempDir, Vec<std::path::PathBuf>, Net) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("net");
    let (rpc, p2p) = port_block(validators);
    let (rpc_port, p2p_port) = (rpc.to_string(), p2p.to_string());
    let init = Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .args(["testnet", "init", "--validators", &validators.to_string()])
        .args(["--block-ms", "200", "--timeout-propose-ms", "1500"])
        .args(["--rpc-port", &rpc_port, "--p2p-port", &p2p_port, "--home"])
        .arg(&out)
        .output()
        .expect("testnet init");
    assert!(init.status.success(), "testnet init: {}", String::from_utf8_lossy(&init.stderr));
    let homes: Vec<_> = (0..validators).map(|i| out.join(format!("node{i}"))).collect();
    adjust(&homes);
    let base: u16 = rpc_port.parse().unwrap();
    let net = Net {
        children: homes.iter().map(|h| Some(start(h))).collect(),
        clients: (0..validators).map(|i| RpcClient::new(format!("http://127.0.0.1:{}", base + i as u16))).collect(),
    };
    (dir, homes, net)
}

/// Polls `validators` until the demo account `name`'s validator is jailed; returns its record.
async fn wait_until_jailed(client: &RpcClient, name: &str, limit: Duration) -> serde_json::Value {
    let operator = SecretKey::from_name(name).address().to_string();
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < limit, "{name}'s validator was not jailed within {limit:?}");
        tokio::time::sleep(Duration::from_millis(250)).await;
        let Ok(validators) = client.call::<serde_json::Value>("validators", serde_json::json!({})).await else {
            continue;
        };
        let found = validators.as_array().and_then(|list| {
            list.iter().map(|v| &v["validator"]).find(|v| v["operator"].as_str() == Some(operator.as_str())).cloned()
        });
        if let Some(v) = found.filter(|v| v["status"].get("jailed").is_some()) {
            return v;
        }
    }
}

impl Drop for Net {
    fn drop(&mut self) {
        for child in self.children.iter_mut().flatten() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_run_four_validators_that_survive_a_crash_and_catch_up() {
    let (_dir, homes, mut net) = start_net(|_| {});
    // All four decide blocks together.
    for client in &net.clients {
        wait_for_height(client, 3, Duration::from_secs(90)).await;
    }

    // A transfer sent to node 0 is committed, whichever validator proposes it.
    let chain = net.clients[0].status().await.unwrap().chain_id;
    let alice = SecretKey::from_name("alice");
    let erin = SecretKey::from_name("erin").address();
    let mut wallet = Wallet::new(alice.clone(), chain.parse().unwrap(), 1_000);
    let mut sent = 0u128;
    for amount in [5u128, 7, 11] {
        let tx = wallet
            .sign(
                &net.clients[0],
                vec![AppAction::Bank(BankAction::Send { to: erin, coins: vec![Coin::ghr(amount)] })],
                "",
            )
            .await
            .unwrap();
        let result = net.clients[0].broadcast(&tx, BroadcastMode::Commit).await.expect("committed");
        assert!(result.committed.is_some());
        sent += amount;
    }
    let at = net.clients[0].status().await.unwrap().height;
    for client in &net.clients {
        wait_for_height(client, at, Duration::from_secs(30)).await;
        assert_eq!(ghr_balance(client, &erin).await, sent, "{} sees erin's balance", client.url());
    }

    // Every block carries a commit certificate signed by more than 2/3 of the set.
    let certificate = net.clients[1].commit(at).await.expect("certificate stored with the block");
    assert!(certificate.signatures.len() * 3 > VALIDATORS * 2, "{} signatures", certificate.signatures.len());

    // Kill validator 3 (a crash: no clean shutdown); three of four keep deciding.
    let mut victim = net.children[3].take().unwrap();
    victim.kill().unwrap();
    victim.wait().unwrap();
    let stopped_at = height(&net.clients[0]).await.unwrap();
    let tx = wallet
        .sign(&net.clients[1], vec![AppAction::Bank(BankAction::Send { to: erin, coins: vec![Coin::ghr(13)] })], "")
        .await
        .unwrap();
    net.clients[1].broadcast(&tx, BroadcastMode::Commit).await.expect("committed without node 3");
    sent += 13;
    wait_for_height(&net.clients[0], stopped_at + 5, Duration::from_secs(90)).await;

    // Restarted, it syncs the blocks it missed and joins again.
    net.children[3] = Some(start(&homes[3]));
    let target = height(&net.clients[0]).await.unwrap();
    wait_for_height(&net.clients[3], target, Duration::from_secs(120)).await;
    assert_eq!(ghr_balance(&net.clients[3], &erin).await, sent);

    // Without a quorum (two of four down) nothing is decided; with it back, blocks resume.
    for i in [2, 3] {
        let mut child = net.children[i].take().unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let halted = height(&net.clients[0]).await.unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(height(&net.clients[0]).await.unwrap() <= halted + 1, "two of four validators must not decide");
    // Node 2 comes back with its data wiped: it syncs the whole chain from genesis.
    std::fs::remove_dir_all(homes[2].join("data")).unwrap();
    net.children[2] = Some(start(&homes[2]));
    net.children[3] = Some(start(&homes[3]));
    wait_for_height(&net.clients[0], halted + 3, Duration::from_secs(120)).await;
    let target = height(&net.clients[0]).await.unwrap();
    wait_for_height(&net.clients[2], target, Duration::from_secs(120)).await;

    // A light client follows the chain on the engine's commit certificates.
    let sets: serde_json::Value = net.clients[1].call("validator_sets", serde_json::json!({})).await.unwrap();
    let set: greenhour_light::ValidatorSet = serde_json::from_value(sets["next"]["set"].clone()).unwrap();
    let genesis = net.clients[1].block(Some(0)).await.unwrap().block.header;
    let mut light = greenhour_light::LightClient::new(chain.parse().unwrap(), &genesis, set).unwrap();
    let mut verified = 0;
    for h in 1..=target {
        let header = net.clients[1].block(Some(h)).await.unwrap().block.header;
        if header.next_validators_hash != header.validators_hash {
            break;
        }
        let certificate = net.clients[1].commit(h).await.unwrap();
        light.verify_next(&header, &certificate, None).unwrap_or_else(|e| panic!("header {h}: {e}"));
        verified += 1;
    }
    assert!(verified >= 10, "only {verified} headers verified");

    // Same blocks everywhere: hash and app hash of every height agree; and the
    // blocks the engine decided, applied one by one on a fresh store (what the solo
    // path's apply_block does with a replayed chain), give the same app hashes.
    let genesis_json = std::fs::read_to_string(homes[0].join("genesis.json")).unwrap();
    let genesis = greenhour_app::Genesis::from_json(&genesis_json).unwrap();
    let replay_dir = tempfile::tempdir().unwrap();
    let store = greenhour_state::Store::open(&replay_dir.path().join("replay.redb"), &Default::default()).unwrap();
    let replay = greenhour_app::App::init_chain(store, &genesis).unwrap();
    for h in 1..=target {
        let reference = net.clients[0].block(Some(h)).await.unwrap();
        for client in &net.clients[1..] {
            let other = client.block(Some(h)).await.unwrap();
            assert_eq!(other.hash, reference.hash, "block {h} differs on {}", client.url());
            assert_eq!(other.block.header.app_hash, reference.block.header.app_hash);
        }
        let app_hash = reference.block.header.app_hash;
        let replayed = replay.apply_block(reference.block).unwrap_or_else(|e| panic!("replaying block {h}: {e}"));
        assert_eq!(replayed.block.header.app_hash, app_hash, "replayed block {h}");
    }
}

/// A validator SIGKILLed at random moments just after it reaches a new height
/// (inside the commit of the next one, or voting on it), under a
/// stream of transfers, five times: each time it restarts from its store and its engine's
/// write-ahead log and rejoins; every node ends with the same blocks and app
/// hashes, and the validator never signed two votes for one round (no evidence
/// of it: not jailed, nothing slashed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_restart_a_validator_killed_mid_commit_without_a_fork_or_a_double_sign() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(2026);
    let (_dir, homes, mut net) = start_net(|_| {});
    for client in &net.clients {
        wait_for_height(client, 3, Duration::from_secs(90)).await;
    }
    let chain = net.clients[0].status().await.unwrap().chain_id;
    let mut wallet = Wallet::new(SecretKey::from_name("alice"), chain.parse().unwrap(), 1_000);
    let erin = SecretKey::from_name("erin").address();
    let mut sent = 0u128;
    for kill in 0..5 {
        // Just after node 3 reaches a new height: it is committing or voting.
        let reached = height(&net.clients[3]).await.unwrap();
        let started = Instant::now();
        while height(&net.clients[3]).await.unwrap_or(reached) == reached {
            assert!(started.elapsed() < Duration::from_secs(60), "node 3 stopped at {reached}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..200))).await;
        let mut victim = net.children[3].take().unwrap();
        victim.kill().unwrap();
        victim.wait().unwrap();
        // The other three commit transfers while it is down.
        let tx = wallet
            .sign(
                &net.clients[kill % 3],
                vec![AppAction::Bank(BankAction::Send { to: erin, coins: vec![Coin::ghr(1)] })],
                "",
            )
            .await
            .unwrap();
        net.clients[kill % 3].broadcast(&tx, BroadcastMode::Commit).await.expect("committed without node 3");
        sent += 1;
        net.children[3] = Some(start(&homes[3]));
        let target = height(&net.clients[0]).await.unwrap();
        wait_for_height(&net.clients[3], target, Duration::from_secs(120)).await;
    }
    // Node 3 votes again: with node 2 stopped, no quorum forms without it.
    let mut other = net.children[2].take().unwrap();
    other.kill().unwrap();
    other.wait().unwrap();
    let at = height(&net.clients[0]).await.unwrap();
    wait_for_height(&net.clients[0], at + 3, Duration::from_secs(120)).await;
    let target = height(&net.clients[0]).await.unwrap();
    let live = [0, 1, 3].map(|i| &net.clients[i]);
    for client in live {
        wait_for_height(client, target, Duration::from_secs(60)).await;
        assert_eq!(ghr_balance(client, &erin).await, sent);
    }
    for h in 1..=target {
        let reference = live[0].block(Some(h)).await.unwrap();
        for client in &live[1..] {
            let other = client.block(Some(h)).await.unwrap();
            assert_eq!(other.hash, reference.hash, "block {h} differs on {}", client.url());
            assert_eq!(other.block.header.app_hash, reference.block.header.app_hash);
        }
    }
    // No double sign: the others would have reported the evidence; dave's stake is whole.
    let validators: serde_json::Value = net.clients[0].call("validators", serde_json::json!({})).await.unwrap();
    let operator = SecretKey::from_name("dave").address().to_string();
    let dave = validators
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["validator"])
        .find(|v| v["operator"].as_str() == Some(operator.as_str()))
        .expect("dave's validator")
        .clone();
    assert!(dave["status"].get("jailed").is_none(), "{dave}");
    let tokens: u128 = dave["tokens"].as_str().unwrap().parse().unwrap();
    assert!(tokens >= 10_000_000_000, "{dave}");
    eprintln!(
        "5 kills of validator 3, {sent} transfers, {target} blocks identical on the three live nodes, status {}",
        dave["status"]
    );
}

/// A validator that signs two conflicting votes for everything it votes on (the
/// engine's byzantine proxy): the others keep deciding, see the evidence, report
/// it through their operators' accounts, and the staking module burns 5 % of the
/// double signer's stake and jails it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_slash_and_jail_a_validator_that_double_signs() {
    let (_dir, _homes, net) = start_net(|homes| {
        let config_path = homes[3].join("config.json");
        let mut config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&config_path).unwrap()).unwrap();
        config["malachite"]["equivocate"] = serde_json::Value::Bool(true);
        std::fs::write(&config_path, serde_json::to_string_pretty(&config).unwrap()).unwrap();
    });
    let slashed = wait_until_jailed(&net.clients[0], "dave", Duration::from_secs(120)).await;
    // 10,000 GHR were bonded; the slash burned 5 % of them (rewards only ever add).
    let tokens: u128 = slashed["tokens"].as_str().expect("tokens as a decimal string").parse().unwrap();
    assert!((9_500_000_000..10_000_000_000).contains(&tokens), "{slashed}");
    // The honest three keep deciding blocks.
    let at = height(&net.clients[0]).await.unwrap();
    wait_for_height(&net.clients[1], at + 3, Duration::from_secs(60)).await;
}

/// A validator that stops signing (its process killed) misses more than half of
/// a liveness window (20 blocks here, so a loaded machine still gets there
/// quickly): the others' blocks carry their precommits (`last_commit`), so
/// staking sees it, burns 0.01 % and jails it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_jail_a_validator_that_stops_signing() {
    let (_dir, _homes, mut net) = start_net(|homes| {
        for home in homes {
            let path = home.join("genesis.json");
            let mut genesis: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            genesis["staking"]["params"]["liveness_window_blocks"] = serde_json::json!(20);
            std::fs::write(&path, serde_json::to_string_pretty(&genesis).unwrap()).unwrap();
        }
    });
    wait_for_height(&net.clients[0], 2, Duration::from_secs(90)).await;
    let mut down = net.children[3].take().unwrap();
    down.kill().unwrap();
    down.wait().unwrap();
    let jailed = wait_until_jailed(&net.clients[0], "dave", Duration::from_secs(240)).await;
    let tokens: u128 = jailed["tokens"].as_str().expect("tokens as a decimal string").parse().unwrap();
    assert!(tokens < 10_000_000_000, "{jailed}");
    // Every block the three decided carries a certificate of its parent.
    let at = height(&net.clients[0]).await.unwrap();
    let block = net.clients[1].block(Some(at)).await.unwrap().block;
    let last = block.last_commit.expect("a last commit");
    assert_eq!(last.height, at - 1);
    assert!(last.signatures.len() >= 3);
}

/// One direction of the network between two validators: a loopback TCP relay
/// the dialling node uses as its peer's address. Open, it forwards bytes both
/// ways; cut, it shuts every connection it carries and refuses new ones, so the
/// two processes stay up but cannot hear each other (a partition without network
/// namespaces). Dropped, its thread stops.
struct Link {
    port: u16,
    open: Arc<AtomicBool>,
    live: Arc<Mutex<Vec<TcpStream>>>,
    stop: Arc<AtomicBool>,
}

impl Link {
    fn to(target: u16) -> Link {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let link = Link {
            port: listener.local_addr().unwrap().port(),
            open: Arc::new(AtomicBool::new(true)),
            live: Arc::default(),
            stop: Arc::default(),
        };
        let (open, live, stop) = (link.open.clone(), link.live.clone(), link.stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let inbound = match listener.accept() {
                    Ok((stream, _)) => stream,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(20));
                        continue;
                    }
                    Err(_) => continue,
                };
                let Ok(outbound) = TcpStream::connect(("127.0.0.1", target)) else { continue };
                if !open.load(Ordering::SeqCst) || inbound.set_nonblocking(false).is_err() {
                    continue;
                }
                let mut registry = live.lock().unwrap();
                for (from, to) in [(&inbound, &outbound), (&outbound, &inbound)] {
                    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else { continue };
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = to.shutdown(Shutdown::Both);
                        let _ = from.shutdown(Shutdown::Both);
                    });
                }
                registry.extend([inbound, outbound]);
            }
        });
        link
    }

    fn cut(&self) {
        self.open.store(false, Ordering::SeqCst);
        for stream in self.live.lock().unwrap().drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn heal(&self) {
        self.open.store(true, Ordering::SeqCst);
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.cut();
    }
}

/// Every validator reaches every other only through a [`Link`]; cutting the
/// links between {0, 1} and {2, 3} leaves each half with half the power: both
/// keep running rounds, neither decides, and no height gets two blocks. Healed,
/// the links are redialled and blocks resume on one chain.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_halt_on_a_two_two_partition_without_forking_and_resume_when_healed() {
    let mut links: Vec<((usize, usize), Link)> = Vec::new();
    let (_dir, _homes, net) = start_net(|homes| {
        let read = |i: usize| -> serde_json::Value {
            serde_json::from_str(&std::fs::read_to_string(homes[i].join("config.json")).unwrap()).unwrap()
        };
        let p2p_port = |config: &serde_json::Value| -> u16 {
            config["malachite"]["listen_addr"].as_str().unwrap().rsplit('/').next().unwrap().parse().unwrap()
        };
        let ports: Vec<u16> = (0..VALIDATORS).map(|i| p2p_port(&read(i))).collect();
        for (from, home) in homes.iter().enumerate() {
            let mut config = read(from);
            let mut peers = Vec::new();
            for to in (0..VALIDATORS).filter(|&to| to != from) {
                let link = Link::to(ports[to]);
                peers.push(serde_json::Value::String(format!("/ip4/127.0.0.1/tcp/{}", link.port)));
                links.push(((from, to), link));
            }
            config["malachite"]["persistent_peers"] = serde_json::Value::Array(peers);
            std::fs::write(home.join("config.json"), serde_json::to_string_pretty(&config).unwrap()).unwrap();
        }
    });
    for client in &net.clients {
        wait_for_height(client, 3, Duration::from_secs(90)).await;
    }
    let across = |(from, to): (usize, usize)| (from < 2) != (to < 2);
    for (pair, link) in &links {
        if across(*pair) {
            link.cut();
        }
    }
    // A height in flight when the links went down may still finish; then nothing.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut halted = Vec::new();
    for client in &net.clients {
        halted.push(height(client).await.expect("a partitioned node still answers"));
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    for (i, client) in net.clients.iter().enumerate() {
        assert_eq!(height(client).await.unwrap(), halted[i], "node {i} decided a block with half the power");
    }
    for (pair, link) in &links {
        if across(*pair) {
            link.heal();
        }
    }
    let resume = halted.iter().max().unwrap() + 3;
    for client in &net.clients {
        wait_for_height(client, resume, Duration::from_secs(120)).await;
    }
    for h in 1..=resume {
        let reference = net.clients[0].block(Some(h)).await.unwrap();
        for client in &net.clients[1..] {
            assert_eq!(client.block(Some(h)).await.unwrap().hash, reference.hash, "block {h} forked");
        }
    }
}

/// Past the four demo accounts the validators are `validator4`, `validator5`, …:
/// seven decide blocks together (five signatures make a quorum) and every
/// certificate verifies against the set of seven.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_run_seven_validators() {
    let (_dir, homes, net) = start_net_of(7, |_| {});
    for client in &net.clients {
        wait_for_height(client, 3, Duration::from_secs(120)).await;
    }
    let genesis_json = std::fs::read_to_string(homes[6].join("genesis.json")).unwrap();
    let genesis = greenhour_app::Genesis::from_json(&genesis_json).unwrap();
    let monikers: Vec<_> = genesis.staking.validators.iter().map(|v| v.moniker.as_str()).collect();
    assert_eq!(monikers, ["alice", "bob", "carol", "dave", "validator4", "validator5", "validator6"]);
    let sets: serde_json::Value = net.clients[6].call("validator_sets", serde_json::json!({})).await.unwrap();
    let set: greenhour_light::ValidatorSet = serde_json::from_value(sets["current"]["set"].clone()).unwrap();
    assert_eq!(set.members.len(), 7);
    let block = net.clients[6].block(Some(2)).await.unwrap();
    let certificate = net.clients[6].commit(2).await.unwrap();
    assert_eq!(certificate.block, block.hash);
    assert!(certificate.signatures.len() >= 5, "{} signatures", certificate.signatures.len());
    certificate.verify(&genesis.chain_id, &set).expect("a certificate of the seven");
}

#[test]
fn rejects_a_testnet_of_no_validators_or_too_many() {
    let dir = tempfile::tempdir().unwrap();
    for n in ["0", "33"] {
        let out = Command::new(env!("CARGO_BIN_EXE_greenhour"))
            .args(["testnet", "init", "--validators", n, "--home"])
            .arg(dir.path().join(n))
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("between 1 and 32"), "{n}");
        assert!(!dir.path().join(n).join("node0").exists(), "nothing written for {n}");
    }
}
