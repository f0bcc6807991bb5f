use crate::{Changes, KeyValues, StateError, StateRead};
use greenhour_primitives::Hash;
use jmt::storage::{LeafNode, NibblePath, Node, NodeKey, TreeReader};
use jmt::{JellyfishMerkleTree, KeyHash, OwnedValue, Version};
use redb::{Database, ReadOnlyTable, ReadTransaction, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};

type Jmt<'a, R> = JellyfishMerkleTree<'a, R, Sha256>;

/// Current value of every live key.
const LATEST: TableDefinition<&[u8], &[u8]> = TableDefinition::new("state_latest");
/// JMT nodes: version (big-endian) ‖ borsh(nibble path) → borsh(Node). Version-major
/// keys make each block's new nodes one sequential run at the end of the table.
const NODES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("jmt_nodes");
/// Value history: version (big-endian) ‖ key_hash → borsh(Option<value>), one row per
/// key a version changed. Version-major, so each block appends one sequential run.
const VALUES: TableDefinition<&[u8], &[u8]> = TableDefinition::new("jmt_values");
/// Root hash per committed version.
const ROOTS: TableDefinition<u64, &[u8]> = TableDefinition::new("jmt_roots");
/// Nodes replaced by a later version: stale-since version (big-endian) ‖ node key
/// → (). Pruning walks it in version order and deletes what no kept version reads.
const STALE: TableDefinition<&[u8], ()> = TableDefinition::new("jmt_stale");
/// Store metadata: `earliest` = the oldest version whose tree is still complete.
const META: TableDefinition<&str, u64> = TableDefinition::new("store_meta");

/// Settings of the store.
#[derive(Clone, Debug)]
pub struct StoreConfig {
    /// redb page cache in bytes (redb's own default is 1 GiB, too much for a device).
    pub cache_bytes: usize,
    /// Decoded JMT nodes kept in memory. Nodes never change once written, so
    /// the cache needs no invalidation; it is cleared whole when full.
    pub node_cache_entries: usize,
    /// Use the JMT's sorted batch insertion when a block deletes nothing. Same
    /// root as key-by-key insertion (tested), several times faster.
    pub batch_tree_updates: bool,
    /// Keep the trees (proofs, past values) of this many latest versions and prune
    /// older tree nodes and value rows; `None` keeps every version (archive).
    pub keep_versions: Option<u64>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            cache_bytes: 128 << 20,
            node_cache_entries: 200_000,
            batch_tree_updates: true,
            keep_versions: None,
        }
    }
}

/// Decoded tree nodes by encoded node key. Not state: a pure read cache that is
/// never iterated, so its hash order cannot leak into results.
#[allow(clippy::disallowed_types)]
struct NodeCache {
    nodes: std::collections::HashMap<Vec<u8>, Node>,
    capacity: usize,
}

impl NodeCache {
    fn get(&self, key: &[u8]) -> Option<Node> {
        self.nodes.get(key).cloned()
    }
    fn insert(&mut self, key: Vec<u8>, node: Node) {
        if self.nodes.len() >= self.capacity {
            self.nodes.clear();
        }
        self.nodes.insert(key, node);
    }
}

fn node_key_bytes(key: &NodeKey) -> Vec<u8> {
    let mut out = key.version().to_be_bytes().to_vec();
    out.extend_from_slice(&greenhour_codec::encode(key.nibble_path()));
    out
}

/// A row the caller stores beside the state in the same atomic commit
/// (blocks, transaction index). Aux rows are not part of the app hash.
#[derive(Clone, Debug)]
pub struct AuxWrite {
    pub table: &'static str,
    pub key: Vec<u8>,
    pub value: Vec<u8>,
}

/// A value (or its absence) at a version, with the Merkle proof that links it to that version's root.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct StateProof {
    pub version: u64,
    pub root: Hash,
    #[serde(with = "hex_bytes")]
    pub key: Vec<u8>,
    #[serde(with = "hex_opt")]
    pub value: Option<Vec<u8>>,
    /// borsh encoding of `jmt::proof::SparseMerkleProof<Sha256>`.
    #[serde(with = "hex_bytes")]
    pub proof: Vec<u8>,
}

