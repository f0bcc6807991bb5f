//! The tally, as a pure function of the validators' stakes and the ballots
//! (Cosmos x/gov's algorithm): a delegator who votes counts with its own
//! delegations and takes them out of its validators' votes; a validator's vote
//! counts for whatever of its stake is left. Work is O(validators + Σ voters'
//! delegations): delegators who do not vote are never read.

use crate::state::{Tally, VoteOption, WeightedOption};
use ethnum::U256;
use greenhour_primitives::Address;
use std::collections::BTreeMap;

pub const BPS: u128 = 10_000;

/// A validator's bonded tokens and the delegation shares that own them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorStake {
    pub operator: Address,
    pub tokens: u128,
    pub shares: u128,
}

/// A vote with the voter's delegations `(validator, shares)` at counting time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ballot {
    pub voter: Address,
    pub options: Vec<WeightedOption>,
    pub delegations: Vec<(Address, u128)>,
}

/// `a × b / c`, rounded down, without overflow (0 when `c` is 0).
pub fn mul_div(a: u128, b: u128, c: u128) -> u128 {
    if c == 0 {
        return 0;
    }
    let q = U256::from(a) * U256::from(b) / U256::from(c);
    q.try_into().unwrap_or(u128::MAX)
}

/// `a × b / c`, rounded up, without overflow (0 when `c` is 0).
pub fn mul_div_up(a: u128, b: u128, c: u128) -> u128 {
    if c == 0 {
        return 0;
    }
    let p = U256::from(a) * U256::from(b);
    let c = U256::from(c);
    let q = p / c + if p % c == U256::ZERO { U256::ZERO } else { U256::ONE };
    q.try_into().unwrap_or(u128::MAX)
}

fn add(t: &mut Tally, options: &[WeightedOption], power: u128) {
    for o in options {
        let part = power * o.weight_bps as u128 / BPS;
        let slot = match o.option {
            VoteOption::Yes => &mut t.yes,
            VoteOption::Abstain => &mut t.abstain,
            VoteOption::No => &mut t.no,
            VoteOption::NoWithVeto => &mut t.no_with_veto,
        };
        *slot = slot.saturating_add(part);
    }
}

/// Counts the ballots against the validators' stakes. Delegations to validators
/// not in `validators` (inactive, jailed) carry no power.
pub fn tally(validators: &[ValidatorStake], ballots: &[Ballot]) -> Tally {
    struct Counted<'a> {
        stake: &'a ValidatorStake,
        deducted: u128,
        vote: Option<&'a [WeightedOption]>,
    }
    let mut by_operator: BTreeMap<Address, Counted> =
        validators.iter().map(|v| (v.operator, Counted { stake: v, deducted: 0, vote: None })).collect();
    let mut t =
        Tally { bonded: validators.iter().map(|v| v.tokens).fold(0u128, u128::saturating_add), ..Default::default() };
    for ballot in ballots {
        if let Some(c) = by_operator.get_mut(&ballot.voter) {
            c.vote = Some(&ballot.options);
        }
        for (validator, shares) in &ballot.delegations {
            let Some(c) = by_operator.get_mut(validator) else { continue };
            let shares = (*shares).min(c.stake.shares - c.deducted);
            c.deducted += shares;
            add(&mut t, &ballot.options, mul_div(shares, c.stake.tokens, c.stake.shares));
        }
    }
    for c in by_operator.values() {
        if let Some(options) = c.vote {
            add(&mut t, options, mul_div(c.stake.shares - c.deducted, c.stake.tokens, c.stake.shares));
        }
    }
    t
}

/// How a closed vote ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Passed,
    /// No quorum, everyone abstained, or not more yes than the threshold.
    Rejected,
    /// More no-with-veto than the veto threshold: the deposits burn.
    Vetoed,
}

