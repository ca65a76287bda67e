#![no_main]
//! CSV position reports.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = corridor_watch::io::read_csv("fuzz.csv", data);
});