impl StateProof {
    /// Checks the proof against `root`: inclusion of `value` when it is `Some`, exclusion otherwise.
    pub fn verify(&self, root: &Hash) -> Result<(), StateError> {
        greenhour_light::verify_proof(root, &self.key, self.value.as_deref(), &self.proof)
            .map_err(|e| StateError::Tree(e.to_string()))
    }
}

/// A computed but unwritten tree update (see [`Store::prepare`]).
pub struct PreparedCommit {
    pub version: u64,
    pub root: Hash,
    batch: jmt::storage::NodeBatch,
    /// Value rows for leaves the update only moved (their value is unchanged), so
    /// every leaf node has a row at its own version and no read walks back in time.
    moved_values: Vec<((Version, KeyHash), Option<OwnedValue>)>,
    /// Nodes this version makes stale: (stale since, encoded node key).
    stale: Vec<Vec<u8>>,
}

/// The committed store. Cheap to clone; one writer at a time.
#[derive(Clone)]
pub struct Store {
    db: Arc<Database>,
    batch_tree_updates: bool,
    keep_versions: Option<u64>,
    write_lock: Arc<Mutex<()>>,
    node_cache: Arc<Mutex<NodeCache>>,
    /// The version being written in the background, readable for building the next one.
    in_flight: Arc<Mutex<Option<Arc<InFlight>>>>,
}

/// Dropping a store waits for its background write, so the block is durable and
/// the database file released when the drop returns (a clean shutdown loses nothing).
impl Drop for Store {
    fn drop(&mut self) {
        if let Some(flight) = self.in_flight() {
            // A failed write already failed its waiters; there is nothing more to do here.
            let _ = flight.done.wait();
        }
    }
}

/// A version handed to the background writer: its changes and new tree nodes stay
/// readable (for executing and hashing the next block) until redb has them durably.
struct InFlight {
    version: u64,
    root: Hash,
    changes: Changes,
    /// New tree nodes by encoded node key.
    nodes: BTreeMap<Vec<u8>, Node>,
    /// Value history rows: encoded key → borsh(Option<value>).
    values: BTreeMap<[u8; 40], Vec<u8>>,
    /// Stale-node index rows to record.
    stale: Vec<Vec<u8>>,
    /// Prune what became unreadable once versions below `version − keep + 1` are dropped.
    keep_versions: Option<u64>,
    done: WriteTicket,
}

/// Completion of a background write. Cloneable; every clone sees the same result.
#[derive(Clone)]
pub struct WriteTicket(Arc<(Mutex<WriteResult>, Condvar)>);

/// `None` while the write runs.
type WriteResult = Option<Result<(), StateError>>;

