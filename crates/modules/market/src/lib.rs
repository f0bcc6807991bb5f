//! `market`: the time-aware AMM for hour-slot tokens (`docs/spec/market.md`).
//!
//! So far this crate holds the curve's integer math only ([`math`]); the module
//! (pools per hour, liquidity, swaps, routing, TWAP) is issue 4's next step.
//!
//! Invariants of the math (property-tested in [`math`]):
//! - At a fixed time the curve is Uniswap v2's constant product with its fee and
//!   rounding, reproducing its published test vectors exactly.
//! - Across a swap `x·v` never decreases; outputs round down, inputs round up.
//! - Decay never raises a price, never pushes it below the floor, and rounds
//!   towards less decay.

pub mod math;
