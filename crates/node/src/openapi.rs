//! `/openapi.json`: the REST routes, described for clients and fuzzers.

use serde_json::{json, Value};

fn get_op(summary: &str, params: Value, schema: &str) -> Value {
    json!({
        "summary": summary,
        "parameters": params,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}
        }
    })
}

fn path_param(name: &str, description: &str, schema: Value) -> Value {
    json!({"name": name, "in": "path", "required": true, "description": description, "schema": schema})
}

/// The OpenAPI 3.1 document.
pub fn document() -> Value {
    let coin = json!({"type": "object", "required": ["denom", "amount"], "properties": {
        "denom": {"type": "string", "pattern": "^[a-z][a-z0-9/_-]{2,63}$"},
        "amount": {"type": "string", "pattern": "^[0-9]+$", "description": "integer amount in the denom's smallest unit"}}});
    let height = json!({"type": "integer", "minimum": 0});
    let hash = json!({"type": "string", "pattern": "^[0-9a-f]{64}$"});
    let address = json!({"type": "string", "pattern": "^gh1[02-9ac-hj-np-z]{38}$"});
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Greenhour node API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "REST routes of a Greenhour node. The same methods are served as JSON-RPC 2.0 at POST / (status, block, tx, broadcast_tx, account, balances, supply, state); a WebSocket at /ws streams committed blocks. Every 128-bit integer (amounts, prices in wad, shares, limits, oracle values) is a decimal string in requests and responses, e.g. \"floor_wad\": \"500000000000000000000000\"; 64-bit integers (heights, ids, hours, seconds) are JSON numbers."},
        "paths": {
            "/status": {"get": get_op("Chain id, latest height, block hash, app hash and mempool size", json!([]), "Status")},
            "/blocks/latest": {"get": get_op("The latest committed block", json!([]), "BlockInfo")},
            "/blocks/{height}": {"get": get_op("A committed block by height (0 is the genesis header)", json!([path_param("height", "block height", height.clone())]), "BlockInfo")},
            "/txs/{hash}": {"get": get_op("A committed transaction and its events; 422 with the error if it was dropped", json!([path_param("hash", "transaction hash", hash.clone())]), "TxInfo")},
            "/txs": {"post": {
                "summary": "Broadcast a signed transaction (hex of its borsh encoding)",
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["tx"], "additionalProperties": false, "properties": {
                    "tx": {"type": "string", "pattern": "^(0x)?[0-9a-fA-F]*$"},
                    "mode": {"type": "string", "enum": ["sync", "commit"], "default": "sync"}}}}}},
                "responses": {
                    "200": {"description": "admitted (sync) or committed (commit)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BroadcastResult"}}}},
                    "400": {"$ref": "#/components/responses/Error"},
                    "413": {"description": "body too large"},
                    "422": {"$ref": "#/components/responses/Error"}}}},
            "/accounts/{address}": {"get": get_op("Nonce and balances of an account", json!([path_param("address", "bech32 address", address.clone())]), "AccountInfo")},
            "/accounts/{address}/balances": {"get": get_op("Balances of an account", json!([path_param("address", "bech32 address", address.clone())]), "Coins")},
            "/supply": {"get": get_op("Total supply per denom", json!([]), "SupplyInfo")},
            "/state": {"get": get_op("A state value at a height with its JMT inclusion or exclusion proof", json!([
                {"name": "key", "in": "query", "required": true, "schema": {"type": "string", "minLength": 1, "maxLength": 2048}},
                {"name": "height", "in": "query", "required": false, "schema": height.clone()},
                {"name": "encoding", "in": "query", "required": false, "schema": {"type": "string", "enum": ["utf8", "hex"]}}
            ]), "StateProof")},
            "/devices": {"get": get_op("Registered devices, optionally of one owner (at most 1,000)", json!([
                {"name": "owner", "in": "query", "required": false, "schema": address.clone()}]), "Devices")},
            "/devices/{id}": {"get": get_op("A device: owner, key, class, cell, nameplate, status, telemetry counters", json!([path_param("id", "device id", json!({"type": "integer", "minimum": 1}))]), "Device")},
            "/devices/{id}/reports": {"get": get_op("A device's accepted telemetry from a start time on (at most 1,000), with green shares", json!([
                path_param("id", "device id", json!({"type": "integer", "minimum": 1})),
                {"name": "from", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}}]), "Reports")},
            "/nfts": {"get": get_op("Tokens an address holds (at most 1,000)", json!([
                {"name": "owner", "in": "query", "required": true, "schema": address.clone()}]), "Tokens")},
            "/nfts/{class}/{serial}": {"get": get_op("A token: owner, approved spender, attributes", json!([
                path_param("class", "class name", json!({"type": "string", "pattern": "^[a-z0-9_]{1,32}$"})),
                path_param("serial", "serial number", json!({"type": "integer", "minimum": 1}))]), "Token")},
            "/pools": {"get": get_op("Every pool: class, kind, entry conditions, member count", json!([]), "Pools")},
            "/pools/{id}": {"get": get_op("A pool and its members (active or leaving, with stakes)", json!([path_param("id", "pool id", json!({"type": "integer", "minimum": 1}))]), "PoolDetail")},
            "/positions": {"get": get_op("Positions by NFT owner, by device or pool (live ones) or by the UTC hour they cover; each hour with its state", json!([
                {"name": "owner", "in": "query", "required": false, "schema": address.clone()},
                {"name": "device", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}},
                {"name": "hour", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0}},
                {"name": "pool", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 1}}]), "Positions")},
            "/positions/{serial}": {"get": get_op("A position (same serial as its NFT), its owner and each hour's state: online, in_progress, settled, expired or leaving", json!([path_param("serial", "position serial", json!({"type": "integer", "minimum": 1}))]), "Position")},
            "/slots/{class}/{hour}": {"get": get_op("Slot tokens of one class and UTC hour: supply, unsold in pool custody, sold", json!([
                path_param("class", "device class", json!({"type": "string", "enum": ["home", "regional", "datacentre", "btc_miner"]})),
                path_param("hour", "UTC hour index (Unix seconds / 3600)", json!({"type": "integer", "minimum": 0})),
                {"name": "unit", "in": "query", "required": false, "schema": {"type": "string", "enum": ["gpu_hour", "kwh"]}}]), "Slot")},
            "/market/pools": {"get": get_op("Market pools (one per hour slot) with reserves, virtual quote, shares and TWAP accumulator, as of the latest block time", json!([]), "MarketPools")},
            "/market/quote": {"get": get_op("A swap quote as of the latest block time: in, out and the spot price (WAD)", json!([
                {"name": "slot", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "side", "in": "query", "required": false, "schema": {"type": "string", "enum": ["buy", "sell"]}},
                {"name": "exact_in", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                {"name": "exact_out", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}}]), "MarketQuote")},
            "/market/pool": {"get": get_op("One market pool as of the latest block time: reserves, phase (open, closed, expired), spot price, TWAP over the kept observations, seconds to close", json!([
                {"name": "slot", "in": "query", "required": true, "schema": {"type": "string"}}]), "MarketPool")},
            "/market/route": {"get": get_op("The cost of buying slots in consecutive hours now: each hour's exact-out price and the total (what buy-hours pays at most)", json!([
                {"name": "first_slot", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "hours", "in": "query", "required": true, "schema": {"type": "integer", "minimum": 1}},
                {"name": "slots_per_hour", "in": "query", "required": false, "schema": {"type": "string", "pattern": "^[0-9]+$"}},
                {"name": "quote", "in": "query", "required": false, "schema": {"type": "string", "enum": ["ugusd", "ughr"]}}]), "MarketRoute")},
            "/index": {"get": get_op("The Green Compute Index: volume-weighted and green-weighted GPU-hour prices (WAD) per class and quote denom, for the current hour and the rolling window", json!([
                {"name": "class", "in": "query", "required": false, "schema": {"type": "string", "enum": ["home", "regional", "datacentre", "btc_miner"]}},
                {"name": "quote", "in": "query", "required": false, "schema": {"type": "string", "enum": ["ugusd", "ughr"]}}]), "Index")},
            "/jobs": {"get": get_op("Demand contracts, newest first (at most 200): by buyer, by operator (unfinished jobs its devices serve), or the latest", json!([
                {"name": "buyer", "in": "query", "required": false, "schema": {"type": "string"}},
                {"name": "operator", "in": "query", "required": false, "schema": {"type": "string"}}]), "Jobs")},
            "/jobs/{id}": {"get": get_op("One job: spec, status, replicas and their outcomes, escrow ledger, revealed outputs (hex) and its SCI report", json!([
                path_param("id", "job id", json!({"type": "integer", "minimum": 1}))]), "Job")},
            "/workloads/{hash}": {"get": get_op("An uploaded WASM workload module (hex)", json!([
                path_param("hash", "sha256 of the module", json!({"type": "string", "pattern": "^[0-9a-f]{64}$"}))]), "Workload")},
            "/certificates": {"get": get_op("Hourly energy certificate bundles of an owner or a device, in id order (at most 5,000), narrowed by status, source, production hours or location cell", json!([
                {"name": "owner", "in": "query", "required": false, "schema": {"type": "string"}},
                {"name": "device", "in": "query", "required": false, "schema": {"type": "integer"}},
                {"name": "status", "in": "query", "required": false, "schema": {"type": "string", "enum": ["active", "locked", "stored", "storage_consumed", "claimed", "cancelled", "expired", "revoked"]}},
                {"name": "source", "in": "query", "required": false, "schema": {"type": "string", "enum": ["solar", "storage"]}},
                {"name": "from_hour", "in": "query", "required": false, "schema": {"type": "integer"}},
                {"name": "to_hour", "in": "query", "required": false, "schema": {"type": "integer"}},
                {"name": "cell", "in": "query", "required": false, "schema": {"type": "string"}}]), "Certificates")},
            "/certificates/{id}": {"get": get_op("One certificate bundle by its first id: range, owner, device, source, production interval, report hash, status, hash chain", json!([
                path_param("id", "first id of the bundle", json!({"type": "integer", "minimum": 1}))]), "Certificate")},
            "/claims": {"get": get_op("An account's certificate claims (retirements for a beneficiary), by receipt NFT serial", json!([
                {"name": "claimant", "in": "query", "required": true, "schema": {"type": "string"}}]), "Claims")},
            "/match-report": {"get": get_op("An account's 24/7 report: per hour, consumption (jobs and declared) against certificates of the same hour claimed; hourly and annual-volume scores", json!([
                {"name": "account", "in": "query", "required": true, "schema": {"type": "string"}},
                {"name": "from_hour", "in": "query", "required": true, "schema": {"type": "integer"}},
                {"name": "to_hour", "in": "query", "required": true, "schema": {"type": "integer"}}]), "MatchReport")},
            "/credits": {"get": get_op("Bridged carbon-credit batches (serial, project, vintage, type, tonnes, status, retired grams)", json!([
                {"name": "registrant", "in": "query", "required": false, "schema": {"type": "string"}}]), "Credits")},
            "/credit-pools": {"get": get_op("Credit pools: the coin each issues, its filter, and grams held per batch", json!([]), "CreditPools")},
            "/commits/{height}": {"get": get_op("A block's commit certificate: precommit signatures of the validator set that signed it (what light clients verify)", json!([
                path_param("height", "block height", json!({"type": "integer", "minimum": 1}))]), "CommitCertificate")},
            "/validators": {"get": get_op("Validators: operator, consensus key, bonded tokens, shares, commission, status, delegators and verified green work this epoch", json!([]), "Validators")},
            "/validator-sets": {"get": get_op("The PoGCS validator set signing the latest block and the one signing the next, with the hashes headers carry", json!([]), "ValidatorSets")},
            "/oracle/{feed}": {"get": get_op("An oracle feed, its latest value and the open round's reports", json!([
                path_param("feed", "feed name", json!({"type": "string", "pattern": "^[a-z0-9_.-]{1,48}$"}))]), "OracleFeed")},
            "/health": {"get": {"summary": "Liveness", "responses": {"200": {"description": "ok", "content": {"text/plain": {}}}}}},
            "/metrics": {"get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "OpenMetrics text", "content": {"application/openmetrics-text": {}}}}}}
        },
        "components": {
            "responses": {"Error": {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "schemas": {
                "Error": {"type": "object", "properties": {"error": {"type": "object", "required": ["message"], "properties": {
                    "message": {"type": "string"}, "module": {"type": "string"}, "code": {"type": "integer"}}}}},
                "Coin": coin,
                "Coins": {"type": "array", "items": {"$ref": "#/components/schemas/Coin"}},
                "Device": {"type": "object"},
                "Pools": {"type": "array", "items": {"type": "object"}},
                "MarketPools": {"type": "array", "items": {"$ref": "#/components/schemas/MarketPool"}},
                "MarketQuote": {"type": "object", "properties": {"in": {"type": "string"}, "out": {"type": "string"}, "price_wad": {"type": "string"}}},
                "MarketPool": {"type": "object", "properties": {"slot": {"type": "string"}, "x": {"type": "string"}, "y": {"type": "string"}, "v": {"type": "string"},
                    "phase": {"type": "string", "enum": ["open", "closed", "expired"]}, "price_wad": {"type": "string"}, "closes_in": {"type": "integer"},
                    "twap": {"type": ["object", "null"], "properties": {"price_wad": {"type": "string"}, "from": {"type": "integer"}, "to": {"type": "integer"}}}}},
                "MarketRoute": {"type": "object", "properties": {"total": {"type": "string"}, "quote": {"type": "string"}, "legs": {"type": "array", "items": {"type": "object", "properties": {
                    "slot": {"type": "string"}, "in": {"type": "string"}, "out": {"type": "string"}}}}}},
                "Job": {"type": "object", "properties": {"id": {"type": "integer"}, "buyer": {"type": "string"}, "status": {"type": "string", "enum": ["open", "matched", "running", "verifying", "settled", "failed", "cancelled", "expired"]},
                    "spec": {"type": "object"}, "replicas": {"type": "array", "items": {"type": "object"}}, "ledger": {"type": "object"},
                    "outputs": {"type": "array", "items": {"type": ["string", "null"]}}, "report": {"type": ["object", "null"]}}},
                "Jobs": {"type": "array", "items": {"type": "object"}},
                "Certificate": {"type": "object", "properties": {"first": {"type": "integer"}, "last": {"type": "integer"}, "owner": {"type": "string"}, "device": {"type": "integer"}, "source": {"type": "string"}, "start": {"type": "integer"}, "end": {"type": "integer"}, "report": {"type": "string"}, "status": {}, "hash": {"type": "string"}}},
                "Certificates": {"type": "array", "items": {"$ref": "#/components/schemas/Certificate"}},
                "Claims": {"type": "array", "items": {"type": "object"}},
                "MatchReport": {"type": "object", "properties": {"hours": {"type": "array", "items": {"type": "object"}}, "consumed_wh": {"type": "integer"}, "claimed_wh": {"type": "integer"}, "matched_wh": {"type": "integer"}, "hourly_score_bps": {"type": "integer"}, "volume_score_bps": {"type": "integer"}}},
                "Credits": {"type": "array", "items": {"type": "object"}},
                "Validators": {"type": "array", "items": {"type": "object"}},
                "CommitCertificate": {"type": "object", "properties": {"height": {"type": "integer"}, "round": {"type": "integer"}, "block": {"type": "string"}, "signatures": {"type": "array", "items": {"type": "object"}}}},
                "ValidatorSets": {"type": "object", "properties": {"current": {"type": "object"}, "next": {"type": "object"}}},
                "CreditPools": {"type": "array", "items": {"type": "object"}},
                "Workload": {"type": "object", "properties": {"hash": {"type": "string"}, "uploader": {"type": "string"}, "bytes": {"type": "integer"}, "wasm": {"type": "string"}}},
                "Index": {"type": "array", "items": {"type": "object", "properties": {"class": {"type": "string"}, "quote": {"type": "string"}, "hour": {"type": "integer"},
                    "hour_price_wad": {"type": ["string", "null"]}, "price_wad": {"type": ["string", "null"]}, "green_price_wad": {"type": ["string", "null"]},
                    "green_share_bps": {"type": "integer"}, "window_hours": {"type": "integer"}, "slots": {"type": "string"}, "quote_volume": {"type": "string"},
                    "fills": {"type": "integer"}, "last_fill": {"type": ["integer", "null"]}}}},
                "PoolDetail": {"type": "object", "properties": {"pool": {"type": "object"}, "members": {"type": "array"}}},
                "Position": {"type": "object", "properties": {"position": {"type": "object"}, "owner": address.clone(), "hours": {"type": "array"}}},
                "Positions": {"type": "array", "items": {"$ref": "#/components/schemas/Position"}},
                "Slot": {"type": "object", "properties": {"denom": {"type": "string"}, "hour": {"type": "integer"}, "supply": {"type": "string"},
                    "unsold_in_custody": {"type": "string"}, "sold": {"type": "string"}}},
                "Token": {"type": "object"},
                "OracleFeed": {"type": "object", "properties": {"feed": {"type": "object"}, "latest": {}, "open_reports": {"type": "array"}}},
                "Tokens": {"type": "array", "items": {"$ref": "#/components/schemas/Token"}},
                "Devices": {"type": "array", "items": {"$ref": "#/components/schemas/Device"}},
                "Reports": {"type": "array", "items": {"type": "object"}},
                "Status": {"type": "object", "properties": {"chain_id": {"type": "string"}, "node_version": {"type": "string"}, "height": height.clone(),
                    "latest_block_hash": hash.clone(), "latest_app_hash": hash.clone(), "latest_block_time": {"type": "integer"}, "mempool_size": {"type": "integer"}}},
                "BlockInfo": {"type": "object", "properties": {"hash": hash.clone(), "block": {"type": "object"}, "block_events": {"type": "array"}}},
                "TxInfo": {"type": "object", "properties": {"tx": {"type": "object"}, "record": {"type": "object"}}},
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
