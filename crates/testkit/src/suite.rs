//! The checks every module must pass (CONVENTIONS: "one shared suite every
//! module runs"). A module's `tests/suite.rs` calls these with its own genesis
//! and action generator.

use greenhour_framework::{BlockCtx, Module};
use greenhour_primitives::{ChainId, Hash};
use greenhour_state::{BlockOverlay, StateRead};
use std::collections::BTreeMap;
use std::fmt::Debug;

type MemoryState = BTreeMap<Vec<u8>, Vec<u8>>;

fn init<M: Module>(genesis: &M::Genesis) -> BlockOverlay<MemoryState>
where
    M::Error: Debug,
{
    let mut state = BlockOverlay::new(MemoryState::new());
    M::init_genesis(&mut state, genesis).expect("genesis initialises");
    state
}

/// `export(init(g))` is a fixed point: initialising from the export exports the
/// same genesis and writes exactly the same state; invariants hold after genesis.
pub fn genesis_round_trip<M: Module>(genesis: &M::Genesis)
where
    M::Genesis: PartialEq + Debug,
    M::Error: Debug,
{
    let first = init::<M>(genesis);
    M::check_invariants(&first).unwrap_or_else(|e| panic!("{} invariants after genesis: {e}", M::NAME));
    let exported = M::export_genesis(&first).expect("genesis exports");
    let second = init::<M>(&exported);
    assert_eq!(
        M::export_genesis(&second).expect("genesis exports"),
        exported,
        "{}: export is not a fixed point",
        M::NAME
    );
    assert_eq!(first.changes(), second.changes(), "{}: re-initialising from the export wrote different state", M::NAME);
}

/// Begin and end block hooks with no transactions leave the module's state as it
/// was, apart from its per-block bookkeeping ([`crate::is_block_bookkeeping`]).
pub fn empty_block_is_a_no_op<M: Module>(genesis: &M::Genesis)
where
    M::Error: Debug,
{
    let mut state = init::<M>(genesis);
    let scan = |s: &BlockOverlay<MemoryState>| -> greenhour_state::KeyValues {
        s.prefix_raw(b"").expect("scan").into_iter().filter(|(k, _)| !crate::is_block_bookkeeping(k)).collect()
    };
    let before = scan(&state);
    let ctx = BlockCtx {
        chain_id: ChainId::new("greenhour-suite").expect("valid"),
        height: 1,
        time: crate::TEST_GENESIS_TIME + 5,
        beacon: Hash::digest(b"suite"),
        last_commit_signers: None,
    };
    M::begin_block(&mut state, &ctx).expect("begin block");
    M::end_block(&mut state, &ctx).expect("end block");
    assert_eq!(scan(&state), before, "{}: an empty block changed state", M::NAME);
    assert!(state.take_events().is_empty(), "{}: an empty block emitted events", M::NAME);
}

/// One transaction of a random run: a demo account signs `actions`, then the
/// clock moves `advance` seconds.
#[derive(Clone, Debug)]
pub struct Step {
    pub signer: usize,
    pub actions: Vec<greenhour_app::AppAction>,
    pub advance: u64,
}

/// Random action sequences keep every invariant: each step is delivered in its
/// own block on `node`, which checks every module's `invariants.rs` after every
/// block (a refused step is left out of its block, so it cannot change state;
/// `TestNode::expect_rejected` checks that where a test wants it shown). Returns
/// how many steps were accepted, so a caller can check that its generator
/// reaches past the refusals.
pub fn random_actions_keep_invariants(node: &mut crate::TestNode, steps: &[Step]) -> usize {
    let mut accepted = 0;
    for step in steps {
        let key = crate::TestNode::key(crate::DEMO_ACCOUNTS[step.signer % crate::DEMO_ACCOUNTS.len()]);
        if node.deliver(node.tx(&key, step.actions.clone())).is_ok() {
            accepted += 1;
        }
        node.advance(step.advance);
    }
    accepted
}
