//! Embeds the dashboard's built files (`web/dist`, committed to the repository)
//! in the node binary, so a build with Rust alone serves the dashboard at `/`.
//! Writes `$OUT_DIR/dashboard.rs`: one `(path, content type, bytes)` per file.

use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    // Read at run time, not `env!`: a build script compiled for another checkout
    // sharing this target directory (CI's cache) must still look in this one.
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let dist = manifest.join("../../web/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let mut files = Vec::new();
    if dist.is_dir() {
        collect(&dist, &dist, &mut files);
    }
    files.sort();
    let mut out = String::from("pub static ASSETS: &[(&str, &str, &[u8])] = &[\n");
    for (rel, abs) in &files {
        let abs = abs.canonicalize().expect("a dashboard file");
        out += &format!("    ({:?}, {:?}, include_bytes!({:?})),\n", format!("/{rel}"), content_type(rel), abs);
    }
    out += "];\n";
    let target = PathBuf::from(env::var("OUT_DIR").expect("OUT_DIR")).join("dashboard.rs");
    fs::write(target, out).expect("write dashboard.rs");
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    for entry in fs::read_dir(dir).expect("read web/dist") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(root, &path, out);
        } else {
            let rel = path.strip_prefix(root).expect("under dist").to_string_lossy().replace('\\', "/");
            out.push((rel, path));
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}
