#![no_main]
//! The AIS NMEA reader (through `io::read_bytes`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = corridor_watch::io::read_bytes("fuzz.nmea", data);
});
