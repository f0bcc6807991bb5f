//! Share math of a fund, after ERC-4626 with OpenZeppelin's virtual offset: a
//! fund counts `VIRTUAL_SHARES` shares and one unit of assets it does not hold,
//! so an empty fund has a price and a donation cannot inflate the first
//! depositor's shares away (the attacker would lose a million times what it
//! takes). No floats; each function names its rounding, which goes against the
//! caller, so the fund never gives out more than its assets back.

pub use greenhour_primitives::fixed::{
    mul_div_down, mul_div_up, to_assets_down, to_shares_down, BPS, VIRTUAL_SHARES, WAD,
};
/// Seconds in the 365-day year fees are quoted over.
pub const SECONDS_PER_YEAR: u128 = 31_536_000;

/// Assets per share, WAD, rounded down.
pub fn price_per_share_wad(total: u128, supply: u128) -> Option<u128> {
    mul_div_down(total.checked_add(1)?, WAD, supply.checked_add(VIRTUAL_SHARES)?)
}

/// The management fee on `total` assets at `bps` a year over `seconds`, rounded down.
pub fn management_fee(total: u128, bps: u32, seconds: u64) -> Option<u128> {
    mul_div_down(total.checked_mul(u128::from(bps))?, u128::from(seconds), BPS * SECONDS_PER_YEAR)
}

/// The performance fee: `bps` of the gain of the price per share above the
/// high-water mark, over every share, rounded down (0 below the mark).
pub fn performance_fee(total: u128, supply: u128, high_water_wad: u128, bps: u32) -> Option<u128> {
    let price = price_per_share_wad(total, supply)?;
    if price <= high_water_wad {
        return Some(0);
    }
    let gain = mul_div_down(price - high_water_wad, supply.checked_add(VIRTUAL_SHARES)?, WAD)?;
    mul_div_down(gain, u128::from(bps), BPS)
}

/// Shares to mint so that they are worth `fee` of the fund's `total` afterwards
/// (the holders are diluted by exactly the fee, as Yearn and Morpho vaults take
/// it), rounded down; 0 when the fee is the whole fund.
pub fn fee_shares(fee: u128, total: u128, supply: u128) -> Option<u128> {
    let rest = total.checked_add(1)?.checked_sub(fee)?;
    if rest == 0 {
        return Some(0);
    }
    mul_div_down(fee, supply.checked_add(VIRTUAL_SHARES)?, rest)
}

/// The slice of one asset balance that `shares` redeem in kind: `balance ×
/// shares / (supply + V)`, rounded down. The virtual shares keep their slice, as
/// they keep their part of the assets in [`to_assets_down`], so an in-kind exit
/// never takes more than a cash exit at the same NAV would.
pub fn in_kind_slice(balance: u128, shares: u128, supply: u128) -> Option<u128> {
    mul_div_down(balance, shares, supply.checked_add(VIRTUAL_SHARES)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every holder redeeming in kind, one after another, takes out at most
        /// what is left, and the virtual shares' slice stays behind.
        #[test]
        fn in_kind_slices_never_exceed_the_balance(
            balance in 0u128..1u128 << 100,
            parts in proptest::collection::vec(1u128..1u128 << 60, 1..8),
        ) {
            let mut supply: u128 = parts.iter().sum();
            let mut left = balance;
            for shares in parts {
                let slice = in_kind_slice(left, shares, supply).unwrap();
                prop_assert!(slice <= left);
                left -= slice;
                supply -= shares;
            }
            prop_assert!(left > 0 || balance == 0, "the virtual shares keep {left} of {balance}");
        }

        /// Depositing then redeeming at one NAV never returns more than was paid.
        #[test]
        fn a_round_trip_never_gains(assets in 0u128..1u128 << 90, total in 0u128..1u128 << 90, supply in 0u128..1u128 << 100) {
            let shares = to_shares_down(assets, total, supply).unwrap();
            let back = to_assets_down(shares, total + assets, supply + shares).unwrap();
            prop_assert!(back <= assets, "{assets} in, {back} out");
        }

        /// Shares × price per share never exceeds the fund's assets (rounding
        /// against the holders), and falls short by less than one share's worth
        /// per holder plus the virtual unit.
        #[test]
        fn shares_times_price_is_the_funds_assets(total in 0u128..1u128 << 90, supply in 1u128..1u128 << 100) {
            let all = to_assets_down(supply, total, supply).unwrap();
            prop_assert!(all <= total + 1);
            let price = price_per_share_wad(total, supply).unwrap();
            let priced = mul_div_down(supply, price, WAD).unwrap();
            prop_assert!(priced <= total + 1);
        }

        /// A donation to an empty fund before the first deposit costs the donor more
        /// than the depositor loses (the virtual offset's point).
        #[test]
        fn an_inflation_attack_loses_money(donation in 1u128..1u128 << 80, deposit in 1_000_000u128..1u128 << 70) {
            // The attacker deposits 1 ugusd, then donates.
            let attacker_shares = to_shares_down(1, 0, 0).unwrap();
            let total = 1 + donation;
            let victim_shares = to_shares_down(deposit, total, attacker_shares).unwrap();
            let supply = attacker_shares + victim_shares;
            let all = total + deposit;
            let victim_back = to_assets_down(victim_shares, all, supply).unwrap();
            let attacker_back = to_assets_down(attacker_shares, all, supply).unwrap();
            let victim_loss = deposit - victim_back;
            prop_assert!(attacker_back < 1 + donation || victim_loss == 0);
            prop_assert!(attacker_back.saturating_sub(1 + donation) <= victim_loss);
        }

        /// Fee shares are worth at most the fee once minted.
        #[test]
        fn fee_shares_are_worth_the_fee(total in 1u128..1u128 << 90, supply in 1u128..1u128 << 100, part in 0u128..10_000) {
            let fee = total * part / 20_000;
            let shares = fee_shares(fee, total, supply).unwrap();
            let worth = to_assets_down(shares, total, supply + shares).unwrap();
            prop_assert!(worth <= fee, "fee {fee}, shares worth {worth}");
        }

        /// No performance fee below the high-water mark; never more than the gain.
        #[test]
        fn performance_fee_only_above_the_mark(total in 0u128..1u128 << 90, supply in 0u128..1u128 << 100, mark in 0u128..1u128 << 70, bps in 0u32..=10_000) {
            let fee = performance_fee(total, supply, mark, bps).unwrap();
            let price = price_per_share_wad(total, supply).unwrap();
            if price <= mark {
                prop_assert_eq!(fee, 0);
            }
            prop_assert!(fee <= total + 1);
        }
    }
}
