//! Deterministic WASM job runtime and the example workloads.
//!
//! A workload is a WASM module with this interface (the only one the chain and
//! the worker run):
//! - exports `memory`, `input_ptr() -> i32`, `output_ptr() -> i32` and
//!   `run(input_len: i32) -> i32`;
//! - the host writes the input at `input_ptr`, calls `run`, and reads the
//!   returned number of bytes from `output_ptr`; a negative return is the
//!   workload refusing its input.
//!
//! Fuel, call depth and memory are not the engine's: a module is first
//! **metered** ([`meter`]): its memory's maximum is clamped to the cap, a stack
//! limiter and gas metering are injected (wasm-instrument 0.4.0, pinned), and
//! the fuel left lives in an exported global, [`FUEL_GLOBAL`]. Any engine that
//! runs the metered module by the interface gives the same verdict, output and
//! fuel use; the reference engine here (wasmi) runs it with its own metering off.
//!
//! Invariants:
//! - The same module, input and fuel give the same output and the same fuel use
//!   on every machine and every engine: floating-point instructions are rejected
//!   at validation, modules may import nothing, fuel is charged per metered block
//!   by instructions the module itself executes, the call depth is bounded by the
//!   injected limiter (below wasmi's own limit, which is raised to twice it),
//!   and memory cannot grow past
//!   its declared (clamped) maximum.
//! - A run never uses more than its fuel, its memory cap or its output cap: it
//!   stops with [`RunError::OutOfFuel`], [`RunError::Trap`] or
//!   [`RunError::OutputTooLarge`] instead.
//! - Every example workload's output equals its native Rust reference byte for
//!   byte (tested over random inputs).

pub mod examples;

use std::sync::OnceLock;
use wasm_instrument::gas_metering::{self, mutable_global, ConstantCostRules};
use wasm_instrument::parity_wasm::elements;
use wasmi::{CompilationMode, Config, Engine, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, Val};

/// The exported `mut i64` global of a metered module: the fuel left, set by the
/// host before a run and read after it. Read as unsigned; `u64::MAX` after a trap
/// means the run ran out of fuel.
pub const FUEL_GLOBAL: &str = "greenhour_fuel";

/// The call-depth bound injected into every metered module, in wasm-instrument's
/// stack units: each active call costs its function's locals plus its largest
/// operand-stack height plus 2. A run past it traps (`unreachable`) at the same
/// call in every engine that has room for 4,096 calls (wasmi here is given twice that).
pub const STACK_LIMIT: u32 = 8_192;

/// Fuel per executed instruction, and per local of a called function.
const FUEL_PER_INSTRUCTION: u32 = 1;
const FUEL_PER_LOCAL: u32 = 1;

/// The fuel sentinel: what [`FUEL_GLOBAL`] holds after a run that ran out.
const OUT_OF_FUEL: u64 = u64::MAX;

const WASM_PAGE: usize = 65_536;

/// What a run may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Fuel: one unit per executed instruction and per local of each called
    /// function, as the metered module counts it ([`meter`]).
    pub fuel: u64,
    /// Largest linear memory, bytes.
    pub max_memory_bytes: usize,
    /// Largest input, bytes. The default is the jobs module's default
    /// `max_input_bytes`, so a worker runs exactly the inputs the chain lets be posted.
    pub max_input_bytes: usize,
    /// Largest output, bytes.
    pub max_output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { fuel: 50_000_000, max_memory_bytes: 1 << 20, max_input_bytes: 16 << 10, max_output_bytes: 16 << 10 }
    }
}

/// A finished run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub output: Vec<u8>,
    pub fuel_used: u64,
}

/// Why a module or a run was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// Not a valid module for this runtime (bad bytes, floats, imports, start function).
    #[error("invalid workload module: {0}")]
    Invalid(String),
    /// The module lacks one of the exports every workload needs.
    #[error("workload module does not export `{0}` with the right type")]
    MissingExport(&'static str),
    /// The input is larger than the limit.
    #[error("input of {len} bytes exceeds the limit of {max}")]
    InputTooLarge { len: usize, max: usize },
    /// The input does not fit in the module's memory at `input_ptr`.
    #[error("input does not fit in the workload's memory")]
    InputOutOfBounds,
    /// The run used all its fuel.
    #[error("workload ran out of fuel after {fuel}")]
    OutOfFuel { fuel: u64 },
    /// The run trapped (out-of-bounds access, division by zero, memory cap, ...).
    #[error("workload trapped: {0}")]
    Trap(String),
    /// The workload refused its input (returned a negative length).
    #[error("workload rejected its input (code {0})")]
    Rejected(i32),
    /// The output is larger than the limit or lies outside memory.
    #[error("workload output of {len} bytes exceeds the limit of {max} or its memory")]
    OutputTooLarge { len: usize, max: usize },
}

