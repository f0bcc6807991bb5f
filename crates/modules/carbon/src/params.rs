use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

/// Rules for certificates and credits, set at genesis (none of it governed yet: issuer lists need list messages, docs/spec/governance.md).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default)]
pub struct CarbonParams {
    /// Accounts with the issuer role: they revoke certificate bundles, approve
    /// or reject credit batches and create credit pools.
    pub issuers: Vec<Address>,
    /// A certificate expires this long after its production interval ends, seconds.
    pub lifetime_secs: u64,
    /// Round-trip efficiency applied to stored energy, basis points: a discharge
    /// certificate of `q` Wh consumes `⌈q · 10,000 / efficiency⌉` Wh of locked
    /// charging certificates.
    pub storage_efficiency_bps: u32,
    /// Reports one `Issue` action may certify.
    pub max_reports_per_issue: u32,
    /// Bundles one `Claim` may retire.
    pub max_bundles_per_claim: u32,
    /// Expired bundles swept per block (the rest wait for the next block).
    pub expire_per_block: u32,
    /// Hours of consumption one `Declare` may record, and how far back, hours.
    pub max_declared_hours: u32,
    pub declare_lookback_hours: u64,
}

impl Default for CarbonParams {
    fn default() -> Self {
        CarbonParams {
            issuers: Vec::new(),
            // EU guarantees of origin live 12 months after production.
            lifetime_secs: 365 * 86_400,
            // A lithium-ion home battery's round trip.
            storage_efficiency_bps: 9_000,
            max_reports_per_issue: 256,
            max_bundles_per_claim: 64,
            expire_per_block: 1_024,
            max_declared_hours: 744,
            declare_lookback_hours: 366 * 24,
        }
    }
}

/// Seconds in an hour.
pub const HOUR: u64 = 3_600;
/// Grams in a tonne: credits and the carbon coin count grams CO2e.
pub const GRAMS_PER_TONNE: u128 = 1_000_000;
/// The NFT class of retirement receipts (certificate claims and credit retirements).
pub const RECEIPT_CLASS: &str = "carbon_receipt";
/// Longest free-text field (beneficiary, purpose, location, project, message), bytes.
pub const MAX_TEXT: usize = 128;
/// Longest registry serial number, bytes.
pub const MAX_SERIAL: usize = 96;
/// Most attributes on one credit batch.
pub const MAX_CREDIT_ATTRIBUTES: usize = 16;
/// Longest consumption period a claim may name, seconds (a leap year).
pub const MAX_CLAIM_PERIOD: u64 = 366 * 86_400;
/// Longest window of a matching report, hours (a leap year).
pub const MAX_REPORT_HOURS: u64 = 366 * 24;
