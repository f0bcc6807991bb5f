//! Checked balance arithmetic. Nothing here wraps or rounds.

use greenhour_primitives::Amount;

/// `balance - amount`, or `None` when the balance is short.
pub fn debit(balance: Amount, amount: Amount) -> Option<Amount> {
    balance.checked_sub(amount)
}

/// `balance + amount`, or `None` on overflow.
pub fn credit(balance: Amount, amount: Amount) -> Option<Amount> {
    balance.checked_add(amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn debit_then_credit_round_trips(b in any::<u128>(), a in any::<u128>()) {
            if let Some(after) = debit(b, a) {
                prop_assert_eq!(credit(after, a), Some(b));
            } else {
                prop_assert!(a > b);
            }
        }

        #[test]
        fn transfer_conserves_sum(x in 0u128..u64::MAX as u128, y in 0u128..u64::MAX as u128, a in 0u128..u64::MAX as u128) {
            if let (Some(x2), Some(y2)) = (debit(x, a), credit(y, a)) {
                prop_assert_eq!(x2 + y2, x + y);
            }
        }
    }
}
