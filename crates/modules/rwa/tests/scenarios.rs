//! RWA packages through the whole app (invariants checked after every block): a
//! package of a real pledged position issued in two tranches, a KYC'd investor
//! subscribing in an epoch, coupons paid from the package's income, a device
//! leaving written down against the junior, the epoch solver holding the
//! subordination, the secondary market's fills under the rules, and every
//! compliance refusal changing nothing.

use greenhour_app::{AppAction, Genesis};
use greenhour_devices::DeviceClass;
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_rwa::query::{HoldingView, PackageView};
use greenhour_rwa::{PackageId, Rules, RwaAction, RwaEvent, TrancheTerms};
use greenhour_testkit::rwa::{HOUR, JUNIOR, SENIOR};
use greenhour_testkit::TestNode;

const GUSD: u128 = 1_000_000;

fn addr(name: &str) -> Address {
    TestNode::addr(name)
}

fn code(e: &greenhour_framework::ErrorInfo) -> (&str, u32) {
    (e.module.as_str(), e.code)
}

fn genesis() -> Genesis {
    greenhour_testkit::rwa::genesis()
}

fn run(
    node: &mut TestNode,
    who: &str,
    a: RwaAction,
) -> Result<greenhour_app::TxRecord, greenhour_framework::ErrorInfo> {
    greenhour_testkit::rwa::run(node, who, a)
}

fn kyc(node: &mut TestNode, who: &str, jurisdiction: &str) {
    greenhour_testkit::rwa::kyc(node, addr(who), jurisdiction)
}

fn view(node: &TestNode, id: PackageId) -> PackageView {
    greenhour_rwa::query::package(&node.app.snapshot().unwrap(), id, node.now()).unwrap()
}

fn holding(node: &TestNode, id: PackageId, tranche: u32, who: &str) -> HoldingView {
    greenhour_rwa::query::holding(&node.app.snapshot().unwrap(), id, tranche, &addr(who)).unwrap()
}

/// Ends the open epoch (and the hour): the next block closes it and sweeps income.
fn next_epoch(node: &mut TestNode) -> Vec<RwaEvent> {
    RwaEvent::all_in(&greenhour_testkit::rwa::next_epoch(node))
}

fn package(node: &mut TestNode, rules: Rules) -> (PackageId, u64) {
    greenhour_testkit::rwa::package(node, rules)
}

/// A package whose senior carol (KYC'd in Singapore) bought for the package's
/// NAV at its first epoch: returns the node, the package, its position and that NAV.
fn senior_sold_to_carol() -> (TestNode, PackageId, u64, u128) {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, serial) = package(&mut node, Rules::default());
    kyc(&mut node, "carol", "SG");
    let nav = view(&node, id).nav.unwrap();
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: nav }).unwrap();
    next_epoch(&mut node);
    (node, id, serial, nav)
}

fn rules() -> Rules {
    Rules {
        allowed_jurisdictions: vec!["SG".into(), "AE".into(), "HK".into()],
        lockup_secs: 86_400,
        ..Rules::default()
    }
}

