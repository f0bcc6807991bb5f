//! Events: every change to a vault, a branch's redistribution, the stability
//! pool or the redemption base rate is one.

use crate::state::VaultId;
use greenhour_primitives::{Address, Denom};

greenhour_framework::module_events! {
    /// Everything the stable module announces.
    pub enum StableEvent in "stable" {
        /// A vault opened: collateral locked, gUSD minted to its owner.
        Opened = "opened" { vault: VaultId, owner: Address, denom: Denom, collateral: u128, debt: u128, rate_bps: u32 },
        /// A vault's collateral or debt changed by its owner (signed deltas).
        Adjusted = "adjusted" { vault: VaultId, collateral_delta: i128, debt_delta: i128 },
        /// A vault's owner set a new interest rate.
        RateSet = "rate_set" { vault: VaultId, rate_bps: u32 },
        /// Interest accrued on a vault and minted (to the stability pool, or the treasury when it is empty).
        Accrued = "accrued" { vault: VaultId, interest: u128, to_pool: bool },
        /// A vault closed: debt repaid, collateral returned.
        Closed = "closed" { vault: VaultId, collateral: u128, debt: u128 },
        /// gUSD redeemed at face value for collateral from the lowest-rate vaults.
        Redeemed = "redeemed" { redeemer: Address, denom: Denom, gusd: u128, collateral: u128, fee_bps: u64, vaults: u32 },
        /// One vault's part of a redemption.
        VaultRedeemed = "vault_redeemed" { vault: VaultId, debt: u128, collateral: u128 },
        /// A vault below its minimum ratio liquidated: debt burned by the pool
        /// (`offset`) and redistributed (`redistributed`), collateral to each.
        Liquidated = "liquidated" { vault: VaultId, liquidator: Address, offset: u128, redistributed: u128, to_pool: u128, to_vaults: u128, to_liquidator: u128, surplus: u128 },
        /// gUSD into or out of the stability pool (signed), with collateral gains paid.
        PoolChanged = "pool_changed" { depositor: Address, gusd_delta: i128, shares: u128 },
        /// Collateral gains paid to a depositor.
        GainsPaid = "gains_paid" { depositor: Address, denom: Denom, amount: u128 },
        /// A direct deposit into a lending market moved: gUSD minted and supplied
        /// (`minted_delta` > 0) or withdrawn and burned (< 0), and what its supply
        /// earned above what it minted, paid to the stability pool (or the treasury).
        DirectDeposit = "direct_deposit" { market: u64, minted_delta: i128, earned: u128, to_pool: bool, minted: u128, assets: u128 },
        /// The stability pool started a new epoch (liquidations left its shares near worthless).
        PoolEpoch = "pool_epoch" { epoch: u64 },
    }
}
