//! Reading the WKT of a coordinate system for `io::crs`: its names and
//! nodes, the numbers it must not hold (a unit of 0, a non-finite parameter),
//! and the shift to WGS 84 GDAL spells into an ESRI datum name.

/// Longer than any real WKT (EPSG's longest are under 10 kB): refused unread.
pub(super) const MAX_WKT_BYTES: usize = 64 * 1024;

/// Datum names of WGS 84 itself, normalised by `normalise_datum`.
pub(super) const WGS84_DATUMS: [&str; 4] =
    ["wgs_1984", "wgs_84", "wgs84", "world_geodetic_system_1984"];

/// A datum name lower-cased, spaces as underscores, ESRI's `D_` prefix off.
pub(super) fn normalise_datum(name: &str) -> String {
    let n = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    n.strip_prefix("d_").map(String::from).unwrap_or(n)
}

/// A name shown in a message: at most 80 characters.
pub(super) fn shorten(text: &str) -> String {
    if text.chars().count() <= 80 {
        return text.to_string();
    }
    let cut: String = text.chars().take(77).collect();
    format!("{cut}...")
}

/// The shift GDAL spells into an ESRI datum name for a CRS built with
/// `+towgs84` (`D_Unknown_based_on_Krassovsky_1942_ellipsoid_using_towgs84_23_92_-141_27_-80_9_0_0_35_0_82_-0_12`),
/// as a PROJ `+towgs84=` term. GDAL writes both the separators and the decimal
/// points as `_`, so the numbers can read more than one way: every reading
/// is tried (a fraction never ends in 0, as GDAL prints numbers); one that is
/// the shift of an EPSG datum (PROJ's table) is taken, else a single reading;
/// several readings are refused by name, never guessed. PROJ itself reads no
/// shift from such a name (the layer lands 100 m and more off).
pub(super) fn towgs84_in_name(datum: &str) -> Result<Option<String>, crate::error::Problem> {
    let lower = datum.to_ascii_lowercase();
    let Some(at) = lower.find("using_towgs84") else {
        return Ok(None);
    };
    let tokens: Vec<&str> = datum[at + "using_towgs84".len()..]
        .split(['_', ',', '='])
        .filter(|v| !v.is_empty())
        .collect();
    let mut readings = Vec::new();
    for n in [3, 7] {
        readings.extend(readings_of(&tokens, n));
    }
    let term = |v: &[f64]| {
        format!(
            "+towgs84={}",
            v.iter().map(f64::to_string).collect::<Vec<_>>().join(",")
        )
    };
    let known: Vec<&Vec<f64>> = readings
        .iter()
        .filter(|r| epsg_shifts().iter().any(|k| k == *r))
        .collect();
    let chosen = match (known.as_slice(), readings.as_slice()) {
        ([one], _) => Some(*one),
        ([], [one]) => Some(one),
        _ => None,
    };
    match chosen {
        Some(one) => Ok(Some(term(one))),
        _ => Err(crate::problem!(
            "names its datum \"{}\" with a shift to WGS 84 written as GDAL writes it, with \"_\" for both commas and decimal points, and it reads {} ways ({}); give the layer a .prj with a TOWGS84 node or an EPSG code, or reproject it to WGS 84 (EPSG:4326) first",
            shorten(datum),
            readings.len(),
            readings
                .iter()
                .take(3)
                .map(|r| term(r))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// Every way `tokens` (GDAL's `_`-separated digits) read as `n` numbers:
/// each number an integer part (`-`, digits, no leading zero) with or without
/// one fraction token (digits not ending in 0).
pub(super) fn readings_of(tokens: &[&str], n: usize) -> Vec<Vec<f64>> {
    fn int_ok(t: &str) -> bool {
        let d = t.strip_prefix('-').unwrap_or(t);
        !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) && (d == "0" || !d.starts_with('0'))
    }
    fn frac_ok(t: &str) -> bool {
        !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) && !t.ends_with('0')
    }
    fn walk(tokens: &[&str], n: usize, acc: &mut Vec<f64>, out: &mut Vec<Vec<f64>>) {
        if out.len() > 16 {
            return;
        }
        if tokens.is_empty() {
            if acc.len() == n {
                out.push(acc.clone());
            }
            return;
        }
        if acc.len() == n || !int_ok(tokens[0]) {
            return;
        }
        if let Ok(v) = tokens[0].parse::<f64>() {
            acc.push(v);
            walk(&tokens[1..], n, acc, out);
            acc.pop();
        }
        if tokens.len() >= 2
            && frac_ok(tokens[1])
            && let Ok(v) = format!("{}.{}", tokens[0], tokens[1]).parse::<f64>()
        {
            acc.push(v);
            walk(&tokens[2..], n, acc, out);
            acc.pop();
        }
    }
    let mut out = Vec::new();
    if tokens.len() <= 2 * n {
        walk(tokens, n, &mut Vec::new(), &mut out);
    }
    out
}

/// The distinct `+towgs84` shifts of PROJ's EPSG table (crs-definitions).
pub(super) fn epsg_shifts() -> &'static Vec<Vec<f64>> {
    static SHIFTS: std::sync::OnceLock<Vec<Vec<f64>>> = std::sync::OnceLock::new();
    SHIFTS.get_or_init(|| {
        let mut out: Vec<Vec<f64>> = Vec::new();
        for code in 2000..=u16::MAX {
            let Some(def) = crs_definitions::from_code(code) else {
                continue;
            };
            let Some(rest) = def.proj4.split("+towgs84=").nth(1) else {
                continue;
            };
            let values: Option<Vec<f64>> = rest
                .split_whitespace()
                .next()
                .unwrap_or("")
                .split(',')
                .map(|v| v.parse().ok())
                .collect();
            if let Some(v) = values
                && !out.contains(&v)
            {
                out.push(v);
            }
        }
        out
    })
}

/// The ellipsoid's semi-major axis (metres) and inverse flattening.
pub(super) fn spheroid(wkt: &str) -> Option<(f64, f64)> {
    let args = node_args(wkt, "SPHEROID[").or_else(|| node_args(wkt, "ELLIPSOID["))?;
    let a = args.get(1)?.parse().ok()?;
    let rf = args.get(2)?.parse().ok()?;
    Some((a, rf))
}

/// The plain arguments of the first `KEYWORD[` node (up to its first nested
/// node or its end), unquoted.
pub(super) fn node_args<'a>(wkt: &'a str, keyword: &'a str) -> Option<Vec<&'a str>> {
    nodes(wkt, keyword).next()
}

/// The plain arguments of every `KEYWORD[` node.
pub(super) fn nodes<'a>(wkt: &'a str, keyword: &'a str) -> impl Iterator<Item = Vec<&'a str>> + 'a {
    wkt.match_indices(keyword).filter_map(move |(at, _)| {
        // A whole keyword: `UNIT[`, not `LENGTHUNIT[` read as `UNIT[` twice.
        let before = wkt[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphabetic() || c == '_') {
            return None;
        }
        let body = &wkt[at + keyword.len()..];
        let end = body.find([']', '[']).unwrap_or(body.len());
        Some(
            body[..end]
                .split(',')
                .map(|a| a.trim().trim_matches('"'))
                .collect(),
        )
    })
}

