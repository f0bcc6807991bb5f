//! The supply side from the command line, as a devnet user does it: register a
//! device, submit a day of telemetry, join a pool, pledge the coming hours, see
//! the slot tokens and the position NFT, transfer the NFT, and watch unsold
//! slots expire. The devnet runs on a simulated clock (60 s of chain time per
//! 50 ms block) so an hour passes in seconds.

use std::time::Duration;

mod common;
use common::{chain_time, cli};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_run_the_supply_side_from_the_cli() {
    let common::SimDevnet { dir, home, mut child, url, .. } = common::sim_devnet(60).await;
    let node = url.as_str();

    let device = common::register_device_with_a_day(&home, node, dir.path());
    let shown = cli(&home, node, &["device", "show", &device.to_string(), "--reports"]);
    assert_eq!(shown["reports"].as_array().unwrap().len(), 24);

    // Pool 1 of the devnet: green compute, 100 GHR stake, green share and uptime over a day.
    let d = device.to_string();
    cli(&home, node, &["pool", "join", "--from", "alice", "--pool", "1", "--device", &d]);
    let position = cli(
        &home,
        node,
        &["pool", "pledge", "--from", "alice", "--pool", "1", "--device", &d, "--hours", "3", "--quantity", "2"],
    );
    let serial = position["position"]["serial"].as_u64().expect("position serial");
    let first_hour = position["position"]["first_hour"].as_u64().unwrap();
    assert!(position["hours"].as_array().unwrap().iter().all(|h| h["state"] == "online" && h["unsold"] == 2));
    let slots = cli(&home, node, &["pool", "slots", "--hour", &first_hour.to_string()]);
    assert_eq!(slots["supply"], "2");
    assert_eq!(slots["unsold_in_custody"], "2");

    // The NFT moves to bob; bob, now owning the revenue claim, takes one slot of the second hour.
    cli(&home, node, &["nft", "transfer", "--from", "alice", "--to", "bob", "position", &serial.to_string()]);
    let second = (first_hour + 1).to_string();
    cli(&home, node, &["pool", "release", "--from", "bob", "--position", &serial.to_string(), "--hour", &second]);
    let bob_positions = cli(&home, node, &["pool", "positions", "--owner", "bob"]);
    assert_eq!(bob_positions.as_array().unwrap().len(), 1);
    for filter in [["--pool", "1"], ["--device", d.as_str()], ["--hour", second.as_str()]] {
        let found = cli(&home, node, &["pool", "positions", filter[0], filter[1]]);
        assert_eq!(found[0]["position"]["serial"].as_u64(), Some(serial), "positions {filter:?}");
    }
    let bob = cli(&home, node, &["query", "balance", "bob"]);
    let slot_denom = format!("slot/home/{second}");
    assert!(bob.to_string().contains(&slot_denom), "bob holds the released slot: {bob}");

    // The market: bob takes the third hour's two slots out of custody, opens a pool
    // for them against gUSD and adds liquidity; carol buys one slot.
    let third = (first_hour + 2).to_string();
    let third_slot = format!("slot/home/{third}");
    cli(
        &home,
        node,
        &["pool", "release", "--from", "bob", "--position", &serial.to_string(), "--hour", &third, "--quantity", "2"],
    );
    cli(&home, node, &["market", "create", "--from", "bob", &third_slot, "--floor", "500000"]);
    cli(&home, node, &["market", "add-liquidity", "--from", "bob", &third_slot, "--slots", "2", "--quote", "4000000"]);
    let quote = cli(&home, node, &["market", "quote", &third_slot, "--exact-out", "1"]);
    let cost: u128 = quote["in"].as_str().unwrap().parse().unwrap();
    assert!(cost > 4_000_000 && cost < 4_100_000, "one of two slots against 4 gUSD: {quote}");
    cli(&home, node, &["market", "swap", "--from", "carol", &third_slot, "--exact-out", "1", "--max-in", "4100000"]);
    let carol = cli(&home, node, &["query", "balance", "carol"]);
    assert!(carol.to_string().contains(&third_slot), "carol bought a slot: {carol}");
    let pools = cli(&home, node, &["market", "pools"]);
    assert_eq!(pools[0]["x"], "1");

    // Wait (in chain time) until the first pledged hour has ended.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while chain_time(&home, node) < (first_hour + 1) * 3_600 + 60 {
        assert!(std::time::Instant::now() < deadline, "chain time did not advance");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let expired = cli(&home, node, &["pool", "slots", "--hour", &first_hour.to_string()]);
    assert_eq!(expired["supply"], "0", "unsold slots of the past hour were burned");
    let shown = cli(&home, node, &["pool", "position", &serial.to_string()]);
    assert_eq!(shown["hours"][0]["state"], "expired");
    assert_eq!(shown["owner"], bob_positions[0]["owner"]);

    child.kill().unwrap();
    child.wait().unwrap();
}
