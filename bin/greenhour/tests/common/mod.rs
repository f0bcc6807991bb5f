//! Starting a devnet process for the binary's integration tests.
#![allow(dead_code)]

use greenhour_client::RpcClient;
use serde_json::Value;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub fn spawn_devnet(home: &std::path::Path, port: u16) -> Child {
    spawn_devnet_with(home, port, &["--block-ms", "100"])
}

/// Like [`spawn_devnet`], with extra devnet flags (e.g. a simulated clock).
pub fn spawn_devnet_with(home: &std::path::Path, port: u16, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .args(["devnet", "--rpc", &format!("127.0.0.1:{port}"), "--home"])
        .arg(home)
        .args(extra)
        // The chain alone unless a test asks for a fleet.
        .args(if extra.contains(&"--devices") { &[][..] } else { &["--devices", "0"][..] })
        .env("GREENHOUR_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn greenhour devnet")
}

/// Starts the devnet on a free port and waits until it answers. A port found free
/// can be taken by someone else before the node binds it, so a node that exits
/// at once is started again on another port.
pub async fn start_node(home: &std::path::Path) -> (Child, RpcClient) {
    start_node_with(home, &["--block-ms", "100"]).await
}

/// Like [`start_node`], with extra devnet flags.
pub async fn start_node_with(home: &std::path::Path, extra: &[&str]) -> (Child, RpcClient) {
    for _ in 0..5 {
        let port = free_port();
        let mut child = spawn_devnet_with(home, port, extra);
        let client = RpcClient::new(format!("http://127.0.0.1:{port}"));
        for _ in 0..600 {
            if child.try_wait().expect("poll child").is_some() {
                break;
            }
            if client.status().await.is_ok() {
                return (child, client);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("node did not come up after 5 attempts");
}

/// A devnet in a temporary home on a simulated clock, for CLI flow tests.
pub struct SimDevnet {
    pub dir: tempfile::TempDir,
    pub home: std::path::PathBuf,
    /// SIGKILLed when dropped, so a test that fails midway leaves no devnet running.
    pub child: Devnet,
    pub client: RpcClient,
    /// The node's URL, for `--node`.
    pub url: String,
}

/// Starts a devnet without a fleet, `seconds_per_block` of chain time per 50 ms block.
pub async fn sim_devnet(seconds_per_block: u64) -> SimDevnet {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let per_block = seconds_per_block.to_string();
    let (child, client) = start_node_with(&home, &["--block-ms", "50", "--sim-seconds-per-block", &per_block]).await;
    let url = client.url().to_string();
    SimDevnet { dir, home, child: Devnet(child), client, url }
}

/// A devnet process that is SIGKILLed when dropped (a panicking test would
/// otherwise leave it running, loading the machine for every later test).
pub struct Devnet(pub Child);

impl std::ops::Deref for Devnet {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl std::ops::DerefMut for Devnet {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Devnet {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `greenhour --json …` against the node and returns its JSON output.
pub fn cli(home: &Path, node: &str, args: &[&str]) -> Value {
    let out = cli_text(home, node, &[&["--json"], args].concat());
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e})"))
}

fn run_cli(home: &Path, node: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_greenhour"))
        .arg("--home")
        .arg(home)
        .args(["--node", node])
        .args(args)
        .env("GREENHOUR_LOG", "error")
        .output()
        .expect("run greenhour")
}

/// Runs `greenhour …` against the node and returns what it printed (text, CSV).
pub fn cli_text(home: &Path, node: &str, args: &[&str]) -> String {
    let out = run_cli(home, node, args);
    assert!(out.status.success(), "greenhour {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs `greenhour …` against the node, expects it to fail, and returns its stderr.
pub fn cli_err(home: &Path, node: &str, args: &[&str]) -> String {
    let out = run_cli(home, node, args);
    assert!(!out.status.success(), "greenhour {args:?} should have failed");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// 24 hourly reports ending at `end`: sunny midday hours, grid at night.
pub fn day_of_telemetry(device: u64, end: u64) -> String {
    let reports: Vec<Value> = (0..24u64)
        .map(|h| {
            let start = end - 86_400 + h * 3_600;
            let sunny = (8..=17).contains(&((start / 3_600) % 24));
            serde_json::json!({
                "device": device, "start": start, "end": start + 3_600,
                "generated_wh": if sunny { 3_000 } else { 0 }, "charged_wh": if sunny { 1_000 } else { 0 },
                "discharged_wh": 0, "imported_wh": if sunny { 0 } else { 900 },
                "exported_wh": if sunny { 1_100 } else { 0 }, "compute_wh": 900, "gpu_seconds": 7_200,
                "soc_permille": 500, "outage_before": false
            })
        })
        .collect();
    serde_json::to_string(&reports).unwrap()
}

pub fn chain_time(home: &Path, node: &str) -> u64 {
    cli(home, node, &["query", "status"])["latest_block_time"].as_u64().unwrap()
}

/// Registers alice's home device `box1` (5 kWp, 10 kWh battery, two RTX 4090s) from
/// the CLI and reports the day before the current hour. Returns the device id.
pub fn register_device_with_a_day(home: &Path, node: &str, dir: &Path) -> u64 {
    register_owned_device_with_a_day(home, node, dir, "alice", "box1", "u33dc0")
}

/// Like [`register_device_with_a_day`] for any demo owner, device key and cell.
pub fn register_owned_device_with_a_day(
    home: &Path,
    node: &str,
    dir: &Path,
    owner: &str,
    device_key: &str,
    cell: &str,
) -> u64 {
    let registered = cli(
        home,
        node,
        &[
            "device",
            "register",
            "--from",
            owner,
            "--device-key",
            device_key,
            "--cell",
            cell,
            "--pv-w",
            "5000",
            "--battery-wh",
            "10000",
            "--battery-max-w",
            "5000",
            "--gpu-model",
            "RTX 4090",
            "--gpu-count",
            "2",
            "--gpu-tdp-w",
            "450",
        ],
    );
    let device = registered["id"].as_u64().expect("device id");
    let file = dir.join(format!("day-{device_key}.json"));
    std::fs::write(&file, day_of_telemetry(device, chain_time(home, node) / 3_600 * 3_600)).unwrap();
    cli(
        home,
        node,
        &["device", "report", "--from", owner, "--device-key", device_key, "--file", file.to_str().unwrap()],
    );
    device
}
