//! The app's side of the edit journal: lines appended on a thread of their own
//! (no file is written in a frame), one file per edited source under the state
//! directory's `journal/`, and the journals found at start (edits the app
//! never saved: it was killed, or the machine went down).

use crate::edit::journal::{header, line, read_header};
use crate::edit::save::Stamp;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Sender, channel};

enum Msg {
    /// Append a line (the header first when the file is new).
    Append {
        path: PathBuf,
        header: String,
        line: String,
    },
    Remove(PathBuf),
    /// Replace the file by this text (atomically): a journal restored, its
    /// ops written again, after which new ones are appended.
    Rewrite {
        path: PathBuf,
        text: String,
    },
    /// Move a journal aside (renamed `….jsonl.stale`, which `find` skips).
    SetAside(PathBuf),
    /// Answer once every message before it is done (tests).
    Flush(Sender<()>),
}

/// The thread writing journals, shared by every edited layer.
#[derive(Clone)]
pub struct Writer {
    tx: Sender<Msg>,
}

impl Default for Writer {
    fn default() -> Self {
        let (tx, rx) = channel::<Msg>();
        std::thread::Builder::new()
            .name("edit journal".into())
            .spawn(move || {
                for msg in rx {
                    match msg {
                        Msg::Append { path, header, line } => {
                            if let Err(e) = append(&path, &header, &line) {
                                log_problem(&path, &e);
                            }
                        }
                        Msg::Remove(path) => {
                            let _ = std::fs::remove_file(path);
                        }
                        Msg::Rewrite { path, text } => {
                            if let Err(e) =
                                crate::output::write::write_atomic(&path, text.as_bytes())
                            {
                                log_problem(&path, &e);
                            }
                        }
                        Msg::SetAside(path) => {
                            let _ = std::fs::rename(&path, stale_path(&path));
                        }
                        Msg::Flush(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })
            .ok();
        Writer { tx }
    }
}

fn log_problem(path: &Path, e: &std::io::Error) {
    // The log panel is the UI thread's; a journal that cannot be written is
    // said on stderr (and edits still work; only the crash safety is lost).
    eprintln!(
        "the edit journal {} could not be written: {e}",
        path.display()
    );
}

fn append(path: &Path, header: &str, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    let mut text = String::new();
    if f.metadata()?.len() == 0 {
        text.push_str(header);
        text.push('\n');
    }
    text.push_str(line);
    text.push('\n');
    f.write_all(text.as_bytes())?;
    f.sync_data()
}

impl Writer {
    /// Waits until every line asked for so far is written.
    pub fn flush(&self) {
        let (tx, rx) = channel();
        if self.tx.send(Msg::Flush(tx)).is_ok() {
            let _ = rx.recv_timeout(std::time::Duration::from_secs(10));
        }
    }
}

/// One edited source's journal.
#[derive(Clone)]
pub struct Journal {
    /// `None`: no state directory (edits are not journaled).
    path: Option<PathBuf>,
    header: String,
    writer: Writer,
}

/// The journal file of a source: named by a hash of its path, so that one
/// source has one journal.
pub fn path_for(state_dir: &Path, source: &str) -> PathBuf {
    let stamp = Stamp::of(source.as_bytes()).hex();
    state_dir
        .join("journal")
        .join(format!("{}.jsonl", &stamp[..16]))
}

impl Journal {
    /// `source`: the source's key (`EditSource::key`: a path, or a URL without its password).
    pub fn new(state_dir: Option<&Path>, source: &str, stamp: &Stamp, writer: Writer) -> Journal {
        Journal {
            path: state_dir.map(|d| path_for(d, source)),
            header: header(source, &stamp.hex()),
            writer,
        }
    }

    pub fn append(&self, op: &crate::edit::Op) {
        if let Some(path) = &self.path {
            let _ = self.writer.tx.send(Msg::Append {
                path: path.clone(),
                header: self.header.clone(),
                line: line(op),
            });
        }
    }

    /// Where the journal is written (`None`: nowhere).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A journal restored: the file holds the header and these ops (those
    /// replayed; a line that stopped the replay and what followed go).
    pub fn rewrite(&self, ops: &[crate::edit::Op]) {
        if let Some(path) = &self.path {
            let mut text = format!("{}\n", self.header);
            for op in ops {
                text.push_str(&line(op));
                text.push('\n');
            }
            let _ = self.writer.tx.send(Msg::Rewrite {
                path: path.clone(),
                text,
            });
        }
    }

    /// The edits are saved or discarded: the journal goes.
    pub fn clear(&self) {
        if let Some(path) = &self.path {
            let _ = self.writer.tx.send(Msg::Remove(path.clone()));
        }
    }
}

/// Removes a journal now (one found at start and discarded).
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Where a journal set aside goes.
pub fn stale_path(path: &Path) -> PathBuf {
    path.with_extension("jsonl.stale")
}

impl Writer {
    /// Sets a journal aside, after every line asked for so far is written.
    pub fn set_aside(&self, path: &Path) {
        let _ = self.tx.send(Msg::SetAside(path.to_path_buf()));
    }
}

/// A journal of edits never saved, found at start.
#[derive(Clone, Debug)]
pub struct Found {
    pub journal: PathBuf,
    /// The source's key (`EditSource::key`).
    pub source: String,
    /// The source's stamp when the edits began (hex).
    pub stamp: String,
    pub edits: usize,
}

/// The journals under the state directory (read at start, before the first
/// frame, as the saved state is). A file that is not a journal is skipped.
pub fn find(state_dir: &Path) -> Vec<Found> {
    let Ok(dir) = std::fs::read_dir(state_dir.join("journal")) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in dir.flatten() {
        let journal = entry.path();
        if journal.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        // A journal is small (a line per edit); one past 256 MB is not ours.
        if entry.metadata().map_or(true, |m| m.len() > 256 << 20) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&journal) else {
            continue;
        };
        let mut lines = text.lines();
        let Some(Ok((source, stamp))) = lines.next().map(read_header) else {
            continue;
        };
        let edits = lines.filter(|l| !l.trim().is_empty()).count();
        if edits > 0 {
            out.push(Found {
                journal,
                source,
                stamp,
                edits,
            });
        }
    }
    out.sort_by(|a, b| a.source.cmp(&b.source));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever lies in the journal folder, `find` returns the journals with
    /// edits and skips the rest without failing.
    #[test]
    fn hostile_files_in_the_journal_folder_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let j = dir.path().join("journal");
        std::fs::create_dir_all(&j).unwrap();
        let good = header("/tmp/c.geojson", "ab");
        let garbage = format!("{good}\n{{{{\n\n[]\n");
        let ok = format!("{good}\n{}\n", r#"{"op":"delete","at":0,"index":0}"#);
        let files: Vec<(&str, Vec<u8>)> = vec![
            ("empty.jsonl", Vec::new()),
            ("binary.jsonl", vec![0xff, 0xfe, 0, 1, 2, 10, 200]),
            ("header-only.jsonl", good.clone().into_bytes()),
            (
                "v2.jsonl",
                b"{\"journal\": 2, \"source\": \"/x\", \"sha256\": \"00\"}\n{\"op\":\"move\"}"
                    .to_vec(),
            ),
            ("not-a-journal.txt", b"hello".to_vec()),
            ("garbage-lines.jsonl", garbage.into_bytes()),
            ("ok.jsonl", ok.into_bytes()),
        ];
        for (name, bytes) in files {
            std::fs::write(j.join(name), bytes).unwrap();
        }
        std::fs::create_dir_all(j.join("sub.jsonl")).unwrap();
        let found = find(dir.path());
        let names: Vec<String> = found
            .iter()
            .map(|f| {
                f.journal
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        // Lines that are not ops are counted as edits: the replay names them when restored.
        assert_eq!(names, ["garbage-lines.jsonl", "ok.jsonl"]);
        assert_eq!(found[1].edits, 1);
        assert_eq!(found[1].source, "/tmp/c.geojson");
        assert!(find(&dir.path().join("missing")).is_empty());
    }
}
