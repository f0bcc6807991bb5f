use crate::{Key, StateError};
use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Bound;

/// Pending writes: `None` deletes the key. Ordered, so applying them is deterministic.
pub type Changes = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Live `(key, value)` pairs in key order.
pub type KeyValues = Vec<(Vec<u8>, Vec<u8>)>;

/// Something that happened, for clients and indexers. Events are part of a
/// transaction's result and are discarded with a failed transaction.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Event {
    /// `module.what`, e.g. `bank.transfer`.
    pub kind: String,
    pub attributes: Vec<(String, String)>,
}

impl Event {
    pub fn new(kind: impl Into<String>) -> Self {
        Event { kind: kind.into(), attributes: Vec::new() }
    }
    pub fn attr(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.attributes.push((key.into(), value.to_string()));
        self
    }
}

/// Read access to state.
pub trait StateRead {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// All live `(key, value)` pairs whose key starts with `prefix`, in key order.
    fn prefix_raw(&self, prefix: &[u8]) -> Result<KeyValues, StateError>;
    /// At most `limit` live pairs under `prefix` with key ≥ `from`, in key order:
    /// a bounded page, so round-robin work per block does not grow with the state.
    /// The default filters a full prefix listing; stores override it with a range read.
    fn scan_raw(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<KeyValues, StateError> {
        Ok(self.prefix_raw(prefix)?.into_iter().filter(|(k, _)| k.as_slice() >= from).take(limit).collect())
    }

    /// Calls `visit` with every live pair under `prefix`, in key order, without
    /// copying them out (for hot scans of many small rows). The default copies
    /// through [`StateRead::prefix_raw`]; in-memory layers override it.
    fn for_each_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        for (k, v) in self.prefix_raw(prefix)? {
            visit(&k, &v);
        }
        Ok(())
    }

    fn get<V: BorshDeserialize>(&self, key: &Key<V>) -> Result<Option<V>, StateError> {
        match self.get_raw(key.as_bytes())? {
            None => Ok(None),
            Some(bytes) => greenhour_codec::decode(&bytes).map(Some).map_err(|e| StateError::Decode {
                key: String::from_utf8_lossy(key.as_bytes()).into_owned(),
                reason: e.to_string(),
            }),
        }
    }

    /// Decodes every value under a prefix (the caller's keys.rs promises their type).
    fn prefix<V: BorshDeserialize>(&self, prefix: &str) -> Result<Vec<(String, V)>, StateError> {
        decode_all(self.prefix_raw(prefix.as_bytes())?)
    }

    /// Decodes a bounded page under a prefix ([`StateRead::scan_raw`]).
    fn scan<V: BorshDeserialize>(
        &self,
        prefix: &str,
        from: &str,
        limit: usize,
    ) -> Result<Vec<(String, V)>, StateError> {
        decode_all(self.scan_raw(prefix.as_bytes(), from.as_bytes(), limit)?)
    }
}

fn decode_all<V: BorshDeserialize>(pairs: KeyValues) -> Result<Vec<(String, V)>, StateError> {
    pairs
        .into_iter()
        .map(|(k, v)| {
            let key = String::from_utf8_lossy(&k).into_owned();
            greenhour_codec::decode(&v)
                .map(|v| (key.clone(), v))
                .map_err(|e| StateError::Decode { key, reason: e.to_string() })
        })
        .collect()
}

/// Write access to state. Writes land in an overlay, never directly in storage.
pub trait StateWrite: StateRead {
    fn put_raw(&mut self, key: Vec<u8>, value: Vec<u8>);
    fn delete_raw(&mut self, key: Vec<u8>);
    fn emit(&mut self, event: Event);

    fn put<V: BorshSerialize>(&mut self, key: &Key<V>, value: &V) {
        self.put_raw(key.as_bytes().to_vec(), greenhour_codec::encode(value));
    }
    fn delete<V>(&mut self, key: &Key<V>) {
        self.delete_raw(key.as_bytes().to_vec());
    }
}

