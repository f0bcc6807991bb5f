use crate::handler::open_pool;
use crate::state::CreditFilter;
use crate::{keys, state, CarbonError, CarbonParams};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// The carbon part of the genesis file: parameters and the credit pools opened
/// at genesis (pool 1, the first, issues `ugco2`). Certificates and credits
/// arise from transactions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarbonGenesis {
    #[serde(default)]
    pub params: CarbonParams,
    #[serde(default = "standard_pools")]
    pub pools: Vec<CreditFilter>,
}

/// One pool for credits of vintage 2016 or later, any type: the `ugco2` pool.
pub fn standard_pools() -> Vec<CreditFilter> {
    vec![CreditFilter { min_vintage: 2016, max_vintage: 2100, kinds: Vec::new() }]
}

impl Default for CarbonGenesis {
    fn default() -> Self {
        CarbonGenesis { params: CarbonParams::default(), pools: standard_pools() }
    }
}

pub fn init(state: &mut impl StateWrite, g: &CarbonGenesis) -> Result<(), CarbonError> {
    let p = &g.params;
    let bad = |why: &str| Err(CarbonError::InvalidGenesis(why.into()));
    if p.storage_efficiency_bps == 0 || p.storage_efficiency_bps > 10_000 {
        return bad("storage efficiency must be 1 to 10,000 bps");
    }
    if p.lifetime_secs == 0 || p.max_reports_per_issue == 0 || p.max_bundles_per_claim == 0 || p.expire_per_block == 0 {
        return bad("lifetime and per-action limits must be positive");
    }
    let mut issuers = p.issuers.clone();
    issuers.sort();
    issuers.dedup();
    if issuers.len() != p.issuers.len() {
        return bad("an issuer is listed twice");
    }
    state.put(&keys::params(), p);
    for filter in &g.pools {
        open_pool(state, filter).map_err(|e| CarbonError::InvalidGenesis(e.to_string()))?;
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<CarbonGenesis, CarbonError> {
    Ok(CarbonGenesis {
        params: state::params(state)?,
        pools: state::all_pools(state)?.into_iter().map(|p| p.filter).collect(),
    })
}
