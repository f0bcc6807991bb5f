//! A small live chain the state-machine targets run against: three devices of
//! three owners in a compute pool, positions pledged, slots in a buyer's hands
//! (the jobs tests' fleet), so fuzzed actions find real ids to hit.

use crate::Depth;
use greenhour_app::{Tx, TxBody};
use greenhour_crypto::SecretKey;
use greenhour_devices::DeviceId;
use greenhour_testkit::{TestNode, DEMO_ACCOUNTS};

pub struct Chain {
    pub node: TestNode,
    pub devices: Vec<DeviceId>,
    pub positions: Vec<u64>,
}

impl Chain {
    pub fn new() -> Chain {
        let fleet = greenhour_testkit::jobs::fleet();
        Chain { node: fleet.node, devices: fleet.devices, positions: fleet.positions }
    }

    /// The demo account a fuzzed transaction signs as: mostly its own signer
    /// when that is a demo account (so an owner's action stays the owner's),
    /// else one picked by its hash, so owners, buyers and strangers all act.
    pub fn signer(tx: &Tx) -> SecretKey {
        let pick = tx.hash().0[0];
        let own = DEMO_ACCOUNTS.iter().map(|n| SecretKey::from_name(n)).find(|k| k.public_key() == tx.body.signer);
        match own {
            Some(key) if !pick.is_multiple_of(4) => key,
            _ => SecretKey::from_name(DEMO_ACCOUNTS[usize::from(pick) % DEMO_ACCOUNTS.len()]),
        }
    }

    /// The body re-signed by `key` for this chain at the signer's next nonce
    /// plus `offset`: a mutated transaction then reaches the state machine
    /// instead of stopping at its signature.
    pub fn resign(&self, body: TxBody, key: &SecretKey, offset: u64) -> Tx {
        TxBody {
            chain_id: self.node.app.chain_id().clone(),
            signer: key.public_key(),
            nonce: self.node.nonce(&key.address()) + offset,
            ..body
        }
        .sign(key)
    }

    /// Admission as the mempool runs it: stateless checks, signature, nonce, fee.
    pub fn admit(&self, tx: &Tx) -> bool {
        let stateless = self.node.app.precheck(std::slice::from_ref(tx)).remove(0);
        let Ok(snapshot) = self.node.app.snapshot() else { return false };
        stateless.is_ok() && self.node.app.check_tx_state(&snapshot, tx, 0).is_ok()
    }

    /// Builds a block of `txs` with the proposer's path, checks it with the
    /// checker's path (it must be accepted with the same hash), commits it when
    /// it holds anything and checks every module's invariants.
    /// The block's time is 5 s after the head's, or `at_least` if later (up to
    /// a day ahead), so hour boundaries and their end-block work get crossed.
    pub fn build_check_commit(&mut self, txs: Vec<Tx>, at_least: u64) -> Result<Depth, String> {
        let app = &self.node.app;
        let head = app.latest_header().map_err(|e| format!("head: {e}"))?;
        let time = at_least.clamp(head.time + 5, head.time + 86_400);
        let sealed = app.prepare_proposal(time, txs).map_err(|e| format!("prepare_proposal failed: {e}"))?;
        let applied = sealed.outcomes().iter().any(|o| o.result.is_ok());

        let included = !sealed.block().txs.is_empty();
        let checked = app
            .process_proposal(sealed.block().clone())
            .map_err(|e| format!("the checker refused the proposer's block: {e}"))?;
        if checked.block().hash() != sealed.block().hash() {
            return Err("the checker's block hash differs from the proposer's".into());
        }
        if included {
            app.commit_sealed(checked, None)
                .and_then(|pending| pending.wait())
                .map_err(|e| format!("commit failed: {e}"))?;
            let snapshot = app.snapshot().map_err(|e| format!("snapshot: {e}"))?;
            if let Err((module, e)) = greenhour_app::modules::check_invariants(&snapshot) {
                return Err(format!("invariant of {module} broken: {e}"));
            }
        }
        Ok(if applied { Depth::Applied } else { Depth::Admitted })
    }
}
