//! Funds through the whole app (invariants checked after every block): a green
//! compute fund takes deposits, its manager subscribes its cash to a real
//! package's senior tranche, the coupons come back as cash and raise the price
//! per share, fees are taken as shares, a redemption the cash cannot pay waits
//! in the queue until the manager redeems units, and every refusal changes nothing.

use greenhour_app::AppAction;
use greenhour_funds::query::{FundView, SharesView};
use greenhour_funds::{FundId, FundsAction, FundsEvent, Mandate};
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_rwa::{PackageId, Rules};
use greenhour_testkit::rwa::{genesis, kyc, next_epoch, package, SENIOR};
use greenhour_testkit::TestNode;

const GUSD: u128 = 1_000_000;

fn addr(name: &str) -> Address {
    TestNode::addr(name)
}

fn run(
    node: &mut TestNode,
    who: &str,
    a: FundsAction,
) -> Result<greenhour_app::TxRecord, greenhour_framework::ErrorInfo> {
    node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Funds(a)]))
}

fn view(node: &TestNode, id: FundId) -> FundView {
    greenhour_funds::query::fund(&node.app.snapshot().unwrap(), id, node.now()).unwrap()
}

fn shares(node: &TestNode, id: FundId, who: &str) -> SharesView {
    greenhour_funds::query::shares(&node.app.snapshot().unwrap(), id, &addr(who), node.now()).unwrap()
}

/// bob's fund (1 % a year, 10 % of gains), its custody verified in Singapore so it
/// may hold tranche units; dave's package of one real position.
fn fund_and_package(node: &mut TestNode, mandate: Mandate) -> (FundId, PackageId) {
    let (package, _) = package(node, Rules::default());
    let create = FundsAction::Create {
        name: "Greenhour green compute fund".into(),
        mandate,
        management_fee_bps: 100,
        performance_fee_bps: 1_000,
        verified_only: false,
    };
    let record = run(node, "bob", create).unwrap();
    let id = FundsEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            FundsEvent::Created { fund, .. } => Some(fund),
            _ => None,
        })
        .expect("a fund");
    kyc(node, greenhour_funds::api::custody(id), "SG");
    (id, package)
}

#[test]
fn app_can_invest_deposits_in_a_senior_tranche_and_pay_its_coupons_to_shareholders() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, package) = fund_and_package(&mut node, Mandate::GreenCompute);
    run(&mut node, "carol", FundsAction::Deposit { fund: id, assets: 20 * GUSD, min_shares: 0 }).unwrap();
    let carol = shares(&node, id, "carol");
    assert_eq!(carol.worth, Some(20 * GUSD), "a first deposit is worth what it paid");
    assert_eq!(carol.shares, 20 * GUSD * 1_000_000, "six decimals more than ugusd (the virtual offset)");

    // The manager subscribes 5 gUSD of the cash to the senior (10 % coupon).
    let allocate = FundsAction::Allocate { fund: id, package, tranche: SENIOR, invest: 5 * GUSD, redeem: 0 };
    run(&mut node, "bob", allocate).unwrap();
    let v = view(&node, id);
    assert_eq!((v.idle, v.total_assets), (15 * GUSD, Some(20 * GUSD)), "the order is worth its gUSD while it waits");
    next_epoch(&mut node);
    let held = view(&node, id).holdings[0].worth.clone().unwrap();
    assert_eq!((held.units, held.investing), (5 * GUSD, 0), "filled at par");

    // The package earns; its waterfall pays the senior's coupon, which the fund collects.
    node.deliver(node.send("alice", &greenhour_rwa::api::custody(package), Coin::new(Denom::gusd(), 30 * GUSD)))
        .unwrap();
    let events = next_epoch(&mut node);
    let collected: u128 = FundsEvent::all_in(&events)
        .into_iter()
        .filter_map(|e| match e {
            FundsEvent::Collected { amount, .. } => Some(amount),
            _ => None,
        })
        .sum();
    assert!(collected > 0, "the coupon came back as cash: {events:?}");
    let v = view(&node, id);
    assert_eq!(v.idle, 15 * GUSD + collected);
    let total = v.total_assets.unwrap();
    assert!(total > 20 * GUSD, "the fund grew by its coupon: {total}");
    assert!(v.book.fees_taken > 0, "fees were taken");
    let bob = shares(&node, id, "bob");
    assert!(bob.shares > 0 && bob.worth.unwrap() <= v.book.fees_taken, "the manager's fee shares: {bob:?}");
    let carol = shares(&node, id, "carol");
    assert!(carol.worth.unwrap() > 20 * GUSD, "carol gained, after fees: {carol:?}");
    assert!(carol.worth.unwrap() + bob.worth.unwrap() <= total, "shares × price ≤ assets");

    // carol redeems half of her shares now, from the cash.
    let before = node.balance(&addr("carol"), &Denom::gusd());
    let half = carol.shares / 2;
    let expected = carol.worth.unwrap() / 2;
    run(&mut node, "carol", FundsAction::Redeem { fund: id, shares: half, min_assets: expected - 10 }).unwrap();
    let got = node.balance(&addr("carol"), &Denom::gusd()) - before;
    assert!(got + 2 >= expected && got <= expected + 1, "paid what half her shares were worth: {got} vs {expected}");
}

