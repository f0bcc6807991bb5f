//! Jobs from post to settlement through the app, one verification method at a
//! time, and the bad inputs each step refuses.

use greenhour_jobs::api::insurance;
use greenhour_jobs::{JobStatus, JobsAction, Pricing, ReplicaOutcome, Verification, Workload};
use greenhour_primitives::{Denom, Hash};
use greenhour_testkit::jobs::*;
use greenhour_testkit::TestNode;

fn ghr(node: &TestNode, who: &str) -> u128 {
    node.balance(&TestNode::addr(who), &Denom::ghr())
}

#[test]
fn app_can_settle_a_redundant_job_and_slash_the_dissenter() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let id = post(&mut node, spec(module, "mlp", Verification::Redundant { k: 3 })).unwrap();
    node.produce_block(vec![]);
    let j = job(&node, id);
    assert_eq!(j.status, JobStatus::Matched);
    assert_eq!(j.start_hour, Some(RUN_HOUR));
    assert_eq!(j.replicas.len(), 3, "one replica per owner");
    assert_eq!(node.balance(&TestNode::addr("dave"), &slot(RUN_HOUR)), 3, "three slots left dave's account");

    at_hour(&mut node, RUN_HOUR, 0);
    assert_eq!(job(&node, id).status, JobStatus::Running);
    let good = correct("mlp");
    let bad = vec![0u8; good.len()];
    let liar = 2;
    let before: Vec<u128> = OPERATORS.iter().map(|o| ghr(&node, o)).collect();
    let insured = node.balance(&insurance(), &Denom::ghr());
    for r in 0..3 {
        commit(&mut node, id, r, if r == liar { &bad } else { &good }).unwrap();
    }
    let e = commit(&mut node, id, 0, &good).unwrap_err();
    assert_eq!(code(&e), ("jobs", 13), "a second commitment is refused");
    for r in 0..3 {
        reveal(&mut node, id, r, if r == liar { &bad } else { &good }).unwrap();
    }
    let j = job(&node, id);
    assert_eq!(j.status, JobStatus::Settled);
    assert_eq!(j.result, Some(greenhour_jobs::math::output_hash(&good)));
    let outcomes: Vec<_> = j.replicas.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes[liar], ReplicaOutcome::Wrong);
    assert_eq!(outcomes.iter().filter(|o| **o == ReplicaOutcome::Correct).count(), 2);
    // Honest operators hold the position NFTs: each got a third of the incentive
    // less the 2 % fee, and their bond back (minus the tx fees they paid).
    let share = INCENTIVE / 3;
    let net = share - share.div_ceil(50);
    for r in 0..3 {
        let who = operator_of(&j, r);
        let i = OPERATORS.iter().position(|o| *o == who).unwrap();
        // commit + reveal, and replica 0's refused second commitment, which is in
        // its block and charged like any transaction whose action fails.
        let fees = (2 + u128::from(r == 0)) * node.app.params().min_fee;
        if r == liar {
            assert_eq!(ghr(&node, who), before[i] - BOND - fees, "the liar lost its bond");
        } else {
            assert_eq!(ghr(&node, who), before[i] + net - fees, "an honest provider is paid");
        }
    }
    assert_eq!(node.balance(&insurance(), &Denom::ghr()), insured + BOND, "the slashed bond is insured");
    assert_eq!(j.ledger.refunded, share, "the liar's share went back to the buyer");
    let report = state_report(&node, id);
    assert_eq!(report.gpu_hours, 2, "two replicas delivered accepted work");
    assert!(!report.attested_only);
}

fn state_report(node: &TestNode, id: greenhour_jobs::JobId) -> greenhour_jobs::SciReport {
    greenhour_jobs::state::report(&node.app.snapshot().unwrap(), id).unwrap().expect("an SCI report")
}

