//! Events: every fund, deposit, redemption (paid or queued), allocation and fee.

use crate::state::FundId;
use greenhour_primitives::Address;

greenhour_framework::module_events! {
    /// Everything the funds module announces.
    pub enum FundsEvent in "funds" {
        /// A fund was created.
        Created = "created" { fund: FundId, manager: Address, mandate: String },
        /// gUSD deposited for shares (ERC-4626's Deposit).
        Deposited = "deposited" { fund: FundId, owner: Address, assets: u128, shares: u128 },
        /// Shares redeemed for gUSD (ERC-4626's Withdraw), now or from the queue.
        Redeemed = "redeemed" { fund: FundId, owner: Address, shares: u128, assets: u128, queued: bool },
        /// A redemption was queued until the fund has the cash (ERC-7540's RedeemRequest).
        RedeemRequested = "redeem_requested" { fund: FundId, owner: Address, request: u64, shares: u128 },
        /// Shares moved between holders.
        Transferred = "transferred" { fund: FundId, from: Address, to: Address, shares: u128 },
        /// The manager ordered a tranche subscription or redemption for the fund.
        Allocated = "allocated" { fund: FundId, package: u64, tranche: u32, invest: u128, redeem: u128 },
        /// Payouts of a tranche the fund holds were collected into its cash.
        Collected = "collected" { fund: FundId, package: u64, tranche: u32, amount: u128 },
        /// An ESG fund bought carbon coin with its cash (a gUSD redemption in the stable module).
        CarbonBought = "carbon_bought" { fund: FundId, gusd: u128, carbon: u128 },
        /// Shares redeemed for their slice of the fund's gUSD and carbon coin.
        RedeemedInKind = "redeemed_in_kind" { fund: FundId, owner: Address, shares: u128, gusd: u128, carbon: u128 },
        /// Governance replaced the tranches a governed fund may buy.
        MandateSet = "mandate_set" { fund: FundId, tranches: u32 },
        /// Fees taken as shares minted to the manager.
        FeesTaken = "fees_taken" { fund: FundId, management: u128, performance: u128, shares: u128 },
    }
}
