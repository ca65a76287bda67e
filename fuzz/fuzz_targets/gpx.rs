#![no_main]
//! GPX reader.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = corridor_watch::io::read_gpx("fuzz.gpx", data);
});