#[test]
fn app_can_settle_an_optimistic_job_after_an_unchallenged_window() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "mandelbrot");
    let verification = Verification::Optimistic { window_secs: 600, sample_bps: 0 };
    let id = post(&mut node, spec(module, "mandelbrot", verification)).unwrap();
    node.produce_block(vec![]);
    at_hour(&mut node, RUN_HOUR, 60);
    reveal(&mut node, id, 0, &correct("mandelbrot")).unwrap();
    assert_eq!(job(&node, id).status, JobStatus::Verifying);
    node.advance(600);
    node.produce_block(vec![]);
    let j = job(&node, id);
    assert_eq!(j.status, JobStatus::Settled);
    assert_eq!(j.replicas[0].outcome, ReplicaOutcome::Correct);
    let output = greenhour_jobs::state::output(&node.app.snapshot().unwrap(), id, 0).unwrap().unwrap();
    assert_eq!(output, correct("mandelbrot"), "the buyer can read the tile back");
}

#[test]
fn app_can_slash_a_wrong_optimistic_result_on_challenge() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "sgd");
    let verification = Verification::Optimistic { window_secs: 3_600, sample_bps: 0 };
    let id = post(&mut node, spec(module, "sgd", verification)).unwrap();
    node.produce_block(vec![]);
    at_hour(&mut node, RUN_HOUR, 60);
    let j = job(&node, id);
    let provider = operator_of(&j, 0);
    let challenger = OPERATORS.iter().find(|o| **o != provider).unwrap();
    let lazy = vec![7u8; correct("sgd").len()];
    reveal(&mut node, id, 0, &lazy).unwrap();
    let (dave, challenger_before) = (ghr(&node, "dave"), ghr(&node, challenger));
    let e = node.expect_rejected(&TestNode::key(provider), jobs(JobsAction::Challenge { job: id }));
    assert_eq!(code(&e), ("jobs", 17), "a provider cannot challenge itself");
    node.deliver(node.tx(&TestNode::key(challenger), jobs(JobsAction::Challenge { job: id }))).unwrap();
    let j = job(&node, id);
    assert_eq!(j.status, JobStatus::Failed);
    assert_eq!(j.replicas[0].outcome, ReplicaOutcome::Wrong);
    let fee = node.app.params().min_fee;
    assert_eq!(
        ghr(&node, challenger),
        challenger_before + BOND / 2 - fee,
        "half the slashed bond rewards the challenger"
    );
    assert_eq!(ghr(&node, "dave"), dave + INCENTIVE, "the buyer gets the incentive back");
    let e = node.expect_rejected(&TestNode::key("dave"), jobs(JobsAction::Challenge { job: id }));
    assert_eq!(code(&e), ("jobs", 9), "a failed job cannot be challenged again");
}

#[test]
fn app_can_confirm_a_correct_result_against_a_challenge() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let verification = Verification::Optimistic { window_secs: 3_600, sample_bps: 0 };
    let id = post(&mut node, spec(module, "mlp", verification)).unwrap();
    node.produce_block(vec![]);
    at_hour(&mut node, RUN_HOUR, 60);
    reveal(&mut node, id, 0, &correct("mlp")).unwrap();
    let insured = node.balance(&insurance(), &Denom::ghr());
    node.deliver(node.tx(&TestNode::key("dave"), jobs(JobsAction::Challenge { job: id }))).unwrap();
    let j = job(&node, id);
    assert_eq!(j.status, JobStatus::Settled, "re-execution confirmed the result");
    assert!(j.confirmed);
    assert_eq!(node.balance(&insurance(), &Denom::ghr()), insured + BOND / 2, "the failed challenger's bond is split");
}

#[test]
fn app_can_audit_reveals_by_the_block_beacon() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let verification = Verification::Optimistic { window_secs: 3_600, sample_bps: 10_000 };
    let id = post(&mut node, spec(module, "mlp", verification)).unwrap();
    node.produce_block(vec![]);
    at_hour(&mut node, RUN_HOUR, 60);
    reveal(&mut node, id, 0, b"made up").unwrap();
    let j = job(&node, id);
    assert!(j.audited);
    assert_eq!(j.status, JobStatus::Failed, "an audited wrong result fails at once");
}

