use crate::modules;
use crate::params::FEE_COLLECTOR;
use greenhour_bank::{BankGenesis, ModuleAccountGenesis, Permission};
use greenhour_nft::genesis::ClassGenesis;
use greenhour_primitives::{ChainId, UnixSeconds};

pub use crate::modules::Genesis;

impl Genesis {
    /// A genesis with no balances and what the modules declare they need: each
    /// module's accounts ([`Module::ACCOUNTS`], plus the app's fee collector) and
    /// NFT classes ([`Module::NFT_CLASSES`], minted by their module), both in name
    /// order, as an export lists them.
    ///
    /// [`Module::ACCOUNTS`]: greenhour_framework::Module::ACCOUNTS
    /// [`Module::NFT_CLASSES`]: greenhour_framework::Module::NFT_CLASSES
    pub fn new(chain_id: ChainId, genesis_time: UnixSeconds) -> Self {
        let mut module_accounts: Vec<ModuleAccountGenesis> = modules::module_accounts()
            .into_iter()
            .map(|a| ModuleAccountGenesis {
                name: a.name.into(),
                permissions: if a.mint_and_burn { vec![Permission::Mint, Permission::Burn] } else { vec![] },
            })
            .chain([ModuleAccountGenesis { name: FEE_COLLECTOR.into(), permissions: vec![] }])
            .collect();
        module_accounts.sort_by(|a, b| a.name.cmp(&b.name));
        let mut classes: Vec<ClassGenesis> = modules::nft_classes()
            .into_iter()
            .map(|(name, minter)| ClassGenesis { name: name.into(), minter: minter.into() })
            .collect();
        classes.sort_by(|a, b| a.name.cmp(&b.name));
        Genesis {
            bank: BankGenesis { balances: Vec::new(), module_accounts, perishable: Vec::new() },
            nft: greenhour_nft::NftGenesis { classes, tokens: Vec::new() },
            ..Genesis::with_defaults(chain_id, genesis_time)
        }
    }

    pub fn from_json(text: &str) -> Result<Genesis, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("genesis serialises")
    }
}
