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
//! Invariants:
//! - The same module, input and fuel give the same output and the same fuel use
//!   on every machine: floating-point instructions are rejected at validation,
//!   modules may import nothing, translation is eager (so fuel never counts
//!   translation work), and memory growth is capped.
//! - A run never uses more than its fuel, its memory cap or its output cap: it
//!   stops with [`RunError::OutOfFuel`], [`RunError::Trap`] or
//!   [`RunError::OutputTooLarge`] instead.
//! - Every example workload's output equals its native Rust reference byte for
//!   byte (tested over random inputs).

pub mod examples;

use std::sync::OnceLock;
use wasmi::{CompilationMode, Config, Engine, Linker, Module, Store, StoreLimits, StoreLimitsBuilder, TrapCode};

/// What a run may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Fuel (about one unit per executed instruction).
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

/// The one engine configuration all runs share.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut config = Config::default();
        config
            .consume_fuel(true)
            .floats(false)
            .allow_start_fn(false)
            .wasm_multi_memory(false)
            .compilation_mode(CompilationMode::Eager);
        Engine::new(&config)
    })
}

/// Checks that `wasm` is a module this runtime would run: valid, float-free,
/// without imports, with the workload exports.
pub fn validate(wasm: &[u8]) -> Result<(), RunError> {
    let module = Module::new(engine(), wasm).map_err(|e| RunError::Invalid(e.to_string()))?;
    check_shape(&module)
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

fn trap(e: wasmi::Error, fuel: u64) -> RunError {
    match e.as_trap_code() {
        Some(TrapCode::OutOfFuel) => RunError::OutOfFuel { fuel },
        _ => RunError::Trap(e.to_string()),
    }
}

/// Runs `wasm` on `input` within `limits`.
pub fn run(wasm: &[u8], input: &[u8], limits: &Limits) -> Result<Outcome, RunError> {
    if input.len() > limits.max_input_bytes {
        return Err(RunError::InputTooLarge { len: input.len(), max: limits.max_input_bytes });
    }
    let module = Module::new(engine(), wasm).map_err(|e| RunError::Invalid(e.to_string()))?;
    check_shape(&module)?;
    let limiter = StoreLimitsBuilder::new()
        .memory_size(limits.max_memory_bytes)
        .memories(1)
        .tables(1)
        .instances(1)
        .trap_on_grow_failure(true)
        .build();
    let mut store: Store<StoreLimits> = Store::new(engine(), limiter);
    store.limiter(|limits| limits);
    store.set_fuel(limits.fuel).map_err(|e| RunError::Invalid(e.to_string()))?;
    let fuel = limits.fuel;
    let instance =
        Linker::<StoreLimits>::new(engine()).instantiate_and_start(&mut store, &module).map_err(|e| trap(e, fuel))?;
    let memory = instance.get_memory(&store, "memory").ok_or(RunError::MissingExport("memory"))?;
    let pointer = |store: &mut Store<StoreLimits>, name: &'static str| -> Result<usize, RunError> {
        let f = instance.get_typed_func::<(), i32>(&*store, name).map_err(|_| RunError::MissingExport(name))?;
        let p = f.call(&mut *store, ()).map_err(|e| trap(e, fuel))?;
        usize::try_from(p).map_err(|_| RunError::InputOutOfBounds)
    };
    let input_at = pointer(&mut store, "input_ptr")?;
    memory.write(&mut store, input_at, input).map_err(|_| RunError::InputOutOfBounds)?;
    let run = instance.get_typed_func::<i32, i32>(&store, "run").map_err(|_| RunError::MissingExport("run"))?;
    let len = run.call(&mut store, input.len() as i32).map_err(|e| trap(e, fuel))?;
    let len = usize::try_from(len).map_err(|_| RunError::Rejected(len))?;
    if len > limits.max_output_bytes {
        return Err(RunError::OutputTooLarge { len, max: limits.max_output_bytes });
    }
    let output_at = pointer(&mut store, "output_ptr")?;
    let mut output = vec![0; len];
    memory
        .read(&store, output_at, &mut output)
        .map_err(|_| RunError::OutputTooLarge { len, max: limits.max_output_bytes })?;
    let left = store.get_fuel().map_err(|e| RunError::Invalid(e.to_string()))?;
    Ok(Outcome { output, fuel_used: fuel - left })
}
