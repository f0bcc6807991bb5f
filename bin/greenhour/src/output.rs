//! Human, CSV or JSON output.

use clap::ValueEnum;
use serde::Serialize;

/// How a listing an auditor may export is printed.
#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

/// Prints `value` as pretty JSON when `json`, else the human text.
pub fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")));
    } else {
        println!("{}", human());
    }
}

/// Prints `value` in `format`: JSON, or the CSV or table text.
pub fn emit<T: Serialize>(format: Format, value: &T, table: impl FnOnce() -> String, csv: impl FnOnce() -> String) {
    match format {
        Format::Json => print(true, value, String::new),
        Format::Csv => print!("{}", csv()),
        Format::Table => println!("{}", table()),
    }
}

/// A CSV field: quoted, with quotes doubled (for free text such as names).
pub fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// A CSV table: the header, then one line per row of already-formatted fields.
pub fn csv_table(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut out = header.join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
