//! Devices scenarios on TestNode: registration, telemetry, and everything refused.

use greenhour_app::{AppAction, Tx};
use greenhour_crypto::SecretKey;
use greenhour_devices::{
    state, DeviceClass, DeviceId, DeviceStatus, DevicesAction, LocationCell, Nameplate, TelemetryReport,
};
use greenhour_primitives::ChainId;
use greenhour_testkit::{TestNode, TEST_GENESIS_TIME};

const DAY_BEFORE: u64 = TEST_GENESIS_TIME - 86_400;

fn nameplate() -> Nameplate {
    Nameplate {
        pv_w: 5_000,
        battery_wh: 10_000,
        battery_max_w: 5_000,
        charger_w: 7_400,
        gpu_model: "RTX 4090".into(),
        gpu_count: 2,
        gpu_tdp_w: 450,
    }
}

fn act(a: DevicesAction) -> Vec<AppAction> {
    vec![AppAction::Devices(a)]
}

fn register(node: &mut TestNode, owner: &str, device_key: &str) -> Result<DeviceId, greenhour_framework::ErrorInfo> {
    let tx = node.tx(
        &TestNode::key(owner),
        act(DevicesAction::Register {
            key: SecretKey::from_name(device_key).public_key(),
            class: DeviceClass::Home,
            cell: LocationCell::new("u33dc0").unwrap(),
            nameplate: nameplate(),
        }),
    );
    let record = node.deliver(tx)?;
    let id = greenhour_devices::DevicesEvent::all_in(&record.events).into_iter().find_map(|e| match e {
        greenhour_devices::DevicesEvent::Registered { device, .. } => Some(device),
        _ => None,
    });
    Ok(id.expect("a registration event"))
}

/// An hour of a sunny afternoon: 4 kWh PV, 1 kWh into the battery, 0.9 kWh compute, 1.5 kWh exported.
fn hour(device: DeviceId, start: u64) -> TelemetryReport {
    TelemetryReport {
        device,
        start,
        end: start + 3_600,
        generated_wh: 4_000,
        charged_wh: 1_000,
        discharged_wh: 0,
        imported_wh: 0,
        exported_wh: 1_500,
        compute_wh: 900,
        gpu_seconds: 7_200,
        soc_permille: 600,
        outage_before: false,
    }
}

fn report_tx(node: &TestNode, relayer: &str, device_key: &str, report: TelemetryReport) -> Tx {
    let signature = report.sign(&SecretKey::from_name(device_key), node.app.chain_id());
    node.tx(&TestNode::key(relayer), act(DevicesAction::Report { report, signature }))
}

fn assert_rejected(node: &mut TestNode, make: impl FnOnce(&TestNode) -> Tx, code: u32) {
    let tx = make(node);
    let err = node.deliver_failing(tx);
    assert_eq!((err.module.as_str(), err.code), ("devices", code), "{err}");
}

#[test]
fn app_can_register_a_device_and_report_a_day_of_telemetry() {
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    for h in 0..24 {
        let mut r = hour(id, DAY_BEFORE + h * 3_600);
        if !(6..=19).contains(&h) {
            // Night: no PV; the battery covers half the compute, the grid the rest.
            r = TelemetryReport {
                generated_wh: 0,
                charged_wh: 0,
                discharged_wh: 450,
                exported_wh: 0,
                imported_wh: 450,
                ..r
            };
        }
        node.deliver(report_tx(&node, "bob", "dev-1", r)).unwrap();
    }
    let snap = node.app.snapshot().unwrap();
    let device = state::device(&snap, id).unwrap();
    assert_eq!(device.reports, 24);
    assert_eq!(device.last_report_end, Some(DAY_BEFORE + 86_400));
    let reports = state::reports(&snap, id, 0).unwrap();
    assert_eq!(reports.len(), 24);
    // Daytime compute is all PV; at night half is battery energy that came from PV.
    assert_eq!(reports[12].green_share_bps, 10_000);
    assert_eq!(reports[0].green_share_bps, 0, "before any charge the battery's mix is unknown: not green");
    assert_eq!(reports[23].green_share_bps, 5_000);
    assert_eq!(state::devices_of(&snap, &TestNode::addr("alice")).unwrap(), vec![id]);
    assert_eq!(state::devices_in_cell(&snap, &LocationCell::new("u33dc0").unwrap()).unwrap(), vec![id]);
    // The day's totals are the sums of its reports; the window read sees only that day.
    let day = DAY_BEFORE / state::DAY;
    let device = state::device(&snap, id).unwrap();
    let totals = state::window_totals(&snap, &device, day - 3).unwrap();
    assert_eq!(totals, device.totals, "a window from before the first report holds everything");
    assert_eq!(totals.reported_seconds, 86_400);
    assert_eq!(totals.compute_wh, 24 * 900);
    assert_eq!(totals.green_compute_wh, reports.iter().map(|r| r.green_compute_wh).sum::<u64>());
    assert_eq!(totals.green_share_bps(), greenhour_devices::math::share_bps_down(totals.green_compute_wh, 21_600));
    assert_eq!(state::window_totals(&snap, &device, day + 1).unwrap(), Default::default());
}

