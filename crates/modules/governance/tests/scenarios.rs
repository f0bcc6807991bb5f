//! Governance scenarios through the whole app (invariants checked after every
//! block): proposals from deposit to execution, the tally with validator
//! inheritance and delegator overrides, vetoes, quorum failures, expedited
//! proposals, failed executions, guardian pauses and upgrades, and every refusal
//! leaving state unchanged.

use greenhour_app::modules::AppRouter;
use greenhour_app::{AppAction, AppError};
use greenhour_framework::ErrorInfo;
use greenhour_governance::query::ProposalView;
use greenhour_governance::{GovernanceAction, ProposalMessage, ProposalStatus, VoteOption, WeightedOption};
use greenhour_primitives::{Coin, Denom};
use greenhour_staking::StakingAction;
use greenhour_testkit::TestNode;

mod common;
use common::*;

fn run(node: &mut TestNode, who: &str, a: GovernanceAction) -> Result<greenhour_app::TxRecord, ErrorInfo> {
    let tx = node.tx(&TestNode::key(who), vec![gov(a)]);
    node.deliver(tx)
}

fn submit(node: &mut TestNode, who: &str, messages: Vec<ProposalMessage>, deposit: u128, expedited: bool) -> u64 {
    let record = run(
        node,
        who,
        GovernanceAction::Submit { title: "a change".into(), summary: String::new(), messages, deposit, expedited },
    )
    .expect("submitted");
    record
        .events
        .iter()
        .find_map(|e| match greenhour_governance::GovernanceEvent::decode(e) {
            Some(greenhour_governance::GovernanceEvent::Submitted { proposal, .. }) => Some(proposal),
            _ => None,
        })
        .expect("a submitted event")
}

fn vote(node: &mut TestNode, who: &str, id: u64, option: VoteOption) {
    run(node, who, GovernanceAction::vote(id, option)).expect("voted");
}

fn view(node: &TestNode, id: u64) -> ProposalView {
    greenhour_governance::query::proposal(&node.app.snapshot().unwrap(), id).expect("proposal")
}

fn status(node: &TestNode, id: u64) -> ProposalStatus {
    view(node, id).proposal.status
}

/// Produces blocks until the chain time has moved `seconds` on.
fn wait(node: &mut TestNode, seconds: u64) {
    node.advance(seconds);
    node.produce_block(vec![]);
}

fn set_min_debt(value: u128) -> ProposalMessage {
    ProposalMessage::SetParam { module: "stable".into(), name: "min_debt".into(), value }
}

fn min_debt(node: &TestNode) -> u128 {
    greenhour_stable::state::params(&node.app.snapshot().unwrap()).unwrap().min_debt
}

fn code(e: &ErrorInfo) -> (&str, u32) {
    (e.module.as_str(), e.code)
}

#[test]
fn app_can_change_a_parameter_by_vote_after_the_timelock() {
    let mut node = TestNode::with_genesis(&genesis());
    let alice0 = node.balance(&TestNode::addr("alice"), &Denom::ghr());
    let id = submit(&mut node, "alice", vec![set_min_debt(200_000_000)], 1_000 * GHR, false);
    assert_eq!(status(&node, id), ProposalStatus::VotingPeriod, "the minimum deposit opens the vote at once");
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::Yes);
    let so_far = view(&node, id).current_tally.expect("a live count");
    assert_eq!((so_far.yes, so_far.bonded), (20_000 * GHR, 40_000 * GHR), "two validators of four");
    wait(&mut node, VOTING);
    assert_eq!(status(&node, id), ProposalStatus::Passed);
    assert_eq!(min_debt(&node), 100_000_000, "nothing changes during the timelock");
    wait(&mut node, TIMELOCK);
    assert_eq!(status(&node, id), ProposalStatus::Executed);
    assert_eq!(min_debt(&node), 200_000_000);
    let fees = 2 * node.app.params().min_fee; // her submission and her vote
    assert_eq!(node.balance(&TestNode::addr("alice"), &Denom::ghr()), alice0 - fees, "the deposit came back");
}