#[test]
fn app_can_queue_a_redemption_until_the_fund_has_the_cash() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, package) = fund_and_package(&mut node, Mandate::GreenCompute);
    run(&mut node, "carol", FundsAction::Deposit { fund: id, assets: 10 * GUSD, min_shares: 0 }).unwrap();
    let allocate = FundsAction::Allocate { fund: id, package, tranche: SENIOR, invest: 9 * GUSD, redeem: 0 };
    run(&mut node, "bob", allocate).unwrap();
    next_epoch(&mut node);
    let all = shares(&node, id, "carol").shares;
    let e = node.expect_rejected(
        &TestNode::key("carol"),
        vec![AppAction::Funds(FundsAction::Redeem { fund: id, shares: all, min_assets: 0 })],
    );
    assert_eq!((e.module.as_str(), e.code), ("funds", 9), "only 1 gUSD is cash: {e}");
    run(&mut node, "carol", FundsAction::RequestRedeem { fund: id, shares: all }).unwrap();
    let v = view(&node, id);
    assert_eq!((v.requests.len(), v.book.queued_shares), (1, all));
    let before = node.balance(&addr("carol"), &Denom::gusd());
    next_epoch(&mut node);
    let paid = node.balance(&addr("carol"), &Denom::gusd()) - before;
    let v = view(&node, id);
    assert!(paid > 0 && paid <= GUSD, "the hour's cash pays part of the request: {paid}");
    assert!(v.book.queued_shares > 0 && v.book.queued_shares < all, "the rest keeps its place: {v:?}");
    assert_eq!(v.idle, 0);

    // The manager redeems the senior units; the epoch's cash pays the rest of the queue.
    let units = v.holdings[0].worth.clone().unwrap().units;
    run(&mut node, "bob", FundsAction::Allocate { fund: id, package, tranche: SENIOR, invest: 0, redeem: units })
        .unwrap();
    next_epoch(&mut node);
    // The epoch redeems what the package's reserve pays (the units' accrued coupon
    // is more than the reserve holds), so a few units stay in the fund and the
    // request's last shares, worth as much, wait for their cash.
    let v = view(&node, id);
    let left = greenhour_funds::math::to_assets_down(v.book.queued_shares, v.total_assets.unwrap(), v.book.shares);
    assert!(left.unwrap() < 1_000, "all but dust paid: {v:?}");
    let received = node.balance(&addr("carol"), &Denom::gusd()) - before;
    assert!(
        received <= 10 * GUSD && received + 1_000 >= 10 * GUSD,
        "carol got her 10 gUSD back, less the fees and the dust waiting: {received}"
    );
}

