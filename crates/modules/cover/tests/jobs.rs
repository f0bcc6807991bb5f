//! Job covers and the slashing rewards through the whole app (invariants checked
//! after every block), on the jobs tests' small market: alice stakes the pool,
//! dave covers his jobs against failure and a green shortfall, and the pool pays
//! on what the jobs module recorded, with no claim; slashed bonds reach the
//! stakers; and every refusal changes nothing.

use greenhour_app::AppAction;
use greenhour_cover::query::{PoolView, StakeView};
use greenhour_cover::{CoverAction, CoverEvent, JobPeril, Quote};
use greenhour_jobs::{JobId, JobStatus, Verification};
use greenhour_primitives::Denom;
use greenhour_testkit::jobs::*;
use greenhour_testkit::TestNode;

const GUSD: u128 = 1_000_000;

fn cover(node: &mut TestNode, who: &str, a: CoverAction) -> Result<Vec<CoverEvent>, greenhour_framework::ErrorInfo> {
    node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Cover(a)])).map(|r| CoverEvent::all_in(&r.events))
}

fn snapshot(node: &TestNode) -> impl greenhour_framework::StateRead {
    node.app.snapshot().unwrap()
}

fn pool(node: &TestNode) -> PoolView {
    greenhour_cover::query::pool(&snapshot(node)).unwrap()
}

fn stake_view(node: &TestNode, who: &str) -> StakeView {
    greenhour_cover::query::stake(&snapshot(node), &TestNode::addr(who)).unwrap()
}

fn quote(node: &TestNode, job: JobId, peril: JobPeril, sum: u128) -> Quote {
    greenhour_cover::quote_job(&snapshot(node), job, peril, sum).unwrap()
}

fn buy(job: JobId, peril: JobPeril, sum_insured: u128) -> CoverAction {
    CoverAction::BuyJobCover { job: job.0, peril, sum_insured, max_premium: sum_insured }
}

fn gusd(node: &TestNode, who: &str) -> u128 {
    node.balance(&TestNode::addr(who), &Denom::gusd())
}

/// A block two minutes into each hour up to `last`, collecting the payouts.
fn paid_through(node: &mut TestNode, from: u64, last: u64) -> Vec<(u64, String, String)> {
    let mut paid = Vec::new();
    for hour in from..=last {
        node.advance((hour * 3_600 + 120).saturating_sub(node.now()));
        let events = CoverEvent::all_in(&node.produce_block(vec![]).block_events);
        paid.extend(events.into_iter().filter_map(|e| match e {
            CoverEvent::Paid { subject, peril, fact, .. } => Some((subject, peril, fact)),
            _ => None,
        }));
    }
    paid
}

/// The fleet with alice's 100 gUSD in the pool and the mlp workload uploaded.
fn staked_fleet() -> (TestNode, greenhour_primitives::Hash) {
    let Fleet { mut node, .. } = fleet();
    cover(&mut node, "alice", CoverAction::Stake { amount: 100 * GUSD, min_shares: 0 }).unwrap();
    let module = upload(&mut node, "mlp");
    (node, module)
}

#[test]
fn app_can_pay_job_failure_cover_when_no_device_can_serve_the_job() {
    let (mut node, module) = staked_fleet();
    // Four owners are needed, three exist: the job expires unserved.
    let id = post(&mut node, spec(module, "mlp", Verification::Redundant { k: 4 })).unwrap();
    let q = quote(&node, id, JobPeril::Failure, 10 * GUSD);
    // A new chain and buyer: the prior (one bad job in ten) plus the 1 % base and
    // the slope at 10 % utilisation (2 % of the 20 %).
    assert_eq!(q.expected_loss_bps, 1_000);
    assert_eq!(q.rate_bps, 100 + 1_000 + 200);
    let sold = cover(&mut node, "dave", buy(id, JobPeril::Failure, 10 * GUSD)).unwrap();
    assert!(sold.iter().any(|e| matches!(e, CoverEvent::Sold { premium, .. } if *premium == q.premium)));
    assert_eq!(pool(&node).pool.locked, 10 * GUSD);

    let before = gusd(&node, "dave");
    // The job could end at RUN_HOUR + 1; it is judged two hours after that.
    let paid = paid_through(&mut node, RUN_HOUR, RUN_HOUR + 4);
    assert_eq!(job(&node, id).status, JobStatus::Expired);
    assert_eq!(paid, vec![(id.0, "job_failure".to_string(), "expired".to_string())]);
    assert_eq!(gusd(&node, "dave"), before + 10 * GUSD, "paid with no claim");
    let p = pool(&node);
    assert_eq!((p.pool.locked, p.pool.payouts, p.pool.events_paid), (0, 10 * GUSD, 1));
    let o = greenhour_jobs::api::outcomes(&snapshot(&node), Some(&TestNode::addr("dave"))).unwrap();
    assert_eq!((o.expired, o.served_or_not()), (1, 1));
}