/// An attested opaque job whose device revealed and reported its sunny run
/// hour: `(node, job, operator, device)`, before settlement.
fn attested_job_reported() -> (TestNode, greenhour_jobs::JobId, &'static str, greenhour_devices::DeviceId) {
    let Fleet { mut node, devices, .. } = fleet();
    let mut s = spec(Hash::ZERO, "mlp", Verification::Attested);
    s.workload = Workload::Opaque { digest: Hash::digest(b"container image sha") };
    let id = post(&mut node, s).unwrap();
    node.produce_block(vec![]);
    at_hour(&mut node, RUN_HOUR, 60);
    let j = job(&node, id);
    let owner = operator_of(&j, 0);
    let device = devices[OPERATORS.iter().position(|o| *o == owner).unwrap()];
    reveal(&mut node, id, 0, b"").unwrap();
    at_hour(&mut node, RUN_HOUR + 1, 10);
    report_hour(&mut node, owner, device, RUN_HOUR, 3_600);
    (node, id, owner, device)
}

#[test]
fn app_can_settle_attested_opaque_work_on_meter_readings() {
    let (mut node, id, _, device) = attested_job_reported();
    at_hour(&mut node, RUN_HOUR + 2, 10);
    let j = job(&node, id);
    assert_eq!(j.status, JobStatus::Settled, "{:?}", j.replicas[0].outcome);
    let report = state_report(&node, id);
    assert!(report.attested_only);
    assert_eq!(report.energy_source, greenhour_jobs::EnergySource::Telemetry);
    assert_eq!(report.energy_wh, 450, "one of two GPUs: half the hour's 900 Wh");
    assert!(report.green_wh > 0 && report.green_wh <= report.energy_wh);
    assert_eq!(report.embodied_mg, 8_560);
    // The green Wh are the device's certificates of the run hour, claimed for the buyer.
    let snap = node.app.snapshot().unwrap();
    let claimed: u64 = report.certificates.iter().map(|(f, l)| l - f + 1).sum();
    assert_eq!(claimed, report.green_wh);
    let receipt = report.receipt.expect("a receipt for the claimed certificates");
    let claim = greenhour_carbon::state::claim(&snap, receipt).unwrap();
    assert_eq!((claim.claimant, claim.wh), (TestNode::addr("dave"), report.green_wh));
    for (first, _) in &report.certificates {
        let b = greenhour_carbon::state::bundle(&snap, *first).unwrap();
        assert_eq!((b.device, b.hour()), (device, RUN_HOUR));
        assert_eq!(b.status, greenhour_carbon::BundleStatus::Claimed { receipt });
    }
    let usage = greenhour_carbon::state::usage(&snap, &TestNode::addr("dave"), RUN_HOUR).unwrap();
    assert_eq!((usage.job_wh, usage.claimed_wh), (report.energy_wh, report.green_wh));
}

#[test]
fn app_can_count_green_energy_once_when_the_owner_sold_the_certificates() {
    let (mut node, id, owner, device) = attested_job_reported();
    // The owner certifies the hour and sells every active Wh of it to bob first.
    let snap = node.app.snapshot().unwrap();
    let hash = greenhour_devices::state::reports(&snap, device, RUN_HOUR * 3_600).unwrap()[0].hash;
    let issue = greenhour_carbon::CarbonAction::Issue { reports: vec![hash] };
    node.deliver(node.tx(&TestNode::key(owner), vec![greenhour_app::AppAction::Carbon(issue)])).unwrap();
    let snap = node.app.snapshot().unwrap();
    for b in greenhour_carbon::state::bundles_of_device_hour(&snap, device, RUN_HOUR).unwrap() {
        if b.status == greenhour_carbon::BundleStatus::Active {
            let sell =
                greenhour_carbon::CarbonAction::Transfer { bundle: b.first, to: TestNode::addr("bob"), wh: None };
            node.deliver(node.tx(&TestNode::key(owner), vec![greenhour_app::AppAction::Carbon(sell)])).unwrap();
        }
    }
    at_hour(&mut node, RUN_HOUR + 2, 10);
    assert_eq!(job(&node, id).status, JobStatus::Settled);
    let report = state_report(&node, id);
    assert_eq!((report.green_wh, report.receipt), (0, None), "bob's certificates cannot green the job too");
    assert_eq!(report.market_based_mg, report.location_based_mg);
}

