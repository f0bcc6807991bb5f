//! Fuzzing on stable Rust: seeded mutation campaigns against every input the
//! network takes from strangers — transactions and their admission, blocks and
//! `process_proposal`, the Malachite codec, JSON-RPC and REST bodies, and
//! telemetry reports.
//!
//! What a campaign checks, for every input:
//! - **Nothing panics.** A panic anywhere behind a target is a finding, kept
//!   with the input that caused it; the target is rebuilt and the run goes on.
//! - **Each target's own property** (a violation is a finding too):
//!   - `tx`, `telemetry`: a transaction that passes admission and is built into
//!     a block by the proposer path (`prepare_proposal`) is accepted by the
//!     checker path (`process_proposal`) with the same block hash; committed,
//!     the state still satisfies every module's invariants;
//!   - `block`: a block the checker accepts has the app hash the proposer path
//!     computes for the same transactions;
//!   - `consensus`: a message that decodes re-encodes to the same bytes (one
//!     encoding per value, so hashes and signatures cannot be malleated);
//!   - `rpc`: every answer arrives, has a status below 500 and, for JSON-RPC,
//!     is a JSON-RPC 2.0 answer.
//!
//! How: the stable toolchain has no sanitizer coverage, so this is not
//! coverage-guided. Campaigns start from valid seeds (the conformance fixtures'
//! actions, blocks and reports built on a small live chain, one request per
//! RPC method) and apply stacked byte mutations plus each target's
//! structure-aware ones (re-signing a mutated transaction so it reaches the
//! state machine, setting a mutated block's header so it reaches execution,
//! replacing a JSON value). An input that gets deeper than decoding joins the
//! corpus, a cheap stand-in for coverage feedback. Runs are reproducible: the
//! same seed tries the same inputs.

pub mod mutate;
pub mod targets;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// How deep an input got. Counted per campaign, so a report shows whether the
/// inputs reach the code behind the decoder or bounce off it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Depth {
    /// Refused by the decoder or the parser.
    Undecoded,
    /// Decoded, then refused (a signature, a field, admission, a 4xx).
    Decoded,
    /// Admitted: passed every check before execution (or an RPC answered with a result).
    Admitted,
    /// Executed and committed (or accepted whole, for a block).
    Applied,
}

/// One input a target is fed.
pub trait Target {
    /// The target's name on the command line and in reports.
    fn name(&self) -> &'static str;
    /// Valid inputs to start from.
    fn seeds(&self) -> Vec<Vec<u8>>;
    /// Feeds one input. `Err` is a violated property (a finding).
    fn run(&mut self, input: &[u8]) -> Result<Depth, String>;
    /// A mutation that knows the input's structure, if the target has one.
    fn mutate(&self, _input: &[u8], _rng: &mut StdRng) -> Option<Vec<u8>> {
        None
    }
}

/// Builds a fresh target (again after a panic, whose half-done work may have
/// left locks poisoned or state inconsistent).
pub type MakeTarget = fn() -> Box<dyn Target>;

/// A panic or a violated property, with the input that caused it.
#[derive(Clone, Debug)]
pub struct Finding {
    pub input: Vec<u8>,
    pub what: String,
}

/// How long a campaign runs.
#[derive(Clone, Copy, Debug)]
pub enum Budget {
    Inputs(u64),
    Time(Duration),
}

/// What a campaign tried and found.
#[derive(Clone, Debug)]
pub struct Report {
    pub target: &'static str,
    pub seed: u64,
    pub inputs: u64,
    /// Inputs per depth reached, indexed by `Depth as usize`.
    pub depths: [u64; 4],
    /// Every finding counted; the first [`KEPT_FINDINGS`] are kept.
    pub finding_count: u64,
    pub findings: Vec<Finding>,
    pub corpus: usize,
    pub elapsed: Duration,
}

