use greenhour_codec::CodecError;
use greenhour_framework::{CodedError, ErrorInfo};
use greenhour_primitives::Amount;
use greenhour_state::StateError;

/// Why a transaction was refused by the envelope checks (module `tx`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// Returned when the bytes are not a valid transaction encoding.
    #[error("malformed transaction: {0}")]
    Malformed(String),
    /// Returned when the encoded transaction exceeds `max_tx_bytes`.
    #[error("transaction of {len} bytes exceeds the limit of {limit}")]
    TooLarge { len: usize, limit: u32 },
    /// Returned when the transaction names another chain.
    #[error("transaction is for chain {got:?}, this chain is {expected:?}")]
    WrongChain { expected: String, got: String },
    /// Returned when the signer's public key is not a valid ed25519 point.
    #[error("signer public key is invalid")]
    InvalidPublicKey,
    /// Returned when the signature does not verify for the body, chain and signer.
    #[error("signature does not verify")]
    BadSignature,
    /// Returned when the nonce is not the signer's next one (replay or gap).
    #[error("nonce {got} is not the expected {expected} (replayed or out of order)")]
    BadNonce { expected: u64, got: u64 },
    /// Returned when the fee is below the chain minimum.
    #[error("fee {got}ughr is below the minimum {min}ughr")]
    FeeTooLow { got: Amount, min: Amount },
    /// Returned when the signer cannot pay the fee.
    #[error("signer cannot pay the fee: {0}")]
    CannotPayFee(String),
    /// Returned when the transaction carries no action.
    #[error("transaction has no actions")]
    NoActions,
    /// Returned when the transaction carries more actions than allowed.
    #[error("transaction has {got} actions, the limit is {max}")]
    TooManyActions { got: usize, max: u32 },
    /// Returned when the memo is longer than allowed.
    #[error("memo of {got} bytes exceeds {max}")]
    MemoTooLong { got: usize, max: u32 },
    /// Returned when storage fails while checking the transaction.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for TxError {
    fn module(&self) -> &'static str {
        "tx"
    }
    fn code(&self) -> u32 {
        match self {
            TxError::Malformed(_) => 1,
            TxError::TooLarge { .. } => 2,
            TxError::WrongChain { .. } => 3,
            TxError::InvalidPublicKey => 4,
            TxError::BadSignature => 5,
            TxError::BadNonce { .. } => 6,
            TxError::FeeTooLow { .. } => 7,
            TxError::CannotPayFee(_) => 8,
            TxError::NoActions => 9,
            TxError::TooManyActions { .. } => 10,
            TxError::MemoTooLong { .. } => 11,
            TxError::State(_) => 100,
        }
    }
}

impl From<CodecError> for TxError {
    fn from(e: CodecError) -> Self {
        TxError::Malformed(e.to_string())
    }
}

/// Failures of the app as a whole (genesis, block application, storage).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AppError {
    /// Returned when the genesis file is invalid or does not match the stored chain.
    #[error("invalid genesis: {0}")]
    Genesis(String),
    /// Returned when the store has no committed genesis yet.
    #[error("chain not initialised: run init_chain first")]
    NotInitialised,
    /// Returned when a block from elsewhere is invalid (wrong height, parent, time, hash or a failing transaction).
    #[error("invalid block: {0}")]
    InvalidBlock(String),
    /// Returned when a module hook or invariant fails; the block is not committed.
    #[error("module {module} failed: {error}")]
    Module { module: &'static str, error: ErrorInfo },
    /// Returned when storage fails.
    #[error(transparent)]
    State(#[from] StateError),
    /// Returned for every block from the height of a software upgrade governance
    /// scheduled: this release stops there, and the operator starts the named one.
    #[error("UPGRADE \"{name}\" NEEDED at height {height}: {info} (this release stops here; run the upgraded binary)")]
    UpgradeNeeded { name: String, height: u64, info: String },
    /// Returned when the block driver fails (the consensus engine, its
    /// configuration, a task running a block): this node's fault, not the block's,
    /// so no validator votes against a block for it.
    #[error("block driver: {0}")]
    Driver(String),
}

impl AppError {
    /// A module's error from a hook, genesis export or invariant, with its `(module, code)`.
    pub fn of_module(e: &impl CodedError) -> Self {
        AppError::Module { module: e.module(), error: ErrorInfo::from_coded(e) }
    }
}