#[test]
fn rejects_changes_outside_the_declared_bounds_when_submitted() {
    let mut node = TestNode::with_genesis(&genesis());
    let alice = TestNode::key("alice");
    let cases = [
        (set_min_debt(1), "below stable's declared minimum"),
        (ProposalMessage::SetParam { module: "stable".into(), name: "collaterals".into(), value: 1 }, "not governed"),
        (ProposalMessage::SetParam { module: "weather".into(), name: "x".into(), value: 1 }, "no such module"),
        (
            ProposalMessage::SetParam { module: "governance".into(), name: "quorum_bps".into(), value: 10_001 },
            "a quorum above 100 %",
        ),
    ];
    for (message, why) in cases {
        let submit = GovernanceAction::Submit {
            title: "bad".into(),
            summary: String::new(),
            messages: vec![message],
            deposit: 1_000 * GHR,
            expedited: false,
        };
        let e = node.expect_rejected(&alice, vec![gov(submit)]);
        assert_eq!(code(&e), ("governance", 4), "{why}: {e}");
    }
    let e = node.expect_rejected(
        &alice,
        vec![gov(GovernanceAction::Submit {
            title: "cheap".into(),
            summary: String::new(),
            messages: vec![],
            deposit: 100 * GHR,
            expedited: false,
        })],
    );
    assert_eq!(code(&e), ("governance", 6), "a quarter of the minimum deposit is due at submission: {e}");
    let e = node.expect_rejected(
        &alice,
        vec![gov(GovernanceAction::Vote {
            proposal: 1,
            options: vec![
                WeightedOption { option: VoteOption::Yes, weight_bps: 6_000 },
                WeightedOption { option: VoteOption::No, weight_bps: 3_000 },
            ],
        })],
    );
    assert_eq!(code(&e), ("governance", 8), "weights must add up to 100 %: {e}");
    let e = node.expect_rejected(&alice, vec![gov(GovernanceAction::vote(9, VoteOption::Yes))]);
    assert_eq!(code(&e), ("governance", 1), "no proposal 9: {e}");
}

#[test]
fn app_can_let_a_delegator_override_its_validators_vote() {
    let mut node = TestNode::with_genesis(&genesis());
    // Bob also delegates 20,000 GHR to alice.
    let tx = node.tx(
        &TestNode::key("bob"),
        vec![AppAction::Staking(StakingAction::Delegate { validator: TestNode::addr("alice"), amount: 20_000 * GHR })],
    );
    node.deliver(tx).expect("delegated");
    let id = submit(&mut node, "carol", vec![], 1_000 * GHR, false);
    vote(&mut node, "alice", id, VoteOption::Yes);
    let t = view(&node, id).current_tally.unwrap();
    assert_eq!(t.yes, 30_000 * GHR, "alice's vote carries bob's delegation while bob is silent");
    vote(&mut node, "bob", id, VoteOption::No);
    let t = view(&node, id).current_tally.unwrap();
    assert_eq!((t.yes, t.no), (10_000 * GHR, 30_000 * GHR), "bob's vote takes his delegation out of alice's");
    assert_eq!(t.bonded, 60_000 * GHR);
    // A split vote divides the voter's power.
    run(
        &mut node,
        "bob",
        GovernanceAction::Vote {
            proposal: id,
            options: vec![
                WeightedOption { option: VoteOption::Yes, weight_bps: 5_000 },
                WeightedOption { option: VoteOption::Abstain, weight_bps: 5_000 },
            ],
        },
    )
    .unwrap();
    let t = view(&node, id).current_tally.unwrap();
    assert_eq!((t.yes, t.no, t.abstain), (25_000 * GHR, 0, 15_000 * GHR), "voting again replaces the vote");
}

