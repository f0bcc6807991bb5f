//! Events: margin moves, listings, orders and fills, marks, settlements, liquidations.

use greenhour_primitives::Address;

greenhour_framework::module_events! {
    /// Everything the derivatives module announces.
    pub enum DerivativesEvent in "derivatives" {
        /// gUSD into a margin account.
        Deposited = "deposited" { owner: Address, amount: u128 },
        /// gUSD out of a margin account.
        Withdrawn = "withdrawn" { owner: Address, amount: u128 },
        /// A series listed, named as `Instrument::name`, with its first mark (0 for none).
        Listed = "listed" { series: u64, name: String, by: Address, mark: u128 },
        /// An order's remainder rests in the book.
        Placed = "placed" { order: u64, owner: Address, series: u64, buy: bool, price: u128, size: u128 },
        /// A fill at the resting order's price; `buy` is the taker's side.
        Filled = "filled" { series: u64, order: u64, maker: Address, taker: Address, buy: bool, size: u128, price: u128, fee: u128 },
        /// A resting order left the book: `cancelled`, `filled`, `margin` (its owner can no
        /// longer carry it), `self_trade` or `settled`.
        Closed = "closed" { order: u64, owner: Address, reason: String },
        /// The hourly mark of a series, and a perpetual's funding per contract for the hour past.
        Marked = "marked" { series: u64, mark: u128, stale: bool, funding: i128 },
        /// A series' final price (`fallback`: no index fills in its hours, so the last mark).
        Settled = "settled" { series: u64, price: u128, fallback: bool, open_interest: u128 },
        /// An account below maintenance handed its positions to a liquidator at the mark.
        Liquidated = "liquidated" { owner: Address, liquidator: Address, positions: u32, notional: u128, penalty: u128, equity_left: i128, bad_debt: u128 },
    }
}
