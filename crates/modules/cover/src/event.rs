//! Events: stakes, covers sold, and every covered hour paid.

use greenhour_primitives::Address;

greenhour_framework::module_events! {
    /// Everything the cover module announces.
    pub enum CoverEvent in "cover" {
        /// gUSD staked into the pool for shares.
        Staked = "staked" { staker: Address, amount: u128, shares: u128 },
        /// Shares withdrawn for gUSD.
        Unstaked = "unstaked" { staker: Address, shares: u128, amount: u128 },
        /// A cover sold: `per_hour` for each of `hours` hours from `first_hour`, at `rate_bps`.
        Sold = "sold" { cover: u64, holder: Address, device: u64, first_hour: u64, hours: u32, per_hour: u128, premium: u128, rate_bps: u128 },
        /// A covered hour was downtime (`reported_secs` under the threshold): paid to the holder.
        Paid = "paid" { cover: u64, holder: Address, device: u64, hour: u64, reported_secs: u64, amount: u128 },
    }
}
