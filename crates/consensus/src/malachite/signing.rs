//! Signing and verification for the engine: votes over light-client vote
//! bytes (`Domain::Consensus`), proposals and part streams under
//! `Domain::Proposal`, validator proofs under `Domain::Peer`; every signature
//! is bound to the chain id.

use super::context::{GreenhourContext, Proposal, ProposalSeal, Vote};
use async_trait::async_trait;
use greenhour_crypto::{Domain, PublicKey, SecretKey, Signature};
use greenhour_primitives::ChainId;
use malachitebft_core_types::{SignedMessage, ValidatorProof, VoteExtensionScope};
use malachitebft_signing::{Error, Signer, VerificationResult, Verifier};

type Ctx = GreenhourContext;

fn vote_bytes(chain_id: &ChainId, vote: &Vote) -> Vec<u8> {
    greenhour_codec::encode(&vote.light(chain_id))
}

fn extension_bytes(scope: &VoteExtensionScope<Ctx>) -> Vec<u8> {
    greenhour_codec::encode(&(
        b"extension".to_vec(),
        scope.height,
        scope.round,
        scope.value_id,
        scope.validator_address,
    ))
}

/// Signs for one validator.
pub struct ConsensusSigner {
    chain_id: ChainId,
    key: SecretKey,
}

impl ConsensusSigner {
    pub fn new(chain_id: ChainId, key: SecretKey) -> Self {
        ConsensusSigner { chain_id, key }
    }
    /// The signature that closes a proposal stream.
    pub fn sign_seal(&self, seal: &ProposalSeal) -> Signature {
        self.key.sign(Domain::Proposal, &self.chain_id, &greenhour_codec::encode(seal))
    }
}

/// Checks a proposal stream's closing signature.
pub fn verify_seal(chain_id: &ChainId, seal: &ProposalSeal, signature: &Signature) -> bool {
    seal.init.proposer.0.verify(Domain::Proposal, chain_id, &greenhour_codec::encode(seal), signature).is_ok()
}

#[async_trait]
impl Signer<Ctx> for ConsensusSigner {
    async fn sign_vote(&self, vote: Vote) -> Result<SignedMessage<Ctx, Vote>, Error> {
        let signature = self.key.sign(Domain::Consensus, &self.chain_id, &vote_bytes(&self.chain_id, &vote));
        Ok(SignedMessage::new(vote, signature))
    }

    async fn sign_proposal(&self, proposal: Proposal) -> Result<SignedMessage<Ctx, Proposal>, Error> {
        let signature = self.key.sign(Domain::Proposal, &self.chain_id, &greenhour_codec::encode(&proposal));
        Ok(SignedMessage::new(proposal, signature))
    }

    async fn sign_vote_extension(
        &self,
        scope: VoteExtensionScope<Ctx>,
        extension: (),
    ) -> Result<SignedMessage<Ctx, ()>, Error> {
        let signature = self.key.sign(Domain::Consensus, &self.chain_id, &extension_bytes(&scope));
        Ok(SignedMessage::new(extension, signature))
    }

    async fn sign_validator_proof(&self, public_key: Vec<u8>, peer_id: Vec<u8>) -> Result<ValidatorProof<Ctx>, Error> {
        let preimage = ValidatorProof::<Ctx>::signing_bytes(&public_key, &peer_id);
        let signature = self.key.sign(Domain::Peer, &self.chain_id, &preimage);
        Ok(ValidatorProof::new(public_key, peer_id, signature))
    }
}

/// Verifies any validator's signatures.
pub struct ConsensusVerifier {
    chain_id: ChainId,
}

impl ConsensusVerifier {
    pub fn new(chain_id: ChainId) -> Self {
        ConsensusVerifier { chain_id }
    }
    fn check(&self, key: &PublicKey, domain: Domain, message: &[u8], signature: &Signature) -> VerificationResult {
        VerificationResult::from_bool(key.verify(domain, &self.chain_id, message, signature).is_ok())
    }
}

