//! The funds module's invariants, over the whole state.

use crate::state;

pub fn check(state: &impl greenhour_framework::StateRead) -> Result<(), String> {
    let e = |x: crate::FundsError| x.to_string();
    for f in state::funds(state).map_err(e)? {
        let book = state::book(state, f.id).map_err(e)?;
        let held: u128 = state::shareholders(state, f.id).map_err(e)?.iter().map(|(_, s)| *s).sum();
        let requests = state::requests(state, f.id, usize::MAX).map_err(e)?;
        if requests.len() != book.waiting_requests as usize {
            return Err(format!("fund {}: {} requests, the book says {}", f.id, requests.len(), book.waiting_requests));
        }
        let queued: u128 = requests.iter().map(|(_, r)| r.shares).sum();
        if queued != book.queued_shares || held + queued != book.shares {
            return Err(format!(
                "fund {}: holders {held} + queued {queued} vs shares {} (queued {})",
                f.id, book.shares, book.queued_shares
            ));
        }
        let mut sorted = book.holdings.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted != book.holdings {
            return Err(format!("fund {}: holdings not ascending and distinct", f.id));
        }
    }
    Ok(())
}