#[test]
fn rejects_an_immediate_redemption_from_cash_a_queued_request_is_owed() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, package) = fund_and_package(&mut node, Mandate::GreenCompute);
    run(&mut node, "carol", FundsAction::Deposit { fund: id, assets: 10 * GUSD, min_shares: 0 }).unwrap();
    run(&mut node, "dave", FundsAction::Deposit { fund: id, assets: 10 * GUSD, min_shares: 0 }).unwrap();
    let allocate = FundsAction::Allocate { fund: id, package, tranche: SENIOR, invest: 15 * GUSD, redeem: 0 };
    run(&mut node, "bob", allocate).unwrap();
    next_epoch(&mut node);
    assert_eq!(view(&node, id).idle, 5 * GUSD, "a quarter of the fund is cash");
    // With no queue, dave takes a gUSD's worth of shares out of the cash at once.
    let a_gusd = shares(&node, id, "dave").shares / 10;
    run(&mut node, "dave", FundsAction::Redeem { fund: id, shares: a_gusd, min_assets: 0 }).unwrap();
    // carol queues all her shares (10 gUSD, more than the cash): the cash is hers now.
    let all = shares(&node, id, "carol").shares;
    run(&mut node, "carol", FundsAction::RequestRedeem { fund: id, shares: all }).unwrap();
    let before = shares(&node, id, "dave").shares;
    let e = node.expect_rejected(
        &TestNode::key("dave"),
        vec![AppAction::Funds(FundsAction::Redeem { fund: id, shares: a_gusd, min_assets: 0 })],
    );
    assert_eq!((e.module.as_str(), e.code), ("funds", 9), "the cash is owed to the queue: {e}");
    assert_eq!(shares(&node, id, "dave").shares, before, "the refusal changed nothing");
    // The hour's sweep pays the queue from that cash, oldest first.
    let carol_before = node.balance(&addr("carol"), &Denom::gusd());
    next_epoch(&mut node);
    let paid = node.balance(&addr("carol"), &Denom::gusd()) - carol_before;
    assert!(paid >= 4 * GUSD, "carol's request took the cash dave could not: {paid}");
}

#[test]
fn rejects_what_the_fund_does_not_allow_and_changes_nothing() {
    let mut node = TestNode::with_genesis(&genesis());
    let (id, package) = fund_and_package(&mut node, Mandate::GreenCompute);
    // A future fund created after the package may not buy it.
    run(
        &mut node,
        "bob",
        FundsAction::Create {
            name: "Future fund".into(),
            mandate: Mandate::Future,
            management_fee_bps: 0,
            performance_fee_bps: 0,
            verified_only: true,
        },
    )
    .unwrap();
    let future = FundId(id.0 + 1);
    kyc(&mut node, greenhour_funds::api::custody(future), "SG");
    kyc(&mut node, addr("carol"), "SG");
    run(&mut node, "carol", FundsAction::Deposit { fund: future, assets: 5 * GUSD, min_shares: 0 }).unwrap();
    run(&mut node, "carol", FundsAction::Deposit { fund: id, assets: 5 * GUSD, min_shares: 0 }).unwrap();
    let unverified_fund = {
        let create = FundsAction::Create {
            name: "Unverified".into(),
            mandate: Mandate::GreenCompute,
            management_fee_bps: 0,
            performance_fee_bps: 0,
            verified_only: false,
        };
        run(&mut node, "dave", create).unwrap();
        FundId(id.0 + 2)
    };
    run(&mut node, "dave", FundsAction::Deposit { fund: unverified_fund, assets: GUSD, min_shares: 0 }).unwrap();
    let invest = |fund, amount| FundsAction::Allocate { fund, package, tranche: SENIOR, invest: amount, redeem: 0 };
    let cases: Vec<(&str, FundsAction, u32, &str)> = vec![
        ("carol", invest(id, GUSD), 2, "only the manager allocates"),
        ("bob", invest(future, GUSD), 6, "a future fund buys only packages issued after it"),
        ("dave", invest(unverified_fund, GUSD), 13, "the package refuses an unverified fund (rwa/9)"),
        ("bob", invest(id, 500 * GUSD), 9, "more than the fund's cash"),
        (
            "carol",
            FundsAction::Deposit { fund: id, assets: GUSD, min_shares: u128::MAX },
            7,
            "fewer shares than the limit",
        ),
        ("dave", FundsAction::Deposit { fund: future, assets: GUSD, min_shares: 0 }, 11, "an unverified depositor"),
        ("carol", FundsAction::Deposit { fund: id, assets: 0, min_shares: 0 }, 4, "zero"),
        ("carol", FundsAction::Redeem { fund: id, shares: u128::MAX, min_assets: 0 }, 8, "more shares than held"),
        ("dave", FundsAction::Transfer { fund: future, to: addr("carol"), shares: 1 }, 8, "shares dave does not have"),
        ("carol", FundsAction::Transfer { fund: future, to: addr("dave"), shares: 1 }, 11, "to an unverified holder"),
        ("carol", FundsAction::Deposit { fund: FundId(99), assets: GUSD, min_shares: 0 }, 1, "no such fund"),
        (
            "bob",
            FundsAction::Create {
                name: "Greedy".into(),
                mandate: Mandate::GreenCompute,
                management_fee_bps: 5_000,
                performance_fee_bps: 0,
                verified_only: false,
            },
            3,
            "a fee above the bound",
        ),
    ];
    for (who, action, code, why) in cases {
        let e = node.expect_rejected(&TestNode::key(who), vec![AppAction::Funds(action)]);
        assert_eq!((e.module.as_str(), e.code), ("funds", code), "{why}: {e}");
    }
}

