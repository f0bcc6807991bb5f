use crate::state::{self, valid_class_name};
use crate::{NftAction, NftError};
use greenhour_framework::{Action, StateWrite, TxCtx};

impl Action for NftAction {
    type Error = NftError;

    fn check(&self) -> Result<(), NftError> {
        let id = match self {
            NftAction::Transfer { id, .. } | NftAction::Approve { id, .. } => id,
        };
        if valid_class_name(&id.class) {
            Ok(())
        } else {
            Err(NftError::UnknownClass(id.class.clone()))
        }
    }

    fn execute(&self, s: &mut impl StateWrite, tx: &TxCtx) -> Result<(), NftError> {
        match self {
            NftAction::Transfer { id, to } => state::transfer(s, &tx.signer, id, to),
            NftAction::Approve { id, spender } => state::approve(s, &tx.signer, id, *spender),
        }
    }
}
