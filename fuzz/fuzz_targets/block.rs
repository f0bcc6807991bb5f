#![no_main]
//! Coverage-guided runs of greenhour-fuzz's `block` target (its properties and seeds; see ../README.md).
libfuzzer_sys::fuzz_target!(|data: &[u8]| greenhour_fuzz::feed_persistent("block", data));