#[test]
fn app_can_suspend_resume_update_and_retire() {
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    let alice = TestNode::key("alice");
    node.deliver(node.tx(&alice, act(DevicesAction::Suspend { device: id }))).unwrap();
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", hour(id, DAY_BEFORE)), 7);
    node.deliver(node.tx(&alice, act(DevicesAction::Resume { device: id }))).unwrap();
    node.deliver(report_tx(&node, "alice", "dev-1", hour(id, DAY_BEFORE))).unwrap();
    let moved = LocationCell::new("u33dc1").unwrap();
    node.deliver(
        node.tx(&alice, act(DevicesAction::Update { device: id, nameplate: None, cell: Some(moved.clone()) })),
    )
    .unwrap();
    node.deliver(node.tx(&alice, act(DevicesAction::Retire { device: id }))).unwrap();
    let snap = node.app.snapshot().unwrap();
    assert_eq!(state::device(&snap, id).unwrap().status, DeviceStatus::Retired);
    assert!(state::devices_in_cell(&snap, &moved).unwrap().is_empty());
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", hour(id, DAY_BEFORE + 3_600)), 7);
    assert_rejected(&mut node, |node| node.tx(&alice, act(DevicesAction::Resume { device: id })), 8);
}

#[test]
fn rejects_a_device_key_registered_twice_even_after_retirement() {
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    let again = node.tx(
        &TestNode::key("bob"),
        act(DevicesAction::Register {
            key: SecretKey::from_name("dev-1").public_key(),
            class: DeviceClass::Regional,
            cell: LocationCell::new("u33").unwrap(),
            nameplate: nameplate(),
        }),
    );
    assert_rejected(&mut node, |_| again.clone(), 3);
    node.deliver(node.tx(&TestNode::key("alice"), act(DevicesAction::Retire { device: id }))).unwrap();
    let again = node.tx(&TestNode::key("bob"), again.body.actions.clone());
    assert_rejected(&mut node, |_| again, 3);
}

#[test]
fn rejects_management_by_someone_else() {
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    assert_rejected(&mut node, |node| node.tx(&TestNode::key("bob"), act(DevicesAction::Suspend { device: id })), 2);
    assert_rejected(&mut node, |node| node.tx(&TestNode::key("bob"), act(DevicesAction::Retire { device: id })), 2);
    assert_rejected(
        &mut node,
        |node| node.tx(&TestNode::key("bob"), act(DevicesAction::Suspend { device: DeviceId(99) })),
        1,
    );
}

#[test]
fn rejects_bad_registrations() {
    let mut node = TestNode::new();
    let alice = TestNode::key("alice");
    let bad_cell: LocationCell = greenhour_codec::decode(&greenhour_codec::encode(&"ua!".to_string())).unwrap();
    let with = |cell: LocationCell, nameplate: Nameplate, key: greenhour_crypto::PublicKey| {
        act(DevicesAction::Register { key, class: DeviceClass::Home, cell, nameplate })
    };
    let key = SecretKey::from_name("dev-x").public_key();
    let cell = LocationCell::new("u33").unwrap();
    assert_rejected(&mut node, |node| node.tx(&alice, with(bad_cell, nameplate(), key)), 5);
    let empty = Nameplate { pv_w: 0, battery_wh: 0, battery_max_w: 0, gpu_count: 0, ..nameplate() };
    assert_rejected(&mut node, |node| node.tx(&alice, with(cell.clone(), empty, key)), 6);
    let too_many = Nameplate { gpu_count: 100_000, ..nameplate() };
    assert_rejected(&mut node, |node| node.tx(&alice, with(cell.clone(), too_many, key)), 6);
    let not_a_point = greenhour_crypto::PublicKey([0u8; 32]);
    assert_rejected(&mut node, |node| node.tx(&alice, with(cell, nameplate(), not_a_point)), 4);
}

#[test]
fn rejects_reports_not_signed_by_the_device_for_this_chain() {
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-2", hour(id, DAY_BEFORE)), 9);
    let report = hour(id, DAY_BEFORE);
    let signature = report.sign(&SecretKey::from_name("dev-1"), &ChainId::new("other-chain").unwrap());
    let tx = node.tx(&TestNode::key("alice"), act(DevicesAction::Report { report, signature }));
    assert_rejected(&mut node, |_| tx, 9);
}

