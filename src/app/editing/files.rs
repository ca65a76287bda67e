//! Edit mode begun and ended: the layer read from its file to edit (with
//! the file's stamp), a journal restored onto it, the edits saved back, or
//! discarded.

use super::mark_touched;
use crate::app::CorridorApp;
use crate::app::editor::journal;
use crate::app::editor::{EditSource, Editor, LayerEdit, Read, ReadForEdit};
use crate::app::jobs::JobOut;
use crate::app::session::Tool;
use crate::app::settings::Tab;
use crate::edit::History;
use crate::edit::save::{Edited, Stamp};
use crate::model::Layer;
use eframe::egui;
use std::path::PathBuf;

/// Reads a source to edit: a GeoJSON or GeoPackage file (a feature that
/// cannot be read is skipped with a warning, as when it was opened), or a
/// PostGIS table with each row's key and hash.
fn read_for_edit(source: &EditSource) -> Result<Read, String> {
    match source {
        EditSource::File(path) => read_file_for_edit(path),
        EditSource::Table(url) => {
            let (layer, stamp, rows) = crate::edit::postgis::read_for_edit(url)?;
            Ok(Read {
                count: rows.keys.len(),
                layer,
                stamp,
                rows: Some(std::sync::Arc::new(rows)),
            })
        }
    }
}

fn read_file_for_edit(path: &std::path::Path) -> Result<Read, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let source = path.display().to_string();
    let read = |layer, stamp, count| Read {
        layer: crate::io::named(layer, &source),
        stamp,
        count,
        rows: None,
    };
    match crate::io::Format::detect(&source, &bytes) {
        crate::io::Format::GeoJson => {}
        crate::io::Format::GeoPackage => {
            let stamp = Stamp::of(&bytes);
            let (layer, rows) = crate::edit::gpkg::read_for_edit(path)?;
            // SQLite reads the file itself: it must be the one stamped.
            let again = std::fs::read(path).map_err(|e| format!("{source}: {e}"))?;
            if Stamp::of(&again) != stamp {
                return Err(format!(
                    "{source} changed while it was being read: try again"
                ));
            }
            return Ok(read(layer, stamp, rows));
        }
        _ => {
            return Err(format!(
                "{source}: only GeoJSON and GeoPackage files can be edited here for now; open a GeoJSON copy (File > Export) to edit it"
            ));
        }
    }
    let layer = crate::io::read_bytes(&source, &bytes)
        .or_else(|e| match e {
            crate::error::LoadError::Feature { .. } => {
                crate::io::read_geojson_skipping(&source, &bytes)
            }
            e => Err(e),
        })
        .map_err(|e| e.to_string())?;
    let count = serde_json::from_slice::<serde_json::Value>(&bytes)
        .ok()
        .and_then(|v| v.get("features").and_then(|f| f.as_array()).map(Vec::len))
        .ok_or_else(|| format!("{source} is not a GeoJSON FeatureCollection"))?;
    Ok(read(layer, Stamp::of(&bytes), count))
}

/// Writes the edits back to the source, as its format needs.
fn save(
    source: &EditSource,
    layer: &Layer,
    edited: &Edited,
    rows: Option<&crate::edit::postgis::TableRows>,
) -> Result<(), crate::edit::save::SaveError> {
    let path = match (source, rows) {
        (EditSource::File(path), _) => path,
        (EditSource::Table(url), Some(rows)) => {
            return crate::edit::postgis::save_table(url, layer, edited, rows);
        }
        (EditSource::Table(url), None) => {
            return Err(crate::edit::save::SaveError::Source {
                path: crate::io::postgis::url::mask(url),
                problem: "its rows were not read to edit".into(),
            });
        }
    };
    // By content, as it was read: a GeoPackage starts as every SQLite database.
    let mut head = [0u8; 16];
    let gpkg = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head))
        .is_ok()
        && head.starts_with(crate::io::gpkg::SQLITE_MAGIC);
    if gpkg {
        crate::edit::gpkg::save_gpkg(path, layer, edited).map(drop)
    } else {
        crate::edit::save::save_geojson(path, layer, edited).map(drop)
    }
}

