use crate::params::{AppParams, FEE_COLLECTOR};
use greenhour_bank::{BankGenesis, ModuleAccountGenesis, Permission};
use greenhour_primitives::{ChainId, UnixSeconds};
use serde::{Deserialize, Serialize};

/// The genesis file (`genesis.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    pub chain_id: ChainId,
    /// Time of the genesis state; the first block's time must be later.
    pub genesis_time: UnixSeconds,
    #[serde(default)]
    pub params: AppParams,
    pub bank: BankGenesis,
    #[serde(default)]
    pub devices: greenhour_devices::DevicesGenesis,
    #[serde(default)]
    pub nft: greenhour_nft::NftGenesis,
    #[serde(default)]
    pub oracle: greenhour_oracle::OracleGenesis,
    #[serde(default)]
    pub pools: greenhour_pools::PoolsGenesis,
    #[serde(default)]
    pub market: greenhour_market::MarketGenesis,
    #[serde(default)]
    pub index: greenhour_index::IndexGenesis,
    #[serde(default)]
    pub jobs: greenhour_jobs::JobsGenesis,
    #[serde(default)]
    pub carbon: greenhour_carbon::CarbonGenesis,
    #[serde(default)]
    pub staking: greenhour_staking::StakingGenesis,
}

impl Genesis {
    /// A genesis with the standard module accounts (fees; pools, which mints and
    /// burns slot tokens; market, which mints LP shares) and NFT classes (positions, minted by pools), and no balances.
    pub fn new(chain_id: ChainId, genesis_time: UnixSeconds) -> Self {
        Genesis {
            chain_id,
            genesis_time,
            params: AppParams::default(),
            bank: BankGenesis {
                balances: Vec::new(),
                module_accounts: vec![
                    // In name order, as an export lists them.
                    ModuleAccountGenesis {
                        name: greenhour_carbon::NAME.into(),
                        permissions: vec![Permission::Mint, Permission::Burn],
                    },
                    ModuleAccountGenesis { name: FEE_COLLECTOR.into(), permissions: vec![] },
                    ModuleAccountGenesis { name: greenhour_jobs::INSURANCE.into(), permissions: vec![] },
                    ModuleAccountGenesis { name: greenhour_jobs::NAME.into(), permissions: vec![] },
                    ModuleAccountGenesis {
                        name: greenhour_market::NAME.into(),
                        permissions: vec![Permission::Mint, Permission::Burn],
                    },
                    ModuleAccountGenesis {
                        name: greenhour_pools::NAME.into(),
                        permissions: vec![Permission::Mint, Permission::Burn],
                    },
                    ModuleAccountGenesis {
                        name: greenhour_staking::NAME.into(),
                        permissions: vec![Permission::Mint, Permission::Burn],
                    },
                ],
                perishable: Vec::new(),
            },
            devices: Default::default(),
            nft: greenhour_nft::NftGenesis {
                classes: vec![
                    greenhour_nft::genesis::ClassGenesis {
                        name: greenhour_carbon::RECEIPT_CLASS.into(),
                        minter: greenhour_carbon::NAME.into(),
                    },
                    greenhour_nft::genesis::ClassGenesis {
                        name: greenhour_pools::POSITION_CLASS.into(),
                        minter: greenhour_pools::NAME.into(),
                    },
                ],
                tokens: Vec::new(),
            },
            oracle: Default::default(),
            pools: Default::default(),
            market: Default::default(),
            index: Default::default(),
            jobs: Default::default(),
            carbon: Default::default(),
            staking: Default::default(),
        }
    }

    pub fn from_json(text: &str) -> Result<Genesis, String> {
        serde_json::from_str(text).map_err(|e| e.to_string())
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("genesis serialises")
    }
}
