//! Governance from the command line on a devnet (issue 23's "done when"): a
//! parameter change and a community-pool spend pass and execute, a vetoed
//! proposal burns its deposit, and an upgrade proposal stops the chain at its
//! height with a message naming the release.

use std::process::{Command, Stdio};
use std::time::Duration;

mod common;
use common::cli;

const DEPOSIT: &str = "1000000000";

fn proposal_id(out: &serde_json::Value) -> String {
    out["proposal"].as_u64().unwrap_or_else(|| panic!("no proposal id in {out}")).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_govern_a_devnet_from_the_cli_until_its_upgrade_height() {
    // A devnet without a fleet on a simulated clock: its six-hour vote is 72 blocks of 50 ms.
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let port = common::free_port();
    let log = std::fs::File::create(dir.path().join("devnet.log")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .args(["devnet", "--rpc", &format!("127.0.0.1:{port}"), "--home"])
        .arg(&home)
        .args(["--devices", "0", "--block-ms", "50", "--sim-seconds-per-block", "300"])
        .env("GREENHOUR_LOG", "error")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let client = greenhour_client::RpcClient::new(format!("http://127.0.0.1:{port}"));
    for _ in 0..600 {
        if client.status().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let url = client.url().to_string();
    let node = url.as_str();
    let vote = |id: &str, who: &str, option: &str| {
        cli(&home, node, &["gov", "vote", "--from", who, id, option]);
    };
    // `gov propose` with the minimum deposit; returns the new proposal's id.
    let propose = |who: &str, title: &str, messages: &[&str]| -> String {
        let args = [&["gov", "propose", "--from", who, "--title", title, "--deposit", DEPOSIT][..], messages].concat();
        proposal_id(&cli(&home, node, &args))
    };
    let pool = || -> u128 {
        let view = cli(&home, node, &["gov", "overview"]);
        view["community_pool"][0]["amount"].as_str().unwrap().parse().unwrap()
    };

    // A parameter change, proposed by alice and voted by two of the four validators.
    let p = propose("alice", "min debt", &["--set", "stable.min_debt=50000000"]);
    vote(&p, "alice", "yes");
    vote(&p, "bob", "yes");
    let done = cli(&home, node, &["gov", "wait", &p]);
    assert_eq!(done["proposal"]["status"], "executed", "{done}");
    assert_eq!(done["proposal"]["messages"][0]["set_param"]["value"], "50000000");

    // A community-pool spend to carol.
    let pool_before = pool();
    let s = propose("bob", "grant", &["--spend", "carol=5000000000ughr"]);
    vote(&s, "alice", "yes");
    vote(&s, "dave", "yes=6000,abstain=4000");
    assert_eq!(cli(&home, node, &["gov", "wait", &s])["proposal"]["status"], "executed");
    let pool_after = pool();
    assert!(
        pool_before - pool_after >= 5_000_000_000 - 1_000_000,
        "{pool_before} → {pool_after} (the community tax adds a little)"
    );

    // A vetoed proposal burns its deposit.
    let supply = |home: &std::path::Path| -> u128 {
        let s = cli(home, node, &["query", "supply"]);
        let ghr = s["supply"].as_array().unwrap().iter().find(|c| c["denom"] == "ughr").unwrap();
        ghr["amount"].as_str().unwrap().parse().unwrap()
    };
    let supply0 = supply(&home);
    let v = propose("dave", "spam", &[]);
    vote(&v, "alice", "veto");
    vote(&v, "bob", "veto");
    let vetoed = cli(&home, node, &["gov", "wait", &v, "--until", "vetoed"]);
    assert_eq!(vetoed["proposal"]["status"], "vetoed");
    assert_eq!(supply0 - supply(&home), 1_000_000_000, "the deposit was burned, nothing else");

    // An upgrade 120 blocks ahead (past the vote and the timelock): the chain stops before that height.
    let height = client.status().await.unwrap().height + 120;
    let u = propose("alice", "v2", &["--upgrade", &format!("v2@{height}"), "--upgrade-info", "greenhour 0.2"]);
    vote(&u, "alice", "yes");
    vote(&u, "carol", "yes");
    assert_eq!(cli(&home, node, &["gov", "wait", &u])["proposal"]["status"], "executed");
    let mut last = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    let exited = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the devnet still runs at height {last}, past the upgrade height {height}");
        }
        if let Ok(s) = client.status().await {
            last = s.height;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(!exited.success(), "the devnet stops with an error at the upgrade height");
    // Polled every 50 ms with 50 ms blocks, the last height seen may lag a block or two.
    assert!(last < height && last + 5 >= height, "last height seen {last}, upgrade height {height}");
    let log = std::fs::read_to_string(dir.path().join("devnet.log")).unwrap();
    assert!(log.contains(&format!("UPGRADE \"v2\" NEEDED at height {height}: greenhour 0.2")), "{log}");
}
