use greenhour_framework::CodedError;
use greenhour_primitives::{Address, Hash};
use greenhour_state::StateError;

/// Everything the carbon module can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarbonError {
    /// Returned when no accepted telemetry report has this hash.
    #[error("unknown report {0}")]
    UnknownReport(Hash),
    /// Returned when a report's device is suspended or retired: its readings
    /// are not certified until it is active again.
    #[error("device {device} is {status}: its reports are not certified")]
    DeviceNotActive { device: u64, status: String },
    /// Returned when a report already backs a certificate (or anything else).
    #[error("report {hash} is already used by {by}")]
    AlreadyCertified { hash: Hash, by: String },
    /// Returned when a report has no solar generation and no certifiable discharge.
    #[error("report {0} has no energy to certify")]
    NothingToCertify(Hash),
    /// Returned when a report's generation exceeds nameplate × hours × 1.1.
    #[error("report {hash}: {generated_wh} Wh exceeds the bound of {bound_wh} Wh")]
    AboveNameplate { hash: Hash, generated_wh: u64, bound_wh: u64 },
    /// Returned when no bundle starts at this id.
    #[error("no certificate bundle starts at id {0}")]
    UnknownBundle(u64),
    /// Returned when someone other than a bundle's owner acts on it.
    #[error("{signer} does not own bundle {bundle}")]
    NotOwner { bundle: u64, signer: Address },
    /// Returned when a bundle's status forbids the action (claimed, expired,
    /// locked, stored, cancelled or revoked bundles do not move).
    #[error("bundle {bundle} is {status}: {action} is not possible")]
    WrongStatus { bundle: u64, status: &'static str, action: &'static str },
    /// Returned when a split point or quantity falls outside the bundle's range.
    #[error("bundle {bundle} holds {wh} Wh: {asked} is outside 1..{wh}")]
    OutsideRange { bundle: u64, wh: u64, asked: u64 },
    /// Returned when a free-text field is empty or too long, a period is empty
    /// or too long, or a list is empty or too long.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// Returned when a bundle would leave the chain's accounts (a module account recipient).
    #[error("{0} is a module account and cannot hold certificates")]
    ModuleRecipient(Address),
    /// Returned when a non-issuer acts as an issuer.
    #[error("{0} does not have the issuer role")]
    NotIssuer(Address),
    /// Returned when a credit batch's registry serial was already registered.
    #[error("serial {registry}/{serial} is already bridged as batch {batch}")]
    DuplicateSerial { registry: String, serial: String, batch: u64 },
    /// Returned when no credit batch has this id.
    #[error("unknown credit batch {0}")]
    UnknownCredit(u64),
    /// Returned when a credit batch is not in the status the action needs.
    #[error("credit batch {batch} is {status}: {action} is not possible")]
    CreditWrongStatus { batch: u64, status: &'static str, action: &'static str },
    /// Returned when no credit pool has this id.
    #[error("unknown credit pool {0}")]
    UnknownPool(u64),
    /// Returned when a pool's filter refuses a batch (vintage or type).
    #[error("pool {pool} does not accept batch {batch}: {why}")]
    FilterRefused { pool: u64, batch: u64, why: String },
    /// Returned when a pool holds less of a batch than asked.
    #[error("pool {pool} holds {held} g of batch {batch}, {asked} asked")]
    PoolShort { pool: u64, batch: u64, held: u128, asked: u128 },
    /// Returned when no receipt (claim or retirement) has this serial.
    #[error("unknown receipt {0}")]
    UnknownReceipt(u64),
    /// Returned when the chain's own bookkeeping would break (a bug, never input).
    #[error("carbon accounting: {0}")]
    Accounting(String),
    /// Returned when an amount would overflow.
    #[error("amount overflow")]
    Overflow,
    /// Returned when the genesis is inconsistent.
    #[error("invalid carbon genesis: {0}")]
    InvalidGenesis(String),
    /// A bank transfer, mint or burn failed (e.g. the signer lacks the tokens).
    #[error(transparent)]
    Bank(#[from] greenhour_bank::BankError),
    /// A device or report lookup failed.
    #[error(transparent)]
    Devices(greenhour_devices::DevicesError),
    /// Minting a receipt NFT failed.
    #[error(transparent)]
    Nft(#[from] greenhour_nft::NftError),
    /// Returned when storage fails underneath.
    #[error(transparent)]
    State(#[from] StateError),
}

impl From<greenhour_devices::DevicesError> for CarbonError {
    fn from(e: greenhour_devices::DevicesError) -> Self {
        match e {
            greenhour_devices::DevicesError::ReportAlreadyUsed { hash, by } => {
                CarbonError::AlreadyCertified { hash, by }
            }
            greenhour_devices::DevicesError::UnknownReport(hash) => CarbonError::UnknownReport(hash),
            other => CarbonError::Devices(other),
        }
    }
}

impl CodedError for CarbonError {
    fn module(&self) -> &'static str {
        "carbon"
    }
    fn code(&self) -> u32 {
        match self {
            CarbonError::UnknownReport(_) => 1,
            CarbonError::DeviceNotActive { .. } => 2,
            CarbonError::AlreadyCertified { .. } => 3,
            CarbonError::NothingToCertify(_) => 4,
            CarbonError::AboveNameplate { .. } => 5,
            CarbonError::UnknownBundle(_) => 6,
            CarbonError::NotOwner { .. } => 7,
            CarbonError::WrongStatus { .. } => 8,
            CarbonError::OutsideRange { .. } => 9,
            CarbonError::InvalidInput(_) => 10,
            CarbonError::ModuleRecipient(_) => 11,
            CarbonError::NotIssuer(_) => 12,
            CarbonError::DuplicateSerial { .. } => 13,
            CarbonError::UnknownCredit(_) => 14,
            CarbonError::CreditWrongStatus { .. } => 15,
            CarbonError::UnknownPool(_) => 16,
            CarbonError::FilterRefused { .. } => 17,
            CarbonError::PoolShort { .. } => 18,
            CarbonError::UnknownReceipt(_) => 19,
            CarbonError::Accounting(_) => 20,
            CarbonError::Overflow => 21,
            CarbonError::InvalidGenesis(_) => 22,
            CarbonError::Bank(_) => 91,
            CarbonError::Devices(_) => 92,
            CarbonError::Nft(_) => 95,
            CarbonError::State(_) => 100,
        }
    }
}
