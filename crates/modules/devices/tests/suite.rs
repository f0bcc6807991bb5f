//! The shared module suite, run for devices (with a device and a report in genesis).

use greenhour_crypto::SecretKey;
use greenhour_devices::{
    Device, DeviceClass, DeviceId, DeviceStatus, Devices, DevicesGenesis, LocationCell, Nameplate, StoredReport,
    TelemetryReport,
};
use greenhour_primitives::{Address, Hash};
use greenhour_testkit::suite;

fn genesis() -> DevicesGenesis {
    let report = TelemetryReport {
        device: DeviceId(3),
        start: 7_200,
        end: 10_800,
        generated_wh: 100,
        charged_wh: 0,
        discharged_wh: 0,
        imported_wh: 0,
        exported_wh: 0,
        compute_wh: 50,
        gpu_seconds: 10,
        soc_permille: 0,
        outage_before: false,
    };
    let hash = Hash::digest(b"report");
    DevicesGenesis {
        params: Default::default(),
        devices: vec![Device {
            id: DeviceId(3),
            owner: Address([7; 20]),
            key: SecretKey::from_name("genesis-device").public_key(),
            class: DeviceClass::Datacentre,
            cell: LocationCell::new("9q8yy").unwrap(),
            nameplate: Nameplate {
                pv_w: 1_000,
                battery_wh: 0,
                battery_max_w: 0,
                charger_w: 0,
                gpu_model: "L4".into(),
                gpu_count: 1,
                gpu_tdp_w: 72,
            },
            status: DeviceStatus::Active,
            registered_at: 0,
            last_report_end: Some(10_800),
            reports: 1,
            charged_wh: 0,
            charged_from_pv_wh: 0,
            totals: greenhour_devices::TelemetryTotals {
                reported_seconds: 3_600,
                generated_wh: 100,
                compute_wh: 50,
                green_compute_wh: 50,
                gpu_seconds: 10,
            },
        }],
        reports: vec![StoredReport { hash, report, green_compute_wh: 50, green_share_bps: 10_000, accepted_at: 0 }],
        report_uses: vec![(hash, "certificate 1".into())],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Devices>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Devices>(&genesis());
}
