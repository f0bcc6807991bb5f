//! `consensus`: bytes from a peer → the Malachite codec, for every message
//! type the engine puts on the wire or in its write-ahead log.
//!
//! Each input is decoded as every type. Whatever decodes must re-encode to
//! the very same bytes: one encoding per value, so a vote or a proposal part
//! cannot be re-shaped by a relayer without changing what was signed.

use crate::{Depth, Target};
use bytes::Bytes;
use greenhour_consensus::malachite::codec::BorshCodec;
use greenhour_consensus::malachite::context::{
    BlockHeight, BlockId, GreenhourContext as Ctx, Proposal, ProposalInit, ProposalPart, ValidatorAddress, Vote,
};
use greenhour_crypto::{Domain, SecretKey};
use greenhour_primitives::{ChainId, Hash};
use malachitebft_codec::Codec;
use malachitebft_core_consensus::{LivenessMsg, ProposedValue, SignedConsensusMsg};
use malachitebft_core_types::{
    ExtendedCommitCertificate, ExtendedCommitSignature, NilOrVal, PolkaCertificate, Round, SignedMessage,
    ValidatorProof, Validity, VoteType,
};
use malachitebft_engine::util::streaming::{StreamContent, StreamId, StreamMessage};
use malachitebft_sync as sync;

pub struct ConsensusTarget;

pub fn make() -> Box<dyn Target> {
    Box::new(ConsensusTarget)
}

/// Decodes `bytes` as `T`; if it decodes, it must re-encode to `bytes`.
fn canonical<T>(bytes: &[u8], name: &str) -> Result<bool, String>
where
    BorshCodec: Codec<T>,
{
    let Ok(value) = Codec::<T>::decode(&BorshCodec, Bytes::copy_from_slice(bytes)) else { return Ok(false) };
    let again =
        Codec::<T>::encode(&BorshCodec, &value).map_err(|e| format!("{name} decoded but does not encode: {e}"))?;
    if again.as_ref() != bytes {
        return Err(format!(
            "{name} has a second encoding: {} re-encodes as {}",
            hex::encode(bytes),
            hex::encode(&again)
        ));
    }
    Ok(true)
}

fn encoded<T>(value: &T) -> Vec<u8>
where
    BorshCodec: Codec<T>,
{
    Codec::<T>::encode(&BorshCodec, value).expect("a valid message encodes").to_vec()
}

impl Target for ConsensusTarget {
    fn name(&self) -> &'static str {
        "consensus"
    }

    fn seeds(&self) -> Vec<Vec<u8>> {
        let chain = ChainId::new("greenhour-fuzz").expect("chain id");
        let key = SecretKey::from_name("validator");
        let validator = ValidatorAddress(key.public_key());
        let height = BlockHeight(9);
        let block = Hash([7; 32]);
        let init = ProposalInit { height, round: Round::new(1), valid_round: Round::Nil, proposer: validator };
        let stream =
            |sequence, content| StreamMessage::new(StreamId::new(Bytes::from_static(b"9/1")), sequence, content);
        let vote =
            Vote { height, round: Round::new(1), kind: VoteType::Precommit, value: NilOrVal::Val(block), validator };
        let signature = key.sign(Domain::Consensus, &chain, &greenhour_codec::encode(&vote.light(&chain)));
        let signed_vote = SignedMessage::new(vote, signature);
        let proposal = Proposal {
            height,
            round: Round::new(1),
            value: BlockId(block),
            pol_round: Round::Nil,
            proposer: validator,
        };
        let certificate = ExtendedCommitCertificate::<Ctx> {
            height,
            round: Round::new(1),
            value_id: block,
            commit_signatures: vec![ExtendedCommitSignature::new(validator, signature, None)],
        };
        vec![
            encoded(&stream(0, StreamContent::Data(ProposalPart::Init(init.clone())))),
            encoded(&stream(1, StreamContent::Data(ProposalPart::Chunk(vec![1, 2, 3, 4])))),
            encoded(&stream(2, StreamContent::Data(ProposalPart::Fin(signature)))),
            encoded(&stream(3, StreamContent::Fin)),
            encoded(&ProposalPart::Init(init)),
            encoded(&SignedConsensusMsg::<Ctx>::Vote(signed_vote.clone())),
            encoded(&SignedConsensusMsg::<Ctx>::Proposal(SignedMessage::new(proposal, signature))),
            encoded(&LivenessMsg::<Ctx>::Vote(signed_vote.clone())),
            encoded(&PolkaCertificate::<Ctx>::new(height, Round::new(1), block, vec![signed_vote])),
            encoded(&ProposedValue::<Ctx> {
                height,
                round: Round::new(1),
                valid_round: Round::Nil,
                proposer: validator,
                value: BlockId(block),
                validity: Validity::Valid,
            }),
            encoded(&sync::Request::<Ctx>::ValueRequest(sync::ValueRequest::new(height..=BlockHeight(12)))),
            encoded(&sync::Response::<Ctx>::ValueResponse(sync::ValueResponse::new(
                height,
                vec![sync::RawDecidedValue::new(Bytes::from_static(b"block"), certificate)],
            ))),
            encoded(&ValidatorProof::<Ctx>::new(key.public_key().0.to_vec(), b"peer".to_vec(), signature)),
        ]
    }

    fn run(&mut self, input: &[u8]) -> Result<Depth, String> {
        let decoded = [
            canonical::<ProposalPart>(input, "ProposalPart")?,
            canonical::<SignedConsensusMsg<Ctx>>(input, "SignedConsensusMsg")?,
            canonical::<LivenessMsg<Ctx>>(input, "LivenessMsg")?,
            canonical::<StreamMessage<ProposalPart>>(input, "StreamMessage")?,
            canonical::<ProposedValue<Ctx>>(input, "ProposedValue")?,
            canonical::<PolkaCertificate<Ctx>>(input, "PolkaCertificate")?,
            canonical::<sync::Status<Ctx>>(input, "sync::Status")?,
            canonical::<sync::Request<Ctx>>(input, "sync::Request")?,
            canonical::<sync::Response<Ctx>>(input, "sync::Response")?,
            canonical::<ValidatorProof<Ctx>>(input, "ValidatorProof")?,
        ];
        // Accepted by the codec is as deep as this target goes.
        Ok(if decoded.contains(&true) { Depth::Admitted } else { Depth::Undecoded })
    }
}
