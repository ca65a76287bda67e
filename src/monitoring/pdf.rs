//! The report as a PDF (krilla): A4 or Letter, the app's fonts embedded,
//! text selectable. Pages: title block and key figures; the overview map;
//! the charts; the stretches table and the incidents table (headers repeated
//! on every page); the method.

use super::canvas::{Align, Canvas, DEJAVU, Face, HACK, PdfCanvas, Rgb, UBUNTU};
use super::rows::{
    INCIDENT_HEADER, MARITIME_HEADER, MOVEMENT_HEADER, STRETCH_HEADER, cut_note, figure_lines,
    incident_rows, maritime_rows, movement_rows, stretch_rows,
};
use super::{Monitoring, charts, map};
use crate::output::text::{count, format_length_m};
use krilla::Document;
use krilla::page::PageSettings;
use krilla::text::Font;

const INK: Rgb = [30, 30, 30];
const MUTED: Rgb = [100, 100, 100];
const MARGIN: f32 = 48.0;

/// The paper.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Paper {
    #[default]
    A4,
    Letter,
}

impl Paper {
    /// Width and height in points.
    pub fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

/// A page being filled from the top.
struct Pages {
    doc: Document,
    prose: Font,
    mono: Font,
    fallback: Font,
    w: f32,
    h: f32,
    /// The bundled (invented) scenario is among the sources: every page says so.
    illustrative: bool,
}

/// What every page of a report on the bundled scenario says at its head.
pub const ILLUSTRATIVE: &str =
    "ILLUSTRATIVE DATA: the bundled scenario's corridors, tracks and incidents are invented.";

/// Draws one page with `f(canvas, width, height)`, numbered at the foot.
fn page(p: &mut Pages, number: usize, title: &str, f: impl FnOnce(&mut dyn Canvas, f32, f32)) {
    let (w, h) = (p.w, p.h);
    let Some(settings) = PageSettings::from_wh(w, h) else {
        return;
    };
    let mut page = p.doc.start_page_with(settings);
    let mut surface = page.surface();
    {
        let mut c = PdfCanvas {
            surface: &mut surface,
            prose: p.prose.clone(),
            mono: p.mono.clone(),
            fallback: p.fallback.clone(),
        };
        f(&mut c, w, h);
        if p.illustrative {
            c.text(
                (w - MARGIN, 20.0),
                7.5,
                ILLUSTRATIVE,
                Face::Prose,
                [180, 30, 30],
                Align::Right,
            );
        }
        // The footer keeps clear of the page number.
        let footer = super::canvas::fit(title, Face::Prose, 7.0, w - 2.0 * MARGIN - 40.0);
        c.text(
            (MARGIN, h - 24.0),
            7.0,
            &footer,
            Face::Prose,
            MUTED,
            Align::Left,
        );
        c.text(
            (w - MARGIN, h - 24.0),
            7.0,
            &format!("page {number}"),
            Face::Prose,
            MUTED,
            Align::Right,
        );
    }
    surface.finish();
    page.finish();
}

/// Writes wrapped prose from `y`; returns the next line's baseline.
pub(super) fn prose(c: &mut dyn Canvas, text: &str, x: f32, y: f32, width: f32, size: f32) -> f32 {
    let mut y = y;
    for line in super::canvas::wrap(text, Face::Prose, size, width) {
        c.text((x, y), size, &line, Face::Prose, INK, Align::Left);
        y += size * 1.45;
    }
    y
}

/// The period as words.
pub fn period_text(m: &Monitoring) -> String {
    // To the second, rounded down (an end of day 23:59:59.999 stays that day).
    let t = |x: Option<f64>| x.and_then(|s| crate::utc::format_rfc3339(s.floor()));
    match (t(m.request.from), t(m.request.to)) {
        (Some(a), Some(b)) => format!("{a} to {b}"),
        (Some(a), None) => format!("from {a}"),
        (None, Some(b)) => format!("until {b}"),
        (None, None) => match m
            .data_span
            .and_then(|(a, b)| Some((t(Some(a))?, t(Some(b))?)))
        {
            Some((a, b)) => format!("{a} to {b} (all the data)"),
            None => "the whole data (no times in it)".into(),
        },
    }
}

/// The method, as paragraphs.
pub fn method_text(m: &Monitoring) -> Vec<String> {
    let tol: Vec<String> = m
        .tolerances
        .iter()
        .map(|(id, name, t)| format!("{id} {name}: {}", format_length_m(*t)))
        .collect();
    let widths: Vec<String> = m.zone_widths_km.iter().map(|w| format!("{w} km")).collect();
    vec![
        "Every distance is geodesic on the WGS 84 ellipsoid (Karney's algorithms), in metres, never degrees. A track is a continuous line: its edges are geodesics between the reported positions, so a crossing between two sparse fixes counts.".into(),
        format!(
            "A deviation is each maximal stretch of a track outside the union of its approved corridors (all corridors and grain lanes when the convoy names none). A corridor line approves every point within its tolerance of the centreline; tolerances here: {}.",
            if tol.is_empty() { "none loaded".to_string() } else { tol.join("; ") }
        ),
        format!(
            "The buffer zone is every point within half its width of a contact line (widths here: {}), or a zone given as an area. A zone entry is each maximal stretch inside it, counted whether or not the convoy was in a corridor; its depth is the greatest distance from the stretch to the zone's boundary. An incident's depth is its distance to that boundary.",
            if widths.is_empty() { "no contact line".to_string() } else { widths.join(", ") }
        ),
        "Times along a stretch are interpolated between timed vertices by distance. A stretch belongs to the period when its times overlap it; a stretch without times is only reported when no period is given. Figures come from the same analysis as the corridor-watch check command; this report recomputes nothing.".into(),
        "Limits: positions are as reported (no map matching); a reporting gap is bridged by a geodesic; corridors and the zone are as loaded, and the report cannot know whether they are current.".into(),
    ]
}

fn title_page(c: &mut dyn Canvas, m: &Monitoring, w: f32) {
    let mut y = MARGIN + 20.0;
    // A long title wraps within the margins (three lines at most).
    let lines = super::canvas::wrap(&m.request.title, Face::Prose, 20.0, w - 2.0 * MARGIN);
    for line in lines.iter().take(3) {
        c.text((MARGIN, y), 20.0, line, Face::Prose, INK, Align::Left);
        y += 22.0;
    }
    c.text(
        (MARGIN, y),
        10.0,
        &format!("Period: {}", period_text(m)),
        Face::Prose,
        INK,
        Align::Left,
    );
    y += 14.0;
    c.text(
        (MARGIN, y),
        8.0,
        &format!(
            "corridor-watch {} - generated {}",
            m.version, m.generated_at
        ),
        Face::Prose,
        MUTED,
        Align::Left,
    );
    y += 14.0;
    if m.request.illustrative {
        c.text(
            (MARGIN, y),
            9.0,
            ILLUSTRATIVE,
            Face::Prose,
            [180, 30, 30],
            Align::Left,
        );
        y += 14.0;
    }
    let texts = std::iter::once(m.request.title.as_str())
        .chain(m.stretches.iter().map(|s| s.convoy_id.as_str()))
        .chain(
            m.incidents
                .iter()
                .flat_map(|i| [i.id.as_str(), i.category.as_str()]),
        );
    if texts.into_iter().any(super::canvas::has_unshowable) {
        y = prose(
            c,
            "Some names use a script the embedded fonts cannot show: they appear as empty boxes here; the CSV files beside this report hold them as written.",
            MARGIN,
            y,
            w - 2.0 * MARGIN,
            8.0,
        ) + 4.0;
    }
    y += 6.0;
    c.text(
        (MARGIN, y),
        9.0,
        "Data sources (sha256)",
        Face::Prose,
        INK,
        Align::Left,
    );
    y += 11.0;
    for s in &m.request.sources {
        c.text((MARGIN, y), 6.5, &s.name, Face::Mono, INK, Align::Left);
        y += 8.0;
        c.text(
            (MARGIN + 10.0, y),
            6.0,
            &s.sha256,
            Face::Mono,
            MUTED,
            Align::Left,
        );
        y += 9.0;
    }
    y += 12.0;
    c.text(
        (MARGIN, y),
        13.0,
        "Key figures",
        Face::Prose,
        INK,
        Align::Left,
    );
    y += 16.0;
    for (label, value) in figure_lines(m) {
        // A long category name stops short of its figure.
        let value_w = super::canvas::text_width(&value, Face::Mono, 9.0);
        let label = super::canvas::fit(&label, Face::Prose, 9.0, 290.0 - value_w - 8.0);
        c.text((MARGIN, y), 9.0, &label, Face::Prose, INK, Align::Left);
        c.text(
            (MARGIN + 290.0, y),
            9.0,
            &value,
            Face::Mono,
            INK,
            Align::Right,
        );
        y += 13.0;
    }
    if m.figures.convoys_checked == 0 {
        y += 6.0;
        prose(
            c,
            "No convoy reported a position in this period: there is nothing to check.",
            MARGIN,
            y,
            w - 2.0 * MARGIN,
            9.0,
        );
    }
}

/// `text` in at most `n` characters: its start, "…", its end.
fn cut_middle(text: &str, n: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= n {
        return text.to_string();
    }
    let keep = n.saturating_sub(1);
    let tail = keep / 2;
    let head = keep - tail;
    chars[..head].iter().collect::<String>()
        + "…"
        + &chars[chars.len() - tail..].iter().collect::<String>()
}

/// A table cut into pages, its header on each.
struct Table<'a> {
    title: &'a str,
    header: Vec<&'a str>,
    /// Column widths in characters; numbers right-aligned where `right`.
    widths: Vec<usize>,
    right: Vec<bool>,
    rows: Vec<Vec<String>>,
    note: Option<String>,
}

