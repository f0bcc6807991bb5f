//! PoGCS through the app: bonding, unbonding, epoch sets in headers, the cap,
//! green work, rewards and double-sign slashing. Every rejection also checks
//! that committed state did not change.

use greenhour_app::{AppAction, Genesis};
use greenhour_crypto::SecretKey;
use greenhour_primitives::{Coin, Denom, Hash};
use greenhour_staking::{
    state, GenesisValidator, SignedVote, StakingAction, StakingParams, ValidatorStatus, Vote, VoteKind,
};
use greenhour_state::{StateRead, StateWrite};
use greenhour_testkit::{TestNode, DEMO_BALANCE};

const GHR: u128 = 1_000_000;

fn staking(a: StakingAction) -> Vec<AppAction> {
    vec![AppAction::Staking(a)]
}

fn code(e: &greenhour_framework::ErrorInfo) -> (&str, u32) {
    (e.module.as_str(), e.code)
}

fn consensus_key(name: &str) -> SecretKey {
    SecretKey::from_name(&format!("{name}-consensus"))
}

/// Demo accounts, epochs of 5 blocks, one hour's unbonding (governance's floor); validators bonded at genesis.
fn genesis(bonds: &[(&str, u128)]) -> Genesis {
    let mut g = greenhour_testkit::demo_genesis("gh-staking");
    g.staking.params = StakingParams {
        epoch_blocks: 5,
        unbonding_secs: 3_600,
        min_self_bond: 1_000 * GHR,
        ..StakingParams::default()
    };
    g.staking.validators = bonds
        .iter()
        .map(|(name, bond)| GenesisValidator {
            operator: TestNode::addr(name),
            consensus_key: consensus_key(name).public_key(),
            moniker: name.to_string(),
            commission_bps: 1_000,
            self_bond: *bond,
        })
        .collect();
    g
}

fn act(
    node: &mut TestNode,
    who: &str,
    a: StakingAction,
) -> Result<greenhour_app::TxRecord, greenhour_framework::ErrorInfo> {
    let tx = node.tx(&TestNode::key(who), staking(a));
    node.deliver(tx)
}

/// Produces empty blocks until the chain's height is a multiple of 5 (an epoch's last block).
fn to_epoch_end(node: &mut TestNode) -> greenhour_app::Block {
    loop {
        let outcome = node.produce_block(vec![]);
        if outcome.block.header.height.is_multiple_of(5) {
            return outcome.block;
        }
    }
}

#[test]
fn app_can_bond_delegate_and_unbond_after_the_period() {
    let mut node = TestNode::with_genesis(&genesis(&[]));
    let alice = TestNode::addr("alice");
    let create = StakingAction::CreateValidator {
        consensus_key: consensus_key("alice").public_key(),
        moniker: "alice".into(),
        commission_bps: 500,
        bond: 2_000 * GHR,
    };
    act(&mut node, "alice", create).unwrap();
    // The validator joins the set at the next epoch boundary.
    let end = to_epoch_end(&mut node);
    let s = node.app.snapshot().unwrap();
    let next = state::next_set(&s).unwrap();
    assert_eq!(next.members.len(), 1);
    assert_eq!(next.members[0].power, 2_000_000, "2,000 GHR in milli-GHR");
    assert_eq!(end.header.next_validators_hash, next.hash());
    assert_ne!(end.header.validators_hash, end.header.next_validators_hash);
    let first = node.produce_block(vec![]).block;
    assert_eq!(first.header.validators_hash, next.hash(), "the new epoch is signed by the fixed set");
    // Bob delegates, then unbonds part: it comes back after the unbonding period.
    act(&mut node, "bob", StakingAction::Delegate { validator: alice, amount: 500 * GHR }).unwrap();
    let s = node.app.snapshot().unwrap();
    assert_eq!(state::validator(&s, &alice).unwrap().tokens, 2_500 * GHR);
    let before = node.balance(&TestNode::addr("bob"), &Denom::ghr());
    act(&mut node, "bob", StakingAction::Undelegate { validator: alice, amount: 200 * GHR }).unwrap();
    let fee = before - node.balance(&TestNode::addr("bob"), &Denom::ghr());
    node.advance(3_580);
    node.produce_block(vec![]);
    assert_eq!(node.balance(&TestNode::addr("bob"), &Denom::ghr()), before - fee, "still unbonding");
    node.advance(30);
    node.produce_block(vec![]);
    // Released (plus any fee rewards an epoch end paid bob as a delegator meanwhile).
    let after = node.balance(&TestNode::addr("bob"), &Denom::ghr());
    assert!(after >= before - fee + 200 * GHR && after < before - fee + 201 * GHR, "released");
}

