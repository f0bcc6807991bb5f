//! Certificates and credits from the command line on a devnet: telemetry becomes
//! certificates, a user splits and claims some for a beneficiary and receives
//! the receipt NFT, an auditor exports them as CSV, the 24/7 report shows the
//! claim; a credit batch is bridged, approved, pooled into the carbon coin and
//! retired.

use std::process::Command;

mod common;
use common::{cli, cli_err, cli_text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_certify_claim_and_retire_from_the_cli() {
    let common::SimDevnet { dir, home, mut child, url, .. } = common::sim_devnet(60).await;
    let node = url.as_str();
    let device = common::register_device_with_a_day(&home, node, dir.path()).to_string();

    // Telemetry becomes certificates: ten sunny hours, 2 kWh free + 1 kWh stored each.
    let issued = cli(&home, node, &["cert", "issue", "--from", "alice", "--device", &device]);
    assert_eq!(issued["reports"], 10);
    let active = cli(&home, node, &["cert", "list", "--owner", "alice", "--status", "active"]);
    let active = active.as_array().unwrap();
    assert_eq!(active.len(), 10);
    let stored = cli(&home, node, &["cert", "list", "--device", &device, "--status", "stored"]);
    assert_eq!(stored.as_array().unwrap().len(), 10);
    let first = active[0]["first"].as_u64().unwrap().to_string();

    // Split, give bob 700 Wh, bob claims 500 of them for his bakery.
    cli(&home, node, &["cert", "split", "--from", "alice", &first, "--wh", "1200"]);
    cli(&home, node, &["cert", "transfer", "--from", "alice", &first, "--to", "bob", "--wh", "700"]);
    let claim = cli(
        &home,
        node,
        &[
            "cert",
            "claim",
            "--from",
            "bob",
            &first,
            "--wh",
            "500",
            "--beneficiary",
            "Bob's Bakery",
            "--purpose",
            "ovens",
        ],
    );
    assert_eq!(claim["wh"], 500);
    let receipt = claim["receipt"].as_u64().unwrap();
    let nft = cli(&home, node, &["nft", "show", "carbon_receipt", &receipt.to_string()]);
    assert!(nft.to_string().contains("Bob's Bakery"), "{nft}");
    let shown = cli(&home, node, &["cert", "show", &first]);
    assert_eq!(shown["status"]["claimed"]["receipt"].as_u64(), Some(receipt));

    // What an auditor asks for: bob's certificates and claims as CSV.
    let csv = cli_text(&home, node, &["cert", "list", "--owner", "bob", "--format", "csv"]);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("first,last,wh,status"));
    assert_eq!(rows.len(), 3, "header, the claimed 500 Wh and the 200 Wh left: {csv}");
    assert!(rows.iter().any(|r| r.contains(",500,claimed,solar,")));
    let claims_csv = cli_text(&home, node, &["cert", "claims", "--claimant", "bob", "--format", "csv"]);
    assert!(claims_csv.contains("\"Bob's Bakery\",\"ovens\""), "{claims_csv}");

    // Bob declares his bakery's consumption in that hour: fully matched by the claim.
    let hour = shown["start"].as_u64().unwrap() / 3_600;
    cli(&home, node, &["cert", "declare", "--from", "bob", "--hours", &format!("{hour}:400")]);
    let report = cli(&home, node, &["cert", "match-report", "--account", "bob"]);
    assert_eq!(report["consumed_wh"], 400);
    assert_eq!(report["matched_wh"], 400);
    assert_eq!(report["hourly_score_bps"], 10_000);

    // Credits: bridge a batch, dave (the devnet issuer) approves it, pool it, retire coin.
    let batch = cli(
        &home,
        node,
        &[
            "credit",
            "register",
            "--from",
            "carol",
            "--registry",
            "verra",
            "--serial",
            "VCS-981-2022-01",
            "--project",
            "Wind park",
            "--vintage",
            "2022",
            "--kind",
            "renewable",
            "--tonnes",
            "3",
            "--attr",
            "methodology=ACM0002",
        ],
    );
    let id = batch["id"].as_u64().unwrap().to_string();
    cli(&home, node, &["credit", "approve", "--from", "dave", &id]);
    cli(&home, node, &["credit", "deposit", "--from", "carol", "--batch", &id, "--grams", "2000000"]);
    let balance = cli(&home, node, &["query", "balance", "carol"]);
    assert!(balance.to_string().contains("ugco2"), "carol holds the carbon coin: {balance}");
    // The carbon coin's supply, proven against a header the light client reached
    // from genesis through the devnet validators' commit certificates.
    let proven = cli(&home, node, &["query", "proof", "bank/supply/ugco2"]);
    let version = proven["proof"]["version"].as_u64().unwrap();
    assert_eq!(proven["headers_followed"].as_u64(), Some(version), "{proven}");
    assert_eq!(proven["certificates_checked"].as_u64(), Some(version), "every header certified: {proven}");
    assert!(proven["proof"]["value"].is_string(), "{proven}");
    let zeros = "00".repeat(32);
    let e =
        cli_err(&home, node, &["query", "proof", "bank/supply/ugco2", "--trust-height", "1", "--trust-hash", &zeros]);
    assert!(e.contains("does not verify"), "a wrong checkpoint is refused: {e}");
    let retired = cli(
        &home,
        node,
        &[
            "credit",
            "retire",
            "--from",
            "carol",
            "--pool",
            "1",
            "--grams",
            "1500000",
            "--beneficiary",
            "Carol",
            "--message",
            "2026 flights",
        ],
    );
    assert_eq!(retired["credits"][0][1], "1500000");
    let pools = cli(&home, node, &["credit", "pools"]);
    assert_eq!(pools[0]["held_g"], "500000");
    // The same serial can never be bridged again.
    let out = Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .args(["--home"])
        .arg(&home)
        .args([
            "--node",
            node,
            "credit",
            "register",
            "--from",
            "bob",
            "--registry",
            "verra",
            "--serial",
            "vcs-981-2022-01",
            "--project",
            "Copy",
            "--vintage",
            "2022",
            "--kind",
            "renewable",
            "--tonnes",
            "3",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("already bridged"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    child.kill().ok();
    child.wait().ok();
}
