//! A client in another language, written from `docs/spec/wire.md` alone
//! (`clients/python/greenhour_wire.py`, PyNaCl, bech32 and wasmtime from PyPI): it rebuilds
//! the conformance fixtures' transaction and header bytes, and against a devnet
//! signs and submits a transfer, follows every header from genesis on its
//! commit certificate, and proves the recipient's balance under the last one;
//! and it runs the node's metered example workloads by the interface alone in
//! wasmtime, a second engine, which must give the reference runtime's verdicts,
//! outputs and fuel exactly (and run out one unit short of that fuel).
//! Required in CI (`GREENHOUR_REQUIRE_PYTHON`); elsewhere, without Python or
//! its packages, it says so and passes.

use greenhour_client::RpcClient;
use std::path::PathBuf;
use std::process::Command;

mod common;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs the client; `None` when Python or its packages are missing (and not required).
fn python(args: &[&str]) -> Option<serde_json::Value> {
    let ready = Command::new("python3").args(["-c", "import nacl, bech32, wasmtime"]).output();
    if !ready.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("GREENHOUR_REQUIRE_PYTHON").is_none(),
            "python3 with PyNaCl, bech32 and wasmtime is required: pip install -r clients/python/requirements.txt"
        );
        eprintln!("skipped: python3 with PyNaCl, bech32 and wasmtime not found (pip install -r clients/python/requirements.txt)");
        return None;
    }
    let out = Command::new("python3")
        .arg(repo().join("clients/python/greenhour_wire.py"))
        .args(args)
        .output()
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{args:?}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    Some(serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_be_used_by_a_client_written_from_the_wire_spec_alone() {
    let fixtures = repo().join("crates/app/tests/fixtures/encodings.txt");
    let Some(matched) = python(&["fixtures", fixtures.to_str().unwrap()]) else { return };
    assert_eq!(matched["fixtures_matched"].as_array().unwrap().len(), 6, "{matched}");

    let dir = tempfile::tempdir().unwrap();
    let (mut child, client): (_, RpcClient) = common::start_node(&dir.path().join("home")).await;
    let url = client.url().to_string();
    let runs = {
        let url = url.clone();
        tokio::task::spawn_blocking(move || python(&["workloads", &url])).await.unwrap().unwrap()
    };
    let report = tokio::task::spawn_blocking(move || python(&["transfer", &url])).await.unwrap().unwrap();
    // What the Python client sent and proved is what the node holds, read through the Rust client's types.
    let height = report["height"].as_u64().unwrap();
    let hash: greenhour_primitives::Hash = report["tx"].as_str().unwrap().parse().unwrap();
    let tx = client.tx(&hash).await.expect("the Python client's transfer is on chain");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(tx.record.height, height);
    assert_eq!(tx.record.error, None);
    assert_eq!(tx.tx.body.memo, "from python");
    assert_eq!(report["balance"], 1_234);
    assert_eq!(report["headers_followed"], height);
    assert!(report["certificates_checked"].as_u64().unwrap() >= height, "{report}");
    let recipient = greenhour_crypto::SecretKey::from_name("wire-client-recipient").address().to_string();
    assert_eq!(report["recipient"], recipient);

    // Every example, on its demo input and on variants it must refuse: the same
    // verdict, output and fuel in wasmtime (running the node's metered module) as
    // in the reference runtime (wasmi).
    let runs = runs.as_array().unwrap();
    assert!(runs.len() >= 12, "{runs:?}");
    let mut outputs = 0;
    for run in runs {
        let example = greenhour_workloads::examples::Example::by_name(run["name"].as_str().unwrap()).unwrap();
        let input = hex::decode(run["input"].as_str().unwrap()).unwrap();
        let reference = greenhour_workloads::run(&example.wasm(), &input, &greenhour_workloads::Limits::default());
        match (&reference, run) {
            (Ok(out), other) if other.get("output").is_some() => {
                assert_eq!(hex::encode(&out.output), other["output"].as_str().unwrap(), "{run}");
                // Fuel is the metered module's own count, so the engines agree exactly.
                assert_eq!(other["fuel"].as_u64(), Some(out.fuel_used), "fuel in wasmi and in wasmtime: {run}");
                assert_eq!(other["one_short"], serde_json::json!({"out_of_fuel": true}), "{run}");
                let short = greenhour_workloads::Limits { fuel: out.fuel_used - 1, ..Default::default() };
                assert!(matches!(
                    greenhour_workloads::run(&example.wasm(), &input, &short),
                    Err(greenhour_workloads::RunError::OutOfFuel { .. })
                ));
                outputs += 1;
            }
            (Err(greenhour_workloads::RunError::Rejected(code)), other) => {
                assert_eq!(other["rejected"].as_i64(), Some(i64::from(*code)), "{run}");
            }
            (reference, other) => panic!("the engines disagree: wasmi {reference:?}, wasmtime {other}"),
        }
    }
    assert!(outputs >= 3, "{runs:?}");
}
