//! The node's API documents, generated: `/openapi.json` (OpenAPI 3.1, the REST
//! routes) and `/openrpc.json` or the JSON-RPC method `rpc.discover` (OpenRPC
//! 1.3, the JSON-RPC methods). Both come from one list of reads: the node's own
//! ([`node_reads`]) and every module's, as declared with `module_queries!`
//! (`greenhour_app::modules::query_docs`), so a new read appears in both with
//! nothing written here.
//!
//! Invariant: every route and method the node serves is in the documents, and
//! every one in the documents is served (the node's tests walk them all).

use greenhour_framework::queries::{ParamDoc, QueryDoc, QueryParam};
use greenhour_primitives::{Address, Hash};
use serde_json::{json, Map, Value};

fn param<T: QueryParam>(name: &'static str) -> ParamDoc {
    ParamDoc { name, required: T::REQUIRED, schema: T::schema() }
}

fn node_read(
    method: &'static str,
    path: &'static str,
    summary: &str,
    params: Vec<ParamDoc>,
    answer: &'static str,
) -> QueryDoc {
    QueryDoc { module: "node", method, path, summary: summary.to_string(), params, answer }
}

/// The node's own reads (not a module's): chain status, blocks, commits,
/// transactions, accounts, supply and raw state with proofs.
pub fn node_reads() -> Vec<QueryDoc> {
    vec![
        node_read("status", "/status", "Chain id, latest height, block hash, app hash, mempool size and minimum fee.", vec![], "Status"),
        node_read("block", "/blocks/{height}", "A committed block by height (0 is the genesis header), with its events; over JSON-RPC, the latest when height is absent.", vec![param::<Option<u64>>("height")], "BlockInfo"),
        node_read("commit", "/commits/{height}", "A block's commit certificate: the precommits of the validator set that signed it (what light clients verify).", vec![param::<u64>("height")], "CommitCertificate"),
        node_read("tx", "/txs/{hash}", "A committed transaction and its record; an error with its (module, code) if it was dropped.", vec![param::<Hash>("hash")], "TxInfo"),
        node_read("account", "/accounts/{address}", "Nonce, pending nonce and balances of an account.", vec![param::<Address>("address")], "AccountInfo"),
        node_read("account_txs", "/accounts/{address}/txs", "The transactions an account signed, newest first, failed ones with their error: nonces below `before` (all by default), at most `limit` (1–100, default 100). The next page's `before` is the last one's nonce.", vec![param::<Address>("address"), param::<Option<u64>>("before"), param::<Option<u64>>("limit")], "TxInfos"),
        node_read("balances", "/accounts/{address}/balances", "Balances of an account.", vec![param::<Address>("address")], "Coins"),
        node_read("supply", "/supply", "Total supply per denom.", vec![], "SupplyInfo"),
        node_read("state", "/state", "A state value at a height (latest by default) with its JMT inclusion or exclusion proof; key is UTF-8 unless encoding is hex.", vec![
            ParamDoc { name: "key", required: true, schema: json!({"type": "string", "minLength": 1, "maxLength": 2048}) },
            param::<Option<u64>>("height"),
            ParamDoc { name: "encoding", required: false, schema: json!({"type": "string", "enum": ["utf8", "hex"]}) },
        ], "StateProof"),
    ]
}

/// Every read: the node's own, then each module's in the registry's order.
pub fn all_reads() -> Vec<QueryDoc> {
    let mut reads = node_reads();
    reads.extend(greenhour_app::modules::query_docs());
    reads
}

const NUMBERS: &str = "Every 128-bit integer (amounts, prices in wad, shares, limits, oracle values) is a decimal string in requests and responses, e.g. \"floor_wad\": \"500000000000000000000000\"; 64-bit integers (heights, ids, hours, seconds) are JSON numbers, and requests may also give them as decimal strings. A parameter a method does not take is refused.";

/// The schema of a read's answer: the node's own are described in components;
/// a module's answer names its Rust type (see the module's `query.rs`).
fn answer_schema(doc: &QueryDoc) -> Value {
    if doc.module == "node" {
        json!({"$ref": format!("#/components/schemas/{}", doc.answer)})
    } else {
        json!({"description": format!("{} (the {} module's answer; see its query.rs)", doc.answer.replace(' ', ""), doc.module)})
    }
}