/// Refuses a unit, ellipsoid, scale or parameter that would move every
/// vertex to the projection's origin or to nowhere: a unit of 0, a negative
/// or non-finite size, a scale factor of 0.
pub(super) fn check_numbers(wkt: &str) -> Result<(), crate::error::Problem> {
    let num = |what: &str, v: &str| -> Result<f64, crate::error::Problem> {
        v.parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| {
                crate::problem!(
                    "has {what} \"{}\", which is not a finite number",
                    shorten(v)
                )
            })
    };
    for unit in ["UNIT[", "ANGLEUNIT[", "LENGTHUNIT[", "SCALEUNIT["] {
        for args in nodes(wkt, unit) {
            let (Some(name), Some(v)) = (args.first(), args.get(1)) else {
                continue;
            };
            let size = num(&format!("the unit \"{}\" of size", shorten(name)), v)?;
            if size <= 0.0 {
                return Err(crate::problem!(
                    "has the unit \"{}\" of size {v}; a unit must be larger than 0",
                    shorten(name)
                ));
            }
        }
    }
    for args in nodes(wkt, "PARAMETER[") {
        let (Some(name), Some(v)) = (args.first(), args.get(1)) else {
            continue;
        };
        let x = num(&format!("the parameter \"{}\" =", shorten(name)), v)?;
        if name
            .to_ascii_lowercase()
            .replace(' ', "_")
            .contains("scale_factor")
            && x <= 0.0
        {
            return Err(crate::problem!(
                "has the parameter \"{}\" = {v}; a scale factor must be larger than 0",
                shorten(name)
            ));
        }
    }
    for keyword in ["SPHEROID[", "ELLIPSOID["] {
        for args in nodes(wkt, keyword) {
            let name = args.first().copied().unwrap_or("");
            let what = format!("the ellipsoid \"{}\" with", shorten(name));
            let a = num(
                &format!("{what} semi-major axis"),
                args.get(1).unwrap_or(&""),
            )?;
            let rf = num(
                &format!("{what} inverse flattening"),
                args.get(2).unwrap_or(&""),
            )?;
            if a <= 0.0 || rf < 0.0 {
                return Err(crate::problem!(
                    "has the ellipsoid \"{}\" with axis {a} m and inverse flattening {rf}; neither can be negative or an axis 0",
                    shorten(name)
                ));
            }
        }
    }
    for args in nodes(wkt, "TOWGS84[") {
        for v in args {
            num("a shift to WGS 84 (TOWGS84) of", v)?;
        }
    }
    Ok(())
}

/// The first quoted name: `PROJCS["WGS_1984_UTM_Zone_36N", …` gives that name.
pub(super) fn wkt_name(wkt: &str) -> Option<String> {
    let start = wkt.find('"')? + 1;
    let len = wkt[start..].find('"')?;
    Some(wkt[start..start + len].to_string())
}

pub(super) fn wkt_datum(wkt: &str) -> Option<String> {
    let at = wkt.find("DATUM[")?;
    wkt_name(&wkt[at..])
}

/// The EPSG code in the outermost `AUTHORITY["EPSG", "n"]` (the last one in
/// WKT 1, where it closes the definition), or `ID["EPSG", n]` in WKT 2.
pub(super) fn top_authority(wkt: &str) -> Option<u32> {
    let body = wkt.trim_end().strip_suffix(']')?.trim_end();
    let tail_at = body.rfind("AUTHORITY[").or_else(|| body.rfind("ID["))?;
    let tail = &body[tail_at..];
    // Only when this authority closes the whole definition (no bracket after it).
    if tail.matches(']').count() != 1 {
        return None;
    }
    let inner = tail.split_once('[')?.1.trim_end_matches(']');
    let mut parts = inner.split(',').map(|p| p.trim().trim_matches('"'));
    if !parts.next()?.eq_ignore_ascii_case("EPSG") {
        return None;
    }
    parts.next()?.parse().ok()
}