impl Report {
    /// Inputs that got past the decoder.
    pub fn decoded(&self) -> u64 {
        self.depths[Depth::Decoded as usize..].iter().sum()
    }
    pub fn line(&self) -> String {
        format!(
            "{:<10} {:>9} inputs in {:>6.1} s  decoded {:>8}  admitted {:>8}  applied {:>7}  corpus {:>5}  findings {}",
            self.target,
            self.inputs,
            self.elapsed.as_secs_f64(),
            self.decoded(),
            self.depths[Depth::Admitted as usize] + self.depths[Depth::Applied as usize],
            self.depths[Depth::Applied as usize],
            self.corpus,
            self.finding_count,
        )
    }
}

/// Findings kept with their input per campaign (all are counted).
pub const KEPT_FINDINGS: usize = 16;
/// Most inputs the corpus grows to; a new deep input then replaces a random one.
const MAX_CORPUS: usize = 2_048;
/// Most applied inputs kept apart: half the mutations start from one, so a
/// corpus full of admitted-but-failing inputs does not crowd out the ones
/// that reach all the way through.
const MAX_APPLIED: usize = 512;

thread_local! {
    /// Set while a target runs on this thread: its panic message is kept here
    /// instead of printed.
    static CAPTURED: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that captures panics of fuzzed code and leaves
/// every other panic (a failing test's) to the previous hook.
fn install_panic_capture() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let captured = CAPTURED.with(|c| {
                let mut c = c.borrow_mut();
                match c.as_mut() {
                    Some(slot) => {
                        let location = info.location().map(|l| format!(" at {}:{}", l.file(), l.line()));
                        let message = info
                            .payload()
                            .downcast_ref::<&str>()
                            .map(|s| s.to_string())
                            .or_else(|| info.payload().downcast_ref::<String>().cloned())
                            .unwrap_or_else(|| "non-string panic".into());
                        *slot = Some(format!("panic: {message}{}", location.unwrap_or_default()));
                        true
                    }
                    None => false,
                }
            });
            if !captured {
                previous(info);
            }
        }));
    });
}

/// Runs one input, turning a panic into a finding.
fn feed(target: &mut dyn Target, input: &[u8]) -> Result<Depth, String> {
    CAPTURED.with(|c| *c.borrow_mut() = Some(None));
    let result = catch_unwind(AssertUnwindSafe(|| target.run(input)));
    let message = CAPTURED.with(|c| c.borrow_mut().take().flatten());
    match result {
        Ok(verdict) => verdict,
        Err(_) => Err(message.unwrap_or_else(|| "panic".into())),
    }
}

/// Runs a campaign: every seed once, then mutations of the corpus until the
/// budget is spent. Reproducible from `seed`.
pub fn campaign(make: MakeTarget, budget: Budget, seed: u64) -> Report {
    install_panic_capture();
    let started = Instant::now();
    let mut target = make();
    let mut rng = StdRng::seed_from_u64(seed);
    let mut corpus: Vec<Vec<u8>> = target.seeds();
    let mut applied: Vec<Vec<u8>> = Vec::new();
    let mut report = Report {
        target: target.name(),
        seed,
        inputs: 0,
        depths: [0; 4],
        finding_count: 0,
        findings: Vec::new(),
        corpus: 0,
        elapsed: Duration::ZERO,
    };
    let seeds = corpus.len();
    let spent = |report: &Report| match budget {
        Budget::Inputs(n) => report.inputs >= n,
        Budget::Time(d) => started.elapsed() >= d,
    };
    while !spent(&report) {
        let input = if (report.inputs as usize) < seeds {
            corpus[report.inputs as usize].clone()
        } else {
            next_input(target.as_ref(), &corpus, &applied, &mut rng)
        };
        report.inputs += 1;
        match feed(target.as_mut(), &input) {
            Ok(depth) => {
                report.depths[depth as usize] += 1;
                if depth == Depth::Applied {
                    if applied.len() < MAX_APPLIED {
                        applied.push(input.clone());
                    } else {
                        let at = rng.gen_range(0..MAX_APPLIED);
                        applied[at] = input.clone();
                    }
                }
                if depth >= Depth::Admitted && report.inputs as usize > seeds {
                    if corpus.len() < MAX_CORPUS {
                        corpus.push(input);
                    } else {
                        let at = rng.gen_range(seeds..MAX_CORPUS);
                        corpus[at] = input;
                    }
                }
            }
            Err(what) => {
                report.finding_count += 1;
                if report.findings.len() < KEPT_FINDINGS {
                    report.findings.push(Finding { input, what });
                }
                target = make();
            }
        }
    }
    report.corpus = corpus.len();
    report.elapsed = started.elapsed();
    report
}