fn operation(doc: &QueryDoc) -> Value {
    let parameters: Vec<Value> = doc
        .params
        .iter()
        .map(|p| {
            let location = if doc.in_path(p.name) { "path" } else { "query" };
            json!({"name": p.name, "in": location, "required": p.required || location == "path", "schema": p.schema})
        })
        .collect();
    json!({
        "operationId": doc.method,
        "summary": doc.summary,
        "tags": [doc.module],
        "parameters": parameters,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": answer_schema(doc)}}},
            "400": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"}
        }
    })
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let coin = json!({"type": "object", "required": ["denom", "amount"], "properties": {
        "denom": {"type": "string", "pattern": "^[a-z][a-z0-9/_-]{2,63}$"},
        "amount": {"type": "string", "pattern": "^[0-9]+$", "description": "integer amount in the denom's smallest unit"}}});
    let height = json!({"type": "integer", "minimum": 0});
    let hash = json!({"type": "string", "pattern": "^[0-9a-f]{64}$"});
    let address = json!({"type": "string", "pattern": "^gh1[02-9ac-hj-np-z]{38}$"});
    let mut paths = Map::new();
    for doc in all_reads() {
        paths.insert(doc.path.to_string(), json!({"get": operation(&doc)}));
    }
    paths.insert("/blocks/latest".into(), json!({"get": {"operationId": "latest_block", "summary": "The latest committed block, with its events.", "tags": ["node"],
        "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BlockInfo"}}}}}}}));
    paths.insert("/txs".into(), json!({"post": {
        "operationId": "broadcast_tx",
        "summary": "Broadcast a signed transaction (hex of its borsh encoding)",
        "tags": ["node"],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["tx"], "additionalProperties": false, "properties": {
            "tx": {"type": "string", "pattern": "^(0x)?[0-9a-fA-F]*$"},
            "mode": {"type": "string", "enum": ["sync", "commit"], "default": "sync"}}}}}},
        "responses": {
            "200": {"description": "admitted (sync) or committed (commit)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BroadcastResult"}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "413": {"description": "body too large"},
            "422": {"$ref": "#/components/responses/Error"}}}}));
    paths.insert("/txs/encode".into(), json!({"post": {
        "operationId": "encode_tx",
        "summary": "The borsh encoding (hex) of an unsigned transaction body given as JSON, for a signer holding its key elsewhere",
        "tags": ["node"],
        "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["body"], "additionalProperties": false, "properties": {
            "body": {"type": "object", "required": ["chain_id", "signer", "nonce", "fee", "actions"]}}}}}},
        "responses": {
            "200": {"description": "encoded", "content": {"application/json": {"schema": {"type": "object", "properties": {"body": {"type": "string"}, "domain": {"type": "string"}}}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"}}}}));
    paths.insert("/faucet/{address}".into(), json!({"post": {
        "operationId": "faucet",
        "summary": "Devnet only: the faucet's drip to an account holding less than one drip's GHR, answered after its block",
        "tags": ["node"],
        "parameters": [{"name": "address", "in": "path", "required": true, "schema": address.clone()}],
        "responses": {
            "200": {"description": "committed", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "422": {"$ref": "#/components/responses/Error"}}}}));
    paths.insert("/health".into(), json!({"get": {"operationId": "health", "summary": "Liveness", "responses": {"200": {"description": "ok", "content": {"text/plain": {}}}}}}));
    paths.insert("/metrics".into(), json!({"get": {"operationId": "metrics", "summary": "Prometheus metrics (text format 0.0.4, or OpenMetrics when asked)", "responses": {"200": {"description": "metrics", "content": {"text/plain": {}, "application/openmetrics-text": {}}}}}}));
    paths.insert("/openapi.json".into(), json!({"get": {"operationId": "openapi", "summary": "This document", "responses": {"200": {"description": "OpenAPI 3.1", "content": {"application/json": {}}}}}}));
    paths.insert("/openrpc.json".into(), json!({"get": {"operationId": "openrpc", "summary": "The JSON-RPC methods as an OpenRPC document (also the method rpc.discover)", "responses": {"200": {"description": "OpenRPC 1.3", "content": {"application/json": {}}}}}}));
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Greenhour node API", "version": env!("CARGO_PKG_VERSION"),
                 "description": format!("REST routes of a Greenhour node. The same reads are JSON-RPC 2.0 methods at POST / (see /openrpc.json); a WebSocket at /ws streams committed blocks. {NUMBERS}")},
        "paths": paths,
        "components": {
            "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "required": ["message"], "properties": {
                    "message": {"type": "string"}, "module": {"type": "string"}, "code": {"type": "integer"}}}}},
                "Coin": coin,
                "Coins": {"type": "array", "items": {"$ref": "#/components/schemas/Coin"}},
                "CommitCertificate": {"type": "object", "properties": {"height": {"type": "integer"}, "round": {"type": "integer"}, "block": {"type": "string"}, "signatures": {"type": "array", "items": {"type": "object"}}}},
                "Status": {"type": "object", "properties": {"chain_id": {"type": "string"}, "node_version": {"type": "string"}, "height": height.clone(),
                    "latest_block_hash": hash.clone(), "latest_app_hash": hash.clone(), "latest_block_time": {"type": "integer"}, "mempool_size": {"type": "integer"}}},
                "BlockInfo": {"type": "object", "properties": {"hash": hash.clone(), "block": {"type": "object"}, "tx_hashes": {"type": "array", "items": hash.clone()}, "block_events": {"type": "array"}}},
                "TxInfo": {"type": "object", "properties": {"tx": {"type": "object"}, "record": {"type": "object"}}},
                "TxInfos": {"type": "array", "items": {"$ref": "#/components/schemas/TxInfo"}},
                "BroadcastResult": {"type": "object", "properties": {"hash": hash.clone(), "mode": {"type": "string"}, "committed": {}}},
                "AccountInfo": {"type": "object", "properties": {"address": address, "nonce": {"type": "integer"}, "pending_nonce": {"type": "integer"}, "height": height.clone(),
                    "balances": {"$ref": "#/components/schemas/Coins"}}},
                "SupplyInfo": {"type": "object", "properties": {"height": height, "supply": {"$ref": "#/components/schemas/Coins"}}},
                "StateProof": {"type": "object", "properties": {"version": {"type": "integer"}, "root": hash, "key": {"type": "string"},
                    "value": {"type": ["string", "null"]}, "proof": {"type": "string", "description": "hex of the borsh-encoded JMT SparseMerkleProof"}}}
            }
        }
    })
}

