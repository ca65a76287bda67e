//! The code's shape, checked: no source or test file over 600 lines, no import
//! circle between the modules of `src/` (a module's file, `a/b.rs` or
//! `a/b/mod.rs`, and the modules its paths name), and no import from a lower
//! floor to a higher one (the floors of ARCHITECTURE.md, "Layers").

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Module path ("app::panels::zone") of each file under src/.
fn modules() -> BTreeMap<String, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap().with_extension("");
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if matches!(
            parts.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            parts.pop();
        }
        let text = std::fs::read_to_string(&f).unwrap();
        // Test modules may use anything.
        let text = match text.find("#[cfg(test)]") {
            Some(i) => text[..i].to_string(),
            None => text,
        };
        out.insert(parts.join("::"), text);
    }
    out
}

/// Paths like `crate::a::b`, `super::x`, `self::y` and `child::z`, with `use` groups expanded.
fn paths_in(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if ident(bytes[i]) && (i == 0 || !(ident(bytes[i - 1]) || bytes[i - 1] == ':')) {
            // Read a path a::b::c (stopping at `{`: groups are handled by prefix below).
            let mut j = i;
            let mut segs = vec![];
            loop {
                let start = j;
                while j < bytes.len() && ident(bytes[j]) {
                    j += 1;
                }
                segs.push(bytes[start..j].iter().collect::<String>());
                if j + 2 < bytes.len() && bytes[j] == ':' && bytes[j + 1] == ':' {
                    j += 2;
                    if bytes[j] == '{' {
                        // `use a::b::{c, d::e}`: the prefix plus each first name.
                        let end = bytes[j..].iter().position(|&c| c == ';').map(|k| j + k);
                        let group: String = bytes[j + 1..end.unwrap_or(j + 1)].iter().collect();
                        for item in group.split([',', '{', '}']) {
                            let item = item.trim();
                            let first = item.split("::").next().unwrap_or("").trim();
                            if !first.is_empty() {
                                let mut p = segs.clone();
                                p.extend(item.split("::").map(|s| s.trim().to_string()));
                                let _ = first;
                                out.push(p);
                            }
                        }
                        break;
                    }
                    if j < bytes.len() && ident(bytes[j]) {
                        continue;
                    }
                }
                break;
            }
            if segs.len() > 1 {
                out.push(segs);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

/// The module a path names from module `cur` (the longest module prefix), if any.
fn resolve(mods: &BTreeMap<String, String>, cur: &str, path: &[String]) -> Option<String> {
    let here: Vec<String> = if cur.is_empty() {
        vec![]
    } else {
        cur.split("::").map(String::from).collect()
    };
    let (mut base, rest): (Vec<String>, &[String]) = match path[0].as_str() {
        "crate" => (vec![], &path[1..]),
        "self" => (here.clone(), &path[1..]),
        "super" => {
            let mut b = here.clone();
            let mut k = 0;
            while path.get(k).is_some_and(|s| s == "super") {
                b.pop();
                k += 1;
            }
            (b, &path[k..])
        }
        // A bare path into a child module.
        _ => (here.clone(), path),
    };
    if !matches!(path[0].as_str(), "crate" | "self" | "super") {
        let mut child = base.clone();
        child.push(path[0].clone());
        if !mods.contains_key(&child.join("::")) {
            return None;
        }
    }
    let mut best = None;
    for k in 0..=rest.len() {
        let mut m = base.clone();
        m.extend(rest[..k].iter().cloned());
        let name = m.join("::");
        if mods.contains_key(&name) {
            best = Some(name);
        }
    }
    base.clear();
    best
}

#[test]
fn no_source_or_test_file_is_over_600_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("tests"), &mut files);
    rust_files(&root.join("benches"), &mut files);
    assert!(files.iter().any(|f| f.ends_with("tests/layout/mod.rs")));
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let n = std::fs::read_to_string(f).unwrap().lines().count();
            (n > 600).then(|| format!("{} ({n} lines)", f.display()))
        })
        .collect();
    assert!(long.is_empty(), "split by concern: {long:?}");
}

#[test]
fn no_import_circle_between_modules() {
    let mods = modules();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (m, text) in &mods {
        let e = edges.entry(m.clone()).or_default();
        for p in paths_in(text) {
            if let Some(r) = resolve(&mods, m, &p)
                && &r != m
            {
                e.insert(r);
            }
        }
    }
    // A circle exists when some module reaches itself.
    let mut circles = Vec::new();
    for start in edges.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<(String, Vec<String>)> = vec![(start.clone(), vec![start.clone()])];
        while let Some((m, trail)) = stack.pop() {
            for n in edges.get(&m).into_iter().flatten() {
                if n == start {
                    circles.push(trail.join(" -> ") + " -> " + start);
                } else if seen.insert(n.clone()) {
                    let mut t = trail.clone();
                    t.push(n.clone());
                    stack.push((n.clone(), t));
                }
            }
        }
    }
    assert!(circles.is_empty(), "import circles: {circles:#?}");
    // The check sees edges at all (it would pass vacuously otherwise).
    assert!(edges["app::panels::zone"].contains("app::command"));
    assert!(edges["app"].contains("app::panels"));
}

/// The floors of ARCHITECTURE.md ("Layers"), lowest first: a module imports
/// only modules on its own floor or below.
const FLOORS: &[&[&str]] = &[
    &["model", "geodesy", "error", "places", "utc"],
    &["io", "index"],
    &["analysis"],
    &["output", "monitoring", "synth", "edit"],
    &["cli", "app"],
];

fn floor_of(module: &str) -> Option<usize> {
    let top = module.split("::").next()?;
    FLOORS.iter().position(|f| f.contains(&top))
}

#[test]
fn no_import_runs_up_a_floor() {
    let mods = modules();
    let mut up = Vec::new();
    let mut edges = 0;
    for (m, text) in &mods {
        // The crate root and test modules (which may use anything): a
        // `tests` module, or a `*_tests.rs` file a module includes as one.
        if m.is_empty() || m == "main" || m.ends_with("::tests") || m.ends_with("_tests") {
            continue;
        }
        let Some(here) = floor_of(m) else {
            up.push(format!(
                "{m} is on no floor: add it to FLOORS and ARCHITECTURE.md"
            ));
            continue;
        };
        for p in paths_in(text) {
            let Some(r) = resolve(&mods, m, &p) else {
                continue;
            };
            if r.is_empty() {
                continue;
            }
            edges += 1;
            if floor_of(&r).is_some_and(|there| there > here) {
                up.push(format!(
                    "{m} (floor {}) -> {r} (floor {})",
                    here + 1,
                    floor_of(&r).unwrap() + 1
                ));
            }
        }
    }
    up.sort();
    up.dedup();
    assert!(up.is_empty(), "imports running up a floor: {up:#?}");
    assert!(edges > 500, "the check sees the imports ({edges})");
}
