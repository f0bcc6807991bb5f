//! The tally of one proposal over 100 validators and 100,000 delegators (issue
//! 23's target: ≤ 50 ms). Every validator votes; `overrides` delegators vote
//! themselves. The count reads each active validator, each vote and each
//! voter's own delegations: delegators who do not vote are never read, so the
//! time follows validators + overrides, not the 100,000.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use greenhour_crypto::SecretKey;
use greenhour_governance::state::{Proposal, ProposalStatus, Vote, VoteOption, WeightedOption};
use greenhour_governance::{count, keys};
use greenhour_primitives::Address;
use greenhour_staking::keys as staking_keys;
use greenhour_staking::state::{Validator, ValidatorStatus};
use greenhour_state::{BlockOverlay, StateWrite};
use std::collections::BTreeMap;

const VALIDATORS: u32 = 100;
const DELEGATORS: u32 = 100_000;
const STAKE: u128 = 1_000_000_000;

fn address(kind: u8, i: u32) -> Address {
    let mut a = [kind; 20];
    a[16..].copy_from_slice(&i.to_be_bytes());
    Address(a)
}

fn one(option: VoteOption) -> Vec<WeightedOption> {
    vec![WeightedOption { option, weight_bps: 10_000 }]
}

/// 100 validators; delegator `d` delegates to validator `d % 100`; every
/// validator votes yes and the first `overrides` delegators vote no.
fn state(overrides: u32) -> BlockOverlay<BTreeMap<Vec<u8>, Vec<u8>>> {
    let mut s = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let consensus_key = SecretKey::from_name("bench-consensus").public_key();
    for v in 0..VALIDATORS {
        let operator = address(1, v);
        let delegators = DELEGATORS / VALIDATORS + 1;
        let validator = Validator {
            operator,
            consensus_key,
            moniker: format!("v{v}"),
            commission_bps: 0,
            tokens: STAKE * delegators as u128,
            shares: STAKE * delegators as u128,
            status: ValidatorStatus::Active,
            created_at: 1,
        };
        s.put(&staking_keys::validator(&operator), &validator);
        s.put(&staking_keys::delegation(&operator, &operator), &STAKE);
        s.put(&staking_keys::delegated_to(&operator, &operator), &());
        s.put(&keys::vote(1, &operator), &Vote { voter: operator, options: one(VoteOption::Yes) });
    }
    for d in 0..DELEGATORS {
        let (delegator, validator) = (address(2, d), address(1, d % VALIDATORS));
        s.put(&staking_keys::delegation(&validator, &delegator), &STAKE);
        s.put(&staking_keys::delegated_to(&delegator, &validator), &());
        if d < overrides {
            s.put(&keys::vote(1, &delegator), &Vote { voter: delegator, options: one(VoteOption::No) });
        }
    }
    let proposal = Proposal {
        id: 1,
        proposer: address(1, 0),
        title: "bench".into(),
        summary: String::new(),
        messages: vec![],
        expedited: false,
        status: ProposalStatus::VotingPeriod,
        submit_time: 0,
        deposit_end: 0,
        total_deposit: 0,
        voting_start: Some(0),
        voting_end: Some(1),
        final_tally: None,
        execute_at: None,
        failure: None,
    };
    s.put(&keys::proposal(1), &proposal);
    s
}

fn tally(c: &mut Criterion) {
    let mut group = c.benchmark_group("tally_100k_delegators");
    group.sample_size(20);
    for overrides in [0u32, 1_000, 10_000] {
        let s = state(overrides);
        let t = count(&s, 1).unwrap();
        // Every bonded unit votes: validators yes, overriding delegators no.
        assert_eq!(t.voted(), t.bonded);
        assert_eq!(t.no, STAKE * overrides as u128);
        group.bench_with_input(BenchmarkId::new("overrides", overrides), &s, |b, s| b.iter(|| count(s, 1).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, tally);
criterion_main!(benches);
