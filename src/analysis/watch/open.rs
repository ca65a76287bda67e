//! An alerted stretch that has not ended (its figures so far), kept by the
//! watcher to alert its growth and its end.

use crate::report::Stretch;

/// An alerted stretch that has not ended: its figures so far, the length
/// unrounded (it grows batch by batch). Its path is not kept: an update
/// carries none, the end the whole (from `check` on the tail).
#[derive(Clone, Debug)]
pub(super) struct OpenAlert {
    pub(super) stretch: Stretch,
    pub(super) length_m: f64,
}