/// 50 ugusd per ugco2: 50 gUSD a tonne of CO2e, WAD.
const CARBON_PRICE_WAD: i128 = 50 * 1_000_000_000_000_000_000;

/// The ESG fund's market: a `gco2.gusd` feed at 50 gUSD a tonne, and alice's
/// carbon-coin vault (20 t of bridged credits pooled into `ugco2`, 300 gUSD of
/// debt) for the fund's gUSD to be redeemed against.
fn carbon_market() -> TestNode {
    let g = greenhour_testkit::prices::with_feed(genesis(), "gco2.gusd", "ugusd per ugco2, WAD", 86_400);
    let mut node = TestNode::with_genesis(&g);
    greenhour_testkit::prices::report(&mut node, "gco2.gusd", CARBON_PRICE_WAD);
    let carbon = |node: &mut TestNode, who: &str, a: greenhour_carbon::CarbonAction| {
        node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Carbon(a)])).unwrap()
    };
    let record = carbon(
        &mut node,
        "alice",
        greenhour_carbon::CarbonAction::RegisterCredit {
            registry: "verra".into(),
            serial: "VCS-ESG-2024-1".into(),
            project: "Rooftop solar, Greensboro".into(),
            vintage: 2024,
            kind: "renewable".into(),
            tonnes: 20,
            attributes: Vec::new(),
        },
    );
    let batch = greenhour_carbon::CarbonEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            greenhour_carbon::CarbonEvent::CreditRegistered { batch, .. } => Some(batch),
            _ => None,
        })
        .expect("a registered batch");
    carbon(&mut node, "dave", greenhour_carbon::CarbonAction::ApproveCredit { batch });
    carbon(&mut node, "alice", greenhour_carbon::CarbonAction::Deposit { pool: 1, batch, grams: 20_000_000 });
    let open = greenhour_stable::StableAction::Open {
        denom: Denom::gco2(),
        collateral: 20_000_000,
        debt: 300 * GUSD,
        rate_bps: 500,
    };
    node.deliver(node.tx(&TestNode::key("alice"), vec![AppAction::Stable(open)])).unwrap();
    node
}

fn esg_fund(node: &mut TestNode) -> FundId {
    let create = FundsAction::Create {
        name: "Greenhour ESG fund".into(),
        mandate: Mandate::Esg,
        management_fee_bps: 100,
        performance_fee_bps: 0,
        verified_only: false,
    };
    let record = run(node, "bob", create).unwrap();
    FundsEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            FundsEvent::Created { fund, .. } => Some(fund),
            _ => None,
        })
        .expect("a fund")
}

