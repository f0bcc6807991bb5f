//! Governance's own rules, after Cosmos SDK x/gov v1 (its defaults where they
//! fit; where we differ, `docs/spec/governance.md` says why). Governance may
//! change them within the bounds declared at the end of this file.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// 1 GHR in ughr.
const GHR: u128 = 1_000_000;

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GovernanceParams {
    /// Deposit a proposal needs before its vote opens, ughr.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub min_deposit: u128,
    /// The same for an expedited proposal, ughr.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub expedited_min_deposit: u128,
    /// Share of the minimum deposit the proposer must pay at submission, bps
    /// (Cosmos's `min_initial_deposit_ratio`: spam costs something up front).
    pub min_initial_deposit_bps: u32,
    /// How long a proposal may collect deposits, seconds.
    pub max_deposit_period_secs: u64,
    /// How long a vote lasts, seconds.
    pub voting_period_secs: u64,
    /// How long an expedited vote lasts, seconds.
    pub expedited_voting_period_secs: u64,
    /// Share of bonded GHR that must vote (abstain counts), bps.
    pub quorum_bps: u32,
    /// Share of non-abstaining votes that must be yes, bps (strictly more).
    pub threshold_bps: u32,
    /// The same for an expedited proposal, bps.
    pub expedited_threshold_bps: u32,
    /// Share of all votes that vetoes (strictly more): the deposits are burned, bps.
    pub veto_threshold_bps: u32,
    /// Delay between a passed vote and its execution, seconds (OpenZeppelin's
    /// timelock: holders who disagree can leave before a change takes effect).
    pub timelock_secs: u64,
    /// Longest pause a guardian may impose, seconds.
    pub max_guardian_pause_secs: u64,
    /// Most messages one proposal may carry.
    pub max_messages: u32,
    /// Longest title and summary, bytes.
    pub max_title_bytes: u32,
    pub max_summary_bytes: u32,
    /// Proposals each end-of-block queue advances per block (the rest wait a block).
    pub max_ends_per_block: u32,
}

impl Default for GovernanceParams {
    fn default() -> Self {
        GovernanceParams {
            min_deposit: 1_000 * GHR,
            expedited_min_deposit: 5_000 * GHR,
            min_initial_deposit_bps: 2_500,
            max_deposit_period_secs: 2 * 86_400,
            voting_period_secs: 2 * 86_400,
            expedited_voting_period_secs: 86_400,
            quorum_bps: 3_340,
            threshold_bps: 5_000,
            expedited_threshold_bps: 6_670,
            veto_threshold_bps: 3_340,
            timelock_secs: 86_400,
            max_guardian_pause_secs: 7 * 86_400,
            max_messages: 16,
            max_title_bytes: 140,
            max_summary_bytes: 10_000,
            max_ends_per_block: 32,
        }
    }
}

impl GovernanceParams {
    /// Relations the fields must keep (also checked for a genesis).
    pub fn consistent(&self) -> Result<(), String> {
        if self.expedited_voting_period_secs >= self.voting_period_secs {
            return Err("an expedited vote must be shorter than a regular one".into());
        }
        if self.expedited_threshold_bps < self.threshold_bps {
            return Err("an expedited proposal's threshold must be at least the regular one".into());
        }
        if self.expedited_min_deposit < self.min_deposit {
            return Err("an expedited proposal's deposit must be at least the regular one".into());
        }
        if self.quorum_bps > 10_000 || self.threshold_bps > 10_000 || self.veto_threshold_bps > 10_000 {
            return Err("quorum and thresholds are at most 10,000 bps".into());
        }
        if self.expedited_threshold_bps > 10_000 || self.min_initial_deposit_bps > 10_000 {
            return Err("shares are at most 10,000 bps".into());
        }
        if self.max_ends_per_block == 0 || self.max_messages == 0 {
            return Err("max_ends_per_block and max_messages must be positive".into());
        }
        Ok(())
    }
}

greenhour_framework::governed_params! {
    GovernanceParams {
        /// Deposit a proposal needs before its vote opens, ughr (1 to 10⁹ GHR).
        min_deposit: u128 in 1_000_000..=1_000_000_000_000_000,
        /// Deposit an expedited proposal needs, ughr.
        expedited_min_deposit: u128 in 1_000_000..=1_000_000_000_000_000,
        /// Share of the minimum deposit paid at submission, bps.
        min_initial_deposit_bps: u32 in 0..=10_000,
        /// How long a proposal may collect deposits, seconds (1 hour to 30 days).
        max_deposit_period_secs: u64 in 3_600..=2_592_000,
        /// How long a vote lasts, seconds (1 hour to 30 days).
        voting_period_secs: u64 in 3_600..=2_592_000,
        /// How long an expedited vote lasts, seconds (10 minutes to 7 days).
        expedited_voting_period_secs: u64 in 600..=604_800,
        /// Share of bonded GHR that must vote, bps (10 % to 100 %).
        quorum_bps: u32 in 1_000..=10_000,
        /// Share of non-abstaining votes that must be yes, bps (a majority at least).
        threshold_bps: u32 in 5_000..=10_000,
        /// The same for an expedited proposal, bps.
        expedited_threshold_bps: u32 in 5_000..=10_000,
        /// Share of all votes that vetoes, bps.
        veto_threshold_bps: u32 in 1_000..=10_000,
        /// Delay between a passed vote and its execution, seconds (up to 14 days).
        timelock_secs: u64 in 0..=1_209_600,
        /// Longest pause a guardian may impose, seconds (1 hour to 30 days).
        max_guardian_pause_secs: u64 in 3_600..=2_592_000,
    }
    consistent = GovernanceParams::consistent
}
