use crate::{CommitCertificate, Header, LightError, ValidatorSet};
use greenhour_primitives::{ChainId, Hash, Height};
use serde::{Deserialize, Serialize};

/// What a light client trusts: one header's height and hash, and the set that
/// signs the header after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trusted {
    pub height: Height,
    pub hash: Hash,
    pub app_hash: Hash,
    pub next_set: ValidatorSet,
}

/// Follows a chain header by header from a trusted start (for example the
/// genesis header and genesis set, or a checkpoint a device stored).
#[derive(Clone, Debug)]
pub struct LightClient {
    chain_id: ChainId,
    trusted: Trusted,
}

impl LightClient {
    /// Trusts `header`, whose `next_validators_hash` must be `next_set`'s hash.
    pub fn new(chain_id: ChainId, header: &Header, next_set: ValidatorSet) -> Result<Self, LightError> {
        if header.next_validators_hash != next_set.hash() {
            return Err(LightError::ForgedSetChange {
                height: header.height,
                why: "the trusted header does not announce the given set".into(),
            });
        }
        let trusted = Trusted { height: header.height, hash: header.hash(), app_hash: header.app_hash, next_set };
        Ok(LightClient { chain_id, trusted })
    }

    pub fn trusted(&self) -> &Trusted {
        &self.trusted
    }

    pub fn chain_id(&self) -> &ChainId {
        &self.chain_id
    }

    /// Accepts the header after the trusted one:
    /// 1. same chain, next height, `prev_hash` = the trusted hash;
    /// 2. `validators_hash` = the set the trusted header announced;
    /// 3. `certificate` is for this header's hash and height and carries more
    ///    than two thirds of that set's power;
    /// 4. if it announces another set, `new_set` must be exactly that set.
    ///
    /// On success the header becomes the trusted one.
    pub fn verify_next(
        &mut self,
        header: &Header,
        certificate: &CommitCertificate,
        new_set: Option<&ValidatorSet>,
    ) -> Result<(), LightError> {
        let not_next = |why: &str| Err(LightError::NotNext { height: header.height, why: why.into() });
        if header.chain_id != self.chain_id {
            return not_next("another chain");
        }
        if header.height != self.trusted.height + 1 {
            return not_next("not the next height");
        }
        if header.prev_hash != self.trusted.hash {
            return not_next("prev_hash is not the trusted header's hash");
        }
        let expected = self.trusted.next_set.hash();
        if header.validators_hash != expected {
            return Err(LightError::WrongSigners { height: header.height, expected, got: header.validators_hash });
        }
        let hash = header.hash();
        if certificate.height != header.height || certificate.block != hash {
            return Err(LightError::CertificateMismatch { height: certificate.height, block: certificate.block });
        }
        certificate.verify(&self.chain_id, &self.trusted.next_set)?;
        let next_set = if header.next_validators_hash == header.validators_hash {
            self.trusted.next_set.clone()
        } else {
            let Some(set) = new_set else {
                return Err(LightError::ForgedSetChange {
                    height: header.height,
                    why: "the header announces a new set and none was given".into(),
                });
            };
            if set.hash() != header.next_validators_hash {
                return Err(LightError::ForgedSetChange {
                    height: header.height,
                    why: "the given set is not the one the header announces".into(),
                });
            }
            set.clone()
        };
        self.trusted = Trusted { height: header.height, hash, app_hash: header.app_hash, next_set };
        Ok(())
    }
}
