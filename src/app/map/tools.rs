//! The map tools: what a click, a drag or a key on the map asks for, per tool.

use super::{Interaction, MapView};
use crate::app::command::{Command, RouteEdit};
use crate::app::session::ToolShape;
use crate::app::session::{Session, Tool};
use crate::app::settings::Tab;
use crate::geodesy::distance_m;
use eframe::egui;

impl MapView {
    pub(super) fn tool_commands(
        &mut self,
        ui: &egui::Ui,
        session: &Session,
        input: &Interaction,
        out: &mut Vec<Command>,
    ) {
        // Identify picks within 8 screen points, whatever the zoom.
        let pick_m = (8.0 * self.metres_per_pixel).max(1.0);
        match session.tool {
            Tool::Identify => {
                if let Some(at) = input.clicked {
                    out.push(Command::Identify { at, pick_m });
                } else if let Some(h) = input.hover
                    && ui.input(|i| i.pointer.delta() != egui::Vec2::ZERO)
                {
                    let hits = session.features_at(h, pick_m);
                    out.push(Command::Hover(
                        hits.iter().map(|h| (h.layer, h.feature)).collect(),
                    ));
                }
            }
            Tool::Measure => {
                if let Some(c) = input.clicked {
                    out.push(Command::Measure(c));
                }
            }
            Tool::Route => self.route_commands(ui, session, input, out),
            Tool::Edit => self.edit_commands(ui, session, input, out),
            Tool::BoxQuery | Tool::RadiusQuery => {
                if let Some(s) = input.drag_start {
                    self.drag_start = Some(s);
                }
                let shape = |s, c| {
                    if session.tool == Tool::BoxQuery {
                        ToolShape::Box(s, c)
                    } else {
                        ToolShape::Circle(s, distance_m(s, c))
                    }
                };
                if let (Some(s), Some(c)) = (self.drag_start, input.dragging) {
                    out.push(Command::DragQuery(shape(s, c)));
                }
                if input.drag_stop
                    && self.drag_start.take().is_some()
                    && let Some(q) = session.query_shape.clone()
                {
                    out.push(Command::AreaQuery(q));
                }
            }
        }
    }

    /// The route tool: press on a waypoint drags it; a click selects a waypoint,
    /// inserts on a leg or appends; Ctrl+Z / Ctrl+Y and Delete edit.
    fn route_commands(
        &self,
        ui: &egui::Ui,
        session: &Session,
        input: &Interaction,
        out: &mut Vec<Command>,
    ) {
        let route = &session.route;
        let projector = self.projector();
        if let Some(p) = input.press_px
            && let Some(i) = route.waypoint_at(&projector, p)
        {
            out.push(Command::Route(RouteEdit::BeginDrag(i)));
        }
        if let Some(c) = input.dragging {
            out.push(Command::Route(RouteEdit::DragTo(c)));
        }
        if input.drag_stop {
            out.push(Command::Route(RouteEdit::EndDrag));
        }
        if let (Some(p), Some(at)) = (input.click_px, input.clicked) {
            let edit = if let Some(i) = route.waypoint_at(&projector, p) {
                RouteEdit::Select(i)
            } else if let Some(leg) = route.leg_at(&projector, p) {
                RouteEdit::Insert { leg, at }
            } else {
                RouteEdit::Append(at)
            };
            out.push(Command::Route(edit));
            out.push(Command::ShowTab(Tab::Route));
        }
        let (undo, redo) = undo_redo_keys(ui.ctx());
        let delete =
            ui.input(|i| i.key_pressed(egui::Key::Delete) || i.key_pressed(egui::Key::Backspace));
        if undo {
            out.push(Command::Route(RouteEdit::Undo));
        }
        if redo {
            out.push(Command::Route(RouteEdit::Redo));
        }
        if delete
            && !ui.ctx().egui_wants_keyboard_input()
            && let Some(i) = route.selected
        {
            out.push(Command::Route(RouteEdit::Delete(i)));
        }
    }
}

/// Ctrl+Z (undo) and Ctrl+Y or Ctrl+Shift+Z (redo), taken from the input.
/// Shortcuts match the modifiers sent with the key (not the state at frame end).
pub(super) fn undo_redo_keys(ctx: &egui::Context) -> (bool, bool) {
    use egui::{Key, KeyboardShortcut, Modifiers};
    // In a text field they are the field's own undo.
    if ctx.egui_wants_keyboard_input() {
        return (false, false);
    }
    ctx.input_mut(|i| {
        let redo = i.consume_shortcut(&KeyboardShortcut::new(
            Modifiers::COMMAND | Modifiers::SHIFT,
            Key::Z,
        )) || i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Y));
        let undo = i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, Key::Z));
        (undo, redo)
    })
}
