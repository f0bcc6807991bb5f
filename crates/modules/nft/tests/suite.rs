//! The shared module suite, run for nft.

use greenhour_nft::{ClassGenesis, Nft, NftGenesis, Token, TokenId};
use greenhour_primitives::Address;
use greenhour_testkit::suite;

fn genesis() -> NftGenesis {
    NftGenesis {
        classes: vec![
            ClassGenesis { name: "position".into(), minter: "pools".into() },
            ClassGenesis { name: "retirement".into(), minter: "carbon".into() },
        ],
        tokens: vec![
            Token {
                id: TokenId { class: "position".into(), serial: 4 },
                owner: Address([1; 20]),
                approved: Some(Address([2; 20])),
                attributes: vec![("hours".into(), "24".into())],
            },
            Token {
                id: TokenId { class: "retirement".into(), serial: 1 },
                owner: Address([3; 20]),
                approved: None,
                attributes: vec![],
            },
        ],
    }
}

#[test]
fn genesis_round_trips() {
    suite::genesis_round_trip::<Nft>(&genesis());
}

#[test]
fn empty_block_is_a_no_op() {
    suite::empty_block_is_a_no_op::<Nft>(&genesis());
}
