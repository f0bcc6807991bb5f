use crate::state::{EntryConditions, PoolId, PoolKind};
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_devices::{DeviceClass, DeviceId};
use serde::{Deserialize, Serialize};

/// What users may ask of the pools module.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PoolsAction {
    /// Creates a pool for one device class and kind with fixed entry conditions.
    Create { class: DeviceClass, kind: PoolKind, conditions: EntryConditions },
    /// Enters the signer's device into a pool (or files a lottery ticket), bonding the stake.
    Join { pool: PoolId, device: DeviceId },
    /// Pledges `quantity` units per hour for `hours` consecutive future hours from
    /// `first_hour` (UTC hour index); mints the slot tokens into the pool's custody
    /// and a position NFT to the signer.
    Pledge { pool: PoolId, device: DeviceId, first_hour: u64, hours: u32, quantity: u32 },
    /// Adds `hours` hours at the same quantity right after the position's last hour
    /// (signer owns the device and the position NFT); mints their slot tokens.
    Extend { position: u64, hours: u32 },
    /// Takes unsold slot tokens of an open hour out of custody to the position's owner.
    Release { position: u64, hour: u64, quantity: u32 },
    /// Moves up to `quantity` unsold slots of a future hour of the position, with at
    /// most `max_quote` of the signer's quote, into that hour's market pool; the LP
    /// shares stay with the position (signer owns the position NFT), so that
    /// inventory is withdrawn from the market if the device leaves.
    Provide {
        position: u64,
        hour: u64,
        quantity: u32,
        #[serde(with = "greenhour_primitives::amount_serde")]
        max_quote: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_shares: u128,
        deadline: u64,
    },
    /// Burns `shares` of the position's LP shares in the hour's market pool and pays
    /// the slots and quote (only quote once the hour ended) to the NFT owner.
    Withdraw {
        position: u64,
        hour: u64,
        #[serde(with = "greenhour_primitives::amount_serde")]
        shares: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_slots: u128,
        #[serde(with = "greenhour_primitives::amount_serde")]
        min_quote: u128,
        deadline: u64,
    },
    /// Leaves a pool: withdraws unsold future slots at once; returns the stake when
    /// no pledged hour of the device in the pool is still to come (repeat it then).
    Leave { pool: PoolId, device: DeviceId },
}