/// A table over as many pages as it needs, in landscape (positions with
/// their nearest places want the width).
fn table_pages(p: &mut Pages, n: &mut usize, footer: &str, t: &Table) {
    let portrait = (p.w, p.h);
    (p.w, p.h) = (portrait.0.max(portrait.1), portrait.0.min(portrait.1));
    table_pages_in(p, n, footer, t);
    (p.w, p.h) = portrait;
}

fn table_pages_in(p: &mut Pages, n: &mut usize, footer: &str, t: &Table) {
    let size = 6.6;
    let ch = super::canvas::MONO_EM * size;
    let lh = size * 1.5;
    let per_page = ((p.h - 2.0 * MARGIN - 60.0) / lh) as usize;
    let chunks: Vec<&[Vec<String>]> = if t.rows.is_empty() {
        vec![&[]]
    } else {
        t.rows.chunks(per_page.max(1)).collect()
    };
    let total = chunks.len();
    for (k, rows) in chunks.into_iter().enumerate() {
        *n += 1;
        page(p, *n, footer, |c, w, _| {
            let mut y = MARGIN + 12.0;
            let title = if total > 1 {
                format!("{} ({} of {total})", t.title, k + 1)
            } else {
                t.title.to_string()
            };
            c.text((MARGIN, y), 12.0, &title, Face::Prose, INK, Align::Left);
            y += 12.0;
            if let Some(note) = &t.note {
                y = prose(c, note, MARGIN, y, w - 2.0 * MARGIN, 7.5);
            }
            y += 6.0;
            let cells = |c: &mut dyn Canvas, y: f32, row: &[&str], colour: Rgb| {
                let mut x = MARGIN;
                for (i, cell) in row.iter().enumerate() {
                    let cw = t.widths[i] as f32 * ch;
                    // Cut in the middle: ids that differ at their end stay different.
                    let text = cut_middle(cell, t.widths[i]);
                    if t.right[i] {
                        c.text((x + cw, y), size, &text, Face::Mono, colour, Align::Right);
                    } else {
                        c.text((x, y), size, &text, Face::Mono, colour, Align::Left);
                    }
                    x += cw + ch;
                }
            };
            cells(c, y, &t.header, MUTED);
            c.stroke(
                &[(MARGIN, y + 3.0), (w - MARGIN, y + 3.0)],
                MUTED,
                0.4,
                None,
                false,
            );
            y += lh + 1.0;
            if rows.is_empty() {
                c.text(
                    (MARGIN, y),
                    8.0,
                    "None in the period.",
                    Face::Prose,
                    INK,
                    Align::Left,
                );
            }
            for r in rows {
                let refs: Vec<&str> = r.iter().map(String::as_str).collect();
                cells(c, y, &refs, INK);
                y += lh;
            }
        });
    }
}