/// A random input, a mutated corpus entry (half the time one that was
/// applied, when there are any), or one mutated by the target's own
/// structure-aware mutation.
fn next_input(target: &dyn Target, corpus: &[Vec<u8>], applied: &[Vec<u8>], rng: &mut StdRng) -> Vec<u8> {
    let roll = rng.gen_range(0..100);
    if roll < 5 || corpus.is_empty() {
        let len = rng.gen_range(0..256);
        return (0..len).map(|_| rng.gen()).collect();
    }
    let base = if !applied.is_empty() && rng.gen_bool(0.5) {
        &applied[rng.gen_range(0..applied.len())]
    } else {
        &corpus[rng.gen_range(0..corpus.len())]
    };
    if roll < 45 {
        if let Some(structured) = target.mutate(base, rng) {
            return structured;
        }
    }
    let other = &corpus[rng.gen_range(0..corpus.len())];
    let mut input = base.clone();
    for _ in 0..rng.gen_range(1..=4) {
        mutate::bytes(&mut input, other, rng);
    }
    input
}

/// Feeds one input to the named target, built once and kept for the life of the
/// process: the entry point of the coverage-guided runs in `fuzz/` (libFuzzer
/// through `cargo fuzz`, which works on stable with `-s none`). A violated
/// property panics there, which libFuzzer keeps as a crash with its input.
pub fn feed_persistent(name: &'static str, input: &[u8]) {
    thread_local! {
        static TARGETS: RefCell<std::collections::BTreeMap<&'static str, Box<dyn Target>>> =
            RefCell::new(std::collections::BTreeMap::new());
    }
    TARGETS.with(|kept| {
        let mut kept = kept.borrow_mut();
        let target = kept
            .entry(name)
            .or_insert_with(|| (targets::by_name(name).unwrap_or_else(|| panic!("no fuzz target {name}")))());
        if let Err(finding) = target.run(input) {
            panic!("{name}: {finding}");
        }
    });
}

/// The campaign's default seed, or `GREENHOUR_FUZZ_SEED`.
pub fn seed_from_env() -> u64 {
    std::env::var("GREENHOUR_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2026)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Panics on inputs starting with 0xAA, refuses short ones.
    struct Fragile;
    impl Target for Fragile {
        fn name(&self) -> &'static str {
            "fragile"
        }
        fn seeds(&self) -> Vec<Vec<u8>> {
            vec![vec![0x55, 1, 2, 3]]
        }
        fn run(&mut self, input: &[u8]) -> Result<Depth, String> {
            match input {
                [0xAA, ..] => panic!("boom"),
                [_, _, _, ..] => Ok(Depth::Admitted),
                _ => Ok(Depth::Undecoded),
            }
        }
    }

    #[test]
    fn a_campaign_finds_a_panic_and_keeps_its_input_and_is_reproducible() {
        let make: MakeTarget = || Box::new(Fragile);
        let a = campaign(make, Budget::Inputs(20_000), 7);
        assert!(a.finding_count > 0, "a first byte of 0xAA is one byte mutation away");
        assert!(a.findings.iter().all(|f| f.input[0] == 0xAA && f.what.contains("boom")), "{:?}", a.findings);
        assert_eq!(a.inputs, 20_000);
        assert_eq!(a.depths.iter().sum::<u64>() + a.finding_count, a.inputs);
        let b = campaign(make, Budget::Inputs(20_000), 7);
        assert_eq!((a.depths, a.finding_count), (b.depths, b.finding_count), "same seed, same run");
    }
}
