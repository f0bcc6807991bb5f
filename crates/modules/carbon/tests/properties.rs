//! Random sequences of certificate and credit actions. The app checks every
//! module invariant after each block (ids unique and contiguous, certified ≤
//! metered, storage backed, claims final, coin supply = pooled grams); these
//! tests add what must hold across blocks: a claim never changes once made.

mod common;

use common::*;
use greenhour_carbon::query::CertificateFilter;
use greenhour_carbon::{state, BundleStatus, CarbonAction, Claim, RetireAsset};
use greenhour_primitives::Denom;
use greenhour_testkit::{TestNode, TEST_GENESIS_TIME};
use proptest::prelude::*;
use std::collections::BTreeMap;

const PEOPLE: [&str; 3] = ["alice", "bob", "carol"];

#[derive(Clone, Debug)]
enum Op {
    Issue(usize),
    Night(u64),
    Split(usize, u64),
    Transfer(usize, usize, Option<u64>),
    Claim(usize, Option<u64>),
    Lock(usize),
    Unlock(usize),
    Cancel(usize),
    Revoke(usize),
    Age(u64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..10).prop_map(Op::Issue),
        1 => (0u64..3_000).prop_map(Op::Night),
        3 => (0usize..64, 0u64..3_000).prop_map(|(b, w)| Op::Split(b, w)),
        3 => (0usize..64, 0usize..3, proptest::option::of(0u64..3_000)).prop_map(|(b, t, w)| Op::Transfer(b, t, w)),
        3 => (0usize..64, proptest::option::of(0u64..3_000)).prop_map(|(b, w)| Op::Claim(b, w)),
        1 => (0usize..64).prop_map(Op::Lock),
        1 => (0usize..64).prop_map(Op::Unlock),
        1 => (0usize..64).prop_map(Op::Cancel),
        1 => (0usize..64).prop_map(Op::Revoke),
        1 => (0u64..4).prop_map(|d| Op::Age(d * 86_400)),
    ]
}

