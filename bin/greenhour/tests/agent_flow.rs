//! The device agent from the command line on a devnet with a simulated clock
//! (an hour every 3 s): every run is a fresh process, so each step is also a
//! restart. It registers, reports every ended hour exactly once (even when its
//! state file is rolled back, the chain's last report wins), joins the open
//! pool, pledges the hours its energy manager plans, verifies the header chain
//! and proves its own device record under a verified app hash.

use std::time::{Duration, Instant};

mod common;
use common::{chain_time, cli};

fn step(home: &std::path::Path, node: &str) -> serde_json::Value {
    cli(home, node, &["agent", "run", "--from", "alice", "--device-key", "roof1", "--once", "--compute-hours", "6"])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_run_a_device_agent_that_reports_once_pledges_its_plan_and_verifies_the_node() {
    let common::SimDevnet { dir: _dir, home, mut child, url, .. } = common::sim_devnet(60).await;
    let node = url.as_str();

    let start = chain_time(&home, node) / 3_600;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut proven = false;
    let mut last = serde_json::Value::Null;
    while chain_time(&home, node) / 3_600 < start + 8 {
        assert!(Instant::now() < deadline, "chain time did not advance");
        last = step(&home, node);
        proven |= last["step"]["device_record_verified"] == true;
        assert_eq!(last["step"]["refused"].as_array().map(Vec::len), Some(0), "{last}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let state = &last["state"];
    let device = state["device"].as_u64().expect("registered");
    assert!(state["reports_accepted"].as_u64().unwrap() >= 5, "{state}");
    assert_eq!(state["joined"], true);
    assert!(!state["pledged"].as_array().unwrap().is_empty(), "the manager pledged: {state}");
    assert!(state["headers_verified"].as_u64().unwrap() > 100);
    // The devnet has validators: every header was accepted on its commit certificate.
    assert_eq!(state["certificates_verified"], state["headers_verified"], "{state}");
    assert!(proven, "the device record was proven under a verified app hash");

    // A crash after a commit but before the state was saved looks like a rolled-back file.
    let file = home.join("agent-roof1.json");
    let mut saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let reported = saved["last_reported_hour"].as_u64().unwrap();
    saved["last_reported_hour"] = serde_json::json!(reported - 3);
    std::fs::write(&file, saved.to_string()).unwrap();
    let again = step(&home, node);
    assert_eq!(again["step"]["refused"].as_array().map(Vec::len), Some(0), "no hour reported twice: {again}");

    let shown = cli(&home, node, &["device", "show", &device.to_string()]);
    assert_eq!(shown["device"]["reports"].as_u64(), again["state"]["reports_accepted"].as_u64(), "{shown}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_keep_an_agent_running_through_a_node_restart_without_losing_or_repeating_telemetry() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let flags = ["--block-ms", "50", "--sim-seconds-per-block", "60"];
    let (mut node_proc, client) = common::start_node_with(&home, &flags).await;
    let node = client.url().to_string();
    let port: u16 = node.rsplit(':').next().unwrap().parse().unwrap();
    let mut agent = std::process::Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .args(["--json", "--home"])
        .arg(&home)
        .args(["--node", &node, "agent", "run", "--from", "bob", "--device-key", "roof2", "--poll-secs", "1"])
        .env("GREENHOUR_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let wait_hours = |hours: u64| async move {
        let c = greenhour_client::RpcClient::new(format!("http://127.0.0.1:{port}"));
        let start = c.status().await.unwrap().latest_block_time / 3_600;
        let deadline = Instant::now() + Duration::from_secs(90);
        while c.status().await.map_or(0, |s| s.latest_block_time / 3_600) < start + hours {
            assert!(Instant::now() < deadline, "no progress");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    };
    wait_hours(3).await;
    // The node goes away for a few seconds and comes back on the same home and port.
    node_proc.kill().unwrap();
    node_proc.wait().unwrap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let mut node_proc = common::spawn_devnet_with(&home, port, &flags);
    let c = greenhour_client::RpcClient::new(format!("http://127.0.0.1:{port}"));
    for _ in 0..200 {
        if c.status().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_hours(4).await;
    agent.kill().unwrap();
    agent.wait().unwrap();
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.join("agent-roof2.json")).unwrap()).unwrap();
    assert_eq!(state["reports_refused"], 0, "nothing reported twice: {state}");
    let device = state["device"].as_u64().unwrap();
    let shown = cli(&home, &node, &["device", "show", &device.to_string(), "--reports"]);
    let accepted = shown["device"]["reports"].as_u64().unwrap();
    assert!(accepted >= 5, "{shown}");
    // No hour lost: reports are contiguous from the first to the last (no declared outage).
    let reports = shown["reports"].as_array().unwrap();
    let outages = reports.iter().filter(|r| r["report"]["outage_before"] == true).count();
    assert_eq!(outages, 0, "no gap in telemetry across the restart");
    node_proc.kill().unwrap();
    node_proc.wait().unwrap();
}
