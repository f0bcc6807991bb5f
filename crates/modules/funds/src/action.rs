//! What managers and depositors may do.

use crate::state::{FundId, Mandate};
use crate::FundsError;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::{Action, SignatureClaim, StateRead, StateWrite, TxCtx};
use greenhour_primitives::Address;
use greenhour_rwa::PackageId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundsAction {
    /// Creates a fund the signer manages.
    Create { name: String, mandate: Mandate, management_fee_bps: u32, performance_fee_bps: u32, verified_only: bool },
    /// Deposits `assets` gUSD for at least `min_shares` shares (ERC-4626 deposit).
    Deposit {
        fund: FundId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        assets: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_shares: u128,
    },
    /// Redeems `shares` now for at least `min_assets` gUSD from the fund's idle cash
    /// (ERC-4626 redeem); refused when the cash is short.
    Redeem {
        fund: FundId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        shares: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_assets: u128,
    },
    /// Queues `shares` for redemption, paid at the price of the hour the fund has
    /// the cash, oldest request first (ERC-7540 requestRedeem).
    RequestRedeem {
        fund: FundId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        shares: u128,
    },
    /// Moves shares to another holder.
    Transfer {
        fund: FundId,
        to: Address,
        #[serde(with = "greenhour_primitives::amount_serde")]
        shares: u128,
    },
    /// The manager orders `invest` gUSD of the fund's cash into a tranche, or
    /// `redeem` of its units, at the package's next epoch (within the mandate).
    Allocate {
        fund: FundId,
        package: PackageId,
        tranche: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        invest: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        redeem: u128,
    },
    /// The manager of an ESG fund spends `gusd` of its cash on carbon coin: a
    /// redemption of gUSD against the stable module's `ugco2` branch, at the
    /// oracle price less the redemption fee (refused above `max_fee_bps`).
    BuyCarbon {
        fund: FundId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        gusd: u128,
        max_fee_bps: u32,
    },
    /// Redeems `shares` for their slice of each asset the fund holds (gUSD and
    /// carbon coin), rounded down: an exit that needs no cash, for funds that hold
    /// no tranches (an ETF's in-kind redemption).
    RedeemInKind {
        fund: FundId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        shares: u128,
    },
}

impl Action for FundsAction {
    type Error = FundsError;

    fn check(&self) -> Result<(), FundsError> {
        match self {
            FundsAction::Deposit { assets: 0, .. }
            | FundsAction::Redeem { shares: 0, .. }
            | FundsAction::RequestRedeem { shares: 0, .. }
            | FundsAction::Transfer { shares: 0, .. }
            | FundsAction::Allocate { invest: 0, redeem: 0, .. }
            | FundsAction::BuyCarbon { gusd: 0, .. }
            | FundsAction::RedeemInKind { shares: 0, .. } => Err(FundsError::ZeroAmount),
            FundsAction::Create { name, .. } if name.trim().is_empty() || name.len() > 64 => {
                Err(FundsError::InvalidTerms("a name is 1–64 bytes".into()))
            }
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), FundsError> {
        crate::handler::execute(state, tx, self)
    }

    fn signature_claims(&self, _state: &impl StateRead) -> Vec<SignatureClaim> {
        Vec::new()
    }
}
