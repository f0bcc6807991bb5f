//! Certificates and credits, end to end through the app; every rejection also
//! checks that committed state did not change.

mod common;

use common::*;
use greenhour_carbon::{state, BundleStatus, CarbonAction, CarbonEvent, CreditFilter, EnergySource, RetireAsset};
use greenhour_primitives::{Coin, Denom, Hash};
use greenhour_testkit::{TestNode, TEST_GENESIS_TIME};

#[test]
fn app_can_certify_a_day_of_telemetry_once() {
    let (mut node, device) = node_with_device();
    let sunny = sunny_reports(&node, device);
    assert_eq!(sunny.len(), 10);
    issue(&mut node, sunny.clone()).unwrap();
    let bundles = bundles_of(&node, "carol");
    // Per sunny hour: 2,000 Wh active, 1,000 Wh locked in the battery.
    assert_eq!(bundles.len(), 20);
    let active: Vec<_> = bundles.iter().filter(|b| b.status == BundleStatus::Active).collect();
    let stored: Vec<_> = bundles.iter().filter(|b| b.status == BundleStatus::Stored).collect();
    assert!(active.iter().all(|b| b.wh() == 2_000 && b.source == EnergySource::Solar));
    assert!(stored.iter().all(|b| b.wh() == 1_000));
    assert_eq!(stored.len(), 10);
    // Contiguous ranges from id 1: each starts at the previous maximum + 1.
    assert_eq!(bundles[0].first, 1);
    assert!(bundles.windows(2).all(|w| w[1].first == w[0].last + 1));
    assert_eq!(state::next_id(&node.app.snapshot().unwrap()).unwrap(), 30_001);
    // Each links to its report, and the report is used.
    let s = node.app.snapshot().unwrap();
    for b in &bundles {
        assert!(sunny.contains(&b.report));
        assert!(greenhour_devices::state::report_use(&s, &b.report).unwrap().is_some());
    }
    // Certifying again is refused, whoever asks.
    let err = node.expect_rejected(&TestNode::key("bob"), carbon(CarbonAction::Issue { reports: vec![sunny[0]] }));
    assert_eq!(code(&err), ("carbon", 3));
}

#[test]
fn rejects_unknown_empty_and_suspended_reports() {
    let (mut node, device) = node_with_device();
    let alice = TestNode::key("alice");
    let unknown = carbon(CarbonAction::Issue { reports: vec![Hash::digest(b"no such report")] });
    assert_eq!(code(&node.expect_rejected(&alice, unknown)), ("carbon", 1));
    // A night hour has nothing to certify (no sun, nothing discharged).
    let night = reports(&node, device).into_iter().find(|r| r.2 == 0).unwrap().1;
    assert_eq!(
        code(&node.expect_rejected(&alice, carbon(CarbonAction::Issue { reports: vec![night] }))),
        ("carbon", 4)
    );
    // One bad report refuses the whole batch.
    let sunny = sunny_reports(&node, device);
    let mixed = carbon(CarbonAction::Issue { reports: vec![sunny[0], night] });
    assert_eq!(code(&node.expect_rejected(&alice, mixed)), ("carbon", 4));
    let twice = carbon(CarbonAction::Issue { reports: vec![sunny[0], sunny[0]] });
    assert_eq!(code(&node.expect_rejected(&alice, twice)), ("carbon", 10));
    // A suspended device's readings wait until it resumes.
    let suspend = greenhour_app::AppAction::Devices(greenhour_devices::DevicesAction::Suspend { device });
    let tx = node.tx(&TestNode::key("carol"), vec![suspend]);
    node.deliver(tx).unwrap();
    let err = node.expect_rejected(&alice, carbon(CarbonAction::Issue { reports: vec![sunny[0]] }));
    assert_eq!(code(&err), ("carbon", 2));
}