#[test]
fn app_can_run_an_esg_fund_that_buys_carbon_coin_and_redeems_in_kind() {
    let mut node = carbon_market();
    let id = esg_fund(&mut node);
    run(&mut node, "carol", FundsAction::Deposit { fund: id, assets: 100 * GUSD, min_shares: 0 }).unwrap();

    // The manager spends 40 gUSD of the cash on carbon coin at the oracle price,
    // less the stable module's redemption fee.
    let record = run(&mut node, "bob", FundsAction::BuyCarbon { fund: id, gusd: 40 * GUSD, max_fee_bps: 500 }).unwrap();
    let carbon = FundsEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            FundsEvent::CarbonBought { gusd, carbon, .. } => Some((gusd, carbon)),
            _ => None,
        })
        .expect("a purchase");
    assert_eq!(carbon.0, 40 * GUSD, "all 40 gUSD redeemed");
    let at_par = 40 * GUSD / 50;
    assert!(carbon.1 < at_par && carbon.1 >= at_par * 99 / 100, "800,000 g less a fee under 1 %: {}", carbon.1);
    let v = view(&node, id);
    assert_eq!((v.idle, v.carbon), (60 * GUSD, carbon.1));
    assert_eq!(v.carbon_worth, Some(carbon.1 * 50), "the coin at the feed's price");
    assert_eq!(v.total_assets, Some(60 * GUSD + carbon.1 * 50), "NAV = cash + carbon at the oracle");
    let worth = shares(&node, id, "carol").worth.unwrap();
    assert!(worth < 100 * GUSD && worth > 99 * GUSD, "carol's shares lost only the redemption fee: {worth}");

    // The carbon price doubles: the NAV follows the oracle.
    greenhour_testkit::prices::report(&mut node, "gco2.gusd", 2 * CARBON_PRICE_WAD);
    assert_eq!(view(&node, id).total_assets, Some(60 * GUSD + carbon.1 * 100));

    // carol takes half her shares out in kind: half the cash and half the coin,
    // rounded down, with no cash redemption needed.
    let half = shares(&node, id, "carol").shares / 2;
    let (gusd_before, coin_before) =
        (node.balance(&addr("carol"), &Denom::gusd()), node.balance(&addr("carol"), &Denom::gco2()));
    run(&mut node, "carol", FundsAction::RedeemInKind { fund: id, shares: half }).unwrap();
    let got_gusd = node.balance(&addr("carol"), &Denom::gusd()) - gusd_before;
    let got_coin = node.balance(&addr("carol"), &Denom::gco2()) - coin_before;
    assert!(got_gusd <= 30 * GUSD && got_gusd + 2 >= 30 * GUSD, "half the cash: {got_gusd}");
    assert!(got_coin <= carbon.1 / 2 && got_coin + 2 >= carbon.1 / 2, "half the coin: {got_coin}");
    let v = view(&node, id);
    assert_eq!((v.idle + got_gusd, v.carbon + got_coin), (60 * GUSD, carbon.1), "nothing else moved");
}

#[test]
fn rejects_carbon_purchases_and_in_kind_exits_the_rules_forbid() {
    let mut node = carbon_market();
    let esg = esg_fund(&mut node);
    let (green, package) = fund_and_package(&mut node, Mandate::GreenCompute);
    run(&mut node, "carol", FundsAction::Deposit { fund: esg, assets: 10 * GUSD, min_shares: 0 }).unwrap();
    run(&mut node, "carol", FundsAction::Deposit { fund: green, assets: 10 * GUSD, min_shares: 0 }).unwrap();
    run(&mut node, "bob", FundsAction::Allocate { fund: green, package, tranche: SENIOR, invest: GUSD, redeem: 0 })
        .unwrap();
    let carol = shares(&node, green, "carol").shares;
    let cases: Vec<(&str, FundsAction, u32, &str)> = vec![
        ("carol", FundsAction::BuyCarbon { fund: esg, gusd: GUSD, max_fee_bps: 500 }, 2, "only the manager buys"),
        ("bob", FundsAction::BuyCarbon { fund: green, gusd: GUSD, max_fee_bps: 500 }, 6, "not an ESG fund"),
        ("bob", FundsAction::BuyCarbon { fund: esg, gusd: 11 * GUSD, max_fee_bps: 500 }, 9, "more than the cash"),
        ("bob", FundsAction::BuyCarbon { fund: esg, gusd: GUSD, max_fee_bps: 0 }, 17, "the fee is above the limit"),
        (
            "bob",
            FundsAction::Allocate { fund: esg, package, tranche: SENIOR, invest: GUSD, redeem: 0 },
            6,
            "an ESG fund holds no tranches",
        ),
        ("carol", FundsAction::RedeemInKind { fund: green, shares: carol / 2 }, 18, "a fund holding tranches"),
        ("carol", FundsAction::RedeemInKind { fund: esg, shares: u128::MAX }, 8, "more shares than held"),
        ("carol", FundsAction::RedeemInKind { fund: esg, shares: 1 }, 7, "a share worth less than a unit of anything"),
    ];
    for (who, action, code, why) in cases {
        let e = node.expect_rejected(&TestNode::key(who), vec![AppAction::Funds(action)]);
        assert_eq!((e.module.as_str(), e.code), ("funds", code), "{why}: {e}");
    }
}