/// Cosmos x/gov v1's rules: quorum over bonded stake (abstain counts); veto over
/// all votes; the threshold over the votes that did not abstain. Quorum failure
/// is checked first, so a veto without quorum burns nothing.
pub fn outcome(t: &Tally, quorum_bps: u32, threshold_bps: u32, veto_bps: u32) -> Outcome {
    let voted = t.voted();
    if t.bonded == 0 || U256::from(voted) * U256::from(BPS) < U256::from(t.bonded) * U256::from(quorum_bps as u128) {
        return Outcome::Rejected;
    }
    let decisive = t.yes + t.no + t.no_with_veto;
    if decisive == 0 {
        return Outcome::Rejected;
    }
    if U256::from(t.no_with_veto) * U256::from(BPS) > U256::from(voted) * U256::from(veto_bps as u128) {
        return Outcome::Vetoed;
    }
    if U256::from(t.yes) * U256::from(BPS) > U256::from(decisive) * U256::from(threshold_bps as u128) {
        Outcome::Passed
    } else {
        Outcome::Rejected
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn addr(i: u8) -> Address {
        Address([i; 20])
    }
    fn one(option: VoteOption) -> Vec<WeightedOption> {
        vec![WeightedOption { option, weight_bps: 10_000 }]
    }

    #[test]
    fn a_validator_votes_for_its_delegators_unless_they_override() {
        // Validator 1: 100 tokens in 100 shares, 60 its own and 40 of delegator 9.
        let v = vec![ValidatorStake { operator: addr(1), tokens: 100, shares: 100 }];
        let validator_only =
            vec![Ballot { voter: addr(1), options: one(VoteOption::Yes), delegations: vec![(addr(1), 60)] }];
        let t = tally(&v, &validator_only);
        assert_eq!((t.yes, t.no, t.bonded), (100, 0, 100), "the delegator inherits the validator's yes");
        let mut overridden = validator_only.clone();
        overridden.push(Ballot { voter: addr(9), options: one(VoteOption::No), delegations: vec![(addr(1), 40)] });
        let t = tally(&v, &overridden);
        assert_eq!((t.yes, t.no), (60, 40), "the override moves exactly the delegator's stake");
        let only_delegator = vec![overridden[1].clone()];
        let t = tally(&v, &only_delegator);
        assert_eq!((t.yes, t.no, t.voted()), (0, 40, 40), "a silent validator casts nothing");
    }

    #[test]
    fn the_rules_follow_cosmos() {
        let t = |yes, no, abstain, no_with_veto| Tally { yes, no, abstain, no_with_veto, bonded: 1_000 };
        assert_eq!(outcome(&t(300, 0, 0, 0), 3_340, 5_000, 3_340), Outcome::Rejected, "30 % turnout: no quorum");
        assert_eq!(outcome(&t(334, 0, 0, 0), 3_340, 5_000, 3_340), Outcome::Passed);
        assert_eq!(outcome(&t(0, 0, 500, 0), 3_340, 5_000, 3_340), Outcome::Rejected, "all abstain");
        assert_eq!(outcome(&t(250, 250, 0, 0), 3_340, 5_000, 3_340), Outcome::Rejected, "a tie is not more than half");
        assert_eq!(outcome(&t(250, 50, 100, 200), 3_340, 5_000, 3_340), Outcome::Rejected, "yes 50 % of decisive");
        assert_eq!(outcome(&t(400, 0, 0, 201), 3_340, 5_000, 3_340), Outcome::Vetoed, "veto 33.4 % of all votes");
        assert_eq!(outcome(&t(400, 0, 100, 200), 3_340, 5_000, 3_340), Outcome::Passed, "abstain dilutes the veto");
    }

    proptest! {
        /// Counted power never exceeds bonded stake, however votes and delegations
        /// combine, and each delegation share counts once.
        #[test]
        fn counted_power_never_exceeds_bonded(
            stakes in proptest::collection::vec((1u128..1_000_000, 1u128..1_000_000), 1..6),
            votes in proptest::collection::vec((0u8..8, 0usize..4, proptest::collection::vec((0usize..6, 0u128..2_000_000), 0..4)), 0..12),
        ) {
            let validators: Vec<ValidatorStake> = stakes.iter().enumerate()
                .map(|(i, (tokens, shares))| ValidatorStake { operator: addr(i as u8 + 1), tokens: *tokens, shares: *shares })
                .collect();
            let options = [VoteOption::Yes, VoteOption::No, VoteOption::Abstain, VoteOption::NoWithVeto];
            let mut ballots: Vec<Ballot> = Vec::new();
            for (voter, option, delegations) in votes {
                if ballots.iter().any(|b| b.voter == addr(voter)) { continue; }
                let mut ds: Vec<(Address, u128)> = Vec::new();
                for (v, s) in delegations {
                    let Some(stake) = validators.get(v) else { continue };
                    if ds.iter().any(|d| d.0 == stake.operator) { continue; }
                    ds.push((stake.operator, s.min(stake.shares)));
                }
                ballots.push(Ballot { voter: addr(voter), options: one(options[option]), delegations: ds });
            }
            let t = tally(&validators, &ballots);
            prop_assert!(t.voted() <= t.bonded, "{t:?}");
        }

        /// If every delegator votes as its validator does, the result is the
        /// validators-only result: overrides that agree change nothing.
        #[test]
        fn agreeing_overrides_change_nothing(split in 0u128..=100, yes_first in any::<bool>()) {
            let v = vec![ValidatorStake { operator: addr(1), tokens: 1_000, shares: 100 }];
            let option = if yes_first { VoteOption::Yes } else { VoteOption::No };
            let alone = tally(&v, &[Ballot { voter: addr(1), options: one(option), delegations: vec![(addr(1), 100 - split)] }]);
            let both = tally(&v, &[
                Ballot { voter: addr(1), options: one(option), delegations: vec![(addr(1), 100 - split)] },
                Ballot { voter: addr(2), options: one(option), delegations: vec![(addr(1), split)] },
            ]);
            prop_assert!(alone.voted().abs_diff(both.voted()) <= 2, "{alone:?} vs {both:?}");
            prop_assert_eq!(alone.bonded, both.bonded);
        }
    }
}
