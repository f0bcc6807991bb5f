use crate::state::{valid_class_name, ClassInfo, Token};
use crate::{keys, NftError};
use greenhour_state::{StateRead, StateWrite};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A class to create at genesis and the module that governs it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassGenesis {
    pub name: String,
    pub minter: String,
}

/// The nft part of the genesis file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NftGenesis {
    #[serde(default)]
    pub classes: Vec<ClassGenesis>,
    #[serde(default)]
    pub tokens: Vec<Token>,
}

pub fn init(state: &mut impl StateWrite, g: &NftGenesis) -> Result<(), NftError> {
    let mut classes: BTreeMap<String, ClassInfo> = BTreeMap::new();
    for c in &g.classes {
        if !valid_class_name(&c.name) || c.minter.is_empty() {
            return Err(NftError::InvalidGenesis(format!(
                "class {:?} needs a [a-z0-9_]{{1,32}} name and a minter",
                c.name
            )));
        }
        let info = ClassInfo { name: c.name.clone(), minter: c.minter.clone(), next_serial: 1, supply: 0 };
        if classes.insert(c.name.clone(), info).is_some() {
            return Err(NftError::InvalidGenesis(format!("class {} listed twice", c.name)));
        }
    }
    for t in &g.tokens {
        let info = classes
            .get_mut(&t.id.class)
            .ok_or_else(|| NftError::InvalidGenesis(format!("token {} of an unknown class", t.id)))?;
        if state.get(&keys::token(&t.id.class, t.id.serial))?.is_some() || t.id.serial == 0 {
            return Err(NftError::InvalidGenesis(format!("token {} listed twice or has serial 0", t.id)));
        }
        info.supply += 1;
        info.next_serial = info.next_serial.max(t.id.serial + 1);
        state.put(&keys::token(&t.id.class, t.id.serial), t);
        state.put(&keys::owned(&t.owner, &t.id.class, t.id.serial), &());
    }
    for (name, info) in classes {
        state.put(&keys::class(&name), &info);
    }
    Ok(())
}

pub fn export(state: &impl StateRead) -> Result<NftGenesis, NftError> {
    let classes = state
        .prefix::<ClassInfo>(keys::CLASS_PREFIX)?
        .into_iter()
        .map(|(_, c)| ClassGenesis { name: c.name, minter: c.minter })
        .collect();
    let tokens = state.prefix::<Token>(keys::TOKEN_PREFIX)?.into_iter().map(|(_, t)| t).collect();
    Ok(NftGenesis { classes, tokens })
}
