use crate::state::VaultId;
use crate::StableError;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::{Action, SignatureClaim, StateRead, StateWrite, TxCtx};
use greenhour_primitives::Denom;
use serde::{Deserialize, Serialize};

/// What borrowers, redeemers, liquidators and stability-pool depositors may do.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StableAction {
    /// Locks `collateral` of an approved denom and mints `debt` gUSD to the signer,
    /// at an annual rate the signer chooses.
    Open {
        denom: Denom,
        #[serde(with = "greenhour_primitives::amount_serde")]
        collateral: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        debt: u128,
        rate_bps: u32,
    },
    /// Adds collateral to the signer's vault.
    Deposit {
        vault: VaultId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Takes collateral out of the signer's vault (it must stay above its minimum ratio).
    Withdraw {
        vault: VaultId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Mints more gUSD against the signer's vault.
    Mint {
        vault: VaultId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Burns the signer's gUSD against the vault's debt (down to the minimum debt; `Close` repays all).
    Repay {
        vault: VaultId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Sets the vault's annual interest rate (its place in the redemption order).
    SetRate { vault: VaultId, rate_bps: u32 },
    /// Repays the whole debt from the signer's gUSD and returns the collateral.
    Close { vault: VaultId },
    /// Burns `amount` of the signer's gUSD for collateral of `denom` worth as much at
    /// the oracle price, less the fee, taken from the branch's lowest-rate vaults.
    Redeem {
        denom: Denom,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
        /// Refused if the fee is above this, bps.
        max_fee_bps: u32,
    },
    /// Liquidates a vault below its minimum collateral ratio (anyone may).
    Liquidate { vault: VaultId },
    /// Deposits gUSD in the stability pool (paying out collateral gains so far).
    PoolDeposit {
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Withdraws gUSD from the stability pool (0: just collect collateral gains).
    PoolWithdraw {
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
}

impl Action for StableAction {
    type Error = StableError;

    fn check(&self) -> Result<(), StableError> {
        match self {
            StableAction::Open { collateral: 0, .. } | StableAction::Open { debt: 0, .. } => {
                Err(StableError::ZeroAmount)
            }
            StableAction::Deposit { amount: 0, .. }
            | StableAction::Withdraw { amount: 0, .. }
            | StableAction::Mint { amount: 0, .. }
            | StableAction::Repay { amount: 0, .. }
            | StableAction::Redeem { amount: 0, .. }
            | StableAction::PoolDeposit { amount: 0 } => Err(StableError::ZeroAmount),
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), StableError> {
        crate::handler::execute(state, tx, self)
    }

    fn signature_claims(&self, _state: &impl StateRead) -> Vec<SignatureClaim> {
        Vec::new()
    }
}