/// Draws a map into a frame (x, y, width, height).
type DrawMap<'a> = &'a dyn Fn(&mut dyn Canvas, f32, f32, f32, f32);

/// A page holding a map under a title, filling the page but `below` points,
/// with its caption under it.
#[allow(clippy::too_many_arguments)]
fn map_page(
    p: &mut Pages,
    n: usize,
    footer: &str,
    title: &str,
    below: f32,
    caption: &str,
    draw: DrawMap,
) {
    page(p, n, footer, |c, w, h| {
        c.text(
            (MARGIN, MARGIN + 12.0),
            13.0,
            title,
            Face::Prose,
            INK,
            Align::Left,
        );
        let (mw, mh) = (w - 2.0 * MARGIN, h - 2.0 * MARGIN - below);
        draw(c, MARGIN, MARGIN + 24.0, mw, mh);
        prose(c, caption, MARGIN, MARGIN + 24.0 + mh + 14.0, mw, 8.0);
    });
}

/// An empty document with the fonts embedded.
fn pages(paper: Paper, illustrative: bool) -> Result<Pages, crate::error::Problem> {
    let font = |b: &'static [u8]| {
        Font::new(b.to_vec().into(), 0)
            .ok_or_else(|| "the embedded font cannot be read".to_string())
    };
    let (w, h) = paper.size();
    Ok(Pages {
        doc: Document::new(),
        prose: font(UBUNTU)?,
        mono: font(HACK)?,
        fallback: font(DEJAVU)?,
        w,
        h,
        illustrative,
    })
}

