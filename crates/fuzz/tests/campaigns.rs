//! Every fuzz target for a bounded number of inputs (CI's share; longer runs:
//! `cargo run --release -p greenhour-fuzz -- --seconds 600`). A campaign
//! passes when nothing panicked and no property broke, and only when enough
//! of its inputs got past the decoder to mean the code behind it was reached.
//! `GREENHOUR_FUZZ_INPUTS` scales the budget, `GREENHOUR_FUZZ_SEED` the run.

use greenhour_fuzz::{campaign, targets, Budget, Depth};

fn run(name: &str, inputs: u64, min_decoded_percent: u64, min_applied: u64) {
    let scale = std::env::var("GREENHOUR_FUZZ_INPUTS").ok().and_then(|s| s.parse::<u64>().ok());
    let inputs = scale.map_or(inputs, |s| s.max(1));
    let report =
        campaign(targets::by_name(name).expect("a target"), Budget::Inputs(inputs), greenhour_fuzz::seed_from_env());
    eprintln!("{}", report.line());
    for f in &report.findings {
        eprintln!("  finding: {}\n  input: {}", f.what, hex::encode(&f.input));
    }
    assert_eq!(
        report.finding_count,
        0,
        "{name}: {} findings; the first: {:?}",
        report.finding_count,
        report.findings.first().map(|f| &f.what)
    );
    assert!(
        report.decoded() * 100 >= report.inputs * min_decoded_percent,
        "{name}: only {} of {} inputs got past decoding",
        report.decoded(),
        report.inputs
    );
    assert!(
        report.depths[Depth::Applied as usize] >= min_applied,
        "{name}: only {} inputs were applied",
        report.depths[Depth::Applied as usize]
    );
}

#[test]
fn fuzz_tx_decoding_admission_and_both_block_paths() {
    run("tx", 5_000, 30, 50);
}

#[test]
fn fuzz_block_decoding_and_process_proposal() {
    run("block", 2_000, 30, 50);
}

#[test]
fn fuzz_consensus_codec() {
    run("consensus", 100_000, 10, 0);
}

#[test]
fn fuzz_rpc_and_rest_bodies() {
    run("rpc", 5_000, 30, 0);
}

#[test]
fn fuzz_telemetry_reports() {
    run("telemetry", 3_000, 30, 50);
}