#[test]
fn app_can_cap_a_dominant_validator_below_a_third_at_the_epoch_boundary() {
    let mut node = TestNode::with_genesis(&genesis(&[
        ("alice", 10_000 * GHR),
        ("bob", 1_000 * GHR),
        ("carol", 1_000 * GHR),
        ("dave", 1_000 * GHR),
    ]));
    let s = node.app.snapshot().unwrap();
    let set = state::current_set(&s).unwrap();
    let total = set.total_power();
    assert_eq!(set.members.len(), 4);
    assert!(set.members.iter().all(|m| 3 * (m.power as u128) < total), "{set:?}");
    assert_eq!(set.members[0].operator, TestNode::addr("alice"));
    // Bob triples his stake: the change takes effect exactly at the boundary.
    act(&mut node, "bob", StakingAction::Delegate { validator: TestNode::addr("bob"), amount: 2_000 * GHR }).unwrap();
    let h = node.app.height().unwrap();
    if !h.is_multiple_of(5) {
        let mid = node.produce_block(vec![]).block;
        if !mid.header.height.is_multiple_of(5) {
            assert_eq!(mid.header.validators_hash, mid.header.next_validators_hash, "no change inside an epoch");
        }
    }
    let end = to_epoch_end(&mut node);
    assert_ne!(end.header.validators_hash, end.header.next_validators_hash, "the new set is announced");
    let s = node.app.snapshot().unwrap();
    let bob = state::next_set(&s).unwrap().members.into_iter().find(|m| m.operator == TestNode::addr("bob")).unwrap();
    assert!(bob.power > 1_000_000);
}

#[test]
fn app_can_double_power_with_linked_green_work() {
    use greenhour_framework::BlockCtx;
    let node = TestNode::with_genesis(&genesis(&[("alice", 1_000 * GHR), ("bob", 1_000 * GHR)]));
    let mut overlay = greenhour_state::BlockOverlay::new(node.app.snapshot().unwrap());
    let params = state::params(&overlay).unwrap();
    // Device 7 linked to bob (the link action is checked in another test) did 100 green GPU-hours.
    overlay.put(&greenhour_staking::keys::link(greenhour_devices::DeviceId(7)), &TestNode::addr("bob"));
    state::record_green_work(&mut overlay, greenhour_devices::DeviceId(7), 100_000).unwrap();
    state::record_green_work(&mut overlay, greenhour_devices::DeviceId(8), 100_000).unwrap(); // unlinked: ignored
    let set = greenhour_staking::api::compute_set(&overlay, &params, 1).unwrap();
    assert_eq!(set.members[0].operator, TestNode::addr("bob"));
    assert_eq!((set.members[0].power, set.members[1].power), (2_000_000, 1_000_000));
    // The epoch's end resets the work.
    let ctx = BlockCtx {
        chain_id: node.app.chain_id().clone(),
        height: 5,
        time: node.now(),
        beacon: Hash::ZERO,
        last_commit_signers: None,
    };
    <greenhour_staking::Staking as greenhour_framework::Module>::end_block(&mut overlay, &ctx).unwrap();
    assert_eq!(state::green_work(&overlay, &TestNode::addr("bob")).unwrap(), 0);
}

#[test]
fn app_can_pay_fees_by_power_at_the_epoch_end_after_the_community_tax() {
    let mut node = TestNode::with_genesis(&genesis(&[("alice", 3_000 * GHR), ("bob", 1_000 * GHR)]));
    // Carol's transfers pay fees into the collector.
    for _ in 0..3 {
        let tx = node.send("carol", &TestNode::addr("dave"), Coin::ghr(1));
        node.deliver(tx).unwrap();
    }
    let collector = greenhour_primitives::Address::for_module("fee_collector");
    let fees = node.balance(&collector, &Denom::ghr());
    assert!(fees > 0);
    let (a0, b0) =
        (node.balance(&TestNode::addr("alice"), &Denom::ghr()), node.balance(&TestNode::addr("bob"), &Denom::ghr()));
    to_epoch_end(&mut node);
    assert_eq!(node.balance(&collector, &Denom::ghr()), 0);
    let (a, b) = (
        node.balance(&TestNode::addr("alice"), &Denom::ghr()) - a0,
        node.balance(&TestNode::addr("bob"), &Denom::ghr()) - b0,
    );
    // The community tax (2 %) goes to the community pool first; the rest by power.
    let tax = fees * 200 / 10_000;
    let pool = node.balance(&greenhour_primitives::Address::for_module(greenhour_framework::GOVERNANCE), &Denom::ghr());
    assert_eq!(pool, tax, "the community pool took its share");
    assert_eq!(a + b, fees - tax, "everything else collected is paid");
    assert_eq!(a, (fees - tax) * 3 / 4, "by power");
}

