//! Peak memory of a light client following a chain: 1,000 headers of a
//! 100-validator set, each with a certificate signed by the whole set, made one
//! at a time and verified as a device would (`cargo run --release -p
//! greenhour-light --example follow`). Prints the process's peak resident set.

#[path = "../tests/common.rs"]
mod common;

use common::*;
use greenhour_light::LightClient;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let (validators, headers) = (100, 1_000u64);
    let keys = keys("v", validators);
    let set = set(&keys, &vec![10; validators]);
    let signers: Vec<_> = keys.iter().collect();
    let mut header = genesis(&set);
    let before = peak_rss_kib();
    let mut client = LightClient::new(chain(), &header, set.clone()).expect("trusted genesis");
    let started = std::time::Instant::now();
    for h in 1..=headers {
        header = next(&header, &set, &set, &h.to_be_bytes());
        let certificate = certify(&header, &signers);
        client.verify_next(&header, &certificate, None).expect("valid header");
    }
    let elapsed = started.elapsed();
    println!(
        "followed {headers} headers of {validators} validators (signing included) in {:.2} s; \
         peak RSS {} KiB ({} KiB before the client started)",
        elapsed.as_secs_f64(),
        peak_rss_kib().unwrap_or(0),
        before.unwrap_or(0)
    );
}