/// Merges an overlay's writes over a base prefix listing.
pub(crate) fn merge_prefix(mut base: KeyValues, writes: &Changes, prefix: &[u8]) -> KeyValues {
    let touched: Vec<(&Vec<u8>, &Option<Vec<u8>>)> = writes
        .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
        .take_while(|(k, _)| k.starts_with(prefix))
        .collect();
    if touched.is_empty() {
        return base;
    }
    let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = base.drain(..).collect();
    for (k, v) in touched {
        match v {
            Some(v) => merged.insert(k.clone(), v.clone()),
            None => merged.remove(k),
        };
    }
    merged.into_iter().collect()
}

/// Merges an overlay's writes over a page read from the parent: deletes in the
/// range can hide at most as many parent entries, so the parent is asked for
/// `limit` plus that many and the merged page is cut back to `limit`.
pub(crate) fn merge_scan(
    parent: impl FnOnce(usize) -> Result<KeyValues, StateError>,
    writes: &Changes,
    prefix: &[u8],
    from: &[u8],
    limit: usize,
) -> Result<KeyValues, StateError> {
    let start = if from > prefix { from } else { prefix };
    // Writes past the `limit`-th live write cannot be in the page (that write
    // already bounds it), so they are not read: a page costs its own length, not
    // the rest of the prefix's writes (paging through a block that wrote 100,000
    // keys was quadratic).
    let mut live = 0usize;
    let touched: Vec<(&Vec<u8>, &Option<Vec<u8>>)> = writes
        .range::<[u8], _>((Bound::Included(start), Bound::Unbounded))
        .take_while(|(k, v)| {
            let wanted = k.starts_with(prefix) && live < limit;
            live += usize::from(v.is_some());
            wanted
        })
        .collect();
    let deletes = touched.iter().filter(|(_, v)| v.is_none()).count();
    let base = parent(limit.saturating_add(deletes))?;
    if touched.is_empty() {
        return Ok(base);
    }
    // Parent entries past the last one fetched are unknown, so overlay writes beyond it
    // may only be used if the parent page was complete.
    let parent_complete = base.len() < limit.saturating_add(deletes);
    let horizon = base.last().map(|(k, _)| k.clone());
    let mut merged: BTreeMap<Vec<u8>, Vec<u8>> = base.into_iter().collect();
    for (k, v) in touched {
        if !parent_complete && horizon.as_ref().is_some_and(|h| k > h) {
            break;
        }
        match v {
            Some(v) => merged.insert(k.clone(), v.clone()),
            None => merged.remove(k),
        };
    }
    Ok(merged.into_iter().take(limit).collect())
}

/// Writes and events layered over a parent state; reads fall through to the
/// parent. Dropping an overlay discards everything in it.
///
/// One mechanism serves both levels: a [`BlockOverlay`] owns its committed
/// snapshot and is handed to the store at commit; a [`TxOverlay`] borrows the
/// block overlay and is applied to it by [`Overlay::commit`] only when the
/// transaction succeeds.
#[must_use = "an overlay's writes are lost unless they are committed"]
pub struct Overlay<P> {
    parent: P,
    writes: Changes,
    events: Vec<Event>,
}

/// The writes of one block over a committed snapshot.
pub type BlockOverlay<B> = Overlay<B>;

/// The writes of one transaction (or any all-or-nothing step) over a parent.
pub type TxOverlay<'a, P> = Overlay<&'a mut P>;

impl<P> Overlay<P> {
    pub fn new(parent: P) -> Self {
        Overlay { parent, writes: Changes::new(), events: Vec::new() }
    }
    /// The writes so far.
    pub fn changes(&self) -> &Changes {
        &self.writes
    }
    /// The writes, for the store's commit.
    pub fn into_changes(self) -> Changes {
        self.writes
    }
    /// Takes the events emitted so far (e.g. by begin/end block hooks).
    pub fn take_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }
    pub fn base(&self) -> &P {
        &self.parent
    }
}

