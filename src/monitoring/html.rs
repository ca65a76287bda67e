//! The report as one HTML page (`report --format html`): the same parts as
//! the PDF, the map and charts as inline SVG, the same rows and figures.

use super::Monitoring;
use super::canvas::{SvgCanvas, xml};
use super::pdf::{method_text, period_text};
use super::rows::figure_lines;
use super::rows::{
    INCIDENT_HEADER, MARITIME_HEADER, MOVEMENT_HEADER, STRETCH_HEADER, cut_note, incident_rows,
    maritime_rows, movement_rows, stretch_rows,
};
use super::{charts, map};
use std::fmt::Write;

fn svg(prefix: &str, w: f32, h: f32, draw: impl FnOnce(&mut SvgCanvas)) -> String {
    let mut c = SvgCanvas::new(prefix);
    draw(&mut c);
    c.finish(w, h)
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    out.push_str("<table><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", xml(h));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(
            out,
            "<tr><td colspan=\"{}\">None in the period.</td></tr>",
            header.len()
        );
    }
    for r in rows {
        out.push_str("<tr>");
        for c in r {
            let _ = write!(out, "<td>{}</td>", xml(c));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// The page's text.
pub fn render(m: &Monitoring, csv_names: (&str, &str)) -> String {
    let mut o = String::new();
    let title = xml(&m.request.title);
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title><style>\
         body{{font-family:Ubuntu,sans-serif;max-width:60em;margin:2em auto;color:#1e1e1e}}\
         table{{border-collapse:collapse;font-family:Hack,monospace;font-size:0.8em}}\
         th,td{{border-bottom:1px solid #ccc;padding:0.15em 0.6em;text-align:left}}\
         .illustrative{{color:#b41e1e;font-weight:bold}} .muted{{color:#666}}</style></head><body>"
    );
    let _ = write!(o, "<h1>{title}</h1><p>Period: {}</p>", xml(&period_text(m)));
    let _ = write!(
        o,
        "<p class=\"muted\">corridor-watch {} - generated {}</p>",
        xml(&m.version),
        xml(&m.generated_at)
    );
    if m.request.illustrative {
        o.push_str("<p class=\"illustrative\">ILLUSTRATIVE DATA: the bundled scenario's corridors, tracks and incidents are invented.</p>");
    }
    o.push_str("<h2>Data sources</h2><ul>");
    for s in &m.request.sources {
        let _ = write!(
            o,
            "<li><code>{}</code> sha256 <code>{}</code></li>",
            xml(&s.name),
            xml(&s.sha256)
        );
    }
    o.push_str("</ul><h2>Key figures</h2>");
    let figs: Vec<Vec<String>> = figure_lines(m)
        .into_iter()
        .map(|(a, b)| vec![a, b])
        .collect();
    table(&mut o, &["figure", "value"], &figs);
    if m.figures.convoys_checked == 0 {
        o.push_str(
            "<p>No convoy reported a position in this period: there is nothing to check.</p>",
        );
    }
    o.push_str("<h2>Overview map</h2>");
    o.push_str(&svg("map", 700.0, 560.0, |c| {
        map::draw(c, m, 2.0, 2.0, 696.0, 556.0)
    }));
    o.push_str("<h2>Charts</h2>");
    o.push_str(&svg("c1", 700.0, 220.0, |c| {
        charts::incidents_per_day(c, m, 4.0, 20.0, 690.0, 190.0)
    }));
    o.push_str(&svg("c2", 700.0, 220.0, |c| {
        charts::depth_over_time(c, m, 4.0, 20.0, 690.0, 190.0)
    }));
    o.push_str(&svg("c3", 700.0, 360.0, |c| {
        charts::time_off_corridor(c, m, 4.0, 20.0, 690.0, 330.0)
    }));
    o.push_str("<h2>Deviations and buffer-zone entries</h2>");
    if let Some(n) = cut_note(
        m.stretches.len().min(super::MAX_ROWS),
        m.stretches.len(),
        "stretches (by offset or depth)",
        Some(csv_names.0),
    ) {
        let _ = write!(o, "<p>{}</p>", xml(&n));
    }
    table(&mut o, &STRETCH_HEADER, &stretch_rows(m));
    o.push_str("<h2>Incidents inside the buffer zone</h2>");
    if let Some(n) = cut_note(
        m.incidents.len().min(super::MAX_ROWS),
        m.incidents.len(),
        "incidents (by depth)",
        Some(csv_names.1),
    ) {
        let _ = write!(o, "<p>{}</p>", xml(&n));
    }
    table(&mut o, &INCIDENT_HEADER, &incident_rows(m));
    if !m.movements.is_empty() {
        o.push_str("<h2>Notified movements</h2>");
        table(&mut o, &MOVEMENT_HEADER, &movement_rows(m));
    }
    if !m.maritime.is_empty() {
        o.push_str("<h2>Maritime: encounters, loitering and AIS gaps in the lanes</h2>");
        if let Some(n) = cut_note(
            m.maritime.len().min(super::MAX_ROWS),
            m.maritime.len(),
            "maritime events (by time)",
            None,
        ) {
            let _ = write!(o, "<p>{}</p>", xml(&n));
        }
        table(&mut o, &MARITIME_HEADER, &maritime_rows(m));
    }
    o.push_str("<h2>Method</h2>");
    for p in method_text(m) {
        let _ = write!(o, "<p>{}</p>", xml(&p));
    }
    o.push_str("</body></html>\n");
    o
}
