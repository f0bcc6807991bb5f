//! The node over HTTP: JSON-RPC, REST, WebSocket, and how it treats bad input.

use futures_util::StreamExt;
use greenhour_app::rpc::BroadcastMode;
use greenhour_app::{AppAction, Tx};
use greenhour_bank::BankAction;
use greenhour_bank::BankEvent;
use greenhour_client::{ClientError, RpcClient, Wallet};
use greenhour_crypto::SecretKey;
use greenhour_node::config::HomeLayout;
use greenhour_node::{Node, NodeConfig, RunningNode};
use greenhour_primitives::{Coin, Denom};
use greenhour_testkit::{demo_genesis, DEMO_BALANCE};
use serde_json::{json, Value};

const CHAIN: &str = "greenhour-rpc-test";

struct Harness {
    running: Option<RunningNode>,
    client: RpcClient,
    url: String,
    _dir: tempfile::TempDir,
}

async fn start() -> Harness {
    start_with(demo_genesis(CHAIN)).await
}

async fn start_with(genesis: greenhour_app::Genesis) -> Harness {
    start_configured(genesis, |_| {}).await
}

async fn start_configured(genesis: greenhour_app::Genesis, adjust: impl FnOnce(&mut NodeConfig)) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let mut config =
        NodeConfig { rpc_listen: "127.0.0.1:0".into(), rpc_max_body_bytes: 256 * 1024, ..Default::default() };
    config.solo.block_interval_ms = 50;
    adjust(&mut config);
    let running = Node::start(config, &HomeLayout::new(dir.path()), &genesis).await.unwrap();
    let url = format!("http://{}", running.rpc_addr);
    Harness { client: RpcClient::new(&url), url, running: Some(running), _dir: dir }
}