#[test]
fn app_can_veto_a_proposal_and_burn_its_deposit() {
    let mut node = TestNode::with_genesis(&genesis());
    let supply0 = node.supply(&Denom::ghr());
    let id = submit(&mut node, "alice", vec![set_min_debt(300_000_000)], 1_000 * GHR, false);
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::NoWithVeto);
    vote(&mut node, "carol", id, VoteOption::NoWithVeto);
    wait(&mut node, VOTING);
    assert_eq!(status(&node, id), ProposalStatus::Vetoed);
    assert_eq!(supply0 - node.supply(&Denom::ghr()), 1_000 * GHR, "the deposit was burned");
    wait(&mut node, TIMELOCK);
    assert_eq!(min_debt(&node), 100_000_000, "a vetoed proposal never executes");
}

#[test]
fn app_can_reject_without_quorum_and_drop_an_unfunded_proposal() {
    let mut node = TestNode::with_genesis(&genesis());
    let id = submit(&mut node, "alice", vec![set_min_debt(300_000_000)], 1_000 * GHR, false);
    vote(&mut node, "alice", id, VoteOption::Yes);
    wait(&mut node, VOTING);
    let p = view(&node, id).proposal;
    assert_eq!(p.status, ProposalStatus::Rejected, "25 % turnout is below the 33.4 % quorum");
    assert_eq!(p.final_tally.unwrap().yes, 10_000 * GHR);

    let bob0 = node.balance(&TestNode::addr("bob"), &Denom::ghr());
    let fee = node.app.params().min_fee;
    let id = submit(&mut node, "bob", vec![], 300 * GHR, false);
    assert_eq!(status(&node, id), ProposalStatus::DepositPeriod);
    run(&mut node, "dave", GovernanceAction::Deposit { proposal: id, amount: 100 * GHR }).unwrap();
    wait(&mut node, 86_400);
    assert_eq!(status(&node, id), ProposalStatus::Dropped);
    assert_eq!(
        node.balance(&TestNode::addr("bob"), &Denom::ghr()),
        bob0 - fee,
        "an unfunded proposal's deposits return"
    );
    let e = node
        .expect_rejected(&TestNode::key("dave"), vec![gov(GovernanceAction::Deposit { proposal: id, amount: GHR })]);
    assert_eq!(code(&e), ("governance", 7), "its deposit period is over: {e}");
}

#[test]
fn app_can_continue_an_expedited_proposal_that_misses_its_threshold() {
    let mut node = TestNode::with_genesis(&genesis());
    let id = submit(&mut node, "alice", vec![set_min_debt(150_000_000)], 5_000 * GHR, true);
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::Yes);
    vote(&mut node, "carol", id, VoteOption::No);
    wait(&mut node, 600);
    let p = view(&node, id).proposal;
    assert_eq!(p.status, ProposalStatus::VotingPeriod, "66.7 % yes is not more than 66.7 %: it goes on");
    assert!(!p.expedited);
    wait(&mut node, VOTING);
    assert_eq!(status(&node, id), ProposalStatus::Passed, "and passes on the regular threshold");
    wait(&mut node, TIMELOCK);
    assert_eq!(min_debt(&node), 150_000_000);
}