/// The OpenRPC 1.3 document: every JSON-RPC method with its parameters (by name)
/// and its result.
pub fn openrpc() -> Value {
    let mut methods: Vec<Value> = all_reads()
        .iter()
        .map(|doc| {
            let params: Vec<Value> = doc
                .params
                .iter()
                .map(|p| json!({"name": p.name, "required": p.required, "schema": p.schema}))
                .collect();
            json!({
                "name": doc.method,
                "summary": doc.summary,
                "tags": [{"name": doc.module}],
                "paramStructure": "by-name",
                "params": params,
                "result": {"name": doc.answer.replace(' ', ""), "schema": answer_schema(doc)},
            })
        })
        .collect();
    methods.push(json!({
        "name": "broadcast_tx",
        "summary": "Broadcast a signed transaction (hex of its borsh encoding); mode sync (admitted) or commit (waits for its block).",
        "tags": [{"name": "node"}],
        "paramStructure": "by-name",
        "params": [
            {"name": "tx", "required": true, "schema": {"type": "string", "pattern": "^(0x)?[0-9a-fA-F]*$"}},
            {"name": "mode", "required": false, "schema": {"type": "string", "enum": ["sync", "commit"]}}],
        "result": {"name": "BroadcastResult", "schema": {"$ref": "#/components/schemas/BroadcastResult"}},
    }));
    methods.push(json!({
        "name": "encode_tx",
        "summary": "The borsh encoding (hex) of an unsigned transaction body given as JSON, after the chain id, size and stateless action checks; sign `len(domain) ‖ domain ‖ len(chain_id) ‖ chain_id ‖ body` with the key and send `body ‖ signature` to broadcast_tx.",
        "tags": [{"name": "node"}],
        "paramStructure": "by-name",
        "params": [{"name": "body", "required": true, "schema": {"type": "object", "required": ["chain_id", "signer", "nonce", "fee", "actions"]}}],
        "result": {"name": "EncodedTx", "schema": {"type": "object", "properties": {"body": {"type": "string"}, "domain": {"type": "string"}}}},
    }));
    methods.push(json!({
        "name": "faucet",
        "summary": "Devnet only: sends an account that holds less than one drip's GHR the faucet's coins and, when it has one, a slice of a certificate bundle; answers after the block. Refused with (faucet, 1) on a node without a faucet.",
        "tags": [{"name": "node"}],
        "paramStructure": "by-name",
        "params": [{"name": "address", "required": true, "schema": {"type": "string"}}],
        "result": {"name": "Drip", "schema": {"type": "object", "properties": {"to": {"type": "string"}, "coins": {"$ref": "#/components/schemas/Coins"}, "certificate": {}, "result": {"$ref": "#/components/schemas/BroadcastResult"}}}},
    }));
    methods.push(json!({
        "name": "relay_txs",
        "summary": "Transactions a peer relays (hex, at most 2,048): how many were admitted and each refusal with its index and (module, code).",
        "tags": [{"name": "node"}],
        "paramStructure": "by-name",
        "params": [{"name": "txs", "required": true, "schema": {"type": "array", "maxItems": crate::node::RELAY_BATCH, "items": {"type": "string"}}}],
        "result": {"name": "RelayResult", "schema": {"type": "object", "properties": {"admitted": {"type": "integer"}, "refused": {"type": "array"}}}},
    }));
    methods.push(json!({
        "name": "rpc.discover",
        "summary": "This document.",
        "params": [],
        "result": {"name": "OpenRPC", "schema": {"type": "object"}},
    }));
    let mut components = document()["components"]["schemas"].clone();
    components.as_object_mut().map(|c| c.remove("Error"));
    json!({
        "openrpc": "1.3.2",
        "info": {"title": "Greenhour node JSON-RPC", "version": env!("CARGO_PKG_VERSION"),
                 "description": format!("JSON-RPC 2.0 at POST / (or /rpc), single or batch (at most 100). Errors: -32700 parse, -32600 invalid request, -32601 unknown method, -32602 invalid params, -32001 not found, -32002 refused (data: module, code, message), -32603 internal. {NUMBERS}")},
        "methods": methods,
        "components": {"schemas": components},
    })
}
