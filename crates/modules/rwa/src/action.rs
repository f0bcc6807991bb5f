use crate::state::{PackageId, Rules, Side, TrancheTerms};
use crate::RwaError;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::DeviceClass;
use greenhour_framework::{Action, SignatureClaim, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Hash, UnixSeconds};
use serde::{Deserialize, Serialize};

/// What claim issuers, issuers (as the packages' agents) and investors may do.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RwaAction {
    /// A trusted claim issuer verifies `subject` (KYC done) from `jurisdiction`
    /// (ISO 3166 alpha-2), accredited or not, until `expires_at`.
    Claim { subject: Address, jurisdiction: String, accredited: bool, expires_at: UnixSeconds },
    /// The claim issuer that verified `subject` revokes it.
    Revoke { subject: Address },
    /// Creates a package the signer issues: tranches most senior first, the last the
    /// residual; income is swept hourly, orders execute every `epoch_secs`.
    CreatePackage {
        name: String,
        legal_name: String,
        jurisdiction: String,
        documents: Vec<Hash>,
        class: DeviceClass,
        tranches: Vec<TrancheTerms>,
        rules: Rules,
        epoch_secs: u64,
        fee_bps: u32,
        maturity: UnixSeconds,
    },
    /// The issuer puts a position NFT it holds into the package's custody and
    /// receives residual units for its value.
    AddAsset { package: PackageId, serial: u64 },
    /// The issuer provides unsold slots of a packaged position's `hour` to that
    /// hour's market pool, with at most `max_quote` of its own quote; what they earn
    /// is settled to the package when the hour ends.
    Provide {
        package: PackageId,
        serial: u64,
        hour: u64,
        quantity: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_quote: u128,
    },
    /// Queues `amount` gUSD to subscribe to a tranche at the epoch's close.
    Invest {
        package: PackageId,
        tranche: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Queues `units` of a tranche for redemption at the epoch's close.
    Redeem {
        package: PackageId,
        tranche: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        units: u128,
    },
    /// Moves units to another verified holder, under the package's rules.
    Transfer {
        package: PackageId,
        tranche: u32,
        to: Address,
        #[serde(with = "greenhour_primitives::amount_serde")]
        units: u128,
    },
    /// The issuer, as agent, moves units between holders (the recipient must still
    /// be verified); visible in events, as regulators require.
    ForceTransfer {
        package: PackageId,
        tranche: u32,
        from: Address,
        to: Address,
        #[serde(with = "greenhour_primitives::amount_serde")]
        units: u128,
    },
    /// The issuer freezes (or unfreezes) an address's units of the package.
    Freeze { package: PackageId, who: Address, frozen: bool },
    /// Pays the signer's coupons and principal of a tranche so far.
    ClaimPayout { package: PackageId, tranche: u32 },
    /// Buys or sells `units` in the tranche's secondary market at `price_wad` (ugusd
    /// per unit, WAD) or better: fills against the book, and the rest rests there
    /// (or is returned, `immediate_only`). Every fill is checked against the rules.
    PlaceOffer {
        package: PackageId,
        tranche: u32,
        side: Side,
        #[serde(with = "greenhour_primitives::amount_serde")]
        units: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        price_wad: u128,
        immediate_only: bool,
    },
    /// Cancels an open offer of the signer's.
    CancelOffer { offer: u64 },
}

impl Action for RwaAction {
    type Error = RwaError;

    fn check(&self) -> Result<(), RwaError> {
        match self {
            RwaAction::Invest { amount: 0, .. }
            | RwaAction::Redeem { units: 0, .. }
            | RwaAction::Transfer { units: 0, .. }
            | RwaAction::ForceTransfer { units: 0, .. }
            | RwaAction::Provide { quantity: 0, .. }
            | RwaAction::PlaceOffer { units: 0, .. }
            | RwaAction::PlaceOffer { price_wad: 0, .. } => Err(RwaError::ZeroAmount),
            RwaAction::Claim { jurisdiction, .. } => crate::handler::check_jurisdiction(jurisdiction),
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), RwaError> {
        crate::handler::execute(state, tx, self)
    }

    fn signature_claims(&self, _state: &impl StateRead) -> Vec<SignatureClaim> {
        Vec::new()
    }
}
