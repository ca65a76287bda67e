//! The report's charts, drawn as vector paths and text on a `Canvas`:
//! incidents inside the zone per day (or week) stacked by category, each
//! incident's zone depth against time, and time off-corridor per convoy.
//! Axes are labelled with their units; an empty series says so.

use super::Monitoring;
use super::canvas::{Align, Canvas, Face, Rgb};
use crate::utc::format_rfc3339;

use crate::output::palette::category_colour;

const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [215, 215, 215];

/// A "nice" axis maximum and step for values up to `max`.
fn nice(max: f64) -> (f64, f64) {
    if !(max.is_finite() && max > 0.0) {
        return (1.0, 1.0);
    }
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|k| k * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    ((max / step).ceil() * step, step)
}

/// An axis maximum and step for counts: whole numbers only (a count axis
/// of 1 incident reads 0, 1; never 0, 0, 1, 1).
fn nice_count(max: f64) -> (f64, f64) {
    let (top, step) = nice(max.max(1.0));
    let step = step.max(1.0).round();
    ((top / step).ceil() * step, step)
}

/// A tick value with as many decimals as the step needs ("0.3", not
/// "0.30000000000000004").
fn tick_text(v: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10()).ceil().clamp(0.0, 6.0) as usize
    };
    format!("{:.*}", decimals, v)
}

/// Labels under an axis, centred at their x: (x, text). A label that would
/// meet the one before it is left out, but the last one is always shown
/// (the one before it gives way).
fn labels_without_overlap(c: &mut dyn Canvas, y: f32, labels: &[(f32, String)]) {
    let span = |(x, t): &(f32, String)| {
        let w = super::canvas::text_width(t, Face::Mono, 6.0);
        (x - w / 2.0, x + w / 2.0)
    };
    let mut kept: Vec<&(f32, String)> = Vec::new();
    for (k, label) in labels.iter().enumerate() {
        let meets = |l: &&(f32, String)| span(l).1 + 4.0 > span(label).0;
        if kept.last().is_some_and(meets) {
            if k + 1 < labels.len() {
                continue;
            }
            while kept.len() > 1 && kept.last().is_some_and(meets) {
                kept.pop();
            }
            if kept.last().is_some_and(meets) {
                kept.pop();
            }
        }
        kept.push(label);
    }
    for (x, text) in kept {
        c.text((*x, y), 6.0, text, Face::Mono, INK, Align::Centre);
    }
}

fn frame(c: &mut dyn Canvas, x: f32, y: f32, w: f32, h: f32, title: &str, y_label: &str) {
    let title = super::canvas::fit(title, Face::Prose, 9.0, w);
    c.text((x, y - 6.0), 9.0, &title, Face::Prose, INK, Align::Left);
    c.text((x, y + 8.0), 6.5, y_label, Face::Prose, INK, Align::Left);
    c.stroke(
        &[(x + 40.0, y + 12.0), (x + 40.0, y + h), (x + w, y + h)],
        INK,
        0.6,
        None,
        false,
    );
}

fn y_axis(
    c: &mut dyn Canvas,
    x: f32,
    y: f32,
    w: f32,
    h: f32,
    (top, step): (f64, f64),
    fmt: &dyn Fn(f64) -> String,
) -> f64 {
    let mut v = 0.0;
    while v <= top + step * 1e-9 {
        let yy = y + h - (v / top) as f32 * (h - 14.0);
        c.stroke(&[(x + 40.0, yy), (x + w, yy)], GRID, 0.3, None, false);
        c.text(
            (x + 37.0, yy + 2.0),
            6.0,
            &fmt(v),
            Face::Mono,
            INK,
            Align::Right,
        );
        v += step;
    }
    top
}

fn empty(c: &mut dyn Canvas, x: f32, y: f32, w: f32, h: f32, what: &str) {
    c.text(
        (x + w / 2.0, y + h / 2.0),
        8.0,
        what,
        Face::Prose,
        [110, 110, 110],
        Align::Centre,
    );
}