#[test]
fn app_can_certify_storage_discharge_backed_by_stored_solar() {
    let (mut node, device) = node_with_device();
    let sunny = sunny_reports(&node, device);
    issue(&mut node, sunny).unwrap();
    node.advance(3_600);
    let night = report_night(&mut node, device, TEST_GENESIS_TIME, 1_350);
    issue(&mut node, vec![night]).unwrap();
    let bundles = bundles_of(&node, "carol");
    let discharge = bundles.iter().find(|b| b.source == EnergySource::Storage).unwrap();
    // 1,350 Wh at 90 % consumes 1,500 Wh of stored solar: the oldest 1,000 Wh
    // bundle and 500 Wh split from the next one.
    assert_eq!(discharge.wh(), 1_350);
    assert_eq!(discharge.efficiency_bps, Some(9_000));
    assert_eq!(discharge.consumed.len(), 2);
    let consumed: u64 = discharge.consumed.iter().map(|(f, l)| l - f + 1).sum();
    assert_eq!(consumed, 1_500);
    for (first, _) in &discharge.consumed {
        assert_eq!(bundle(&node, *first).status, BundleStatus::StorageConsumed { discharge: discharge.first });
    }
    // The split remainder stays stored, chained to its parent.
    let rest = bundles.iter().find(|b| b.status == BundleStatus::Stored && b.wh() == 500).unwrap();
    assert!(rest.parent.is_some());
    // Stored and consumed charging bundles never move.
    let err = node.expect_rejected(
        &TestNode::key("carol"),
        carbon(CarbonAction::Transfer { bundle: rest.first, to: TestNode::addr("bob"), wh: None }),
    );
    assert_eq!(code(&err), ("carbon", 8));
}

#[test]
fn app_can_split_transfer_and_claim_for_a_beneficiary() {
    let (mut node, device) = node_with_device();
    let sunny = sunny_reports(&node, device);
    issue(&mut node, sunny).unwrap();
    let first = bundles_of(&node, "carol").into_iter().find(|b| b.status == BundleStatus::Active).unwrap();
    // Split 2,000 Wh into 1,200 + 800; the hashes chain to the parent's.
    let record = act(&mut node, "carol", CarbonAction::Split { bundle: first.first, wh: 1_200 }).unwrap();
    let child = carbon_events(&record)
        .into_iter()
        .find_map(|e| match e {
            CarbonEvent::Split { child, .. } => Some(child),
            _ => None,
        })
        .expect("a split event");
    let (head, tail) = (bundle(&node, first.first), bundle(&node, child));
    assert_eq!((head.wh(), tail.wh(), child), (1_200, 800, first.first + 1_200));
    assert_eq!(head.parent, Some(first.hash));
    assert_eq!(tail.parent, Some(first.hash));
    assert_ne!(head.hash, tail.hash);
    // Transfer the first 500 Wh of the head to Bob (split on the way).
    act(&mut node, "carol", CarbonAction::Transfer { bundle: head.first, to: TestNode::addr("bob"), wh: Some(500) })
        .unwrap();
    let bobs = bundles_of(&node, "bob");
    assert_eq!((bobs.len(), bobs[0].wh(), bobs[0].first), (1, 500, head.first));
    // Bob claims them for a beneficiary and receives the receipt NFT.
    let record = act(
        &mut node,
        "bob",
        CarbonAction::Claim { bundles: vec![head.first], wh: None, terms: terms("Bob's Bakery") },
    )
    .unwrap();
    let receipt = carbon_events(&record)
        .into_iter()
        .find_map(|e| match e {
            CarbonEvent::Claimed { receipt, .. } => Some(receipt),
            _ => None,
        })
        .expect("a claim event");
    let s = node.app.snapshot().unwrap();
    let token = greenhour_nft::state::token(
        &s,
        &greenhour_nft::TokenId { class: greenhour_carbon::RECEIPT_CLASS.into(), serial: receipt },
    )
    .unwrap();
    assert_eq!(token.owner, TestNode::addr("bob"));
    assert!(token.attributes.contains(&("beneficiary".into(), "Bob's Bakery".into())));
    assert!(token.attributes.contains(&("wh".into(), "500".into())));
    let claim = state::claim(&s, receipt).unwrap();
    assert_eq!((claim.ranges.clone(), claim.wh), (vec![(head.first, head.first + 499)], 500));
    assert_eq!(bundle(&node, head.first).status, BundleStatus::Claimed { receipt });
    // The claimed hour counts for Bob's matching.
    assert_eq!(state::usage(&s, &TestNode::addr("bob"), head.hour()).unwrap().claimed_wh, 500);
    // A claimed range is never transferred, split or claimed again.
    let bob = TestNode::key("bob");
    for a in [
        CarbonAction::Transfer { bundle: head.first, to: TestNode::addr("alice"), wh: None },
        CarbonAction::Split { bundle: head.first, wh: 100 },
        CarbonAction::Claim { bundles: vec![head.first], wh: None, terms: terms("again") },
        CarbonAction::Cancel { bundle: head.first },
    ] {
        assert_eq!(code(&node.expect_rejected(&bob, carbon(a))), ("carbon", 8));
    }
}

