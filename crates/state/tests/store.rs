use greenhour_state::{BlockOverlay, Key, StateRead, StateWrite, Store, StoreConfig};
use std::collections::BTreeMap;

fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(&dir.path().join("state.redb"), &StoreConfig::default()).unwrap()
}

#[test]
fn commit_read_and_prove_inclusion_and_exclusion() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let k1: Key<u64> = Key::new("a/1");
    let k2: Key<u64> = Key::new("a/2");

    let mut block = BlockOverlay::new(store.snapshot().unwrap());
    block.put(&k1, &10);
    let root0 = store.commit(0, &block.into_changes(), &[]).unwrap();

    let mut block = BlockOverlay::new(store.snapshot().unwrap());
    block.put(&k1, &11);
    block.put(&k2, &20);
    let root1 = store.commit(1, &block.into_changes(), &[]).unwrap();
    assert_ne!(root0, root1);
    assert_eq!(store.snapshot().unwrap().get(&k1).unwrap(), Some(11));

    // Version 0: k1 = 10 proven, k2 proven absent.
    let p = store.prove(k1.as_bytes(), 0).unwrap();
    assert_eq!(p.value, Some(greenhour_codec::encode(&10u64)));
    p.verify(&root0).unwrap();
    assert!(p.verify(&root1).is_err(), "a proof must not verify against another root");
    let absent = store.prove(k2.as_bytes(), 0).unwrap();
    assert_eq!(absent.value, None);
    absent.verify(&root0).unwrap();

    // A tampered value fails.
    let mut forged = store.prove(k2.as_bytes(), 1).unwrap();
    forged.verify(&root1).unwrap();
    forged.value = Some(greenhour_codec::encode(&21u64));
    assert!(forged.verify(&root1).is_err());
}

#[test]
fn rejects_out_of_order_versions() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let mut changes = BTreeMap::new();
    changes.insert(b"x".to_vec(), Some(vec![1]));
    assert!(store.commit(1, &changes, &[]).is_err());
    store.commit(0, &changes, &[]).unwrap();
    assert!(store.commit(0, &changes, &[]).is_err());
}

#[test]
fn empty_change_set_keeps_root() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let mut changes = BTreeMap::new();
    changes.insert(b"x".to_vec(), Some(vec![1]));
    let r0 = store.commit(0, &changes, &[]).unwrap();
    let r1 = store.commit(1, &BTreeMap::new(), &[]).unwrap();
    assert_eq!(r0, r1);
    store.prove(b"x", 1).unwrap().verify(&r1).unwrap();
}

#[test]
fn deletes_remove_from_latest_and_tree() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let mut changes = BTreeMap::new();
    changes.insert(b"p/1".to_vec(), Some(vec![1]));
    changes.insert(b"p/2".to_vec(), Some(vec![2]));
    store.commit(0, &changes, &[]).unwrap();
    let mut changes = BTreeMap::new();
    changes.insert(b"p/1".to_vec(), None);
    let r1 = store.commit(1, &changes, &[]).unwrap();
    let snap = store.snapshot().unwrap();
    assert_eq!(snap.prefix_raw(b"p/").unwrap(), vec![(b"p/2".to_vec(), vec![2])]);
    let p = store.prove(b"p/1", 1).unwrap();
    assert_eq!(p.value, None);
    p.verify(&r1).unwrap();
    // Still provable at the older version.
    assert_eq!(store.prove(b"p/1", 0).unwrap().value, Some(vec![1]));
}

#[test]
fn reopen_keeps_committed_state() {
    let dir = tempfile::tempdir().unwrap();
    let root = {
        let store = open(&dir);
        let mut changes = BTreeMap::new();
        changes.insert(b"k".to_vec(), Some(vec![9]));
        store
            .commit(
                0,
                &changes,
                &[greenhour_state::AuxWrite { table: "aux_test", key: b"a".to_vec(), value: b"b".to_vec() }],
            )
            .unwrap()
    };
    let store = open(&dir);
    assert_eq!(store.latest_version().unwrap(), Some(0));
    assert_eq!(store.root(0).unwrap(), root);
    assert_eq!(store.aux_get("aux_test", b"a").unwrap(), Some(b"b".to_vec()));
    assert_eq!(store.aux_get("aux_missing", b"a").unwrap(), None);
}

