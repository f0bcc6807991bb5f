//! One borsh codec for everything the engine puts on the wire or in its WAL.
//! Decoding is strict (trailing bytes are an error) and never panics on
//! adversarial input; the transport bounds message sizes before we see them.

use super::context::{BlockHeight, GreenhourContext, ProposalPart, ValidatorAddress};
use borsh::{BorshDeserialize, BorshSerialize};
use bytes::Bytes;
use greenhour_crypto::Signature;
use greenhour_primitives::Hash;
use malachitebft_codec::{Codec, HasEncodedLen};
use malachitebft_core_consensus::{LivenessMsg, ProposedValue, SignedConsensusMsg};
use malachitebft_core_types::{
    ExtendedCommitCertificate, ExtendedCommitSignature, PolkaCertificate, Round, ValidatorProof,
};
use malachitebft_engine::util::streaming::StreamMessage;
use malachitebft_sync as sync;

type Ctx = GreenhourContext;

/// Why bytes did not decode (or, never in practice, a value did not encode).
#[derive(Debug, thiserror::Error)]
#[error("consensus codec: {0}")]
pub struct CodecError(String);

/// The codec of Greenhour's consensus messages, WAL entries and sync traffic.
#[derive(Clone, Copy, Debug, Default)]
pub struct BorshCodec;

fn encode<T: BorshSerialize>(value: &T) -> Result<Bytes, CodecError> {
    borsh::to_vec(value).map(Bytes::from).map_err(|e| CodecError(e.to_string()))
}

fn decode<T: BorshDeserialize>(bytes: &[u8]) -> Result<T, CodecError> {
    borsh::from_slice(bytes).map_err(|e| CodecError(e.to_string()))
}

macro_rules! borsh_codec {
    ($($t:ty),* $(,)?) => {$(
        impl Codec<$t> for BorshCodec {
            type Error = CodecError;
            fn decode(&self, bytes: Bytes) -> Result<$t, CodecError> {
                decode(&bytes)
            }
            fn encode(&self, msg: &$t) -> Result<Bytes, CodecError> {
                encode(msg)
            }
        }
    )*};
}

borsh_codec!(
    ProposalPart,
    SignedConsensusMsg<Ctx>,
    LivenessMsg<Ctx>,
    StreamMessage<ProposalPart>,
    ProposedValue<Ctx>,
    PolkaCertificate<Ctx>,
    sync::Status<Ctx>,
    sync::Request<Ctx>,
);

/// A sync response on the wire. Upstream's borsh form needs one for extended
/// commit certificates, which 0.8.2 lacks; vote extensions are disabled here,
/// so a certificate travels as its precommit signatures.
#[derive(BorshSerialize, BorshDeserialize)]
struct ResponseWire {
    start_height: BlockHeight,
    values: Vec<DecidedWire>,
}

#[derive(BorshSerialize, BorshDeserialize)]
struct DecidedWire {
    value_bytes: Vec<u8>,
    height: BlockHeight,
    round: Round,
    value_id: Hash,
    signatures: Vec<(ValidatorAddress, Signature)>,
}

fn response_wire(msg: &sync::Response<Ctx>) -> ResponseWire {
    let sync::Response::ValueResponse(r) = msg;
    ResponseWire {
        start_height: r.start_height,
        values: r
            .values
            .iter()
            .map(|v| DecidedWire {
                value_bytes: v.value_bytes.to_vec(),
                height: v.certificate.height,
                round: v.certificate.round,
                value_id: v.certificate.value_id,
                signatures: v.certificate.commit_signatures.iter().map(|s| (s.address, s.signature)).collect(),
            })
            .collect(),
    }
}

impl Codec<sync::Response<Ctx>> for BorshCodec {
    type Error = CodecError;
    fn decode(&self, bytes: Bytes) -> Result<sync::Response<Ctx>, CodecError> {
        let w: ResponseWire = decode(&bytes)?;
        let values = w
            .values
            .into_iter()
            .map(|v| {
                let certificate = ExtendedCommitCertificate {
                    height: v.height,
                    round: v.round,
                    value_id: v.value_id,
                    commit_signatures: v
                        .signatures
                        .into_iter()
                        .map(|(address, signature)| ExtendedCommitSignature::new(address, signature, None))
                        .collect(),
                };
                sync::RawDecidedValue::new(Bytes::from(v.value_bytes), certificate)
            })
            .collect();
        Ok(sync::Response::ValueResponse(sync::ValueResponse::new(w.start_height, values)))
    }
    fn encode(&self, msg: &sync::Response<Ctx>) -> Result<Bytes, CodecError> {
        encode(&response_wire(msg))
    }
}

impl HasEncodedLen<sync::Response<Ctx>> for BorshCodec {
    fn encoded_len(&self, msg: &sync::Response<Ctx>) -> Result<usize, CodecError> {
        borsh::object_length(&response_wire(msg)).map_err(|e| CodecError(e.to_string()))
    }
}

/// Validator proofs have no borsh form upstream; this is theirs.
#[derive(BorshSerialize, BorshDeserialize)]
struct ProofWire {
    public_key: Vec<u8>,
    peer_id: Vec<u8>,
    signature: Signature,
}

impl Codec<ValidatorProof<Ctx>> for BorshCodec {
    type Error = CodecError;
    fn decode(&self, bytes: Bytes) -> Result<ValidatorProof<Ctx>, CodecError> {
        let w: ProofWire = decode(&bytes)?;
        Ok(ValidatorProof::new(w.public_key, w.peer_id, w.signature))
    }
    fn encode(&self, msg: &ValidatorProof<Ctx>) -> Result<Bytes, CodecError> {
        encode(&ProofWire {
            public_key: msg.public_key.clone(),
            peer_id: msg.peer_id.clone(),
            signature: msg.signature,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::malachite::context::ProposalInit;
    use greenhour_crypto::SecretKey;
    use malachitebft_engine::util::streaming::{StreamContent, StreamId};

    #[test]
    fn proposal_parts_round_trip_and_garbage_is_an_error() {
        let key = SecretKey::from_name("codec");
        let part = StreamMessage::new(
            StreamId::new(Bytes::from_static(b"s1")),
            0,
            StreamContent::Data(ProposalPart::Init(ProposalInit {
                height: BlockHeight(9),
                round: Round::new(1),
                valid_round: Round::Nil,
                proposer: ValidatorAddress(key.public_key()),
            })),
        );
        let bytes = Codec::<StreamMessage<ProposalPart>>::encode(&BorshCodec, &part).expect("encodes");
        let back: StreamMessage<ProposalPart> = BorshCodec.decode(bytes.clone()).expect("decodes");
        assert_eq!(back, part);
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(Codec::<StreamMessage<ProposalPart>>::decode(&BorshCodec, Bytes::from(longer)).is_err());
        assert!(Codec::<SignedConsensusMsg<Ctx>>::decode(&BorshCodec, Bytes::from_static(&[7, 1, 2])).is_err());
    }
}