impl Harness {
    fn wallet(&self, name: &str) -> Wallet {
        Wallet::new(SecretKey::from_name(name), CHAIN.parse().unwrap(), 1_000)
    }
    async fn raw(&self, body: &str) -> (u16, Value) {
        let r = reqwest::Client::new().post(&self.url).body(body.to_string()).send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
    async fn get(&self, path: &str) -> (u16, Value) {
        let r = reqwest::get(format!("{}{path}", self.url)).await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }
    async fn stop(mut self) {
        self.running.take().unwrap().stop().await.unwrap();
    }
}

fn addr(name: &str) -> greenhour_primitives::Address {
    SecretKey::from_name(name).address()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_broadcast_commit_and_query_everything() {
    let h = start().await;
    let mut alice = h.wallet("alice");
    let result = alice.send(&h.client, addr("bob"), vec![Coin::ghr(777)], BroadcastMode::Commit).await.unwrap();
    let record = result.committed.expect("commit mode returns the record");
    assert!(record.height >= 1);

    let tx = h.client.tx(&result.hash).await.unwrap();
    assert_eq!(tx.record, record);
    let block = h.client.block(Some(record.height)).await.unwrap();
    assert!(block.block.txs.iter().any(|t| t.hash() == result.hash));
    let bob = h.client.account(&addr("bob")).await.unwrap();
    assert!(bob.balances.contains(&Coin::ghr(DEMO_BALANCE + 777)));
    let alice_info = h.client.account(&addr("alice")).await.unwrap();
    assert_eq!(alice_info.nonce, 1);
    let supply = h.client.supply().await.unwrap();
    assert!(supply.supply.contains(&Coin::ghr(4 * DEMO_BALANCE)));
    let status = h.client.status().await.unwrap();
    assert_eq!(status.chain_id, CHAIN);
    assert!(status.height >= record.height);

    // The proof of bob's balance verifies against the block header's app hash.
    let key = format!("bank/balance/{}/ughr", addr("bob").to_key_hex());
    let proof = h.client.state(&key, Some(record.height)).await.unwrap();
    let header = h.client.block(Some(record.height)).await.unwrap().block.header;
    assert_eq!(proof.root, header.app_hash);
    proof.verify(&header.app_hash).unwrap();
    assert_eq!(proof.value, Some(greenhour_codec::encode(&(DEMO_BALANCE + 777))));
    let absent = h.client.state("bank/balance/nobody/ughr", None).await.unwrap();
    assert_eq!(absent.value, None);

    // REST mirrors JSON-RPC.
    let (code, body) = h.get(&format!("/accounts/{}", addr("bob"))).await;
    assert_eq!(code, 200);
    assert_eq!(body["nonce"], 0);
    let (code, body) = h.get(&format!("/txs/{}", result.hash)).await;
    assert_eq!(code, 200);
    assert_eq!(body["record"]["height"], record.height);
    let (code, _) = h.get(&format!("/blocks/{}", record.height)).await;
    assert_eq!(code, 200);
    let (code, body) = h.get(&format!("/state?key={key}&height={}", record.height)).await;
    assert_eq!(code, 200);
    assert_eq!(body["root"], header.app_hash.to_hex());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_queue_out_of_order_nonces_and_commit_both() {
    let h = start().await;
    let alice = h.wallet("alice");
    let action = || vec![AppAction::Bank(BankAction::Send { to: addr("carol"), coins: vec![Coin::ghr(1)] })];
    let second = alice.sign_offline(1, action(), "");
    let first = alice.sign_offline(0, action(), "");
    h.client.broadcast(&second, BroadcastMode::Sync).await.unwrap();
    let r = h.client.broadcast(&first, BroadcastMode::Commit).await.unwrap();
    assert!(r.committed.is_some());
    // The second follows in the same or the next block.
    for _ in 0..100 {
        if h.client.tx(&second.hash()).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(h.client.tx(&second.hash()).await.is_ok());
    assert_eq!(h.client.account(&addr("alice")).await.unwrap().nonce, 2);
    h.stop().await;
}

/// Broadcasts `tx` in commit mode and checks its `(module, code)` and what it cost:
/// nothing when it was refused, its nonce and fee when it failed in a block.
async fn assert_rejected(h: &Harness, tx: &Tx, module: &str, code: u32) {
    let before = h.client.account(&tx.signer_address()).await.unwrap();
    let err = h.client.broadcast(tx, BroadcastMode::Commit).await.unwrap_err();
    let info = err.rejection().unwrap_or_else(|| panic!("expected a rejection, got {err}"));
    assert_eq!((info.module.as_str(), info.code), (module, code), "{info}");
    let after = h.client.account(&tx.signer_address()).await.unwrap();
    let ghr = |a: &greenhour_app::rpc::AccountInfo| {
        a.balances.iter().find(|c| c.denom == greenhour_primitives::Denom::ghr()).map_or(0, |c| c.amount)
    };
    if let ClientError::Failed { height, .. } = &err {
        assert!(*height > 0);
        assert_eq!(
            (after.nonce, ghr(&after)),
            (before.nonce + 1, ghr(&before) - tx.body.fee),
            "a failed tx pays its fee"
        );
        let info = h.client.tx(&tx.hash()).await.unwrap();
        assert_eq!(info.record.error.as_ref().map(|e| (e.module.as_str(), e.code)), Some((module, code)));
    } else {
        assert_eq!((before.nonce, before.balances), (after.nonce, after.balances), "a refused tx changed the account");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_bad_transactions_over_rpc_with_stable_codes() {
    let h = start().await;
    let alice = h.wallet("alice");
    let send = |to, amount| vec![AppAction::Bank(BankAction::Send { to, coins: vec![Coin::ghr(amount)] })];

    let mut bad_sig = alice.sign_offline(0, send(addr("bob"), 5), "");
    bad_sig.signature.0[0] ^= 1;
    assert_rejected(&h, &bad_sig, "tx", 5).await;

    let other_chain = Wallet::new(SecretKey::from_name("alice"), "other-chain".parse().unwrap(), 1_000);
    assert_rejected(&h, &other_chain.sign_offline(0, send(addr("bob"), 5), ""), "tx", 3).await;

    // Its action fails in the block: it is there, with its nonce used and its fee paid.
    let underfunded = alice.sign_offline(0, send(addr("bob"), DEMO_BALANCE * 2), "");
    assert_rejected(&h, &underfunded, "bank", 1).await;

    let pauper = Wallet::new(SecretKey::from_name("pauper"), CHAIN.parse().unwrap(), 1_000);
    assert_rejected(&h, &pauper.sign_offline(0, send(addr("bob"), 1), ""), "tx", 8).await;

    let cheap = Wallet::new(SecretKey::from_name("alice"), CHAIN.parse().unwrap(), 1);
    assert_rejected(&h, &cheap.sign_offline(1, send(addr("bob"), 1), ""), "tx", 7).await;

    let good = alice.sign_offline(1, send(addr("bob"), 1), "");
    h.client.broadcast(&good, BroadcastMode::Commit).await.unwrap();
    assert_rejected(&h, &good, "tx", 6).await; // replay

    // Duplicate while pending.
    let pending = alice.sign_offline(5, send(addr("bob"), 1), "");
    h.client.broadcast(&pending, BroadcastMode::Sync).await.unwrap();
    let dup = h.client.broadcast(&pending, BroadcastMode::Sync).await.unwrap_err();
    assert_eq!(dup.rejection().map(|e| (e.module.as_str(), e.code)), Some(("mempool", 1)));

    // Malformed bytes and hex.
    let (_, body) =
        h.raw(&json!({"jsonrpc":"2.0","id":1,"method":"broadcast_tx","params":{"tx":"00ff"}}).to_string()).await;
    assert_eq!(body["error"]["code"], -32002);
    assert_eq!(body["error"]["data"]["module"], "tx");
    assert_eq!(body["error"]["data"]["code"], 1);
    let (_, body) =
        h.raw(&json!({"jsonrpc":"2.0","id":1,"method":"broadcast_tx","params":{"tx":"zz"}}).to_string()).await;
    assert_eq!(body["error"]["code"], -32602);
    let huge = "00".repeat(64 * 1024 + 1);
    let (_, body) =
        h.raw(&json!({"jsonrpc":"2.0","id":1,"method":"broadcast_tx","params":{"tx":huge}}).to_string()).await;
    assert_eq!(body["error"]["data"]["code"], 2, "oversized tx: {body}");

    // relay_txs: the same admission, a reason per refused transaction, and a cap.
    let relayed = alice.sign_offline(6, send(addr("carol"), 1), "");
    let batch = json!([hex::encode(relayed.encode()), "00ff"]);
    let (_, body) =
        h.raw(&json!({"jsonrpc":"2.0","id":1,"method":"relay_txs","params":{"txs": batch}}).to_string()).await;
    assert_eq!(body["result"]["admitted"], 1, "{body}");
    assert_eq!(body["result"]["refused"][0]["index"], 1, "{body}");
    assert_eq!(body["result"]["refused"][0]["error"]["module"], "tx", "{body}");
    let too_many = vec!["00"; greenhour_node::node::RELAY_BATCH + 1];
    let (_, body) =
        h.raw(&json!({"jsonrpc":"2.0","id":1,"method":"relay_txs","params":{"txs": too_many}}).to_string()).await;
    assert_eq!(body["error"]["code"], -32602, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("at most 2048"), "{body}");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_malformed_http_requests_without_panicking() {
    let h = start().await;
    let cases: Vec<(&str, i64)> = vec![
        ("{not json", -32700),
        ("[]", -32600),
        ("42", -32600),
        (r#"{"jsonrpc":"1.0","id":1,"method":"status"}"#, -32600),
        (r#"{"jsonrpc":"2.0","id":1,"method":7}"#, -32600),
        (r#"{"jsonrpc":"2.0","id":{},"method":"status"}"#, -32600),
        (r#"{"jsonrpc":"2.0","id":1,"method":"no_such_method"}"#, -32601),
        (r#"{"jsonrpc":"2.0","id":1,"method":"block","params":{"height":"minus one"}}"#, -32602),
        (r#"{"jsonrpc":"2.0","id":1,"method":"block","params":{"height":-1}}"#, -32602),
        (r#"{"jsonrpc":"2.0","id":1,"method":"block","params":[1]}"#, -32602),
        (r#"{"jsonrpc":"2.0","id":1,"method":"account","params":{"address":"gh1notanaddress"}}"#, -32602),
        (r#"{"jsonrpc":"2.0","id":1,"method":"account","params":{"address":42}}"#, -32602),
        (r#"{"jsonrpc":"2.0","id":1,"method":"tx","params":{"hash":"abc"}}"#, -32602),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"tx","params":{"hash":"0000000000000000000000000000000000000000000000000000000000000000"}}"#,
            -32001,
        ),
        (r#"{"jsonrpc":"2.0","id":1,"method":"block","params":{"height":99999999}}"#, -32001),
        (r#"{"jsonrpc":"2.0","id":1,"method":"state","params":{"key":"x","height":99999999}}"#, -32001),
        (r#"{"jsonrpc":"2.0","id":1,"method":"broadcast_tx","params":{"tx":"00","mode":"eventually"}}"#, -32602),
        (r#"{"jsonrpc":"2.0","id":1,"method":"positions","params":{}}"#, -32602),
        (r#"{"jsonrpc":"2.0","id":1,"method":"pool","params":{"id":77}}"#, -32001),
        (r#"{"jsonrpc":"2.0","id":1,"method":"slot","params":{"class":"home","hour":"soon"}}"#, -32602),
    ];
    for (body, code) in cases {
        let (status, reply) = h.raw(body).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(reply["error"]["code"], code, "{body} -> {reply}");
    }
    // Numbers past u64 are named as too large, not as non-numbers; the bech32m
    // spelling of an address is refused with its own reason, uppercase accepted.
    for body in [
        r#"{"jsonrpc":"2.0","id":1,"method":"block","params":{"height":"1180591620717411303424"}}"#,
        r#"{"jsonrpc":"2.0","id":1,"method":"block","params":{"height":1180591620717411303424}}"#,
    ] {
        let (_, reply) = h.raw(body).await;
        assert_eq!(reply["error"]["code"], -32602, "{body} -> {reply}");
        assert!(reply["error"]["message"].as_str().unwrap().contains("larger than the largest allowed"), "{reply}");
    }
    let alice = addr("alice");
    let bech32m = bech32::encode::<bech32::Bech32m>(bech32::Hrp::parse("gh").unwrap(), &alice.0).unwrap();
    let (_, reply) =
        h.raw(&format!(r#"{{"jsonrpc":"2.0","id":1,"method":"account","params":{{"address":"{bech32m}"}}}}"#)).await;
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(reply["error"]["message"].as_str().unwrap().contains("bech32m"), "{reply}");
    let upper = alice.to_string().to_uppercase();
    let (_, reply) =
        h.raw(&format!(r#"{{"jsonrpc":"2.0","id":1,"method":"account","params":{{"address":"{upper}"}}}}"#)).await;
    assert_eq!(reply["result"]["address"], alice.to_string(), "{reply}");

    // Batch: one good, one bad, one notification (no reply).
    let (_, reply) = h
        .raw(r#"[{"jsonrpc":"2.0","id":1,"method":"status"},{"jsonrpc":"2.0","id":2,"method":"nope"},{"jsonrpc":"2.0","method":"status"}]"#)
        .await;
    let arr = reply.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert!(arr[0]["result"]["height"].is_u64());
    assert_eq!(arr[1]["error"]["code"], -32601);

    // Oversized body: 413, not a hang. The server may answer before reading the whole
    // body and close the connection, so the client can also see the reset instead.
    let big = "x".repeat(300 * 1024);
    match reqwest::Client::new().post(&h.url).body(big).send().await {
        Ok(r) => {
            assert_eq!(r.status().as_u16(), 413);
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["error"]["data"]["limit_bytes"], 256 * 1024, "the answer names the limit: {body}");
            assert!(body["error"]["message"].as_str().unwrap().contains("262144 bytes"), "{body}");
        }
        Err(e) => assert!(!e.is_timeout(), "oversized body hung: {e}"),
    }

    // REST errors are JSON with a 4xx status.
    for (path, code) in [
        ("/blocks/abc", 400),
        ("/blocks/99999999", 404),
        ("/accounts/xyz", 400),
        ("/nope", 404),
        ("/state", 400),
        ("/pools/abc", 400),
        ("/pools/99", 404),
        ("/positions", 400),
        ("/positions?device=x", 400),
        ("/positions/5", 404),
        ("/slots/moon/5", 400),
        ("/slots/home/x", 400),
        ("/slots/home/5?unit=litres", 400),
        ("/market/quote", 400),
        ("/market/quote?slot=slot/home/900000", 400),
        ("/market/quote?slot=slot/home/900000&exact_out=1&side=sideways", 400),
        ("/market/quote?slot=slot/home/900000&exact_out=1", 404),
        ("/market/quote?slot=NOT-A-DENOM&exact_in=1", 400),
    ] {
        let (status, body) = h.get(path).await;
        assert_eq!(status, code, "{path}");
        assert!(body["error"]["message"].is_string(), "{path}: {body}");
    }
    let r = reqwest::Client::new().post(format!("{}/txs", h.url)).body("{\"tx\": 5}").send().await.unwrap();
    assert_eq!(r.status().as_u16(), 400);

    // Empty but valid pool queries answer 200.
    let (status, body) = h.get("/slots/home/490000").await;
    assert_eq!((status, body["supply"].as_str()), (200, Some("0")));
    let (status, body) = h.get("/positions?hour=490000").await;
    assert_eq!((status, body.as_array().map(Vec::len)), (200, Some(0)));
    let (status, _) = h.get("/slots/home/18446744073709551615").await;
    assert_eq!(status, 200, "the largest hour answers, without overflow");
    let (status, body) = h.get("/market/pools").await;
    assert_eq!((status, body.as_array().map(Vec::len)), (200, Some(0)));

    // The node still serves after all that.
    assert!(h.client.status().await.is_ok());
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_stream_blocks_and_events_over_websocket() {
    let h = start().await;
    let mut stream = h.client.subscribe(&["bank.transfer"]).await.unwrap();
    let mut alice = h.wallet("alice");
    let sent =
        alice.send(&h.client, addr("dave"), vec![Coin::new(Denom::gusd(), 9)], BroadcastMode::Sync).await.unwrap();
    // One whose send overdraws: in a block, failed, and listed with its error.
    let overdraw = Coin::new(Denom::gusd(), DEMO_BALANCE * 2);
    let overdraw = alice.send(&h.client, addr("dave"), vec![overdraw], BroadcastMode::Sync).await.unwrap();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    let (mut failure_seen, mut transfer_seen) = (false, false);
    while !(failure_seen && transfer_seen) {
        let notice = tokio::time::timeout_at(deadline, stream.next()).await.expect("notice in time").unwrap().unwrap();
        if let Some(f) = notice.failed.iter().find(|f| f.hash == overdraw.hash) {
            assert_eq!((f.error.module.as_str(), f.error.code), ("bank", 1));
            failure_seen = true;
        }
        let transfers: Vec<_> = notice.events.iter().map(|e| (e.tx, BankEvent::decode(&e.event))).collect();
        assert!(transfers.iter().all(|(_, e)| matches!(e, Some(BankEvent::Transfer { .. }))), "{transfers:?}");
        let nine_gusd = Coin::new(Denom::gusd(), 9);
        transfer_seen |= transfers.iter().any(|(tx, e)| {
            *tx == Some(sent.hash) && matches!(e, Some(BankEvent::Transfer { amount, .. }) if *amount == nine_gusd)
        });
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_openapi_and_metrics() {
    let h = start().await;
    let (code, doc) = h.get("/openapi.json").await;
    assert_eq!(code, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in ["/status", "/blocks/{height}", "/txs", "/txs/{hash}", "/accounts/{address}", "/supply", "/state"] {
        assert!(doc["paths"][path].is_object(), "{path} missing from OpenAPI");
    }
    let (code, rpc_doc) = h.get("/openrpc.json").await;
    assert_eq!((code, rpc_doc["openrpc"].as_str()), (200, Some("1.3.2")));
    let (_, discovered) = h.raw(r#"{"jsonrpc":"2.0","id":1,"method":"rpc.discover"}"#).await;
    assert_eq!(discovered["result"], rpc_doc, "rpc.discover is the OpenRPC document");
    let mut alice = h.wallet("alice");
    alice.send(&h.client, addr("bob"), vec![Coin::ghr(1)], BroadcastMode::Commit).await.unwrap();
    let (code, text) = h.get("/metrics").await;
    assert_eq!(code, 200);
    let text = text.as_str().unwrap().to_string();
    assert!(text.contains("greenhour_height "), "{text}");
    let committed: u64 = text
        .lines()
        .find(|l| l.starts_with("greenhour_txs_committed_total"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(committed >= 1);

    // Negotiation: OpenMetrics for Prometheus, the text format for everyone else.
    let fetch = |accept: &'static str| {
        let url = format!("{}/metrics", h.url);
        async move {
            let r = reqwest::Client::new().get(url).header("accept", accept).send().await.unwrap();
            let content_type = r.headers()["content-type"].to_str().unwrap().to_string();
            (content_type, r.text().await.unwrap())
        }
    };
    let (content_type, open) = fetch("application/openmetrics-text;version=1.0.0,text/plain;q=0.5").await;
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    assert!(open.ends_with("# EOF\n"));
    let (content_type, text) = fetch("text/plain; version=0.0.4").await;
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    assert!(text.contains("# HELP greenhour_txs_committed_total "), "{text}");

    // Every request counts: a REST 4xx and an unknown route included.
    let requests = |text: &str| -> u64 {
        text.lines()
            .find(|l| l.starts_with("greenhour_rpc_requests_total "))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap()
    };
    let before = requests(&fetch("text/plain").await.1);
    assert_eq!(h.get("/blocks/not-a-height").await.0, 400);
    assert_eq!(h.get("/no/such/route").await.0, 404);
    let after = requests(&fetch("text/plain").await.1);
    assert_eq!(after, before + 3, "two requests and this scrape");

    // promtool's own check, where Prometheus's tools are installed; .ci/run installs
    // them and sets GREENHOUR_REQUIRE_PROMTOOL so that CI cannot skip it.
    let promtool = std::process::Command::new("promtool").arg("--version").output().is_ok_and(|o| o.status.success());
    assert!(promtool || std::env::var_os("GREENHOUR_REQUIRE_PROMTOOL").is_none(), "promtool is required here");
    if let Ok(mut child) = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "promtool check metrics:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_and_dropped_transactions_are_reported_to_sync_callers_via_tx_query() {
    let h = start().await;
    let alice = h.wallet("alice");
    let send = |amount| vec![AppAction::Bank(BankAction::Send { to: addr("bob"), coins: vec![Coin::ghr(amount)] })];
    // Three txs that each pass admission (each fee is payable from the balance
    // alone): a leaves 1,500 ughr; b overdraws, so it fails in the block and pays
    // its fee; c then cannot pay its fee and the block leaves it out.
    let a = alice.sign_offline(0, send(DEMO_BALANCE - 2_500), "");
    let b = alice.sign_offline(1, send(DEMO_BALANCE), "");
    let c = alice.sign_offline(2, send(1), "");
    for tx in [&a, &b] {
        h.client.broadcast(tx, BroadcastMode::Sync).await.unwrap();
    }
    // c passes admission unless a's block committed first (then the mempool sees
    // the 1,500 ughr left and refuses it at once, with the same reason).
    let mut dropped = h.client.broadcast(&c, BroadcastMode::Sync).await.err().and_then(|e| e.rejection().cloned());
    for _ in 0..200 {
        if dropped.is_some() {
            break;
        }
        match h.client.tx(&c.hash()).await {
            Err(ClientError::Rejected(e)) => {
                dropped = Some(e);
                break;
            }
            _ => tokio::time::sleep(std::time::Duration::from_millis(25)).await,
        }
    }
    let e = dropped.expect("the dropped tx is reported");
    assert_eq!((e.module.as_str(), e.code), ("tx", 8));
    // a's and b's records land with the block's write, which may still be in
    // flight when c's verdict is known (pipelined writes).
    let mut failed = None;
    for _ in 0..200 {
        if let (Ok(_), Ok(info)) = (h.client.tx(&a.hash()).await, h.client.tx(&b.hash()).await) {
            failed = Some(info);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    let failed = failed.expect("a and b are committed");
    let error = failed.record.error.expect("b's record carries its error");
    assert_eq!((error.module.as_str(), error.code), ("bank", 1));
    assert!(
        failed.record.events.iter().all(|e| e.kind == "bank.transfer"),
        "only the fee moved: {:?}",
        failed.record.events
    );
    let info = h.client.account(&addr("alice")).await.unwrap();
    assert_eq!(info.nonce, 2, "a and b used their nonces, c did not");
    let (_, metrics) = h.get("/metrics").await;
    let metrics = metrics.as_str().unwrap_or_default().to_string();
    assert!(metrics.lines().any(|l| l == "greenhour_txs_failed_total 1"), "b is counted as failed:\n{metrics}");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_list_an_accounts_transactions_newest_first_with_the_failed_ones() {
    let h = start().await;
    let mut alice = h.wallet("alice");
    let mut sent = Vec::new();
    for ughr in [1, 2, 3] {
        sent.push(alice.send(&h.client, addr("bob"), vec![Coin::ghr(ughr)], BroadcastMode::Commit).await.unwrap().hash);
    }
    // Overdraws: it fails in its block, using its nonce.
    let overdraw = vec![AppAction::Bank(BankAction::Send { to: addr("bob"), coins: vec![Coin::ghr(DEMO_BALANCE)] })];
    let failing = alice.sign_offline(3, overdraw, "");
    let err = h.client.broadcast(&failing, BroadcastMode::Commit).await.unwrap_err();
    assert!(matches!(err, ClientError::Failed { .. }), "{err}");

    let txs = h.client.account_txs(&addr("alice"), None, None).await.unwrap();
    let hashes: Vec<_> = txs.iter().map(|t| t.tx.hash()).collect();
    assert_eq!(hashes, vec![failing.hash(), sent[2], sent[1], sent[0]], "newest first, the failed one included");
    assert_eq!(txs.iter().map(|t| t.record.hash).collect::<Vec<_>>(), hashes);
    assert_eq!(txs[0].record.error.as_ref().map(|e| (e.module.as_str(), e.code)), Some(("bank", 1)));
    assert!(txs[1..].iter().all(|t| t.record.error.is_none()));

    // Pages: `before` is the last nonce seen, `limit` cuts the page.
    let page = h.client.account_txs(&addr("alice"), Some(3), Some(2)).await.unwrap();
    assert_eq!(page.iter().map(|t| t.tx.hash()).collect::<Vec<_>>(), vec![sent[2], sent[1]]);
    let last = h.client.account_txs(&addr("alice"), Some(page[1].tx.body.nonce), None).await.unwrap();
    assert_eq!(last.iter().map(|t| t.tx.hash()).collect::<Vec<_>>(), vec![sent[0]]);
    assert!(h.client.account_txs(&addr("alice"), Some(0), None).await.unwrap().is_empty());
    assert!(h.client.account_txs(&addr("bob"), None, None).await.unwrap().is_empty(), "bob signed nothing");

    // The block lists each transaction's hash, so a block's page links to them.
    let block = h.client.block(Some(txs[0].record.height)).await.unwrap();
    assert_eq!(block.tx_hashes.len(), block.block.txs.len());
    assert_eq!(block.tx_hashes[txs[0].record.index as usize], failing.hash());

    // REST mirrors it; a limit outside 1..=100 is refused.
    let (code, body) = h.get(&format!("/accounts/{}/txs?limit=1", addr("alice"))).await;
    assert_eq!(code, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(1));
    assert_eq!(body[0]["record"]["hash"], failing.hash().to_hex());
    for limit in [0, 101] {
        let (code, _) = h.get(&format!("/accounts/{}/txs?limit={limit}", addr("alice"))).await;
        assert_eq!(code, 400, "limit {limit}");
        assert!(h.client.account_txs(&addr("alice"), None, Some(limit)).await.is_err());
    }
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_send_again_before_the_previous_transaction_commits() {
    let h = start().await;
    let mut first = h.wallet("alice");
    first.send(&h.client, addr("bob"), vec![Coin::ghr(1)], BroadcastMode::Sync).await.unwrap();
    // A fresh wallet (as a second CLI call would be) learns the pending nonce from the node.
    let info = h.client.account(&addr("alice")).await.unwrap();
    assert_eq!(info.pending_nonce, 1, "the pending transaction counts: {info:?}");
    let mut second = h.wallet("alice");
    let r = second.send(&h.client, addr("bob"), vec![Coin::ghr(2)], BroadcastMode::Commit).await.unwrap();
    assert!(r.committed.is_some());
    let info = h.client.account(&addr("alice")).await.unwrap();
    assert_eq!((info.nonce, info.pending_nonce), (2, 2));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_register_a_device_report_and_query_it() {
    use greenhour_devices::{DeviceClass, DevicesAction, LocationCell, Nameplate, TelemetryReport};
    let h = start().await;
    let mut alice = h.wallet("alice");
    let device_key = SecretKey::from_name("roof-1");
    let register = DevicesAction::Register {
        key: device_key.public_key(),
        class: DeviceClass::Home,
        cell: LocationCell::new("u33dc0").unwrap(),
        nameplate: Nameplate {
            pv_w: 5_000,
            battery_wh: 0,
            battery_max_w: 0,
            charger_w: 0,
            gpu_model: "L4".into(),
            gpu_count: 1,
            gpu_tdp_w: 72,
        },
    };
    let tx = alice.sign(&h.client, vec![AppAction::Devices(register)], "").await.unwrap();
    h.client.broadcast(&tx, BroadcastMode::Commit).await.unwrap();
    let devices = h.client.devices(Some(&addr("alice"))).await.unwrap();
    assert_eq!(devices.len(), 1);
    let id = devices[0].id;
    let start = greenhour_testkit::TEST_GENESIS_TIME; // the node's clock is real, so any past hour works
    let report = TelemetryReport {
        device: id,
        start,
        end: start + 3_600,
        generated_wh: 3_000,
        charged_wh: 0,
        discharged_wh: 0,
        imported_wh: 0,
        exported_wh: 2_000,
        compute_wh: 70,
        gpu_seconds: 3_600,
        soc_permille: 0,
        outage_before: false,
    };
    let signature = report.sign(&device_key, &CHAIN.parse().unwrap());
    let tx =
        alice.sign(&h.client, vec![AppAction::Devices(DevicesAction::Report { report, signature })], "").await.unwrap();
    h.client.broadcast(&tx, BroadcastMode::Commit).await.unwrap();
    let reports = h.client.device_reports(id.0, 0).await.unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0].green_share_bps, 10_000);
    assert_eq!(h.client.device(id.0).await.unwrap().reports, 1);
    let (code, _) = h.get("/devices/999").await;
    assert_eq!(code, 404);
    let (code, body) = h.get(&format!("/devices/{}/reports?from={}", id.0, start + 1)).await;
    assert_eq!(code, 200);
    assert_eq!(body.as_array().map(Vec::len), Some(0));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_query_and_transfer_nfts() {
    use greenhour_nft::{ClassGenesis, NftAction, NftGenesis, Token, TokenId};
    let mut genesis = demo_genesis(CHAIN);
    let id = TokenId { class: "position".into(), serial: 1 };
    genesis.nft = NftGenesis {
        classes: vec![ClassGenesis { name: "position".into(), minter: "pools".into() }],
        tokens: vec![Token { id: id.clone(), owner: addr("alice"), approved: None, attributes: vec![] }],
    };
    let h = start_with(genesis).await;
    assert_eq!(h.client.nfts(&addr("alice")).await.unwrap().len(), 1);
    let mut alice = h.wallet("alice");
    let tx = alice
        .sign(&h.client, vec![AppAction::Nft(NftAction::Transfer { id: id.clone(), to: addr("bob") })], "")
        .await
        .unwrap();
    h.client.broadcast(&tx, BroadcastMode::Commit).await.unwrap();
    assert_eq!(h.client.nft("position", 1).await.unwrap().owner, addr("bob"));
    assert!(h.client.nfts(&addr("alice")).await.unwrap().is_empty());
    let (code, _) = h.get("/nfts/position/2").await;
    assert_eq!(code, 404);
    let (code, _) = h.get("/nfts").await;
    assert_eq!(code, 400);
    let (code, body) = h.get(&format!("/nfts?owner={}", addr("bob"))).await;
    assert_eq!((code, body.as_array().map(Vec::len)), (200, Some(1)));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_report_to_an_oracle_and_read_the_median() {
    use greenhour_oracle::{Feed, OracleAction, OracleGenesis};
    let mut genesis = demo_genesis(CHAIN);
    genesis.oracle = OracleGenesis {
        feeds: vec![Feed {
            name: "carbon.de".into(),
            unit: "gCO2e/kWh".into(),
            reporters: vec![addr("alice"), addr("bob")],
            quorum: 2,
            max_age: 3_600,
            round: 0,
        }],
        values: vec![],
    };
    let h = start_with(genesis).await;
    for (who, value) in [("alice", 380), ("bob", 410)] {
        let mut w = h.wallet(who);
        let action = OracleAction::Submit { feed: "carbon.de".into(), round: 0, value };
        let tx = w.sign(&h.client, vec![AppAction::Oracle(action)], "").await.unwrap();
        h.client.broadcast(&tx, BroadcastMode::Commit).await.unwrap();
    }
    let v = h.client.oracle("carbon.de").await.unwrap();
    assert_eq!(v["latest"]["value"], "410");
    assert_eq!(v["feed"]["round"], 1);
    let (code, _) = h.get("/oracle/nope").await;
    assert_eq!(code, 404);
    h.stop().await;
}

/// Amounts above `u64::MAX` (a 0.5 gUSD market floor is 5·10²³ in wad; a swap
/// limit defaults to `u128::MAX`) travel as decimal strings: the block holding
/// them is served by JSON-RPC, REST and the WebSocket and decoded by the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_serve_blocks_holding_amounts_above_u64() {
    use greenhour_market::MarketAction;
    let h = start().await;
    let mut notices = h.client.subscribe(&["market.created"]).await.unwrap();
    // Blocks after genesis carry the wall clock's time (the genesis time is older).
    let wall = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let now_hour = h.client.status().await.unwrap().latest_block_time.max(wall) / 3_600;
    let create = |hour: u64, floor_wad: u128| {
        AppAction::Market(MarketAction::Create {
            slot: format!("slot/home/{hour}").parse().unwrap(),
            quote: Denom::gusd(),
            floor_wad,
            half_life: 1_800,
            decay_window: 21_600,
        })
    };
    let mut alice = h.wallet("alice");
    let record = match alice
        .commit(&h.client, vec![create(now_hour + 10, 500_000 * 10u128.pow(18)), create(now_hour + 11, u128::MAX)])
        .await
        .unwrap()
    {
        greenhour_client::Committed::Included(record) => record,
        greenhour_client::Committed::Refused(why) => panic!("create refused: {why}"),
    };

    // JSON-RPC, through the typed client: the block and the transaction decode to the values sent.
    let block = h.client.block(Some(record.height)).await.unwrap();
    let floors: Vec<u128> = block
        .block
        .txs
        .iter()
        .flat_map(|t| &t.body.actions)
        .filter_map(|a| match a {
            AppAction::Market(MarketAction::Create { floor_wad, .. }) => Some(*floor_wad),
            _ => None,
        })
        .collect();
    assert_eq!(floors, vec![500_000 * 10u128.pow(18), u128::MAX]);
    let tx = h.client.tx(&record.hash).await.unwrap();
    assert_eq!(tx.tx.hash(), record.hash);

    // The raw JSON carries the amounts as strings, exactly.
    let (status, raw) = h
        .raw(&json!({"jsonrpc": "2.0", "id": 1, "method": "block", "params": {"height": record.height}}).to_string())
        .await;
    assert_eq!(status, 200, "{raw}");
    let text = raw.to_string();
    assert!(text.contains(&format!("\"{}\"", u128::MAX)), "u128::MAX as a string in {text}");

    // REST: the block, the transaction and the market pool.
    let (status, rest_block) = h.get(&format!("/blocks/{}", record.height)).await;
    assert_eq!(status, 200, "{rest_block}");
    let decoded: greenhour_app::rpc::BlockInfo = serde_json::from_value(rest_block).unwrap();
    assert_eq!(decoded, block);
    let (status, rest_tx) = h.get(&format!("/txs/{}", record.hash.to_hex())).await;
    assert_eq!(status, 200, "{rest_tx}");
    let pool = h.client.market_pool(&format!("slot/home/{}", now_hour + 11)).await.unwrap();
    assert_eq!(pool.pool.floor_wad, u128::MAX);

    // WebSocket: the notice of that block arrives and decodes.
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let notice = tokio::time::timeout_at(deadline, notices.next()).await.expect("notice in time").unwrap().unwrap();
        if notice.height == record.height {
            assert_eq!(notice.events.iter().filter(|e| e.tx == Some(record.hash)).count(), 2);
            break;
        }
    }
    h.stop().await;
}

/// A value a parameter with this schema accepts (what a well-formed request carries).
fn sample(name: &str, schema: &Value) -> Value {
    if let Some(first) = schema["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let pattern = schema["pattern"].as_str().unwrap_or_default();
    match (schema["type"].as_str(), pattern) {
        (Some("integer"), _) => json!(1),
        (Some("boolean"), _) => json!(true),
        (_, p) if p.starts_with("^gh1") => json!(addr("alice").to_string()),
        (_, p) if p.contains("{64}") => json!("00".repeat(32)),
        (_, p) if p.starts_with("^[0-9]") => json!("1"),
        (_, p) if p.starts_with("^[a-z]") => json!("ugusd"),
        _ if name == "key" => json!("bank/supply/ughr"),
        _ => json!("home"),
    }
}

/// JSON-RPC error code for each REST status a read may answer.
fn rpc_code_of(status: u16) -> i64 {
    match status {
        400 => -32602,
        404 => -32001,
        422 => -32002,
        other => panic!("a read answered HTTP {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_every_documented_read_over_json_rpc_and_rest_alike() {
    let h = start().await;
    let (_, openrpc) = h.get("/openrpc.json").await;
    let (_, openapi) = h.get("/openapi.json").await;
    let mut reads = 0;
    for method in openrpc["methods"].as_array().unwrap() {
        let name = method["name"].as_str().unwrap();
        // The methods that write (or encode for writing) have POST routes.
        if ["broadcast_tx", "encode_tx", "faucet", "relay_txs", "rpc.discover"].contains(&name) {
            continue;
        }
        // The REST route documenting the same operation.
        let (path, op) = openapi["paths"]
            .as_object()
            .unwrap()
            .iter()
            .find_map(|(path, item)| (item["get"]["operationId"] == name).then(|| (path.clone(), item["get"].clone())))
            .unwrap_or_else(|| panic!("{name} has no REST route in the OpenAPI document"));
        let mut params = serde_json::Map::new();
        let mut url = path.clone();
        let mut query = Vec::new();
        for p in method["params"].as_array().unwrap() {
            let pname = p["name"].as_str().unwrap();
            if p["required"] != json!(true) && !path.contains(&format!("{{{pname}}}")) {
                continue;
            }
            let value = sample(pname, &p["schema"]);
            let text = value.as_str().map(String::from).unwrap_or_else(|| value.to_string());
            let in_path = op["parameters"].as_array().unwrap().iter().any(|q| q["name"] == pname && q["in"] == "path");
            if in_path {
                url = url.replace(&format!("{{{pname}}}"), &text);
            } else {
                query.push(format!("{pname}={text}"));
            }
            params.insert(pname.to_string(), value);
        }
        if !query.is_empty() {
            url = format!("{url}?{}", query.join("&"));
        }
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": name, "params": params});
        let (_, rpc) = h.raw(&request.to_string()).await;
        let (status, rest) = h.get(&url).await;
        assert_ne!(rpc["error"]["code"], json!(-32601), "{name} is documented but not served");
        assert_ne!(rpc["error"]["code"], json!(-32603), "{name}: {rpc}");
        if status == 200 {
            if name != "status" && rpc["result"] != rest {
                // A block may have landed between the two calls; ask both again.
                let (_, rpc_again) = h.raw(&request.to_string()).await;
                let (_, rest_again) = h.get(&url).await;
                assert_eq!(rpc_again["result"], rest_again, "{name}: JSON-RPC and REST {url} disagree");
            }
        } else {
            assert_eq!(rpc["error"]["code"], json!(rpc_code_of(status)), "{name} / {url}: {rpc} vs {status} {rest}");
            assert_eq!(rpc["error"]["message"], rest["error"]["message"], "{name}: same refusal both ways");
        }
        reads += 1;
    }
    assert!(reads >= 39, "only {reads} reads documented");

    // A parameter a method does not take is refused, not ignored.
    let (_, reply) = h.raw(r#"{"jsonrpc":"2.0","id":1,"method":"pool","params":{"idd":1}}"#).await;
    assert_eq!(reply["error"]["code"], -32602);
    assert!(reply["error"]["message"].as_str().unwrap().contains("takes no parameter idd"), "{reply}");
    let (status, _) = h.get("/pools/1?id=2").await;
    assert_eq!(status, 400, "a path parameter given twice");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_serve_the_dashboard_at_the_root_with_a_same_origin_policy() {
    let h = start().await;
    let page = reqwest::get(format!("{}/", h.url)).await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let header = |r: &reqwest::Response, name: &str| {
        r.headers().get(name).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default()
    };
    assert!(header(&page, "content-type").starts_with("text/html"));
    let csp = header(&page, "content-security-policy");
    assert!(csp.contains("connect-src 'self'") && csp.contains("default-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    // The page names its script by content hash; the node serves it, cached for good.
    let script = html.split("src=\"").nth(1).and_then(|s| s.split('"').next()).expect("a script tag").to_string();
    assert!(script.starts_with("/assets/") && script.ends_with(".js"), "{script}");
    let js = reqwest::get(format!("{}{script}", h.url)).await.unwrap();
    assert_eq!(js.status().as_u16(), 200);
    assert!(header(&js, "content-type").starts_with("text/javascript"));
    assert!(header(&js, "cache-control").contains("immutable"));
    assert!(js.text().await.unwrap().contains("/rpc"), "the page reads the node's JSON-RPC");
    // JSON-RPC still answers at the same root, and an unknown asset is a 404.
    let (status, answer) = h.raw(r#"{"jsonrpc":"2.0","id":1,"method":"status"}"#).await;
    assert_eq!((status, answer["result"]["chain_id"].as_str()), (200, Some(CHAIN)));
    assert_eq!(reqwest::get(format!("{}/assets/nope.js", h.url)).await.unwrap().status().as_u16(), 404);
    h.stop().await;
}

/// A node whose faucet pays `FAUCET_DRIP` ughr from dave's account.
const FAUCET_DRIP: u128 = 5_000_000;

async fn start_with_faucet() -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let home = HomeLayout::new(dir.path());
    greenhour_node::keyring::Keyring::new(&home.keys()).add("dave", &SecretKey::from_name("dave")).unwrap();
    let mut config =
        NodeConfig { rpc_listen: "127.0.0.1:0".into(), rpc_max_body_bytes: 256 * 1024, ..Default::default() };
    config.solo.block_interval_ms = 50;
    config.faucet = Some(greenhour_node::faucet::FaucetConfig {
        key: "dave".into(),
        coins: vec![Coin::ghr(FAUCET_DRIP)],
        certificate_wh: 0,
    });
    let running = Node::start(config, &home, &demo_genesis(CHAIN)).await.unwrap();
    let url = format!("http://{}", running.rpc_addr);
    Harness { client: RpcClient::new(&url), url, running: Some(running), _dir: dir }
}

/// The `(module, code)` of a JSON-RPC refusal.
fn refusal(answer: &Value) -> (String, u64) {
    let data = &answer["error"]["data"];
    (data["module"].as_str().unwrap_or_default().to_string(), data["code"].as_u64().unwrap_or(u64::MAX))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_drip_from_the_devnet_faucet_once_per_empty_account() {
    let h = start_with_faucet().await;
    let newcomer = addr("newcomer");
    let call = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"faucet","params":{{"address":"{newcomer}"}}}}"#);
    let (status, answer) = h.raw(&call).await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["result"]["result"]["committed"]["height"].as_u64().unwrap() >= 1, "{answer}");
    let funded = h.client.account(&newcomer).await.unwrap();
    assert_eq!(funded.balances, vec![Coin::ghr(FAUCET_DRIP)]);
    // The drip is an ordinary transaction of the faucet's account.
    assert_eq!(h.client.account(&addr("dave")).await.unwrap().nonce, 1);

    // Once funded, the account is refused, and nothing moves.
    let (_, again) = h.raw(&call).await;
    assert_eq!(refusal(&again), ("faucet".to_string(), 2), "{again}");
    assert_eq!(h.client.account(&newcomer).await.unwrap().balances, vec![Coin::ghr(FAUCET_DRIP)]);
    assert_eq!(h.client.account(&addr("dave")).await.unwrap().nonce, 1);

    // The same over REST, for another account.
    let rest = reqwest::Client::new().post(format!("{}/faucet/{}", h.url, addr("second"))).send().await.unwrap();
    assert_eq!(rest.status().as_u16(), 200);
    assert_eq!(h.client.account(&addr("second")).await.unwrap().balances, vec![Coin::ghr(FAUCET_DRIP)]);
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_a_faucet_call_on_a_node_without_one() {
    let h = start().await;
    let call = format!(r#"{{"jsonrpc":"2.0","id":1,"method":"faucet","params":{{"address":"{}"}}}}"#, addr("newcomer"));
    let (_, answer) = h.raw(&call).await;
    assert_eq!(refusal(&answer), ("faucet".to_string(), 1), "{answer}");
    assert!(h.client.account(&addr("newcomer")).await.unwrap().balances.is_empty());
    h.stop().await;
}

/// An unsigned first transaction of `key` on `chain` sending bob `ughr`.
fn send_body(key: &SecretKey, chain: &str, ughr: u128) -> greenhour_app::TxBody {
    greenhour_app::TxBody {
        chain_id: chain.parse().unwrap(),
        signer: key.public_key(),
        nonce: 0,
        fee: 1_000,
        actions: vec![AppAction::Bank(BankAction::Send { to: addr("bob"), coins: vec![Coin::ghr(ughr)] })],
        memo: "signed elsewhere".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_sign_a_body_the_node_encoded_and_commit_it() {
    let h = start().await;
    let key = SecretKey::from_name("alice");
    let body = send_body(&key, CHAIN, 4_242);
    let ask = json!({"jsonrpc": "2.0", "id": 1, "method": "encode_tx", "params": {"body": body}});
    let (status, answer) = h.raw(&ask.to_string()).await;
    assert_eq!(status, 200, "{answer}");
    let encoded = hex::decode(answer["result"]["body"].as_str().unwrap()).unwrap();
    // The node's encoding is the canonical one, and its domain the transaction's.
    assert_eq!(encoded, greenhour_codec::encode(&body));
    assert_eq!(answer["result"]["domain"], "greenhour/tx/v1");
    let signature = key.sign(greenhour_crypto::Domain::Tx, &body.chain_id, &encoded);
    let tx = [encoded, signature.0.to_vec()].concat();
    let send = json!({"jsonrpc": "2.0", "id": 2, "method": "broadcast_tx", "params": {"tx": hex::encode(tx), "mode": "commit"}});
    let (_, sent) = h.raw(&send.to_string()).await;
    assert!(sent["result"]["committed"]["height"].as_u64().is_some(), "{sent}");
    assert!(h.client.account(&addr("bob")).await.unwrap().balances.contains(&Coin::ghr(DEMO_BALANCE + 4_242)));
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_encoding_a_body_for_another_chain_or_of_the_wrong_shape() {
    let h = start().await;
    let body = send_body(&SecretKey::from_name("alice"), "another-chain", 1);
    let ask = json!({"jsonrpc": "2.0", "id": 1, "method": "encode_tx", "params": {"body": body}});
    let (_, answer) = h.raw(&ask.to_string()).await;
    assert_eq!(answer["error"]["code"], -32002, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("another-chain"), "{answer}");
    let (_, shapeless) =
        h.raw(r#"{"jsonrpc":"2.0","id":1,"method":"encode_tx","params":{"body":{"chain_id":"x","nonce":"no"}}}"#).await;
    assert_eq!(shapeless["error"]["code"], -32602, "{shapeless}");
    h.stop().await;
}

/// A node that forwards every call to `upstream` but answers `state` with a proof
/// it made itself: self-consistent (it verifies against the root it names) and
/// false (that root is no header's app hash).
async fn lying_node(upstream: String, forged: greenhour_state::StateProof) -> String {
    use axum::{body::Bytes, routing::post, Json, Router};
    let forged = serde_json::to_value(&forged).unwrap();
    let app = Router::new().route(
        "/",
        post(move |body: Bytes| {
            let (upstream, forged) = (upstream.clone(), forged.clone());
            async move {
                let request: Value = serde_json::from_slice(&body).unwrap();
                if request["method"] == "state" {
                    let mut proof = forged;
                    proof["version"] = request["params"]["height"].clone();
                    return Json(json!({"jsonrpc": "2.0", "id": request["id"], "result": proof}));
                }
                let answer = reqwest::Client::new().post(&upstream).body(body.to_vec()).send().await.unwrap();
                Json(answer.json::<Value>().await.unwrap())
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_prove_state_against_a_header_the_light_client_accepted() {
    let h = start().await;
    let mut alice = h.wallet("alice");
    alice.send(&h.client, addr("bob"), vec![Coin::ghr(7)], BroadcastMode::Commit).await.unwrap();
    let chain = CHAIN.parse().unwrap();
    let target = h.client.block(None).await.unwrap().block.header.height;
    let mut light = h.client.light_client_at(&chain, 0, None).await.unwrap();
    let certificates = h.client.follow_headers(&mut light, target).await.unwrap();
    assert_eq!(light.trusted().height, target);
    assert_eq!(
        certificates, 0,
        "this chain has no validators: headers are followed by hash links (the devnet's are certified, bin tests)"
    );
    let proof = h.client.proven_state(&light, "bank/supply/ughr").await.unwrap();
    assert!(proof.value.is_some());
    assert_eq!(proof.root, light.trusted().app_hash);

    // A node that lies about a balance with a proof of its own making: the
    // self-check alone accepts it, the light client's header does not.
    let key = "bank/supply/ughr";
    let dir = tempfile::tempdir().unwrap();
    let store = greenhour_state::Store::open(&dir.path().join("forged.redb"), &Default::default()).unwrap();
    let mut changes = greenhour_state::Changes::new();
    changes.insert(key.as_bytes().to_vec(), Some(greenhour_codec::encode(&u128::MAX)));
    store.commit(0, &changes, &[]).unwrap();
    let forged = store.prove(key.as_bytes(), 0).unwrap();
    let liar = RpcClient::new(lying_node(h.url.clone(), forged).await);
    let accepted = liar.state(key, Some(target)).await.expect("a self-consistent proof passes the self-check");
    assert_ne!(accepted.root, light.trusted().app_hash);
    let refused = liar.proven_state(&light, key).await.unwrap_err();
    assert!(matches!(refused, ClientError::Unverified(_)), "{refused}");

    // A checkpoint whose hash is not the header's is refused before any walk.
    let wrong = greenhour_primitives::Hash::digest(b"not a header");
    let e = h.client.light_client_at(&chain, 1, Some(wrong)).await.unwrap_err();
    assert!(matches!(e, ClientError::Unverified(_)), "{e}");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_requests_past_the_per_ip_rate_limit_and_subscriptions_past_the_per_ip_cap() {
    let h = start_configured(demo_genesis(CHAIN), |c| {
        c.rpc_rate_limit = Some(greenhour_node::config::RateLimit { requests_per_second: 1, burst: 3 });
        c.ws_max_per_ip = 2;
    })
    .await;
    // The burst passes; the next request within the second is refused with 429,
    // over JSON-RPC and REST alike, and the answer names the limit.
    for _ in 0..3 {
        assert_eq!(h.get("/status").await.0, 200);
    }
    let (code, body) = h.raw(&json!({"jsonrpc": "2.0", "id": 1, "method": "status"}).to_string()).await;
    assert_eq!(code, 429, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("rpc_rate_limit"), "{body}");
    assert_eq!(h.get("/status").await.0, 429);
    // One request's worth refills in a second.
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    assert_eq!(h.get("/status").await.0, 200);
    h.stop().await;

    // Two subscriptions from one address; the third is refused until one closes.
    let h = start_configured(demo_genesis(CHAIN), |c| c.ws_max_per_ip = 2).await;
    let first = h.client.subscribe(&[]).await.unwrap();
    let _second = h.client.subscribe(&[]).await.unwrap();
    let third = h.client.subscribe(&[]).await.err().expect("a third subscription from one IP is refused");
    assert!(third.to_string().contains("429"), "{third}");
    drop(first);
    let mut reopened = None;
    for _ in 0..50 {
        if let Ok(s) = h.client.subscribe(&[]).await {
            reopened = Some(s);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "a closed subscription frees its place");
    h.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rejects_a_rate_limit_of_zero_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = NodeConfig { rpc_listen: "127.0.0.1:0".into(), ..Default::default() };
    config.rpc_rate_limit = Some(greenhour_node::config::RateLimit { requests_per_second: 0, burst: 5 });
    let e = Node::start(config, &HomeLayout::new(dir.path()), &demo_genesis(CHAIN)).await.err().expect("refused");
    assert!(e.to_string().contains("requests_per_second"), "{e}");
}
