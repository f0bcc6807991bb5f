use crate::{keys, state, JobsError, JobsParams};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// The jobs part of the genesis file: its parameters (jobs arise from transactions).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsGenesis {
    #[serde(default)]
    pub params: JobsParams,
}

pub fn init(state: &mut impl StateWrite, g: &JobsGenesis) -> Result<(), JobsError> {
    let p = &g.params;
    let bad = |why: &str| Err(JobsError::InvalidGenesis(why.into()));
    if p.protocol_fee_bps > 10_000 || p.attested_min_utilisation_bps > 10_000 {
        return bad("basis points above 10,000");
    }
    if p.max_gpus == 0 || p.max_job_hours == 0 || p.max_replicas < 2 || p.search_hours == 0 {
        return bad("limits must allow one GPU for one hour and two replicas");
    }
    if p.max_job_hours > 24 {
        return bad("a run of more than 24 hours cannot be bought in one market route");
    }
    if p.max_fuel == 0 || p.max_output_bytes == 0 || p.max_wasm_bytes == 0 {
        return bad("fuel, output and module limits must be positive");
    }
    state.put(&keys::params(), p);
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<JobsGenesis, JobsError> {
    Ok(JobsGenesis { params: state::params(state)? })
}
