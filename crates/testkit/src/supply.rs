//! The supply side in a few calls, for tests of the modules built on it: a
//! device with a day of telemetry, a pool, membership, a pledge.

use crate::{TestNode, TEST_GENESIS_TIME};
use greenhour_app::{AppAction, Tx};
use greenhour_crypto::SecretKey;
use greenhour_devices::{DeviceClass, DeviceId, DevicesAction, DevicesEvent, LocationCell, Nameplate, TelemetryReport};
use greenhour_pools::{EntryConditions, PoolId, PoolKind, PoolsAction, PoolsEvent};
use greenhour_primitives::UnixSeconds;

pub const GENESIS_HOUR: u64 = TEST_GENESIS_TIME / 3_600;
pub const NEXT_HOUR: u64 = GENESIS_HOUR + 1;

pub fn act(a: PoolsAction) -> Vec<AppAction> {
    vec![AppAction::Pools(a)]
}

pub fn nameplate(gpus: u32) -> Nameplate {
    Nameplate {
        pv_w: 5_000,
        battery_wh: 10_000,
        battery_max_w: 5_000,
        charger_w: 0,
        gpu_model: "RTX 4090".into(),
        gpu_count: gpus,
        gpu_tdp_w: 450,
    }
}

/// One hour of telemetry from `start`, as the test fleets report it: a sunny
/// hour (3 kWh of PV, 1 kWh into the battery, 1.1 kWh exported) or a night on
/// the grid (0.9 kWh imported), 0.9 kWh of GPU energy, the battery half full.
pub fn hour_report(
    device: DeviceId,
    start: UnixSeconds,
    sunny: bool,
    gpu_seconds: u64,
    outage_before: bool,
) -> TelemetryReport {
    TelemetryReport {
        device,
        start,
        end: start + 3_600,
        generated_wh: if sunny { 3_000 } else { 0 },
        charged_wh: if sunny { 1_000 } else { 0 },
        discharged_wh: 0,
        imported_wh: if sunny { 0 } else { 900 },
        exported_wh: if sunny { 1_100 } else { 0 },
        compute_wh: 900,
        gpu_seconds,
        soc_permille: 500,
        outage_before,
    }
}

/// Registers a home device in `cell` and reports the day before genesis: sunny
/// afternoons, battery and grid at night (about 60 % green compute over the day).
pub fn device_with_history(node: &mut TestNode, owner: &str, device_key: &str, cell: &str) -> DeviceId {
    let tx = node.tx(
        &TestNode::key(owner),
        vec![AppAction::Devices(DevicesAction::Register {
            key: SecretKey::from_name(device_key).public_key(),
            class: DeviceClass::Home,
            cell: LocationCell::new(cell).unwrap(),
            nameplate: nameplate(2),
        })],
    );
    let record = node.deliver(tx).unwrap();
    let id = DevicesEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            DevicesEvent::Registered { device, .. } => Some(device),
            _ => None,
        })
        .expect("a registration event");
    let day_start = TEST_GENESIS_TIME - 86_400;
    let txs: Vec<Tx> = (0..24u64)
        .map(|h| {
            let report = hour_report(id, day_start + h * 3_600, (8..=17).contains(&h), 7_200, false);
            let signature = report.sign(&SecretKey::from_name(device_key), node.app.chain_id());
            node.tx_with_offset(
                &TestNode::key(owner),
                vec![AppAction::Devices(DevicesAction::Report { report, signature })],
                h,
            )
        })
        .collect();
    let outcome = node.produce_block(txs);
    assert!(outcome.outcomes.iter().all(|o| o.result.is_ok()), "history accepted");
    id
}

/// `owner` reports one sunny hour of telemetry for `device` (signed by `device_key`),
/// continuing its history without an outage.
pub fn report_hour(node: &mut TestNode, owner: &str, device_key: &str, device: DeviceId, hour: u64) {
    report_sunny_hour(node, owner, device_key, device, hour, 7_200, false);
}

/// One sunny hour of telemetry (3 kWh of PV, 0.9 kWh of compute) with `gpu_seconds`
/// of GPU time, declaring an outage before it when `outage_before`.
pub fn report_sunny_hour(
    node: &mut TestNode,
    owner: &str,
    device_key: &str,
    device: DeviceId,
    hour: u64,
    gpu_seconds: u64,
    outage_before: bool,
) {
    let report = hour_report(device, hour * 3_600, true, gpu_seconds, outage_before);
    let signature = report.sign(&SecretKey::from_name(device_key), node.app.chain_id());
    let tx = node.tx(&TestNode::key(owner), vec![AppAction::Devices(DevicesAction::Report { report, signature })]);
    node.deliver(tx).expect("the report is accepted");
}

pub fn conditions() -> EntryConditions {
    EntryConditions {
        min_stake: 1_000_000,
        lottery_seats: 0,
        window_days: 1,
        min_green_share_bps: 3_000,
        min_uptime_bps: 4_000,
        max_devices_per_cell: 1,
    }
}

pub fn create_pool(node: &mut TestNode, kind: PoolKind, conditions: EntryConditions) -> PoolId {
    let tx = node.tx(&TestNode::key("carol"), act(PoolsAction::Create { class: DeviceClass::Home, kind, conditions }));
    let record = node.deliver(tx).unwrap();
    PoolsEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            PoolsEvent::Created { pool, .. } => Some(pool),
            _ => None,
        })
        .expect("a pool creation event")
}

pub fn join(node: &mut TestNode, owner: &str, pool: PoolId, device: DeviceId) {
    node.deliver(node.tx(&TestNode::key(owner), act(PoolsAction::Join { pool, device }))).unwrap();
}

pub fn pledge(
    node: &mut TestNode,
    owner: &str,
    pool: PoolId,
    device: DeviceId,
    first_hour: u64,
    hours: u32,
    quantity: u32,
) -> u64 {
    let tx = node.tx(&TestNode::key(owner), act(PoolsAction::Pledge { pool, device, first_hour, hours, quantity }));
    let record = node.deliver(tx).unwrap();
    PoolsEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            PoolsEvent::Pledged { position, .. } => Some(position),
            _ => None,
        })
        .expect("a pledge event")
}
