//! Oracle scenarios: rounds close at quorum with the median; stale reads fail.

use greenhour_app::AppAction;
use greenhour_framework::CodedError;
use greenhour_oracle::{state, Feed, OracleAction, OracleGenesis};
use greenhour_testkit::{demo_genesis, TestNode, TEST_CHAIN};

fn node() -> TestNode {
    let mut g = demo_genesis(TEST_CHAIN);
    g.oracle = OracleGenesis {
        feeds: vec![Feed {
            name: "carbon.de".into(),
            unit: "gCO2e/kWh".into(),
            reporters: vec![TestNode::addr("alice"), TestNode::addr("bob"), TestNode::addr("carol")],
            quorum: 2,
            max_age: 3_600,
            round: 0,
        }],
        values: vec![],
    };
    TestNode::with_genesis(&g)
}

fn submit(round: u64, value: i128) -> Vec<AppAction> {
    vec![AppAction::Oracle(OracleAction::Submit { feed: "carbon.de".into(), round, value })]
}

fn assert_code(node: &mut TestNode, who: &str, actions: Vec<AppAction>, code: u32) {
    let err = node.expect_rejected(&TestNode::key(who), actions);
    assert_eq!((err.module.as_str(), err.code), ("oracle", code), "{err}");
}

#[test]
fn app_can_publish_the_median_when_a_round_reaches_quorum() {
    let mut node = node();
    node.deliver(node.tx(&TestNode::key("alice"), submit(0, 400))).unwrap();
    let snap = node.app.snapshot().unwrap();
    assert!(state::latest(&snap, "carbon.de").unwrap().is_none(), "one report is below quorum");
    let record = node.deliver(node.tx(&TestNode::key("bob"), submit(0, 380))).unwrap();
    assert!(greenhour_oracle::OracleEvent::all_in(&record.events)
        .iter()
        .any(|e| matches!(e, greenhour_oracle::OracleEvent::Published { .. })));
    let snap = node.app.snapshot().unwrap();
    let obs = state::latest(&snap, "carbon.de").unwrap().unwrap();
    assert_eq!((obs.value, obs.round, obs.min, obs.max), (400, 0, 380, 400));
    assert_eq!(state::feed(&snap, "carbon.de").unwrap().round, 1);
    assert!(state::open_reports(&snap, "carbon.de").unwrap().is_empty());
    assert_eq!(state::read(&snap, "carbon.de", obs.time + 3_600).unwrap(), obs);
    // The next round starts clean; carol's late report for round 0 is refused.
    assert_code(&mut node, "carol", submit(0, 999), 3);
    node.deliver(node.tx(&TestNode::key("carol"), submit(1, 350))).unwrap();
}

#[test]
fn reads_fail_clearly_when_stale_or_empty() {
    let mut node = node();
    let snap = node.app.snapshot().unwrap();
    assert_eq!(state::read(&snap, "carbon.de", 0).unwrap_err().code(), 6);
    assert_eq!(state::read(&snap, "price.de", 0).unwrap_err().code(), 1);
    node.deliver(node.tx(&TestNode::key("alice"), submit(0, 400))).unwrap();
    node.deliver(node.tx(&TestNode::key("bob"), submit(0, 420))).unwrap();
    let snap = node.app.snapshot().unwrap();
    let obs = state::latest(&snap, "carbon.de").unwrap().unwrap();
    let err = state::read(&snap, "carbon.de", obs.time + 3_601).unwrap_err();
    assert_eq!(err.code(), 5);
    assert!(err.to_string().contains("3601 s old"), "{err}");
}

#[test]
fn rejects_reports_from_strangers_twice_or_to_unknown_feeds() {
    let mut node = node();
    assert_code(&mut node, "dave", submit(0, 1), 2);
    node.deliver(node.tx(&TestNode::key("alice"), submit(0, 400))).unwrap();
    assert_code(&mut node, "alice", submit(0, 401), 4);
    assert_code(&mut node, "alice", submit(7, 401), 3);
    let unknown = vec![AppAction::Oracle(OracleAction::Submit { feed: "price.de".into(), round: 0, value: 1 })];
    assert_code(&mut node, "alice", unknown, 1);
    let malformed = vec![AppAction::Oracle(OracleAction::Submit { feed: "Price/DE".into(), round: 0, value: 1 })];
    assert_code(&mut node, "alice", malformed, 1);
}