#[test]
fn rejects_bundle_actions_by_others_outside_the_range_or_on_locked_bundles() {
    let (mut node, device) = node_with_device();
    let sunny = sunny_reports(&node, device);
    issue(&mut node, sunny).unwrap();
    let b = bundles_of(&node, "carol").into_iter().find(|b| b.status == BundleStatus::Active).unwrap();
    let (carol, bob) = (TestNode::key("carol"), TestNode::key("bob"));
    let steal = carbon(CarbonAction::Transfer { bundle: b.first, to: TestNode::addr("bob"), wh: None });
    assert_eq!(code(&node.expect_rejected(&bob, steal)), ("carbon", 7));
    let claim = carbon(CarbonAction::Claim { bundles: vec![b.first], wh: None, terms: terms("thief") });
    assert_eq!(code(&node.expect_rejected(&bob, claim)), ("carbon", 7));
    for wh in [0, 2_000, 5_000] {
        let split = carbon(CarbonAction::Split { bundle: b.first, wh });
        assert_eq!(code(&node.expect_rejected(&carol, split)), ("carbon", 9));
    }
    let over = carbon(CarbonAction::Claim { bundles: vec![b.first], wh: Some(2_001), terms: terms("x") });
    assert_eq!(code(&node.expect_rejected(&carol, over)), ("carbon", 9));
    let mid = carbon(CarbonAction::Split { bundle: b.first + 1, wh: 1 });
    assert_eq!(code(&node.expect_rejected(&carol, mid)), ("carbon", 6));
    let module = carbon(CarbonAction::Transfer { bundle: b.first, to: greenhour_carbon::api::custody(), wh: None });
    assert_eq!(code(&node.expect_rejected(&carol, module)), ("carbon", 11));
    let mut bad_terms = terms("");
    assert_eq!(
        code(&node.expect_rejected(
            &carol,
            carbon(CarbonAction::Claim { bundles: vec![b.first], wh: None, terms: bad_terms.clone() })
        )),
        ("carbon", 10)
    );
    bad_terms = terms("ok");
    bad_terms.period_end = bad_terms.period_start;
    let empty_period = carbon(CarbonAction::Claim { bundles: vec![b.first], wh: None, terms: bad_terms });
    assert_eq!(code(&node.expect_rejected(&carol, empty_period)), ("carbon", 10));
    // Locked: nothing moves it until its owner unlocks it.
    act(&mut node, "carol", CarbonAction::Lock { bundle: b.first }).unwrap();
    let claim = carbon(CarbonAction::Claim { bundles: vec![b.first], wh: None, terms: terms("x") });
    assert_eq!(code(&node.expect_rejected(&carol, claim)), ("carbon", 8));
    assert_eq!(code(&node.expect_rejected(&bob, carbon(CarbonAction::Unlock { bundle: b.first }))), ("carbon", 7));
    act(&mut node, "carol", CarbonAction::Unlock { bundle: b.first }).unwrap();
    act(&mut node, "carol", CarbonAction::Claim { bundles: vec![b.first], wh: None, terms: terms("x") }).unwrap();
}

#[test]
fn app_can_revoke_as_issuer_and_rejects_revocation_by_others_or_after_a_claim() {
    let (mut node, device) = node_with_device();
    let sunny = sunny_reports(&node, device);
    issue(&mut node, sunny).unwrap();
    let mut active = bundles_of(&node, "carol").into_iter().filter(|b| b.status == BundleStatus::Active);
    let (a, b) = (active.next().unwrap(), active.next().unwrap());
    let revoke = |bundle| carbon(CarbonAction::Revoke { bundle, reason: "meter recalibrated".into() });
    assert_eq!(code(&node.expect_rejected(&TestNode::key("carol"), revoke(a.first))), ("carbon", 12));
    act(&mut node, "dave", CarbonAction::Revoke { bundle: a.first, reason: "meter recalibrated".into() }).unwrap();
    assert!(matches!(bundle(&node, a.first).status, BundleStatus::Revoked { .. }));
    let claim = carbon(CarbonAction::Claim { bundles: vec![a.first], wh: None, terms: terms("x") });
    assert_eq!(code(&node.expect_rejected(&TestNode::key("carol"), claim)), ("carbon", 8));
    act(&mut node, "carol", CarbonAction::Claim { bundles: vec![b.first], wh: None, terms: terms("x") }).unwrap();
    assert_eq!(code(&node.expect_rejected(&TestNode::key("dave"), revoke(b.first))), ("carbon", 8));
}

