use crate::state;

/// See the crate documentation for the invariants checked here.
pub fn check(state: &impl greenhour_state::StateRead) -> Result<(), String> {
    let e = |x: crate::OracleError| x.to_string();
    for f in state::feeds(state).map_err(e)? {
        if f.quorum == 0 || f.quorum as usize > f.reporters.len() || !f.reporters.windows(2).all(|w| w[0] < w[1]) {
            return Err(format!("feed {} has an invalid reporter set or quorum", f.name));
        }
        let open = state::open_reports(state, &f.name).map_err(e)?;
        if open.len() >= f.quorum as usize {
            return Err(format!(
                "feed {} holds {} reports in an open round with quorum {}",
                f.name,
                open.len(),
                f.quorum
            ));
        }
        if open.iter().any(|(r, _)| f.reporters.binary_search(r).is_err()) {
            return Err(format!("feed {} holds a report from a non-reporter", f.name));
        }
        if let Some(v) = state::latest(state, &f.name).map_err(e)? {
            if v.round >= f.round || v.value < v.min || v.value > v.max {
                return Err(format!("feed {} published an impossible value", f.name));
            }
        }
    }
    Ok(())
}