impl WriteTicket {
    fn new() -> Self {
        WriteTicket(Arc::new((Mutex::new(None), Condvar::new())))
    }
    fn finish(&self, result: Result<(), StateError>) {
        let (lock, cv) = &*self.0;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
        cv.notify_all();
    }
    /// Blocks until the write is durable (or failed).
    pub fn wait(&self) -> Result<(), StateError> {
        let (lock, cv) = &*self.0;
        let mut guard = lock.lock().unwrap_or_else(|p| p.into_inner());
        loop {
            if let Some(r) = guard.as_ref() {
                return r.clone();
            }
            guard = cv.wait(guard).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Store {
    /// Opens (or creates) the database file. A file left by a crash opens at its
    /// last committed version: redb recovers to the last complete commit.
    pub fn open(path: &Path, config: &StoreConfig) -> Result<Store, StateError> {
        let db = Database::builder().set_cache_size(config.cache_bytes).create(path)?;
        let txn = db.begin_write()?;
        {
            txn.open_table(LATEST)?;
            txn.open_table(NODES)?;
            txn.open_table(VALUES)?;
            txn.open_table(ROOTS)?;
            txn.open_table(STALE)?;
            txn.open_table(META)?;
        }
        txn.commit()?;
        #[allow(clippy::disallowed_types)]
        let node_cache =
            NodeCache { nodes: std::collections::HashMap::new(), capacity: config.node_cache_entries.max(1) };
        Ok(Store {
            db: Arc::new(db),
            batch_tree_updates: config.batch_tree_updates,
            keep_versions: config.keep_versions.map(|k| k.max(1)),
            write_lock: Arc::new(Mutex::new(())),
            node_cache: Arc::new(Mutex::new(node_cache)),
            in_flight: Arc::new(Mutex::new(None)),
        })
    }

    /// Rewrites a closed database file so that pages freed by pruning are returned
    /// to the file system (redb reuses freed pages but never shrinks the file).
    pub fn compact_file(path: &Path) -> Result<(), StateError> {
        let mut db = Database::open(path)?;
        db.compact().map_err(|e| StateError::Storage(e.to_string()))?;
        Ok(())
    }

    /// Rows and bytes (stored, metadata, fragmented) per store table, for capacity planning.
    pub fn table_sizes(&self) -> Result<Vec<(&'static str, u64, u64)>, StateError> {
        use redb::ReadableTableMetadata;
        let txn = self.db.begin_read()?;
        let mut out = Vec::new();
        let mut add = |name: &'static str, len: u64, stats: redb::TableStats| {
            out.push((name, len, stats.stored_bytes() + stats.metadata_bytes() + stats.fragmented_bytes()));
        };
        let t = txn.open_table(LATEST)?;
        add("state_latest", t.len()?, t.stats()?);
        let t = txn.open_table(NODES)?;
        add("jmt_nodes", t.len()?, t.stats()?);
        let t = txn.open_table(VALUES)?;
        add("jmt_values", t.len()?, t.stats()?);
        let t = txn.open_table(STALE)?;
        add("jmt_stale", t.len()?, t.stats()?);
        Ok(out)
    }

    /// A consistent read-only view of the latest committed version.
    pub fn snapshot(&self) -> Result<Snapshot, StateError> {
        let txn = self.db.begin_read()?;
        let latest = txn.open_table(LATEST)?;
        let roots = txn.open_table(ROOTS)?;
        let version = roots.last()?.map(|(k, _)| k.value());
        Ok(Snapshot { latest, txn, version })
    }

    /// The latest durably committed version, if any.
    pub fn latest_version(&self) -> Result<Option<u64>, StateError> {
        Ok(self.snapshot()?.version)
    }

    fn in_flight(&self) -> Option<Arc<InFlight>> {
        self.in_flight.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The latest version, durable or still being written.
    pub fn head_version(&self) -> Result<Option<u64>, StateError> {
        // Look at the in-flight write first: if there is none, whatever it was is durable.
        match self.in_flight() {
            Some(f) => Ok(Some(f.version)),
            None => self.latest_version(),
        }
    }

    /// A view of the head version (durable state plus any version still being
    /// written), for executing the next block. Clients should read [`Store::snapshot`].
    pub fn head_snapshot(&self) -> Result<HeadSnapshot, StateError> {
        // Order matters: take the in-flight version before the snapshot. If the
        // write finishes in between, the snapshot already holds the same data.
        let pending = self.in_flight();
        let base = self.snapshot()?;
        Ok(HeadSnapshot { pending, base })
    }

    /// The oldest version whose tree (proofs, past values) is still kept: 0 for an archive.
    pub fn earliest_version(&self) -> Result<u64, StateError> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        Ok(meta.get("earliest")?.map_or(0, |v| v.value()))
    }

    /// The root hash (app hash) of a committed version.
    pub fn root(&self, version: u64) -> Result<Hash, StateError> {
        let txn = self.db.begin_read()?;
        let roots = txn.open_table(ROOTS)?;
        let root = roots.get(version)?.ok_or(StateError::UnknownVersion(version))?;
        let mut out = [0u8; 32];
        out.copy_from_slice(root.value());
        Ok(Hash(out))
    }

    /// Commits the changes as `version` (which must be the next one) together
    /// with aux rows, in one write transaction, and returns the new root.
    pub fn commit(&self, version: u64, changes: &Changes, aux: &[AuxWrite]) -> Result<Hash, StateError> {
        let prepared = self.prepare(version, changes)?;
        let root = prepared.root;
        self.write(prepared, changes, aux)?;
        Ok(root)
    }

    /// Computes the tree update and root for `changes` at `version` without writing,
    /// so the caller can put the root in a block header before committing.
    pub fn prepare(&self, version: u64, changes: &Changes) -> Result<PreparedCommit, StateError> {
        let pending = self.in_flight();
        let reader = TreeStore::open(&self.db, &self.node_cache, pending.clone())?;
        let head = match &pending {
            Some(f) => Some(f.version),
            None => self.latest_version()?,
        };
        let expected = head.map_or(0, |v| v + 1);
        if version != expected {
            return Err(StateError::VersionMismatch { expected, got: version });
        }
        let tree = Jmt::new(&reader);
        let has_deletes = changes.values().any(Option::is_none);
        // The JMT's shape depends only on the key set, so both paths give the same root;
        // the batch path (sorted, bottom-up) is much faster but cannot delete.
        let (root, batch) = if has_deletes || changes.is_empty() || !self.batch_tree_updates {
            let value_set: Vec<(KeyHash, Option<OwnedValue>)> =
                changes.iter().map(|(k, v)| (KeyHash::with::<Sha256>(k), v.clone())).collect();
            tree.put_value_set(value_set, version as Version)
        } else {
            let value_set: Vec<(KeyHash, OwnedValue)> = changes
                .iter()
                .filter_map(|(k, v)| v.as_ref().map(|v| (KeyHash::with::<Sha256>(k), v.clone())))
                .collect();
            tree.batch_put_value_sets(vec![value_set], None, version as Version).map(|(roots, batch)| (roots[0], batch))
        }
        .map_err(|e| StateError::Tree(e.to_string()))?;
        let mut moved_values = Vec::new();
        for (key, node) in batch.node_batch.nodes() {
            if let Node::Leaf(leaf) = node {
                let row = (key.version(), leaf.key_hash());
                if !batch.node_batch.values().contains_key(&row) {
                    // Unchanged value under a new node key: read it at the previous version.
                    let value = reader
                        .get_value_option(key.version().saturating_sub(1), leaf.key_hash())
                        .map_err(|e| StateError::Tree(e.to_string()))?;
                    moved_values.push((row, value));
                }
            }
        }
        let stale = batch
            .stale_node_index_batch
            .iter()
            .map(|s| {
                let mut k = s.stale_since_version.to_be_bytes().to_vec();
                k.extend_from_slice(&node_key_bytes(&s.node_key));
                k
            })
            .collect();
        Ok(PreparedCommit { version, root: Hash(root.0), batch: batch.node_batch, moved_values, stale })
    }

    /// Writes a prepared commit, its changes and the aux rows in one redb
    /// transaction, and returns once it is durable.
    pub fn write(&self, prepared: PreparedCommit, changes: &Changes, aux: &[AuxWrite]) -> Result<(), StateError> {
        self.write_async(prepared, changes.clone(), aux.to_vec())?.wait()
    }

    /// Starts writing a prepared commit on a background thread and returns at once.
    /// Until the returned ticket completes, the version is visible to
    /// [`Store::head_snapshot`] and [`Store::prepare`] but not to [`Store::snapshot`].
    /// At most one write is in flight: this first waits for the previous one, and
    /// fails if it failed.
    pub fn write_async(
        &self,
        prepared: PreparedCommit,
        changes: Changes,
        aux: Vec<AuxWrite>,
    ) -> Result<WriteTicket, StateError> {
        let _guard = self.write_lock.lock().map_err(|_| StateError::Storage("writer lock poisoned".into()))?;
        if let Some(previous) = self.in_flight() {
            previous.done.wait()?;
        }
        let expected = self.latest_version()?.map_or(0, |v| v + 1);
        if prepared.version != expected {
            return Err(StateError::VersionMismatch { expected, got: prepared.version });
        }
        let nodes = prepared.batch.nodes().iter().map(|(k, n)| (node_key_bytes(k), n.clone())).collect();
        let values = prepared
            .batch
            .values()
            .iter()
            .chain(prepared.moved_values.iter().map(|(k, v)| (k, v)))
            .map(|((v, key_hash), value)| (value_key(key_hash, *v), greenhour_codec::encode(value)))
            .collect();
        let flight = Arc::new(InFlight {
            version: prepared.version,
            root: prepared.root,
            changes,
            nodes,
            values,
            stale: prepared.stale,
            keep_versions: self.keep_versions,
            done: WriteTicket::new(),
        });
        *self.in_flight.lock().unwrap_or_else(|p| p.into_inner()) = Some(flight.clone());
        let ticket = flight.done.clone();
        let (db, cache, slot) = (self.db.clone(), self.node_cache.clone(), self.in_flight.clone());
        std::thread::Builder::new()
            .name(format!("store-write-{}", flight.version))
            .spawn(move || {
                let result = write_to_db(&db, &flight, &aux);
                if result.is_ok() {
                    // The newest nodes are the ones the next block reads first (the upper levels).
                    let mut cache = lock_cache(&cache);
                    for (key, node) in &flight.nodes {
                        cache.insert(key.clone(), node.clone());
                    }
                    let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
                    if slot.as_ref().is_some_and(|f| f.version == flight.version) {
                        *slot = None;
                    }
                }
                // Release the database before signalling, so that once a writer has waited for
                // the last ticket and dropped its store, the file can be reopened at once.
                drop(db);
                // On failure the version stays in flight and every later write fails: fail-stop.
                flight.done.finish(result);
            })
            .map_err(|e| StateError::Storage(format!("cannot start the writer thread: {e}")))?;
        Ok(ticket)
    }

    /// Reads `key` at a committed `version` with a Merkle proof against that version's root.
    pub fn prove(&self, key: &[u8], version: u64) -> Result<StateProof, StateError> {
        let root = self.root(version)?;
        let earliest = self.earliest_version()?;
        if version < earliest {
            return Err(StateError::Pruned { version, earliest });
        }
        let reader = TreeStore::open(&self.db, &self.node_cache, None)?;
        let (value, proof) = Jmt::new(&reader)
            .get_with_proof(KeyHash::with::<Sha256>(key), version)
            .map_err(|e| StateError::Tree(e.to_string()))?;
        Ok(StateProof { version, root, key: key.to_vec(), value, proof: greenhour_codec::encode(&proof) })
    }

    /// Reads an aux row committed beside the state.
    pub fn aux_get(&self, table: &'static str, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        let txn = self.db.begin_read()?;
        let t = match txn.open_table(TableDefinition::<&[u8], &[u8]>::new(table)) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        Ok(t.get(key)?.map(|v| v.value().to_vec()))
    }
}

/// An aux table open in a write transaction.
type AuxTable<'txn> = redb::Table<'txn, &'static [u8], &'static [u8]>;

fn write_to_db(db: &Database, flight: &InFlight, aux: &[AuxWrite]) -> Result<(), StateError> {
    let txn = db.begin_write()?;
    {
        let mut latest = txn.open_table(LATEST)?;
        for (k, v) in &flight.changes {
            match v {
                Some(v) => {
                    latest.insert(k.as_slice(), v.as_slice())?;
                }
                None => {
                    latest.remove(k.as_slice())?;
                }
            }
        }
        let mut nodes = txn.open_table(NODES)?;
        for (key, node) in &flight.nodes {
            nodes.insert(key.as_slice(), greenhour_codec::encode(node).as_slice())?;
        }
        let mut values = txn.open_table(VALUES)?;
        for (key, value) in &flight.values {
            values.insert(key.as_slice(), value.as_slice())?;
        }
        let mut roots = txn.open_table(ROOTS)?;
        roots.insert(flight.version, flight.root.0.as_slice())?;
        if let Some(keep) = flight.keep_versions {
            // An archive never prunes, so it keeps no stale index either.
            let mut stale = txn.open_table(STALE)?;
            for key in &flight.stale {
                stale.insert(key.as_slice(), ())?;
            }
            // Versions ≥ earliest keep complete trees: a node stale since s is read only
            // by versions < s, so every node stale since ≤ earliest can go.
            let earliest = (flight.version + 1).saturating_sub(keep);
            prune(&mut stale, &mut nodes, &mut values, earliest)?;
            txn.open_table(META)?.insert("earliest", earliest)?;
        }
        // A table is opened once per run of rows for it (a block's rows come
        // grouped by table), not once per row.
        let mut open: Option<(&'static str, AuxTable)> = None;
        for w in aux {
            let table = match &mut open {
                Some((name, table)) if *name == w.table => table,
                _ => &mut open.insert((w.table, txn.open_table(TableDefinition::<&[u8], &[u8]>::new(w.table))?)).1,
            };
            table.insert(w.key.as_slice(), w.value.as_slice())?;
        }
    }
    txn.commit()?;
    Ok(())
}

/// Deletes the nodes that became stale at or before `earliest`, the value rows of
/// the leaves among them, and their index rows.
fn prune(
    stale: &mut redb::Table<&[u8], ()>,
    nodes: &mut redb::Table<&[u8], &[u8]>,
    values: &mut redb::Table<&[u8], &[u8]>,
    earliest: u64,
) -> Result<(), StateError> {
    let end = (earliest + 1).to_be_bytes();
    let due: Vec<Vec<u8>> = stale
        .range::<&[u8]>(..end.as_slice())?
        .map(|e| e.map(|(k, _)| k.value().to_vec()))
        .collect::<Result<_, _>>()?;
    for key in due {
        let node_key = &key[8..];
        let removed = nodes.remove(node_key)?.map(|bytes| bytes.value().to_vec());
        if let Some(bytes) = removed {
            let node: Node = greenhour_codec::decode(&bytes)
                .map_err(|e| StateError::Decode { key: hex::encode(node_key), reason: e.to_string() })?;
            if let Node::Leaf(leaf) = node {
                let version = u64::from_be_bytes(node_key[..8].try_into().expect("8-byte version prefix"));
                values.remove(value_key(&leaf.key_hash(), version).as_slice())?;
            }
        }
        stale.remove(key.as_slice())?;
    }
    Ok(())
}

/// Durable state plus the version still being written (see [`Store::head_snapshot`]).
pub struct HeadSnapshot {
    pending: Option<Arc<InFlight>>,
    base: Snapshot,
}

impl HeadSnapshot {
    /// The version this view shows.
    pub fn version(&self) -> Option<u64> {
        match &self.pending {
            Some(f) => Some(f.version),
            None => self.base.version(),
        }
    }
}

impl StateRead for HeadSnapshot {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        if let Some(v) = self.pending.as_ref().and_then(|f| f.changes.get(key)) {
            return Ok(v.clone());
        }
        self.base.get_raw(key)
    }
    fn prefix_raw(&self, prefix: &[u8]) -> Result<KeyValues, StateError> {
        let base = self.base.prefix_raw(prefix)?;
        Ok(match &self.pending {
            Some(f) => crate::overlay::merge_prefix(base, &f.changes, prefix),
            None => base,
        })
    }
    fn scan_raw(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<KeyValues, StateError> {
        match &self.pending {
            Some(f) => {
                crate::overlay::merge_scan(|n| self.base.scan_raw(prefix, from, n), &f.changes, prefix, from, limit)
            }
            None => self.base.scan_raw(prefix, from, limit),
        }
    }
}

fn value_key(key_hash: &KeyHash, version: Version) -> [u8; 40] {
    let mut k = [0u8; 40];
    k[..8].copy_from_slice(&version.to_be_bytes());
    k[8..].copy_from_slice(&key_hash.0);
    k
}

fn lock_cache(cache: &Mutex<NodeCache>) -> std::sync::MutexGuard<'_, NodeCache> {
    // The cache holds only immutable nodes; a panic elsewhere cannot corrupt it.
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

/// JMT's view of the committed tree.
struct TreeStore<'a> {
    nodes: ReadOnlyTable<&'static [u8], &'static [u8]>,
    values: ReadOnlyTable<&'static [u8], &'static [u8]>,
    cache: &'a Mutex<NodeCache>,
    /// Nodes of a version still being written (taken before the read transaction).
    pending: Option<Arc<InFlight>>,
}

impl<'a> TreeStore<'a> {
    fn open(db: &Database, cache: &'a Mutex<NodeCache>, pending: Option<Arc<InFlight>>) -> Result<Self, StateError> {
        let txn = db.begin_read()?;
        Ok(TreeStore { nodes: txn.open_table(NODES)?, values: txn.open_table(VALUES)?, cache, pending })
    }
}

impl TreeStore<'_> {
    /// Walks from the root of `version` along `key_hash`'s nibbles; returns the
    /// version of the leaf holding `key_hash`, or `None` if the key is absent.
    fn leaf_version(&self, version: Version, key_hash: KeyHash) -> anyhow::Result<Option<Version>> {
        let nibbles: Vec<u8> = key_hash.0.iter().flat_map(|b| [b >> 4, b & 0x0f]).collect();
        let mut node_version = version;
        for depth in 0..=nibbles.len() {
            let path: NibblePath = nibbles[..depth].iter().map(|n| (*n).into()).collect();
            match self.get_node_option(&NodeKey::new(node_version, path))? {
                None | Some(Node::Null) => return Ok(None),
                Some(Node::Leaf(leaf)) => return Ok((leaf.key_hash() == key_hash).then_some(node_version)),
                Some(Node::Internal(internal)) => {
                    let Some(&nibble) = nibbles.get(depth) else { anyhow::bail!("internal node at full depth") };
                    match internal.child(nibble.into()) {
                        None => return Ok(None),
                        Some(child) => node_version = child.version,
                    }
                }
            }
        }
        anyhow::bail!("tree deeper than a key hash")
    }

    /// The history row written when `key_hash` changed at exactly `version`.
    fn value_row(&self, version: Version, key_hash: &KeyHash) -> anyhow::Result<Option<Option<OwnedValue>>> {
        let key = value_key(key_hash, version);
        if let Some(row) = self.pending.as_ref().and_then(|f| f.values.get(&key)) {
            return Ok(Some(greenhour_codec::decode(row)?));
        }
        match self.values.get(key.as_slice())? {
            None => Ok(None),
            Some(row) => Ok(Some(greenhour_codec::decode(row.value())?)),
        }
    }
}

impl TreeReader for TreeStore<'_> {
    fn get_node_option(&self, node_key: &NodeKey) -> anyhow::Result<Option<Node>> {
        let key = node_key_bytes(node_key);
        if let Some(node) = self.pending.as_ref().and_then(|f| f.nodes.get(&key)) {
            return Ok(Some(node.clone()));
        }
        if let Some(node) = lock_cache(self.cache).get(&key) {
            return Ok(Some(node));
        }
        match self.nodes.get(key.as_slice())? {
            None => Ok(None),
            Some(bytes) => {
                let node: Node = greenhour_codec::decode(bytes.value())?;
                lock_cache(self.cache).insert(key, node.clone());
                Ok(Some(node))
            }
        }
    }

