//! The example workloads compute what they claim (known answers), agree with
//! their native references on random inputs, and the runtime enforces its limits.

use greenhour_workloads::examples::{Example, Mlp, Sgd, Tile, Q16, Q24};
use greenhour_workloads::{meter, run, run_metered, validate, Limits, RunError};
use proptest::prelude::*;

fn example(name: &str) -> Example {
    Example::by_name(name).unwrap()
}

fn words(bytes: &[u8]) -> Vec<i32> {
    bytes.chunks_exact(4).map(|c| i32::from_le_bytes(c.try_into().unwrap())).collect()
}

#[test]
fn mandelbrot_tile_has_known_escape_counts() {
    // Pixel (0,0) is c = 0 (inside the set: runs to max_iter); pixel (1,1) is
    // c = 1 + i, which escapes after two iterations (|1+3i|² = 10 > 4).
    let tile = Tile { x0: 0, y0: 0, step: Q24, width: 2, height: 2, max_iter: 200 };
    let out = run(&example("mandelbrot").wasm(), &tile.encode(), &Limits::default()).unwrap();
    assert_eq!(out.output.len(), 4);
    assert_eq!(out.output[0], 200);
    assert_eq!(out.output[3], 2);
    assert!(out.fuel_used > 200, "the inside point alone takes 200 iterations");
}

#[test]
fn mlp_computes_xor() {
    let mut net = Mlp::demo();
    for (x1, x2, want) in [(0, 0, 0), (1, 0, 1), (0, 1, 1), (1, 1, 0)] {
        net.x = vec![x1 * Q16, x2 * Q16];
        let out = run(&example("mlp").wasm(), &net.encode(), &Limits::default()).unwrap();
        assert_eq!(words(&out.output), vec![want * Q16], "xor({x1}, {x2})");
    }
}

#[test]
fn sgd_learns_the_generating_line() {
    let task = Sgd::demo();
    let out = run(&example("sgd").wasm(), &task.encode(), &Limits::default()).unwrap();
    let model = words(&out.output);
    let close = |got: i32, want: i32| (got - want).abs() < Q16 / 20;
    assert!(close(model[0], 2 * Q16) && close(model[1], -Q16) && close(model[2], Q16 / 2), "model {model:?}");
    // The untrained model is far from it, so the run did the learning.
    assert!(!close(task.w[0], 2 * Q16));
}

#[test]
fn demo_inputs_match_native_references() {
    for e in greenhour_workloads::examples::ALL {
        let input = e.demo_input();
        let out = run(&e.wasm(), &input, &Limits::default()).unwrap();
        assert_eq!(Ok(out.output.clone()), e.native(&input), "{}", e.name);
        // Same run, same fuel: metering is deterministic.
        assert_eq!(run(&e.wasm(), &input, &Limits::default()).unwrap(), out, "{}", e.name);
    }
}

#[test]
fn rejects_inputs_the_workload_refuses() {
    let bad = Tile { x0: 0, y0: 0, step: 1, width: 0, height: 1, max_iter: 1 }.encode();
    assert_eq!(run(&example("mandelbrot").wasm(), &bad, &Limits::default()), Err(RunError::Rejected(-2)));
    assert_eq!(example("mandelbrot").native(&bad), Err(-2));
    assert_eq!(run(&example("mlp").wasm(), &[0; 8], &Limits::default()), Err(RunError::Rejected(-1)));
    let big = vec![0; 70_000];
    assert!(matches!(run(&example("sgd").wasm(), &big, &Limits::default()), Err(RunError::InputTooLarge { .. })));
}

#[test]
fn rejects_runs_past_their_fuel() {
    let limits = Limits { fuel: 5_000, ..Limits::default() };
    let input = example("mandelbrot").demo_input();
    assert_eq!(run(&example("mandelbrot").wasm(), &input, &limits), Err(RunError::OutOfFuel { fuel: 5_000 }));
}

