//! The index's reads: the Green Compute Index of one series, or of every series
//! with fills, as of a time.

use crate::{state, IndexError, IndexValue};
use greenhour_framework::StateRead;
use greenhour_primitives::{Denom, UnixSeconds};

/// One `(class, quote)` series, or every series with fills when `series` is `None`.
pub fn values(
    state: &impl StateRead,
    series: Option<(String, Denom)>,
    now: UnixSeconds,
) -> Result<Vec<IndexValue>, IndexError> {
    let series = match series {
        Some(one) => vec![one],
        None => state::series(state)?,
    };
    series.iter().map(|(class, quote)| state::value(state, class, quote, now)).collect()
}