#[test]
fn app_can_record_a_failed_execution_that_changes_nothing() {
    let mut node = TestNode::with_genesis(&genesis());
    let bob0 = node.balance(&TestNode::addr("bob"), &Denom::ghr());
    let spend = ProposalMessage::CommunitySpend { to: TestNode::addr("bob"), coins: vec![Coin::ghr(600 * GHR)] };
    // Each fits the pool's 1,000 GHR when submitted; together they do not.
    let first = submit(&mut node, "alice", vec![spend.clone()], 1_000 * GHR, false);
    let second = submit(&mut node, "alice", vec![set_min_debt(400_000_000), spend], 1_000 * GHR, false);
    for id in [first, second] {
        vote(&mut node, "alice", id, VoteOption::Yes);
        vote(&mut node, "dave", id, VoteOption::Yes);
    }
    wait(&mut node, VOTING);
    wait(&mut node, TIMELOCK);
    assert_eq!(status(&node, first), ProposalStatus::Executed);
    assert_eq!(node.balance(&TestNode::addr("bob"), &Denom::ghr()), bob0 + 600 * GHR);
    assert_eq!(node.balance(&greenhour_governance::community_pool(), &Denom::ghr()), 400 * GHR);
    let p = view(&node, second).proposal;
    assert_eq!(p.status, ProposalStatus::Failed);
    assert!(p.failure.as_deref().unwrap_or_default().contains("bank"), "{:?}", p.failure);
    assert_eq!(min_debt(&node), 100_000_000, "the first message's change was undone with the rest");
    assert_eq!(node.balance(&TestNode::addr("bob"), &Denom::ghr()), bob0 + 600 * GHR, "and the spend never paid");

    let e = node.expect_rejected(
        &TestNode::key("alice"),
        vec![gov(GovernanceAction::Submit {
            title: "too much".into(),
            summary: String::new(),
            messages: vec![ProposalMessage::CommunitySpend {
                to: TestNode::addr("bob"),
                coins: vec![Coin::ghr(401 * GHR)],
            }],
            deposit: 1_000 * GHR,
            expedited: false,
        })],
    );
    assert_eq!(code(&e), ("governance", 17), "a spend above the pool is refused at submission: {e}");
}

#[test]
fn app_can_let_a_guardian_pause_a_module_until_the_pause_ends() {
    let mut node = TestNode::with_genesis(&genesis());
    let delegate =
        || AppAction::Staking(StakingAction::Delegate { validator: TestNode::addr("alice"), amount: 100 * GHR });
    let until = node.now() + 3_600;
    let pause =
        |module: &str| GovernanceAction::GuardianPause { module: module.into(), until, reason: "an exploit".into() };
    let e = node.expect_rejected(&TestNode::key("alice"), vec![gov(pause("staking"))]);
    assert_eq!(code(&e), ("governance", 9), "alice is no guardian: {e}");
    let e = node.expect_rejected(&TestNode::key("carol"), vec![gov(pause("governance"))]);
    assert_eq!(code(&e), ("governance", 3), "governance itself cannot be paused: {e}");
    let too_long = GovernanceAction::GuardianPause {
        module: "staking".into(),
        until: node.now() + 8 * 86_400,
        reason: String::new(),
    };
    let e = node.expect_rejected(&TestNode::key("carol"), vec![gov(too_long)]);
    assert_eq!(code(&e), ("governance", 10), "at most seven days: {e}");
    run(&mut node, "carol", pause("staking")).expect("paused");
    let e = node.expect_rejected(&TestNode::key("bob"), vec![delegate()]);
    assert_eq!(code(&e), ("governance", 12), "staking's actions are refused: {e}");
    let send = node.send("alice", &TestNode::addr("bob"), Coin::ghr(GHR));
    node.deliver(send).expect("other modules go on");
    wait(&mut node, 3_600);
    let tx = node.tx(&TestNode::key("bob"), vec![delegate()]);
    node.deliver(tx).expect("the pause ended");
    let carol = TestNode::key("carol");
    let e = node.expect_rejected(&carol, vec![gov(GovernanceAction::GuardianUnpause { module: "market".into() })]);
    assert_eq!(code(&e), ("governance", 20), "nothing to lift: {e}");

    // What a vote imposed, a guardian can neither shorten nor lift.
    let until = node.now() + 10 * 86_400;
    let id = submit(
        &mut node,
        "alice",
        vec![ProposalMessage::Pause { module: "staking".into(), until, reason: "by vote".into() }],
        1_000 * GHR,
        false,
    );
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::Yes);
    wait(&mut node, VOTING);
    wait(&mut node, TIMELOCK);
    assert_eq!(status(&node, id), ProposalStatus::Executed);
    let e = node.expect_rejected(&carol, vec![gov(GovernanceAction::GuardianUnpause { module: "staking".into() })]);
    assert_eq!(code(&e), ("governance", 20), "a proposal's pause: {e}");
    let shorter =
        GovernanceAction::GuardianPause { module: "staking".into(), until: node.now() + 3_600, reason: String::new() };
    let e = node.expect_rejected(&carol, vec![gov(shorter)]);
    assert_eq!(code(&e), ("governance", 20), "a guardian never shortens a pause: {e}");
    let e = node.expect_rejected(&TestNode::key("bob"), vec![delegate()]);
    assert_eq!(code(&e), ("governance", 12), "still paused: {e}");
}

