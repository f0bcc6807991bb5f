//! The web dashboard in a real browser: a devnet with a fleet serves it at `/`,
//! and `web/e2e/run.mjs` (playwright-core driving Debian's Chromium) opens every
//! page, follows the drill-downs, uses the devnet wallet (faucet, buy, job post,
//! certificate claim), audits a claim down to its signed telemetry, runs
//! axe-core and takes screenshots.
//!
//! Needs Node.js, `npm ci` in `web/` and `/usr/bin/chromium` (or `CHROMIUM`).
//! `.ci/run` installs them and sets `GREENHOUR_REQUIRE_BROWSER`, so CI cannot
//! skip this test; elsewhere it says what is missing and passes.

use greenhour_client::RpcClient;
use greenhour_crypto::SecretKey;
use greenhour_node::faucet::FaucetConfig;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;

fn web_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web")
}

/// What the browser test needs and is not there.
fn missing() -> Vec<String> {
    let mut missing = Vec::new();
    if !Command::new("node").arg("--version").output().is_ok_and(|o| o.status.success()) {
        missing.push("node (Node.js)".to_string());
    }
    if !web_dir().join("node_modules/playwright-core").is_dir() {
        missing.push("web/node_modules (run `npm ci` in web/)".to_string());
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        missing.push(format!("{chromium} (Debian's chromium package)"));
    }
    missing
}

#[tokio::test(flavor = "multi_thread")]
async fn app_can_be_used_from_the_dashboard_in_a_real_browser() {
    let missing = missing();
    if !missing.is_empty() {
        assert!(
            std::env::var_os("GREENHOUR_REQUIRE_BROWSER").is_none(),
            "the browser test needs {} (.ci/run installs them)",
            missing.join(", ")
        );
        eprintln!("skipping the browser test: missing {}", missing.join(", "));
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A June afternoon, as the fleet test: the sun is up, so devices earn
    // certificates and the market has green fills from the first hours.
    let flags = ["--devices", "12", "--hours", "100000", "--block-ms", "100", "--start", "2026-06-21T14:00:00Z"];
    let (mut node, client) = common::start_node_with(&dir.path().join("home"), &flags).await;
    wait_for_a_living_market(&client).await;

    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard-e2e");
    let run = Command::new("node")
        .arg("e2e/run.mjs")
        .arg(client.url())
        .arg(&out_dir)
        .current_dir(web_dir())
        .output()
        .expect("run the browser test");
    let _ = node.kill();
    let _ = node.wait();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "the browser test failed:\n{stdout}\n{}\n(screenshots in {})",
        String::from_utf8_lossy(&run.stderr),
        out_dir.display()
    );
    let results: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap_or("{}")).expect("results JSON");
    // The figures the README reports come from here (printed with --nocapture).
    eprintln!("dashboard e2e: {results}");
    let first_paint = results["first_paint_ms"].as_u64().expect("first paint measured");
    assert!(first_paint > 0, "{results}");
    assert!(results["pages"]["devices"]["cells_on_map"].as_u64().unwrap() > 0, "{results}");
    assert_eq!(results["external_requests"], serde_json::json!([]), "{results}");
    let down = results["pages"]["node_down"]["message"].as_str().unwrap_or_default();
    assert!(down.contains("unreachable"), "a node that does not answer is shown as such: {results}");
    // The wallet's three actions and the explorer's verdict, each confirmed by the
    // script through the RPC as well as on screen.
    let wallet = &results["pages"]["wallet"];
    for action in ["faucet", "buy", "job_post", "claim"] {
        assert_eq!(wallet[action], serde_json::json!(true), "the wallet's {action}: {results}");
    }
    assert_eq!(results["pages"]["audit"]["verdict"], "verified", "{results}");
    assert_eq!(results["pages"]["audit"]["steps_passed"], 4, "{results}");
    // The wallet's account page lists what it signed: the buy, the job post, the claim.
    assert!(results["pages"]["my_account"]["transactions"].as_u64().unwrap_or(0) >= 3, "{results}");
    for page in ["network", "tx", "devices", "device", "market", "jobs", "finance", "wallet", "account", "audit"] {
        assert!(out_dir.join(format!("{page}.png")).exists(), "a screenshot of {page}");
    }
}

/// Waits (up to three minutes) until the fleet has posted jobs, the market has
/// pools and the devnet's faucet holds certificates the fleet donated, so every
/// page has live data to show and the wallet has a certificate to claim.
async fn wait_for_a_living_market(client: &RpcClient) {
    let deadline = Instant::now() + Duration::from_secs(180);
    let faucet = SecretKey::from_name(&FaucetConfig::devnet().key).address().to_string();
    loop {
        let jobs: Vec<serde_json::Value> = client.call("jobs", serde_json::json!({})).await.unwrap_or_default();
        let pools: Vec<serde_json::Value> =
            client.call("market_pools", serde_json::json!({})).await.unwrap_or_default();
        let donated: Vec<serde_json::Value> = client
            .call::<serde_json::Value>("certificates", serde_json::json!({"owner": faucet, "status": "active"}))
            .await
            .ok()
            .and_then(|page| serde_json::from_value(page["items"].clone()).ok())
            .unwrap_or_default();
        let settled = jobs.iter().any(|j| j["status"] == "settled");
        if settled && !pools.is_empty() && !donated.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no settled job or no certificate at the faucet after three minutes ({} jobs, {} bundles)",
            jobs.len(),
            donated.len()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