#[test]
fn app_can_issue_a_package_in_two_tranches_and_pay_the_senior_coupon_from_its_income() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, serial) = package(&mut node, rules());
    let v = view(&node, id);
    let nav = v.nav.expect("valued by the index");
    assert!(nav > 0);
    assert_eq!(v.tranches[JUNIOR as usize].value, Some(nav), "the junior is all the value so far");
    assert_eq!(holding(&node, id, JUNIOR, "dave").holding.units, nav, "dave holds the first loss, at par");
    assert_eq!(
        greenhour_pools::api::position_holder(&node.app.snapshot().unwrap(), serial).unwrap(),
        Some(greenhour_rwa::api::custody(id))
    );

    // carol (KYC'd in Singapore) subscribes to the senior: 20 % subordination lets
    // it take up to four times the junior's value.
    kyc(&mut node, "carol", "SG");
    let invest = nav * 2;
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: invest }).unwrap();
    assert_eq!(holding(&node, id, SENIOR, "carol").order.invest, invest, "queued until the epoch closes");
    let events = next_epoch(&mut node);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, RwaEvent::EpochTranche { tranche: SENIOR, invested, .. } if *invested == invest)),
        "{events:?}"
    );
    let carol = holding(&node, id, SENIOR, "carol");
    assert_eq!((carol.holding.units, carol.order.invest), (invest, 0), "bought at par");
    let v = view(&node, id);
    assert_eq!(v.book.reserve, invest);
    assert!(v.tranches[SENIOR as usize].subordination_bps.unwrap() >= 2_000, "{v:?}");

    // The position earns: 50 gUSD reach the custody (a settlement pays the NFT's holder).
    node.deliver(node.send("bob", &greenhour_rwa::api::custody(id), Coin::new(Denom::gusd(), 50 * GUSD))).unwrap();
    let dave_before = node.balance(&addr("dave"), &Denom::gusd());
    let events = next_epoch(&mut node);
    let (fee, coupons, to_reserve) = events
        .iter()
        .find_map(|e| match e {
            RwaEvent::Income { received, fee, coupons, to_reserve, .. } if *received == 50 * GUSD => {
                Some((*fee, *coupons, *to_reserve))
            }
            _ => None,
        })
        .expect("the income swept");
    assert_eq!(fee, GUSD / 2, "1 % to the issuer");
    assert!(coupons > 0, "an hour of 10 % on the senior principal");
    assert_eq!(fee + coupons + to_reserve, 50 * GUSD, "the waterfall pays out exactly what came in");
    assert_eq!(node.balance(&addr("dave"), &Denom::gusd()), dave_before + fee);
    let due = holding(&node, id, SENIOR, "carol").payout_due;
    assert!(due > 0 && due <= coupons, "{due} of {coupons}");
    let carol_before = node.balance(&addr("carol"), &Denom::gusd());
    run(&mut node, "carol", RwaAction::ClaimPayout { package: id, tranche: SENIOR }).unwrap();
    assert!(node.balance(&addr("carol"), &Denom::gusd()) + 10_000 > carol_before + due, "paid, less the fee");
    assert_eq!(holding(&node, id, SENIOR, "carol").payout_due, 0);
}

#[test]
fn app_can_write_down_a_package_when_its_device_leaves_and_the_junior_takes_the_loss() {
    let (mut node, id, serial, _) = senior_sold_to_carol();
    let before = view(&node, id);
    let senior_before = before.tranches[SENIOR as usize].value.unwrap();
    let junior_before = before.tranches[JUNIOR as usize].value.unwrap();
    // dave's device leaves its pool: the position's future hours are withdrawn.
    let position = greenhour_pools::api::position(&node.app.snapshot().unwrap(), serial).unwrap();
    let leave = greenhour_pools::PoolsAction::Leave { pool: position.pool, device: position.device };
    node.deliver(node.tx(&TestNode::key("dave"), vec![AppAction::Pools(leave)])).unwrap();
    let after = view(&node, id);
    assert!(after.nav.unwrap() < before.nav.unwrap(), "written down by rule: {after:?}");
    let junior_after = after.tranches[JUNIOR as usize].value.unwrap();
    assert!(junior_after < junior_before, "the junior absorbs it first");
    assert!(
        after.tranches[SENIOR as usize].value.unwrap() >= senior_before,
        "the senior keeps its claim while the junior lasts"
    );
    let r = report(&node, id);
    assert!(r.assets[0].left_at_hour.is_some(), "the report shows the device left: {:?}", r.assets[0]);
    assert_eq!(r.assets[0].future_units, 0);
}

fn book(node: &TestNode, id: PackageId, tranche: u32) -> greenhour_rwa::query::OfferBook {
    greenhour_rwa::query::book(&node.app.snapshot().unwrap(), id, tranche).unwrap()
}

const PAR: u128 = 1_000_000_000_000_000_000;

