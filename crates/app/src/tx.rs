use crate::error::TxError;
use crate::params::AppParams;
use borsh::{BorshDeserialize, BorshSerialize};
use greenhour_crypto::{Domain, PublicKey, SecretKey, Signature};
use greenhour_framework::ErrorInfo;
use greenhour_primitives::{Address, Amount, ChainId, Hash, Nonce};
use serde::{Deserialize, Serialize};

pub use crate::modules::AppAction;

/// What the signer signs.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct TxBody {
    pub chain_id: ChainId,
    pub signer: PublicKey,
    pub nonce: Nonce,
    /// Fee in ughr, paid to the fee collector.
    #[serde(with = "greenhour_primitives::amount_serde")]
    pub fee: Amount,
    pub actions: Vec<AppAction>,
    #[serde(default)]
    pub memo: String,
}

/// A signed transaction: the envelope every action travels in.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize, Serialize, Deserialize)]
pub struct Tx {
    pub body: TxBody,
    pub signature: Signature,
}

impl TxBody {
    pub fn sign(self, key: &SecretKey) -> Tx {
        let signature = key.sign(Domain::Tx, &self.chain_id, &greenhour_codec::encode(&self));
        Tx { body: self, signature }
    }
}

impl Tx {
    /// Decodes untrusted bytes, refusing anything over `max_bytes`.
    pub fn decode(bytes: &[u8], max_bytes: u32) -> Result<Tx, TxError> {
        if bytes.len() > max_bytes as usize {
            return Err(TxError::TooLarge { len: bytes.len(), limit: max_bytes });
        }
        Ok(greenhour_codec::decode_limited(bytes, max_bytes as usize)?)
    }
    pub fn encode(&self) -> Vec<u8> {
        greenhour_codec::encode(self)
    }
    /// SHA-256 of the canonical encoding (signature included).
    pub fn hash(&self) -> Hash {
        Hash::digest(self.encode())
    }
    pub fn signer_address(&self) -> Address {
        self.body.signer.address()
    }
    /// The bytes the signature covers (before domain and chain prefixes).
    pub fn sign_bytes(&self) -> Vec<u8> {
        greenhour_codec::encode(&self.body)
    }

    /// Checks that need no state and no signature work: chain, limits, fee floor,
    /// and every action's own stateless check.
    pub fn check_stateless(&self, chain_id: &ChainId, params: &AppParams, encoded_len: usize) -> Result<(), ErrorInfo> {
        let coded = |e: TxError| ErrorInfo::from_coded(&e);
        if encoded_len > params.max_tx_bytes as usize {
            return Err(coded(TxError::TooLarge { len: encoded_len, limit: params.max_tx_bytes }));
        }
        if &self.body.chain_id != chain_id {
            return Err(coded(TxError::WrongChain {
                expected: chain_id.to_string(),
                got: self.body.chain_id.to_string(),
            }));
        }
        if self.body.actions.is_empty() {
            return Err(coded(TxError::NoActions));
        }
        if self.body.actions.len() > params.max_actions as usize {
            return Err(coded(TxError::TooManyActions { got: self.body.actions.len(), max: params.max_actions }));
        }
        if self.body.memo.len() > params.max_memo_bytes as usize {
            return Err(coded(TxError::MemoTooLong { got: self.body.memo.len(), max: params.max_memo_bytes }));
        }
        if self.body.fee < params.min_fee {
            return Err(coded(TxError::FeeTooLow { got: self.body.fee, min: params.min_fee }));
        }
        self.body.actions.iter().try_for_each(|a| a.check())
    }

    /// Verifies the signature alone (the mempool batches this instead).
    pub fn verify_signature(&self) -> Result<(), TxError> {
        self.body.signer.verify(Domain::Tx, &self.body.chain_id, &self.sign_bytes(), &self.signature).map_err(|e| {
            match e {
                greenhour_crypto::CryptoError::InvalidPublicKey => TxError::InvalidPublicKey,
                _ => TxError::BadSignature,
            }
        })
    }
}

/// Verifies the signatures of many transactions of one chain with batch
/// verification on `threads` threads; one result per transaction.
pub fn verify_signatures(chain_id: &ChainId, txs: &[&Tx], threads: usize) -> Vec<Result<(), TxError>> {
    let bodies: Vec<Vec<u8>> = txs.iter().map(|t| t.sign_bytes()).collect();
    let items: Vec<greenhour_crypto::SignedMessage> = txs
        .iter()
        .zip(&bodies)
        .map(|(t, b)| greenhour_crypto::SignedMessage {
            public_key: &t.body.signer,
            message: b,
            signature: &t.signature,
        })
        .collect();
    greenhour_crypto::verify_batch(Domain::Tx, chain_id, &items, threads)
        .into_iter()
        .map(|r| {
            r.map_err(|e| match e {
                greenhour_crypto::CryptoError::InvalidPublicKey => TxError::InvalidPublicKey,
                _ => TxError::BadSignature,
            })
        })
        .collect()
}
