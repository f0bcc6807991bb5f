//! The shared module suite, run for bank.

use greenhour_bank::{Bank, BankGenesis, GenesisBalance, ModuleAccountGenesis, PerishableDenom, Permission};
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_testkit::suite;

fn genesis() -> BankGenesis {
    BankGenesis {
        balances: vec![
            GenesisBalance { address: Address([1; 20]), coins: vec![Coin::ghr(5), Coin::new(Denom::gusd(), 7)] },
            GenesisBalance {
                address: Address([2; 20]),
                coins: vec![Coin::new(Denom::gco2(), 9), Coin::new(slot(), 3)],
            },
        ],
        module_accounts: vec![
            ModuleAccountGenesis { name: "fee_collector".into(), permissions: vec![] },
            ModuleAccountGenesis { name: "minter".into(), permissions: vec![Permission::Mint, Permission::Burn] },
        ],
        perishable: vec![PerishableDenom { denom: slot(), issuer: "minter".into(), closes_at: 1_800_000_000 }],
    }
}

fn slot() -> Denom {
    Denom::new("slot/home/500000").unwrap()
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Bank>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Bank>(&genesis());
}