impl CorridorApp {
    /// Puts layer `i` in edit mode: it is read again from its source (so that
    /// what is edited is what the file or table holds, with its stamp).
    pub(in crate::app) fn start_editing(&mut self, i: usize, restore: Option<(PathBuf, String)>) {
        let Some(l) = self.session.layers.get(i) else {
            return;
        };
        let Some(source) = EditSource::of(&l.origin) else {
            return self.warn(format!(
                "{}: only layers read from a file or a PostGIS table can be edited",
                l.layer.name
            ));
        };
        if let Some(e) = &self.session.editor.edit
            && e.seq != l.seq
            && e.history.is_dirty()
        {
            return self.warn(format!(
                "save or discard the edits to {} before editing another layer",
                e.source.label()
            ));
        }
        if restore.is_none()
            && let Some(f) = self
                .session
                .editor
                .found
                .iter()
                .find(|f| f.source == source.key())
        {
            return self.warn(format!(
                "unsaved edits to {} from an earlier run are waiting ({} edit(s)): Restore or Discard them in the Layers tab first",
                source.label(),
                f.edits
            ));
        }
        let seq = l.seq;
        self.session.editor.busy = true;
        let s2 = source.clone();
        self.runtime.jobs.spawn(
            format!("reading {} to edit", source.label()),
            move |_| {
                let restore = restore.and_then(|(journal, stamp)| {
                    let text = std::fs::read_to_string(&journal).ok()?;
                    let lines = text.lines().skip(1).map(str::to_string).collect();
                    Some((journal, stamp, lines))
                });
                JobOut::ReadForEdit(Box::new(ReadForEdit {
                    seq,
                    result: read_for_edit(&source),
                    source,
                    restore,
                }))
            },
            move |msg| {
                JobOut::ReadForEdit(Box::new(ReadForEdit {
                    seq,
                    source: s2.clone(),
                    result: Err(msg),
                    restore: None,
                }))
            },
        );
    }

    /// The layer read for editing: it replaces the layer's data, and edit mode starts.
    pub(in crate::app) fn read_for_edit(&mut self, r: ReadForEdit) {
        self.session.editor.busy = false;
        let Some(i) = self.session.layers.iter().position(|l| l.seq == r.seq) else {
            return;
        };
        let Read {
            layer,
            stamp,
            count,
            rows,
        } = match r.result {
            Ok(x) => x,
            Err(e) => {
                self.session.editor.pending_incident = None;
                return self.warn(format!("cannot edit: {e}"));
            }
        };
        let read = layer.features.iter().map(|f| f.index).collect();
        let n = layer.features.len();
        *self.session.layers[i].layer_mut() = layer;
        let journal = journal::Journal::new(
            self.runtime.state_dir.as_deref(),
            &r.source.key(),
            &stamp,
            self.runtime.journal.clone(),
        );
        let mut edit = LayerEdit {
            seq: r.seq,
            source: r.source.clone(),
            history: History::default(),
            edited: Edited {
                read,
                touched: Default::default(),
                first_new: count,
                stamp,
            },
            rows,
            next_index: count,
            journal: journal.clone(),
        };
        let mut restored = None;
        if let Some((jpath, header_stamp, lines)) = r.restore {
            if header_stamp != edit.edited.stamp.hex() {
                // Set aside, so that new edits start a journal of their own.
                self.runtime.journal.set_aside(&jpath);
                self.warn(format!(
                    "{} changed since the unsaved edits were journaled: they are not restored (the journal is kept at {})",
                    r.source.label(),
                    journal::stale_path(&jpath).display()
                ));
            } else {
                let layer = self.session.layers[i].layer_mut();
                let replay = crate::edit::journal::replay(layer, lines.iter().map(String::as_str));
                for op in &replay.ops {
                    mark_touched(&mut edit, layer, op);
                    edit.history.push(op.clone());
                }
                // The journal holds what was restored (in order with what follows).
                if journal.path() != Some(jpath.as_path()) {
                    self.runtime.journal.set_aside(&jpath);
                }
                journal.rewrite(&replay.ops);
                edit.next_index = edit.next_index.max(
                    layer
                        .features
                        .iter()
                        .map(|f| f.index + 1)
                        .max()
                        .unwrap_or(0),
                );
                if let Some((line, e)) = replay.stopped {
                    self.warn(format!(
                        "journal {} line {line}: {e}; the edits before it are restored",
                        jpath.display()
                    ));
                }
                restored = Some(replay.ops.len());
            }
        }
        edit.journal = journal;
        let name = self.session.layers[i].layer.name.clone();
        let incident = self.session.editor.pending_incident.take();
        self.session.editor = Editor {
            edit: Some(edit),
            found: std::mem::take(&mut self.session.editor.found),
            ..Default::default()
        };
        self.session.tool = Tool::Edit;
        self.settings.tab = Tab::Layers;
        match restored {
            Some(k) => self.info(format!("editing {name}: {k} unsaved edit(s) restored")),
            None => self.info(format!(
                "editing {name} ({})",
                crate::output::text::count(n, "feature", "features")
            )),
        }
        self.reanalyse();
        // New incident… asked for while the layer was not in edit mode.
        if let Some(at) = incident {
            self.new_incident(i, at);
        }
    }

    /// Save: the edits written back on a worker, as the file's format needs.
    pub(super) fn save_edits(&mut self) {
        let (Some(i), Some(edit)) = (self.edited_index(), self.session.editor.edit.as_ref()) else {
            return;
        };
        if self.session.layers[i].illustrative {
            self.session.editor.quit_after_save = false;
            return self.warn(format!(
                "{} is one of the bundled scenario's files, kept as shipped: Save as… writes the edited layer to a file of your own",
                edit.source.label()
            ));
        }
        let layer = self.session.layers[i].layer.clone();
        let (source, edited, seq) = (edit.source.clone(), edit.edited.clone(), edit.seq);
        let rows = edit.rows.clone();
        self.session.editor.busy = true;
        self.runtime.jobs.spawn(
            format!("saving {}", source.label()),
            move |_| JobOut::EditsSaved {
                seq,
                result: save(&source, &layer, &edited, rows.as_deref())
                    .map(|_| source.label())
                    .map_err(|e| e.to_string()),
            },
            move |msg| JobOut::EditsSaved {
                seq,
                result: Err(msg),
            },
        );
    }

