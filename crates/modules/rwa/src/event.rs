//! Events: every claim, package, asset, order, epoch, payout and compliance act
//! (freezes and forced transfers are visible here, as regulators require).

use crate::state::PackageId;
use greenhour_primitives::Address;

greenhour_framework::module_events! {
    /// Everything the rwa module announces.
    pub enum RwaEvent in "rwa" {
        /// A trusted claim issuer verified an identity (or renewed it).
        Claimed = "claimed" { subject: Address, issuer: Address, jurisdiction: String, accredited: bool, expires_at: u64 },
        /// A claim was revoked: the address is unverified.
        Revoked = "revoked" { subject: Address, issuer: Address },
        /// A package was created.
        PackageCreated = "package_created" { package: PackageId, issuer: Address, tranches: u32 },
        /// A position NFT joined the package's custody; the issuer received residual
        /// units for its value.
        AssetAdded = "asset_added" { package: PackageId, serial: u64, value: u128, units: u128 },
        /// Income swept into the waterfall: the issuer's fee, coupons and principal
        /// paid to holders, the rest to the reserve.
        Income = "income" { package: PackageId, received: u128, fee: u128, coupons: u128, principal: u128, to_reserve: u128 },
        /// Income in another denom than gUSD, passed to the issuer.
        OtherIncome = "other_income" { package: PackageId, denom: String, amount: u128 },
        /// A subscription or redemption was queued for the epoch.
        Ordered = "ordered" { package: PackageId, tranche: u32, investor: Address, invest: u128, redeem: u128 },
        /// An epoch closed: the package's value and what each tranche executed.
        EpochClosed = "epoch_closed" { package: PackageId, epoch: u64, nav: u128, reserve: u128 },
        /// One tranche's part of an epoch: gUSD invested, units redeemed, at `price_wad`.
        EpochTranche = "epoch_tranche" { package: PackageId, epoch: u64, tranche: u32, invested: u128, redeemed: u128, price_wad: u128 },
        /// An epoch could not close: the package's value is unavailable.
        EpochDeferred = "epoch_deferred" { package: PackageId, epoch: u64, why: String },
        /// Units moved between holders (`forced`: by the issuer as agent).
        Transferred = "transferred" { package: PackageId, tranche: u32, from: Address, to: Address, units: u128, forced: bool },
        /// The issuer froze or unfroze an address.
        Frozen = "frozen" { package: PackageId, who: Address, frozen: bool },
        /// Governance replaced the trusted claim issuers.
        ClaimIssuersSet = "claim_issuers_set" { issuers: u32 },
        /// An offer rests in a tranche's book (`side`: buy or sell; price in WAD ugusd per unit).
        Offered = "offered" { package: PackageId, tranche: u32, offer: u64, owner: Address, side: String, units: u128, price_wad: u128 },
        /// A fill in the secondary market: units from the seller to the buyer (cleared by the rules) for `cash` ugusd.
        Traded = "traded" { package: PackageId, tranche: u32, seller: Address, buyer: Address, units: u128, price_wad: u128, cash: u128 },
        /// An offer left the book (filled, cancelled, a buyer who may no longer hold, a forced transfer).
        OfferClosed = "offer_closed" { offer: u64, why: String },
        /// Payouts claimed by a holder.
        PayoutClaimed = "payout_claimed" { package: PackageId, tranche: u32, holder: Address, amount: u128 },
    }
}
