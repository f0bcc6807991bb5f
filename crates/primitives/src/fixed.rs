//! Integer fixed-point helpers shared by the modules that price things: products
//! are taken in 256 bits (`ethnum::U256`) and every function names its rounding.

use ethnum::U256;

/// Fixed-point one: 10¹⁸ (prices in quote units per unit, scaled).
pub const WAD: u128 = 1_000_000_000_000_000_000;
/// 10,000 basis points = 100 %.
pub const BPS: u128 = 10_000;

fn narrow(v: U256) -> Option<u128> {
    u128::try_from(v).ok()
}

/// `⌊a·b / d⌋`, or `None` when `d = 0` or the result exceeds `u128`.
pub fn mul_div_down(a: u128, b: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    narrow(U256::from(a) * U256::from(b) / U256::from(d))
}

/// `⌈a·b / d⌉`, or `None` when `d = 0` or the result exceeds `u128`.
pub fn mul_div_up(a: u128, b: u128, d: u128) -> Option<u128> {
    if d == 0 {
        return None;
    }
    let (n, d) = (U256::from(a) * U256::from(b), U256::from(d));
    // n < 2²⁵⁶ − 2¹²⁸ and d < 2¹²⁸, so n + d − 1 cannot overflow.
    narrow((n + d - 1) / d)
}

/// Vault shares with virtual offsets (Morpho Blue's and OpenZeppelin's ERC-4626
/// defence against the inflation attack): a share book counts `VIRTUAL_SHARES`
/// shares and `VIRTUAL_ASSETS` of assets it does not hold, so an empty book prices a
/// share at 10⁻⁶ of an asset and a donation cannot inflate the first depositor's
/// shares away. Lending markets, funds and the cover pool keep their books this way.
pub const VIRTUAL_SHARES: u128 = 1_000_000;
pub const VIRTUAL_ASSETS: u128 = 1;

/// Shares `assets` buy from a book of `total_assets` for `total_shares`, rounded down.
pub fn to_shares_down(assets: u128, total_assets: u128, total_shares: u128) -> Option<u128> {
    mul_div_down(assets, total_shares.checked_add(VIRTUAL_SHARES)?, total_assets.checked_add(VIRTUAL_ASSETS)?)
}
/// Shares `assets` buy, rounded up (what a withdrawal of `assets` burns).
pub fn to_shares_up(assets: u128, total_assets: u128, total_shares: u128) -> Option<u128> {
    mul_div_up(assets, total_shares.checked_add(VIRTUAL_SHARES)?, total_assets.checked_add(VIRTUAL_ASSETS)?)
}
/// Assets `shares` are worth, rounded down.
pub fn to_assets_down(shares: u128, total_assets: u128, total_shares: u128) -> Option<u128> {
    mul_div_down(shares, total_assets.checked_add(VIRTUAL_ASSETS)?, total_shares.checked_add(VIRTUAL_SHARES)?)
}
/// Assets `shares` are worth, rounded up (what a debt of `shares` owes).
pub fn to_assets_up(shares: u128, total_assets: u128, total_shares: u128) -> Option<u128> {
    mul_div_up(shares, total_assets.checked_add(VIRTUAL_ASSETS)?, total_shares.checked_add(VIRTUAL_SHARES)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_as_named() {
        assert_eq!(mul_div_down(7, 3, 2), Some(10));
        assert_eq!(mul_div_up(7, 3, 2), Some(11));
        assert_eq!(mul_div_up(4, 3, 2), Some(6));
        assert_eq!(mul_div_down(u128::MAX, u128::MAX, u128::MAX), Some(u128::MAX));
        assert_eq!(mul_div_down(u128::MAX, 2, 1), None);
        assert_eq!(mul_div_down(1, 1, 0), None);
    }
}