#[test]
fn app_can_pay_green_shortfall_but_not_failure_on_a_job_that_settles_brown() {
    let (mut node, module) = staked_fleet();
    // The devices' record passes a 1 bps floor at matching, but they send no
    // telemetry for the run hour: its energy is the nameplate's, none of it green.
    let mut s = spec(module, "mlp", Verification::Redundant { k: 3 });
    s.min_green_bps = 1;
    let id = post(&mut node, s).unwrap();
    cover(&mut node, "dave", buy(id, JobPeril::Failure, 5 * GUSD)).unwrap();
    cover(&mut node, "dave", buy(id, JobPeril::GreenShortfall, 3 * GUSD)).unwrap();
    at_hour(&mut node, RUN_HOUR, 0);
    let good = correct("mlp");
    for r in 0..3 {
        commit(&mut node, id, r, &good).unwrap();
    }
    for r in 0..3 {
        reveal(&mut node, id, r, &good).unwrap();
    }
    assert_eq!(job(&node, id).status, JobStatus::Settled);
    let before = gusd(&node, "dave");
    let paid = paid_through(&mut node, RUN_HOUR + 1, RUN_HOUR + 4);
    assert_eq!(paid, vec![(id.0, "green_shortfall".to_string(), "settled 0 bps green (floor 1)".to_string())]);
    assert_eq!(gusd(&node, "dave"), before + 3 * GUSD, "the failure cover lapsed unpaid");
    assert_eq!(pool(&node).pool.locked, 0, "both covers released");

    // dave's own record (one short job in one) now prices his next shortfall cover
    // above the chain's prior: (1 + 1) / (1 + 10).
    let mut s = spec(module, "mlp", Verification::Redundant { k: 3 });
    (s.earliest_hour, s.deadline_hour, s.min_green_bps) = (RUN_HOUR + 8, RUN_HOUR + 9, 1);
    let next = post(&mut node, s).unwrap();
    assert_eq!(quote(&node, next, JobPeril::GreenShortfall, GUSD).expected_loss_bps, 1_819);
    let chain = greenhour_jobs::api::outcomes(&snapshot(&node), None).unwrap();
    assert_eq!((chain.settled, chain.green_short), (1, 1));
}

#[test]
fn app_can_share_slashed_bonds_over_the_stakers_only() {
    let (mut node, module) = staked_fleet();
    let id = post(&mut node, spec(module, "mlp", Verification::Redundant { k: 3 })).unwrap();
    at_hour(&mut node, RUN_HOUR, 0);
    let good = correct("mlp");
    let bad = vec![0u8; good.len()];
    for r in 0..3 {
        commit(&mut node, id, r, if r == 2 { &bad } else { &good }).unwrap();
    }
    for r in 0..3 {
        reveal(&mut node, id, r, if r == 2 { &bad } else { &good }).unwrap();
    }
    node.produce_block(vec![]);
    // The liar's bond went to the insurance fund, and from there to alice's shares.
    let insurance = greenhour_jobs::api::insurance();
    assert_eq!(node.balance(&insurance, &Denom::ghr()), 0, "drained into the pool");
    assert_eq!(pool(&node).pool.ghr_received, BOND);
    let earned = stake_view(&node, "alice").ghr_rewards;
    assert!(earned <= BOND && earned + 1 >= BOND, "alice, the only staker, earned the bond: {earned}");

    // carol stakes afterwards: none of what came before is hers.
    cover(&mut node, "carol", CoverAction::Stake { amount: 100 * GUSD, min_shares: 0 }).unwrap();
    assert_eq!(stake_view(&node, "carol").ghr_rewards, 0);
    let ghr = |node: &TestNode, who: &str| node.balance(&TestNode::addr(who), &Denom::ghr());
    let before = ghr(&node, "alice");
    let events = cover(&mut node, "alice", CoverAction::ClaimRewards {}).unwrap();
    assert!(events.contains(&CoverEvent::RewardsPaid { staker: TestNode::addr("alice"), ghr: earned }));
    assert_eq!(ghr(&node, "alice"), before + earned - node.app.params().min_fee);
    assert_eq!(stake_view(&node, "alice").ghr_rewards, 0);
}

#[test]
fn rejects_job_cover_the_pool_must_not_sell_and_changes_nothing() {
    let (mut node, module) = staked_fleet();
    let id = post(&mut node, spec(module, "mlp", Verification::Redundant { k: 3 })).unwrap();
    cover(&mut node, "dave", buy(id, JobPeril::Failure, GUSD)).unwrap();
    // Four owners are needed, three exist: it will expire unserved.
    let expired = post(&mut node, spec(module, "mlp", Verification::Redundant { k: 4 })).unwrap();
    let cases: Vec<(&str, CoverAction, u32, &str)> = vec![
        ("bob", buy(id, JobPeril::GreenShortfall, GUSD), 14, "a cover on a job one did not post"),
        ("dave", buy(id, JobPeril::GreenShortfall, GUSD), 7, "a shortfall on a job with no green floor"),
        ("dave", buy(id, JobPeril::Failure, GUSD), 16, "a second failure cover on one job"),
        ("dave", buy(JobId(999), JobPeril::Failure, GUSD), 17, "a job that does not exist"),
        ("dave", buy(id, JobPeril::Failure, 0), 6, "zero"),
        ("dave", buy(expired, JobPeril::Failure, 1_001 * GUSD), 7, "more than one job cover insures"),
        ("bob", CoverAction::ClaimRewards {}, 6, "rewards bob never earned"),
    ];
    let refuse = |node: &mut TestNode, cases: &[(&str, CoverAction, u32, &str)]| {
        for (who, action, code, why) in cases {
            let e = node.expect_rejected(&TestNode::key(who), vec![AppAction::Cover(action.clone())]);
            assert_eq!((e.module.as_str(), e.code), ("cover", *code), "{why}: {e}");
        }
    };
    refuse(&mut node, &cases);
    // Once the job's hour has started, and once a job has ended, no cover is sold.
    at_hour(&mut node, RUN_HOUR, 0);
    assert_eq!(job(&node, expired).status, JobStatus::Expired);
    let after: Vec<(&str, CoverAction, u32, &str)> = vec![
        ("dave", buy(id, JobPeril::GreenShortfall, GUSD), 2, "a job whose hour has started"),
        ("dave", buy(expired, JobPeril::Failure, GUSD), 15, "a job that has ended"),
    ];
    refuse(&mut node, &after);
}