fn offer(
    tranche: u32,
    side: greenhour_rwa::Side,
    units: u128,
    price_wad: u128,
    immediate_only: bool,
    id: PackageId,
) -> RwaAction {
    RwaAction::PlaceOffer { package: id, tranche, side, units, price_wad, immediate_only }
}

#[test]
fn app_can_trade_tranche_units_in_the_secondary_market_under_the_rules() {
    use greenhour_rwa::Side::{Buy, Sell};
    let mut node = TestNode::with_genesis(&genesis());
    let (id, _) = package(&mut node, Rules { allowed_jurisdictions: vec!["SG".into()], ..Rules::default() });
    kyc(&mut node, "carol", "SG");
    kyc(&mut node, "bob", "SG");
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: 2 * GUSD }).unwrap();
    next_epoch(&mut node);
    assert_eq!(holding(&node, id, SENIOR, "carol").holding.units, 2 * GUSD);

    // carol asks 1 unit-million at 1.01; listed units cannot move otherwise.
    run(&mut node, "carol", offer(SENIOR, Sell, GUSD, PAR + PAR / 100, false, id)).unwrap();
    assert_eq!(holding(&node, id, SENIOR, "carol").holding.listed, GUSD);
    let e = node.expect_rejected(
        &TestNode::key("carol"),
        vec![AppAction::Rwa(RwaAction::Transfer { package: id, tranche: SENIOR, to: addr("bob"), units: GUSD + 1 })],
    );
    assert_eq!(code(&e), ("rwa", 11), "listed units stay put: {e}");

    // bob bids at 1.02 for 400,000: filled at carol's 1.01, the rest of his escrow back.
    let (bob_before, carol_before) =
        (node.balance(&addr("bob"), &Denom::gusd()), node.balance(&addr("carol"), &Denom::gusd()));
    let record = run(&mut node, "bob", offer(SENIOR, Buy, 400_000, PAR + PAR / 50, false, id)).unwrap();
    let traded = RwaEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            RwaEvent::Traded { units, cash, price_wad, .. } => Some((units, cash, price_wad)),
            _ => None,
        })
        .expect("a fill");
    assert_eq!(traded, (400_000, 404_000, PAR + PAR / 100), "at the resting offer's price");
    assert_eq!(node.balance(&addr("bob"), &Denom::gusd()) + 404_000, bob_before, "bob paid the fill, no more");
    assert_eq!(node.balance(&addr("carol"), &Denom::gusd()), carol_before + 404_000);
    assert_eq!(holding(&node, id, SENIOR, "bob").holding.units, 400_000);
    let carol = holding(&node, id, SENIOR, "carol").holding;
    assert_eq!((carol.units, carol.listed), (2 * GUSD - 400_000, GUSD - 400_000));
    let b = book(&node, id, SENIOR);
    assert_eq!((b.bids.len(), b.asks.len(), b.asks[0].units), (0, 1, GUSD - 400_000));

    // No fill with someone the rules refuse: alice (the KYC provider) has no identity herself.
    let e =
        node.expect_rejected(&TestNode::key("alice"), vec![AppAction::Rwa(offer(SENIOR, Buy, 1, PAR * 2, false, id))]);
    assert_eq!(code(&e), ("rwa", 9), "{e}");

    // A resting bid whose owner loses its claim is closed, not filled.
    run(&mut node, "bob", offer(SENIOR, Buy, 100_000, PAR - PAR / 100, false, id)).unwrap();
    run(&mut node, "alice", RwaAction::Revoke { subject: addr("bob") }).unwrap();
    let bob_units = holding(&node, id, SENIOR, "bob").holding.units;
    let record = run(&mut node, "carol", offer(SENIOR, Sell, 100_000, PAR - PAR / 50, true, id)).unwrap();
    assert!(
        RwaEvent::all_in(&record.events).iter().any(|e| matches!(e, RwaEvent::OfferClosed { .. })),
        "bob's bid closed: {:?}",
        record.events
    );
    assert_eq!(holding(&node, id, SENIOR, "bob").holding.units, bob_units, "no units reached bob");
    assert!(book(&node, id, SENIOR).bids.is_empty());

    // The agent's forced transfer closes the asks holding the units it takes.
    run(
        &mut node,
        "dave",
        RwaAction::ForceTransfer {
            package: id,
            tranche: SENIOR,
            from: addr("carol"),
            to: addr("dave"),
            units: 2 * GUSD - 400_000,
        },
    )
    .unwrap();
    assert!(book(&node, id, SENIOR).asks.is_empty());
    assert_eq!(holding(&node, id, SENIOR, "carol").holding, greenhour_rwa::Holding::default());
}

