//! What traders, market makers and liquidators may do.

use crate::state::{Instrument, OrderId, SeriesId, Side};
use crate::{math, DerivativesError};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_framework::{Action, SignatureClaim, StateRead, StateWrite, TxCtx};
use greenhour_primitives::Address;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DerivativesAction {
    /// Moves `amount` gUSD into the signer's margin account (opening it).
    Deposit {
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Takes `amount` gUSD out, leaving equity above the initial margin.
    Withdraw {
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
    },
    /// Lists a series on an instrument (anyone may, as with Opyn's oToken factory).
    List { instrument: Instrument },
    /// A limit order: fills against the book at the resting orders' prices, then
    /// rests (or, `immediate_only`, the rest is dropped). The account must carry the
    /// whole order at its limit within the initial margin.
    Place {
        series: SeriesId,
        side: Side,
        #[serde(with = "greenhour_primitives::amount_serde")]
        size: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        price: u128,
        #[serde(default)]
        immediate_only: bool,
    },
    /// Cancels one of the signer's resting orders.
    Cancel { order: OrderId },
    /// Takes over every open position of an account below its maintenance margin,
    /// at the mark, for the liquidation penalty.
    Liquidate { owner: Address },
}

impl Action for DerivativesAction {
    type Error = DerivativesError;

    fn check(&self) -> Result<(), DerivativesError> {
        let bad = |m: &str| Err(DerivativesError::InvalidAmount(m.into()));
        match self {
            DerivativesAction::Deposit { amount } | DerivativesAction::Withdraw { amount } if *amount == 0 => {
                bad("the amount must be positive")
            }
            DerivativesAction::Deposit { amount } | DerivativesAction::Withdraw { amount }
                if *amount > i128::MAX as u128 / 4 =>
            {
                bad("the amount is beyond any balance")
            }
            DerivativesAction::Place { size, .. } if *size == 0 || *size > math::MAX_SIZE => {
                bad("a size from 1 to 10^12 contracts")
            }
            DerivativesAction::Place { price, .. } if *price == 0 || *price > math::MAX_PRICE => {
                bad("a price from 1 to 10^15 ugusd")
            }
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), DerivativesError> {
        crate::handler::execute(state, tx, self)
    }

    fn signature_claims(&self, _state: &impl StateRead) -> Vec<SignatureClaim> {
        Vec::new()
    }
}
