//! `rpc`: HTTP bodies and paths → a running node's JSON-RPC and REST routes.
//!
//! Each input is a request. One that starts with `GET ` or `POST ` is a REST
//! request (its first line the method and path, the rest its body); anything
//! else is POSTed to `/` as a JSON-RPC body. Seeds are one call per method of
//! the node's own OpenRPC document and one request per path of its OpenAPI
//! document, with plausible parameters; the structure-aware mutation replaces
//! one JSON value with another (huge, negative, fractional, nested, wrong type).
//! Every request must get an answer below 500 and, on JSON-RPC, a well-formed
//! JSON-RPC 2.0 answer that is not an internal error.

use crate::{Depth, Target};
use greenhour_crypto::SecretKey;
use greenhour_node::config::HomeLayout;
use greenhour_node::{Node, NodeConfig, RunningNode};
use rand::rngs::StdRng;
use rand::Rng;
use serde_json::{json, Value};

pub struct RpcTarget {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
    url: String,
    openrpc: Value,
    openapi: Value,
    _node: RunningNode,
    _home: tempfile::TempDir,
}

pub fn make() -> Box<dyn Target> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let home = tempfile::tempdir().expect("temp dir");
    let node = runtime.block_on(async {
        let mut config =
            NodeConfig { rpc_listen: "127.0.0.1:0".into(), rpc_max_body_bytes: 64 * 1024, ..Default::default() };
        config.solo.block_interval_ms = 50;
        let genesis = greenhour_testkit::demo_genesis("greenhour-fuzz");
        Node::start(config, &HomeLayout::new(home.path()), &genesis).await.expect("node starts")
    });
    let url = format!("http://{}", node.rpc_addr);
    let http = reqwest::Client::builder().timeout(std::time::Duration::from_secs(10)).build().expect("client");
    let fetch = |path: &str| {
        runtime.block_on(async { http.get(format!("{url}{path}")).send().await?.json::<Value>().await }).expect(path)
    };
    let openrpc = fetch("/openrpc.json");
    let openapi = fetch("/openapi.json");
    Box::new(RpcTarget { runtime, http, url, openrpc, openapi, _node: node, _home: home })
}

/// A value a parameter called `name` plausibly takes.
fn plausible(name: &str) -> Value {
    let alice = SecretKey::from_name("alice").address().to_string();
    match name {
        n if ["address", "owner", "account", "holder", "registrant", "retiree", "beneficiary", "signer"]
            .iter()
            .any(|k| n.contains(k)) =>
        {
            json!(alice)
        }
        n if n.contains("hash") => json!("00".repeat(32)),
        "limit" => json!(3),
        "after" => json!("1"),
        "key" => json!("app/last_block"),
        "denom" => json!("ughr"),
        "mode" => json!("sync"),
        "txs" => json!([]),
        "tx" => json!("00"),
        // Heights, hours, ids, serials, amounts.
        _ => json!(1),
    }
}

/// A JSON value that breaks naive parameter handling.
fn hostile(rng: &mut StdRng) -> Value {
    match rng.gen_range(0..14) {
        0 => Value::Null,
        1 => json!(-1),
        2 => json!(u64::MAX),
        3 => serde_json::from_str("1180591620717411303424").expect("a big integer"),
        4 => serde_json::from_str("1e400").unwrap_or(json!(1.0e300)),
        5 => json!(0.5),
        6 => json!(""),
        7 => json!("x".repeat(rng.gen_range(1..5_000))),
        8 => json!(true),
        9 => json!([]),
        10 => json!({}),
        11 => (0..64).fold(json!(1), |v, _| json!([v])),
        12 => json!("GH1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ"),
        _ => json!(rng.gen::<u32>()),
    }
}

/// Replaces one value somewhere in `v` (or the whole of it) with a hostile one.
fn replace_one(v: &mut Value, rng: &mut StdRng) {
    let children = match v {
        Value::Object(map) => map.len(),
        Value::Array(items) => items.len(),
        _ => 0,
    };
    if children == 0 || rng.gen_bool(0.25) {
        *v = hostile(rng);
        return;
    }
    let at = rng.gen_range(0..children);
    match v {
        Value::Object(map) => {
            if rng.gen_bool(0.15) {
                let key = map.keys().nth(at).cloned().expect("in range");
                map.remove(&key);
            } else if let Some(child) = map.values_mut().nth(at) {
                replace_one(child, rng);
            }
        }
        Value::Array(items) => replace_one(&mut items[at], rng),
        _ => {}
    }
}

