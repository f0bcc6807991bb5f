//! `greenhour-fuzz`: runs the fuzz campaigns for longer than CI does.
//!
//! ```text
//! cargo run --release -p greenhour-fuzz -- [--target NAME]... [--seconds N | --inputs N] [--seed S] [--out DIR]
//! ```
//! Every target runs unless some are named. Findings are written to `DIR`
//! (default `fuzz-findings/`) as `<target>-<n>.hex` with the reason beside it;
//! the exit status is 1 when there is any. `--seeds DIR` writes each named
//! target's seeds as files instead (`DIR/<target>/<n>`), a starting corpus for
//! the coverage-guided runs in `fuzz/` (cargo fuzz).

use greenhour_fuzz::{campaign, targets, Budget};
use std::time::Duration;

fn usage() -> ! {
    eprintln!(
        "usage: greenhour-fuzz [--target {}]... [--seconds N | --inputs N] [--seed S] [--out DIR] [--seeds DIR]",
        targets::ALL.map(|(n, _)| n).join("|")
    );
    std::process::exit(2)
}

fn main() {
    let mut names = Vec::new();
    let mut budget = Budget::Time(Duration::from_secs(60));
    let mut seed = greenhour_fuzz::seed_from_env();
    let mut out = std::path::PathBuf::from("fuzz-findings");
    let mut seeds_to: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match flag.as_str() {
            "--target" => names.push(value()),
            "--seconds" => budget = Budget::Time(Duration::from_secs(value().parse().unwrap_or_else(|_| usage()))),
            "--inputs" => budget = Budget::Inputs(value().parse().unwrap_or_else(|_| usage())),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            "--out" => out = value().into(),
            "--seeds" => seeds_to = Some(value().into()),
            _ => usage(),
        }
    }
    if names.is_empty() {
        names = targets::ALL.iter().map(|(n, _)| n.to_string()).collect();
    }
    if let Some(dir) = seeds_to {
        for name in &names {
            let Some(make) = targets::by_name(name) else { usage() };
            let folder = dir.join(name);
            std::fs::create_dir_all(&folder).expect("seeds folder");
            let seeds = make().seeds();
            for (i, seed) in seeds.iter().enumerate() {
                std::fs::write(folder.join(format!("{i:04}")), seed).expect("write a seed");
            }
            println!("{name}: {} seeds in {}", seeds.len(), folder.display());
        }
        return;
    }
    let mut findings = 0;
    for name in &names {
        let Some(make) = targets::by_name(name) else { usage() };
        let report = campaign(make, budget, seed);
        println!("{}", report.line());
        for (i, finding) in report.findings.iter().enumerate() {
            std::fs::create_dir_all(&out).expect("findings folder");
            let path = out.join(format!("{name}-{i}.hex"));
            std::fs::write(&path, format!("{}\n{}\n", hex::encode(&finding.input), finding.what)).expect("write");
            println!("  finding {i}: {} ({})", finding.what, path.display());
        }
        findings += report.finding_count;
    }
    std::process::exit(i32::from(findings > 0));
}
