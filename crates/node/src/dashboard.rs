//! The web dashboard (`web/`), served at `/` from files embedded at build time.
//! It reads only the public JSON-RPC and WebSocket, like any other client; the
//! node serves its files and nothing else for it.
//!
//! Every page carries a Content-Security-Policy that allows connections to this
//! origin only, so the dashboard can make no request elsewhere.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/dashboard.rs"));

const CSP: &str = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                   script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

fn file(path: &str) -> Option<(&'static str, &'static [u8])> {
    ASSETS.iter().find(|(p, _, _)| *p == path).map(|(_, kind, bytes)| (*kind, *bytes))
}

/// Whether the binary carries the dashboard (it does unless `web/dist` was
/// missing when it was built).
pub fn available() -> bool {
    file("/index.html").is_some()
}

/// `GET /`: the dashboard's page.
pub async fn index() -> Response {
    match file("/index.html") {
        Some((kind, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                (header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP)),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            bytes,
        )
            .into_response(),
        None => {
            (StatusCode::NOT_FOUND, "this node was built without the dashboard (web/dist was missing)").into_response()
        }
    }
}

/// `GET /assets/{file}`: a built script or style; names carry a content hash,
/// so they are cached for good.
pub async fn asset(Path(name): Path<String>) -> Response {
    match file(&format!("/assets/{name}")) {
        Some((kind, bytes)) => (
            [
                (header::CONTENT_TYPE, HeaderValue::from_static(kind)),
                (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000, immutable")),
                (header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            ],
            bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such dashboard file").into_response(),
    }
}
