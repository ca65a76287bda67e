//! What the live notification rules remember of each convoy: whether it is
//! under way off its windows, which closures it was alerted in, whether it
//! was alerted as never notified; and the reports not yet judged.

use geo::Coord;
use std::collections::{HashMap, HashSet};

/// One convoy's notification state.
#[derive(Clone, Debug, Default)]
pub(super) struct Notice {
    /// Its last timed report (position, time).
    pub last: Option<(Coord, f64)>,
    /// Under way off every window since this report's time (alerted then).
    pub off_since: Option<f64>,
    /// (closed shape, closure index) it was alerted in.
    pub closed: HashSet<(u32, usize)>,
    pub not_notified_alerted: bool,
}

/// The notification rules' state of a watch.
#[derive(Clone, Debug, Default)]
pub(super) struct NoticeState {
    pub convoys: HashMap<usize, Notice>,
    /// Reports (convoy, position, time) taken in since the last check, in order.
    pub pending: Vec<(usize, Coord, f64)>,
}
