//! The index's reads: the Green Compute Index of one series, or of every series
//! with fills, as of a time.

use crate::params::HOUR;
use crate::state::{IndexHour, HISTORY_PAGE_HOURS};
use crate::{state, IndexError, IndexValue};
use greenhour_framework::queries::QueryError;
use greenhour_framework::{ErrorInfo, StateRead};
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

/// The hours `index_history` covers when no `from_hour` is given: the market
/// page's two days.
pub const DEFAULT_HISTORY_HOURS: u64 = 48;
const _: () = assert!(DEFAULT_HISTORY_HOURS <= HISTORY_PAGE_HOURS);

impl From<IndexError> for QueryError {
    fn from(e: IndexError) -> Self {
        match e {
            IndexError::State(s) => QueryError::Internal(s.to_string()),
            other => QueryError::Refused(ErrorInfo::from_coded(&other)),
        }
    }
}

greenhour_framework::module_queries! {
    /// The index's reads.
    pub enum IndexQuery in "index" {
        /// The Green Compute Index of one class (quoted in `quote`, gUSD by default),
        /// or of every series with fills, as of the latest block time.
        Values = "index" at "/index" { class: Option<String>, quote: Option<Denom> } -> Vec<IndexValue>
            = |state, now| values(state, class.map(|c| (c, quote.unwrap_or_else(Denom::gusd))), now);
        /// A class's index hour by hour (quoted in `quote`, gUSD by default): each hour
        /// with fills from `from_hour` (by default, the last 48 hours) over at most a
        /// week, oldest first; the next page starts a week later.
        History = "index_history" at "/index/history" { class: String, quote: Option<Denom>, from_hour: Option<u64> } -> Vec<IndexHour>
            = |state, now| state::history(
                state,
                &class,
                &quote.unwrap_or_else(Denom::gusd),
                from_hour.unwrap_or((now / HOUR).saturating_sub(DEFAULT_HISTORY_HOURS - 1)),
                now,
            );
    }
}
