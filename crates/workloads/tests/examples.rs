//! The example workloads compute what they claim (known answers), agree with
//! their native references on random inputs, and the runtime enforces its limits.

use greenhour_workloads::examples::{Example, Mlp, Sgd, Tile, Q16, Q24};
use greenhour_workloads::{run, validate, Limits, RunError};
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
    let no_run = wat::parse_str(r#"(module (memory (export "memory") 1))"#).unwrap();
    assert!(matches!(validate(&no_run), Err(RunError::MissingExport(_))));
    assert!(matches!(validate(b"\0asm garbage"), Err(RunError::Invalid(_))));
    for e in greenhour_workloads::examples::ALL {
        validate(&e.wasm()).unwrap();
    }
}

#[test]
fn rejects_memory_growth_past_the_cap_and_oversized_output() {
    let grow = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32)
              (drop (memory.grow (i32.const 64))) (i32.const 0)))"#,
    )
    .unwrap();
    assert!(matches!(run(&grow, &[], &Limits::default()), Err(RunError::Trap(_))));
    let huge = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func (export "input_ptr") (result i32) (i32.const 0))
            (func (export "output_ptr") (result i32) (i32.const 0))
            (func (export "run") (param i32) (result i32) (i32.const 60000)))"#,
    )
    .unwrap();
    assert!(matches!(run(&huge, &[], &Limits::default()), Err(RunError::OutputTooLarge { .. })));
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
