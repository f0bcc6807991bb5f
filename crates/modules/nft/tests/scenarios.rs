//! NFT scenarios: users transfer and approve; only the class's module mints and burns.

use greenhour_app::AppAction;
use greenhour_crypto::SecretKey;
use greenhour_nft::{state, ClassGenesis, NftAction, NftGenesis, Token, TokenId};
use greenhour_primitives::Address;
use greenhour_state::BlockOverlay;
use greenhour_testkit::{demo_genesis, TestNode, TEST_CHAIN};

fn id(serial: u64) -> TokenId {
    TokenId { class: "position".into(), serial }
}

fn node_with_tokens() -> TestNode {
    let mut g = demo_genesis(TEST_CHAIN);
    g.nft = NftGenesis {
        classes: vec![ClassGenesis { name: "position".into(), minter: "pools".into() }],
        tokens: (1..=2)
            .map(|serial| Token {
                id: id(serial),
                owner: TestNode::addr("alice"),
                approved: None,
                attributes: vec![("device".into(), serial.to_string())],
            })
            .collect(),
    };
    TestNode::with_genesis(&g)
}

fn act(a: NftAction) -> Vec<AppAction> {
    vec![AppAction::Nft(a)]
}

fn assert_rejected(node: &mut TestNode, key: &SecretKey, action: NftAction, code: u32) {
    let err = node.expect_rejected(key, act(action));
    assert_eq!((err.module.as_str(), err.code), ("nft", code), "{err}");
}

fn owner(node: &TestNode, serial: u64) -> Address {
    state::token(&node.app.snapshot().unwrap(), &id(serial)).unwrap().owner
}

#[test]
fn app_can_transfer_and_approve_tokens() {
    let mut node = node_with_tokens();
    let (bob, carol, dave) = (TestNode::addr("bob"), TestNode::addr("carol"), TestNode::addr("dave"));
    node.deliver(node.tx(&TestNode::key("alice"), act(NftAction::Transfer { id: id(1), to: bob }))).unwrap();
    assert_eq!(owner(&node, 1), bob);
    node.deliver(node.tx(&TestNode::key("bob"), act(NftAction::Approve { id: id(1), spender: Some(carol) }))).unwrap();
    node.deliver(node.tx(&TestNode::key("carol"), act(NftAction::Transfer { id: id(1), to: dave }))).unwrap();
    let snap = node.app.snapshot().unwrap();
    let t = state::token(&snap, &id(1)).unwrap();
    assert_eq!((t.owner, t.approved), (dave, None), "a transfer clears the approval");
    assert_eq!(t.attributes, vec![("device".to_string(), "1".to_string())], "attributes travel with the token");
    assert_eq!(state::tokens_of(&snap, &dave).unwrap(), vec![id(1)]);
    assert_eq!(state::tokens_of(&snap, &TestNode::addr("alice")).unwrap(), vec![id(2)]);
    // The used approval is gone: carol cannot move it again.
    assert_rejected(&mut node, &TestNode::key("carol"), NftAction::Transfer { id: id(1), to: carol }, 3);
}

#[test]
fn rejects_moves_by_strangers_to_modules_and_of_missing_tokens() {
    let mut node = node_with_tokens();
    let bob = TestNode::key("bob");
    assert_rejected(&mut node, &bob, NftAction::Transfer { id: id(1), to: bob.address() }, 3);
    assert_rejected(&mut node, &bob, NftAction::Approve { id: id(1), spender: Some(bob.address()) }, 4);
    let alice = TestNode::key("alice");
    let module = Address::for_module("fee_collector");
    assert_rejected(&mut node, &alice, NftAction::Transfer { id: id(1), to: module }, 6);
    assert_rejected(&mut node, &alice, NftAction::Transfer { id: id(9), to: bob.address() }, 2);
    let bad_class = TokenId { class: "Not A Class".into(), serial: 1 };
    assert_rejected(&mut node, &alice, NftAction::Transfer { id: bad_class, to: bob.address() }, 1);
}

#[test]
fn only_the_class_module_mints_and_burns_and_serials_are_never_reused() {
    let node = node_with_tokens();
    let mut s = BlockOverlay::new(node.app.snapshot().unwrap());
    let bob = TestNode::addr("bob");
    let minted = state::mint(&mut s, "pools", "position", &bob, vec![("hours".into(), "24".into())]).unwrap();
    assert_eq!(minted, id(3));
    let err = state::mint(&mut s, "bank", "position", &bob, vec![]).unwrap_err();
    assert_eq!(greenhour_framework::CodedError::code(&err), 5);
    assert_eq!(greenhour_framework::CodedError::code(&state::burn(&mut s, "carbon", &id(3)).unwrap_err()), 5);
    let huge = vec![("k".into(), "v".repeat(300))];
    assert_eq!(
        greenhour_framework::CodedError::code(&state::mint(&mut s, "pools", "position", &bob, huge).unwrap_err()),
        7
    );
    state::burn(&mut s, "pools", &id(3)).unwrap();
    assert!(state::token(&s, &id(3)).is_err());
    assert_eq!(state::mint(&mut s, "pools", "position", &bob, vec![]).unwrap(), id(4), "serial 3 is not reused");
    // Custody: the module may move a token into its own account.
    state::transfer_by_module(&mut s, "pools", &id(4), &Address::for_module("pools")).unwrap();
    let class = state::class(&s, "position").unwrap();
    assert_eq!((class.supply, class.next_serial), (3, 5));
    greenhour_nft::invariants::check(&s).unwrap();
}

/// Pages of an owner's tokens, two at a time across two classes and serials
/// past 9 (ordered as numbers, not text), give the full listing once each; a
/// malformed cursor is invalid params.
#[test]
fn app_can_page_an_owners_tokens_by_cursor() {
    let mut g = demo_genesis(TEST_CHAIN);
    let alice = TestNode::addr("alice");
    let token = |class: &str, serial: u64| Token {
        id: TokenId { class: class.into(), serial },
        owner: alice,
        approved: None,
        attributes: vec![],
    };
    g.nft = NftGenesis {
        classes: vec![
            ClassGenesis { name: "position".into(), minter: "pools".into() },
            ClassGenesis { name: "receipt".into(), minter: "carbon".into() },
        ],
        tokens: [2, 9, 10, 11, 100].map(|s| token("position", s)).into_iter().chain([token("receipt", 1)]).collect(),
    };
    let node = TestNode::with_genesis(&g);
    let snap = node.app.snapshot().unwrap();
    let all = state::tokens_of(&snap, &alice).unwrap();
    assert_eq!(all.len(), 6);
    let mut paged = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = greenhour_nft::query::tokens_of(&snap, &alice, after.as_deref(), 2).unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|t| format!("{}/{}", t.id.class, t.id.serial));
        paged.extend(page.into_iter().map(|t| t.id));
    }
    assert_eq!(paged, all);
    assert_eq!(paged.iter().map(|t| t.serial).collect::<Vec<_>>(), vec![2, 9, 10, 11, 100, 1]);
    for bad in ["position", "position/x", "/7", "position/-1"] {
        let err = greenhour_nft::query::tokens_of(&snap, &alice, Some(bad), 2).unwrap_err();
        assert!(matches!(err, greenhour_framework::queries::QueryError::InvalidParams(_)), "{bad}: {err:?}");
    }
}