/// Incidents inside the zone per day (per week past 45 days), stacked by category.
pub fn incidents_per_day(c: &mut dyn Canvas, m: &Monitoring, x: f32, y: f32, w: f32, h: f32) {
    let times: Vec<(f64, &str)> = m
        .incidents
        .iter()
        .filter_map(|i| Some((i.time_s?, i.category.as_str())))
        .collect();
    let cats: Vec<&str> = m
        .figures
        .by_category
        .iter()
        .map(|(c, _)| c.as_str())
        .collect();
    let (lo, hi) = times.iter().fold((f64::MAX, f64::MIN), |(a, b), (t, _)| {
        (a.min(*t), b.max(*t))
    });
    let day = 86_400.0;
    let weekly = hi - lo > 45.0 * day;
    let bin = if weekly { 7.0 * day } else { day };
    let unit = if weekly { "week" } else { "day" };
    frame(
        c,
        x,
        y,
        w,
        h,
        &format!("Incidents inside the buffer zone per {unit}, by category"),
        "incidents",
    );
    if times.is_empty() {
        return empty(c, x, y, w, h, "No incident inside the zone in the period");
    }
    let start = (lo / bin).floor() * bin;
    let n = (((hi - start) / bin).floor() as usize + 1).min(400);
    let mut counts = vec![vec![0usize; cats.len()]; n];
    for (t, cat) in &times {
        let b = (((t - start) / bin).floor() as usize).min(n - 1);
        if let Some(k) = cats.iter().position(|c| c == cat) {
            counts[b][k] += 1;
        }
    }
    let max = counts
        .iter()
        .map(|v| v.iter().sum::<usize>())
        .max()
        .unwrap_or(1) as f64;
    let top = y_axis(c, x, y, w, h - 26.0, nice_count(max), &|v| {
        format!("{v:.0}")
    });
    let plot_w = w - 44.0;
    let bw = plot_w / n as f32;
    let base = y + h - 26.0;
    let per = (h - 26.0 - 14.0) / top as f32;
    for (b, v) in counts.iter().enumerate() {
        let mut acc = 0.0;
        let bx = x + 42.0 + b as f32 * bw;
        for (k, n) in v.iter().enumerate() {
            if *n == 0 {
                continue;
            }
            let (y1, y0) = (base - acc * per, base - (acc + *n as f32) * per);
            c.fill(
                &[vec![
                    (bx, y0),
                    (bx + bw * 0.85, y0),
                    (bx + bw * 0.85, y1),
                    (bx, y1),
                ]],
                category_colour(cats[k]),
                1.0,
            );
            acc += *n as f32;
        }
    }
    // A date under every bar there is room for (every day when they fit).
    let label_w = super::canvas::text_width("2026-03-02", Face::Mono, 6.0) + 4.0;
    let every = ((label_w / bw).ceil() as usize).max(1);
    let labels: Vec<(f32, String)> = (0..n)
        .filter(|b| b % every == 0 || *b == n - 1)
        .map(|b| {
            let label = format_rfc3339(start + b as f64 * bin)
                .map(|t| t[..10].to_string())
                .unwrap_or_default();
            (x + 42.0 + (b as f32 + 0.425) * bw, label)
        })
        .collect();
    labels_without_overlap(c, base + 9.0, &labels);
    // The categories' key, on a second row when one is not enough.
    let mut kx = x + 42.0;
    let mut row = 0.0;
    for cat in cats.iter() {
        let cat_w = 14.0 + super::canvas::text_width(cat, Face::Prose, 6.0);
        if kx + cat_w > x + w && kx > x + 42.0 {
            if row > 0.0 {
                c.text(
                    (kx, base + 20.0 + row),
                    6.0,
                    "…",
                    Face::Prose,
                    INK,
                    Align::Left,
                );
                break;
            }
            row += 8.0;
            kx = x + 42.0;
        }
        let colour = category_colour(cat);
        let cat = super::canvas::fit(cat, Face::Prose, 6.0, x + w - kx - 8.0);
        let base = base + row;
        c.fill(
            &[vec![
                (kx, base + 14.0),
                (kx + 6.0, base + 14.0),
                (kx + 6.0, base + 20.0),
                (kx, base + 20.0),
            ]],
            colour,
            1.0,
        );
        c.text(
            (kx + 8.0, base + 20.0),
            6.0,
            &cat,
            Face::Prose,
            INK,
            Align::Left,
        );
        kx += cat_w;
    }
}

/// Each incident's depth inside the zone against its time.
pub fn depth_over_time(c: &mut dyn Canvas, m: &Monitoring, x: f32, y: f32, w: f32, h: f32) {
    frame(
        c,
        x,
        y,
        w,
        h,
        "Depth of each incident inside the zone, against time",
        "depth, km",
    );
    let pts: Vec<(f64, f64)> = m
        .incidents
        .iter()
        .filter_map(|i| Some((i.time_s?, i.depth_m)))
        .collect();
    if pts.is_empty() {
        return empty(c, x, y, w, h, "No incident inside the zone in the period");
    }
    let max = pts.iter().map(|p| p.1).fold(0.0, f64::max) / 1000.0;
    let (top, step) = nice(max);
    let top = y_axis(c, x, y, w, h - 12.0, (top, step), &|v| tick_text(v, step));
    let (lo, hi) = pts
        .iter()
        .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let span = (hi - lo).max(1.0);
    let base = y + h - 12.0;
    let plot_w = w - 52.0;
    for (t, d) in &pts {
        let px = x + 46.0 + ((t - lo) / span) as f32 * plot_w;
        let py = base - (d / 1000.0 / top) as f32 * (h - 12.0 - 14.0);
        c.fill(
            &[square(px, py, 2.0)],
            crate::output::palette::DEVIATION,
            1.0,
        );
    }
    // The first and last times; one label when they would meet.
    let label = |t: f64| {
        format_rfc3339(t)
            .map(|s| s[..16].replace('T', " "))
            .unwrap_or_default()
    };
    let (first, last) = (label(lo), label(hi));
    let both_w = super::canvas::text_width(&first, Face::Mono, 6.0)
        + super::canvas::text_width(&last, Face::Mono, 6.0)
        + 8.0;
    c.text(
        (x + 46.0, base + 9.0),
        6.0,
        &first,
        Face::Mono,
        INK,
        Align::Left,
    );
    if first != last && both_w <= plot_w {
        c.text(
            (x + 46.0 + plot_w, base + 9.0),
            6.0,
            &last,
            Face::Mono,
            INK,
            Align::Right,
        );
    }
}

