//! The shared module suite, run for bank.

use greenhour_bank::{Bank, BankGenesis, GenesisBalance, ModuleAccountGenesis, Permission};
use greenhour_primitives::{Address, Coin, Denom};
use greenhour_testkit::suite;

fn genesis() -> BankGenesis {
    BankGenesis {
        balances: vec![
            GenesisBalance { address: Address([1; 20]), coins: vec![Coin::ghr(5), Coin::new(Denom::gusd(), 7)] },
            GenesisBalance { address: Address([2; 20]), coins: vec![Coin::new(Denom::gco2(), 9)] },
        ],
        module_accounts: vec![
            ModuleAccountGenesis { name: "fee_collector".into(), permissions: vec![] },
            ModuleAccountGenesis { name: "minter".into(), permissions: vec![Permission::Mint, Permission::Burn] },
        ],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Bank>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Bank>(&genesis());
}
