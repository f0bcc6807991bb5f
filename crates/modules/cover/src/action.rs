//! What stakers and device owners may do.

use crate::state::JobPeril;
use crate::CoverError;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::DeviceId;
use greenhour_framework::{Action, SignatureClaim, StateRead, StateWrite, TxCtx};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverAction {
    /// Stakes `amount` gUSD into the pool for at least `min_shares` shares.
    Stake {
        #[serde(with = "greenhour_primitives::amount_serde")]
        amount: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_shares: u128,
    },
    /// Withdraws `shares` for at least `min_amount` gUSD, from capital no cover locks.
    Unstake {
        #[serde(with = "greenhour_primitives::amount_serde")]
        shares: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_amount: u128,
    },
    /// Buys downtime cover for a device the signer owns: `per_hour` gUSD for each of
    /// `hours` hours from `first_hour` (not yet started) in which the device reports
    /// less telemetry than the threshold, for a premium of at most `max_premium`.
    Buy {
        device: DeviceId,
        first_hour: u64,
        hours: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        per_hour: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_premium: u128,
    },
    /// Buys cover on a job the signer posted, before it could start: `sum_insured`
    /// gUSD once if the job ends by `peril`, for a premium of at most `max_premium`.
    BuyJobCover {
        job: u64,
        peril: JobPeril,
        #[serde(with = "greenhour_primitives::amount_serde")]
        sum_insured: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_premium: u128,
    },
    /// Pays the signer the slashed GHR its shares have earned.
    ClaimRewards {},
}

impl Action for CoverAction {
    type Error = CoverError;

    fn check(&self) -> Result<(), CoverError> {
        match self {
            CoverAction::Stake { amount: 0, .. }
            | CoverAction::Unstake { shares: 0, .. }
            | CoverAction::Buy { per_hour: 0, .. }
            | CoverAction::BuyJobCover { sum_insured: 0, .. } => Err(CoverError::ZeroAmount),
            CoverAction::Buy { hours: 0, .. } => {
                Err(CoverError::InvalidTerms("a cover covers at least one hour".into()))
            }
            _ => Ok(()),
        }
    }

    fn execute(&self, state: &mut impl StateWrite, tx: &TxCtx) -> Result<(), CoverError> {
        crate::handler::execute(state, tx, self)
    }

    fn signature_claims(&self, _state: &impl StateRead) -> Vec<SignatureClaim> {
        Vec::new()
    }
}