#[test]
fn app_can_expire_unused_certificates_and_sweeps_a_bounded_page() {
    let mut genesis = greenhour_testkit::demo_genesis("gh-carbon");
    genesis.carbon.params.lifetime_secs = 2 * 86_400;
    genesis.carbon.params.expire_per_block = 7;
    let (mut node, device) = node_with_device_from(genesis);
    let sunny = sunny_reports(&node, device);
    issue(&mut node, sunny).unwrap();
    let first = bundles_of(&node, "carol")[0].first;
    act(&mut node, "carol", CarbonAction::Claim { bundles: vec![first], wh: None, terms: terms("x") }).unwrap();
    node.advance(2 * 86_400);
    node.produce_block(vec![]);
    let expired =
        |node: &TestNode| bundles_of(node, "carol").iter().filter(|b| b.status == BundleStatus::Expired).count();
    assert_eq!(expired(&node), 7, "one page per block");
    node.produce_block(vec![]);
    node.produce_block(vec![]);
    assert_eq!(expired(&node), 19, "every live bundle expires; the claimed one stays claimed");
    assert!(matches!(bundle(&node, first).status, BundleStatus::Claimed { .. }));
    let claim = carbon(CarbonAction::Claim { bundles: vec![first + 2_000], wh: None, terms: terms("late") });
    assert_eq!(code(&node.expect_rejected(&TestNode::key("carol"), claim)), ("carbon", 8));
}

#[test]
fn app_can_report_hourly_matching_beside_annual_volume() {
    let (mut node, device) = node_with_device();
    let sunny = sunny_reports(&node, device);
    issue(&mut node, sunny).unwrap();
    let noon = bundles_of(&node, "carol").into_iter().find(|b| b.status == BundleStatus::Active).unwrap();
    let hour = noon.hour();
    act(&mut node, "carol", CarbonAction::Claim { bundles: vec![noon.first], wh: None, terms: terms("x") }).unwrap();
    // 1,000 Wh at the sunny hour, 1,000 Wh at night.
    act(&mut node, "carol", CarbonAction::Declare { hours: vec![(hour, 1_000), (hour + 12, 1_000)] }).unwrap();
    let s = node.app.snapshot().unwrap();
    let rows = state::usage_rows(&s, &TestNode::addr("carol"), hour - 24, hour + 24).unwrap();
    let report = greenhour_carbon::math::match_report(hour - 24, hour + 24, &rows);
    assert_eq!((report.consumed_wh, report.claimed_wh, report.matched_wh), (2_000, 2_000, 1_000));
    assert_eq!((report.hourly_score_bps, report.volume_score_bps), (5_000, 10_000));
    // Future hours cannot be declared.
    let future = carbon(CarbonAction::Declare { hours: vec![(TEST_GENESIS_TIME / 3_600 + 5, 1)] });
    assert_eq!(code(&node.expect_rejected(&TestNode::key("carol"), future)), ("carbon", 10));
    let unordered = carbon(CarbonAction::Declare { hours: vec![(hour, 1), (hour, 2)] });
    assert_eq!(code(&node.expect_rejected(&TestNode::key("carol"), unordered)), ("carbon", 10));
}

fn register(serial: &str, vintage: u16, kind: &str) -> CarbonAction {
    CarbonAction::RegisterCredit {
        registry: "verra".into(),
        serial: serial.into(),
        project: "VCS-1234 Rajasthan wind".into(),
        vintage,
        kind: kind.into(),
        tonnes: 10,
        attributes: vec![("methodology".into(), "ACM0002".into())],
    }
}

#[test]
fn app_can_bridge_pool_redeem_and_retire_credits() {
    let mut node = TestNode::new();
    let bob = TestNode::addr("bob");
    act(&mut node, "bob", register("8765-123-VCS-2021", 2021, "renewable")).unwrap();
    let credit = state::credit_denom(1);
    assert_eq!(node.supply(&credit), 0, "nothing minted before approval");
    act(&mut node, "dave", CarbonAction::ApproveCredit { batch: 1 }).unwrap();
    assert_eq!(node.balance(&bob, &credit), 10_000_000);
    // Pool 1 issues ugco2 one gram per gram deposited.
    act(&mut node, "bob", CarbonAction::Deposit { pool: 1, batch: 1, grams: 4_000_000 }).unwrap();
    assert_eq!(node.balance(&bob, &Denom::gco2()), 4_000_000);
    assert_eq!(node.supply(&Denom::gco2()), 4_000_000);
    // Redeem 1 t back to the specific credit.
    act(&mut node, "bob", CarbonAction::Redeem { pool: 1, batch: 1, grams: 1_000_000 }).unwrap();
    assert_eq!(node.balance(&bob, &credit), 7_000_000);
    // Retire 2 t of coin: the pool burns 2 t of its credits; Bob gets a receipt.
    let record = act(
        &mut node,
        "bob",
        CarbonAction::Retire {
            asset: RetireAsset::Coin { pool: 1 },
            grams: 2_000_000,
            beneficiary: "Bob's Bakery".into(),
            message: "2026 delivery vans".into(),
        },
    )
    .unwrap();
    let receipt = carbon_events(&record)
        .into_iter()
        .find_map(|e| match e {
            CarbonEvent::Retired { receipt, .. } => Some(receipt),
            _ => None,
        })
        .expect("a retirement event");
    let s = node.app.snapshot().unwrap();
    let r = state::retirement(&s, receipt).unwrap();
    assert_eq!((r.credits.clone(), r.pool), (vec![(1, 2_000_000)], Some(1)));
    assert_eq!(state::credit(&s, 1).unwrap().retired_g, 2_000_000);
    assert_eq!(node.supply(&Denom::gco2()), 1_000_000);
    assert_eq!(state::pool(&s, 1).unwrap().held_g, 1_000_000);
    // Retire 1 t of the credit directly.
    act(
        &mut node,
        "bob",
        CarbonAction::Retire {
            asset: RetireAsset::Credit { batch: 1 },
            grams: 1_000_000,
            beneficiary: "Bob".into(),
            message: "offset".into(),
        },
    )
    .unwrap();
    assert_eq!(node.supply(&credit), 7_000_000);
    let nft = greenhour_nft::state::tokens_of(&node.app.snapshot().unwrap(), &bob).unwrap();
    assert_eq!(nft.iter().filter(|t| t.class == greenhour_carbon::RECEIPT_CLASS).count(), 2);
}

