//! The fuzz targets, one per kind of input a stranger can send.

mod block;
mod chain;
mod consensus;
mod rpc;
mod telemetry;
mod tx;

use crate::MakeTarget;

/// Every target by name, in the order campaigns run them.
pub const ALL: [(&str, MakeTarget); 5] = [
    ("tx", tx::make),
    ("block", block::make),
    ("consensus", consensus::make),
    ("rpc", rpc::make),
    ("telemetry", telemetry::make),
];

/// The target called `name`.
pub fn by_name(name: &str) -> Option<MakeTarget> {
    ALL.iter().find(|(n, _)| *n == name).map(|(_, make)| *make)
}