fn square(x: f32, y: f32, r: f32) -> Vec<(f32, f32)> {
    vec![
        (x - r, y - r),
        (x + r, y - r),
        (x + r, y + r),
        (x - r, y + r),
    ]
}

/// Time off-corridor per convoy (the 25 longest), horizontal bars in hours.
/// The three charts' heights on a page of `total` points (less the gaps):
/// the time off-corridor chart as tall as its `bars` need (12 points a bar
/// and its axis, at least 60, at most a third), the other two sharing the rest.
pub fn chart_heights(total: f32, bars: usize) -> [f32; 3] {
    let third = total / 3.0;
    let off = (bars.min(25) as f32 * 12.0 + 40.0).clamp(60.0, third);
    let rest = (total - off) / 2.0;
    [rest, rest, off]
}

pub fn time_off_corridor(c: &mut dyn Canvas, m: &Monitoring, x: f32, y: f32, w: f32, h: f32) {
    let shown: Vec<&(String, f64)> = m.off_corridor_s.iter().take(25).collect();
    let more = m.off_corridor_s.len().saturating_sub(shown.len());
    let title = if more > 0 {
        format!(
            "Time off-corridor per convoy (the 25 longest of {})",
            m.off_corridor_s.len()
        )
    } else {
        "Time off-corridor per convoy".to_string()
    };
    c.text((x, y - 6.0), 9.0, &title, Face::Prose, INK, Align::Left);
    if shown.is_empty() {
        return empty(c, x, y, w, h, "No timed deviation in the period");
    }
    let max_h = shown[0].1 / 3600.0;
    let (top, step) = nice(max_h);
    let label_w = 70.0;
    let plot_w = w - label_w - 40.0;
    let bh = ((h - 16.0) / shown.len() as f32).min(12.0);
    for (k, (id, s)) in shown.iter().enumerate() {
        let yy = y + 4.0 + k as f32 * bh;
        let id = super::canvas::fit_middle(id, Face::Mono, 6.0, label_w - 6.0);
        c.text(
            (x + label_w - 4.0, yy + bh * 0.75),
            6.0,
            &id,
            Face::Mono,
            INK,
            Align::Right,
        );
        let len = (s / 3600.0 / top) as f32 * plot_w;
        c.fill(
            &[vec![
                (x + label_w, yy + 1.0),
                (x + label_w + len, yy + 1.0),
                (x + label_w + len, yy + bh - 1.0),
                (x + label_w, yy + bh - 1.0),
            ]],
            crate::output::palette::DEVIATION,
            1.0,
        );
        c.text(
            (x + label_w + len + 3.0, yy + bh * 0.75),
            6.0,
            &crate::output::text::format_duration_s(*s),
            Face::Mono,
            INK,
            Align::Left,
        );
    }
    let base = y + 6.0 + shown.len() as f32 * bh;
    let mut v = 0.0;
    while v <= top + step * 1e-9 {
        let px = x + label_w + (v / top) as f32 * plot_w;
        c.stroke(&[(px, base), (px, base + 3.0)], INK, 0.5, None, false);
        c.text(
            (px, base + 10.0),
            6.0,
            &format!("{} h", tick_text(v, step)),
            Face::Mono,
            INK,
            Align::Centre,
        );
        v += step;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bar_chart_takes_what_its_bars_need_and_the_others_the_rest() {
        // Five convoys off corridor: 5 x 12 + 40 = 100 points, the rest shared.
        assert_eq!(super::chart_heights(700.0, 5), [300.0, 300.0, 100.0]);
        // None: the "no timed deviation" note needs 60.
        assert_eq!(super::chart_heights(700.0, 0), [320.0, 320.0, 60.0]);
        // Many: never more than a third.
        let [a, b, c] = super::chart_heights(600.0, 25);
        assert_eq!((a, b, c), (200.0, 200.0, 200.0));
    }
}