/// The one engine configuration all validation and runs share. Its own fuel is
/// off (the metered module counts its fuel) and its call depth is above what the
/// injected limiter allows, so neither of its limits decides a run.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::default();
        config
            .consume_fuel(false)
            .floats(false)
            .allow_start_fn(false)
            .wasm_multi_memory(false)
            .set_max_recursion_depth(2 * STACK_LIMIT as usize)
            .compilation_mode(CompilationMode::Eager);
        Engine::new(&config)
    })
}

/// Checks that `wasm` is a module this runtime would run: valid, float-free,
/// without imports, with the workload exports.
pub fn validate(wasm: &[u8]) -> Result<(), RunError> {
    let module = Module::new(engine(), wasm).map_err(|e| RunError::Invalid(e.to_string()))?;
    check_shape(&module)?;
    if module.exports().any(|e| e.name() == FUEL_GLOBAL) {
        return Err(RunError::Invalid(format!("exports `{FUEL_GLOBAL}`, the name the runtime's fuel counter takes")));
    }
    Ok(())
}

/// The module every engine runs in place of `wasm` (wire.md §9): `wasm` validated,
/// its memory's maximum clamped to `max_memory_bytes` (so growing past it fails
/// with −1 in any engine), a call-depth limiter of [`STACK_LIMIT`] injected, then
/// gas metering — one unit per instruction of each metered block, charged as the
/// block starts, and one per local of each called function — counting down the
/// exported global [`FUEL_GLOBAL`]. Deterministic: the same bytes give the same
/// metered bytes.
pub fn meter(wasm: &[u8], max_memory_bytes: usize) -> Result<Vec<u8>, RunError> {
    validate(wasm)?;
    // wasm-instrument is third-party code over adversarial bytes that the chain
    // meters inside a transaction: a panic there is refused like any invalid
    // module (deterministically: the same bytes panic everywhere), never a halt.
    std::panic::catch_unwind(|| instrument(wasm, max_memory_bytes))
        .unwrap_or_else(|_| Err(RunError::Invalid("metering failed on this module".into())))
}

fn instrument(wasm: &[u8], max_memory_bytes: usize) -> Result<Vec<u8>, RunError> {
    let invalid = |why: String| RunError::Invalid(why);
    let mut module: elements::Module = wasm_instrument::parity_wasm::deserialize_buffer(wasm)
        .map_err(|e| invalid(format!("cannot be metered: {e}")))?;
    let cap = u32::try_from(max_memory_bytes / WASM_PAGE).unwrap_or(u32::MAX);
    if let Some(memories) = module.memory_section_mut() {
        for memory in memories.entries_mut() {
            let limits = memory.limits();
            if limits.initial() > cap {
                return Err(invalid(format!("its memory starts at {} pages, over the cap of {cap}", limits.initial())));
            }
            let maximum = limits.maximum().map_or(cap, |m| m.min(cap));
            *memory = elements::MemoryType::new(limits.initial(), Some(maximum));
        }
    }
    let limited = wasm_instrument::inject_stack_limiter(module, STACK_LIMIT)
        .map_err(|e| invalid(format!("cannot bound its call depth: {e}")))?;
    let rules = ConstantCostRules::new(FUEL_PER_INSTRUCTION, 0, FUEL_PER_LOCAL);
    let metered = gas_metering::inject(limited, mutable_global::Injector::new(FUEL_GLOBAL), &rules)
        .map_err(|_| invalid("holds an instruction the fuel rules do not price".into()))?;
    wasm_instrument::parity_wasm::serialize(metered)
        .map_err(|e| invalid(format!("metered module does not encode: {e}")))
}

fn check_shape(module: &Module) -> Result<(), RunError> {
    if let Some(import) = module.imports().next() {
        return Err(RunError::Invalid(format!(
            "imports `{}::{}`; workloads may import nothing",
            import.module(),
            import.name()
        )));
    }
    let exports: Vec<_> = module.exports().map(|e| e.name().to_string()).collect();
    for name in ["memory", "input_ptr", "output_ptr", "run"] {
        if !exports.iter().any(|e| e == name) {
            return Err(RunError::MissingExport(name));
        }
    }
    Ok(())
}