#[test]
fn app_can_schedule_an_upgrade_that_stops_every_node_at_its_height() {
    let mut node = TestNode::with_genesis(&genesis());
    let height = node.app.latest_header().unwrap().height + 8;
    let upgrade = ProposalMessage::SoftwareUpgrade { name: "v2".into(), height, info: "greenhour 0.2".into() };
    let id = submit(&mut node, "alice", vec![upgrade], 1_000 * GHR, false);
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::Yes);
    wait(&mut node, VOTING);
    wait(&mut node, TIMELOCK);
    assert_eq!(status(&node, id), ProposalStatus::Executed);
    while node.app.latest_header().unwrap().height + 1 < height {
        node.produce_block(vec![]);
    }
    let refused = node.app.build_block(node.now() + 5, vec![]);
    match refused {
        Err(AppError::UpgradeNeeded { name, height: at, .. }) => assert_eq!((name.as_str(), at), ("v2", height)),
        other => panic!("expected the upgrade halt, got {other:?}"),
    }
    let e = AppError::UpgradeNeeded { name: "v2".into(), height, info: "greenhour 0.2".into() };
    assert!(e.to_string().contains("UPGRADE \"v2\" NEEDED"), "{e}");
}

#[test]
fn rejects_an_upgrade_in_the_past_and_votes_outside_the_voting_period() {
    let mut node = TestNode::with_genesis(&genesis());
    let past = ProposalMessage::SoftwareUpgrade { name: "v0".into(), height: 1, info: String::new() };
    let e = node.expect_rejected(
        &TestNode::key("alice"),
        vec![gov(GovernanceAction::Submit {
            title: "late".into(),
            summary: String::new(),
            messages: vec![past],
            deposit: 1_000 * GHR,
            expedited: false,
        })],
    );
    assert_eq!(code(&e), ("governance", 11), "{e}");
    let id = submit(&mut node, "alice", vec![], 1_000 * GHR, false);
    wait(&mut node, VOTING);
    let e = node.expect_rejected(&TestNode::key("bob"), vec![gov(GovernanceAction::vote(id, VoteOption::Yes))]);
    assert_eq!(code(&e), ("governance", 7), "{e}");
}

#[test]
fn every_module_declares_bounds_its_defaults_respect() {
    use greenhour_framework::params::ParamRouter;
    let g = genesis();
    let node = TestNode::with_genesis(&g);
    let snap = node.app.snapshot().unwrap();
    let mut governed = 0;
    for module in AppRouter::modules() {
        for bound in AppRouter::bounds(module).unwrap() {
            assert!(bound.min <= bound.max, "{module}.{}", bound.name);
            assert!(!bound.doc.trim().is_empty(), "{module}.{} needs a doc", bound.name);
            governed += 1;
        }
    }
    assert!(governed >= 40, "{governed} governed parameters");
    // Every default is inside its declared bounds, and can be set back.
    let mut state = greenhour_state::BlockOverlay::new(snap);
    for module in AppRouter::modules() {
        for bound in AppRouter::bounds(module).unwrap() {
            // One end of the range or the other is consistent with the other defaults.
            let current = AppRouter::set(&mut state, module, bound.name, bound.min)
                .or_else(|_| AppRouter::set(&mut state, module, bound.name, bound.max))
                .unwrap_or_else(|e| panic!("{module}.{} at either bound: {e}", bound.name));
            assert!(
                (bound.min..=bound.max).contains(&current),
                "{module}.{} default {current} is outside {}..={}",
                bound.name,
                bound.min,
                bound.max
            );
            AppRouter::set(&mut state, module, bound.name, current).unwrap();
        }
    }
}