fn vote(name: &str, height: u64, block: &[u8]) -> SignedVote {
    let v = Vote {
        chain_id: greenhour_primitives::ChainId::new("gh-staking").unwrap(),
        height,
        round: 0,
        kind: VoteKind::Precommit,
        block: Some(Hash::digest(block)),
        validator_key: consensus_key(name).public_key(),
    };
    let signature = v.sign(&consensus_key(name));
    SignedVote { vote: v, signature }
}

#[test]
fn app_can_slash_and_jail_a_double_signer() {
    let mut node = TestNode::with_genesis(&genesis(&[
        ("alice", 1_000 * GHR),
        ("bob", 1_000 * GHR),
        ("carol", 1_000 * GHR),
        ("dave", 1_000 * GHR),
    ]));
    node.produce_block(vec![]);
    node.produce_block(vec![]);
    let evidence = StakingAction::ReportDoubleSign {
        first: Box::new(vote("carol", 1, b"a")),
        second: Box::new(vote("carol", 1, b"b")),
    };
    act(&mut node, "alice", evidence.clone()).unwrap();
    let s = node.app.snapshot().unwrap();
    let carol = state::validator(&s, &TestNode::addr("carol")).unwrap();
    assert_eq!(carol.tokens, 950 * GHR, "5 % burned");
    assert!(matches!(carol.status, ValidatorStatus::Jailed { .. }));
    let again = node.expect_rejected(&TestNode::key("bob"), staking(evidence));
    assert_eq!(code(&again), ("staking", 9));
    // An equivocating validator signs twice at every height until its jail bites:
    // the evidence of its next height is the same episode, punished once.
    let next = StakingAction::ReportDoubleSign {
        first: Box::new(vote("carol", 2, b"c")),
        second: Box::new(vote("carol", 2, b"d")),
    };
    assert_eq!(code(&node.expect_rejected(&TestNode::key("bob"), staking(next))), ("staking", 9));
    let s = node.app.snapshot().unwrap();
    assert_eq!(state::validator(&s, &TestNode::addr("carol")).unwrap().tokens, 950 * GHR, "slashed once");
    to_epoch_end(&mut node);
    let s = node.app.snapshot().unwrap();
    assert!(state::next_set(&s).unwrap().members.iter().all(|m| m.operator != TestNode::addr("carol")));
    // Past the epoch's first block, whose set switch would count as a change.
    node.produce_block(vec![]);
    assert_eq!(code(&node.expect_rejected(&TestNode::key("carol"), staking(StakingAction::Unjail))), ("staking", 7));
    let delegate = staking(StakingAction::Delegate { validator: TestNode::addr("carol"), amount: GHR });
    assert_eq!(code(&node.expect_rejected(&TestNode::key("bob"), delegate)), ("staking", 7));
}

#[test]
fn app_can_slash_unbonding_entries_started_after_the_infraction() {
    let mut node = TestNode::with_genesis(&genesis(&[
        ("alice", 1_000 * GHR),
        ("bob", 1_000 * GHR),
        ("carol", 1_000 * GHR),
        ("dave", 1_000 * GHR),
    ]));
    let carol = TestNode::addr("carol");
    act(&mut node, "bob", StakingAction::Delegate { validator: carol, amount: 400 * GHR }).unwrap();
    let early = act(&mut node, "bob", StakingAction::Undelegate { validator: carol, amount: 100 * GHR }).unwrap();
    let infraction = node.produce_block(vec![]).block.header.height;
    assert!(early.height < infraction);
    let late = act(&mut node, "bob", StakingAction::Undelegate { validator: carol, amount: 100 * GHR }).unwrap();
    assert!(late.height > infraction);
    // Past the epoch's end, whose inflation would move the supply.
    to_epoch_end(&mut node);
    let supply = node.supply(&Denom::ghr());
    let evidence = StakingAction::ReportDoubleSign {
        first: Box::new(vote("carol", infraction, b"a")),
        second: Box::new(vote("carol", infraction, b"b")),
    };
    act(&mut node, "alice", evidence).unwrap();
    let s = node.app.snapshot().unwrap();
    assert_eq!(state::validator(&s, &carol).unwrap().tokens, 1_140 * GHR, "5 % of the 1,200 still bonded");
    let mut entries: Vec<_> =
        state::unbondings(&s).unwrap().into_iter().map(|u| (u.created_height, u.amount)).collect();
    entries.sort();
    assert_eq!(
        entries,
        vec![(early.height, 100 * GHR), (late.height, 95 * GHR)],
        "tokens that left before the double sign keep their value; those that left after share the slash"
    );
    assert_eq!(supply - node.supply(&Denom::ghr()), 65 * GHR, "60 bonded + 5 unbonding burned (fees stay in supply)");
    node.check_invariants();
    // Both entries come back, the late one short by its slash, and leave no index behind.
    let bob = TestNode::addr("bob");
    let before = node.balance(&bob, &Denom::ghr());
    node.advance(3_700);
    node.produce_block(vec![]);
    let back = node.balance(&bob, &Denom::ghr()) - before;
    assert!((195 * GHR..196 * GHR).contains(&back), "released {back} (plus any delegator reward)");
    let s = node.app.snapshot().unwrap();
    assert!(state::unbondings(&s).unwrap().is_empty());
    assert!(s.prefix::<(u64, u64)>("staking/unbonding-of/").unwrap().is_empty());
    node.check_invariants();
}

