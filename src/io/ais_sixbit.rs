//! The common AIS sentence read directly: a single-part VDM/VDO holding a
//! class A position report (types 1, 2, 3), 28 characters with no fill bits,
//! its checksum right. That is nearly every line of a receiver's log; this
//! reads its MMSI and position from the six-bit payload with shifts, where the
//! `ais` crate parses every field of the sentence and the message. Anything
//! else (other types, several parts, a bad checksum, an odd field) returns
//! `None` and goes to the crate, which names the fault. The positions are the
//! crate's to the bit (its f32 degrees): `tests` compares the two on every
//! sentence of the fixtures and on random ones.

/// A class A position report: MMSI and position as the `ais` crate gives them
/// (`None`: AIS's "not available", lon 181 / lat 91).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Position {
    pub mmsi: u32,
    pub lon: Option<f32>,
    pub lat: Option<f32>,
}

/// `body`: a sentence without its tag block (`!AIVDM,1,1,,A,<payload>,0*hh`).
/// `None`: not the common case; read it with the crate.
pub fn position_report(body: &[u8]) -> Option<Position> {
    // "*hh" closes the sentence; the checksum covers what lies between '!' and '*'.
    let star = body.len().checked_sub(3)?;
    if body.get(star) != Some(&b'*') || body.first() != Some(&b'!') {
        return None;
    }
    let want = (hex(body[star + 1])? << 4) | hex(body[star + 2])?;
    let inner = &body[1..star];
    // The checksum (bytes XORed eight at a time), no second '*', and where
    // the six commas are.
    let mut words = inner.chunks_exact(8);
    let mut wide = 0u64;
    for w in &mut words {
        wide ^= u64::from_le_bytes(w.try_into().unwrap_or_default());
    }
    let mut sum = wide.to_le_bytes().iter().fold(0u8, |a, b| a ^ b);
    sum = words.remainder().iter().fold(sum, |a, b| a ^ b);
    if sum != want || memchr::memchr(b'*', inner).is_some() {
        return None;
    }
    let (mut commas, mut n) = ([0usize; 6], 0usize);
    for i in memchr::memchr_iter(b',', inner) {
        if n == 6 {
            return None;
        }
        commas[n] = i;
        n += 1;
    }
    if n != 6 {
        return None;
    }
    // Talker and type (5 bytes), one part of one, a sequence id of digits or
    // none, a channel of one character or none, the payload, no fill bits.
    let part = |k: usize| {
        let from = if k == 0 { 0 } else { commas[k - 1] + 1 };
        let to = if k == 6 { inner.len() } else { commas[k] };
        &inner[from..to]
    };
    let (head, count, number, seq, channel, payload, fill) = (
        part(0),
        part(1),
        part(2),
        part(3),
        part(4),
        part(5),
        part(6),
    );
    if head.len() != 5
        || count != b"1"
        || number != b"1"
        || seq.len() > 2
        || !seq.iter().all(u8::is_ascii_digit)
        || channel.len() > 1
        || fill != b"0"
        || payload.len() != 28
    {
        return None;
    }
    // Every character must be armour; the first 20 (120 bits) hold
    // everything up to the latitude, read as two 60-bit words.
    let mut bad = 0u8;
    let mut v = [0u8; 28];
    for (o, &c) in v.iter_mut().zip(payload) {
        *o = ARMOUR[usize::from(c)];
        bad |= *o;
    }
    if bad & 0x80 != 0 {
        return None;
    }
    let word = |chars: &[u8]| chars.iter().fold(0u64, |w, &c| (w << 6) | u64::from(c));
    let (hi, lo) = (word(&v[..10]), word(&v[10..20]));
    let field = |at: u32, len: u32| -> u32 {
        let (w, at) = if at >= 60 { (lo, at - 60) } else { (hi, at) };
        ((w >> (60 - at - len)) & ((1u64 << len) - 1)) as u32
    };
    let signed =
        |at: u32, len: u32| -> i32 { ((field(at, len) << (32 - len)) as i32) >> (32 - len) };
    if !matches!(field(0, 6), 1..=3) {
        return None;
    }
    let lon = signed(61, 28);
    let lat = signed(89, 27);
    Some(Position {
        mmsi: field(8, 30),
        // As `ais::messages::navigation::parse_longitude` / `parse_latitude`.
        lon: (lon != 108_600_000).then(|| lon as f32 / 600_000.0),
        lat: (lat != 54_600_000).then(|| lat as f32 / 600_000.0),
    })
}

