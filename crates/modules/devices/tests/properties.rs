//! Random sequences of device actions keep the devices invariants (TestNode checks
//! every module's invariants after each block) and the chain agrees with a simple
//! model of which reports must be accepted.

use greenhour_app::{AppAction, Tx};
use greenhour_crypto::SecretKey;
use greenhour_devices::{state, DeviceClass, DeviceId, DevicesAction, LocationCell, Nameplate, TelemetryReport};
use greenhour_testkit::{TestNode, TEST_GENESIS_TIME};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Op {
    /// Report the hour `offset` hours after the device's last one (0 = overlap, 1 = next, 2+ = gap).
    Report {
        offset: u64,
        generated: u64,
        outage: bool,
    },
    Suspend,
    Resume,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..4, 0u64..7_000, any::<bool>()).prop_map(|(offset, generated, outage)| Op::Report { offset, generated, outage }),
        1 => Just(Op::Suspend),
        1 => Just(Op::Resume),
    ]
}

fn act(a: DevicesAction) -> Vec<AppAction> {
    vec![AppAction::Devices(a)]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn random_device_histories_keep_invariants_and_match_the_model(ops in prop::collection::vec(op(), 1..30)) {
        let mut node = TestNode::new();
        let alice = TestNode::key("alice");
        let device_key = SecretKey::from_name("prop-device");
        let register = node.tx(&alice, act(DevicesAction::Register {
            key: device_key.public_key(),
            class: DeviceClass::Home,
            cell: LocationCell::new("u33dc0").unwrap(),
            nameplate: Nameplate { pv_w: 5_000, battery_wh: 0, battery_max_w: 0, charger_w: 0, gpu_model: "L4".into(), gpu_count: 1, gpu_tdp_w: 72 },
        }));
        node.deliver(register).unwrap();
        let id = DeviceId(1);
        // Model: last accepted end, whether the device is active, accepted count.
        let first = TEST_GENESIS_TIME - 200 * 3_600;
        let (mut last_end, mut active, mut accepted) = (None::<u64>, true, 0u64);
        for op in ops {
            let tx: Tx = match &op {
                Op::Report { offset, generated, outage } => {
                    let start = match last_end { Some(e) => e + offset * 3_600 - 3_600, None => first };
                    let report = TelemetryReport {
                        device: id, start, end: start + 3_600, generated_wh: *generated, charged_wh: 0,
                        discharged_wh: 0, imported_wh: 100, exported_wh: 0, compute_wh: 70, gpu_seconds: 3_600,
                        soc_permille: 0, outage_before: *outage,
                    };
                    let signature = report.sign(&device_key, node.app.chain_id());
                    node.tx(&alice, act(DevicesAction::Report { report, signature }))
                }
                Op::Suspend => node.tx(&alice, act(DevicesAction::Suspend { device: id })),
                Op::Resume => node.tx(&alice, act(DevicesAction::Resume { device: id })),
            };
            let result = node.deliver(tx);
            match op {
                Op::Report { offset, generated, outage } => {
                    let continuity = match last_end { None => true, Some(_) => offset == 1 || (offset > 1 && outage) };
                    let expected = active && continuity && generated <= 5_500;
                    prop_assert_eq!(result.is_ok(), expected, "report {:?}: {:?}", op, result);
                    if expected {
                        let start = match last_end { Some(e) => e + offset * 3_600 - 3_600, None => first };
                        last_end = Some(start + 3_600);
                        accepted += 1;
                    }
                }
                Op::Suspend => { prop_assert_eq!(result.is_ok(), active); active = false; }
                Op::Resume => { prop_assert_eq!(result.is_ok(), !active); active = true; }
            }
        }
        let snap = node.app.snapshot().unwrap();
        let device = state::device(&snap, id).unwrap();
        prop_assert_eq!(device.reports, accepted);
        prop_assert_eq!(device.last_report_end, last_end);
        // A window from any day holds exactly the reports from that day on.
        let reports = state::reports(&snap, id, 0).unwrap();
        let first_day = first / state::DAY;
        for day in first_day - 1..first_day + 12 {
            let mut expected = state::TelemetryTotals::default();
            for r in reports.iter().filter(|r| r.report.start / state::DAY >= day) {
                expected.add(&state::TelemetryTotals::of(r));
            }
            prop_assert_eq!(state::window_totals(&snap, &device, day).unwrap(), expected, "window from day {}", day);
        }
    }
}
