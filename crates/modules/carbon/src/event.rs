//! Events: every change of a bundle, claim, batch or pool is one.

use crate::state::{Bundle, Claim, CreditBatch, CreditPool, Retirement};
use greenhour_devices::DeviceId;
use greenhour_primitives::{Address, Denom, Hash};
use greenhour_state::Event;

greenhour_framework::module_events! {
    /// Everything the carbon module announces. Bundles are named by their first id.
    pub enum CarbonEvent in "carbon" {
        /// One report's bundles (same owner, device and report), each as
        /// `first-last:source:status`, comma-separated.
        Issued = "issued" { bundles: String, owner: Address, device: DeviceId, report: Hash },
        /// A bundle was split; the child starts at `child`.
        Split = "split" { bundle: u64, child: u64, wh: u64 },
        /// A bundle changed owner.
        Transferred = "transferred" { bundle: u64, from: Address, to: Address, wh: u64 },
        /// A bundle was unlocked (back to active).
        Active = "active" { bundle: u64, wh: u64, why: String },
        /// A bundle was locked by its owner.
        Locked = "locked" { bundle: u64, wh: u64, why: String },
        /// A bundle was cancelled by its owner.
        Cancelled = "cancelled" { bundle: u64, wh: u64, why: String },
        /// An issuer revoked a bundle.
        Revoked = "revoked" { bundle: u64, wh: u64, why: String },
        /// A claim was made; its receipt NFT has serial `receipt`.
        Claimed = "claimed" { receipt: u64, claimant: Address, beneficiary: String, wh: u64, bundles: usize },
        /// A bundle expired unused.
        Expired = "expired" { bundle: u64 },
        /// A credit batch was registered by its serial.
        CreditRegistered = "credit_registered" { batch: u64, registry: String, serial: String, tonnes: u64 },
        /// An issuer approved a credit batch (its tonnes were minted as grams).
        CreditApproved = "credit_approved" { batch: u64, registry: String, serial: String, tonnes: u64 },
        /// An issuer rejected a credit batch.
        CreditRejected = "credit_rejected" { batch: u64, registry: String, serial: String, tonnes: u64 },
        /// A credit pool was created.
        PoolCreated = "pool_created" { pool: u64, denom: Denom },
        /// Credits went into a pool for its coin.
        Deposited = "deposited" { pool: u64, batch: u64, grams: u128, who: Address },
        /// Pool coin was redeemed for a batch's credits.
        Redeemed = "redeemed" { pool: u64, batch: u64, grams: u128, who: Address },
        /// Credits were retired for a beneficiary; receipt NFT serial `receipt`.
        Retired = "retired" { receipt: u64, retiree: Address, beneficiary: String, grams: u128 },
    }
}

/// The bundles issued for one report.
pub fn issued(bundles: &[Bundle], owner: &Address, device: DeviceId, report: &Hash) -> Event {
    let ranges: Vec<String> = bundles
        .iter()
        .map(|b| format!("{}-{}:{}:{}", b.first, b.last, format!("{:?}", b.source).to_lowercase(), b.status.name()))
        .collect();
    CarbonEvent::Issued { bundles: ranges.join(","), owner: *owner, device, report: *report }.into()
}
pub fn split(parent: &Bundle, child: &Bundle) -> Event {
    CarbonEvent::Split { bundle: parent.first, child: child.first, wh: parent.wh() }.into()
}
pub fn transferred(b: &Bundle, from: &Address) -> Event {
    CarbonEvent::Transferred { bundle: b.first, from: *from, to: b.owner, wh: b.wh() }.into()
}
/// Its owner locked (`lock`) or unlocked a bundle; `why` is the action.
pub fn lock_changed(b: &Bundle, lock: bool, why: &str) -> Event {
    let (bundle, wh, why) = (b.first, b.wh(), why.to_string());
    if lock {
        CarbonEvent::Locked { bundle, wh, why }.into()
    } else {
        CarbonEvent::Active { bundle, wh, why }.into()
    }
}
pub fn cancelled(b: &Bundle, why: &str) -> Event {
    CarbonEvent::Cancelled { bundle: b.first, wh: b.wh(), why: why.into() }.into()
}
pub fn revoked(b: &Bundle, why: &str) -> Event {
    CarbonEvent::Revoked { bundle: b.first, wh: b.wh(), why: why.into() }.into()
}
pub fn claimed(c: &Claim) -> Event {
    CarbonEvent::Claimed {
        receipt: c.receipt,
        claimant: c.claimant,
        beneficiary: c.beneficiary.clone(),
        wh: c.wh,
        bundles: c.ranges.len(),
    }
    .into()
}
pub fn expired(first: u64) -> Event {
    CarbonEvent::Expired { bundle: first }.into()
}
/// What happened to a credit batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreditStep {
    Registered,
    Approved,
    Rejected,
}
pub fn credit(b: &CreditBatch, step: CreditStep) -> Event {
    let (batch, registry, serial, tonnes) = (b.id, b.registry.clone(), b.serial.clone(), b.tonnes);
    match step {
        CreditStep::Registered => CarbonEvent::CreditRegistered { batch, registry, serial, tonnes },
        CreditStep::Approved => CarbonEvent::CreditApproved { batch, registry, serial, tonnes },
        CreditStep::Rejected => CarbonEvent::CreditRejected { batch, registry, serial, tonnes },
    }
    .into()
}
pub fn pool_created(p: &CreditPool) -> Event {
    CarbonEvent::PoolCreated { pool: p.id, denom: p.denom.clone() }.into()
}
/// Credits into a pool (`deposited`: true) or redeemed out of it.
pub fn pooled(pool: u64, batch: u64, grams: u128, who: &Address, deposited: bool) -> Event {
    let who = *who;
    if deposited {
        CarbonEvent::Deposited { pool, batch, grams, who }.into()
    } else {
        CarbonEvent::Redeemed { pool, batch, grams, who }.into()
    }
}
pub fn retired(r: &Retirement) -> Event {
    let grams: u128 = r.credits.iter().map(|c| c.1).sum();
    CarbonEvent::Retired { receipt: r.receipt, retiree: r.retiree, beneficiary: r.beneficiary.clone(), grams }.into()
}
