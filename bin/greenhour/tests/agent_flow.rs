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
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let (mut child, client) =
        common::start_node_with(&home, &["--block-ms", "50", "--sim-seconds-per-block", "60"]).await;
    let node = client.url().to_string();
    let node = node.as_str();

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
