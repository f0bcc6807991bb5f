//! The trigger sweep for 100,000 covered device-hours in one block — target
//! (issue 22): ≤ 100 ms. Each of 100,000 devices has a one-hour cover; six in
//! seven reported the hour (their report is read and the hour released), one in
//! seven did not (it is paid: a bank transfer to its holder).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use greenhour_bank::{Bank, BankGenesis, GenesisBalance};
use greenhour_cover::genesis::CoverGenesis;
use greenhour_cover::{Cover, CoverEvent, CoverModule, Peril, Pool};
use greenhour_devices::action::TelemetryReport;
use greenhour_devices::state::StoredReport;
use greenhour_devices::DeviceId;
use greenhour_framework::{BlockCtx, Module, StateWrite};
use greenhour_primitives::{Address, ChainId, Coin, Denom, Hash};
use greenhour_state::BlockOverlay;
use std::collections::BTreeMap;

const HOUR: u64 = 3_600;
const COVERED_HOUR: u64 = 1_767_225_600 / HOUR;
const DEVICES: u64 = 100_000;
const PER_HOUR: u128 = 1_000_000;

fn holder(i: u64) -> Address {
    let mut a = [0u8; 20];
    a[..8].copy_from_slice(&i.to_be_bytes());
    a[8] = 9;
    Address(a)
}

fn state() -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let covers: Vec<Cover> = (1..=DEVICES)
        .map(|i| Cover {
            id: i,
            holder: holder(i),
            peril: Peril::Downtime { device: DeviceId(i) },
            first_hour: COVERED_HOUR,
            events: 1,
            sum_insured: PER_HOUR,
            premium: 0,
            next_hour: COVERED_HOUR,
            judged: 0,
            events_paid: 0,
            paid: 0,
            bought_at: 0,
        })
        .collect();
    let locked = PER_HOUR * u128::from(DEVICES);
    let genesis = CoverGenesis {
        pool: Pool { capital: locked, locked, covers_sold: DEVICES, ..Pool::default() },
        covers,
        ..CoverGenesis::default()
    };
    let bank = BankGenesis {
        balances: vec![GenesisBalance {
            address: greenhour_cover::api::account(),
            coins: vec![Coin::new(Denom::gusd(), locked)],
        }],
        ..BankGenesis::default()
    };
    Bank::init_genesis(&mut block, &bank).unwrap();
    CoverModule::init_genesis(&mut block, &genesis).unwrap();
    for i in (1..=DEVICES).filter(|i| i % 7 != 0) {
        let report = TelemetryReport {
            device: DeviceId(i),
            start: COVERED_HOUR * HOUR,
            end: (COVERED_HOUR + 1) * HOUR,
            generated_wh: 0,
            charged_wh: 0,
            discharged_wh: 0,
            imported_wh: 100,
            exported_wh: 0,
            compute_wh: 100,
            gpu_seconds: 3_600,
            soc_permille: 500,
            outage_before: false,
        };
        let stored = StoredReport {
            hash: Hash::digest(i.to_be_bytes()),
            report,
            green_compute_wh: 0,
            green_share_bps: 0,
            accepted_at: 1,
        };
        block.put(&greenhour_devices::keys::report(DeviceId(i), COVERED_HOUR * HOUR), &stored);
    }
    CoverModule::check_invariants(&block).unwrap();
    block.into_changes().into_iter().map(|(k, v)| (k, v.expect("genesis writes values"))).collect()
}

fn ctx() -> BlockCtx {
    BlockCtx {
        chain_id: ChainId::new("cover-bench").unwrap(),
        height: 2,
        // The hour ended and the two-hour grace passed.
        time: (COVERED_HOUR + 3) * HOUR,
        beacon: Hash::digest(b"bench"),
        last_commit_signers: None,
    }
}

fn triggers(c: &mut Criterion) {
    let mut group = c.benchmark_group("cover");
    group.sample_size(10);
    let base = state();
    group.bench_function("judge_100k_covered_device_hours", |b| {
        b.iter_batched(
            || BlockOverlay::new(base.clone()),
            |mut block| {
                CoverModule::end_block(&mut block, &ctx()).unwrap();
                let paid = CoverEvent::all_in(&block.take_events())
                    .iter()
                    .filter(|e| matches!(e, CoverEvent::Paid { .. }))
                    .count() as u64;
                assert_eq!(paid, DEVICES / 7, "one device in seven was down");
                block
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, triggers);
criterion_main!(benches);