#[test]
fn rejects_modules_outside_the_deterministic_profile() {
    let floats = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32)
              (i32.trunc_f32_s (f32.div (f32.const 1) (f32.const 3)))))"#,
    )
    .unwrap();
    assert!(matches!(validate(&floats), Err(RunError::Invalid(_))));
    let imports = wat::parse_str(
        r#"(module (import "env" "clock" (func (result i64))) (memory (export "memory") 1)
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    assert!(matches!(validate(&imports), Err(RunError::Invalid(_))));
    let start = wat::parse_str(
        r#"(module (memory (export "memory") 1) (func $init) (start $init)
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    assert!(matches!(validate(&start), Err(RunError::Invalid(_))));
    assert!(matches!(run(&start, &[], &Limits::default()), Err(RunError::Invalid(_))));
    let no_run = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    assert!(matches!(validate(&no_run), Err(RunError::MissingExport(_))));
    assert!(matches!(validate(b"\0asm garbage"), Err(RunError::Invalid(_))));
    for e in greenhour_workloads::examples::ALL {
        validate(&e.wasm()).unwrap();
    }
}

/// `run(len)` grows memory by `len` pages and answers what `memory.grow` gave:
/// the old size in pages (an output of that many bytes), or −1 (a refusal).
fn grower(memory: &str) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module (memory (export "memory") {memory})
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (memory.grow (local.get 0))))"#
    ))
    .unwrap()
}

#[test]
fn rejects_memory_growth_past_the_cap_and_oversized_output() {
    // The cap (1 MiB = 16 pages) becomes the memory's maximum: growing to it
    // works, past it `memory.grow` fails with −1 as WebAssembly defines, in
    // every engine, whatever maximum the module declared.
    for memory in ["1", "1 100"] {
        let wasm = grower(memory);
        assert_eq!(run(&wasm, &[0; 15], &Limits::default()).map(|o| o.output.len()), Ok(1), "memory {memory}");
        assert_eq!(run(&wasm, &[0; 16], &Limits::default()), Err(RunError::Rejected(-1)), "memory {memory}");
    }
    assert!(matches!(run(&grower("17"), &[], &Limits::default()), Err(RunError::Invalid(_))), "starts over the cap");
    let huge = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (i32.const 60000)))"#,
    )
    .unwrap();
    assert!(matches!(run(&huge, &[], &Limits::default()), Err(RunError::OutputTooLarge { .. })));
}

#[test]
fn rejects_calls_deeper_than_the_stack_limit_before_any_engine_would() {
    // `run(len)` recurses `len × 10` calls deep.
    let recurse = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func $down (param i32) (result i32)
              (if (result i32) (local.get 0)
                (then (call $down (i32.sub (local.get 0) (i32.const 1))))
                (else (i32.const 0))))
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (call $down (i32.mul (local.get 0) (i32.const 10)))))"#,
    )
    .unwrap();
    assert_eq!(run(&recurse, &[0; 100], &Limits::default()).map(|o| o.output.len()), Ok(0), "1,000 calls deep");
    // 10,000 calls deep: past the injected limit (at most 4,096), which traps
    // at the same call in every engine; not out of fuel.
    match run(&recurse, &[0; 1_000], &Limits::default()) {
        Err(RunError::Trap(_)) => {}
        other => panic!("expected the stack limiter's trap, got {other:?}"),
    }
}