#[async_trait]
impl Verifier<Ctx> for ConsensusVerifier {
    async fn verify_signed_vote(
        &self,
        vote: &Vote,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, Error> {
        Ok(self.check(public_key, Domain::Consensus, &vote_bytes(&self.chain_id, vote), signature))
    }

    async fn verify_signed_proposal(
        &self,
        proposal: &Proposal,
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, Error> {
        Ok(self.check(public_key, Domain::Proposal, &greenhour_codec::encode(proposal), signature))
    }

    async fn verify_signed_vote_extension(
        &self,
        scope: &VoteExtensionScope<Ctx>,
        _extension: &(),
        signature: &Signature,
        public_key: &PublicKey,
    ) -> Result<VerificationResult, Error> {
        Ok(self.check(public_key, Domain::Consensus, &extension_bytes(scope), signature))
    }

    async fn verify_validator_proof(&self, proof: &ValidatorProof<Ctx>) -> Result<VerificationResult, Error> {
        let Ok(bytes) = <[u8; 32]>::try_from(proof.public_key.as_slice()) else {
            return Ok(VerificationResult::Invalid);
        };
        Ok(self.check(&PublicKey(bytes), Domain::Peer, &proof.preimage(), &proof.signature))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::malachite::context::{BlockHeight, ValidatorAddress};
    use greenhour_primitives::Hash;
    use malachitebft_core_types::{NilOrVal, Round, VoteType};

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(f)
    }

    #[test]
    fn a_signed_precommit_is_a_light_client_commit_signature() {
        let chain: ChainId = "greenhour-test".parse().expect("chain id");
        let key = SecretKey::from_name("validator-a");
        let block = Hash::digest(b"block");
        let vote = Vote {
            height: BlockHeight(7),
            round: Round::new(2),
            kind: VoteType::Precommit,
            value: NilOrVal::Val(block),
            validator: ValidatorAddress(key.public_key()),
        };
        let signer = ConsensusSigner::new(chain.clone(), key.clone());
        let signed = block_on(signer.sign_vote(vote.clone())).expect("signs");
        // What the light client checks for a certificate at (7, 2) for `block`.
        let expected = greenhour_light::CommitCertificate::sign(&chain, 7, 2, block, &[&key]);
        assert_eq!(signed.signature, expected.signatures[0].signature);
        assert!(vote.light(&chain).verify(&signed.signature).is_ok());
        let verifier = ConsensusVerifier::new(chain.clone());
        let ok = block_on(verifier.verify_signed_vote(&vote, &signed.signature, &key.public_key())).expect("runs");
        assert!(ok.is_valid());
        // The same signature does not pass for another block or chain.
        let other = Vote { value: NilOrVal::Val(Hash::digest(b"other")), ..vote.clone() };
        let bad = block_on(verifier.verify_signed_vote(&other, &signed.signature, &key.public_key())).expect("runs");
        assert!(bad.is_invalid());
        let elsewhere = ConsensusVerifier::new("greenhour-other".parse().expect("chain id"));
        let bad = block_on(elsewhere.verify_signed_vote(&vote, &signed.signature, &key.public_key())).expect("runs");
        assert!(bad.is_invalid());
    }

    #[test]
    fn a_proposal_signature_is_not_a_vote_signature() {
        let chain: ChainId = "greenhour-test".parse().expect("chain id");
        let key = SecretKey::from_name("validator-b");
        let signer = ConsensusSigner::new(chain.clone(), key.clone());
        let proposal = Proposal {
            height: BlockHeight(3),
            round: Round::new(0),
            value: crate::malachite::context::BlockId(Hash::digest(b"b")),
            pol_round: Round::Nil,
            proposer: ValidatorAddress(key.public_key()),
        };
        let signed = block_on(signer.sign_proposal(proposal.clone())).expect("signs");
        let verifier = ConsensusVerifier::new(chain);
        assert!(block_on(verifier.verify_signed_proposal(&proposal, &signed.signature, &key.public_key()))
            .expect("runs")
            .is_valid());
        let as_vote = Vote {
            height: BlockHeight(3),
            round: Round::new(0),
            kind: VoteType::Prevote,
            value: NilOrVal::Val(Hash::digest(b"b")),
            validator: ValidatorAddress(key.public_key()),
        };
        assert!(block_on(verifier.verify_signed_vote(&as_vote, &signed.signature, &key.public_key()))
            .expect("runs")
            .is_invalid());
    }
}
