use crate::state::{self, valid_feed_name};
use crate::{OracleAction, OracleError};
use greenhour_framework::{Action, StateWrite, TxCtx};

impl Action for OracleAction {
    type Error = OracleError;

    fn check(&self) -> Result<(), OracleError> {
        let OracleAction::Submit { feed, .. } = self;
        if valid_feed_name(feed) {
            Ok(())
        } else {
            Err(OracleError::UnknownFeed(feed.clone()))
        }
    }

    fn execute(&self, s: &mut impl StateWrite, tx: &TxCtx) -> Result<(), OracleError> {
        let OracleAction::Submit { feed, round, value } = self;
        state::submit(s, &tx.signer, feed, *round, *value, tx.block.time, tx.block.height).map(|_| ())
    }
}
