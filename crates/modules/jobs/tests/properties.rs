//! Random honest, lying and silent providers against every verification method:
//! an honest provider is never slashed, a wrong result never settles once it is
//! challenged, and escrow in equals payouts + refunds + slashes + fees (the
//! module invariants, checked after every block, hold throughout).

use greenhour_jobs::{JobStatus, JobsAction, ReplicaOutcome, Verification};
use greenhour_primitives::Denom;
use greenhour_testkit::jobs::*;
use greenhour_testkit::TestNode;
use proptest::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Behaviour {
    Honest,
    /// Submits its own wrong output (liars do not collude).
    Lying,
    Silent,
}

fn behaviour() -> impl Strategy<Value = Behaviour> {
    prop_oneof![Just(Behaviour::Honest), Just(Behaviour::Lying), Just(Behaviour::Silent)]
}

fn method() -> impl Strategy<Value = Verification> {
    prop_oneof![
        Just(Verification::Redundant { k: 3 }),
        Just(Verification::Redundant { k: 2 }),
        Just(Verification::Optimistic { window_secs: 1_200, sample_bps: 0 }),
        Just(Verification::Optimistic { window_secs: 1_200, sample_bps: 10_000 }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn honest_providers_are_never_slashed_and_challenged_lies_never_settle(
        verification in method(),
        behaviours in prop::array::uniform3(behaviour()),
        example in prop_oneof![Just("mandelbrot"), Just("mlp"), Just("sgd")],
        challenge in any::<bool>(),
    ) {
        let Fleet { mut node, .. } = fleet();
        let module = upload(&mut node, example);
        let id = post(&mut node, spec(module, example, verification.clone())).unwrap();
        node.produce_block(vec![]);
        let j = job(&node, id);
        prop_assert_eq!(j.status, JobStatus::Matched);
        at_hour(&mut node, RUN_HOUR, 60);
        let good = correct(example);
        let act = |r: usize| behaviours[OPERATORS.iter().position(|o| *o == operator_of(&j, r)).unwrap()];
        let output = |r: usize| -> Vec<u8> {
            let mut lie = good.clone();
            lie.push(r as u8); // a lie of its own
            if act(r) == Behaviour::Lying { lie } else { good.clone() }
        };
        let fee = node.app.params().min_fee;
        let before: Vec<u128> = OPERATORS.iter().map(|o| node.balance(&TestNode::addr(o), &Denom::ghr())).collect();
        let mut sent = [0u128; 3];
        let index = |r: usize| OPERATORS.iter().position(|o| *o == operator_of(&j, r)).unwrap();
        let redundant = matches!(verification, Verification::Redundant { .. });
        if redundant {
            for r in 0..j.replicas.len() {
                if act(r) != Behaviour::Silent {
                    commit(&mut node, id, r, &output(r)).unwrap();
                    sent[index(r)] += 1;
                }
            }
            // Reveals open once everyone committed or the commit deadline passed.
            if j.replicas.iter().enumerate().any(|(r, _)| act(r) == Behaviour::Silent) {
                at_hour(&mut node, RUN_HOUR + 2, 10);
            }
            for r in 0..j.replicas.len() {
                if act(r) != Behaviour::Silent && !job(&node, id).status.is_final() {
                    reveal(&mut node, id, r, &output(r)).unwrap();
                    sent[index(r)] += 1;
                }
            }
        } else if act(0) != Behaviour::Silent {
            reveal(&mut node, id, 0, &output(0)).unwrap();
            sent[index(0)] += 1;
            if challenge && job(&node, id).status == JobStatus::Verifying {
                node.deliver(node.tx(&TestNode::key("dave"), jobs(JobsAction::Challenge { job: id }))).unwrap();
            }
        }
        at_hour(&mut node, RUN_HOUR + 4, 10);
        let j = job(&node, id);
        prop_assert!(j.status.is_final(), "{:?}", j.status);
        for (r, replica) in j.replicas.iter().enumerate() {
            let i = index(r);
            let now = node.balance(&TestNode::addr(OPERATORS[i]), &Denom::ghr());
            if act(r) == Behaviour::Honest {
                prop_assert_ne!(replica.outcome, ReplicaOutcome::Wrong, "an honest provider judged wrong");
                prop_assert!(now + sent[i] * fee >= before[i], "an honest provider lost money");
            }
            if act(r) == Behaviour::Lying && replica.outcome == ReplicaOutcome::Correct {
                prop_assert!(!redundant && !j.audited && !challenge, "a lie settled though it was checked");
            }
        }
        if !redundant && act(0) == Behaviour::Lying && (challenge || j.audited) {
            prop_assert_eq!(j.status, JobStatus::Failed);
        }
        // A settled result that anyone re-checked is the correct output.
        if j.status == JobStatus::Settled && (redundant || j.audited || challenge) {
            prop_assert_eq!(j.result, Some(greenhour_jobs::math::output_hash(&good)));
        }
        let l = &j.ledger;
        prop_assert_eq!(l.ghr_in, l.paid + l.fees + l.refunded + l.bonds_returned + l.slashed + l.rewards);
    }
}
