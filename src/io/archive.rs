//! Zip archives (KMZ, zipped shapefiles), read with caps so that a zip bomb
//! is an error naming the file, never a hang or an exhausted memory.

use crate::error::LoadError;
use std::io::{Cursor, Read};

/// Most bytes one member may unzip to.
pub const MAX_MEMBER_BYTES: u64 = 1 << 30;
/// Most bytes all the members read from one archive may unzip to.
pub const MAX_TOTAL_BYTES: u64 = 2 << 30;
/// Most a member may grow when unzipped (above 1 MiB): real layers compress
/// 5 to 20 times; bombs compress a thousand times and more.
pub const MAX_RATIO: u64 = 200;

/// True for a zip file's first bytes.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// The names of an archive's members.
pub fn names(source: &str, bytes: &[u8]) -> Result<Vec<String>, LoadError> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| LoadError::invalid(source, format!("not a readable zip archive ({e})")))?;
    Ok(zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect())
}

/// The members whose names `wanted` accepts, unzipped: (name, bytes), in the
/// archive's order.
pub fn unzip(
    source: &str,
    bytes: &[u8],
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Vec<u8>)>, LoadError> {
    let bad = |what: String| LoadError::invalid(source, what);
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| bad(format!("not a readable zip archive ({e})")))?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut member = zip
            .by_index(i)
            .map_err(|e| bad(format!("zip member {i} cannot be read ({e})")))?;
        let name = match member.name() {
            Ok(n) => n.into_owned(),
            Err(_) => continue,
        };
        if member.is_dir() || !wanted(&name) {
            continue;
        }
        let packed = member.compressed_size().max(1);
        let declared = member.size();
        let cap = MAX_MEMBER_BYTES.min(MAX_TOTAL_BYTES - total);
        if declared > cap || (declared > 1 << 20 && declared / packed > MAX_RATIO) {
            return Err(bad(format!(
                "zip member {name} would unzip to {declared} bytes from {packed}: over the limits ({MAX_MEMBER_BYTES} bytes, {MAX_RATIO} times)"
            )));
        }
        // The declared size may lie: read no more than the cap, whatever it says.
        let mut data = Vec::with_capacity(declared.min(cap) as usize);
        (&mut member)
            .take(cap + 1)
            .read_to_end(&mut data)
            .map_err(|e| bad(format!("zip member {name} cannot be unzipped ({e})")))?;
        let n = data.len() as u64;
        if n > cap || (n > 1 << 20 && n / packed > MAX_RATIO) {
            return Err(bad(format!(
                "zip member {name} unzips past the limits ({MAX_MEMBER_BYTES} bytes, {MAX_RATIO} times its packed size)"
            )));
        }
        total += n;
        out.push((name, data));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_of(members: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in members {
            w.start_file(*name, opts).unwrap();
            w.write_all(data).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn wanted_members_come_out_in_order() {
        let z = zip_of(&[
            ("a.kml", b"<kml/>"),
            ("b.txt", b"x"),
            ("c.kml", b"<kml>2</kml>"),
        ]);
        assert!(is_zip(&z));
        let got = unzip("t.kmz", &z, |n| n.ends_with(".kml")).unwrap();
        let names: Vec<&str> = got.iter().map(|m| m.0.as_str()).collect();
        assert_eq!(names, ["a.kml", "c.kml"]);
        assert_eq!(got[1].1, b"<kml>2</kml>");
    }

    #[test]
    fn a_zip_bomb_is_refused_by_ratio() {
        // 64 MiB of zeros packs to about 64 KiB: a ratio of about 1000.
        let zeros = vec![0u8; 64 << 20];
        let z = zip_of(&[("doc.kml", &zeros)]);
        let e = unzip("bomb.kmz", &z, |_| true).unwrap_err().to_string();
        assert!(
            e.contains("over the limits") && e.contains("bomb.kmz"),
            "{e}"
        );
    }

    #[test]
    fn garbage_is_a_named_error() {
        let e = unzip("x.zip", b"PK\x03\x04garbage", |_| true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.zip") && e.contains("zip"), "{e}");
    }
}
