//! The README, executed: every `sh` block of README.md runs, in order, in one bash
//! session against a devnet with a fleet, exactly as a newcomer would type it
//! (`cargo run --release --` stands for this test's build of the binary). A block
//! preceded by `<!-- readme-test: skip (why) -->` is not run; a command that is
//! meant to fail is written `! command` in the README itself. Any other non-zero
//! exit fails the test and names the block and the output.
//!
//! Needs `bash` and `jq` (the README reads ids from `--json` output with jq).

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A fenced `sh` block of the README: its first line number and its text.
struct Block {
    line: usize,
    text: String,
    skip: Option<String>,
}

fn sh_blocks(readme: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines().enumerate().peekable();
    let mut pending_skip: Option<String> = None;
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix("<!-- readme-test: skip") {
            pending_skip = Some(rest.trim_end_matches("-->").trim().to_string());
            continue;
        }
        if trimmed == "```sh" {
            let mut text = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim() == "```" {
                    break;
                }
                text.push_str(l);
                text.push('\n');
            }
            blocks.push(Block { line: n + 1, text, skip: pending_skip.take() });
        } else if !trimmed.is_empty() {
            pending_skip = None;
        }
    }
    blocks
}

/// The last `n` lines of `text`.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[test]
fn the_readme_parser_finds_blocks_and_their_skip_marks() {
    let text = "intro\n<!-- readme-test: skip (starts the devnet) -->\n```sh\ncargo run\n```\n\n```sh\na\nb\n```\n<!-- readme-test: skip (x) -->\nprose\n```sh\nc\n```\n";
    let blocks = sh_blocks(text);
    assert_eq!(blocks.len(), 3);
    assert_eq!(blocks[0].skip.as_deref(), Some("(starts the devnet)"));
    assert_eq!(blocks[0].line, 3);
    assert_eq!(blocks[1].text, "a\nb\n");
    assert!(blocks[1].skip.is_none());
    assert!(blocks[2].skip.is_none(), "a mark applies only to the block right after it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_can_run_every_readme_command_on_a_devnet() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let blocks = sh_blocks(&readme);
    let runnable: Vec<&Block> = blocks.iter().filter(|b| b.skip.is_none()).collect();
    assert!(runnable.len() >= 4, "the README has {} runnable sh blocks", runnable.len());
    for tool in ["bash", "jq"] {
        let found = Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
        assert!(found, "the README test needs {tool} (.ci/run installs it)");
    }

    // The default devnet's fleet, smaller: ids and hours come from the commands' output.
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let (mut child, client) = common::start_node_with(&home, &["--devices", "6", "--block-ms", "500"]).await;
    // Let the fleet register first, as it does before a newcomer opens a second shell.
    for _ in 0..600 {
        if client.devices(None).await.map(|d| d.len()).unwrap_or(0) >= 6 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let bin = env!("CARGO_BIN_EXE_greenhour");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    // One bash session: blocks share variables (DEVICE, POSITION, HOUR, …) as in a shell.
    // `-x` traces each command to stderr, so a failure names the command that failed.
    let mut script = String::from("set -xeo pipefail\n");
    for block in &runnable {
        script.push_str(&format!(
            "{{ set +x; }} 2>/dev/null; echo '::: README block at line {}' | tee /dev/stderr; set -x\n",
            block.line
        ));
        script.push_str(&block.text.replace("cargo run --release --", &format!("\"{bin}\"")));
    }
    let out = tokio::task::spawn_blocking({
        let (home, url, work) = (home.clone(), client.url().to_string(), work.clone());
        move || {
            Command::new("bash")
                .arg("-c")
                .arg(&script)
                .current_dir(&work)
                .env("GREENHOUR_HOME", &home)
                .env("GREENHOUR_NODE", &url)
                .env("GREENHOUR_LOG", "error")
                .output()
                .expect("run bash")
        }
    })
    .await
    .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    if let Some(dir) = std::env::var_os("GREENHOUR_README_LOG") {
        std::fs::write(Path::new(&dir).join("stdout"), stdout.as_bytes()).unwrap();
        std::fs::write(Path::new(&dir).join("stderr"), stderr.as_bytes()).unwrap();
    }
    let last_block = stderr.lines().rfind(|l| l.starts_with("::: README block")).unwrap_or("?");
    // The failing block's stderr first and only the end of stdout: a CI log keeps
    // the beginning and the end of a long message, and the cause is in these.
    assert!(
        out.status.success(),
        "{last_block} failed ({}):\n--- stderr of that block\n{}\n--- the last 40 lines of stdout\n{}",
        out.status,
        stderr.rsplit("::: README block").next().unwrap_or(&stderr),
        tail(&stdout, 40),
    );
    let ran = stderr.lines().filter(|l| l.starts_with("::: README block")).count();
    assert_eq!(ran, runnable.len(), "every runnable block ran");
}
