//! Downtime cover through the whole app (invariants checked after every block):
//! bob stakes the pool, alice covers three hours of her device priced by its
//! record, the device goes silent for one of them and the pool pays alice for
//! that hour only, automatically, once the grace period has passed; and every
//! refusal changes nothing.

use greenhour_app::AppAction;
use greenhour_cover::query::PoolView;
use greenhour_cover::{CoverAction, CoverEvent};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, Denom};
use greenhour_testkit::supply::{device_with_history, report_hour, report_sunny_hour};
use greenhour_testkit::TestNode;

const GUSD: u128 = 1_000_000;
const HOUR: u64 = 3_600;

fn addr(name: &str) -> Address {
    TestNode::addr(name)
}

fn run(
    node: &mut TestNode,
    who: &str,
    a: CoverAction,
) -> Result<greenhour_app::TxRecord, greenhour_framework::ErrorInfo> {
    node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Cover(a)]))
}

fn pool(node: &TestNode) -> PoolView {
    greenhour_cover::query::pool(&node.app.snapshot().unwrap()).unwrap()
}

/// alice's device with a day of telemetry, and bob's 100 gUSD in the pool.
fn setup() -> (TestNode, DeviceId) {
    let mut node = TestNode::new();
    let device = device_with_history(&mut node, "alice", "alice-dev", "u33dc0");
    run(&mut node, "bob", CoverAction::Stake { amount: 100 * GUSD, min_shares: 0 }).unwrap();
    (node, device)
}

/// Moves the clock to `at` (not before now) and produces a block there.
fn block_at(node: &mut TestNode, at: u64) -> Vec<CoverEvent> {
    node.advance(at.saturating_sub(node.now()));
    CoverEvent::all_in(&node.produce_block(vec![]).block_events)
}

#[test]
fn app_can_pay_downtime_cover_automatically_when_a_device_goes_silent() {
    let (mut node, device) = setup();
    let h0 = node.now() / HOUR;
    let buy = CoverAction::Buy { device, first_hour: h0 + 1, hours: 3, per_hour: GUSD, max_premium: 10 * GUSD };
    let record = run(&mut node, "alice", buy).unwrap();
    let (premium, rate) = CoverEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            CoverEvent::Sold { premium, rate_bps, .. } => Some((premium, rate_bps)),
            _ => None,
        })
        .expect("sold");
    // A full day reported: the price is the base rate (1 %) plus the utilisation
    // slope (3 gUSD of 100: 3 % of the 20 % slope), plus the few seconds since the
    // device's last report, which count as unreported (a few bps).
    assert!((160..170).contains(&rate), "base + slope × utilisation, almost no downtime loading: {rate}");
    assert_eq!(premium, (3 * GUSD * rate).div_ceil(10_000));
    let p = pool(&node);
    assert_eq!((p.pool.locked, p.pool.capital), (3 * GUSD, 100 * GUSD + premium));

    // The device reports hours h0 and h0+1, is silent in h0+2, and is back in h0+3.
    block_at(&mut node, (h0 + 2) * HOUR);
    report_hour(&mut node, "alice", "alice-dev", device, h0);
    report_hour(&mut node, "alice", "alice-dev", device, h0 + 1);
    block_at(&mut node, (h0 + 4) * HOUR);
    report_sunny_hour(&mut node, "alice", "alice-dev", device, h0 + 3, 7_200, true);

    // Nothing is judged before the two-hour grace after each hour.
    assert!(block_at(&mut node, (h0 + 4) * HOUR + 60).is_empty());
    let before = node.balance(&addr("alice"), &Denom::gusd());
    let mut paid = Vec::new();
    for hour in h0 + 4..=h0 + 7 {
        paid.extend(block_at(&mut node, hour * HOUR + 120));
    }
    let hours: Vec<(u64, String)> = paid
        .iter()
        .filter_map(|e| match e {
            CoverEvent::Paid { hour, fact, .. } => Some((*hour, fact.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        hours,
        vec![(h0 + 2, format!("0 s of accepted telemetry in hour {}", h0 + 2))],
        "only the silent hour pays"
    );
    assert_eq!(node.balance(&addr("alice"), &Denom::gusd()), before + GUSD);
    let p = pool(&node);
    assert_eq!((p.pool.locked, p.pool.payouts, p.pool.events_paid), (0, GUSD, 1));
    assert_eq!(p.pool.capital, 100 * GUSD + premium - GUSD, "the stakers bore the payout, kept the premium");
    // bob withdraws everything now that no cover is outstanding.
    let shares = greenhour_cover::query::stake(&node.app.snapshot().unwrap(), &addr("bob")).unwrap().shares;
    run(&mut node, "bob", CoverAction::Unstake { shares, min_amount: 100 * GUSD + premium - GUSD - 1 }).unwrap();
}

#[test]
fn rejects_cover_the_pool_must_not_sell_and_changes_nothing() {
    let (mut node, device) = setup();
    let h0 = node.now() / HOUR;
    let buy = |first_hour, hours, per_hour, max_premium| CoverAction::Buy {
        device,
        first_hour,
        hours,
        per_hour,
        max_premium,
    };
    run(&mut node, "alice", buy(h0 + 1, 10, 5 * GUSD, 10 * GUSD)).unwrap();
    let bob_shares = greenhour_cover::query::stake(&node.app.snapshot().unwrap(), &addr("bob")).unwrap().shares;
    let cases: Vec<(&str, CoverAction, u32, &str)> = vec![
        ("bob", buy(h0 + 1, 1, GUSD, GUSD), 1, "a cover on a device one does not own"),
        ("alice", buy(h0, 1, GUSD, GUSD), 2, "a cover bought after the covered hour started"),
        ("alice", buy(h0 + 1, 10, 6 * GUSD, 100 * GUSD), 3, "more cover than the pool's capital"),
        ("bob", CoverAction::Unstake { shares: bob_shares, min_amount: 0 }, 4, "capital the cover locks"),
        ("alice", buy(h0 + 1, 1, GUSD, 1), 5, "a premium above the limit"),
        ("alice", buy(h0 + 1, 1, 0, GUSD), 6, "zero"),
        ("alice", buy(h0 + 1, 169, GUSD, 100 * GUSD), 7, "longer than a cover runs"),
        ("alice", buy(h0 + 169, 1, GUSD, 100 * GUSD), 7, "starting further ahead than a cover runs"),
        ("alice", buy(u64::MAX, 2, GUSD, 100 * GUSD), 7, "an hour past any arithmetic"),
        ("carol", CoverAction::Unstake { shares: 1, min_amount: 0 }, 8, "shares carol does not have"),
        ("carol", buy(h0 + 1, 1, GUSD, GUSD), 1, "carol owns no device"),
    ];
    for (who, action, code, why) in cases {
        let e = node.expect_rejected(&TestNode::key(who), vec![AppAction::Cover(action)]);
        assert_eq!((e.module.as_str(), e.code), ("cover", code), "{why}: {e}");
    }
}
