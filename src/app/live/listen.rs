//! Other operators' alerts, heard from a PostGIS table's channel (LISTEN) by
//! a worker thread (started by `sources`), as `watch --to-db` sends them.

use crate::analysis::Stretch;
use crate::analysis::watch::{Alert, AlertType};
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;

/// Other operators' alerts, heard on a table's channel by a worker thread.
pub struct Listener {
    /// The table URL, password masked.
    pub url: String,
    rx: Receiver<Result<Alert, String>>,
    stop: Arc<AtomicBool>,
    pub heard: usize,
}

impl Listener {
    pub fn new(url: String, rx: Receiver<Result<Alert, String>>, stop: Arc<AtomicBool>) -> Self {
        Self {
            url,
            rx,
            stop,
            heard: 0,
        }
    }

    /// What the worker heard since the last call.
    pub fn take(&mut self) -> Vec<Result<Alert, String>> {
        self.rx.try_iter().collect()
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// An alert as `watch --to-db` sends it (the JSON `watch` prints).
pub fn alert_from_json(v: &Value) -> Option<Alert> {
    let pos = |k: &str| -> Option<geo::Coord> {
        let a = v.get(k)?.as_array()?;
        Some(geo::Coord {
            x: a.first()?.as_f64()?,
            y: a.get(1)?.as_f64()?,
        })
    };
    let alert_type = AlertType::parse(v.get("type")?.as_str()?)?;
    let (start, end) = (pos("start")?, pos("end")?);
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
    Some(Alert {
        convoy_id: text("convoy_id")?,
        alert_type,
        event: match v.get("event").and_then(Value::as_str) {
            Some("end") => crate::analysis::watch::AlertEvent::End,
            Some("update") => crate::analysis::watch::AlertEvent::Update,
            _ => crate::analysis::watch::AlertEvent::Start,
        },
        stretch: Stretch {
            start,
            end,
            length_m: v.get("length_m").and_then(Value::as_f64).unwrap_or(0.0),
            max_offset_m: v.get("max_offset_m").and_then(Value::as_f64),
            start_s: text("start_time").and_then(|t| crate::io::time::parse_rfc3339(&t).ok()),
            end_s: text("end_time").and_then(|t| crate::io::time::parse_rfc3339(&t).ok()),
            subsecond: ["start_time", "end_time"]
                .iter()
                .any(|k| text(k).is_some_and(|t| t.contains('.'))),
        },
        path: vec![start, end],
        incident_id: text("incident_id"),
        distance_m: v.get("distance_m").and_then(Value::as_f64),
        speed_kmh: v.get("speed_kmh").and_then(Value::as_f64).or_else(|| {
            v.get("mean_speed_kn")
                .and_then(Value::as_f64)
                .map(|k| k * 1.852)
        }),
        other: text("other").or_else(|| text("corridor_id")),
    })
}
