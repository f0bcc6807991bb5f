//! `GET /ws[?events=kind1,kind2]`: one JSON message per committed block, with
//! the events of the listed kinds (all events when no filter is given).

use crate::node::Node;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use greenhour_app::rpc::BlockNotice;
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

pub async fn upgrade(
    State(node): State<Arc<Node>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    Query(q): Query<BTreeMap<String, String>>,
    ws: WebSocketUpgrade,
) -> Response {
    let slot = match node.open_ws(peer.ip()) {
        Ok(slot) => slot,
        Err(open) => {
            let message = format!(
                "{open} WebSocket subscriptions are open from {}, the most this node allows (ws_max_per_ip)",
                peer.ip()
            );
            return (StatusCode::TOO_MANY_REQUESTS, axum::Json(serde_json::json!({"error": {"message": message}})))
                .into_response();
        }
    };
    let filter: Option<Vec<String>> =
        q.get("events").map(|s| s.split(',').filter(|k| !k.is_empty()).map(str::to_string).collect());
    ws.max_message_size(64 * 1024).on_upgrade(move |socket| serve(node, socket, filter, slot))
}

/// Streams notices until the client leaves; `_slot` holds the client's place
/// in its IP's count until then.
async fn serve(node: Arc<Node>, mut socket: WebSocket, filter: Option<Vec<String>>, _slot: crate::node::WsSlot) {
    let mut blocks = node.subscribe();
    loop {
        tokio::select! {
            incoming = socket.recv() => match incoming {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {} // clients have nothing to say yet; ignore
            },
            notice = blocks.recv() => {
                let text = match notice {
                    Ok(n) => serde_json::to_string(&filtered(&n, filter.as_deref())),
                    Err(RecvError::Lagged(skipped)) => serde_json::to_string(&serde_json::json!({"lagged": skipped})),
                    Err(RecvError::Closed) => return,
                };
                let Ok(text) = text else { return };
                if socket.send(Message::Text(text.into())).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn filtered(n: &BlockNotice, filter: Option<&[String]>) -> BlockNotice {
    match filter {
        None => n.clone(),
        Some(kinds) => BlockNotice {
            events: n.events.iter().filter(|e| kinds.contains(&e.event.kind)).cloned().collect(),
            ..n.clone()
        },
    }
}