impl<P: StateRead> Overlay<P> {
    /// The writes, minus deletes of keys the parent does not hold. Those change
    /// nothing (the tree root is the same) but would force the store's slower
    /// key-by-key tree update for the whole block, so they are dropped here.
    pub fn into_effective_changes(self) -> Result<Changes, StateError> {
        let mut changes = self.writes;
        let mut absent = Vec::new();
        for (key, value) in &changes {
            if value.is_none() && self.parent.get_raw(key)?.is_none() {
                absent.push(key.clone());
            }
        }
        for key in absent {
            changes.remove(&key);
        }
        Ok(changes)
    }
}

impl<P: StateWrite> Overlay<&mut P> {
    /// Applies the writes to the parent and returns the events emitted.
    pub fn commit(self) -> Vec<Event> {
        let Overlay { parent, writes, events } = self;
        for (k, v) in writes {
            match v {
                Some(v) => parent.put_raw(k, v),
                None => parent.delete_raw(k),
            }
        }
        events
    }
}

impl<P: StateRead> StateRead for Overlay<P> {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.parent.get_raw(key),
        }
    }
    fn prefix_raw(&self, prefix: &[u8]) -> Result<KeyValues, StateError> {
        Ok(merge_prefix(self.parent.prefix_raw(prefix)?, &self.writes, prefix))
    }
    fn scan_raw(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<KeyValues, StateError> {
        merge_scan(|n| self.parent.scan_raw(prefix, from, n), &self.writes, prefix, from, limit)
    }
    fn for_each_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        // Merge the parent's stream with this layer's writes: a write hides the
        // parent's pair with the same key; a delete hides it without replacing it.
        let mut writes = self
            .writes
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .peekable();
        self.parent.for_each_prefix(prefix, &mut |k, v| {
            while let Some((wk, wv)) = writes.next_if(|(wk, _)| wk.as_slice() < k) {
                if let Some(wv) = wv {
                    visit(wk, wv);
                }
            }
            match writes.next_if(|(wk, _)| wk.as_slice() == k) {
                Some((_, Some(wv))) => visit(k, wv),
                Some((_, None)) => {}
                None => visit(k, v),
            }
        })?;
        for (wk, wv) in writes {
            if let Some(wv) = wv {
                visit(wk, wv);
            }
        }
        Ok(())
    }
}

impl<P: StateRead> StateWrite for Overlay<P> {
    fn put_raw(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert(key, Some(value));
    }
    fn delete_raw(&mut self, key: Vec<u8>) {
        self.writes.insert(key, None);
    }
    fn emit(&mut self, event: Event) {
        self.events.push(event);
    }
}

/// A borrowed reader reads like its referent (lets a transaction overlay sit on a block overlay).
impl<T: StateRead + ?Sized> StateRead for &mut T {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        (**self).get_raw(key)
    }
    fn prefix_raw(&self, prefix: &[u8]) -> Result<KeyValues, StateError> {
        (**self).prefix_raw(prefix)
    }
    fn scan_raw(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<KeyValues, StateError> {
        (**self).scan_raw(prefix, from, limit)
    }
    fn for_each_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        (**self).for_each_prefix(prefix, visit)
    }
}

