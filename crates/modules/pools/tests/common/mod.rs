//! Helpers shared by the pools test files (they live in the testkit, for the
//! modules built on pools too).

pub use greenhour_testkit::supply::*;
