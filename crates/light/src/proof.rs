use crate::LightError;
use greenhour_primitives::Hash;
use jmt::{KeyHash, RootHash};
use sha2::Sha256;

/// Checks a JMT proof (borsh of `jmt::proof::SparseMerkleProof<Sha256>`, as the
/// node's `state` query returns it) against `root`: that `key` holds `value`,
/// or, with `None`, that `key` is absent.
pub fn verify_proof(root: &Hash, key: &[u8], value: Option<&[u8]>, proof: &[u8]) -> Result<(), LightError> {
    let proof: jmt::proof::SparseMerkleProof<Sha256> =
        greenhour_codec::decode(proof).map_err(|e| LightError::Proof(e.to_string()))?;
    proof.verify(RootHash(root.0), KeyHash::with::<Sha256>(key), value).map_err(|e| LightError::Proof(e.to_string()))
}