/// Each byte's six-bit value as a payload character (ITU-R M.1371
/// armouring), 0xFF where it is none.
static ARMOUR: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut c = 0;
    while c < 256 {
        t[c] = match c as u8 {
            48..=87 => c as u8 - 48,
            96..=119 => c as u8 - 56,
            _ => 0xFF,
        };
        c += 1;
    }
    t
};

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ais::messages::AisMessage;
    use ais::sentence::{AisFragments, AisParser};

    /// What the crate reads from a sentence, as a `Position` when it is a class A report.
    fn by_crate(body: &[u8]) -> Option<Position> {
        match AisParser::new().parse(body, true) {
            Ok(AisFragments::Complete(s)) => match s.message {
                Some(AisMessage::PositionReport(p)) => Some(Position {
                    mmsi: p.mmsi,
                    lon: p.longitude,
                    lat: p.latitude,
                }),
                _ => None,
            },
            _ => None,
        }
    }

    fn with_checksum(inner: &str) -> String {
        let sum = inner.bytes().fold(0u8, |a, b| a ^ b);
        format!("!{inner}*{sum:02X}")
    }

    /// Where the fast path reads a sentence, it reads what the crate reads.
    fn agree(body: &str) -> bool {
        let fast = position_report(body.as_bytes());
        if let Some(p) = fast {
            let slow = by_crate(body.as_bytes());
            assert_eq!(Some(p), slow, "{body}");
            let bits = |v: Option<f32>| v.map(f32::to_bits);
            assert_eq!(
                bits(Some(p).and_then(|p| p.lon)),
                bits(slow.and_then(|p| p.lon)),
                "{body}"
            );
        }
        fast.is_some()
    }

    #[test]
    fn every_class_a_report_of_the_fixtures_reads_as_the_crate_reads_it() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats/ais");
        let mut fast = 0;
        for name in [
            "vessel.nmea",
            "events.nmea",
            "gatehouse.nmea",
            "nmea_data_sample.txt",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).expect("fixture");
            for line in text.lines() {
                let body = match line.trim().strip_prefix('\\') {
                    Some(rest) => rest.split_once('\\').map_or("", |(_, b)| b),
                    None => line.trim(),
                };
                if agree(body) {
                    fast += 1;
                }
            }
        }
        assert!(fast > 100, "{fast} sentences read directly");
    }

    #[test]
    fn random_sentences_read_as_the_crate_reads_them_or_go_to_it() {
        // A small xorshift: the same sentences every run.
        let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s
        };
        let armour: Vec<char> = (48u8..=87).chain(96..=119).map(char::from).collect();
        let (mut fast, mut total) = (0, 0);
        for k in 0..20_000 {
            // A class A report with random fields, now and then a field out of shape.
            let ty = ['1', '2', '3', '5', 'B', '1'][(next() % 6) as usize];
            let mut payload: String = std::iter::once(ty)
                .chain((0..27).map(|_| armour[(next() % 64) as usize]))
                .collect();
            if k % 7 == 0 {
                payload.push(armour[(next() % 64) as usize]);
            }
            if k % 11 == 0 {
                payload.replace_range(5..6, "~");
            }
            let fill = if k % 13 == 0 { "2" } else { "0" };
            let (count, number) = if k % 17 == 0 { ("2", "1") } else { ("1", "1") };
            let seq = if k % 5 == 0 { "3" } else { "" };
            let mut body =
                with_checksum(&format!("AIVDM,{count},{number},{seq},A,{payload},{fill}"));
            if k % 19 == 0 {
                body.replace_range(body.len() - 1.., "0");
            }
            total += 1;
            if agree(&body) {
                fast += 1;
            }
        }
        // Most are read directly; the rest went to the crate.
        assert!(fast > total / 3 && fast < total, "{fast} of {total}");
    }

    /// A 168-bit class A payload from (value, bits) fields, armoured.
    fn payload(fields: &[(i64, u32)]) -> String {
        let mut bits: Vec<bool> = Vec::new();
        for (v, len) in fields {
            for k in (0..*len).rev() {
                bits.push((v >> k) & 1 == 1);
            }
        }
        bits.resize(168, false);
        bits.chunks(6)
            .map(|c| {
                let v = c.iter().fold(0u8, |a, b| (a << 1) | u8::from(*b));
                char::from(if v < 40 { v + 48 } else { v + 56 })
            })
            .collect()
    }

    #[test]
    fn not_available_positions_and_negative_degrees() {
        let report = |lon: i64, lat: i64| {
            let p = payload(&[
                (1, 6),
                (0, 2),
                (241_234_567, 30),
                (0, 23),
                (lon, 28),
                (lat, 27),
            ]);
            with_checksum(&format!("AIVDM,1,1,,A,{p},0"))
        };
        // lon 181 (108,600,000 / 600,000) and lat 91: not available, as the crate says.
        let na = report(108_600_000, 54_600_000);
        assert!(agree(&na));
        let p = position_report(na.as_bytes()).expect("read directly");
        assert_eq!((p.mmsi, p.lon, p.lat), (241_234_567, None, None));
        // West and south: negative two's complement fields, -70.5, -33.25 degrees.
        let w = report(-705 * 60_000, -3325 * 6_000);
        assert!(agree(&w));
        let p = position_report(w.as_bytes()).expect("read directly");
        assert_eq!((p.lon, p.lat), (Some(-70.5), Some(-33.25)));
    }
}
