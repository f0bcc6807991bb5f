//! Integer rules for conditions and the lottery. No floats; rounding named.

use greenhour_primitives::Hash;

/// `part / whole` in basis points, rounded down (against the device being judged).
pub fn bps_down(part: u64, whole: u64) -> u32 {
    if whole == 0 {
        0
    } else {
        ((part as u128 * 10_000) / whole as u128).min(10_000) as u32
    }
}

/// A ticket's place in its epoch's draw: lower wins. The beacon was unknown when
/// the ticket was filed, and the rank also binds the pool and device, so a ticket
/// cannot be placed where it will win.
pub fn lottery_rank(beacon: &Hash, pool: u64, device: u64) -> Hash {
    Hash::digest_parts(&[b"greenhour/pools/lottery", &beacon.0, &pool.to_be_bytes(), &device.to_be_bytes()])
}

/// The next link of an epoch's beacon chain.
pub fn chain_beacon(accumulator: &Hash, block_beacon: &Hash) -> Hash {
    Hash::digest_parts(&[&accumulator.0, &block_beacon.0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bps_examples() {
        assert_eq!(bps_down(1, 3), 3_333);
        assert_eq!(bps_down(5, 5), 10_000);
        assert_eq!(bps_down(7, 0), 0);
    }

    proptest! {
        /// Rounding down never flatters: bps × whole ≤ part × 10,000, and the result is capped.
        #[test]
        fn bps_round_down_and_stay_in_range(part in any::<u64>(), whole in 1u64..) {
            let b = bps_down(part, whole);
            prop_assert!(b <= 10_000);
            if part <= whole {
                prop_assert!(b as u128 * whole as u128 <= part as u128 * 10_000);
                prop_assert!((b as u128 + 1) * whole as u128 > part as u128 * 10_000);
            }
        }

        /// Ranks differ per pool and device under one beacon.
        #[test]
        fn ranks_bind_pool_and_device(b in any::<[u8; 32]>(), p in any::<u64>(), d in any::<u64>()) {
            let beacon = Hash(b);
            prop_assert_ne!(lottery_rank(&beacon, p, d), lottery_rank(&beacon, p, d.wrapping_add(1)));
            prop_assert_ne!(lottery_rank(&beacon, p, d), lottery_rank(&beacon, p.wrapping_add(1), d));
        }
    }
}
