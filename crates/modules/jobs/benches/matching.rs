//! The matcher's batch in one block: 10,000 open jobs against 10,000 devices
//! with two GPUs each pledged over 24 hours (issue 5 target: ≤ 200 ms). Jobs
//! take one GPU for one hour anywhere in the day, paid with held slots, and
//! devices differ in measured green share, so the ranking matters.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use greenhour_bank::{BankGenesis, GenesisBalance, ModuleAccountGenesis, PerishableDenom, Permission};
use greenhour_crypto::SecretKey;
use greenhour_devices::{Device, DeviceClass, DeviceId, DeviceStatus, LocationCell, Nameplate, TelemetryTotals};
use greenhour_framework::{BlockCtx, Module};
use greenhour_jobs::state::{Job, JobId, JobSpec, Ledger};
use greenhour_jobs::{JobsGenesis, JobsParams, Pricing, TaskKind, Verification, Workload};
use greenhour_pools::SlotUnit;
use greenhour_primitives::{Address, ChainId, Coin, Hash};
use greenhour_state::{BlockOverlay, StateWrite};
use std::collections::BTreeMap;

const DEVICES: u64 = 10_000;
const JOBS: u64 = 10_000;
const HOURS: u64 = 24;
const FIRST_HOUR: u64 = 500_000;
const NOW: u64 = FIRST_HOUR * 3_600 - 600;

fn base() -> BTreeMap<Vec<u8>, Vec<u8>> {
    let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let buyer = Address([9; 20]);
    let slots: Vec<_> = (FIRST_HOUR..FIRST_HOUR + HOURS)
        .map(|h| greenhour_pools::state::slot_denom(SlotUnit::GpuHour, DeviceClass::Home, h))
        .collect();
    let bank = BankGenesis {
        balances: vec![GenesisBalance {
            address: buyer,
            coins: slots.iter().map(|s| Coin::new(s.clone(), JOBS as u128)).collect(),
        }],
        module_accounts: ["fee_collector", "insurance", "jobs", "market", "pools"]
            .iter()
            .map(|n| ModuleAccountGenesis {
                name: n.to_string(),
                permissions: vec![Permission::Mint, Permission::Burn],
            })
            .collect(),
        perishable: slots
            .iter()
            .enumerate()
            .map(|(i, s)| PerishableDenom {
                denom: s.clone(),
                issuer: "pools".into(),
                closes_at: (FIRST_HOUR + i as u64) * 3_600,
            })
            .collect(),
    };
    greenhour_bank::Bank::init_genesis(&mut block, &bank).unwrap();
    let params = JobsParams { match_per_block: JOBS as u32, ..JobsParams::default() };
    greenhour_jobs::Jobs::init_genesis(&mut block, &JobsGenesis { params }).unwrap();
    let key = SecretKey::from_name("bench").public_key();
    for i in 0..DEVICES {
        let id = DeviceId(i + 1);
        // Green shares spread over 30–100 % by a fixed scramble of the id.
        let green = 3_000 + (i * 7_919) % 7_001;
        let device = Device {
            id,
            owner: Address::for_module(&format!("owner-{i}")),
            key,
            class: DeviceClass::Home,
            cell: LocationCell::new("u33dc0").unwrap(),
            nameplate: Nameplate {
                pv_w: 5_000,
                battery_wh: 10_000,
                battery_max_w: 5_000,
                charger_w: 0,
                gpu_model: "RTX 4090".into(),
                gpu_count: 2,
                gpu_tdp_w: 450,
            },
            status: DeviceStatus::Active,
            registered_at: 1,
            last_report_end: Some(NOW - 600),
            reports: 24,
            charged_wh: 0,
            charged_from_pv_wh: 0,
            totals: TelemetryTotals {
                compute_wh: 10_000,
                green_compute_wh: green * 10_000 / 10_000,
                ..Default::default()
            },
        };
        block.put(&greenhour_devices::keys::device(id), &device);
        let first_day = NOW / 86_400 - 7;
        block.put(&greenhour_devices::keys::day_start(id, first_day), &TelemetryTotals::default());
        for h in FIRST_HOUR..FIRST_HOUR + HOURS {
            block.put(&greenhour_pools::keys::capacity(h, "home", id), &2u32);
        }
    }
    for j in 0..JOBS {
        let id = JobId(j + 1);
        let spec = JobSpec {
            kind: TaskKind::Inference,
            class: DeviceClass::Home,
            gpus: 1,
            hours: 1,
            earliest_hour: FIRST_HOUR,
            deadline_hour: FIRST_HOUR + HOURS,
            min_green_bps: 0,
            pricing: Pricing::Held,
            incentive: 1_000_000,
            workload: Workload::Opaque { digest: Hash::ZERO },
            verification: Verification::Attested,
            bond: 1_000_000,
            slash_split_bps: 5_000,
            providers: Vec::new(),
        };
        let job = Job::open(id, buyer, spec, NOW - 60, Ledger { ghr_in: 1_000_000, ..Ledger::default() });
        block.put(&greenhour_jobs::keys::job(id), &job);
        block.put(&greenhour_jobs::keys::open(id), &());
    }
    block.into_changes().into_iter().filter_map(|(k, v)| v.map(|v| (k, v))).collect()
}

fn matching(c: &mut Criterion) {
    let base = base();
    let ctx = BlockCtx {
        chain_id: ChainId::new("bench").unwrap(),
        height: 2,
        time: NOW,
        beacon: Hash::ZERO,
        last_commit_signers: None,
    };
    let mut group = c.benchmark_group("matching");
    group.sample_size(10);
    group.bench_function("10k_jobs_x_10k_devices_x_24h", |b| {
        b.iter_batched(
            || BlockOverlay::new(base.clone()),
            |mut block| {
                <greenhour_jobs::Jobs as greenhour_framework::Module>::end_block(&mut block, &ctx).unwrap();
                let matched = greenhour_jobs::JobsEvent::all_in(&block.take_events())
                    .iter()
                    .filter(|e| matches!(e, greenhour_jobs::JobsEvent::Matched { .. }))
                    .count();
                assert_eq!(matched as u64, JOBS, "every job placed");
                block
            },
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, matching);
criterion_main!(benches);
