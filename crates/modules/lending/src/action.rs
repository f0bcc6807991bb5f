use crate::math::WAD;
use crate::state::{Collateral, MarketId};
use crate::LendingError;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::{Action, SignatureClaim, StateRead, StateWrite, TxCtx};
use greenhour_primitives::{Address, Denom};
use serde::{Deserialize, Serialize};

/// How much to withdraw or repay: an amount of assets, or of shares (to close a
/// position exactly, with no dust left by rounding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Size {
    Assets(#[serde(with = "greenhour_primitives::amount_serde")] u128),
    Shares(#[serde(with = "greenhour_primitives::amount_serde")] u128),
}

impl Size {
    fn amount(self) -> u128 {
        match self {
            Size::Assets(a) | Size::Shares(a) => a,
        }
    }
}

/// What lenders, borrowers and liquidators may do.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LendingAction {
    /// Creates a market from the approved lists (anyone may).
    CreateMarket {
        loan: Denom,
        collateral: Collateral,
        #[serde(with = "greenhour_primitives::amount_serde")]
        lltv_wad: u128,
    },
    /// Lends loan assets to the market for supply shares.
    Supply {
        market: MarketId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        assets: u128,
    },
    /// Takes supplied assets back.
    Withdraw { market: MarketId, amount: Size },
    /// Borrows loan assets against the signer's collateral.
    Borrow {
        market: MarketId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        assets: u128,
    },
    /// Repays the signer's debt.
    Repay { market: MarketId, amount: Size },
    /// Adds token collateral.
    SupplyCollateral {
        market: MarketId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Takes token collateral back (the position must stay healthy).
    WithdrawCollateral {
        market: MarketId,
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Pledges a position NFT the signer holds; it moves to its escrow and its
    /// income repays the loan until released.
    Pledge { market: MarketId, serial: u64 },
    /// Takes a pledged position NFT back (the position must stay healthy).
    Release { market: MarketId, serial: u64 },
    /// Repays part of an unhealthy position's debt for its collateral plus the
    /// liquidation incentive: `repay` loan assets at most for token collateral, or
    /// the pledged NFT `serial` (the liquidator pays what it is worth less the incentive,
    /// at most the debt).
    Liquidate {
        market: MarketId,
        borrower: Address,
        #[serde(with = "greenhour_primitives::amount_serde")]
        repay: u128,
        serial: Option<u64>,
    },
    /// The borrower provides unsold slots of a pledged position NFT's `hour` to that
    /// hour's market pool, with at most `max_quote` of their own quote (the escrow
    /// cannot sign `pools provide`). The LP shares stay with the position; when the
    /// hour ends what they earned pays the escrow and so the loan. The position must
    /// stay healthy: slots in the market no longer count as collateral.
    Provide {
        market: MarketId,
        serial: u64,
        hour: u64,
        quantity: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_quote: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_shares: u128,
    },
    /// Adds `quantity` slot tokens of `hour` (of the market's class) as collateral;
    /// only hours that have not started.
    SupplySlots {
        market: MarketId,
        hour: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        quantity: u128,
    },
    /// Takes slot collateral of `hour` back (the position must stay healthy).
    WithdrawSlots {
        market: MarketId,
        hour: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        quantity: u128,
    },
    /// Liquidates an unhealthy position in a slot market: takes `quantity` of its
    /// slots of `hour`, paying their index value less the liquidation incentive
    /// (Morpho's liquidation by seized assets), at most the debt.
    LiquidateSlots {
        market: MarketId,
        borrower: Address,
        hour: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        quantity: u128,
    },
}

impl Action for LendingAction {
    type Error = LendingError;

    fn check(&self) -> Result<(), LendingError> {
        match self {
            LendingAction::CreateMarket { loan, collateral, lltv_wad } => {
                if *lltv_wad == 0 || *lltv_wad >= WAD {
                    return Err(LendingError::LltvNotApproved { lltv_wad: *lltv_wad });
                }
                if let Collateral::Token { denom, feed } = collateral {
                    if denom == loan {
                        return Err(LendingError::CollateralNotApproved(denom.clone()));
                    }
                    if feed.is_empty() || feed.len() > 48 {
                        return Err(LendingError::PriceUnavailable(format!("feed name {feed:?} is not 1-48 bytes")));
                    }
                }
                Ok(())
            }
            LendingAction::Supply { assets, .. } | LendingAction::Borrow { assets, .. } if *assets == 0 => {
                Err(LendingError::ZeroAmount)
            }
            LendingAction::Withdraw { amount, .. } | LendingAction::Repay { amount, .. } if amount.amount() == 0 => {
                Err(LendingError::ZeroAmount)
            }
            LendingAction::SupplyCollateral { amount, .. } | LendingAction::WithdrawCollateral { amount, .. }
                if *amount == 0 =>
            {
                Err(LendingError::ZeroAmount)
            }
            LendingAction::Liquidate { repay, serial: None, .. } if *repay == 0 => Err(LendingError::ZeroAmount),
            LendingAction::Provide { quantity: 0, .. } => Err(LendingError::ZeroAmount),
            LendingAction::SupplySlots { quantity: 0, .. }
            | LendingAction::WithdrawSlots { quantity: 0, .. }
            | LendingAction::LiquidateSlots { quantity: 0, .. } => Err(LendingError::ZeroAmount),
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), LendingError> {
        crate::handler::execute(state, tx, self)
    }

    fn signature_claims(&self, _state: &impl StateRead) -> Vec<SignatureClaim> {
        Vec::new()
    }
}
