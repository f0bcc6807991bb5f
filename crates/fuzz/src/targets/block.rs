//! `block`: block bytes → decoding → `process_proposal`, as a validator meets
//! a proposal or a synced block from a peer.
//!
//! Each input is a block's encoding, decoded under the chain's block size
//! limit and checked three ways:
//! - as it is (its header names a parent long gone: refused, without panicking);
//! - with its header set on the current head (chain, height, parent, roots),
//!   so its transactions reach execution; if the checker accepts it, its app
//!   hash must be the one the proposer path computes for the same transactions;
//! - with its transactions re-signed by demo accounts at consecutive nonces:
//!   built by the proposer path, it must pass the checker path whole.

use super::chain::Chain;
use crate::{Depth, Target};
use greenhour_app::block::{last_commit_hash, tx_root};
use greenhour_app::{AppAction, Block, Tx, TxBody};
use greenhour_crypto::SecretKey;
use rand::rngs::StdRng;
use rand::Rng;
use std::collections::BTreeMap;

pub struct BlockTarget {
    chain: Chain,
}

pub fn make() -> Box<dyn Target> {
    Box::new(BlockTarget { chain: Chain::new() })
}

impl BlockTarget {
    /// The block moved onto the current head, its roots recomputed.
    fn on_head(&self, mut block: Block) -> Result<Block, String> {
        let head = self.chain.node.app.latest_header().map_err(|e| format!("head: {e}"))?;
        let h = &mut block.header;
        h.chain_id = head.chain_id.clone();
        h.height = head.height + 1;
        h.prev_hash = head.hash();
        h.time = h.time.clamp(head.time, head.time + 86_400);
        block.last_commit = None;
        block.header.last_commit_hash = last_commit_hash(&None);
        let hashes: Vec<_> = block.txs.iter().map(Tx::hash).collect();
        block.header.tx_root = tx_root(&hashes);
        Ok(block)
    }

    /// If the checker accepted `block`, the proposer path must compute the same app hash.
    fn accepted_agrees(&self, block: &Block) -> Result<Depth, String> {
        let app = &self.chain.node.app;
        let Ok(checked) = app.process_proposal(block.clone()) else { return Ok(Depth::Decoded) };
        let built = app
            .prepare_proposal(block.header.time, block.txs.clone())
            .map_err(|e| format!("prepare_proposal failed on transactions the checker accepted: {e}"))?;
        if built.block().header.app_hash != checked.block().header.app_hash {
            return Err("the checker accepted a block whose app hash the proposer does not compute".into());
        }
        Ok(Depth::Admitted)
    }
}

impl Target for BlockTarget {
    fn name(&self) -> &'static str {
        "block"
    }

    fn seeds(&self) -> Vec<Vec<u8>> {
        let app = &self.chain.node.app;
        let key = SecretKey::from_name("alice");
        let actions: Vec<AppAction> = super::tx::fixture_actions();
        let Ok(head) = app.latest_header() else { return Vec::new() };
        // Blocks of 1 to 4 transactions each, built by the proposer path.
        (0..actions.len())
            .step_by(4)
            .filter_map(|first| {
                let txs: Vec<Tx> = actions[first..(first + 4).min(actions.len())]
                    .iter()
                    .enumerate()
                    .map(|(i, action)| {
                        let body = TxBody {
                            chain_id: app.chain_id().clone(),
                            signer: key.public_key(),
                            nonce: 0,
                            fee: app.params().min_fee,
                            actions: vec![action.clone()],
                            memo: String::new(),
                        };
                        self.chain.resign(body, &key, i as u64)
                    })
                    .collect();
                let sealed = app.prepare_proposal(head.time + 5, txs).ok()?;
                Some(greenhour_codec::encode(sealed.block()))
            })
            .collect()
    }

    fn run(&mut self, input: &[u8]) -> Result<Depth, String> {
        let limit = self.chain.node.app.params().max_block_bytes as usize;
        let Ok(block) = greenhour_codec::decode_limited::<Block>(input, limit) else {
            return Ok(Depth::Undecoded);
        };
        let mut depth = self.accepted_agrees(&block)?;
        let moved = self.on_head(block)?;
        depth = depth.max(self.accepted_agrees(&moved)?);

        let mut next: BTreeMap<[u8; 32], u64> = BTreeMap::new();
        let time = moved.header.time;
        let txs: Vec<Tx> = moved
            .txs
            .into_iter()
            .map(|tx| {
                let key = Chain::signer(&tx);
                let offset = next.entry(key.public_key().0).or_insert(0);
                *offset += 1;
                self.chain.resign(tx.body, &key, *offset - 1)
            })
            .collect();
        if txs.iter().all(|tx| self.chain.node.app.precheck(std::slice::from_ref(tx))[0].is_ok()) {
            depth = depth.max(self.chain.build_check_commit(txs, time)?);
        }
        Ok(depth)
    }

    /// Transactions dropped, repeated or swapped between blocks.
    fn mutate(&self, input: &[u8], rng: &mut StdRng) -> Option<Vec<u8>> {
        let mut block = greenhour_codec::decode::<Block>(input).ok()?;
        match rng.gen_range(0..3) {
            0 if !block.txs.is_empty() => {
                block.txs.remove(rng.gen_range(0..block.txs.len()));
            }
            1 if !block.txs.is_empty() => {
                let tx = block.txs[rng.gen_range(0..block.txs.len())].clone();
                block.txs.insert(rng.gen_range(0..=block.txs.len()), tx);
            }
            _ => block.txs.reverse(),
        }
        Some(greenhour_codec::encode(&block))
    }
}
