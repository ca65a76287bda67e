//! Editing a layer in the app: one layer at a time is in edit mode (Layers
//! tab > Edit; its state is `app::editor`). The core's ops (`crate::edit`)
//! change it; each is journaled, can be undone, and starts a fresh analysis so
//! that the tabs follow the edit. Save writes the edits back to the GeoJSON file.

mod files;
mod ops;

use ops::mark_touched;

use super::CorridorApp;
use super::command::EditCommand;
use super::editor::{Draft, journal};
use super::session::Tool;
use crate::edit::Op;
use eframe::egui;

impl CorridorApp {
    /// Asked to close with unsaved edits: the window stays and asks first.
    pub(super) fn hold_close_for_edits(&mut self, ctx: &egui::Context) {
        if ctx.input(|i| i.viewport().close_requested())
            && self.session.editor.dirty()
            && !self.session.editor.allow_quit
        {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.settings.windows.quit_ask = true;
        }
    }

    /// The edited layer's place in the layer list.
    pub(super) fn edited_index(&self) -> Option<usize> {
        let seq = self.session.editor.edit.as_ref()?.seq;
        self.session.layers.iter().position(|l| l.seq == seq)
    }

    pub(super) fn edit_command(&mut self, c: EditCommand) {
        if self.session.editor.busy && !matches!(c, EditCommand::Select(_)) {
            self.info("the layer is being read or saved: try again in a moment");
            return;
        }
        match c {
            EditCommand::Start(i) => self.start_editing(i, None),
            EditCommand::Restore(k) => self.restore_journal(k),
            EditCommand::Forget(k) => {
                if k < self.session.editor.found.len() {
                    let f = self.session.editor.found.remove(k);
                    journal::remove(&f.journal);
                    self.info(format!(
                        "discarded the unsaved edits to {}",
                        crate::app::editor::EditSource::from_key(&f.source).label()
                    ));
                }
            }
            EditCommand::Stop => self.stop_editing(false),
            EditCommand::Discard => self.stop_editing(true),
            EditCommand::Save => self.save_edits(),
            EditCommand::Undo => self.undo_edit(true),
            EditCommand::Redo => self.undo_edit(false),
            EditCommand::Select(f) => {
                let e = &mut self.session.editor;
                e.selected = f;
                e.vertex = None;
            }
            EditCommand::SelectVertex(v) => self.session.editor.vertex = v,
            EditCommand::BeginDrag(d) => self.session.editor.drag = Some(d),
            EditCommand::DragTo(c) => self.drag_to(c),
            EditCommand::EndDrag => self.end_drag(),
            EditCommand::Insert { feature, at, c } => {
                if self.op(Op::Insert { feature, at, c }) {
                    self.session.editor.vertex = Some(at);
                }
            }
            EditCommand::RemoveVertex => self.remove_selected(),
            EditCommand::Split => self.split_selected(),
            EditCommand::StartDrawing(role) => {
                let e = &mut self.session.editor;
                e.draft = Some(Draft {
                    role,
                    points: Vec::new(),
                });
                e.selected = None;
                e.vertex = None;
                self.session.tool = Tool::Edit;
            }
            EditCommand::DrawPoint(c) => self.draw_point(c),
            EditCommand::FinishDrawing => self.finish_drawing(),
            EditCommand::CancelDrawing => self.session.editor.draft = None,
            EditCommand::Attributes { feature, typed } => self.set_attributes(feature, typed),
            EditCommand::NewIncident { layer, at } => self.new_incident(layer, at),
            EditCommand::Quit { save: true } => {
                self.session.editor.quit_after_save = true;
                self.save_edits();
            }
            EditCommand::Quit { save: false } => {
                if let Some(e) = &self.session.editor.edit {
                    e.journal.clear();
                    self.runtime.journal.flush();
                }
                self.session.editor.allow_quit = true;
                self.runtime
                    .ctx
                    .send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }
}