fn claims(node: &TestNode) -> BTreeMap<u64, Claim> {
    let s = node.app.snapshot().unwrap();
    state::all_claims(&s).unwrap().into_iter().map(|c| (c.receipt, c)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn certificates_are_counted_once_and_claims_are_final(ops in proptest::collection::vec(op(), 1..40)) {
        let mut genesis = greenhour_testkit::demo_genesis("gh-carbon");
        genesis.carbon.params.lifetime_secs = 3 * 86_400;
        let (mut node, device) = node_with_device_from(genesis);
        let sunny = sunny_reports(&node, device);
        let mut next_start = TEST_GENESIS_TIME;
        let mut made: BTreeMap<u64, Claim> = BTreeMap::new();
        for op in ops {
            let bundles = state::all_bundles(&node.app.snapshot().unwrap()).unwrap();
            let pick = |i: usize| bundles.get(i % bundles.len().max(1)).map(|b| (b.first, b.owner));
            let owner_name = |addr| PEOPLE.iter().copied().find(|n| TestNode::addr(n) == addr).unwrap_or("dave");
            let _ = match op {
                Op::Issue(i) => issue(&mut node, vec![sunny[i]]),
                Op::Night(d) => {
                    if node.now() < next_start + 3_600 {
                        node.advance(next_start + 3_600 - node.now());
                    }
                    let hash = report_night(&mut node, device, next_start, d);
                    next_start += 3_600;
                    issue(&mut node, vec![hash])
                }
                Op::Split(i, wh) => match pick(i) {
                    Some((first, owner)) => act(&mut node, owner_name(owner), CarbonAction::Split { bundle: first, wh }).map(|_| ()),
                    None => Ok(()),
                },
                Op::Transfer(i, to, wh) => match pick(i) {
                    Some((first, owner)) => act(&mut node, owner_name(owner), CarbonAction::Transfer { bundle: first, to: TestNode::addr(PEOPLE[to]), wh }).map(|_| ()),
                    None => Ok(()),
                },
                Op::Claim(i, wh) => match pick(i) {
                    Some((first, owner)) => act(&mut node, owner_name(owner), CarbonAction::Claim { bundles: vec![first], wh, terms: terms("p") }).map(|_| ()),
                    None => Ok(()),
                },
                Op::Lock(i) | Op::Unlock(i) | Op::Cancel(i) => match pick(i) {
                    Some((first, owner)) => {
                        let a = match op {
                            Op::Lock(_) => CarbonAction::Lock { bundle: first },
                            Op::Unlock(_) => CarbonAction::Unlock { bundle: first },
                            _ => CarbonAction::Cancel { bundle: first },
                        };
                        act(&mut node, owner_name(owner), a).map(|_| ())
                    }
                    None => Ok(()),
                },
                Op::Revoke(i) => match pick(i) {
                    Some((first, _)) => act(&mut node, "dave", CarbonAction::Revoke { bundle: first, reason: "audit".into() }).map(|_| ()),
                    None => Ok(()),
                },
                Op::Age(secs) => {
                    node.advance(secs);
                    node.produce_block(vec![]);
                    Ok(())
                }
            };
            // Claims made so far are untouched, and their bundles stay claimed.
            let now = claims(&node);
            for (receipt, c) in &made {
                prop_assert_eq!(now.get(receipt), Some(c));
                for (first, last) in &c.ranges {
                    let b = bundle(&node, *first);
                    prop_assert_eq!(b.last, *last);
                    prop_assert_eq!(b.status, BundleStatus::Claimed { receipt: *receipt });
                }
            }
            made = now;
        }
        // Nothing certified beyond what was metered (the invariant, restated over the end state).
        let s = node.app.snapshot().unwrap();
        let certified: u64 = state::all_bundles(&s).unwrap().iter()
            .filter(|b| b.source == greenhour_carbon::EnergySource::Solar).map(|b| b.wh()).sum();
        let generated: u64 = reports(&node, device).iter().filter(|r| {
            greenhour_devices::state::report_use(&s, &r.1).unwrap().is_some()
        }).map(|r| r.2).sum();
        prop_assert_eq!(certified, generated);
        // Each claimant's claims read two to a page, each page after the last
        // receipt of the one before, are exactly theirs in receipt order.
        for name in PEOPLE {
            let who = TestNode::addr(name);
            let (mut paged, mut after) = (Vec::new(), None);
            loop {
                let page = greenhour_carbon::query::claims(&s, &who, after, 2).unwrap();
                prop_assert!(page.len() <= 2);
                let Some(last) = page.last() else { break };
                after = Some(last.receipt);
                paged.extend(page.iter().map(|c| c.receipt));
            }
            let expected: Vec<u64> = made.values().filter(|c| c.claimant == who).map(|c| c.receipt).collect();
            prop_assert_eq!(paged, expected);
        }
        prop_assert!(greenhour_carbon::query::claims(&s, &TestNode::addr(PEOPLE[0]), Some(u64::MAX), 2).unwrap().is_empty());
        // Certificate listings read two to a page, three index rows at most a
        // page, following each page's `next`, are the full listing: each owner's,
        // and the device's narrowed by status and hours (pages the filter thins
        // out may come back short or empty, and still carry the cursor on).
        let all = state::all_bundles(&s).unwrap();
        let listing = |filter: CertificateFilter| -> Vec<u64> {
            let mut paged = Vec::new();
            let mut filter = CertificateFilter { after: None, ..filter };
            loop {
                let page = greenhour_carbon::query::certificates(&s, &filter, 2, 3).unwrap().unwrap();
                assert!(page.items.len() <= 2);
                paged.extend(page.items.iter().map(|b| b.first));
                match page.next {
                    Some(next) => {
                        assert!(filter.after.is_none_or(|a| a != next), "a page moves the cursor");
                        filter.after = Some(next);
                    }
                    None => return paged,
                }
            }
        };
        for name in PEOPLE {
            let owner = TestNode::addr(name);
            let expected: Vec<u64> = all.iter().filter(|b| b.owner == owner).map(|b| b.first).collect();
            prop_assert_eq!(listing(CertificateFilter { owner: Some(owner), ..Default::default() }), expected);
        }
        let (from, to) = (TEST_GENESIS_TIME / 3_600 - 30, TEST_GENESIS_TIME / 3_600 + 2);
        let mut expected: Vec<&greenhour_carbon::Bundle> = all
            .iter()
            .filter(|b| b.device == device && b.status.name() == "active" && (from..to).contains(&b.hour()))
            .collect();
        expected.sort_by_key(|b| (b.hour(), b.first));
        let narrowed = CertificateFilter {
            device: Some(device.0),
            status: Some("active".into()),
            from_hour: Some(from),
            to_hour: Some(to),
            ..Default::default()
        };
        prop_assert_eq!(listing(narrowed), expected.iter().map(|b| b.first).collect::<Vec<_>>());
    }

    #[test]
    fn carbon_coin_supply_equals_pooled_credits(ops in proptest::collection::vec((0u8..5, 0usize..3, 0u64..3, 1u128..4_000_000), 1..40)) {
        let mut node = TestNode::new();
        for (i, who) in PEOPLE.iter().enumerate() {
            let register = CarbonAction::RegisterCredit {
                registry: "gold-standard".into(),
                serial: format!("GS-{i}"),
                project: "cookstoves".into(),
                vintage: 2020 + i as u16,
                kind: "cookstove".into(),
                tonnes: 5,
                attributes: vec![],
            };
            act(&mut node, who, register).unwrap();
            act(&mut node, "dave", CarbonAction::ApproveCredit { batch: i as u64 + 1 }).unwrap();
        }
        for (kind, who, batch, grams) in ops {
            let a = match kind {
                0 => CarbonAction::Deposit { pool: 1, batch: batch + 1, grams },
                1 => CarbonAction::Redeem { pool: 1, batch: batch + 1, grams },
                2 => CarbonAction::Retire { asset: RetireAsset::Coin { pool: 1 }, grams, beneficiary: "b".into(), message: "m".into() },
                3 => CarbonAction::Retire { asset: RetireAsset::Credit { batch: batch + 1 }, grams, beneficiary: "b".into(), message: "m".into() },
                _ => CarbonAction::Transfer { bundle: 1, to: TestNode::addr("bob"), wh: None },
            };
            let _ = act(&mut node, PEOPLE[who], a);
            let s = node.app.snapshot().unwrap();
            let pool = state::pool(&s, 1).unwrap();
            prop_assert_eq!(node.supply(&Denom::gco2()), pool.held_g);
            let tonnes_held: u128 = state::pool_holdings(&s, 1).unwrap().iter().map(|h| h.1).sum();
            prop_assert_eq!(pool.held_g, tonnes_held);
        }
        // Retirements and credit batches read a page of two at a time from at
        // most three rows, following `next` (of one account, and of all), give
        // what the whole listing holds, in id order.
        let s = node.app.snapshot().unwrap();
        for retiree in [None, Some(TestNode::addr(PEOPLE[0]))] {
            let (mut paged, mut after) = (Vec::new(), None);
            loop {
                let page = greenhour_carbon::query::retirements(&s, retiree, after, (2, 3)).unwrap();
                prop_assert!(page.items.len() <= 2);
                paged.extend(page.items.iter().map(|r| r.receipt));
                match page.next {
                    Some(next) => after = Some(next),
                    None => break,
                }
            }
            let expected: Vec<u64> = state::all_retirements(&s).unwrap().iter()
                .filter(|r| retiree.is_none_or(|a| r.retiree == a)).map(|r| r.receipt).collect();
            prop_assert_eq!(paged, expected);
        }
        let (mut batches, mut after) = (Vec::new(), None);
        loop {
            let page = greenhour_carbon::query::credits(&s, None, after, (2, 3)).unwrap();
            batches.extend(page.items.iter().map(|b| b.id));
            match page.next {
                Some(next) => after = Some(next),
                None => break,
            }
        }
        prop_assert_eq!(batches, state::all_credits(&s).unwrap().iter().map(|b| b.id).collect::<Vec<_>>());
    }
}
