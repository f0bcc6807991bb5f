use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// Rules for telemetry, set at genesis (none of it governed yet: docs/spec/governance.md).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct DevicesParams {
    /// How far a metered quantity may exceed its nameplate bound (1100 = ×1.1, EnergyTag's rule).
    pub nameplate_tolerance_permille: u32,
    /// How far metered sinks (charge + export + compute) may exceed sources
    /// (generation + discharge + import), for meter error and rounding (1050 = 5 %).
    pub balance_tolerance_permille: u32,
    /// Most GPUs one device may declare.
    pub max_gpus: u32,
    /// Largest PV, battery or charger rating one device may declare, in W or Wh.
    pub max_rating: u64,
}

impl Default for DevicesParams {
    fn default() -> Self {
        DevicesParams {
            nameplate_tolerance_permille: 1_100,
            balance_tolerance_permille: 1_050,
            max_gpus: 1_024,
            max_rating: 100_000_000, // 100 MW(h): a small green data centre
        }
    }
}

/// Longest telemetry interval: one hour, and never across an hour boundary.
pub const MAX_REPORT_SECONDS: u64 = 3_600;
/// Longest GPU model name.
pub const MAX_GPU_MODEL_BYTES: usize = 64;