#[test]
fn app_can_buy_capacity_through_the_market_for_a_job() {
    let Fleet { mut node, positions, .. } = fleet();
    let hour = RUN_HOUR + 1;
    // Alice puts her two slots of the next hour in a new market pool.
    let create = greenhour_market::MarketAction::Create {
        slot: slot(hour),
        quote: Denom::gusd(),
        floor_wad: 500_000 * greenhour_market::math::WAD,
        half_life: 3_600,
        decay_window: 4 * 3_600,
    };
    node.deliver(node.tx(&TestNode::key("carol"), vec![greenhour_app::AppAction::Market(create)])).unwrap();
    let provide = greenhour_pools::PoolsAction::Provide {
        position: positions[0],
        hour,
        quantity: 2,
        max_quote: 1_000_000,
        min_shares: 0,
        deadline: u64::MAX,
    };
    node.deliver(node.tx(&TestNode::key("alice"), vec![greenhour_app::AppAction::Pools(provide)])).unwrap();
    let module = upload(&mut node, "mandelbrot");
    let mut s = spec(module, "mandelbrot", Verification::Optimistic { window_secs: 600, sample_bps: 0 });
    s.earliest_hour = hour;
    s.deadline_hour = hour + 1;
    s.pricing = Pricing::Market { quote: Denom::gusd(), max_price_per_gpu_hour: 5_000_000 };
    let gusd = node.balance(&TestNode::addr("dave"), &Denom::gusd());
    let id = post(&mut node, s).unwrap();
    node.produce_block(vec![]);
    let j = job(&node, id);
    let snap = node.app.snapshot().unwrap();
    let route = greenhour_market::api::route(&snap, &slot(hour), 1, 1, &Denom::gusd(), node.now());
    assert_eq!(j.status, JobStatus::Matched, "{:?}", route.map(|r| r.1));
    assert!(j.ledger.quote_spent > 0 && j.ledger.quote_spent <= 5_000_000);
    assert_eq!(
        node.balance(&TestNode::addr("dave"), &Denom::gusd()),
        gusd - j.ledger.quote_spent,
        "the rest came back"
    );
}

#[test]
fn app_can_expire_a_job_no_capacity_can_serve() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let mut s = spec(module, "mlp", Verification::Redundant { k: 4 });
    s.pricing = Pricing::Held;
    // Four owners are needed, three exist: it never matches and expires.
    let dave = ghr(&node, "dave");
    let id = post(&mut node, s).unwrap();
    at_hour(&mut node, RUN_HOUR, 0);
    let j = job(&node, id);
    assert_eq!(j.status, JobStatus::Expired);
    let fee = node.app.params().min_fee;
    assert_eq!(ghr(&node, "dave"), dave - fee, "the incentive came back (the post's fee aside)");
}

#[test]
fn rejects_jobs_that_cannot_be_met_or_funded() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let dave = TestNode::key("dave");
    let mut zero = spec(module, "mlp", Verification::Attested);
    zero.gpus = 0;
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: zero }))), ("jobs", 2));
    let mut free = spec(module, "mlp", Verification::Attested);
    free.incentive = 0;
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: free }))), ("jobs", 2));
    let mut past = spec(module, "mlp", Verification::Attested);
    past.earliest_hour = 1;
    past.deadline_hour = 2;
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: past }))), ("jobs", 2));
    let mut rich = spec(module, "mlp", Verification::Attested);
    rich.pricing = Pricing::Market { quote: Denom::gusd(), max_price_per_gpu_hour: u64::MAX as u128 };
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: rich }))), ("jobs", 3));
    let mut fuel = spec(module, "mlp", Verification::Attested);
    fuel.workload = Workload::Wasm { module, input: vec![], fuel: u64::MAX };
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: fuel }))), ("jobs", 6));
    let unknown = spec(Hash::digest(b"nobody uploaded this"), "mlp", Verification::Attested);
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: unknown }))), ("jobs", 5));
    let mut opaque = spec(module, "mlp", Verification::Redundant { k: 2 });
    opaque.workload = Workload::Opaque { digest: Hash::ZERO };
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: opaque }))), ("jobs", 7));
    let mut cheap = spec(module, "mlp", Verification::Attested);
    cheap.bond = 1;
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: cheap }))), ("jobs", 8));
}

