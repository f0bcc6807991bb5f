//! The shared module suite, run for carbon.

use greenhour_carbon::{Carbon, CarbonGenesis, CarbonParams, CreditFilter};
use greenhour_primitives::Address;
use greenhour_testkit::suite;

fn genesis() -> CarbonGenesis {
    CarbonGenesis {
        params: CarbonParams { issuers: vec![Address([4; 20])], lifetime_secs: 86_400, ..CarbonParams::default() },
        pools: vec![
            CreditFilter { min_vintage: 2016, max_vintage: 2100, kinds: vec![] },
            CreditFilter { min_vintage: 2020, max_vintage: 2030, kinds: vec!["forestry".into()] },
        ],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Carbon>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Carbon>(&genesis());
}

#[test]
fn rejects_inconsistent_genesis() {
    use greenhour_framework::Module;
    let mut state = greenhour_state::BlockOverlay::new(std::collections::BTreeMap::<Vec<u8>, Vec<u8>>::new());
    let mut bad = genesis();
    bad.params.storage_efficiency_bps = 0;
    assert!(Carbon::init_genesis(&mut state, &bad).is_err());
    let mut twice = genesis();
    twice.params.issuers.push(Address([4; 20]));
    assert!(Carbon::init_genesis(&mut state, &twice).is_err());
    let mut reversed = genesis();
    reversed.pools[1].min_vintage = 2040;
    assert!(Carbon::init_genesis(&mut state, &reversed).is_err());
}
