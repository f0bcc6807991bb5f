//! A device with telemetry, and shorthands for carbon actions.
#![allow(dead_code)]

use greenhour_app::AppAction;
use greenhour_carbon::{state, Bundle, CarbonAction, ClaimTerms};
use greenhour_crypto::SecretKey;
use greenhour_devices::{DeviceId, DevicesAction, TelemetryReport};
use greenhour_framework::ErrorInfo;
use greenhour_primitives::Hash;
use greenhour_testkit::{supply, TestNode, TEST_GENESIS_TIME};

pub const DEVICE_KEY: &str = "carol-roof";

pub fn carbon(a: CarbonAction) -> Vec<AppAction> {
    vec![AppAction::Carbon(a)]
}

pub fn code(e: &ErrorInfo) -> (&str, u32) {
    (e.module.as_str(), e.code)
}

/// Carol's home device with the day before genesis reported: ten sunny hours of
/// 3,000 Wh, 1,000 of which charged the battery.
pub fn node_with_device() -> (TestNode, DeviceId) {
    node_with_device_from(greenhour_testkit::demo_genesis("gh-carbon"))
}

pub fn node_with_device_from(genesis: greenhour_app::Genesis) -> (TestNode, DeviceId) {
    let mut node = TestNode::with_genesis(&genesis);
    let id = supply::device_with_history(&mut node, "carol", DEVICE_KEY, "u4pruyd");
    (node, id)
}

/// The device's accepted reports, oldest first, as `(start, hash, generated)`.
pub fn reports(node: &TestNode, device: DeviceId) -> Vec<(u64, Hash, u64)> {
    let s = node.app.snapshot().unwrap();
    greenhour_devices::state::reports(&s, device, 0)
        .unwrap()
        .into_iter()
        .map(|r| (r.report.start, r.hash, r.report.generated_wh))
        .collect()
}

/// The hashes of the reports that generated energy.
pub fn sunny_reports(node: &TestNode, device: DeviceId) -> Vec<Hash> {
    reports(node, device).into_iter().filter(|r| r.2 > 0).map(|r| r.1).collect()
}

/// Reports the hour after the last one: discharge into compute, no sun.
pub fn report_night(node: &mut TestNode, device: DeviceId, start: u64, discharged_wh: u64) -> Hash {
    let report = TelemetryReport {
        device,
        start,
        end: start + 3_600,
        generated_wh: 0,
        charged_wh: 0,
        discharged_wh,
        imported_wh: 0,
        // Two 450 W GPUs take at most 900 Wh; the rest goes to the grid.
        exported_wh: discharged_wh.saturating_sub(900),
        compute_wh: discharged_wh.min(900),
        gpu_seconds: 3_600,
        soc_permille: 300,
        outage_before: false,
    };
    let signature = report.sign(&SecretKey::from_name(DEVICE_KEY), node.app.chain_id());
    let hash = report.signed_hash(&signature);
    let tx = node.tx(&TestNode::key("carol"), vec![AppAction::Devices(DevicesAction::Report { report, signature })]);
    node.deliver(tx).expect("report accepted");
    hash
}

pub fn issue(node: &mut TestNode, reports: Vec<Hash>) -> Result<(), ErrorInfo> {
    let tx = node.tx(&TestNode::key("alice"), carbon(CarbonAction::Issue { reports }));
    node.deliver(tx).map(|_| ())
}

pub fn act(node: &mut TestNode, who: &str, a: CarbonAction) -> Result<greenhour_app::TxRecord, ErrorInfo> {
    let tx = node.tx(&TestNode::key(who), carbon(a));
    node.deliver(tx)
}

pub fn bundles_of(node: &TestNode, who: &str) -> Vec<Bundle> {
    state::bundles_of(&node.app.snapshot().unwrap(), &TestNode::addr(who)).unwrap()
}

pub fn bundle(node: &TestNode, first: u64) -> Bundle {
    state::bundle(&node.app.snapshot().unwrap(), first).unwrap()
}

pub fn terms(beneficiary: &str) -> ClaimTerms {
    ClaimTerms {
        beneficiary: beneficiary.into(),
        purpose: "office load".into(),
        location: "DE".into(),
        period_start: TEST_GENESIS_TIME - 86_400,
        period_end: TEST_GENESIS_TIME,
    }
}

/// The carbon events of a transaction, decoded.
pub fn carbon_events(record: &greenhour_app::TxRecord) -> Vec<greenhour_carbon::CarbonEvent> {
    greenhour_carbon::CarbonEvent::all_in(&record.events)
}