#[test]
fn rejects_invalid_or_oversized_workloads() {
    let mut node = TestNode::new();
    let dave = TestNode::key("dave");
    let garbage = jobs(JobsAction::UploadWorkload { wasm: b"\0asm not really".to_vec() });
    assert_eq!(code(&node.expect_rejected(&dave, garbage)), ("jobs", 4));
    let floats = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (i32.trunc_f64_s (f64.const 1.5))))"#,
    )
    .unwrap();
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::UploadWorkload { wasm: floats }))), ("jobs", 4));
    let huge = jobs(JobsAction::UploadWorkload { wasm: vec![0; 50 << 10] });
    assert_eq!(code(&node.expect_rejected(&dave, huge)), ("jobs", 4));
}

#[test]
fn rejects_results_from_unassigned_devices_and_late_results() {
    let Fleet { mut node, devices, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let verification = Verification::Optimistic { window_secs: 600, sample_bps: 0 };
    let id = post(&mut node, spec(module, "mlp", verification)).unwrap();
    node.produce_block(vec![]);
    let j = job(&node, id);
    let assigned = operator_of(&j, 0);
    let other = OPERATORS.iter().position(|o| *o != assigned).unwrap();
    let output = correct("mlp");
    let early = jobs(JobsAction::Reveal { job: id, device: j.replicas[0].device, output: output.clone() });
    assert_eq!(code(&node.expect_rejected(&TestNode::key(assigned), early)), ("jobs", 12), "before its hour");
    at_hour(&mut node, RUN_HOUR, 60);
    let stranger = jobs(JobsAction::Reveal { job: id, device: devices[other], output: output.clone() });
    assert_eq!(code(&node.expect_rejected(&TestNode::key(OPERATORS[other]), stranger)), ("jobs", 11));
    let impostor = jobs(JobsAction::Reveal { job: id, device: j.replicas[0].device, output: output.clone() });
    assert_eq!(code(&node.expect_rejected(&TestNode::key("dave"), impostor)), ("jobs", 11));
    at_hour(&mut node, RUN_HOUR + 2, 10);
    assert_eq!(job(&node, id).status, JobStatus::Failed, "no result before the deadline");
    let late = jobs(JobsAction::Reveal { job: id, device: j.replicas[0].device, output });
    assert_eq!(code(&node.expect_rejected(&TestNode::key(assigned), late)), ("jobs", 12));
}

#[test]
fn rejects_duplicate_challenges_and_cancels_only_open_jobs() {
    let Fleet { mut node, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let verification = Verification::Optimistic { window_secs: 3_600, sample_bps: 0 };
    let id = post(&mut node, spec(module, "mlp", verification.clone())).unwrap();
    node.produce_block(vec![]);
    let e = node.expect_rejected(&TestNode::key("dave"), jobs(JobsAction::Cancel { job: id }));
    assert_eq!(code(&e), ("jobs", 9), "a matched job is not cancelled");
    at_hour(&mut node, RUN_HOUR, 60);
    // A wrong output that is challenged by someone who turns out right, then again.
    reveal(&mut node, id, 0, b"junk").unwrap();
    let provider = operator_of(&job(&node, id), 0);
    let challenger = OPERATORS.iter().find(|o| **o != provider).unwrap();
    node.deliver(node.tx(&TestNode::key(challenger), jobs(JobsAction::Challenge { job: id }))).unwrap();
    let e = node.expect_rejected(&TestNode::key(challenger), jobs(JobsAction::Challenge { job: id }));
    assert_eq!(code(&e), ("jobs", 9));
    // A job still open can be cancelled by its buyer only, for a full refund.
    let mut later = spec(module, "mlp", verification);
    later.earliest_hour = RUN_HOUR + 5;
    later.deadline_hour = RUN_HOUR + 6;
    let open = post(&mut node, later).unwrap();
    let e = node.expect_rejected(&TestNode::key("alice"), jobs(JobsAction::Cancel { job: open }));
    assert_eq!(code(&e), ("jobs", 10));
    node.deliver(node.tx(&TestNode::key("dave"), jobs(JobsAction::Cancel { job: open }))).unwrap();
    assert_eq!(job(&node, open).status, JobStatus::Cancelled);
}

/// Dave holds the three owners' slots of the next hour too.
fn hold_next_hour(fleet: &mut Fleet) {
    for (i, owner) in OPERATORS.iter().enumerate() {
        let release =
            greenhour_pools::PoolsAction::Release { position: fleet.positions[i], hour: RUN_HOUR + 1, quantity: 2 };
        let node = &mut fleet.node;
        node.deliver(node.tx(&TestNode::key(owner), vec![greenhour_app::AppAction::Pools(release)])).unwrap();
        let coin = greenhour_primitives::Coin::new(slot(RUN_HOUR + 1), 2);
        node.deliver(node.send(owner, &TestNode::addr("dave"), coin)).unwrap();
    }
}

fn next_job_id(node: &TestNode) -> u64 {
    use greenhour_state::StateRead;
    node.app.snapshot().unwrap().get(&greenhour_jobs::keys::next_id()).unwrap().unwrap_or(1)
}

#[test]
fn app_can_take_a_solvers_better_batch_over_the_matcher() {
    let mut f = fleet();
    hold_next_hour(&mut f);
    let module = upload(&mut f.node, "mlp");
    let node = &mut f.node;
    // Each device has two GPUs an hour; a three-replica job takes one of each.
    // Job a may run in either hour, b and c only in the first: the matcher, in
    // job order, puts a first and then has room for only one of b and c.
    let mut a = spec(module, "mlp", Verification::Redundant { k: 3 });
    a.deadline_hour = RUN_HOUR + 2;
    let b = spec(module, "mlp", Verification::Redundant { k: 3 });
    let c = b.clone();
    let first = next_job_id(node);
    let ids = [first, first + 1, first + 2].map(greenhour_jobs::JobId);
    let devices: Vec<_> = f.devices.clone();
    let assignments = vec![
        greenhour_jobs::state::Assignment { job: ids[0], start_hour: RUN_HOUR + 1, devices: devices.clone() },
        greenhour_jobs::state::Assignment { job: ids[1], start_hour: RUN_HOUR, devices: devices.clone() },
        greenhour_jobs::state::Assignment { job: ids[2], start_hour: RUN_HOUR, devices: devices.clone() },
    ];
    let dave = TestNode::key("dave");
    let txs = vec![
        node.tx_with_offset(&dave, jobs(JobsAction::Post { spec: a }), 0),
        node.tx_with_offset(&dave, jobs(JobsAction::Post { spec: b }), 1),
        node.tx_with_offset(&dave, jobs(JobsAction::Post { spec: c }), 2),
        node.tx_with_offset(&TestNode::key("bob"), jobs(JobsAction::Propose { assignments }), 0),
    ];
    let outcome = node.produce_block(txs);
    assert!(outcome.outcomes.iter().all(|o| o.result.is_ok()), "{:?}", outcome.outcomes);
    for (id, start) in ids.iter().zip([RUN_HOUR + 1, RUN_HOUR, RUN_HOUR]) {
        let j = job(node, *id);
        assert_eq!((j.status, j.start_hour), (JobStatus::Matched, Some(start)), "job {id}");
    }
}

#[test]
fn rejects_infeasible_and_worse_proposals_and_keeps_the_matcher_when_it_is_as_good() {
    let mut f = fleet();
    let module = upload(&mut f.node, "mlp");
    let node = &mut f.node;
    // A job for the next hour only, whose slots dave does not hold yet: it stays open.
    let mut s = spec(module, "mlp", Verification::Redundant { k: 3 });
    s.earliest_hour = RUN_HOUR + 1;
    s.deadline_hour = RUN_HOUR + 2;
    let id = post(node, s).unwrap();
    node.produce_block(vec![]);
    assert_eq!(job(node, id).status, JobStatus::Open);
    let one = |devices: Vec<greenhour_devices::DeviceId>, start| {
        jobs(JobsAction::Propose {
            assignments: vec![greenhour_jobs::state::Assignment { job: id, start_hour: start, devices }],
        })
    };
    let bob = TestNode::key("bob");
    for (devices, start, why) in [
        (f.devices[..2].to_vec(), RUN_HOUR + 1, "two devices for three replicas"),
        (f.devices.clone(), RUN_HOUR, "a start outside the window"),
        (vec![f.devices[0], f.devices[0], f.devices[1]], RUN_HOUR + 1, "one owner twice"),
        (f.devices.clone(), RUN_HOUR + 1, "the buyer holds no slots of that hour"),
    ] {
        assert_eq!(code(&node.expect_rejected(&bob, one(devices, start))), ("jobs", 22), "{why}");
    }
    // In one block: the owners hand dave the slots, bob proposes, carol proposes
    // the same (not better); the matcher would do as well, so it keeps its own plan.
    let mut txs = Vec::new();
    for (i, owner) in OPERATORS.iter().enumerate() {
        let release =
            greenhour_pools::PoolsAction::Release { position: f.positions[i], hour: RUN_HOUR + 1, quantity: 1 };
        let send = greenhour_bank::BankAction::Send {
            to: TestNode::addr("dave"),
            coins: vec![greenhour_primitives::Coin::new(slot(RUN_HOUR + 1), 1)],
        };
        txs.push(node.tx_with_offset(&TestNode::key(owner), vec![greenhour_app::AppAction::Pools(release)], 0));
        txs.push(node.tx_with_offset(&TestNode::key(owner), vec![greenhour_app::AppAction::Bank(send)], 1));
    }
    txs.push(node.tx_with_offset(&TestNode::key("dave"), one(f.devices.clone(), RUN_HOUR + 1), 0));
    txs.push(node.tx_with_offset(&TestNode::key("dave"), one(f.devices.clone(), RUN_HOUR + 1), 1));
    let outcome = node.produce_block(txs);
    let results: Vec<_> = outcome.outcomes.iter().map(|o| o.result.as_ref().err().map(code)).collect();
    assert!(results[..7].iter().all(Option::is_none), "{results:?}");
    assert_eq!(results[7], Some(("jobs", 23)), "an equal proposal is not better");
    let j = job(node, id);
    assert_eq!((j.status, j.start_hour), (JobStatus::Matched, Some(RUN_HOUR + 1)));
}

#[test]
fn app_can_credit_verified_green_work_to_the_linked_validator() {
    let (mut node, id, owner, device) = attested_job_reported();
    let dave = TestNode::addr("dave");
    let create = greenhour_staking::StakingAction::CreateValidator {
        consensus_key: greenhour_crypto::SecretKey::from_name("dave-consensus").public_key(),
        moniker: "dave".into(),
        commission_bps: 500,
        bond: 1_000_000_000,
    };
    node.deliver(node.tx(&TestNode::key("dave"), vec![greenhour_app::AppAction::Staking(create)])).unwrap();
    let link = greenhour_staking::StakingAction::LinkDevice { device, validator: Some(dave) };
    node.deliver(node.tx(&TestNode::key(owner), vec![greenhour_app::AppAction::Staking(link)])).unwrap();
    at_hour(&mut node, RUN_HOUR + 2, 10);
    let report = state_report(&node, id);
    assert!(report.green_wh > 0);
    let snap = node.app.snapshot().unwrap();
    // One GPU for one hour, weighted by the certified green share of its energy.
    let expected = 1_000 * report.green_wh / report.energy_wh;
    assert_eq!(greenhour_staking::state::green_work(&snap, &dave).unwrap(), expected);
}

#[test]
fn app_can_place_a_job_only_on_the_providers_it_names() {
    let Fleet { mut node, devices, .. } = fleet();
    let module = upload(&mut node, "mlp");
    // Without a provider list the matcher picks among all three owners; with one
    // it must pick carol alone, and for two replicas alice and bob.
    let mut only_carol = spec(module, "mlp", Verification::Attested);
    only_carol.providers = vec![TestNode::addr("carol")];
    let mut alice_or_bob = spec(module, "mlp", Verification::Redundant { k: 2 });
    alice_or_bob.providers = vec![TestNode::addr("bob"), TestNode::addr("alice")];
    let first = post(&mut node, only_carol).unwrap();
    let second = post(&mut node, alice_or_bob).unwrap();
    node.produce_block(vec![]);
    let j = job(&node, first);
    assert_eq!(j.status, JobStatus::Matched);
    assert_eq!(j.replicas.iter().map(|r| r.device).collect::<Vec<_>>(), vec![devices[2]]);
    let j = job(&node, second);
    assert_eq!(j.status, JobStatus::Matched);
    let mut operators: Vec<_> = (0..2).map(|i| operator_of(&j, i)).collect();
    operators.sort();
    assert_eq!(operators, ["alice", "bob"]);
}

#[test]
fn rejects_provider_lists_that_cannot_match_and_proposals_outside_them() {
    let Fleet { mut node, devices, .. } = fleet();
    let module = upload(&mut node, "mlp");
    let dave = TestNode::key("dave");
    let (alice, bob) = (TestNode::addr("alice"), TestNode::addr("bob"));
    let mut twice = spec(module, "mlp", Verification::Redundant { k: 2 });
    twice.providers = vec![alice, alice];
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: twice }))), ("jobs", 2));
    let mut too_few = spec(module, "mlp", Verification::Redundant { k: 3 });
    too_few.providers = vec![alice, bob];
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: too_few }))), ("jobs", 2));
    let mut too_many = spec(module, "mlp", Verification::Attested);
    too_many.providers =
        (0..=greenhour_jobs::MAX_PROVIDERS as u8).map(|i| greenhour_primitives::Address([i; 20])).collect();
    assert_eq!(code(&node.expect_rejected(&dave, jobs(JobsAction::Post { spec: too_many }))), ("jobs", 2));

    // A solver may not place a job on a device outside its list (alice's, for bob's job).
    let mut only_bob = spec(module, "mlp", Verification::Attested);
    only_bob.providers = vec![bob];
    only_bob.earliest_hour = RUN_HOUR + 1;
    only_bob.deadline_hour = RUN_HOUR + 2;
    let id = post(&mut node, only_bob).unwrap();
    node.produce_block(vec![]);
    assert_eq!(job(&node, id).status, JobStatus::Open, "dave holds no slots of that hour yet");
    let assignments =
        vec![greenhour_jobs::state::Assignment { job: id, start_hour: RUN_HOUR + 1, devices: vec![devices[0]] }];
    let refused = node.expect_rejected(&TestNode::key("carol"), jobs(JobsAction::Propose { assignments }));
    assert_eq!(code(&refused), ("jobs", 22));
    assert!(refused.message.contains("not among the job's providers"), "{}", refused.message);
}

/// The free capacity of an hour read two devices to a page, each page after the
/// last device of the one before, is the whole listing in device order.
#[test]
fn app_can_page_the_free_capacity_of_an_hour_by_device() {
    let f = fleet();
    let snap = f.node.app.snapshot().unwrap();
    let class = greenhour_devices::DeviceClass::Home;
    let now = f.node.now();
    let all = greenhour_jobs::query::capacity(&snap, class, RUN_HOUR + 1, None, usize::MAX, now).unwrap();
    assert_eq!(all.iter().map(|c| c.device).collect::<Vec<_>>(), f.devices.iter().map(|d| d.0).collect::<Vec<_>>());
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = greenhour_jobs::query::capacity(&snap, class, RUN_HOUR + 1, after, 2, now).unwrap();
        assert!(page.len() <= 2);
        let Some(last) = page.last() else { break };
        after = Some(last.device);
        paged.extend(page);
    }
    assert_eq!(paged, all);
    assert!(greenhour_jobs::query::capacity(&snap, class, RUN_HOUR + 1, Some(u64::MAX), 2, now).unwrap().is_empty());
}
