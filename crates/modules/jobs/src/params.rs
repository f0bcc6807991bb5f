use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// Rules for jobs, set at genesis; governance may change those declared at the end of this file.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct JobsParams {
    /// Largest WASM module, bytes.
    pub max_wasm_bytes: u32,
    /// Largest job input, bytes.
    pub max_input_bytes: u32,
    /// Largest result output, bytes (results are kept on chain for the buyer).
    pub max_output_bytes: u32,
    /// Most fuel a job may ask for; on-chain re-execution never uses more.
    pub max_fuel: u64,
    /// Largest linear memory a workload may grow to, bytes.
    pub max_memory_bytes: u32,
    /// Most GPUs one replica may need.
    pub max_gpus: u32,
    /// Most consecutive hours one replica may run.
    pub max_job_hours: u32,
    /// Most replicas of a `Redundant` job.
    pub max_replicas: u32,
    /// How far ahead a deadline may lie, hours.
    pub horizon_hours: u64,
    /// Candidate start hours the matcher tries per job.
    pub search_hours: u32,
    /// Open jobs the matcher considers per block (round robin).
    pub match_per_block: u32,
    /// Most assignments in one solver proposal.
    pub max_proposal_jobs: u32,
    /// Due jobs advanced per block.
    pub advance_per_block: u32,
    /// Results are accepted until this long after a job's last hour ends.
    pub result_grace_secs: u64,
    /// After the commit deadline, `Redundant` replicas have this long to reveal.
    pub reveal_secs: u64,
    /// Smallest provider (and challenger) bond, `ughr`.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_bond: u128,
    /// Longest optimistic challenge window, seconds.
    pub max_window_secs: u64,
    /// Protocol fee on provider payouts, basis points.
    pub protocol_fee_bps: u32,
    /// `Attested` jobs need metered GPU-seconds of at least this share of the
    /// GPUs × hours bought, basis points.
    pub attested_min_utilisation_bps: u32,
    /// Embodied emissions per GPU-hour (GSF SCI `M`), milligrams CO2e.
    pub embodied_mg_per_gpu_hour: u64,
    /// Oracle feed of the grid's carbon intensity (gCO2e/kWh) for SCI reports.
    pub carbon_feed: String,
    /// Devices' green share is measured over this many whole days before today.
    pub green_window_days: u32,
}

impl Default for JobsParams {
    fn default() -> Self {
        JobsParams {
            // Both must fit one transaction (64 KiB by default) with room to spare.
            max_wasm_bytes: 48 << 10,
            max_input_bytes: 16 << 10,
            max_output_bytes: 16 << 10,
            max_fuel: 200_000_000,
            max_memory_bytes: 1 << 20,
            max_gpus: 8,
            max_job_hours: 24,
            max_replicas: 7,
            horizon_hours: 14 * 24,
            search_hours: 24,
            match_per_block: 64,
            max_proposal_jobs: 256,
            advance_per_block: 256,
            result_grace_secs: 3_600,
            reveal_secs: 3_600,
            min_bond: 1_000_000,
            max_window_secs: 7 * 86_400,
            protocol_fee_bps: 200,
            attested_min_utilisation_bps: 8_000,
            // A home GPU box of ~300 kgCO2e embodied over a 4-year life: 300 kg / 35,040 h.
            embodied_mg_per_gpu_hour: 8_560,
            carbon_feed: "carbon.de".into(),
            green_window_days: 7,
        }
    }
}

/// Seconds in an hour slot.
pub const HOUR: u64 = 3_600;
/// Name of the insurance fund's module account, where slashed bonds go.
pub const INSURANCE: &str = "insurance";
/// Hard ceilings `check` enforces without state (params may only be tighter).
pub const MAX_INPUT_BYTES: usize = 1 << 20;
pub const MAX_OUTPUT_BYTES: usize = 1 << 20;
pub const MAX_WASM_BYTES: usize = 4 << 20;

greenhour_framework::governed_params! {
    JobsParams {
        /// Most fuel a workload may burn.
        max_fuel: u64 in 1_000_000..=10_000_000_000,
        /// Most GPUs per replica.
        max_gpus: u32 in 1..=64,
        /// Longest run, hours.
        max_job_hours: u32 in 1..=168,
        /// Most replicas of a redundant job.
        max_replicas: u32 in 1..=16,
        /// Open jobs the matcher considers per block.
        match_per_block: u32 in 1..=1_024,
        /// Time after a run's end to commit results, seconds.
        result_grace_secs: u64 in 600..=86_400,
        /// Time after the commit deadline to reveal, seconds.
        reveal_secs: u64 in 600..=86_400,
        /// Smallest worker bond, ughr.
        min_bond: u128 in 0..=1_000_000_000_000,
        /// Longest optimistic challenge window, seconds.
        max_window_secs: u64 in 3_600..=2_592_000,
        /// The protocol's share of a job's pay, bps.
        protocol_fee_bps: u32 in 0..=2_000,
        /// Share of the attested GPU-seconds a replica must show, bps.
        attested_min_utilisation_bps: u32 in 0..=10_000,
        /// Embodied emissions per GPU-hour in SCI reports, mgCO2e.
        embodied_mg_per_gpu_hour: u64 in 0..=1_000_000,
    }
}