    /// The value of `key_hash` as of `max_version`. History rows exist only for
    /// the versions at which a key changed, and the leaf's node key carries the
    /// version it was written at; a leaf rewritten only because a neighbour moved
    /// it has no row at its version, so we look where it stood one version earlier.
    fn get_value_option(&self, max_version: Version, key_hash: KeyHash) -> anyhow::Result<Option<OwnedValue>> {
        let mut at = max_version;
        loop {
            let Some(leaf_version) = self.leaf_version(at, key_hash)? else {
                return Ok(None);
            };
            if let Some(value) = self.value_row(leaf_version, &key_hash)? {
                return Ok(value);
            }
            anyhow::ensure!(leaf_version > 0, "no value row for a leaf written at version 0");
            at = leaf_version - 1;
        }
    }

    fn get_rightmost_leaf(&self) -> anyhow::Result<Option<(NodeKey, LeafNode)>> {
        anyhow::bail!("tree restore is not supported by this store")
    }
}

/// A consistent read-only view of one committed version.
pub struct Snapshot {
    latest: ReadOnlyTable<&'static [u8], &'static [u8]>,
    #[allow(dead_code)] // keeps the read transaction (and so the snapshot) alive
    txn: ReadTransaction,
    version: Option<u64>,
}

impl Snapshot {
    /// The version this snapshot shows (`None` before genesis is committed).
    pub fn version(&self) -> Option<u64> {
        self.version
    }
}

