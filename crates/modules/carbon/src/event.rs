//! Events: every change of a bundle, claim, batch or pool is one.

use crate::state::{Bundle, Claim, CreditBatch, CreditPool, Retirement};
use greenhour_primitives::Address;
use greenhour_state::Event;

/// One report's bundles (same owner, device and report), each as
/// `first-last:source:status`.
pub fn issued(bundles: &[Bundle]) -> Event {
    let ranges: Vec<String> = bundles
        .iter()
        .map(|b| format!("{}-{}:{}:{}", b.first, b.last, format!("{:?}", b.source).to_lowercase(), b.status.name()))
        .collect();
    let mut e = Event::new("carbon.issued").attr("bundles", ranges.join(","));
    if let Some(b) = bundles.first() {
        e = e.attr("owner", b.owner).attr("device", b.device).attr("report", b.report);
    }
    e
}
pub fn split(parent: &Bundle, child: &Bundle) -> Event {
    Event::new("carbon.split").attr("bundle", parent.first).attr("child", child.first).attr("wh", parent.wh())
}
pub fn transferred(b: &Bundle, from: &Address) -> Event {
    Event::new("carbon.transferred").attr("bundle", b.first).attr("from", from).attr("to", b.owner).attr("wh", b.wh())
}
pub fn status(b: &Bundle, why: &str) -> Event {
    Event::new(format!("carbon.{}", b.status.name())).attr("bundle", b.first).attr("wh", b.wh()).attr("why", why)
}
pub fn claimed(c: &Claim) -> Event {
    Event::new("carbon.claimed")
        .attr("receipt", c.receipt)
        .attr("claimant", c.claimant)
        .attr("beneficiary", &c.beneficiary)
        .attr("wh", c.wh)
        .attr("bundles", c.ranges.len())
}
pub fn expired(first: u64) -> Event {
    Event::new("carbon.expired").attr("bundle", first)
}
pub fn credit(b: &CreditBatch, what: &str) -> Event {
    Event::new(format!("carbon.credit_{what}"))
        .attr("batch", b.id)
        .attr("registry", &b.registry)
        .attr("serial", &b.serial)
        .attr("tonnes", b.tonnes)
}
pub fn pool_created(p: &CreditPool) -> Event {
    Event::new("carbon.pool_created").attr("pool", p.id).attr("denom", &p.denom)
}
pub fn pooled(pool: u64, batch: u64, grams: u128, who: &Address, what: &str) -> Event {
    Event::new(format!("carbon.{what}")).attr("pool", pool).attr("batch", batch).attr("grams", grams).attr("who", who)
}
pub fn retired(r: &Retirement) -> Event {
    let grams: u128 = r.credits.iter().map(|c| c.1).sum();
    Event::new("carbon.retired")
        .attr("receipt", r.receipt)
        .attr("retiree", r.retiree)
        .attr("beneficiary", &r.beneficiary)
        .attr("grams", grams)
}