fn report(node: &TestNode, id: PackageId) -> greenhour_rwa::query::PackageReport {
    greenhour_rwa::query::report(&node.app.snapshot().unwrap(), id, 0, 0, node.now()).unwrap()
}

#[test]
fn app_can_report_a_packages_cash_flows_realised_yields_and_devices() {
    let (mut node, id, serial, nav) = senior_sold_to_carol();
    let r = report(&node, id);
    assert!(r.flows.is_empty(), "no income yet: {:?}", r.flows);
    let closed = r.epochs.len();
    let last = r.epochs.last().expect("the subscription's epoch closed");
    assert_eq!(last.invested[SENIOR as usize], nav);
    assert_eq!(r.tranches[SENIOR as usize].realised_bps, None, "no principal outstanding for any time yet");

    // Two hours of income, each enough for the hour's coupon.
    for amount in [40 * GUSD, 25 * GUSD] {
        node.deliver(node.send("bob", &greenhour_rwa::api::custody(id), Coin::new(Denom::gusd(), amount))).unwrap();
        next_epoch(&mut node);
    }
    let r = report(&node, id);
    assert_eq!(r.flows.iter().map(|f| f.received).collect::<Vec<_>>(), vec![40 * GUSD, 25 * GUSD]);
    for f in &r.flows {
        let paid = f.fee + f.coupons.iter().sum::<u128>() + f.principal.iter().sum::<u128>() + f.to_reserve;
        assert_eq!(paid, f.received, "each hour's waterfall pays out what came in: {f:?}");
    }
    assert!(r.flows[1].hour > r.flows[0].hour);
    assert_eq!(r.epochs.len(), closed + 2);
    let senior = &r.tranches[SENIOR as usize];
    let coupons: u128 = r.flows.iter().map(|f| f.coupons[SENIOR as usize]).sum();
    assert_eq!(senior.coupons_paid, coupons);
    let realised = senior.realised_bps.expect("principal was outstanding");
    // Paid in full, it realises its 10 % target. Each accrual rounds the coupon up by
    // under 1 ugusd: on ~10 gUSD for two hours that is at most ~2.2 bps per accrual.
    let principal_seconds = senior.principal_outstanding * u128::from(2 * HOUR);
    let rounding = (4 * 10_000 * 31_536_000 / principal_seconds) as u32;
    assert!((1_000..=1_000 + rounding).contains(&realised), "realised {realised}, rounding up to {rounding}");
    assert_eq!(senior.target_bps, 1_000);
    assert!(r.tranches[JUNIOR as usize].realised_bps.is_none(), "the residual has no coupon");
    let asset = &r.assets[0];
    assert_eq!((asset.serial, asset.left_at_hour), (serial, None));
    assert!(asset.future_units > 0 && asset.value.unwrap() > 0, "{asset:?}");
    assert_eq!(asset.uptime_bps + asset.downtime_bps, 10_000);
    // A later page starts where asked.
    let last_epoch = r.epochs.last().unwrap().epoch;
    let later =
        greenhour_rwa::query::report(&node.app.snapshot().unwrap(), id, r.flows[1].hour, last_epoch, node.now())
            .unwrap();
    assert_eq!((later.flows.len(), later.epochs.len()), (1, 1));
}