impl RpcTarget {
    async fn call(&self, input: &[u8]) -> Result<Depth, String> {
        let rest = (input.starts_with(b"GET ") || input.starts_with(b"POST ")).then(|| {
            let line_end = input.iter().position(|b| *b == b'\n').unwrap_or(input.len());
            let line = String::from_utf8_lossy(&input[..line_end]).to_string();
            (line, input[line_end.min(input.len())..].to_vec())
        });
        let request = match &rest {
            Some((line, body)) => {
                let (method, path) = line.split_once(' ').expect("starts with a method and a space");
                let url = format!("{}{}", self.url, path.trim());
                // A mutated path can turn the node's address into a user name
                // (`@other/`) or a port; what would go elsewhere is not a request.
                let ours = reqwest::Url::parse(&self.url).expect("the node's URL");
                match reqwest::Url::parse(&url) {
                    Ok(u) if u.host() == ours.host() && u.port() == ours.port() && u.username().is_empty() => {}
                    _ => return Ok(Depth::Undecoded),
                }
                if method == "GET" {
                    self.http.get(url)
                } else {
                    self.http.post(url).body(body.clone())
                }
            }
            None => self.http.post(&self.url).header("content-type", "application/json").body(input.to_vec()),
        };
        let response = match request.send().await {
            Ok(r) => r,
            // A path reqwest will not even put on the wire is not a request.
            Err(e) if e.is_builder() => return Ok(Depth::Undecoded),
            Err(e) => return Err(format!("no answer (a handler panicked or the server died?): {e}")),
        };
        let status = response.status().as_u16();
        let text = response.text().await.map_err(|e| format!("answer cut short: {e}"))?;
        if status >= 500 {
            return Err(format!("status {status}: {}", text.chars().take(300).collect::<String>()));
        }
        if rest.is_some() {
            return Ok(if status < 300 { Depth::Admitted } else { Depth::Decoded });
        }
        if text.is_empty() {
            // A notification (no id) or a batch of them gets no body.
            return Ok(Depth::Decoded);
        }
        let answer: Value =
            serde_json::from_str(&text).map_err(|e| format!("JSON-RPC answer is not JSON ({e}): {text:.300}"))?;
        let answers = match &answer {
            Value::Array(items) => items.clone(),
            one => vec![one.clone()],
        };
        let mut depth = Depth::Undecoded;
        for a in &answers {
            if a["jsonrpc"] != "2.0" || (a.get("result").is_none() == a.get("error").is_none()) {
                return Err(format!("not a JSON-RPC 2.0 answer: {a:.300}"));
            }
            if a["error"]["code"] == -32603 {
                return Err(format!("internal error on bad input: {a:.300}"));
            }
            let this = match a["error"]["code"].as_i64() {
                None => Depth::Admitted,
                Some(-32700) => Depth::Undecoded,
                Some(_) => Depth::Decoded,
            };
            depth = depth.max(this);
        }
        Ok(depth)
    }
}

impl Target for RpcTarget {
    fn name(&self) -> &'static str {
        "rpc"
    }

    fn seeds(&self) -> Vec<Vec<u8>> {
        let mut seeds = Vec::new();
        for (i, method) in self.openrpc["methods"].as_array().into_iter().flatten().enumerate() {
            let params: serde_json::Map<String, Value> = method["params"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p["name"].as_str())
                .map(|name| (name.to_string(), plausible(name)))
                .collect();
            let call = json!({"jsonrpc": "2.0", "id": i, "method": method["name"], "params": params});
            seeds.push(call.to_string().into_bytes());
        }
        seeds.push(br#"[{"jsonrpc":"2.0","id":1,"method":"status"},{"jsonrpc":"2.0","method":"status"}]"#.to_vec());
        for (path, item) in self.openapi["paths"].as_object().into_iter().flatten() {
            let filled: String = path
                .split('/')
                .map(|segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    Some(name) => {
                        plausible(name).as_str().map(str::to_string).unwrap_or_else(|| plausible(name).to_string())
                    }
                    None => segment.to_string(),
                })
                .collect::<Vec<_>>()
                .join("/");
            for method in ["get", "post"].into_iter().filter(|m| item.get(*m).is_some()) {
                let body = if method == "post" { "{}" } else { "" };
                seeds.push(format!("{} {filled}\n{body}", method.to_uppercase()).into_bytes());
            }
        }
        seeds
    }

    fn run(&mut self, input: &[u8]) -> Result<Depth, String> {
        self.runtime.block_on(self.call(input))
    }

    /// One JSON value replaced; for a REST request, one path segment or a query added.
    fn mutate(&self, input: &[u8], rng: &mut StdRng) -> Option<Vec<u8>> {
        if input.starts_with(b"GET ") || input.starts_with(b"POST ") {
            let text = String::from_utf8_lossy(input).to_string();
            let (line, body) = text.split_once('\n').unwrap_or((&text, ""));
            let mut segments: Vec<String> = line.split('/').map(str::to_string).collect();
            let at = rng.gen_range(1..segments.len().max(2)).min(segments.len() - 1);
            segments[at] = match hostile(rng) {
                Value::String(s) => s,
                other => other.to_string(),
            };
            let query =
                ["", "?limit=0", "?limit=99999999999999999999", "?after=%ff", "?height=-1"][rng.gen_range(0..5)];
            return Some(format!("{}{query}\n{body}", segments.join("/")).into_bytes());
        }
        let mut value: Value = serde_json::from_slice(input).ok()?;
        replace_one(&mut value, rng);
        Some(value.to_string().into_bytes())
    }
}
