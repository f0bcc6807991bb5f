//! The light client accepts a chain signed by its announced sets and refuses
//! everything else: too little power, forged set changes, foreign signers,
//! broken links, proofs against the wrong root.

mod common;

use common::*;
use greenhour_light::{verify_proof, LightClient, LightError};
use greenhour_primitives::Hash;

#[test]
fn app_can_follow_a_chain_through_a_set_change() {
    let old_keys = keys("old", 4);
    let old = set(&old_keys, &[10, 10, 10, 10]);
    let new_keys = keys("new", 4);
    let new = set(&new_keys, &[40, 30, 20, 10]);
    let g = genesis(&old);
    let mut client = LightClient::new(chain(), &g, old.clone()).unwrap();
    // Three of four equal validators: 30 of 40 > 2/3.
    let h1 = next(&g, &old, &old, b"1");
    client.verify_next(&h1, &certify(&h1, &[&old_keys[0], &old_keys[1], &old_keys[2]]), None).unwrap();
    // The epoch's last block announces the new set; the caller supplies it.
    let h2 = next(&h1, &old, &new, b"2");
    client.verify_next(&h2, &certify(&h2, &[&old_keys[0], &old_keys[1], &old_keys[3]]), Some(&new)).unwrap();
    // From here the new set signs: 40 + 30 = 70 of 100 > 2/3.
    let h3 = next(&h2, &new, &new, b"3");
    client.verify_next(&h3, &certify(&h3, &[&new_keys[0], &new_keys[1]]), None).unwrap();
    assert_eq!(client.trusted().height, 3);
    assert_eq!(client.trusted().app_hash, Hash::digest(b"3"));
    // The old set's signatures no longer count.
    let h4 = next(&h3, &new, &new, b"4");
    let err = client.verify_next(&h4, &certify(&h4, &[&old_keys[0], &old_keys[1], &old_keys[2]]), None);
    assert!(matches!(err, Err(LightError::BadSignature(_))), "{err:?}");
}

#[test]
fn rejects_a_header_signed_by_two_thirds_or_less() {
    let k = keys("v", 4);
    let s = set(&k, &[10, 10, 10, 10]);
    let g = genesis(&s);
    let mut client = LightClient::new(chain(), &g, s.clone()).unwrap();
    let h1 = next(&g, &s, &s, b"1");
    let err = client.verify_next(&h1, &certify(&h1, &[&k[0], &k[1]]), None);
    assert_eq!(err, Err(LightError::NoQuorum { signed: 20, total: 40 }));
    // Exactly two thirds is not enough either.
    let three = set(&k[..3], &[10, 10, 10]);
    let g3 = genesis(&three);
    let mut c3 = LightClient::new(chain(), &g3, three.clone()).unwrap();
    let h = next(&g3, &three, &three, b"1");
    assert_eq!(
        c3.verify_next(&h, &certify(&h, &[&k[0], &k[1]]), None),
        Err(LightError::NoQuorum { signed: 20, total: 30 })
    );
    // Weighted: one validator with 70 of 100 alone is enough; the other three are not.
    let w = set(&k, &[70, 10, 10, 10]);
    let gw = genesis(&w);
    let mut cw = LightClient::new(chain(), &gw, w.clone()).unwrap();
    let hw = next(&gw, &w, &w, b"1");
    assert!(cw.clone().verify_next(&hw, &certify(&hw, &[&k[1], &k[2], &k[3]]), None).is_err());
    cw.verify_next(&hw, &certify(&hw, &[&k[0]]), None).unwrap();
    // A signer listed twice counts once (and is refused).
    let mut doubled = certify(&h1, &[&k[0], &k[1], &k[2]]);
    doubled.signatures.push(doubled.signatures[0].clone());
    assert!(matches!(client.verify_next(&h1, &doubled, None), Err(LightError::BadSignature(_))));
    // A signature for another block does not count for this one.
    let mut wrong = certify(&h1, &[&k[0], &k[1], &k[2]]);
    wrong.signatures[2] = certify(&next(&g, &s, &s, b"other"), &[&k[2]]).signatures[0].clone();
    assert!(matches!(client.verify_next(&h1, &wrong, None), Err(LightError::BadSignature(_))));
    assert_eq!(client.trusted().height, 0, "nothing was accepted");
}