#[test]
fn app_can_raise_gusd_by_a_dutch_sale_of_community_ghr() {
    let mut node = TestNode::with_genesis(&genesis());
    let pool = greenhour_governance::community_pool();
    let raise = ProposalMessage::Raise {
        purpose: "a GPU testbed".into(),
        ghr: 500 * GHR,
        start_price: 2_000_000,
        end_price: 1_000_000,
        duration_secs: 10_000,
    };
    let id = submit(&mut node, "alice", vec![raise], 1_000 * GHR, false);
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::Yes);
    wait(&mut node, VOTING);
    wait(&mut node, TIMELOCK);
    assert_eq!(status(&node, id), ProposalStatus::Executed);
    assert_eq!(node.balance(&pool, &Denom::ghr()), 500 * GHR, "500 GHR moved to the sale");
    let sale = greenhour_governance::state::raise(&node.app.snapshot().unwrap(), 1).unwrap();
    // Half-way through, the price has fallen from 2 to 1.5 gUSD.
    node.advance(sale.ends - sale.starts - 5_000 - 5);
    node.produce_block(vec![]); // crossing epochs writes beacons: not the refusals' doing
    let carol = TestNode::key("carol");
    let buy = |ghr, max_price| gov(GovernanceAction::BuyRaise { raise: 1, ghr, max_price });
    let e = node.expect_rejected(&carol, vec![buy(100 * GHR, 1_400_000)]);
    assert_eq!(code(&e), ("governance", 19), "the price is above her limit: {e}");
    let gusd0 = node.balance(&TestNode::addr("carol"), &Denom::gusd());
    let tx = node.tx(&carol, vec![buy(100 * GHR, 1_500_000)]);
    node.deliver(tx).expect("bought");
    let paid = gusd0 - node.balance(&TestNode::addr("carol"), &Denom::gusd());
    assert!((149_000_000..=150_000_000).contains(&paid), "about 1.5 gUSD per GHR: {paid}");
    assert_eq!(node.balance(&pool, &Denom::gusd()), paid, "the gUSD went to the community pool");
    let e = node.expect_rejected(&carol, vec![buy(401 * GHR, 2_000_000)]);
    assert_eq!(code(&e), ("governance", 19), "only 400 GHR are left: {e}");
    wait(&mut node, 10_000);
    node.produce_block(vec![]);
    let e = node.expect_rejected(&carol, vec![buy(GHR, 2_000_000)]);
    assert_eq!(code(&e), ("governance", 19), "the sale ended: {e}");
    assert_eq!(node.balance(&pool, &Denom::ghr()), 900 * GHR, "the unsold 400 GHR came back");
    let sale = greenhour_governance::state::raise(&node.app.snapshot().unwrap(), 1).unwrap();
    assert_eq!((sale.sold, sale.raised, sale.open), (100 * GHR, paid, false));
}

