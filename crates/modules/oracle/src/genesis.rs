use crate::state::{self, valid_feed_name, Feed, Observation};
use crate::{keys, OracleError};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};

/// The oracle part of the genesis file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OracleGenesis {
    #[serde(default)]
    pub feeds: Vec<Feed>,
    /// Latest published values, by feed name.
    #[serde(default)]
    pub values: Vec<(String, Observation)>,
}

pub fn init(state: &mut impl StateWrite, g: &OracleGenesis) -> Result<(), OracleError> {
    let bad = |m: String| Err(OracleError::InvalidGenesis(m));
    for f in &g.feeds {
        if !valid_feed_name(&f.name) {
            return bad(format!("feed name {:?} must be [a-z0-9_.-]{{1,48}}", f.name));
        }
        if state.get(&keys::feed(&f.name))?.is_some() {
            return bad(format!("feed {} listed twice", f.name));
        }
        let mut reporters = f.reporters.clone();
        reporters.sort();
        reporters.dedup();
        if f.quorum == 0 || f.quorum as usize > reporters.len() {
            return bad(format!("feed {} needs 1 ≤ quorum ≤ {} reporters", f.name, reporters.len()));
        }
        state.put(&keys::feed(&f.name), &Feed { reporters, ..f.clone() });
    }
    for (name, obs) in &g.values {
        let f = state::feed(state, name)
            .map_err(|_| OracleError::InvalidGenesis(format!("value for unknown feed {name}")))?;
        if obs.round >= f.round {
            return bad(format!("value of feed {name} is from round {} but round {} is open", obs.round, f.round));
        }
        state.put(&keys::value(name), obs);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<OracleGenesis, OracleError> {
    let feeds = state::feeds(state)?;
    let mut values = Vec::new();
    for f in &feeds {
        if let Some(v) = state::latest(state, &f.name)? {
            values.push((f.name.clone(), v));
        }
    }
    Ok(OracleGenesis { feeds, values })
}