#[test]
fn rejects_reports_with_bad_intervals() {
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    let crossing = TelemetryReport { start: DAY_BEFORE + 1_800, end: DAY_BEFORE + 5_400, ..hour(id, DAY_BEFORE) };
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", crossing), 10);
    let empty = TelemetryReport { end: DAY_BEFORE, ..hour(id, DAY_BEFORE) };
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", empty), 10);
    let future = hour(id, TEST_GENESIS_TIME + 7 * 3_600);
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", future), 11);

    node.deliver(report_tx(&node, "alice", "dev-1", hour(id, DAY_BEFORE))).unwrap();
    let overlap = TelemetryReport { start: DAY_BEFORE + 1_800, end: DAY_BEFORE + 3_600, ..hour(id, DAY_BEFORE) };
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", overlap), 12);
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", hour(id, DAY_BEFORE)), 12);
    let gap = hour(id, DAY_BEFORE + 7_200);
    assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", gap.clone()), 13);
    let declared = TelemetryReport { outage_before: true, ..gap };
    node.deliver(report_tx(&node, "alice", "dev-1", declared)).unwrap();
}

#[test]
fn rejects_physically_impossible_reports() {
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    let base = hour(id, DAY_BEFORE);
    // 5 kW PV for an hour with ×1.1 tolerance: 5,500 Wh at most.
    let cases = [
        (TelemetryReport { generated_wh: 5_501, exported_wh: 3_000, ..base.clone() }, 14),
        (TelemetryReport { discharged_wh: 5_501, ..base.clone() }, 14),
        (TelemetryReport { compute_wh: 991, ..base.clone() }, 14), // 2 × 450 W × 1.1
        (TelemetryReport { gpu_seconds: 7_201, ..base.clone() }, 14),
        (TelemetryReport { exported_wh: 3_500, ..base.clone() }, 15), // sinks 5,400 > 4,000 × 1.05
        (TelemetryReport { soc_permille: 1_001, ..base.clone() }, 16),
    ];
    for (report, code) in cases {
        assert_rejected(&mut node, |node| report_tx(node, "alice", "dev-1", report), code);
    }
    node.deliver(report_tx(&node, "alice", "dev-1", base)).unwrap();
}

#[test]
fn a_report_backs_one_use_only() {
    use greenhour_state::BlockOverlay;
    let mut node = TestNode::new();
    let id = register(&mut node, "alice", "dev-1").unwrap();
    node.deliver(report_tx(&node, "alice", "dev-1", hour(id, DAY_BEFORE))).unwrap();
    let snap = node.app.snapshot().unwrap();
    let hash = state::reports(&snap, id, 0).unwrap()[0].hash;
    let mut overlay = BlockOverlay::new(snap);
    state::use_report(&mut overlay, &hash, "certificate 1").unwrap();
    let err = state::use_report(&mut overlay, &hash, "certificate 2").unwrap_err();
    assert_eq!(greenhour_framework::CodedError::code(&err), 18);
    let missing = state::use_report(&mut overlay, &greenhour_primitives::Hash::digest(b"x"), "y").unwrap_err();
    assert_eq!(greenhour_framework::CodedError::code(&missing), 17);
}

#[test]
fn app_can_list_devices_a_page_at_a_time() {
    let mut node = TestNode::new();
    let ids: Vec<DeviceId> =
        (0..5).map(|i| register(&mut node, ["alice", "bob"][i % 2], &format!("pager-{i}")).unwrap()).collect();
    let snap = node.app.snapshot().unwrap();
    let page = |owner: Option<&str>, after: Option<u64>| -> Vec<DeviceId> {
        let owner = owner.map(|o| TestNode::key(o).address());
        greenhour_devices::query::devices(&snap, owner.as_ref(), after, 2).unwrap().into_iter().map(|d| d.id).collect()
    };
    // Pages of two, each after the last id of the previous: every device once, in order.
    let mut seen: Vec<DeviceId> = Vec::new();
    let mut after = None;
    loop {
        let p = page(None, after);
        seen.extend(&p);
        if p.len() < 2 {
            break;
        }
        after = p.last().map(|d| d.0);
    }
    assert_eq!(seen, ids);
    // An owner's devices page the same way.
    assert_eq!(page(Some("alice"), None), vec![ids[0], ids[2]]);
    assert_eq!(page(Some("alice"), Some(ids[2].0)), vec![ids[4]]);
    assert!(page(None, Some(u64::MAX)).is_empty());
    assert!(page(Some("alice"), Some(u64::MAX)).is_empty());
}
