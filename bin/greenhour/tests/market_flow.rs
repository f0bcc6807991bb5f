//! The market from the command line, as issue 4's "done when" reads: on a devnet
//! with pledged slots a device owner adds liquidity, another user buys four
//! contiguous GPU-hours in one command, the index shows the fill, and the unsold
//! inventory's price decays as the hour approaches. The devnet runs on a
//! simulated clock (20 s of chain time per 50 ms block).

use std::time::{Duration, Instant};

mod common;
use common::{chain_time, cli};

fn price(pool: &serde_json::Value) -> u128 {
    pool["price_wad"].as_str().expect("price_wad").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_add_liquidity_buy_four_hours_and_watch_the_index_and_the_decay() {
    let common::SimDevnet { dir, home, mut child, url, .. } = common::sim_devnet(20).await;
    let node = url.as_str();

    let device = common::register_device_with_a_day(&home, node, dir.path()).to_string();
    cli(&home, node, &["pool", "join", "--from", "alice", "--pool", "1", "--device", &device]);

    // Four hours from three hours ahead (an hour of chain time is 9 s here).
    let first = chain_time(&home, node) / 3_600 + 3;
    let position = cli(
        &home,
        node,
        &[
            "pool",
            "pledge",
            "--from",
            "alice",
            "--pool",
            "1",
            "--device",
            &device,
            "--first-hour",
            &first.to_string(),
            "--hours",
            "4",
            "--quantity",
            "2",
        ],
    );
    let serial = position["position"]["serial"].as_u64().unwrap().to_string();

    // Alice opens a pool per hour (decay over the last 6 h towards 0.5 gUSD) and
    // provides her position's two slots of each with 4 gUSD.
    for hour in first..first + 4 {
        let slot = format!("slot/home/{hour}");
        cli(
            &home,
            node,
            &[
                "market",
                "create",
                "--from",
                "alice",
                &slot,
                "--floor",
                "500000",
                "--half-life",
                "1800",
                "--decay-window",
                "21600",
            ],
        );
        cli(
            &home,
            node,
            &[
                "pool",
                "provide",
                "--from",
                "alice",
                "--position",
                &serial,
                "--hour",
                &hour.to_string(),
                "--quantity",
                "2",
                "--max-quote",
                "4000000",
            ],
        );
    }

    // Bob buys one GPU-hour in each of the four hours with one command.
    let bought = cli(
        &home,
        node,
        &[
            "market",
            "buy-hours",
            "--from",
            "bob",
            "--class",
            "home",
            "--first-hour",
            &first.to_string(),
            "--hours",
            "4",
        ],
    );
    let total: u128 = bought["route"]["total"].as_str().unwrap().parse().unwrap();
    assert_eq!(bought["route"]["legs"].as_array().unwrap().len(), 4);
    let bob = cli(&home, node, &["query", "balance", "bob"]).to_string();
    for hour in first..first + 4 {
        assert!(bob.contains(&format!("slot/home/{hour}")), "bob holds a slot of hour {hour}: {bob}");
    }

    // The index shows the four fills.
    let index = cli(&home, node, &["index", "show", "--class", "home"]);
    assert_eq!(index[0]["fills"], 4);
    assert_eq!(index[0]["slots"], "4");
    // Paid at most the quote: the decay between quoting and the block can only lower it.
    let paid: u128 = index[0]["quote_volume"].as_str().unwrap().parse().unwrap();
    assert!(paid <= total && paid > total / 2, "paid {paid}, quoted {total}");
    assert!(index[0]["green_share_bps"].as_u64().unwrap() > 0, "{index}");

    // The unsold slot of the last hour gets cheaper as its hour approaches.
    let last = format!("slot/home/{}", first + 3);
    let earlier = cli(&home, node, &["market", "pool", &last]);
    let t0 = chain_time(&home, node);
    let deadline = Instant::now() + Duration::from_secs(60);
    while chain_time(&home, node) < t0 + 3_600 {
        assert!(Instant::now() < deadline, "chain time did not advance");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let later = cli(&home, node, &["market", "pool", &last]);
    assert_eq!(later["phase"], "open");
    assert!(price(&later) < price(&earlier), "decayed: {} → {}", price(&earlier), price(&later));
    assert!(price(&later) >= 500_000 * 1_000_000_000_000_000_000, "never below the floor");
    assert!(later["twap"]["price_wad"].is_string(), "a TWAP after time passed: {later}");

    child.kill().unwrap();
    child.wait().unwrap();
}