    /// A save done: the file is read again (so that what is shown is what it
    /// holds), and the journal goes.
    pub(in crate::app) fn edits_saved(&mut self, seq: u64, result: Result<String, String>) {
        self.session.editor.busy = false;
        match result {
            Ok(label) => {
                if let Some(e) = &self.session.editor.edit {
                    e.journal.clear();
                }
                self.info(format!("saved {label}; reading it back"));
                if self.session.editor.quit_after_save {
                    self.runtime.journal.flush();
                    self.session.editor.allow_quit = true;
                    self.runtime
                        .ctx
                        .send_viewport_cmd(egui::ViewportCommand::Close);
                    return;
                }
                if let Some(i) = self.session.layers.iter().position(|l| l.seq == seq) {
                    self.start_editing(i, None);
                }
            }
            Err(e) => {
                self.session.editor.quit_after_save = false;
                self.warn(format!("not saved: {e}"));
            }
        }
    }

    /// Leaves edit mode; `discard`: the unsaved edits go and the file is read again.
    pub(super) fn stop_editing(&mut self, discard: bool) {
        let Some(edit) = self.session.editor.edit.take() else {
            return;
        };
        if edit.history.is_dirty() && !discard {
            self.session.editor.edit = Some(edit);
            return self.warn("the layer has unsaved edits: Save them, or Discard edits");
        }
        edit.journal.clear();
        let found = std::mem::take(&mut self.session.editor.found);
        self.session.editor = Editor {
            found,
            ..Default::default()
        };
        if self.session.tool == Tool::Edit {
            self.session.tool = Tool::Identify;
        }
        if discard && edit.history.is_dirty() {
            self.info(format!("discarded the edits to {}", edit.source.label()));
            match edit.source {
                EditSource::File(path) => self.open_path(path, None),
                EditSource::Table(_) => {
                    if let Some(i) = self.session.layers.iter().position(|l| l.seq == edit.seq) {
                        self.refresh_layer(i);
                    }
                }
            }
        } else {
            self.info(format!("stopped editing {}", edit.source.label()));
        }
    }

    pub(super) fn restore_journal(&mut self, k: usize) {
        let Some(f) = self.session.editor.found.get(k).cloned() else {
            return;
        };
        let source = EditSource::from_key(&f.source);
        let at = self
            .session
            .layers
            .iter()
            .position(|l| source.is_origin(&l.origin));
        match at {
            Some(i) => {
                self.session.editor.found.remove(k);
                self.start_editing(i, Some((f.journal, f.stamp)));
            }
            None => {
                // Opened first; the edits follow once it is in (`restore_pending`).
                self.session.editor.found.remove(k);
                match source {
                    EditSource::File(path) => self.open_path(path, None),
                    EditSource::Table(url) => self.open_url(url, None),
                }
                self.session.editor.pending_restore = Some(f);
            }
        }
    }

    /// A layer just loaded: if a journal waits for it, its edits are restored.
    pub(in crate::app) fn restore_pending(&mut self) {
        let Some(f) = self.session.editor.pending_restore.take() else {
            return;
        };
        let source = EditSource::from_key(&f.source);
        match self
            .session
            .layers
            .iter()
            .position(|l| source.is_origin(&l.origin))
        {
            Some(i) => self.start_editing(i, Some((f.journal, f.stamp))),
            None => self.session.editor.pending_restore = Some(f),
        }
    }

    /// Save as…: the edited layer, unsaved edits included, written to a new
    /// GeoJSON, GeoPackage or FlatGeobuf file (the layer stays in edit mode on its own file, its edits unsaved there).
    pub(in crate::app) fn save_edits_as(&mut self, path: PathBuf) {
        let (Some(i), Some(edit)) = (self.edited_index(), self.session.editor.edit.as_ref()) else {
            return self.warn("no layer is being edited");
        };
        if EditSource::File(path.clone()) == edit.source {
            return self.warn("Save as… writes another file: use Save for the layer's own");
        }
        let layer = self.session.layers[i].layer.clone();
        let n = layer.features.len();
        self.runtime.jobs.spawn(
            format!("writing {}", path.display()),
            move |_| {
                JobOut::Wrote(
                    crate::edit::save_as::save_as(&path, &layer)
                        .map(|_| {
                            format!("wrote {} ({n} features, the edited layer)", path.display())
                        })
                        .map_err(|e| e.to_string()),
                )
            },
            JobOut::Error,
        );
    }
}
