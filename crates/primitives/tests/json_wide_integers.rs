//! Every 128-bit integer that crosses JSON goes as a decimal string.
//!
//! A `u128` above `u64::MAX` cannot pass through `serde_json::Value` (the node's
//! response path) and most JSON clients lose precision above 2^53, so a single
//! forgotten field makes whole blocks unservable. This test reads every Rust
//! source file of the workspace, finds each type that derives `Serialize` or
//! `Deserialize`, and fails on any field whose type holds a `u128`, `i128` or
//! `Amount` without a `#[serde(with = …)]` that writes it as text.

use std::path::{Path, PathBuf};
use syn::visit::Visit;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("workspace root")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name == "target" || name.starts_with('.') || name == "node_modules" {
                continue;
            }
            rust_files(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// True when the type mentions a 128-bit integer anywhere (`Option<u128>`, `Vec<(Hour, Amount)>`, …).
fn holds_wide_integer(ty: &syn::Type) -> bool {
    struct Finder(bool);
    impl<'ast> Visit<'ast> for Finder {
        fn visit_path_segment(&mut self, seg: &'ast syn::PathSegment) {
            let name = seg.ident.to_string();
            if name == "u128" || name == "i128" || name == "Amount" {
                self.0 = true;
            }
            syn::visit::visit_path_segment(self, seg);
        }
    }
    let mut f = Finder(false);
    f.visit_type(ty);
    f.0
}

fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("derive")).any(|a| {
        let paths = a
            .parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
            .unwrap_or_default();
        paths.iter().any(|p| p.segments.last().is_some_and(|s| s.ident == "Serialize" || s.ident == "Deserialize"))
    })
}

/// True when a `#[serde(…)]` attribute names one of `keys` (`with`, `into`, …) as a key of its own.
fn serde_attr_handles(attrs: &[syn::Attribute], keys: &[&str]) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if keys.iter().any(|k| meta.path.is_ident(k)) {
                found = true;
            }
            // Consume `= value` or `(…)` so the next key parses.
            if meta.input.peek(syn::Token![=]) {
                let _: syn::Expr = meta.value()?.parse()?;
            } else if meta.input.peek(syn::token::Paren) {
                let _ = meta.parse_nested_meta(|_| Ok(()));
            }
            Ok(())
        });
    }
    found
}

const FIELD_KEYS: &[&str] = &["with", "serialize_with", "skip"];
const CONTAINER_KEYS: &[&str] = &["into", "try_from", "from"];

struct Scan<'a> {
    file: &'a Path,
    offenders: Vec<String>,
}

impl Scan<'_> {
    fn fields(&mut self, container: &str, fields: &syn::Fields) {
        for (i, field) in fields.iter().enumerate() {
            if holds_wide_integer(&field.ty) && !serde_attr_handles(&field.attrs, FIELD_KEYS) {
                let name = field.ident.as_ref().map(|i| i.to_string()).unwrap_or_else(|| i.to_string());
                self.offenders.push(format!("{}: {container}.{name}", self.file.display()));
            }
        }
    }
}

impl<'ast> Visit<'ast> for Scan<'_> {
    fn visit_item_struct(&mut self, item: &'ast syn::ItemStruct) {
        if derives_serde(&item.attrs) && !serde_attr_handles(&item.attrs, CONTAINER_KEYS) {
            self.fields(&item.ident.to_string(), &item.fields);
        }
        syn::visit::visit_item_struct(self, item);
    }
    fn visit_item_enum(&mut self, item: &'ast syn::ItemEnum) {
        if derives_serde(&item.attrs) && !serde_attr_handles(&item.attrs, CONTAINER_KEYS) {
            for variant in &item.variants {
                self.fields(&format!("{}::{}", item.ident, variant.ident), &variant.fields);
            }
        }
        syn::visit::visit_item_enum(self, item);
    }
}

#[test]
fn every_wide_integer_in_a_serde_type_travels_as_text() {
    let root = workspace_root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("bin"), &mut files);
    assert!(files.len() > 50, "the scan found only {} source files under {}", files.len(), root.display());
    let mut offenders = Vec::new();
    let mut scanned_types = 0usize;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read source");
        let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        scanned_types += text.matches("Serialize").count();
        let mut scan = Scan { file: file.strip_prefix(&root).unwrap_or(file), offenders: Vec::new() };
        scan.visit_file(&parsed);
        offenders.extend(scan.offenders);
    }
    assert!(scanned_types > 100, "too few serde types seen ({scanned_types}): is the scan reading the workspace?");
    assert!(
        offenders.is_empty(),
        "{} fields hold a 128-bit integer but would go over JSON as a number; add \
         #[serde(with = \"greenhour_primitives::amount_serde\")] (or its option/signed forms):\n{}",
        offenders.len(),
        offenders.join("\n")
    );
}

/// The scanner itself: a field it must catch, and the forms it must accept.
#[test]
fn the_scan_catches_a_bare_u128_and_accepts_annotated_ones() {
    let src = r#"
        #[derive(Serialize)]
        struct Bad { a: u128, b: Option<Amount>, c: Vec<(u64, i128)>, ok: u64 }
        #[derive(Serialize)]
        struct Good { #[serde(with = "amount_serde")] a: u128, #[serde(default, skip)] b: u128 }
        #[derive(Serialize)]
        struct Sneaky { #[serde(skip_serializing_if = "is_zero")] a: u128 }
        #[derive(Serialize)]
        #[serde(into = "String")]
        struct AsText(u128);
        #[derive(BorshSerialize)]
        struct NotSerde { a: u128 }
        #[derive(Deserialize)]
        enum E { In(u128), Out { #[serde(with = "x")] v: u128 } }
    "#;
    let parsed = syn::parse_file(src).unwrap();
    let mut scan = Scan { file: Path::new("x.rs"), offenders: Vec::new() };
    scan.visit_file(&parsed);
    assert_eq!(scan.offenders, vec!["x.rs: Bad.a", "x.rs: Bad.b", "x.rs: Bad.c", "x.rs: Sneaky.a", "x.rs: E::In.0"]);
}
