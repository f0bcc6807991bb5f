//! What the governance tests share: a chain with four validators, the devnet's
//! governance clock, a guardian, a funded community pool and one oracle feed.

#![allow(dead_code)]

use greenhour_app::{AppAction, Genesis};
use greenhour_governance::{GovernanceAction, GovernanceParams, GuardianSet};
use greenhour_primitives::Coin;
use greenhour_staking::GenesisValidator;
use greenhour_testkit::{TestNode, TEST_GENESIS_TIME};

pub const GHR: u128 = 1_000_000;
pub const VOTING: u64 = 3_600;
pub const TIMELOCK: u64 = 600;

/// The demo accounts as four validators of 10,000 GHR each, the devnet's
/// governance clock, carol as guardian, and 1,000 GHR in the community pool.
pub fn genesis() -> Genesis {
    let mut g = greenhour_testkit::demo_genesis("gh-governance");
    g.staking.validators = ["alice", "bob", "carol", "dave"]
        .iter()
        .map(|name| GenesisValidator {
            operator: TestNode::addr(name),
            consensus_key: TestNode::key(&format!("{name}-consensus")).public_key(),
            moniker: name.to_string(),
            commission_bps: 1_000,
            self_bond: 10_000 * GHR,
        })
        .collect();
    g.governance.params = GovernanceParams {
        max_deposit_period_secs: 86_400,
        voting_period_secs: VOTING,
        expedited_voting_period_secs: 600,
        timelock_secs: TIMELOCK,
        ..GovernanceParams::default()
    };
    g.governance.guardians =
        GuardianSet { members: vec![TestNode::addr("carol")], expires_at: TEST_GENESIS_TIME + 30 * 86_400 };
    g.oracle.feeds.push(greenhour_oracle::Feed {
        name: "carbon.de".into(),
        unit: "gCO2e/kWh".into(),
        reporters: vec![TestNode::addr("alice"), TestNode::addr("bob")],
        quorum: 2,
        max_age: 7_200,
        round: 0,
    });
    g.bank.balances.push(greenhour_bank::GenesisBalance {
        address: greenhour_governance::community_pool(),
        coins: vec![Coin::ghr(1_000 * GHR)],
    });
    g
}

pub fn gov(a: GovernanceAction) -> AppAction {
    AppAction::Governance(a.into())
}