#[test]
fn rejects_bad_validators_delegations_links_and_evidence() {
    // Long epochs: an epoch boundary changes state on its own.
    let mut g = genesis(&[("alice", 1_000 * GHR)]);
    g.staking.params.epoch_blocks = 1_000;
    let mut node = TestNode::with_genesis(&g);
    node.produce_block(vec![]);
    node.produce_block(vec![]);
    let (alice, bob) = (TestNode::key("alice"), TestNode::key("bob"));
    let create = |who: &str, bond| StakingAction::CreateValidator {
        consensus_key: consensus_key(who).public_key(),
        moniker: who.into(),
        commission_bps: 100,
        bond,
    };
    assert_eq!(code(&node.expect_rejected(&alice, staking(create("alice2", 1_000 * GHR)))), ("staking", 2));
    let reused_key = StakingAction::CreateValidator {
        consensus_key: consensus_key("alice").public_key(),
        moniker: "bob".into(),
        commission_bps: 100,
        bond: 1_000 * GHR,
    };
    assert_eq!(code(&node.expect_rejected(&bob, staking(reused_key))), ("staking", 2));
    assert_eq!(code(&node.expect_rejected(&bob, staking(create("bob", 999 * GHR)))), ("staking", 3));
    let mut pricey = create("bob", 1_000 * GHR);
    if let StakingAction::CreateValidator { commission_bps, .. } = &mut pricey {
        *commission_bps = 10_001;
    }
    assert_eq!(code(&node.expect_rejected(&bob, staking(pricey))), ("staking", 4));
    let too_much = StakingAction::Undelegate { validator: TestNode::addr("alice"), amount: 1 };
    assert_eq!(code(&node.expect_rejected(&bob, staking(too_much))), ("staking", 5));
    let unknown = StakingAction::Delegate { validator: TestNode::addr("bob"), amount: GHR };
    assert_eq!(code(&node.expect_rejected(&bob, staking(unknown))), ("staking", 1));
    let poor = StakingAction::Delegate { validator: TestNode::addr("alice"), amount: DEMO_BALANCE * 2 };
    assert_eq!(code(&node.expect_rejected(&bob, staking(poor))), ("staking", 91));
    let link =
        StakingAction::LinkDevice { device: greenhour_devices::DeviceId(1), validator: Some(TestNode::addr("alice")) };
    assert_eq!(code(&node.expect_rejected(&bob, staking(link))), ("staking", 92));
    // Evidence that proves nothing.
    let same = StakingAction::ReportDoubleSign {
        first: Box::new(vote("alice", 1, b"a")),
        second: Box::new(vote("alice", 1, b"a")),
    };
    assert_eq!(code(&node.expect_rejected(&bob, staking(same))), ("staking", 9));
    let heights = StakingAction::ReportDoubleSign {
        first: Box::new(vote("alice", 1, b"a")),
        second: Box::new(vote("alice", 2, b"b")),
    };
    assert_eq!(code(&node.expect_rejected(&bob, staking(heights))), ("staking", 9));
    let mut forged = vote("alice", 1, b"b");
    forged.signature = vote("alice", 1, b"c").signature;
    let forged = StakingAction::ReportDoubleSign { first: Box::new(vote("alice", 1, b"a")), second: Box::new(forged) };
    assert_eq!(code(&node.expect_rejected(&bob, staking(forged))), ("staking", 9));
    let future = StakingAction::ReportDoubleSign {
        first: Box::new(vote("alice", 99, b"a")),
        second: Box::new(vote("alice", 99, b"b")),
    };
    assert_eq!(code(&node.expect_rejected(&bob, staking(future))), ("staking", 9));
    let stranger = StakingAction::ReportDoubleSign {
        first: Box::new(vote("bob", 1, b"a")),
        second: Box::new(vote("bob", 1, b"b")),
    };
    assert_eq!(code(&node.expect_rejected(&bob, staking(stranger))), ("staking", 9));
    assert_eq!(code(&node.expect_rejected(&alice, staking(StakingAction::Unjail))), ("staking", 8));
}
