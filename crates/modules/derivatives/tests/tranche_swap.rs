//! A total return swap on an RWA tranche, through the whole app: dave's package of
//! a real, index-priced position issues its senior and junior; a swap on the
//! senior is marked to the tranche's total return (its price plus what it has paid
//! per unit), so when the package earns and pays the senior's coupon, the swap's
//! long gains what a holder of the units gained, without holding them (or passing
//! the package's identity checks).

use greenhour_app::AppAction;
use greenhour_derivatives::state::Underlying;
use greenhour_derivatives::{DerivativesAction, DerivativesEvent, Instrument, Leg, SeriesId, Side};
use greenhour_primitives::{Coin, Denom};
use greenhour_rwa::{Rules, RwaAction};
use greenhour_testkit::rwa::{genesis, kyc, next_epoch, package, run, JUNIOR, SENIOR};
use greenhour_testkit::TestNode;

const GUSD: u128 = 1_000_000;

fn act(node: &mut TestNode, who: &str, a: DerivativesAction) -> Vec<DerivativesEvent> {
    let record = node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Derivatives(a)])).unwrap();
    DerivativesEvent::all_in(&record.events)
}

/// dave's package with carol and bob verified by alice, the identity provider.
fn verified_package() -> (TestNode, greenhour_rwa::PackageId) {
    let mut node = TestNode::with_genesis(&genesis());
    let (package_id, _) = package(&mut node, Rules::default());
    kyc(&mut node, TestNode::addr("carol"), "SG");
    kyc(&mut node, TestNode::addr("bob"), "SG");
    (node, package_id)
}

/// bob lists `instrument`; returns its series and first mark.
fn list(node: &mut TestNode, instrument: Instrument) -> (SeriesId, u128) {
    act(node, "bob", DerivativesAction::List { instrument })
        .iter()
        .find_map(|e| match e {
            DerivativesEvent::Listed { series, mark, .. } => Some((*series, *mark)),
            _ => None,
        })
        .expect("a listing event")
}

#[test]
fn app_can_swap_a_senior_tranches_total_return_including_its_coupons() {
    let (mut node, package_id) = verified_package();
    run(&mut node, "carol", RwaAction::Invest { package: package_id, tranche: JUNIOR, amount: 10 * GUSD }).unwrap();
    run(&mut node, "carol", RwaAction::Invest { package: package_id, tranche: SENIOR, amount: 20 * GUSD }).unwrap();
    next_epoch(&mut node);

    let underlying = Underlying::Tranche { package: package_id.0, tranche: SENIOR };
    let maturity_hour = node.now() / 3_600 + 48;
    let (swap, mark) = list(&mut node, Instrument::Swap { underlying, leg: Leg::Fixed { rate_bps: 0 }, maturity_hour });
    assert_eq!(mark, 1_000_000, "a contract is 10^6 units: one gUSD at par");

    act(&mut node, "bob", DerivativesAction::Deposit { amount: 100 * GUSD });
    act(&mut node, "carol", DerivativesAction::Deposit { amount: 100 * GUSD });
    act(
        &mut node,
        "carol",
        DerivativesAction::Place { series: swap, side: Side::Sell, size: 10, price: 1_000_000, immediate_only: false },
    );
    act(
        &mut node,
        "bob",
        DerivativesAction::Place { series: swap, side: Side::Buy, size: 10, price: 1_000_000, immediate_only: false },
    );

    // The package earns 30 gUSD; its waterfall pays the senior's coupon.
    node.deliver(node.send("alice", &greenhour_rwa::api::custody(package_id), Coin::new(Denom::gusd(), 30 * GUSD)))
        .unwrap();
    next_epoch(&mut node);
    next_epoch(&mut node);
    let state = node.app.snapshot().unwrap();
    let tri = greenhour_rwa::api::total_return_wad(&state, package_id, SENIOR, node.now()).unwrap();
    let series = greenhour_derivatives::state::series(&state, swap).unwrap();
    assert!(!series.stale, "{series:?}");
    let mark = series.mark.unwrap();
    assert!(mark > 1_000_000, "the coupon paid raised the total return: {mark}");
    assert!(
        mark.abs_diff(tri / 1_000_000_000_000) <= 1_000,
        "marked to the tranche's total return an hour ago: {mark} vs {tri}"
    );
    let bob = greenhour_derivatives::query::account(&state, &TestNode::addr("bob")).unwrap();
    assert_eq!(bob.positions[0].unrealised_pnl, 10 * (mark as i128 - 1_000_000));
    let carol = greenhour_derivatives::query::account(&state, &TestNode::addr("carol")).unwrap();
    assert_eq!(carol.positions[0].unrealised_pnl, -10 * (mark as i128 - 1_000_000));
}

