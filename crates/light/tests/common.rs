//! A synthetic chain for light-client tests and benches: validators with keys,
//! headers chained by hash, certificates signed by chosen members.
#![allow(dead_code)]

use greenhour_crypto::SecretKey;
use greenhour_light::{CommitCertificate, Header, SetMember, ValidatorSet};
use greenhour_primitives::{ChainId, Hash};

pub fn chain() -> ChainId {
    ChainId::new("greenhour-light-test").unwrap()
}

pub fn keys(prefix: &str, n: usize) -> Vec<SecretKey> {
    (0..n).map(|i| SecretKey::from_name(&format!("{prefix}-{i}"))).collect()
}

pub fn set(keys: &[SecretKey], powers: &[u64]) -> ValidatorSet {
    let mut members: Vec<SetMember> = keys
        .iter()
        .zip(powers)
        .map(|(k, p)| SetMember { operator: k.address(), consensus_key: k.public_key(), power: *p })
        .collect();
    members.sort_by(|x, y| y.power.cmp(&x.power).then(x.operator.cmp(&y.operator)));
    ValidatorSet { epoch: 0, members }
}

pub fn genesis(next: &ValidatorSet) -> Header {
    Header {
        chain_id: chain(),
        height: 0,
        time: 1_767_225_600,
        prev_hash: Hash::ZERO,
        tx_root: Hash::digest(b""),
        app_hash: Hash::digest(b"genesis state"),
        validators_hash: next.hash(),
        next_validators_hash: next.hash(),
        last_commit_hash: Hash::ZERO,
    }
}

/// The header after `parent`, signed by `signers` and announcing `next`.
pub fn next(parent: &Header, signing: &ValidatorSet, next: &ValidatorSet, app: &[u8]) -> Header {
    Header {
        chain_id: chain(),
        height: parent.height + 1,
        time: parent.time + 1,
        prev_hash: parent.hash(),
        tx_root: Hash::digest(b""),
        app_hash: Hash::digest(app),
        validators_hash: signing.hash(),
        next_validators_hash: next.hash(),
        last_commit_hash: Hash::ZERO,
    }
}

pub fn certify(header: &Header, signers: &[&SecretKey]) -> CommitCertificate {
    CommitCertificate::sign(&chain(), header.height, 0, header.hash(), signers)
}