#[test]
fn rejects_a_forged_validator_set_change() {
    let k = keys("v", 4);
    let s = set(&k, &[10, 10, 10, 10]);
    let evil_keys = keys("evil", 4);
    let evil = set(&evil_keys, &[10, 10, 10, 10]);
    let g = genesis(&s);
    let mut client = LightClient::new(chain(), &g, s.clone()).unwrap();
    // A header claiming to be signed by another set.
    let forged = next(&g, &evil, &evil, b"1");
    let err = client.verify_next(&forged, &certify(&forged, &[&evil_keys[0], &evil_keys[1], &evil_keys[2]]), None);
    assert!(matches!(err, Err(LightError::WrongSigners { .. })), "{err:?}");
    // A real header announcing a change, with the wrong set supplied, or none.
    let h1 = next(&g, &s, &evil, b"1");
    let cert = certify(&h1, &[&k[0], &k[1], &k[2]]);
    let other = set(&keys("other", 4), &[1, 1, 1, 1]);
    assert!(matches!(client.verify_next(&h1, &cert, Some(&other)), Err(LightError::ForgedSetChange { .. })));
    assert!(matches!(client.verify_next(&h1, &cert, None), Err(LightError::ForgedSetChange { .. })));
    // A trusted start must announce the set it is given.
    assert!(LightClient::new(chain(), &g, evil).is_err());
}

#[test]
fn rejects_headers_that_do_not_extend_the_trusted_one() {
    let k = keys("v", 4);
    let s = set(&k, &[10, 10, 10, 10]);
    let g = genesis(&s);
    let mut client = LightClient::new(chain(), &g, s.clone()).unwrap();
    let h1 = next(&g, &s, &s, b"1");
    let h2 = next(&h1, &s, &s, b"2");
    let all: Vec<_> = k.iter().collect();
    assert!(matches!(client.verify_next(&h2, &certify(&h2, &all), None), Err(LightError::NotNext { .. })));
    let mut fork = h1.clone();
    fork.prev_hash = Hash::digest(b"elsewhere");
    assert!(matches!(client.verify_next(&fork, &certify(&fork, &all), None), Err(LightError::NotNext { .. })));
    // A certificate for another header.
    assert!(matches!(client.verify_next(&h1, &certify(&h2, &all), None), Err(LightError::CertificateMismatch { .. })));
}

#[test]
fn rejects_a_proof_against_the_wrong_root() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        greenhour_state::Store::open(&dir.path().join("s.redb"), &greenhour_state::StoreConfig::default()).unwrap();
    let mut changes = greenhour_state::Changes::new();
    changes.insert(b"devices/device/1".to_vec(), Some(b"alice's box".to_vec()));
    changes.insert(b"devices/device/2".to_vec(), Some(b"bob's box".to_vec()));
    let prepared = store.prepare(0, &changes).unwrap();
    let root = prepared.root;
    store.write(prepared, &changes, &[]).unwrap();
    let present = store.prove(b"devices/device/1", 0).unwrap();
    verify_proof(&root, &present.key, present.value.as_deref(), &present.proof).unwrap();
    // The same proof against another root, or claiming another value, fails.
    assert!(verify_proof(&Hash::digest(b"wrong"), &present.key, present.value.as_deref(), &present.proof).is_err());
    assert!(verify_proof(&root, &present.key, Some(b"mallory's box"), &present.proof).is_err());
    // Absence is provable too, and presence cannot be faked from it.
    let absent = store.prove(b"devices/device/3", 0).unwrap();
    assert!(absent.value.is_none());
    verify_proof(&root, &absent.key, None, &absent.proof).unwrap();
    assert!(verify_proof(&root, &absent.key, Some(b"x"), &absent.proof).is_err());
}