#[test]
fn app_can_float_a_swaps_rate_leg_on_a_gusd_lending_market() {
    use greenhour_lending::Collateral;
    let (mut node, package_id) = verified_package();
    run(&mut node, "carol", RwaAction::Invest { package: package_id, tranche: SENIOR, amount: 20 * GUSD }).unwrap();
    next_epoch(&mut node);
    let market = greenhour_testkit::lending::create_market(
        &mut node,
        Collateral::Slots { class: greenhour_devices::DeviceClass::Home },
        greenhour_primitives::fixed::WAD / 2,
    );

    // Two swaps on the senior, one paying 2 % fixed, one paying the lending
    // market's borrow rate plus 2 %; bob is long both against carol.
    let underlying = Underlying::Tranche { package: package_id.0, tranche: SENIOR };
    let maturity_hour = node.now() / 3_600 + 48;
    let swap_paying = |leg| Instrument::Swap { underlying: underlying.clone(), leg, maturity_hour };
    let (fixed, _) = list(&mut node, swap_paying(Leg::Fixed { rate_bps: 200 }));
    let (floating, _) = list(&mut node, swap_paying(Leg::Floating { market: market.0, spread_bps: 200 }));
    let name = greenhour_derivatives::state::series(&node.app.snapshot().unwrap(), floating).unwrap().instrument.name();
    assert_eq!(name, format!("swap/rwa/{}/{SENIOR}/m{}+200/{maturity_hour}", package_id.0, market.0));
    act(&mut node, "bob", DerivativesAction::Deposit { amount: 100 * GUSD });
    act(&mut node, "carol", DerivativesAction::Deposit { amount: 100 * GUSD });
    for series in [fixed, floating] {
        let place = |side| DerivativesAction::Place { series, side, size: 10, price: 1_000_000, immediate_only: false };
        act(&mut node, "carol", place(Side::Sell));
        act(&mut node, "bob", place(Side::Buy));
    }
    let apr_then = greenhour_lending::api::borrow_apr_bps(&node.app.snapshot().unwrap(), market, node.now()).unwrap();
    assert!(apr_then > 0, "an idle adaptive-curve market still quotes a rate");
    next_epoch(&mut node);

    let state = node.app.snapshot().unwrap();
    let s_fixed = greenhour_derivatives::state::series(&state, fixed).unwrap();
    let s_float = greenhour_derivatives::state::series(&state, floating).unwrap();
    let mark = s_float.mark.unwrap();
    let leg = |bps| greenhour_derivatives::math::fixed_leg(mark, bps);
    let hours = s_fixed.funding_rate / leg(200);
    assert!(hours >= 1, "the fixed leg accrued: {}", s_fixed.funding_rate);
    assert_eq!(s_fixed.funding_rate, leg(200) * hours);
    assert!(
        s_float.funding_rate > s_fixed.funding_rate,
        "the floating leg pays the market's rate on top of the spread: {} vs {}",
        s_float.funding_rate,
        s_fixed.funding_rate
    );
    // The adaptive curve only lowers an idle market's rate: the leg paid at most
    // the rate at listing plus the spread, for as many hours as the fixed leg.
    assert!(s_float.funding_rate <= leg(200 + apr_then as u32) * hours, "{}", s_float.funding_rate);

    // A floating leg needs a gUSD lending market that exists.
    let bad = Instrument::Swap { underlying, leg: Leg::Floating { market: 999, spread_bps: 0 }, maturity_hour };
    let e = node.expect_rejected(
        &TestNode::key("bob"),
        vec![AppAction::Derivatives(DerivativesAction::List { instrument: bad })],
    );
    assert_eq!((e.module.as_str(), e.code), ("derivatives", 9), "{e}");
}

#[test]
fn rejects_tranche_swap_trades_by_accounts_the_packages_rules_refuse() {
    let (mut node, package_id) = verified_package();
    let underlying = Underlying::Tranche { package: package_id.0, tranche: SENIOR };
    let maturity_hour = node.now() / 3_600 + 48;
    let (swap, _) = list(&mut node, Instrument::Swap { underlying, leg: Leg::Fixed { rate_bps: 0 }, maturity_hour });
    for who in ["alice", "bob", "carol"] {
        act(&mut node, who, DerivativesAction::Deposit { amount: 100 * GUSD });
    }
    let place = |side, immediate_only| DerivativesAction::Place {
        series: swap,
        side,
        size: 10,
        price: 1_000_000,
        immediate_only,
    };
    // alice (the identity provider) has no identity claim herself: she may not
    // take the tranche's exposure.
    let e = node.expect_rejected(&TestNode::key("alice"), vec![AppAction::Derivatives(place(Side::Buy, false))]);
    assert_eq!((e.module.as_str(), e.code), ("derivatives", 19), "{e}");

    // carol's offer rests; the issuer then freezes her on the package: her offer
    // is closed when bob's order reaches it, and bob's order fills nothing.
    act(&mut node, "carol", place(Side::Sell, false));
    run(&mut node, "dave", RwaAction::Freeze { package: package_id, who: TestNode::addr("carol"), frozen: true })
        .unwrap();
    let events = act(&mut node, "bob", place(Side::Buy, true));
    assert!(
        events.iter().any(|e| matches!(e, DerivativesEvent::Closed { owner, reason, .. }
            if *owner == TestNode::addr("carol") && reason == "compliance")),
        "{events:?}"
    );
    let state = node.app.snapshot().unwrap();
    let bob = greenhour_derivatives::query::account(&state, &TestNode::addr("bob")).unwrap();
    assert!(bob.positions.is_empty(), "nothing filled against a frozen maker");
}