#[test]
fn app_can_hold_the_subordination_when_subscriptions_exceed_it() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, _) = package(&mut node, Rules::default());
    kyc(&mut node, "carol", "SG");
    let nav = view(&node, id).nav.unwrap();
    // Twice what 20 % subordination allows (four times the junior).
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: 8 * nav }).unwrap();
    next_epoch(&mut node);
    let v = view(&node, id);
    let filled = holding(&node, id, SENIOR, "carol");
    assert!(filled.holding.units > 3 * nav && filled.holding.units <= 4 * nav, "about half filled: {filled:?}");
    assert!(filled.order.invest >= 4 * nav, "the rest waits for the next epoch: {filled:?}");
    assert!(v.tranches[SENIOR as usize].subordination_bps.unwrap() >= 2_000, "{v:?}");
}

#[test]
fn rejects_movements_the_rules_forbid_and_changes_nothing() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, serial) = package(&mut node, Rules { max_holding: 100 * GUSD, ..rules() });
    kyc(&mut node, "carol", "SG");
    kyc(&mut node, "bob", "US");
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: GUSD }).unwrap();
    next_epoch(&mut node);
    let cases: Vec<(&str, RwaAction, (&str, u32), &str)> = vec![
        (
            "bob",
            RwaAction::Invest { package: id, tranche: SENIOR, amount: GUSD },
            ("rwa", 9),
            "a jurisdiction the package does not allow",
        ),
        (
            "carol",
            RwaAction::Transfer { package: id, tranche: SENIOR, to: addr("bob"), units: 1 },
            ("rwa", 9),
            "a transfer to a holder the rules refuse",
        ),
        (
            "carol",
            RwaAction::Transfer { package: id, tranche: SENIOR, to: Address([9; 20]), units: 1 },
            ("rwa", 9),
            "a transfer to an unverified address",
        ),
        (
            "carol",
            RwaAction::Invest { package: id, tranche: SENIOR, amount: 200 * GUSD },
            ("rwa", 9),
            "a subscription above the holding cap",
        ),
        (
            "carol",
            RwaAction::Redeem { package: id, tranche: SENIOR, units: 1 },
            ("rwa", 10),
            "a redemption in the lock-up",
        ),
        ("carol", RwaAction::Redeem { package: id, tranche: SENIOR, units: u128::MAX }, ("rwa", 11), "more than held"),
        ("carol", RwaAction::AddAsset { package: id, serial }, ("rwa", 3), "only the issuer adds assets"),
        (
            "dave",
            RwaAction::AddAsset { package: id, serial: serial + 1_000 },
            ("rwa", 8),
            "an asset that is not the issuer's",
        ),
        (
            "bob",
            RwaAction::Claim {
                subject: addr("bob"),
                jurisdiction: "SG".into(),
                accredited: true,
                expires_at: u64::MAX,
            },
            ("rwa", 4),
            "a claim from an untrusted issuer",
        ),
        ("carol", RwaAction::Invest { package: id, tranche: 2, amount: GUSD }, ("rwa", 2), "no such tranche"),
        ("carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: 0 }, ("rwa", 6), "zero"),
        (
            "carol",
            RwaAction::Freeze { package: id, who: addr("carol"), frozen: true },
            ("rwa", 3),
            "only the agent freezes",
        ),
    ];
    for (who, action, expected, why) in cases {
        let e = node.expect_rejected(&TestNode::key(who), vec![AppAction::Rwa(action)]);
        assert_eq!(code(&e), expected, "{why}: {e}");
    }
}

#[test]
fn app_can_freeze_a_holder_and_force_a_transfer_as_the_agent() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, _) = package(&mut node, rules());
    kyc(&mut node, "carol", "SG");
    kyc(&mut node, "alice", "HK");
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: GUSD }).unwrap();
    next_epoch(&mut node);
    node.advance(86_400);
    run(&mut node, "dave", RwaAction::Freeze { package: id, who: addr("carol"), frozen: true }).unwrap();
    let e = run(&mut node, "carol", RwaAction::Transfer { package: id, tranche: SENIOR, to: addr("alice"), units: 1 })
        .unwrap_err();
    assert_eq!(code(&e), ("rwa", 9), "frozen: {e}");
    let force =
        RwaAction::ForceTransfer { package: id, tranche: SENIOR, from: addr("carol"), to: addr("alice"), units: GUSD };
    let record = run(&mut node, "dave", force).unwrap();
    assert!(RwaEvent::all_in(&record.events)
        .iter()
        .any(|e| matches!(e, RwaEvent::Transferred { forced: true, units, .. } if *units == GUSD)));
    assert_eq!(holding(&node, id, SENIOR, "alice").holding.units, GUSD);
    assert_eq!(holding(&node, id, SENIOR, "carol").holding.units, 0);
}

