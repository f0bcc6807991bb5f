/// Everything the energy crate can refuse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EnergyError {
    /// Returned when a data file cannot be read.
    #[error("{file}: {reason}")]
    Io { file: String, reason: String },
    /// Returned when a line of a data file is malformed (wrong field count, not a number).
    #[error("{file}:{line}: {reason}")]
    Parse { file: String, line: usize, reason: String },
    /// Returned when a time series skips or repeats an hour.
    #[error("{file}:{line}: expected the hour starting {expected}, found {found}")]
    Gap { file: String, line: usize, expected: String, found: String },
    /// Returned when a model parameter is out of its physical range.
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// Returned when the solar position algorithm refuses its input.
    #[error("solar position: {0}")]
    SolarPosition(String),
    /// Returned when the dispatch linear program has no solution.
    #[error("dispatch: {0}")]
    Solver(String),
}