/// Runs `wasm` on `input` within `limits`: meters it ([`meter`]), then runs the
/// metered module ([`run_metered`]).
pub fn run(wasm: &[u8], input: &[u8], limits: &Limits) -> Result<Outcome, RunError> {
    if input.len() > limits.max_input_bytes {
        return Err(RunError::InputTooLarge { len: input.len(), max: limits.max_input_bytes });
    }
    run_metered(&meter(wasm, limits.max_memory_bytes)?, input, limits)
}

/// Runs a module [`meter`] produced, by the interface alone: `input_ptr`, the
/// input written there, `run(len)`, then `output_ptr` when `run` returned a
/// length. Fuel is [`FUEL_GLOBAL`]'s decrease; a trap with the global at
/// `u64::MAX` is running out of fuel. Only for bytes [`meter`] produced (or that
/// match them): a module that exports the global without being metered runs
/// with no bound on its work.
pub fn run_metered(metered: &[u8], input: &[u8], limits: &Limits) -> Result<Outcome, RunError> {
    if input.len() > limits.max_input_bytes {
        return Err(RunError::InputTooLarge { len: input.len(), max: limits.max_input_bytes });
    }
    let module = Module::new(engine(), metered).map_err(|e| RunError::Invalid(e.to_string()))?;
    check_shape(&module)?;
    // Memory growth past the clamped maximum fails inside the module (−1); the
    // store's cap is a second guard with the same bound.
    let limiter =
        StoreLimitsBuilder::new().memory_size(limits.max_memory_bytes).memories(1).tables(1).instances(1).build();
    let mut store: Store<StoreLimits> = Store::new(engine(), limiter);
    store.limiter(|limits| limits);
    // The sentinel is not a budget: at most u64::MAX − 1.
    let fuel = limits.fuel.min(OUT_OF_FUEL - 1);
    let instance = Linker::<StoreLimits>::new(engine())
        .instantiate_and_start(&mut store, &module)
        .map_err(|e| RunError::Trap(e.to_string()))?;
    let counter = instance
        .get_global(&store, FUEL_GLOBAL)
        .ok_or_else(|| RunError::Invalid(format!("not metered: no `{FUEL_GLOBAL}` global")))?;
    counter
        .set(&mut store, Val::I64(fuel as i64))
        .map_err(|e| RunError::Invalid(format!("not metered: `{FUEL_GLOBAL}` is not a mutable i64 ({e})")))?;
    let left = |store: &Store<StoreLimits>| match counter.get(store) {
        Val::I64(v) => v as u64,
        _ => OUT_OF_FUEL,
    };
    let trap = |store: &Store<StoreLimits>, e: wasmi::Error| {
        if left(store) == OUT_OF_FUEL {
            RunError::OutOfFuel { fuel }
        } else {
            RunError::Trap(e.to_string())
        }
    };
    let memory = instance.get_memory(&store, "memory").ok_or(RunError::MissingExport("memory"))?;
    let pointer = |store: &mut Store<StoreLimits>, name: &'static str| -> Result<usize, RunError> {
        let f = instance.get_typed_func::<(), i32>(&*store, name).map_err(|_| RunError::MissingExport(name))?;
        let p = f.call(&mut *store, ()).map_err(|e| trap(store, e))?;
        usize::try_from(p).map_err(|_| RunError::InputOutOfBounds)
    };
    let input_at = pointer(&mut store, "input_ptr")?;
    memory.write(&mut store, input_at, input).map_err(|_| RunError::InputOutOfBounds)?;
    let run = instance.get_typed_func::<i32, i32>(&store, "run").map_err(|_| RunError::MissingExport("run"))?;
    let len = run.call(&mut store, input.len() as i32).map_err(|e| trap(&store, e))?;
    let len = usize::try_from(len).map_err(|_| RunError::Rejected(len))?;
    if len > limits.max_output_bytes {
        return Err(RunError::OutputTooLarge { len, max: limits.max_output_bytes });
    }
    let output_at = pointer(&mut store, "output_ptr")?;
    let mut output = vec![0; len];
    memory
        .read(&store, output_at, &mut output)
        .map_err(|_| RunError::OutputTooLarge { len, max: limits.max_output_bytes })?;
    Ok(Outcome { output, fuel_used: fuel - left(&store) })
}
