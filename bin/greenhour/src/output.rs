//! Human or JSON output.

use serde::Serialize;

/// Prints `value` as pretty JSON when `json`, else the human text.
pub fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")));
    } else {
        println!("{}", human());
    }
}
