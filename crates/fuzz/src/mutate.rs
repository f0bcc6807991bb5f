//! Byte-level mutations, the kind AFL and libFuzzer stack: bit flips,
//! boundary values written over integers of every width (borsh writes them
//! little-endian, lengths as `u32`), inserted, deleted and repeated ranges,
//! truncation and splicing with another corpus entry.

use rand::rngs::StdRng;
use rand::Rng;

/// Little-endian values at the edges integer checks get wrong.
const INTERESTING: [u128; 12] = [
    0,
    1,
    2,
    0x7f,
    0xff,
    0xffff,
    0x7fff_ffff,
    0xffff_ffff,
    0x8000_0000_0000_0000,
    u64::MAX as u128,
    1 << 64,
    u128::MAX,
];

/// Applies one random mutation to `input`; `other` is a second corpus entry to splice from.
pub fn bytes(input: &mut Vec<u8>, other: &[u8], rng: &mut StdRng) {
    if input.is_empty() {
        input.extend((0..rng.gen_range(1..16)).map(|_| rng.gen::<u8>()));
        return;
    }
    let at = rng.gen_range(0..input.len());
    match rng.gen_range(0..10) {
        0 => input[at] ^= 1 << rng.gen_range(0..8),
        1 => input[at] = [0, 1, 0x7f, 0x80, 0xff][rng.gen_range(0..5)],
        2 => input[at] = input[at].wrapping_add(rng.gen_range(1..=16)).wrapping_sub(8),
        3 => {
            // Overwrite an integer of 2, 4, 8 or 16 bytes with a boundary value.
            let width = [2usize, 4, 8, 16][rng.gen_range(0..4)];
            let value = INTERESTING[rng.gen_range(0..INTERESTING.len())].to_le_bytes();
            let end = (at + width).min(input.len());
            input[at..end].copy_from_slice(&value[..end - at]);
        }
        4 => {
            let n = rng.gen_range(1..=16);
            let extra: Vec<u8> = (0..n).map(|_| rng.gen()).collect();
            input.splice(at..at, extra);
        }
        5 => {
            let end = rng.gen_range(at..=input.len().min(at + 32));
            input.drain(at..end);
        }
        6 => {
            let end = rng.gen_range(at..=input.len().min(at + 32));
            let copy = input[at..end].to_vec();
            let to = rng.gen_range(0..=input.len());
            input.splice(to..to, copy);
        }
        7 => input.truncate(at),
        8 if !other.is_empty() => {
            let from = rng.gen_range(0..other.len());
            input.truncate(at);
            input.extend_from_slice(&other[from..]);
        }
        _ => {
            // A length prefix (u32 LE) somewhere made huge or off by one.
            let value: u32 = [0, 1, u32::MAX, 0x0100_0000, rng.gen_range(0..64)][rng.gen_range(0..5)];
            let end = (at + 4).min(input.len());
            input[at..end].copy_from_slice(&value.to_le_bytes()[..end - at]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn mutations_change_the_input_and_stay_in_bounds() {
        let mut rng = StdRng::seed_from_u64(1);
        let seed: Vec<u8> = (0..40).collect();
        let mut changed = 0;
        for _ in 0..5_000 {
            let mut input = seed.clone();
            bytes(&mut input, &[9, 9, 9], &mut rng);
            assert!(input.len() <= seed.len() + 32, "one mutation adds at most 32 bytes");
            changed += usize::from(input != seed);
        }
        assert!(changed > 4_500, "only {changed} of 5,000 mutations changed anything");
    }
}
