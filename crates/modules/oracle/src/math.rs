//! The median of a round's reports.

/// The median as Chainlink OCR takes it: sort and pick `values[n / 2]` (for an
/// even count, the upper of the two middle values). `None` for no values.
pub fn median(values: &[i128]) -> Option<i128> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    Some(sorted[sorted.len() / 2])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn examples() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5]), Some(5));
        assert_eq!(median(&[9, 1, 5]), Some(5));
        assert_eq!(median(&[4, 1, 3, 2]), Some(3));
        assert_eq!(median(&[-76, 98, 41]), Some(41), "negative prices are real (SMARD 2018)");
    }

    proptest! {
        /// The median lies within the reports, and no minority of liars can move it
        /// outside the range of the honest reports.
        #[test]
        fn median_is_bounded_by_honest_majority(
            honest in prop::collection::vec(-1_000i128..1_000, 3..9),
            liars in prop::collection::vec(any::<i64>(), 0..3),
        ) {
            prop_assume!(liars.len() < honest.len());
            let mut all: Vec<i128> = honest.clone();
            all.extend(liars.iter().map(|l| *l as i128));
            let m = median(&all).unwrap();
            prop_assert!(all.contains(&m));
            let (lo, hi) = (*honest.iter().min().unwrap(), *honest.iter().max().unwrap());
            prop_assert!(m >= lo && m <= hi);
        }
    }
}
