//! Events: stakes, covers sold, every event paid, and slashing proceeds shared.

use greenhour_primitives::Address;

greenhour_framework::module_events! {
    /// Everything the cover module announces.
    pub enum CoverEvent in "cover" {
        /// gUSD staked into the pool for shares.
        Staked = "staked" { staker: Address, amount: u128, shares: u128 },
        /// Shares withdrawn for gUSD.
        Unstaked = "unstaked" { staker: Address, shares: u128, amount: u128 },
        /// A cover sold on `subject` (a device or a job) against `peril`:
        /// `sum_insured` for each of `events` events from `first_hour`, at `rate_bps`.
        Sold = "sold" { cover: u64, holder: Address, peril: String, subject: u64, first_hour: u64, events: u32, sum_insured: u128, premium: u128, rate_bps: u128 },
        /// The peril struck (`fact`: what the chain recorded): paid to the holder.
        Paid = "paid" { cover: u64, holder: Address, peril: String, subject: u64, hour: u64, fact: String, amount: u128 },
        /// Slashed GHR from jobs shared over the pool's `shares`.
        SlashingReceived = "slashing_received" { ghr: u128, shares: u128 },
        /// A staker was paid the GHR its shares earned.
        RewardsPaid = "rewards_paid" { staker: Address, ghr: u128 },
    }
}
