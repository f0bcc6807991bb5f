//! At a fixed time (far from the hour, no decay) no sequence of swaps lets a
//! trader end with more than it started with, and adding then removing liquidity
//! returns at most the deposit; every block also keeps the market invariants
//! (TestNode checks them: `v ≤ y`, custody = reserves, LP supply = shares).

use greenhour_market::{state, Exact, MarketAction};
use greenhour_primitives::Denom;
use greenhour_testkit::TestNode;
use proptest::prelude::*;

mod common;
use common::*;

#[derive(Clone, Debug)]
enum Op {
    BuyExactOut(u128),
    BuyExactIn(u128),
    SellExactIn(u128),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1u128..3).prop_map(Op::BuyExactOut),
        (100_000u128..9_000_000).prop_map(Op::BuyExactIn),
        (1u128..3).prop_map(Op::SellExactIn),
    ]
}

fn swap(node: &mut TestNode, who: &str, buy_slots: bool, exact: Exact) {
    let limit = match exact {
        Exact::In(_) => 0,
        Exact::Out(_) => u128::MAX,
    };
    let a = MarketAction::Swap { slot: slot(), buy_slots, exact, limit, deadline: FAR };
    // Refusals (e.g. an exact-in too small to buy a whole slot) are fine; state is unchanged.
    let _ = node.deliver(node.tx(&TestNode::key(who), act(a)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn swaps_and_round_trips_never_extract_value(ops in prop::collection::vec(op(), 1..12)) {
        let mut node = TestNode::new();
        pool_with_slots(&mut node);
        add(&mut node, "alice", 8, 16_000_000).unwrap(); // two slots stay with alice for carol
        let bob = TestNode::addr("bob");
        let quote_before = node.balance(&bob, &Denom::gusd());
        for op in ops {
            match op {
                Op::BuyExactOut(n) => swap(&mut node, "bob", true, Exact::Out(n)),
                Op::BuyExactIn(q) => swap(&mut node, "bob", true, Exact::In(q)),
                Op::SellExactIn(n) => {
                    let held = node.balance(&bob, &slot());
                    if held >= n {
                        swap(&mut node, "bob", false, Exact::In(n));
                    }
                }
            }
        }
        let held = node.balance(&bob, &slot());
        if held > 0 {
            swap(&mut node, "bob", false, Exact::In(held));
        }
        prop_assert_eq!(node.balance(&bob, &slot()), 0);
        prop_assert!(node.balance(&bob, &Denom::gusd()) <= quote_before, "a round trip made money");

        // Carol adds and at once removes liquidity: she gets back at most what she put in.
        let carol = TestNode::addr("carol");
        let pool = state::pool(&node.app.snapshot().unwrap(), &slot()).unwrap();
        let slots_in = 1u128;
        let quote_in = pool.y / pool.x + 1;
        node.deliver(node.send("alice", &carol, greenhour_primitives::Coin::new(slot(), slots_in))).unwrap();
        let (q0, s0) = (node.balance(&carol, &Denom::gusd()), node.balance(&carol, &slot()));
        if add(&mut node, "carol", slots_in, quote_in).is_ok() {
            let shares = node.balance(&carol, &state::lp_denom(&slot()));
            let remove = MarketAction::RemoveLiquidity { slot: slot(), shares, min_slots: 0, min_quote: 0, deadline: FAR };
            node.deliver(node.tx(&TestNode::key("carol"), act(remove))).unwrap();
            prop_assert!(node.balance(&carol, &Denom::gusd()) <= q0);
            prop_assert!(node.balance(&carol, &slot()) <= s0);
        }
    }
}
