/// Failures of the state layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Returned when the underlying database fails (I/O, corruption, a full disk).
    #[error("storage error: {0}")]
    Storage(String),
    /// Returned when a stored value does not decode as the type its key promises.
    #[error("value under key {key:?} does not decode: {reason}")]
    Decode { key: String, reason: String },
    /// Returned when a version (height) is asked for that has not been committed.
    #[error("version {0} is not committed")]
    UnknownVersion(u64),
    /// Returned when a commit's version is not exactly the next one.
    #[error("cannot commit version {got}: expected {expected}")]
    VersionMismatch { expected: u64, got: u64 },
    /// Returned when a version's tree was pruned (the store keeps only recent versions).
    #[error("version {version} was pruned; the earliest kept version is {earliest}")]
    Pruned { version: u64, earliest: u64 },
    /// Returned when the Merkle tree rejects an operation.
    #[error("merkle tree error: {0}")]
    Tree(String),
}

macro_rules! storage_from {
    ($($t:ty),*) => {$(
        impl From<$t> for StateError {
            fn from(e: $t) -> Self { StateError::Storage(e.to_string()) }
        }
    )*};
}
storage_from!(
    redb::Error,
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);
