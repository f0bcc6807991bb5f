//! Crash safety: SIGKILL the devnet process at random moments under load,
//! restart it on its home each time, and check that every transaction it
//! reported committed is still there at the same height, that every block seen
//! before a crash keeps its hash and app hash, that state proves against those
//! app hashes, and that the chain goes on. The loop is `greenhour bench crash`'s
//! (`crates/bench/src/kill.rs`); longer runs: `greenhour bench crash --kills 200`.
//! Seed via `GREENHOUR_CRASH_SEED`.

use greenhour_bench::kill::{self, KillLoop, KillReport};

fn seed() -> u64 {
    std::env::var("GREENHOUR_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2026)
}

async fn kill_loop(kills: usize, devices: usize, senders: usize, max_round_ms: u64) -> KillReport {
    let dir = tempfile::tempdir().unwrap();
    let cfg = KillLoop {
        exe: env!("CARGO_BIN_EXE_greenhour").into(),
        home: dir.path().join("home"),
        kills,
        seed: seed(),
        devices,
        senders,
        block_ms: 100,
        max_round_ms,
    };
    let report = kill::run(&cfg).await.unwrap_or_else(|e| panic!("{e:#}"));
    eprintln!(
        "crash test: {} kills, {} committed transfers and {} blocks ({} txs) found again, actions {:?}, events {:?}",
        report.kills,
        report.committed_transfers,
        report.blocks_seen,
        report.txs_in_blocks,
        report.actions,
        report.events
    );
    assert_eq!(report.kills, kills);
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_survives_sigkill_under_load_without_losing_committed_txs() {
    let report = kill_loop(20, 0, 4, 1_500).await;
    assert!(report.committed_transfers >= 200, "too little load got committed to mean anything: {report:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_survives_sigkill_under_a_fleets_mixed_load() {
    // Fewer, longer rounds than the transfers-only loop: each restart the fleet
    // plans every device again (a debug build's LP) before it moves on, and twice
    // in CI 8 rounds of at most 1.5 s left it only one or two hours in.
    let report = kill_loop(6, 6, 2, 4_000).await;
    let actions =
        |prefix: &str| report.actions.iter().filter(|(k, _)| k.starts_with(prefix)).map(|(_, n)| n).sum::<u64>();
    // The crashes landed in a mixed load: telemetry with certificates, pledges, trades, jobs.
    assert!(actions("Devices.Report") > 0, "{report:?}");
    assert!(report.events.get("carbon.issued").copied().unwrap_or(0) > 0, "{report:?}");
    assert!(actions("Pools.Pledge") > 0, "{report:?}");
    assert!(actions("Market.") > 0, "{report:?}");
    assert!(actions("Jobs.") > 0, "{report:?}");
    assert!(report.committed_transfers > 0, "{report:?}");
}
