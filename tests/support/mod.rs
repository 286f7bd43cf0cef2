//! The test suite's helpers (`tests/testsuite/support/`), for test files
//! still outside the one test binary (`mod support;` in `tests/NAME.rs`):
//! move such a file into `tests/testsuite/` as a module when you can.
#![allow(dead_code, unused_imports)]

#[path = "../testsuite/support/mod.rs"]
mod helpers;

pub use helpers::*;