#[test]
fn rejects_an_order_past_the_tranches_open_order_cap() {
    let mut g = genesis();
    g.rwa.params.max_orders = 1;
    let mut node = TestNode::with_genesis(&g);
    let (id, _) = package(&mut node, Rules::default());
    kyc(&mut node, "carol", "SG");
    kyc(&mut node, "bob", "SG");
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: GUSD }).unwrap();
    run(&mut node, "carol", RwaAction::Invest { package: id, tranche: SENIOR, amount: GUSD }).unwrap();
    let e = node.expect_rejected(
        &TestNode::key("bob"),
        vec![AppAction::Rwa(RwaAction::Invest { package: id, tranche: SENIOR, amount: GUSD })],
    );
    assert_eq!(code(&e), ("rwa", 12), "a second investor's order: {e}");
    // Once the epoch fills carol's order, the tranche takes a new one.
    next_epoch(&mut node);
    run(&mut node, "bob", RwaAction::Invest { package: id, tranche: SENIOR, amount: GUSD }).unwrap();
}

#[test]
fn rejects_malformed_terms_and_claims_and_changes_nothing() {
    let mut node = TestNode::with_genesis(&genesis());
    let create = |tranches: Vec<TrancheTerms>, rules: Rules, fee_bps: u32| RwaAction::CreatePackage {
        name: "bad".into(),
        legal_name: "Bad SPV".into(),
        jurisdiction: "SG".into(),
        documents: vec![],
        class: DeviceClass::Home,
        tranches,
        rules,
        epoch_secs: HOUR,
        fee_bps,
        maturity: u64::MAX,
    };
    let two = || {
        vec![
            TrancheTerms { name: "senior".into(), coupon_bps: 800, min_subordination_bps: 2_000 },
            TrancheTerms { name: "junior".into(), coupon_bps: 0, min_subordination_bps: 0 },
        ]
    };
    let many = Rules { allowed_jurisdictions: vec!["SG".into(); 65], ..Rules::default() };
    let cases: Vec<(&str, RwaAction, &str)> = vec![
        ("dave", create(two(), many, 100), "65 allowed jurisdictions"),
        (
            "dave",
            create(two(), Rules { blocked_jurisdictions: vec!["sg".into()], ..Rules::default() }, 100),
            "lower case",
        ),
        ("dave", create(two()[..1].to_vec(), Rules::default(), 100), "one tranche"),
        ("dave", create(two(), Rules::default(), 9_000), "a fee above the cap"),
        (
            "dave",
            create(
                vec![two()[0].clone(), TrancheTerms { name: "junior".into(), coupon_bps: 5, min_subordination_bps: 0 }],
                Rules::default(),
                100,
            ),
            "a residual with a coupon",
        ),
        (
            "alice",
            RwaAction::Claim {
                subject: addr("bob"),
                jurisdiction: "Singapore".into(),
                accredited: false,
                expires_at: u64::MAX,
            },
            "not an alpha-2 code",
        ),
        (
            "alice",
            RwaAction::Claim { subject: addr("bob"), jurisdiction: "SG".into(), accredited: false, expires_at: 1 },
            "a claim that has expired",
        ),
    ];
    for (who, action, why) in cases {
        let e = node.expect_rejected(&TestNode::key(who), vec![AppAction::Rwa(action)]);
        assert_eq!(code(&e), ("rwa", 5), "{why}: {e}");
    }
}