/// A one-page PDF drawn by `f(canvas, width, height)`, with the footer and,
/// for the bundled scenario, the illustrative-data line.
pub(super) fn single_page(
    paper: Paper,
    illustrative: bool,
    footer: &str,
    f: impl FnOnce(&mut dyn Canvas, f32, f32),
) -> Result<Vec<u8>, crate::error::Problem> {
    let mut p = pages(paper, illustrative)?;
    page(&mut p, 1, footer, f);
    p.doc
        .finish()
        .map_err(|e| crate::problem!("the PDF cannot be written: {e:?}"))
}

/// The PDF's bytes. `csv_names` name the full lists beside it (for the notes).
pub fn render(
    m: &Monitoring,
    paper: Paper,
    csv_names: (&str, &str),
) -> Result<Vec<u8>, crate::error::Problem> {
    let mut p = pages(paper, m.request.illustrative)?;
    let footer = format!("{} - {}", m.request.title, period_text(m));
    let mut n = 1;
    page(&mut p, n, &footer, |c, w, _| title_page(c, m, w));
    n += 1;
    let caption = format!(
        "Corridors, grain lanes and the buffer zone as loaded; the period's {} and {}; the {} inside the zone in the period.",
        count(m.figures.deviations, "deviation", "deviations"),
        count(m.figures.zone_entries, "zone entry", "zone entries"),
        count(m.figures.incidents_inside, "incident", "incidents")
    );
    // The page's height: the frame is filled (the view widened to fit it).
    map_page(
        &mut p,
        n,
        &footer,
        "Overview map",
        70.0,
        &caption,
        &|c, x, y, w, h| map::draw(c, m, x, y, w, h),
    );
    n += 1;
    page(&mut p, n, &footer, |c, w, h| {
        let cw = w - 2.0 * MARGIN;
        // The bar chart takes what its bars need; the other two the rest.
        let [a, b, off] =
            charts::chart_heights(h - 2.0 * MARGIN - 40.0 - 72.0, m.off_corridor_s.len());
        let mut y = MARGIN + 16.0;
        charts::incidents_per_day(c, m, MARGIN, y, cw, a);
        y += a + 36.0;
        charts::depth_over_time(c, m, MARGIN, y, cw, b);
        y += b + 36.0;
        charts::time_off_corridor(c, m, MARGIN, y, cw, off);
    });
    let stretches = Table {
        title: "Deviations and buffer-zone entries",
        header: STRETCH_HEADER.to_vec(),
        widths: vec![12, 10, 16, 16, 10, 10, 18, 30, 18, 30],
        right: vec![
            false, false, false, false, true, true, false, false, false, false,
        ],
        rows: stretch_rows(m),
        note: cut_note(
            m.stretches.len().min(super::MAX_ROWS),
            m.stretches.len(),
            "stretches (by offset or depth)",
            Some(csv_names.0),
        ),
    };
    table_pages(&mut p, &mut n, &footer, &stretches);
    let incidents = Table {
        title: "Incidents inside the buffer zone",
        header: INCIDENT_HEADER.to_vec(),
        widths: vec![12, 16, 20, 10, 15, 18, 30],
        right: vec![false, false, false, true, true, false, false],
        rows: incident_rows(m),
        note: cut_note(
            m.incidents.len().min(super::MAX_ROWS),
            m.incidents.len(),
            "incidents (by depth)",
            Some(csv_names.1),
        ),
    };
    table_pages(&mut p, &mut n, &footer, &incidents);
    if !m.movements.is_empty() {
        let movements = Table {
            title: "Notified movements (their state at the period's end)",
            header: MOVEMENT_HEADER.to_vec(),
            widths: vec![8, 9, 30, 9, 82, 26],
            right: vec![false; 6],
            rows: movement_rows(m),
            note: None,
        };
        table_pages(&mut p, &mut n, &footer, &movements);
    }
    if !m.maritime.is_empty() {
        n += 1;
        let caption = format!(
            "The period's {}, {} and {} in the grain lanes, ringed where they happened (encounters reddish purple, the two vessels joined; loitering blue; gaps grey, dashed); the table follows. By Global Fishing Watch's definitions: an encounter is two vessels within 500 m of each other for 2 hours or more, both under 2 knots; loitering is under 2 knots for an hour or more; a gap is a vessel silent for longer than the gap limit inside a grain lane.",
            count(m.figures.encounters, "encounter", "encounters"),
            count(m.figures.loitering, "vessel loitering", "vessels loitering"),
            count(m.figures.gaps, "AIS gap", "AIS gaps"),
        );
        let title = "Maritime: encounters, loitering and AIS gaps in the lanes";
        map_page(
            &mut p,
            n,
            &footer,
            title,
            90.0,
            &caption,
            &|c, x, y, w, h| map::draw_maritime(c, m, x, y, w, h),
        );
        let maritime = Table {
            title: "Maritime events",
            header: MARITIME_HEADER.to_vec(),
            widths: vec![26, 16, 16, 16, 10, 16, 18, 30],
            right: vec![false, false, false, false, true, false, false, false],
            rows: maritime_rows(m),
            note: cut_note(
                m.maritime.len().min(super::MAX_ROWS),
                m.maritime.len(),
                "maritime events (by time)",
                None,
            ),
        };
        table_pages(&mut p, &mut n, &footer, &maritime);
    }
    n += 1;
    page(&mut p, n, &footer, |c, w, _| {
        let mut y = MARGIN + 12.0;
        c.text((MARGIN, y), 13.0, "Method", Face::Prose, INK, Align::Left);
        y += 18.0;
        for para in method_text(m) {
            y = prose(c, &para, MARGIN, y, w - 2.0 * MARGIN, 9.0) + 6.0;
        }
    });
    p.doc
        .finish()
        .map_err(|e| crate::problem!("the PDF cannot be written: {e:?}"))
}
