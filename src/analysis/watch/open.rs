//! Stretch events: what an alert says of its stretch (started, grew, ended),
//! and an alerted stretch that has not ended (its figures so far), kept by
//! the watcher to alert its growth and its end.

use crate::analysis::Stretch;
use serde::Serialize;

/// What an alert says of its stretch: it started (a new alert), it grew
/// (the figures so far, for a display), or it ended (its final figures).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertEvent {
    #[default]
    Start,
    Update,
    End,
}

impl AlertEvent {
    pub fn is_start(&self) -> bool {
        *self == AlertEvent::Start
    }
}

/// An alerted stretch that has not ended: its figures so far, the length
/// unrounded (it grows batch by batch). Its path is not kept: an update
/// carries none, the end the whole (from `check` on the tail).
#[derive(Clone, Debug)]
pub(super) struct OpenAlert {
    pub(super) stretch: Stretch,
    pub(super) length_m: f64,
}