/// An in-memory base with nothing in it, for unit tests of modules.
impl StateRead for BTreeMap<Vec<u8>, Vec<u8>> {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.get(key).cloned())
    }
    fn prefix_raw(&self, prefix: &[u8]) -> Result<KeyValues, StateError> {
        Ok(self
            .range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
    /// A range read from `max(prefix, from)`: a page costs its length, not the
    /// prefix's (paged scans of a large in-memory base were quadratic).
    fn scan_raw(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<KeyValues, StateError> {
        let start = if from > prefix { from } else { prefix };
        Ok(self
            .range::<[u8], _>((Bound::Included(start), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .take(limit)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect())
    }
    fn for_each_prefix(&self, prefix: &[u8], visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        for (k, v) in self.range::<[u8], _>((Bound::Included(prefix), Bound::Unbounded)) {
            if !k.starts_with(prefix) {
                break;
            }
            visit(k, v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_maps_scan_pages_are_what_the_filtered_listing_gives() {
        let mut base = BTreeMap::<Vec<u8>, Vec<u8>>::new();
        for k in ["a/1", "a/3", "a/5", "a/7", "b/1"] {
            base.insert(k.as_bytes().to_vec(), vec![1]);
        }
        for from in ["", "a/", "a/3", "a/4", "a/7\0", "b/"] {
            for limit in [0, 1, 2, 10] {
                let filtered: KeyValues = base
                    .prefix_raw(b"a/")
                    .unwrap()
                    .into_iter()
                    .filter(|(k, _)| k.as_slice() >= from.as_bytes())
                    .take(limit)
                    .collect();
                assert_eq!(
                    base.scan_raw(b"a/", from.as_bytes(), limit).unwrap(),
                    filtered,
                    "from {from:?} limit {limit}"
                );
            }
        }
    }

    #[test]
    fn for_each_prefix_sees_what_prefix_raw_sees() {
        let mut base = BTreeMap::<Vec<u8>, Vec<u8>>::new();
        for k in ["a/1", "a/3", "a/5", "b/1"] {
            base.insert(k.as_bytes().to_vec(), vec![1]);
        }
        let mut block = BlockOverlay::new(base);
        block.put_raw(b"a/0".to_vec(), vec![2]);
        block.put_raw(b"a/3".to_vec(), vec![3]);
        block.delete_raw(b"a/5".to_vec());
        block.put_raw(b"a/9".to_vec(), vec![4]);
        let mut tx = TxOverlay::new(&mut block);
        tx.delete_raw(b"a/0".to_vec());
        tx.put_raw(b"a/4".to_vec(), vec![5]);
        let mut seen = Vec::new();
        tx.for_each_prefix(b"a/", &mut |k, v| seen.push((k.to_vec(), v.to_vec()))).unwrap();
        assert_eq!(seen, tx.prefix_raw(b"a/").unwrap());
        let keys: Vec<&[u8]> = seen.iter().map(|(k, _)| k.as_slice()).collect();
        assert_eq!(keys, vec![b"a/1".as_slice(), b"a/3", b"a/4", b"a/9"]);
    }

    #[test]
    fn effective_changes_drop_deletes_of_absent_keys_only() {
        let mut base = BTreeMap::<Vec<u8>, Vec<u8>>::new();
        base.insert(b"a/held".to_vec(), vec![1]);
        let mut block = BlockOverlay::new(base);
        block.delete_raw(b"a/held".to_vec());
        block.delete_raw(b"a/never".to_vec());
        block.put_raw(b"a/new".to_vec(), vec![2]);
        let changes = block.into_effective_changes().unwrap();
        let keys: Vec<&[u8]> = changes.keys().map(Vec::as_slice).collect();
        assert_eq!(keys, vec![b"a/held".as_slice(), b"a/new".as_slice()]);
        assert_eq!(changes[b"a/held".as_slice()], None);
    }

    #[test]
    fn tx_overlay_discards_on_drop_and_applies_on_commit() {
        let mut block = BlockOverlay::new(BTreeMap::<Vec<u8>, Vec<u8>>::new());
        let k: Key<u64> = Key::new("a/1");
        {
            let mut tx = TxOverlay::new(&mut block);
            tx.put(&k, &5);
            assert_eq!(tx.get(&k).unwrap(), Some(5));
        }
        assert_eq!(block.get(&k).unwrap(), None);
        let mut tx = TxOverlay::new(&mut block);
        tx.put(&k, &6);
        tx.emit(Event::new("x"));
        assert_eq!(tx.commit().len(), 1);
        assert_eq!(block.get(&k).unwrap(), Some(6));
    }

    #[test]
    fn prefix_merges_overlay_over_base() {
        let mut base = BTreeMap::new();
        base.insert(b"p/1".to_vec(), greenhour_codec::encode(&1u64));
        base.insert(b"p/2".to_vec(), greenhour_codec::encode(&2u64));
        base.insert(b"q/1".to_vec(), greenhour_codec::encode(&9u64));
        let mut block = BlockOverlay::new(base);
        block.delete_raw(b"p/1".to_vec());
        block.put_raw(b"p/3".to_vec(), greenhour_codec::encode(&3u64));
        let got: Vec<(String, u64)> = block.prefix("p/").unwrap();
        assert_eq!(got, vec![("p/2".into(), 2), ("p/3".into(), 3)]);
    }
}