#[test]
fn fuel_is_counted_by_the_metered_module_and_pinned() {
    for e in greenhour_workloads::examples::ALL {
        let wasm = e.wasm();
        let metered = meter(&wasm, Limits::default().max_memory_bytes).unwrap();
        assert_eq!(
            meter(&wasm, Limits::default().max_memory_bytes).unwrap(),
            metered,
            "{}: metering is deterministic",
            e.name
        );
        let direct = run(&wasm, &e.demo_input(), &Limits::default()).unwrap();
        assert_eq!(run_metered(&metered, &e.demo_input(), &Limits::default()).unwrap(), direct, "{}", e.name);
        // Exactly the fuel its output needs: one unit less runs out.
        let short = Limits { fuel: direct.fuel_used - 1, ..Limits::default() };
        assert_eq!(
            run(&wasm, &e.demo_input(), &short),
            Err(RunError::OutOfFuel { fuel: direct.fuel_used - 1 }),
            "{}",
            e.name
        );
        let exact = Limits { fuel: direct.fuel_used, ..Limits::default() };
        assert_eq!(run(&wasm, &e.demo_input(), &exact).map(|o| o.output), Ok(direct.output.clone()), "{}", e.name);
    }
    // Fuel is part of consensus (a job's budget is in it, and on-chain
    // re-execution decides by it): the demo runs' counts are pinned, so a change
    // of the metering rules or of wasm-instrument fails here first.
    let fuel =
        |name: &str| run(&example(name).wasm(), &example(name).demo_input(), &Limits::default()).unwrap().fuel_used;
    assert_eq!([fuel("mandelbrot"), fuel("mlp"), fuel("sgd")], PINNED_DEMO_FUEL);
}

/// The demo runs' fuel under the metering of wire.md §9.
const PINNED_DEMO_FUEL: [u64; 3] = [3_393_037, 1_492, 560_910];

#[test]
fn rejects_a_module_that_exports_the_fuel_counters_name() {
    let squatter = wat::parse_str(
        r#"(module (memory (export "memory") 1) (global (export "greenhour_fuel") (mut i64) (i64.const 0))
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    assert!(matches!(validate(&squatter), Err(RunError::Invalid(_))));
    assert!(matches!(run(&squatter, &[], &Limits::default()), Err(RunError::Invalid(_))));
    // A module that was never metered has no counter to run by.
    let plain = example("mlp").wasm();
    assert!(matches!(run_metered(&plain, &example("mlp").demo_input(), &Limits::default()), Err(RunError::Invalid(_))));
}

fn tile() -> impl Strategy<Value = Tile> {
    (-(3 * Q24)..Q24, -(2 * Q24)..(2 * Q24), 1..(Q24 / 8), 1..16i32, 1..16i32, 1..300i32)
        .prop_map(|(x0, y0, step, width, height, max_iter)| Tile { x0, y0, step, width, height, max_iter })
}

fn mlp() -> impl Strategy<Value = Mlp> {
    (1..6i32, 1..6i32, 1..4i32).prop_flat_map(|(ni, nh, no)| {
        let v = |n: i32| prop::collection::vec(-(4 * Q16)..(4 * Q16), n as usize);
        (v(nh * ni), v(nh), v(no * nh), v(no), v(ni)).prop_map(move |(w1, b1, w2, b2, x)| Mlp {
            n_in: ni,
            n_hidden: nh,
            n_out: no,
            w1,
            b1,
            w2,
            b2,
            x,
        })
    })
}

fn sgd() -> impl Strategy<Value = Sgd> {
    (1..12usize, 1..4usize, 1..6i32, 0..8i32).prop_flat_map(|(n, d, epochs, lr_shift)| {
        let row = prop::collection::vec(-Q16..Q16, d);
        (
            prop::collection::vec(row, n),
            prop::collection::vec(-Q16..Q16, n),
            prop::collection::vec(-Q16..Q16, d),
            -Q16..Q16,
        )
            .prop_map(move |(xs, ys, w, b)| Sgd { epochs, lr_shift, xs, ys, w, b })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn mandelbrot_matches_native(t in tile()) {
        let e = example("mandelbrot");
        let input = t.encode();
        prop_assert_eq!(run(&e.wasm(), &input, &Limits::default()).map(|o| o.output).ok(), e.native(&input).ok());
    }

    #[test]
    fn mlp_matches_native(net in mlp()) {
        let e = example("mlp");
        let input = net.encode();
        prop_assert_eq!(run(&e.wasm(), &input, &Limits::default()).map(|o| o.output).ok(), e.native(&input).ok());
    }

    #[test]
    fn sgd_matches_native(task in sgd()) {
        let e = example("sgd");
        let input = task.encode();
        prop_assert_eq!(run(&e.wasm(), &input, &Limits::default()).map(|o| o.output).ok(), e.native(&input).ok());
    }
}
