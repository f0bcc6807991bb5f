//! The oracle's reads: a feed with its latest value and the open round.

use crate::{state, Feed, Observation, OracleError};
use greenhour_framework::queries::QueryError;
use greenhour_framework::StateRead;
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

/// A feed, its latest value (unchecked: its age is the reader's to judge) and
/// the reports of the open round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedView {
    pub feed: Feed,
    pub latest: Option<Observation>,
    pub open_reports: Vec<OpenReport>,
}

/// One report to the open round.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenReport {
    pub reporter: Address,
    #[serde(with = "greenhour_primitives::amount_serde::signed")]
    pub value: i128,
}

pub fn feed(state: &impl StateRead, name: &str) -> Result<FeedView, OracleError> {
    let feed = state::feed(state, name)?;
    let latest = state::latest(state, name)?;
    let open_reports =
        state::open_reports(state, name)?.into_iter().map(|(reporter, value)| OpenReport { reporter, value }).collect();
    Ok(FeedView { feed, latest, open_reports })
}

impl From<OracleError> for QueryError {
    fn from(e: OracleError) -> Self {
        match e {
            OracleError::UnknownFeed(name) => QueryError::NotFound(format!("feed {name}")),
            other => QueryError::Internal(other.to_string()),
        }
    }
}

greenhour_framework::module_queries! {
    /// The oracle's reads.
    pub enum OracleQuery in "oracle" {
        /// A feed, its latest value (its age is the reader's to judge) and the open round's reports.
        Feed = "oracle" at "/oracle/{feed}" { feed: String } -> FeedView
            = |state, _now| self::feed(state, &feed);
    }
}
