//! Perishable denoms: registration rules, the holder index, and burning out.

use greenhour_bank::{state, BankError, BankGenesis, GenesisBalance, ModuleAccountGenesis, Permission};
use greenhour_framework::{Module, StateRead};
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_state::{BlockOverlay, KeyValues};
use std::collections::BTreeMap;

type Mem = BlockOverlay<BTreeMap<Vec<u8>, Vec<u8>>>;

fn chain() -> Mem {
    let mut s = BlockOverlay::new(BTreeMap::new());
    let g = BankGenesis {
        balances: vec![GenesisBalance { address: Address([1; 20]), coins: vec![Coin::ghr(10)] }],
        module_accounts: vec![
            ModuleAccountGenesis { name: "pools".into(), permissions: vec![Permission::Mint, Permission::Burn] },
            ModuleAccountGenesis { name: "minter_only".into(), permissions: vec![Permission::Mint] },
        ],
        perishable: vec![],
    };
    greenhour_bank::Bank::init_genesis(&mut s, &g).unwrap();
    s
}

fn slot() -> Denom {
    Denom::new("slot/home/500000").unwrap()
}

fn everything(s: &Mem) -> KeyValues {
    s.prefix_raw(b"").unwrap()
}

#[test]
fn app_can_burn_a_perishable_denom_out_of_every_holder() {
    let mut s = chain();
    state::register_perishable(&mut s, "pools", &slot(), 1_800_000_000).unwrap();
    // Registering the same rules twice is a no-op.
    state::register_perishable(&mut s, "pools", &slot(), 1_800_000_000).unwrap();
    let (a, b, c) = (Address([1; 20]), Address([2; 20]), Address([3; 20]));
    state::mint(&mut s, "pools", &a, &Coin::new(slot(), 5)).unwrap();
    state::mint(&mut s, "pools", &b, &Coin::new(slot(), 2)).unwrap();
    state::transfer(&mut s, &a, &c, &Coin::new(slot(), 5)).unwrap();
    assert_eq!(state::holders(&s, &slot()).unwrap(), {
        let mut v = vec![b, c];
        v.sort();
        v
    });
    greenhour_bank::invariants::check(&s).unwrap();
    assert_eq!(state::burn_perished(&mut s, "pools", &slot()).unwrap(), 7);
    assert_eq!(state::supply(&s, &slot()).unwrap(), 0);
    assert!(state::holders(&s, &slot()).unwrap().is_empty());
    assert_eq!(state::perishable(&s, &slot()).unwrap(), None);
    assert_eq!(state::balance(&s, &a, &Denom::ghr()).unwrap(), 10, "other denoms untouched");
    greenhour_bank::invariants::check(&s).unwrap();
}

#[test]
fn rejects_perishable_rules_that_clash_or_lack_permission() {
    let mut s = chain();
    let before = everything(&s);
    assert!(matches!(
        state::register_perishable(&mut s, "minter_only", &slot(), 1),
        Err(BankError::NoPermission { .. })
    ));
    assert!(matches!(
        state::register_perishable(&mut s, "pools", &Denom::ghr(), 1),
        Err(BankError::PerishableConflict(_))
    ));
    assert_eq!(everything(&s), before);
    state::register_perishable(&mut s, "pools", &slot(), 1_000).unwrap();
    assert!(matches!(
        state::register_perishable(&mut s, "pools", &slot(), 2_000),
        Err(BankError::PerishableConflict(_))
    ));
    // A denom that already circulates cannot turn perishable (its holders were never indexed).
    let other = Denom::new("slot/home/500001").unwrap();
    state::mint(&mut s, "pools", &Address([1; 20]), &Coin::new(other.clone(), 1)).unwrap();
    assert!(matches!(state::register_perishable(&mut s, "pools", &other, 5), Err(BankError::PerishableConflict(_))));
    assert!(matches!(state::burn_perished(&mut s, "pools", &other), Err(BankError::NotPerishable(_))));
    assert!(matches!(state::burn_perished(&mut s, "minter_only", &slot()), Err(BankError::NoPermission { .. })));
}
