//! Oracle price feeds for tests of modules that lend or mint against a price:
//! a genesis with a feed alice and bob report (one report closes a round), and
//! reporting to it.

use crate::TestNode;
use greenhour_app::{AppAction, Genesis};
use greenhour_oracle::{Feed, OracleAction};

/// `genesis` with a feed `name` whose values alice and bob report, one report a round,
/// trusted for `max_age` seconds.
pub fn with_feed(mut genesis: Genesis, name: &str, unit: &str, max_age: u64) -> Genesis {
    genesis.oracle.feeds.push(Feed {
        name: name.into(),
        unit: unit.into(),
        reporters: vec![TestNode::addr("alice"), TestNode::addr("bob")],
        quorum: 1,
        max_age,
        round: 0,
    });
    genesis
}

/// alice reports `value` to the feed's open round, which closes it.
pub fn report(node: &mut TestNode, feed: &str, value: i128) {
    let round = greenhour_oracle::api::feed(&node.app.snapshot().expect("snapshot"), feed).expect("the feed").round;
    let a = AppAction::Oracle(OracleAction::Submit { feed: feed.into(), round, value });
    node.deliver(node.tx(&TestNode::key("alice"), vec![a])).expect("alice reports");
}

/// An oracle genesis holding one feed whose last round closed at `time` with
/// `value` (reported by one address): a price for benches that build module
/// state without running a chain.
pub fn oracle_with_price(name: &str, value: i128, time: u64) -> greenhour_oracle::OracleGenesis {
    greenhour_oracle::OracleGenesis {
        feeds: vec![Feed {
            name: name.into(),
            unit: "WAD".into(),
            reporters: vec![greenhour_primitives::Address([1; 20])],
            quorum: 1,
            max_age: 3_600,
            round: 1,
        }],
        values: vec![(
            name.into(),
            greenhour_oracle::Observation { value, round: 0, time, height: 1, min: value, max: value },
        )],
    }
}