#[test]
fn app_can_replace_an_oracle_feeds_reporters_by_vote() {
    let mut node = TestNode::with_genesis(&genesis());
    let report = |round, value| {
        AppAction::Oracle(greenhour_oracle::OracleAction::Submit { feed: "carbon.de".into(), round, value })
    };
    // alice reports to the open round; the change discards it with the old set.
    node.deliver(node.tx(&TestNode::key("alice"), vec![report(0, 400)])).expect("alice reports");
    let set = |feed: &str| ProposalMessage::SetReporters {
        feed: feed.into(),
        reporters: vec![TestNode::addr("carol"), TestNode::addr("dave")],
        quorum: 1,
    };
    let refused = |message| {
        gov(GovernanceAction::Submit {
            title: "reporters".into(),
            summary: String::new(),
            messages: vec![message],
            deposit: 1_000 * GHR,
            expedited: false,
        })
    };
    let e = node.expect_rejected(&TestNode::key("alice"), vec![refused(set("price.xx"))]);
    assert_eq!(code(&e), ("governance", 3), "no such feed: {e}");
    let twice = ProposalMessage::SetReporters {
        feed: "carbon.de".into(),
        reporters: vec![TestNode::addr("carol"), TestNode::addr("carol")],
        quorum: 1,
    };
    let e = node.expect_rejected(&TestNode::key("alice"), vec![refused(twice)]);
    assert_eq!(code(&e), ("governance", 3), "a reporter twice: {e}");
    let id = submit(&mut node, "alice", vec![set("carbon.de")], 1_000 * GHR, false);
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::Yes);
    wait(&mut node, VOTING);
    wait(&mut node, TIMELOCK);
    assert_eq!(status(&node, id), ProposalStatus::Executed);
    let e = node.expect_rejected(&TestNode::key("bob"), vec![report(0, 410)]);
    assert_eq!(code(&e), ("oracle", 2), "bob is no longer a reporter: {e}");
    node.deliver(node.tx(&TestNode::key("carol"), vec![report(0, 380)])).expect("carol reports");
    let value = greenhour_oracle::state::latest(&node.app.snapshot().unwrap(), "carbon.de").unwrap().unwrap();
    assert_eq!(value.value, 380, "carol alone closes the round: alice's old report was discarded");
}

#[test]
fn app_can_replace_the_rwa_claim_issuers_by_vote() {
    let mut g = genesis();
    g.rwa.params.claim_issuers = vec![TestNode::addr("alice")];
    let mut node = TestNode::with_genesis(&g);
    let claim = |subject: &str| {
        AppAction::Rwa(greenhour_rwa::RwaAction::Claim {
            subject: TestNode::addr(subject),
            jurisdiction: "SG".into(),
            accredited: false,
            expires_at: greenhour_testkit::TEST_GENESIS_TIME + 86_400,
        })
    };
    node.deliver(node.tx(&TestNode::key("alice"), vec![claim("dave")])).expect("alice is a KYC provider");
    let e = node.expect_rejected(&TestNode::key("bob"), vec![claim("carol")]);
    assert_eq!(code(&e), ("rwa", 4), "bob is not, yet: {e}");
    let twice = ProposalMessage::SetClaimIssuers { issuers: vec![TestNode::addr("bob"), TestNode::addr("bob")] };
    let e = node.expect_rejected(
        &TestNode::key("alice"),
        vec![gov(GovernanceAction::Submit {
            title: "kyc".into(),
            summary: String::new(),
            messages: vec![twice],
            deposit: 1_000 * GHR,
            expedited: false,
        })],
    );
    assert_eq!(code(&e), ("governance", 3), "an issuer listed twice: {e}");
    let set = ProposalMessage::SetClaimIssuers { issuers: vec![TestNode::addr("bob")] };
    let id = submit(&mut node, "alice", vec![set], 1_000 * GHR, false);
    vote(&mut node, "alice", id, VoteOption::Yes);
    vote(&mut node, "bob", id, VoteOption::Yes);
    wait(&mut node, VOTING);
    wait(&mut node, TIMELOCK);
    assert_eq!(status(&node, id), ProposalStatus::Executed);
    node.deliver(node.tx(&TestNode::key("bob"), vec![claim("carol")])).expect("bob is trusted now");
    let e = node.expect_rejected(&TestNode::key("alice"), vec![claim("carol")]);
    assert_eq!(code(&e), ("rwa", 4), "alice no longer is: {e}");
    let dave =
        greenhour_rwa::query::identity(&node.app.snapshot().unwrap(), &TestNode::addr("dave"), node.now()).unwrap();
    assert!(dave.identity.is_some() && !dave.verified, "alice's claim stays but no longer verifies: {dave:?}");
}

