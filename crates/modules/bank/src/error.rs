use greenhour_framework::CodedError;
use greenhour_primitives::{Address, Amount, Denom};
use greenhour_state::StateError;

/// Everything bank can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    /// Returned when an account holds less of a denom than it tries to move.
    /// `available` is what it holds at that point of the transaction: after the
    /// transaction's fee and its earlier actions, which the message says.
    #[error(
        "insufficient funds: {address} needs {needed}{denom} but has {available}{denom} at this point \
         (after this transaction's fee and earlier actions)"
    )]
    InsufficientFunds { address: Address, denom: Denom, needed: Amount, available: Amount },
    /// Returned when a send carries no coins or a multi-send no outputs.
    #[error("nothing to send")]
    Empty,
    /// Returned when a coin amount is zero.
    #[error("amount of {0} must be positive")]
    ZeroAmount(Denom),
    /// Returned when one coin list names a denom twice.
    #[error("denom {0} appears twice")]
    DuplicateDenom(Denom),
    /// Returned when a denom name breaks the naming rules (only possible from raw bytes).
    #[error("invalid denom {0:?}")]
    InvalidDenom(String),
    /// Returned when a multi-send has more outputs, or a coin list more denoms, than allowed.
    #[error("too many items: {got} > {max}")]
    TooMany { got: usize, max: usize },
    /// Returned when a user tries to send to a module account.
    #[error("{0} is a module account and cannot receive user transfers")]
    ModuleAccountRecipient(Address),
    /// Returned when a module mints or burns without the permission granted at genesis.
    #[error("module {module} lacks the {permission} permission")]
    NoPermission { module: String, permission: &'static str },
    /// Returned when a module account name is not registered.
    #[error("unknown module account {0}")]
    UnknownModuleAccount(String),
    /// Returned when a credit or a supply increase would exceed u128.
    #[error("amount overflow in {0}")]
    Overflow(Denom),
    /// Returned when the genesis file is inconsistent (duplicate account, zero balance, ...).
    #[error("invalid bank genesis: {0}")]
    InvalidGenesis(String),
    /// Returned when a user sends a perishable denom at or after its closing time.
    #[error("{denom} closed for transfers at {closes_at}")]
    DenomClosed { denom: Denom, closes_at: u64 },
    /// Returned when a denom is declared perishable with rules that clash with
    /// existing ones, is a base denom, or already circulates.
    #[error("{0} cannot be declared perishable with these rules")]
    PerishableConflict(Denom),
    /// Returned when burning out a denom that is not perishable.
    #[error("{0} is not a perishable denom")]
    NotPerishable(Denom),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl CodedError for BankError {
    fn module(&self) -> &'static str {
        "bank"
    }
    fn code(&self) -> u32 {
        match self {
            BankError::InsufficientFunds { .. } => 1,
            BankError::Empty => 2,
            BankError::ZeroAmount(_) => 3,
            BankError::DuplicateDenom(_) => 4,
            BankError::InvalidDenom(_) => 5,
            BankError::TooMany { .. } => 6,
            BankError::ModuleAccountRecipient(_) => 7,
            BankError::NoPermission { .. } => 8,
            BankError::UnknownModuleAccount(_) => 9,
            BankError::Overflow(_) => 10,
            BankError::InvalidGenesis(_) => 11,
            BankError::DenomClosed { .. } => 12,
            BankError::PerishableConflict(_) => 13,
            BankError::NotPerishable(_) => 14,
            BankError::State(_) => 100,
        }
    }
}