mod tree_paths {
    use super::*;
    use greenhour_state::Changes;
    use proptest::prelude::*;

    fn store_with(dir: &tempfile::TempDir, batch: bool) -> Store {
        Store::open(&dir.path().join("s.redb"), &StoreConfig { batch_tree_updates: batch, ..StoreConfig::default() })
            .unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// The fast batch insertion and key-by-key insertion give the same root at
        /// every version, for random blocks of inserts, updates and deletes.
        #[test]
        fn batch_and_single_updates_agree(blocks in prop::collection::vec(
            prop_oneof![
                // Inserts and updates only: the batch path runs.
                3 => prop::collection::btree_map(0u16..400, any::<u32>().prop_map(Some), 1..60),
                // With deletes: both stores take the key-by-key path.
                1 => prop::collection::btree_map(0u16..400, prop::option::weighted(0.7, any::<u32>()), 1..60),
            ],
            1..8)
        ) {
            let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            let (fast, slow) = (store_with(&d1, true), store_with(&d2, false));
            // The model: every key's value after each version.
            let mut model: BTreeMap<u16, u32> = BTreeMap::new();
            let mut history: Vec<BTreeMap<u16, u32>> = Vec::new();
            let mut roots = Vec::new();
            for (version, block) in blocks.iter().enumerate() {
                let changes: Changes = block
                    .iter()
                    .map(|(k, v)| (format!("k/{k}").into_bytes(), v.map(|v| v.to_le_bytes().to_vec())))
                    .collect();
                for (k, v) in block {
                    match v {
                        Some(v) => model.insert(*k, *v),
                        None => model.remove(k),
                    };
                }
                history.push(model.clone());
                let a = fast.commit(version as u64, &changes, &[]).unwrap();
                let b = slow.commit(version as u64, &changes, &[]).unwrap();
                prop_assert_eq!(a, b);
                roots.push(a);
            }
            // Every key ever touched, at every version, proves the model's value (or absence).
            let touched: std::collections::BTreeSet<u16> = blocks.iter().flat_map(|b| b.keys().copied()).collect();
            for (version, state) in history.iter().enumerate() {
                for k in touched.iter().take(40) {
                    let key = format!("k/{k}").into_bytes();
                    let p = fast.prove(&key, version as u64).unwrap();
                    prop_assert!(p.verify(&roots[version]).is_ok());
                    prop_assert_eq!(&p.value, &state.get(k).map(|v| v.to_le_bytes().to_vec()), "key {} at version {}", k, version);
                    prop_assert_eq!(p.value, slow.prove(&key, version as u64).unwrap().value);
                }
            }
        }
    }
}

mod bounded_scans {
    use super::*;
    use greenhour_state::{Changes, TxOverlay};
    use proptest::prelude::*;

    fn key(k: u8) -> Vec<u8> {
        format!("p/{k:03}").into_bytes()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// A bounded scan through a tx overlay over a block overlay over the store
        /// equals the first `limit` entries ≥ `from` of the full prefix listing.
        #[test]
        fn scan_pages_equal_filtered_prefix_listings(
            committed in prop::collection::btree_map(0u8..60, any::<u8>(), 0..40),
            block in prop::collection::btree_map(0u8..60, prop::option::weighted(0.6, any::<u8>()), 0..20),
            txw in prop::collection::btree_map(0u8..60, prop::option::weighted(0.6, any::<u8>()), 0..20),
            from in 0u8..64,
            limit in 0usize..12,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let store = open(&dir);
            let mut changes: Changes = committed.iter().map(|(k, v)| (key(*k), Some(vec![*v]))).collect();
            changes.insert(b"q/outside".to_vec(), Some(vec![1]));
            store.commit(0, &changes, &[]).unwrap();
            let mut block_overlay = BlockOverlay::new(store.snapshot().unwrap());
            for (k, v) in &block {
                match v {
                    Some(v) => block_overlay.put_raw(key(*k), vec![*v]),
                    None => block_overlay.delete_raw(key(*k)),
                }
            }
            let mut tx = TxOverlay::new(&mut block_overlay);
            for (k, v) in &txw {
                match v {
                    Some(v) => tx.put_raw(key(*k), vec![*v]),
                    None => tx.delete_raw(key(*k)),
                }
            }
            let from_key = key(from);
            let expected: Vec<_> =
                tx.prefix_raw(b"p/").unwrap().into_iter().filter(|(k, _)| *k >= from_key).take(limit).collect();
            prop_assert_eq!(tx.scan_raw(b"p/", &from_key, limit).unwrap(), expected);
            // A `from` before the prefix starts at the prefix.
            let all: Vec<_> = tx.prefix_raw(b"p/").unwrap().into_iter().take(limit).collect();
            prop_assert_eq!(tx.scan_raw(b"p/", b"a", limit).unwrap(), all);
        }
    }
}

