//! Random sequences of delegations, undelegations, double-sign reports and
//! epochs. The app checks the staking invariants after every block (custody =
//! bonded + unbonding, shares add up, sets sorted and capped below a third);
//! this adds what must hold across blocks: `ughr` supply changes only by the
//! burned slashes, and the set signing a block is the one the previous block
//! announced.

use greenhour_app::{AppAction, Genesis};
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Denom, Hash};
use greenhour_staking::{GenesisValidator, SignedVote, StakingAction, StakingParams, Vote, VoteKind};
use greenhour_testkit::TestNode;
use proptest::prelude::*;

const GHR: u128 = 1_000_000;
const VALIDATORS: [&str; 4] = ["alice", "bob", "carol", "dave"];

fn genesis() -> Genesis {
    let mut g = greenhour_testkit::demo_genesis("gh-staking");
    g.staking.params = StakingParams {
        epoch_blocks: 4,
        unbonding_secs: 3_600,
        min_self_bond: 1_000 * GHR,
        ..StakingParams::default()
    };
    g.staking.validators = VALIDATORS
        .iter()
        .enumerate()
        .map(|(i, n)| GenesisValidator {
            operator: TestNode::addr(n),
            consensus_key: SecretKey::from_name(&format!("{n}-consensus")).public_key(),
            moniker: n.to_string(),
            commission_bps: 500,
            self_bond: (1_000 + 3_000 * i as u128) * GHR,
        })
        .collect();
    g
}

fn double_sign(name: &str, height: u64) -> StakingAction {
    let key = SecretKey::from_name(&format!("{name}-consensus"));
    let vote = |b: &[u8]| {
        let v = Vote {
            chain_id: greenhour_primitives::ChainId::new("gh-staking").unwrap(),
            height,
            round: 0,
            kind: VoteKind::Prevote,
            block: Some(Hash::digest(b)),
            validator_key: key.public_key(),
        };
        let signature = v.sign(&key);
        Box::new(SignedVote { vote: v, signature })
    };
    StakingAction::ReportDoubleSign { first: vote(b"a"), second: vote(b"b") }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn supply_moves_only_by_slashes_and_sets_change_only_as_announced(
        ops in proptest::collection::vec((0u8..4, 0usize..4, 0usize..4, 1u128..5_000), 1..30)
    ) {
        let mut node = TestNode::with_genesis(&genesis());
        let mut supply = node.supply(&Denom::ghr());
        let mut announced = node.produce_block(vec![]).block.header.next_validators_hash;
        for (kind, who, validator, amount) in ops {
            let action = match kind {
                0 => StakingAction::Delegate { validator: TestNode::addr(VALIDATORS[validator]), amount: amount * GHR },
                1 => StakingAction::Undelegate { validator: TestNode::addr(VALIDATORS[validator]), amount: amount * GHR / 4 },
                2 => double_sign(VALIDATORS[validator], node.app.height().unwrap().max(1)),
                _ => StakingAction::Unjail,
            };
            let tx = node.tx(&TestNode::key(VALIDATORS[who]), vec![AppAction::Staking(action)]);
            // Ten minutes a step: unbondings (an hour, governance's floor) complete within the run.
            node.advance(600);
            let outcome = node.produce_block(vec![tx]);
            let header = &outcome.block.header;
            prop_assert_eq!(header.validators_hash, announced, "signed by the announced set");
            announced = header.next_validators_hash;
            let burned: u128 = outcome
                .block_events
                .iter()
                .chain(outcome.outcomes.iter().filter_map(|o| o.result.as_ref().ok()).flat_map(|r| r.events.iter()))
                .filter_map(|e| match greenhour_staking::StakingEvent::decode(e) {
                    Some(greenhour_staking::StakingEvent::Slashed { burned, .. }) => Some(burned),
                    _ => None,
                })
                .sum();
            let now = node.supply(&Denom::ghr());
            prop_assert_eq!(now + burned, supply, "only slashes burn ughr (no inflation configured)");
            supply = now;
        }
    }
}