/// The article's governance-approved fund mandate: a governed fund buys only the
/// tranches the last passed proposal listed for it. A proposal naming a tranche
/// the package lacks fails at execution and leaves the list as it was.
#[test]
fn app_can_let_token_holders_choose_what_a_governed_fund_buys() {
    use greenhour_funds::{FundId, FundsAction, FundsEvent, Mandate};
    const GUSD: u128 = 1_000_000;
    let mut g = genesis();
    g.rwa.params.claim_issuers = vec![TestNode::addr("alice")];
    let mut node = TestNode::with_genesis(&g);
    let (package, _) = greenhour_testkit::rwa::package(&mut node, greenhour_rwa::Rules::default());
    let funds = |node: &mut TestNode, who: &str, a: FundsAction| {
        node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Funds(a)]))
    };
    let create = FundsAction::Create {
        name: "Greenhour future fund".into(),
        mandate: Mandate::Governed,
        management_fee_bps: 0,
        performance_fee_bps: 0,
        verified_only: false,
    };
    let record = funds(&mut node, "bob", create).unwrap();
    let fund: FundId = FundsEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            FundsEvent::Created { fund, .. } => Some(fund),
            _ => None,
        })
        .expect("a fund");
    greenhour_testkit::rwa::kyc(&mut node, greenhour_funds::api::custody(fund), "SG");
    funds(&mut node, "carol", FundsAction::Deposit { fund, assets: 10 * GUSD, min_shares: 0 }).unwrap();
    let invest = |tranche| AppAction::Funds(FundsAction::Allocate { fund, package, tranche, invest: GUSD, redeem: 0 });
    let e = node.expect_rejected(&TestNode::key("bob"), vec![invest(0)]);
    assert_eq!(code(&e), ("funds", 6), "nothing is approved yet: {e}");

    let twice = ProposalMessage::SetFundMandate { fund: fund.0, tranches: vec![(package.0, 0), (package.0, 0)] };
    let e = node.expect_rejected(
        &TestNode::key("alice"),
        vec![gov(GovernanceAction::Submit {
            title: "mandate".into(),
            summary: String::new(),
            messages: vec![twice],
            deposit: 1_000 * GHR,
            expedited: false,
        })],
    );
    assert_eq!(code(&e), ("governance", 3), "a tranche listed twice is refused at submission: {e}");

    let pass = |node: &mut TestNode, tranches: Vec<(u64, u32)>| {
        let id =
            submit(node, "alice", vec![ProposalMessage::SetFundMandate { fund: fund.0, tranches }], 1_000 * GHR, false);
        vote(node, "alice", id, VoteOption::Yes);
        vote(node, "bob", id, VoteOption::Yes);
        wait(node, VOTING);
        wait(node, TIMELOCK);
        status(node, id)
    };
    assert_eq!(pass(&mut node, vec![(package.0, 7)]), ProposalStatus::Failed, "the package has two tranches");
    let approved = |node: &TestNode| {
        greenhour_funds::query::fund(&node.app.snapshot().unwrap(), fund, node.now()).unwrap().approved
    };
    assert!(approved(&node).is_empty(), "a failed execution changed nothing");

    assert_eq!(pass(&mut node, vec![(package.0, 0)]), ProposalStatus::Executed);
    assert_eq!(approved(&node), vec![(package, 0)]);
    node.deliver(node.tx(&TestNode::key("bob"), vec![invest(0)])).expect("the senior is approved now");
    let e = node.expect_rejected(&TestNode::key("bob"), vec![invest(1)]);
    assert_eq!(code(&e), ("funds", 6), "the junior is not: {e}");
}