#[test]
fn rejects_duplicate_serials_filtered_deposits_and_unbacked_redemptions() {
    let mut node = TestNode::new();
    let (bob, carol, dave) = (TestNode::key("bob"), TestNode::key("carol"), TestNode::key("dave"));
    act(&mut node, "bob", register("8765-123-VCS-2021", 2021, "renewable")).unwrap();
    // The same serial, in any case, by anyone, is refused.
    assert_eq!(
        code(&node.expect_rejected(&carol, carbon(register("8765-123-VCS-2021", 2021, "renewable")))),
        ("carbon", 13)
    );
    assert_eq!(
        code(&node.expect_rejected(&bob, carbon(register("8765-123-vcs-2021", 2021, "renewable")))),
        ("carbon", 13)
    );
    assert_eq!(code(&node.expect_rejected(&bob, carbon(register("bad serial!", 2021, "x")))), ("carbon", 10));
    // Only issuers approve; only pending batches.
    assert_eq!(code(&node.expect_rejected(&bob, carbon(CarbonAction::ApproveCredit { batch: 1 }))), ("carbon", 12));
    act(&mut node, "dave", CarbonAction::ApproveCredit { batch: 1 }).unwrap();
    assert_eq!(code(&node.expect_rejected(&dave, carbon(CarbonAction::ApproveCredit { batch: 1 }))), ("carbon", 15));
    // An old vintage is outside pool 1's filter; a pool for forestry only refuses renewables.
    act(&mut node, "bob", register("OLD-2010", 2010, "renewable")).unwrap();
    act(&mut node, "dave", CarbonAction::ApproveCredit { batch: 2 }).unwrap();
    let old = carbon(CarbonAction::Deposit { pool: 1, batch: 2, grams: 1 });
    assert_eq!(code(&node.expect_rejected(&bob, old)), ("carbon", 17));
    let forestry = CreditFilter { min_vintage: 2016, max_vintage: 2100, kinds: vec!["forestry".into()] };
    act(&mut node, "dave", CarbonAction::CreatePool { filter: forestry }).unwrap();
    let wrong_type = carbon(CarbonAction::Deposit { pool: 2, batch: 1, grams: 1 });
    assert_eq!(code(&node.expect_rejected(&bob, wrong_type)), ("carbon", 17));
    // Redeeming more than the pool holds of a batch, or depositing tokens one lacks.
    act(&mut node, "bob", CarbonAction::Deposit { pool: 1, batch: 1, grams: 5 }).unwrap();
    let short = carbon(CarbonAction::Redeem { pool: 1, batch: 1, grams: 6 });
    assert_eq!(code(&node.expect_rejected(&bob, short)), ("carbon", 18));
    let unfunded = carbon(CarbonAction::Deposit { pool: 1, batch: 1, grams: 5 });
    assert_eq!(code(&node.expect_rejected(&carol, unfunded)), ("carbon", 91));
    let retire_more = carbon(CarbonAction::Retire {
        asset: RetireAsset::Coin { pool: 1 },
        grams: 6,
        beneficiary: "b".into(),
        message: "m".into(),
    });
    assert_eq!(code(&node.expect_rejected(&bob, retire_more)), ("carbon", 91));
    let _ = Coin::ghr(0);
}
