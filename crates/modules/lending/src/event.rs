//! Events: every change to a market's totals, a position or a pledge is one.

use crate::state::MarketId;
use greenhour_primitives::{Address, Denom};

greenhour_framework::module_events! {
    /// Everything the lending module announces.
    pub enum LendingEvent in "lending" {
        /// A market was created.
        MarketCreated = "market_created" { market: MarketId, creator: Address, loan: Denom, collateral: String, lltv_wad: u128 },
        /// Interest accrued (announced when non-zero).
        Accrued = "accrued" { market: MarketId, interest: u128, borrow_rate_wad: u128 },
        /// Loan assets supplied for shares.
        Supplied = "supplied" { market: MarketId, supplier: Address, assets: u128, shares: u128 },
        /// Supplied assets withdrawn by burning shares.
        Withdrawn = "withdrawn" { market: MarketId, supplier: Address, assets: u128, shares: u128 },
        /// Loan assets borrowed against collateral.
        Borrowed = "borrowed" { market: MarketId, borrower: Address, assets: u128, shares: u128 },
        /// Debt repaid (by `payer`: the borrower, or a pledged NFT's income).
        Repaid = "repaid" { market: MarketId, borrower: Address, payer: Address, assets: u128, shares: u128 },
        /// Token collateral added or removed (`delta` signed).
        CollateralChanged = "collateral_changed" { market: MarketId, borrower: Address, delta: i128 },
        /// A position NFT pledged as collateral.
        Pledged = "pledged" { market: MarketId, borrower: Address, serial: u64 },
        /// A position NFT released back to its borrower.
        Released = "released" { market: MarketId, borrower: Address, serial: u64 },
        /// What a pledged NFT earned, applied: to the loan first, the rest to the borrower.
        IncomeApplied = "income_applied" { market: MarketId, borrower: Address, serial: u64, repaid: u128, forwarded: u128 },
        /// An unhealthy position liquidated: debt repaid by the liquidator for collateral
        /// (`seized` token units, or the NFT `serial`, 0 for none).
        Liquidated = "liquidated" { market: MarketId, borrower: Address, liquidator: Address, repaid: u128, shares: u128, seized: u128, serial: u64 },
        /// Debt left with no collateral, written off against suppliers.
        BadDebt = "bad_debt" { market: MarketId, borrower: Address, assets: u128, shares: u128 },
        /// Slot tokens of an hour added to (or taken from) a position's collateral.
        SlotCollateralChanged = "slot_collateral_changed" { market: MarketId, borrower: Address, hour: u64, delta: i128 },
        /// Slot collateral whose hour started: worth nothing to the loan any more
        /// (its market has closed), so returned to its owner.
        SlotsReturned = "slots_returned" { market: MarketId, borrower: Address, hour: u64, quantity: u128 },
        /// An unhealthy position's slots of an hour taken by a liquidator for `repaid`.
        SlotsLiquidated = "slots_liquidated" { market: MarketId, borrower: Address, liquidator: Address, hour: u64, quantity: u128, repaid: u128, shares: u128 },
    }
}