mod pruning {
    use super::*;
    use greenhour_state::{Changes, StateError};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(16))]

        /// A pruned store gives the same roots as an archive, proves every key
        /// correctly at every kept version, refuses pruned versions clearly, and
        /// stays smaller.
        #[test]
        fn pruned_store_keeps_recent_versions_exactly(
            blocks in prop::collection::vec(
                prop::collection::btree_map(0u16..300, prop::option::weighted(0.8, any::<u32>()), 1..50),
                2..14),
            keep in 1u64..5,
            batch in any::<bool>(),
        ) {
            let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
            let config = |keep_versions| StoreConfig { batch_tree_updates: batch, keep_versions, ..StoreConfig::default() };
            let pruned = Store::open(&d1.path().join("s.redb"), &config(Some(keep))).unwrap();
            let archive = Store::open(&d2.path().join("s.redb"), &config(None)).unwrap();
            let mut model: BTreeMap<u16, u32> = BTreeMap::new();
            let mut history = Vec::new();
            for (version, block) in blocks.iter().enumerate() {
                let changes: Changes = block
                    .iter()
                    .map(|(k, v)| (format!("k/{k}").into_bytes(), v.map(|v| v.to_le_bytes().to_vec())))
                    .collect();
                for (k, v) in block {
                    match v {
                        Some(v) => model.insert(*k, *v),
                        None => model.remove(k),
                    };
                }
                history.push(model.clone());
                let a = pruned.commit(version as u64, &changes, &[]).unwrap();
                let b = archive.commit(version as u64, &changes, &[]).unwrap();
                prop_assert_eq!(a, b);
            }
            let last = blocks.len() as u64 - 1;
            let earliest = (last + 1).saturating_sub(keep);
            prop_assert_eq!(pruned.earliest_version().unwrap(), earliest);
            let touched: std::collections::BTreeSet<u16> = blocks.iter().flat_map(|b| b.keys().copied()).collect();
            for (version, state) in history.iter().enumerate() {
                let version = version as u64;
                for k in touched.iter().take(60) {
                    let key = format!("k/{k}").into_bytes();
                    if version < earliest {
                        let pruned_version = matches!(pruned.prove(&key, version), Err(StateError::Pruned { .. }));
                        prop_assert!(pruned_version);
                        continue;
                    }
                    let p = pruned.prove(&key, version).unwrap();
                    prop_assert!(p.verify(&pruned.root(version).unwrap()).is_ok());
                    prop_assert_eq!(&p.value, &state.get(k).map(|v| v.to_le_bytes().to_vec()), "key {} at version {}", k, version);
                }
            }
        }
    }

    #[test]
    fn pruning_bounds_the_tree_under_repeated_updates() {
        let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let pruned =
            Store::open(&d1.path().join("s.redb"), &StoreConfig { keep_versions: Some(2), ..StoreConfig::default() })
                .unwrap();
        let archive = Store::open(&d2.path().join("s.redb"), &StoreConfig::default()).unwrap();
        for version in 0..200u64 {
            let changes: Changes =
                (0..200u32).map(|k| (format!("k/{k}").into_bytes(), Some(version.to_le_bytes().to_vec()))).collect();
            pruned.commit(version, &changes, &[]).unwrap();
            archive.commit(version, &changes, &[]).unwrap();
        }
        drop((pruned, archive));
        let size = |d: &tempfile::TempDir| std::fs::metadata(d.path().join("s.redb")).unwrap().len();
        assert!(size(&d1) * 5 < size(&d2), "pruned {} bytes vs archive {} bytes", size(&d1), size(&d2));
    }
}
