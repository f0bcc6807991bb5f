//! RWA packages for tests of modules that hold or value tranches: dave's pledged
//! position (priced by a real index fill) in a package dave issues, with alice as
//! the trusted KYC provider.

use crate::TestNode;
use greenhour_app::{AppAction, Genesis};
use greenhour_devices::DeviceClass;
use greenhour_primitives::{Address, Hash};
use greenhour_rwa::{PackageId, Rules, RwaAction, RwaEvent, TrancheTerms};

pub const HOUR: u64 = 3_600;
pub const SENIOR: u32 = 0;
pub const JUNIOR: u32 = 1;

/// The demo genesis with alice as the trusted claim issuer.
pub fn genesis() -> Genesis {
    let mut g = crate::demo_genesis(crate::TEST_CHAIN);
    g.rwa.params.claim_issuers = vec![TestNode::addr("alice")];
    g
}

pub fn run(
    node: &mut TestNode,
    who: &str,
    a: RwaAction,
) -> Result<greenhour_app::TxRecord, greenhour_framework::ErrorInfo> {
    node.deliver(node.tx(&TestNode::key(who), vec![AppAction::Rwa(a)]))
}

/// alice verifies `subject` from `jurisdiction` (accredited) for a year.
pub fn kyc(node: &mut TestNode, subject: Address, jurisdiction: &str) {
    let expires_at = node.now() + 365 * 86_400;
    let claim = RwaAction::Claim { subject, jurisdiction: jurisdiction.into(), accredited: true, expires_at };
    run(node, "alice", claim).unwrap();
}

/// dave's pledged position (12 hours from the hour after next, two GPUs, priced by
/// a real index fill) in a package dave issues: a senior tranche at a 10 % coupon
/// keeping 20 % subordination and the junior, with hourly epochs. Returns the
/// package and the position.
pub fn package(node: &mut TestNode, rules: Rules) -> (PackageId, u64) {
    let (_, serial) = crate::lending::position_market(node, 12);
    let create = RwaAction::CreatePackage {
        name: "Greensboro rooftops 1".into(),
        legal_name: "Greenhour Compute SPV 1 Pte. Ltd.".into(),
        jurisdiction: "SG".into(),
        documents: vec![Hash([7; 32])],
        class: DeviceClass::Home,
        tranches: vec![
            TrancheTerms { name: "senior".into(), coupon_bps: 1_000, min_subordination_bps: 2_000 },
            TrancheTerms { name: "junior".into(), coupon_bps: 0, min_subordination_bps: 0 },
        ],
        rules,
        epoch_secs: HOUR,
        fee_bps: 100,
        maturity: node.now() + 30 * 86_400,
    };
    let record = run(node, "dave", create).unwrap();
    let id = RwaEvent::all_in(&record.events)
        .into_iter()
        .find_map(|e| match e {
            RwaEvent::PackageCreated { package, .. } => Some(package),
            _ => None,
        })
        .expect("a package");
    run(node, "dave", RwaAction::AddAsset { package: id, serial }).unwrap();
    (id, serial)
}

/// Ends the open epoch (and the hour): the next block closes it and sweeps income.
pub fn next_epoch(node: &mut TestNode) -> Vec<greenhour_framework::Event> {
    node.advance(HOUR);
    node.produce_block(vec![]).block_events
}
