//! Events: every step of a proposal's life, every vote and deposit, every
//! change a proposal makes, and every pause.

use greenhour_primitives::Address;

greenhour_framework::module_events! {
    /// Everything the governance module announces.
    pub enum GovernanceEvent in "governance" {
        /// A proposal was submitted.
        Submitted = "submitted" { proposal: u64, proposer: Address, messages: u32, expedited: bool },
        /// A deposit was added (escrowed).
        Deposited = "deposited" { proposal: u64, depositor: Address, amount: u128, total: u128 },
        /// The deposit reached the minimum: the vote is open until `ends`.
        VotingStarted = "voting_started" { proposal: u64, ends: u64 },
        /// A vote was cast (or replaced); `options` as `option:bps` pairs.
        Voted = "voted" { proposal: u64, voter: Address, options: String },
        /// The vote closed: outcome passed, rejected, vetoed or `continued` (an
        /// expedited proposal that goes on as a regular one).
        Tallied = "tallied" { proposal: u64, outcome: String, yes: u128, no: u128, abstain: u128, no_with_veto: u128, bonded: u128 },
        /// Deposits returned (`burned` false) or burned after a veto.
        DepositsSettled = "deposits_settled" { proposal: u64, total: u128, burned: bool },
        /// The deposit period ended below the minimum deposit.
        Dropped = "dropped" { proposal: u64 },
        /// A passed proposal's messages all executed.
        Executed = "executed" { proposal: u64 },
        /// A passed proposal's execution failed; nothing of it changed state.
        ExecutionFailed = "execution_failed" { proposal: u64, reason: String },
        /// A governed parameter changed.
        ParamChanged = "param_changed" { module: String, name: String, old: u128, new: u128 },
        /// The community pool paid out.
        CommunitySpend = "community_spend" { proposal: u64, to: Address, coins: String },
        /// An upgrade was scheduled (or replaced) at a height.
        UpgradeScheduled = "upgrade_scheduled" { name: String, height: u64 },
        /// The scheduled upgrade was cancelled.
        UpgradeCancelled = "upgrade_cancelled" { name: String },
        /// A module's actions are refused until `until`.
        Paused = "paused" { module: String, until: u64, by: String },
        /// A module's pause was lifted.
        Unpaused = "unpaused" { module: String },
        /// A passed proposal opened a sale of community-pool GHR.
        RaiseStarted = "raise_started" { raise: u64, proposal: u64, ghr: u128, start_price: u128, end_price: u128, ends: u64 },
        /// GHR bought from a sale; the gUSD went to the community pool.
        RaiseBought = "raise_bought" { raise: u64, buyer: Address, ghr: u128, paid: u128, price: u128 },
        /// A sale ended; its unsold GHR went back to the community pool.
        RaiseClosed = "raise_closed" { raise: u64, sold: u128, raised: u128, returned: u128 },
        /// The guardian set was replaced.
        GuardiansSet = "guardians_set" { members: u32, expires_at: u64 },
    }
}
