//! The report's notified movements: each with its convoy, window, state as
//! of the period's end (`analysis::movements`) and the incidents within 5 km
//! of its line in the 7 days before its window opened (`analysis::exposure`).

use crate::analysis::exposure::{Exposure, near_route};
use crate::analysis::movements;

/// One notified movement as the report lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct MovementRow {
    pub id: String,
    pub convoy_id: String,
    pub window: Option<(f64, f64)>,
    pub state: &'static str,
    pub reasons: Vec<String>,
    /// Incidents near its line before its window: how many, and the nearest (id, metres).
    pub near: usize,
    pub nearest: Option<(String, f64)>,
}

/// Every movement of a checked set (its convoys and their results), as of `now`.
pub fn movement_rows(
    scn: &crate::analysis::Scenario,
    convoys: &[crate::model::Convoy],
    results: &[crate::analysis::ConvoyResult],
    now: f64,
) -> Vec<MovementRow> {
    scn.notified
        .movements
        .iter()
        .map(|m| {
            let k = convoys.iter().position(|c| c.convoy_id == m.convoy_id);
            let plan = movements::plan(scn, m);
            let status = movements::status(
                m,
                &plan,
                k.map(|k| &convoys[k]),
                k.and_then(|k| results.get(k)).map(|r| &r.report),
                now,
            );
            let near = m.window.map_or_else(Vec::new, |w| {
                near_route(
                    &scn.layers,
                    &plan.line,
                    &Exposure {
                        reach_m: Exposure::DEFAULT_REACH_M,
                        days: Exposure::DEFAULT_DAYS,
                        depart_s: w.0,
                    },
                )
            });
            MovementRow {
                id: m.id.clone(),
                convoy_id: m.convoy_id.clone(),
                window: m.window,
                state: status.state.word(),
                reasons: status.reasons,
                near: near.len(),
                nearest: near
                    .first()
                    .map(|n| (n.id.clone().unwrap_or_else(|| "-".into()), n.distance_m)),
            }
        })
        .collect()
}
