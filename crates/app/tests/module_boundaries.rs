//! A module calls another only through that module's `api.rs` (and the types its
//! crate root re-exports): no module's source names another module's `state`,
//! `keys`, `math`, `invariants`, `params` or `genesis` (its `handler` is private,
//! so the compiler already refuses that). This keeps each module's cross-module
//! surface in one file its authors can read and keep small.

use std::path::{Path, PathBuf};

const INTERNAL: [&str; 7] = ["state", "handler", "keys", "math", "invariants", "params", "genesis"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first path segment of every item that `text` (just after `crate_name::`)
/// reaches into: one ident, or each item of a `{…}` group.
fn first_segments(text: &str) -> Vec<String> {
    let ident = |s: &str| s.trim().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let Some(group) = text.strip_prefix('{') else {
        return vec![ident(text)];
    };
    let mut depth = 0;
    let mut items = Vec::new();
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(ident(&current));
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(ident(&current));
    items
}

/// `(other module, internal part)` for every reach into another module's internals.
fn violations(own: &str, modules: &[String], source: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for other in modules.iter().filter(|m| m.as_str() != own) {
        let needle = format!("greenhour_{other}::");
        let mut rest = source;
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            for segment in first_segments(rest) {
                if INTERNAL.contains(&segment.as_str()) {
                    found.push((other.clone(), segment));
                }
            }
        }
    }
    found
}

#[test]
fn the_boundary_check_finds_reaches_into_internals() {
    let modules = vec!["bank".to_string(), "pools".to_string()];
    let bad = "use greenhour_bank::state as bank;\nlet x = greenhour_pools::{api, keys::slot};";
    assert_eq!(
        violations("market", &modules, bad),
        vec![("bank".to_string(), "state".to_string()), ("pools".to_string(), "keys".to_string())]
    );
    let good =
        "use greenhour_bank::api as bank;\nuse greenhour_pools::{api as pools, PoolId};\nuse greenhour_pools::state;";
    assert_eq!(violations("market", &modules, good), vec![("pools".to_string(), "state".to_string())]);
    assert!(violations("pools", &modules, "greenhour_pools::state::x").is_empty(), "a module's own paths are its own");
}

#[test]
fn modules_reach_each_other_only_through_api() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../modules");
    let mut modules: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("src/lib.rs").exists())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    modules.sort();
    assert!(modules.len() >= 10, "{modules:?}");
    let mut problems = Vec::new();
    for own in &modules {
        assert!(root.join(own).join("src/api.rs").exists(), "{own} has an api.rs");
        let mut files = Vec::new();
        rust_files(&root.join(own).join("src"), &mut files);
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for (other, part) in violations(own, &modules, &source) {
                problems.push(format!("{}: greenhour_{other}::{part}", file.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "modules reaching into others' internals (use their api.rs):\n{}",
        problems.join("\n")
    );
}
