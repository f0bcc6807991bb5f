//! Jobs from the command line, as issue 5's "done when" reads: on a devnet with
//! three device owners' capacity in the market, a buyer posts the three example
//! workloads under the three verification methods, the owners' `greenhour worker
//! run` processes execute them, a cheating worker is outvoted and slashed, the
//! honest position-NFT holders are paid, and `greenhour job report` prints the
//! SCI report. The devnet runs on a simulated clock (20 s of chain time per 50 ms block).

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{chain_time, cli};

const OWNERS: [&str; 3] = ["alice", "bob", "carol"];

fn worker(home: &std::path::Path, node: &str, from: &str, cheat: bool) -> Child {
    let mut c = Command::new(env!("CARGO_BIN_EXE_greenhour"));
    c.args(["--home"]).arg(home).args(["--node", node, "worker", "run", "--from", from, "--poll-secs", "1"]);
    if cheat {
        c.arg("--cheat");
    }
    c.env("GREENHOUR_LOG", "error").stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn worker")
}

fn ghr(home: &std::path::Path, node: &str, who: &str) -> u128 {
    let balances = cli(home, node, &["query", "balance", who]);
    let list = balances.as_array().cloned().unwrap_or_default();
    list.iter().find(|c| c["denom"] == "ughr").and_then(|c| c["amount"].as_str()).unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_run_the_three_workloads_under_the_three_methods_and_slash_a_cheat() {
    let common::SimDevnet { dir, home, mut child, url, .. } = common::sim_devnet(20).await;
    let node = url.as_str();

    // Three owners, one device each, pledge two GPUs for an hour four hours ahead
    // and put both slots in that hour's market pool. A chain hour passes in about
    // 9 s here, and on a loaded machine the setup and the first posts have taken
    // more than two of them, so the held job posted for `first + 1` came too late.
    let first = chain_time(&home, node) / 3_600 + 4;
    let slot = format!("slot/home/{first}");
    let mut devices = Vec::new();
    for (i, owner) in OWNERS.iter().enumerate() {
        let key = format!("box-{owner}");
        let device =
            common::register_owned_device_with_a_day(&home, node, dir.path(), owner, &key, &format!("u33dc{i}"));
        let device = device.to_string();
        cli(&home, node, &["pool", "join", "--from", owner, "--pool", "2", "--device", &device]);
        let pledged = cli(
            &home,
            node,
            &[
                "pool",
                "pledge",
                "--from",
                owner,
                "--pool",
                "2",
                "--device",
                &device,
                "--first-hour",
                &first.to_string(),
                "--hours",
                "2",
                "--quantity",
                "2",
            ],
        );
        let serial = pledged["position"]["serial"].as_u64().unwrap().to_string();
        if i == 0 {
            cli(&home, node, &["market", "create", "--from", owner, &slot, "--floor", "500000"]);
        }
        cli(
            &home,
            node,
            &[
                "pool",
                "provide",
                "--from",
                owner,
                "--position",
                &serial,
                "--hour",
                &first.to_string(),
                "--quantity",
                "2",
                "--max-quote",
                "2000000",
            ],
        );
        devices.push((owner.to_string(), key, device));
    }

    // Dave posts: mandelbrot checked by three replicas, sgd optimistically, mlp
    // on meter readings only, all for hour `first` at up to 40 gUSD per GPU-hour.
    let start_in = (first - chain_time(&home, node) / 3_600).to_string();
    let deadline_in = (first + 1 - chain_time(&home, node) / 3_600).to_string();
    let mut jobs = Vec::new();
    for (example, method) in [("mandelbrot", "redundant"), ("sgd", "optimistic"), ("mlp", "attested")] {
        let posted = cli(
            &home,
            node,
            &[
                "job",
                "post",
                "--from",
                "dave",
                "--example",
                example,
                "--verification",
                method,
                "--k",
                "3",
                "--sample-bps",
                "0",
                "--window",
                "1200",
                "--start-in",
                &start_in,
                "--deadline-in",
                &deadline_in,
                "--max-price",
                "40000000",
            ],
        );
        jobs.push(posted["job"].as_u64().expect("job id").to_string());
    }
    // The chain's matcher places them in the block after each post; wait for it, so
    // the scheduler below sees only the job that waits.
    for id in &jobs {
        let mut tries = 0;
        while cli(&home, node, &["job", "show", id])["status"] == "open" {
            tries += 1;
            assert!(tries < 120, "job {id} was never matched");
            std::thread::sleep(std::time::Duration::from_millis(250));
        }
    }
    // The off-chain scheduler plans a job that waits for held slots dave lacks
    // (in a later pledged hour) and reports its distance to the LP bound.
    // One reading of the chain's hour for both offsets: read twice, an hour
    // passing in between made the window empty.
    let now_hour = chain_time(&home, node) / 3_600;
    let waiting = cli(
        &home,
        node,
        &[
            "job",
            "post",
            "--from",
            "dave",
            "--example",
            "mlp",
            "--verification",
            "attested",
            "--held",
            "--start-in",
            &(first + 1 - now_hour).to_string(),
            "--deadline-in",
            &(first + 2 - now_hour).to_string(),
        ],
    );
    let plan = cli(&home, node, &["scheduler", "propose", "--from", "bob", "--bound", "--dry-run"]);
    assert_eq!(plan["placed"], 1, "{plan} (job {waiting})");
    let green = plan["green_gpu_hours"].as_f64().unwrap();
    assert!(green > 0.0 && green <= plan["lp_bound"].as_f64().unwrap() + 1e-6, "{plan}");

    let before: Vec<u128> = OWNERS.iter().map(|o| ghr(&home, node, o)).collect();

    // Alice and bob work honestly; carol's worker submits wrong outputs.
    let mut workers: Vec<Child> = OWNERS.iter().map(|o| worker(&home, node, o, *o == "carol")).collect();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut reported = false;
    loop {
        let statuses: Vec<serde_json::Value> = jobs.iter().map(|j| cli(&home, node, &["job", "show", j])).collect();
        if statuses.iter().all(|s| ["settled", "failed", "expired"].contains(&s["status"].as_str().unwrap())) {
            break;
        }
        // The attested job is judged on the device's telemetry for its hour.
        let now = chain_time(&home, node);
        if !reported && now >= (first + 1) * 3_600 {
            let attested = &statuses[2];
            let device = attested["replicas"][0]["device"].as_u64().expect("matched");
            let (owner, key, _) = devices.iter().find(|d| d.2 == device.to_string()).unwrap();
            let report = serde_json::json!([{
                "device": device, "start": first * 3_600, "end": (first + 1) * 3_600,
                "generated_wh": 3000, "charged_wh": 1000, "discharged_wh": 0, "imported_wh": 0,
                "exported_wh": 1100, "compute_wh": 900, "gpu_seconds": 7200, "soc_permille": 500,
                "outage_before": true
            }]);
            let file = dir.path().join("job-hour.json");
            std::fs::write(&file, report.to_string()).unwrap();
            cli(
                &home,
                node,
                &["device", "report", "--from", owner, "--device-key", key, "--file", file.to_str().unwrap()],
            );
            reported = true;
        }
        assert!(Instant::now() < deadline, "jobs did not finish: {statuses:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }

    let redundant = cli(&home, node, &["job", "show", &jobs[0]]);
    assert_eq!(redundant["status"], "settled", "{redundant}");
    let outcome_of = |who: &str| {
        let address = cli(&home, node, &["keys", "show", who])["address"].as_str().unwrap().to_string();
        let r = redundant["replicas"].as_array().unwrap().iter().find(|r| r["operator"] == address.as_str()).unwrap();
        r["outcome"].as_str().unwrap().to_string()
    };
    assert_eq!(outcome_of("carol"), "wrong", "the cheat was outvoted");
    assert_eq!(outcome_of("alice"), "correct");
    assert_eq!(outcome_of("bob"), "correct");
    assert!(ghr(&home, node, "carol") < before[2], "carol lost her bond");
    assert!(redundant["ledger"]["slashed"].as_str().unwrap() != "0");

    let optimistic = cli(&home, node, &["job", "show", &jobs[1]]);
    let attested = cli(&home, node, &["job", "show", &jobs[2]]);
    assert_eq!(optimistic["status"], "settled", "{optimistic}");
    assert_eq!(attested["status"], "settled", "{attested}");
    assert!(ghr(&home, node, "alice") > before[0], "alice's position NFT earned incentives");

    let report = cli(&home, node, &["job", "report", &jobs[0]]);
    assert_eq!(report["gpu_hours"], 2, "two accepted replicas: {report}");
    assert!(report["energy_wh"].as_u64().unwrap() > 0);
    let text = Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .args(["--home"])
        .arg(&home)
        .args(["--node", node, "job", "report", &jobs[2]])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("location-based") && text.contains("attested only"), "{text}");
    // The attested job ran on a sunny reported hour: its green Wh are that
    // device's certificates, claimed for dave, who holds the receipt.
    let attested_report = cli(&home, node, &["job", "report", &jobs[2]]);
    let green = attested_report["green_wh"].as_u64().unwrap();
    let claimed: u64 = attested_report["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[1].as_u64().unwrap() - r[0].as_u64().unwrap() + 1)
        .sum();
    assert!(green > 0 && claimed == green, "{attested_report}");
    assert!(text.contains("claimed for the buyer, receipt carbon_receipt/"), "{text}");
    let receipt = attested_report["receipt"].as_u64().unwrap().to_string();
    let nft = cli(&home, node, &["nft", "show", "carbon_receipt", &receipt]);
    let dave = cli(&home, node, &["keys", "show", "dave"])["address"].as_str().unwrap().to_string();
    assert_eq!(nft["owner"].as_str(), Some(dave.as_str()), "{nft}");

    for w in &mut workers {
        let _ = w.kill();
        let _ = w.wait();
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
