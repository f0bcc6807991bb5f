//! The command files of the binary form no import loop: `commands.rs` dispatches
//! to the other files, they share helpers through `context.rs` and `output.rs`,
//! and no file imports one that (directly or not) imports it back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// `file → crate modules it names` for the top-level files of `src/`
/// (`crate::x` anywhere in the text; a child module is part of its parent).
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            files.insert(name, path);
        }
    }
    let mut graph = BTreeMap::new();
    for (name, path) in &files {
        let mut text = std::fs::read_to_string(path).unwrap();
        let children = src.join(name);
        if children.is_dir() {
            for child in std::fs::read_dir(children).unwrap() {
                text.push_str(&std::fs::read_to_string(child.unwrap().path()).unwrap());
            }
        }
        let named: BTreeSet<String> = text
            .match_indices("crate::")
            .map(|(i, _)| text[i + 7..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>())
            .filter(|m| m != name && files.contains_key(m) && m != "main")
            .collect();
        graph.insert(name.clone(), named);
    }
    graph
}

/// A cycle through `start`, if there is one.
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    fn walk(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                path.push(next.clone());
                return true;
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if walk(graph, start, next, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    let mut path = vec![start.to_string()];
    walk(graph, start, start, &mut path, &mut BTreeSet::new()).then_some(path)
}

#[test]
fn the_cycle_finder_finds_a_loop() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["c".to_string()])),
        ("c".to_string(), BTreeSet::from(["a".to_string()])),
        ("d".to_string(), BTreeSet::from(["a".to_string()])),
    ]
    .into();
    assert_eq!(cycle_from(&graph, "a"), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(cycle_from(&graph, "d"), None);
}

#[test]
fn command_files_import_each_other_without_loops() {
    let graph = imports(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.contains_key("commands") && graph.contains_key("context"), "{graph:?}");
    for name in graph.keys() {
        if let Some(cycle) = cycle_from(&graph, name) {
            panic!("import loop: {}", cycle.join(" → "));
        }
    }
    assert!(graph["context"].iter().all(|m| m == "keyring"), "context depends on nothing else: {:?}", graph["context"]);
}
