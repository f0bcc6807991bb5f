//! Issue 3 target: signed telemetry reports verified and applied per second on
//! the single node, ≥ 50,000/s with batch verification.
//!
//! What is timed is the state machine's ingest path for one block of reports at a
//! time: each report's signature claim is read (the device's key), the block's
//! claims are batch-verified on two threads, and every report is checked and
//! applied by the devices handler (continuity, nameplate, balance, green share,
//! the report, its hash index and the device record written) on the in-memory
//! overlay a block runs on. The transaction around each report (its own
//! signature, fee and nonce), the mempool, RPC and the disk commit are not: they
//! are `greenhour bench telemetry`, end to end.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use greenhour_crypto::{SecretKey, SignatureCache};
use greenhour_devices::{
    Device, DeviceClass, DeviceId, DeviceStatus, DevicesAction, DevicesParams, LocationCell, TelemetryReport,
    TelemetryTotals,
};
use greenhour_framework::{Action, BlockCtx, StateWrite, TxCtx};
use greenhour_primitives::{Address, ChainId, Hash};
use greenhour_state::BlockOverlay;
use std::collections::BTreeMap;
use std::sync::Arc;

/// 10,000 devices (`GREENHOUR_BENCH_DEVICES` sets another number), one block of
/// one report each.
fn devices() -> u64 {
    std::env::var("GREENHOUR_BENCH_DEVICES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}
const START: u64 = 500_000 * 3_600;

fn fixture() -> (BTreeMap<Vec<u8>, Vec<u8>>, Vec<DevicesAction>, ChainId) {
    let chain = ChainId::new("greenhour-bench").unwrap();
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    block.put(&greenhour_devices::keys::params(), &DevicesParams::default());
    let mut actions = Vec::new();
    for i in 0..devices() {
        let key = SecretKey::from_name(&format!("ingest-device-{i}"));
        let id = DeviceId(i + 1);
        let device = Device {
            id,
            owner: Address::for_module(&format!("owner-{i}")),
            key: key.public_key(),
            class: DeviceClass::Home,
            cell: LocationCell::new("u33dc0").unwrap(),
            nameplate: greenhour_testkit::supply::nameplate(2),
            status: DeviceStatus::Active,
            registered_at: 1,
            last_report_end: Some(START),
            reports: 1,
            charged_wh: 0,
            charged_from_pv_wh: 0,
            totals: TelemetryTotals::default(),
        };
        block.put(&greenhour_devices::keys::device(id), &device);
        let report = TelemetryReport {
            device: id,
            start: START,
            end: START + 3_600,
            generated_wh: 3_000 + i % 500,
            charged_wh: 1_000,
            discharged_wh: 0,
            imported_wh: 0,
            exported_wh: 500,
            compute_wh: 900,
            gpu_seconds: 3_600,
            soc_permille: 600,
            outage_before: false,
        };
        let signature = report.sign(&key, &chain);
        actions.push(DevicesAction::Report { report, signature });
    }
    let base = block.into_changes().into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect();
    (base, actions, chain)
}

fn ingest(c: &mut Criterion) {
    let (base, actions, chain) = fixture();
    let block_ctx = BlockCtx {
        chain_id: chain.clone(),
        height: 10,
        time: START + 3_700,
        beacon: Hash::ZERO,
        last_commit_signers: None,
    };
    let mut group = c.benchmark_group("telemetry");
    group.sample_size(10);
    group.throughput(Throughput::Elements(actions.len() as u64));
    group.bench_function("verify_and_apply_block_of_reports", |b| {
        b.iter_batched(
            || BlockOverlay::new(base.clone()),
            |mut block| {
                let claims: Vec<_> = actions.iter().flat_map(|a| a.signature_claims(&block)).collect();
                let cache = Arc::new(SignatureCache::verify(&chain, &claims, 2));
                assert_eq!(cache.len(), actions.len(), "every report's signature verifies");
                // Anyone may carry a device's report; its own signature is what counts.
                let tx = TxCtx {
                    block: block_ctx.clone(),
                    signer: Address([1; 20]),
                    tx_hash: Hash::ZERO,
                    signatures: cache,
                };
                for action in &actions {
                    action.execute(&mut block, &tx).unwrap();
                }
                block
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
