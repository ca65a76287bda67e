#![no_main]
//! The shapefile reader (through `io::read_bytes`, as a download would be read).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = corridor_watch::io::read_bytes("fuzz.shp", data);
});