impl StateRead for Snapshot {
    fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.latest.get(key)?.map(|v| v.value().to_vec()))
    }
    fn prefix_raw(&self, prefix: &[u8]) -> Result<KeyValues, StateError> {
        let mut out = Vec::new();
        for entry in self.latest.range::<&[u8]>((Bound::Included(prefix), Bound::Unbounded))? {
            let (k, v) = entry?;
            if !k.value().starts_with(prefix) {
                break;
            }
            out.push((k.value().to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }
    fn scan_raw(&self, prefix: &[u8], from: &[u8], limit: usize) -> Result<KeyValues, StateError> {
        let start = if from > prefix { from } else { prefix };
        let mut out = Vec::new();
        for entry in self.latest.range::<&[u8]>((Bound::Included(start), Bound::Unbounded))? {
            if out.len() >= limit {
                break;
            }
            let (k, v) = entry?;
            if !k.value().starts_with(prefix) {
                break;
            }
            out.push((k.value().to_vec(), v.value().to_vec()));
        }
        Ok(out)
    }
}

mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(v))
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        hex::decode(<String as Deserialize>::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

mod hex_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.serialize_some(&hex::encode(v)),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        match <Option<String> as Deserialize>::deserialize(d)? {
            None => Ok(None),
            Some(s) => hex::decode(s).map(Some).map_err(serde::de::Error::custom),
        }
    }
}
