//! Incidents and the buffer zone: which are inside, how deep, how far from the
//! contact line. Distances in metres (geodesic), positions lon/lat.

use super::scenario::Scenario;
use crate::model::Role;
use geo::{Coord, Geometry};

/// An incident as the buffer-zone panel shows it.
#[derive(Clone, Debug)]
pub struct IncidentInfo {
    pub layer: usize,
    pub feature: usize,
    pub id: String,
    pub category: String,
    pub time: String,
    /// The start of the incident's time (Unix seconds).
    pub time_s: Option<f64>,
    /// The end of its period, exclusive: after `time_s` when the time is a
    /// date (a whole day) or a month; equal to it for an instant.
    pub time_end_s: Option<f64>,
    pub pos: Coord,
    pub inside: bool,
    /// Distance to the zone boundary when inside, metres.
    pub depth_m: f64,
    /// Distance to the nearest contact line, metres.
    pub contact_line_m: Option<f64>,
    /// Its sector of the zone, when inside (`analysis::sectors`).
    pub sector: Option<String>,
}

impl IncidentInfo {
    /// Whether the incident's time (an instant, or a whole day or month)
    /// meets the period `[from, to]`; an untimed one only an open period.
    pub fn in_period(&self, from: Option<f64>, to: Option<f64>) -> bool {
        match (self.time_s, self.time_end_s) {
            (Some(a), Some(b)) => {
                let meets_from = from.is_none_or(|f| if b > a { b > f } else { a >= f });
                meets_from && to.is_none_or(|e| a <= e)
            }
            _ => from.is_none() && to.is_none(),
        }
    }
}

/// Every incident of the scenario's layers, in layer and feature order
/// (sectors cut every `DEFAULT_SECTOR_KM` along the contact lines).
pub fn incidents(scn: &Scenario) -> Vec<IncidentInfo> {
    incidents_in(
        scn,
        &super::sectors::Sectors::of(&scn.layers, super::sectors::DEFAULT_SECTOR_KM),
    )
}

/// [`incidents`] with the zone cut into `sectors`.
pub fn incidents_in(scn: &Scenario, sectors: &super::sectors::Sectors) -> Vec<IncidentInfo> {
    let keep = |_: u32| true;
    let contact = |s: u32| scn.zone.shapes[s as usize].role == Role::ContactLine;
    let mut incidents = Vec::new();
    for (li, l) in scn.layers.iter().enumerate() {
        for (fi, f) in l.features.iter().enumerate() {
            let (Role::Incident, Some(Geometry::Point(p))) = (f.role, &f.geometry) else {
                continue;
            };
            let inside = scn.zone.contains(p.0, &keep);
            // The distance to the nearest contact line itself (not to its zone).
            let contact_line_m = scn.zone.line_distance_m(p.0, &contact);
            let time = f.prop_text("time").unwrap_or_default();
            let span = f.time_span;
            incidents.push(IncidentInfo {
                layer: li,
                feature: fi,
                id: f.id.clone().unwrap_or_else(|| f.label()),
                category: f
                    .prop_text("category")
                    .unwrap_or_else(|| "uncategorised".into()),
                time_s: span.map(|s| s.0),
                time_end_s: span.map(|s| s.1),
                time,
                pos: p.0,
                inside,
                depth_m: if inside { scn.zone.depth_m(p.0) } else { 0.0 },
                contact_line_m,
                sector: if inside { sectors.sector_of(p.0) } else { None },
            });
        }
    }
    incidents
}

/// Incidents inside the zone in one sector: in a period and in the period of
/// the same length just before it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectorChange {
    pub sector: String,
    pub now: usize,
    pub before: usize,
}

/// The period to compare: `[from, to]` as given, an open end closed 7 days
/// from the other, and with neither, the 7 days up to the latest incident.
pub fn period_of(
    incidents: &[IncidentInfo],
    from: Option<f64>,
    to: Option<f64>,
) -> Option<(f64, f64)> {
    const WEEK: f64 = 7.0 * 86_400.0;
    match (from, to) {
        (Some(a), Some(b)) => Some((a, b)),
        (Some(a), None) => Some((a, a + WEEK)),
        (None, Some(b)) => Some((b - WEEK, b)),
        (None, None) => incidents
            .iter()
            .filter_map(|i| i.time_end_s.or(i.time_s))
            .reduce(f64::max)
            .map(|b| (b - WEEK, b)),
    }
}

/// Per sector (in `names` order), the incidents inside the zone in `period`
/// and in the period of the same length ending where it starts.
pub fn changes(
    incidents: &[IncidentInfo],
    names: &[String],
    (a, b): (f64, f64),
) -> Vec<SectorChange> {
    let len = (b - a).max(0.0);
    let inside = || incidents.iter().filter(|i| i.inside);
    let now = super::sectors::count(
        names,
        inside()
            .filter(|i| i.in_period(Some(a), Some(b)))
            .filter_map(|i| i.sector.as_deref()),
    );
    // The period before, its end left out (an incident at `a` is in this one).
    let before = super::sectors::count(
        names,
        inside()
            .filter(|i| i.in_period(Some(a - len), Some(a - 1e-3)))
            .filter_map(|i| i.sector.as_deref()),
    );
    now.into_iter()
        .map(|(sector, n)| SectorChange {
            before: before.iter().find(|(s, _)| *s == sector).map_or(0, |x| x.1),
            sector,
            now: n,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;

    #[test]
    fn a_period_is_compared_with_the_one_before_by_hand() {
        let names = vec!["A".to_string(), "B".to_string()];
        let day = 86_400.0;
        let inc = |sector: &str, t: f64, inside: bool| IncidentInfo {
            layer: 0,
            feature: 0,
            id: String::new(),
            category: String::new(),
            time: String::new(),
            time_s: Some(t),
            time_end_s: Some(t),
            pos: Coord { x: 0.0, y: 0.0 },
            inside,
            depth_m: 0.0,
            contact_line_m: None,
            sector: inside.then(|| sector.to_string()),
        };
        // The week [day 7, day 14]: A twice, B once; the week before: A once, B twice;
        // one outside the zone and one three weeks back do not count.
        let list = vec![
            inc("A", 8.0 * day, true),
            inc("A", 13.0 * day, true),
            inc("B", 14.0 * day, true),
            inc("A", 1.0 * day, true),
            inc("B", 2.0 * day, true),
            inc("B", 6.5 * day, true),
            inc("A", 9.0 * day, false),
            inc("A", -14.0 * day, true),
        ];
        let p = period_of(&list, None, None).unwrap();
        assert_eq!(p, (7.0 * day, 14.0 * day));
        let c = changes(&list, &names, p);
        assert_eq!(
            c,
            vec![
                SectorChange {
                    sector: "A".into(),
                    now: 2,
                    before: 1
                },
                SectorChange {
                    sector: "B".into(),
                    now: 1,
                    before: 2
                },
            ]
        );
    }
}
