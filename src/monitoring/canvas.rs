//! One drawing interface for the report's map and charts, drawn as vector
//! paths and real text into a PDF page (krilla) or an SVG element (HTML).
//! Coordinates are points, origin top left, y down.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point};
use krilla::num::NormalizedF32;
use krilla::paint::{Fill, FillRule, LineCap, LineJoin, Stroke, StrokeDash};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use std::fmt::Write;

/// The two fonts of the app, embedded: Ubuntu Light (prose) and Hack (figures, tables).
pub const UBUNTU: &[u8] = include_bytes!("../../assets/fonts/Ubuntu-Light.ttf");
pub const HACK: &[u8] = include_bytes!("../../assets/fonts/Hack-Regular.ttf");
/// For the scripts those two lack (Arabic, Hebrew, …): DejaVu Sans.
pub const DEJAVU: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Which embedded font draws a piece of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FontFile {
    Ubuntu,
    Hack,
    DejaVu,
}

/// The embedded fonts, parsed once for shaping and glyph coverage.
fn parsed(file: FontFile) -> Option<&'static rustybuzz::Face<'static>> {
    use std::sync::OnceLock;
    static FACES: OnceLock<[Option<rustybuzz::Face<'static>>; 3]> = OnceLock::new();
    let faces = FACES
        .get_or_init(|| [UBUNTU, HACK, DEJAVU].map(|bytes| rustybuzz::Face::from_slice(bytes, 0)));
    faces[file as usize].as_ref()
}

/// The font a character is drawn in: the face's own, or DejaVu Sans for a
/// character it has no glyph for.
pub fn font_for(c: char, face: Face) -> FontFile {
    let own = match face {
        Face::Prose => FontFile::Ubuntu,
        Face::Mono => FontFile::Hack,
    };
    let has = |f: FontFile| parsed(f).is_some_and(|p| p.glyph_index(c).is_some());
    if c.is_whitespace() || has(own) || !has(FontFile::DejaVu) {
        own
    } else {
        FontFile::DejaVu
    }
}

/// Whether some character of `text` has a glyph in none of the embedded fonts
/// (it would show as an empty box).
pub fn has_unshowable(text: &str) -> bool {
    text.chars().any(|c| {
        !c.is_control()
            && !c.is_whitespace()
            && [FontFile::Ubuntu, FontFile::Hack, FontFile::DejaVu]
                .iter()
                .all(|f| parsed(*f).is_none_or(|p| p.glyph_index(c).is_none()))
    })
}

/// Width of `text` drawn in `file` at `size`, points: its shaped advances
/// (rustybuzz, as krilla shapes it: ligatures, Arabic joining forms, kerning).
fn width_in(text: &str, file: FontFile, size: f32, rtl: bool) -> f32 {
    let Some(face) = parsed(file) else {
        return text.chars().count() as f32 * 0.6 * size;
    };
    let mut buffer = rustybuzz::UnicodeBuffer::new();
    buffer.push_str(text);
    buffer.set_direction(if rtl {
        rustybuzz::Direction::RightToLeft
    } else {
        rustybuzz::Direction::LeftToRight
    });
    let shaped = rustybuzz::shape(face, &[], buffer);
    let units: i64 = shaped
        .glyph_positions()
        .iter()
        .map(|p| i64::from(p.x_advance))
        .sum();
    units as f32 / f32::from(face.units_per_em().max(1) as u16) * size
}

/// The pieces of a line in drawing order (left to right on the page): each
/// with its font and direction. Lines mixing right-to-left scripts (Arabic,
/// Hebrew) with others are ordered by the Unicode bidirectional algorithm, so
/// that neither the Latin words nor the Arabic ones come out reversed.
pub fn runs(text: &str, face: Face) -> Vec<(String, FontFile, bool)> {
    let rtl_char =
        |c: char| matches!(c as u32, 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF);
    let mut out: Vec<(String, FontFile, bool)> = Vec::new();
    let mut push = |piece: &str, rtl: bool| {
        for c in piece.chars() {
            let f = if rtl {
                FontFile::DejaVu
            } else {
                font_for(c, face)
            };
            match out.last_mut() {
                Some((s, lf, lr)) if *lf == f && *lr == rtl => s.push(c),
                _ => out.push((c.to_string(), f, rtl)),
            }
        }
    };
    if !text.chars().any(rtl_char) {
        push(text, false);
        return out;
    }
    let bidi = unicode_bidi::BidiInfo::new(text, None);
    for para in &bidi.paragraphs {
        let (levels, visual) = bidi.visual_runs(para, para.range.clone());
        for run in visual {
            let rtl = levels[run.start].is_rtl();
            push(&text[run], rtl);
        }
    }
    out
}

/// Hack's advance: every glyph is 1233/2048 em wide.
pub const MONO_EM: f32 = 1233.0 / 2048.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Prose,
    Mono,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
    Centre,
}

pub type Rgb = [u8; 3];

/// Width of `text` in `face` at `size` (exact for Hack; an upper estimate for Ubuntu Light).
pub fn text_width(text: &str, face: Face, size: f32) -> f32 {
    runs(text, face)
        .iter()
        .map(|(piece, file, rtl)| width_in(piece, *file, size, *rtl))
        .sum()
}

/// `text` cut with an ellipsis at its end to fit `max_w` points.
pub fn fit(text: &str, face: Face, size: f32, max_w: f32) -> String {
    fit_by(text, face, size, max_w, |chars, keep| {
        chars[..keep].iter().collect::<String>() + "…"
    })
}

/// `text` cut in its middle to fit `max_w` points, keeping its start and its
/// end: ids that differ only at their end stay different ("CONVOY-…-017").
pub fn fit_middle(text: &str, face: Face, size: f32, max_w: f32) -> String {
    fit_by(text, face, size, max_w, |chars, keep| {
        let tail = keep / 2;
        let head = keep - tail;
        chars[..head].iter().collect::<String>()
            + "…"
            + &chars[chars.len() - tail..].iter().collect::<String>()
    })
}

/// `text` whole when it fits `max_w` points, else the longest `cut(chars,
/// keep)` (keeping `keep` of its characters) that fits, else "…".
fn fit_by(
    text: &str,
    face: Face,
    size: f32,
    max_w: f32,
    cut: impl Fn(&[char], usize) -> String,
) -> String {
    if text_width(text, face, size) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    (0..chars.len())
        .rev()
        .map(|keep| cut(&chars, keep))
        .find(|c| text_width(c, face, size) <= max_w)
        .unwrap_or_else(|| "…".into())
}

/// `text` in lines of at most `max_w` points, broken at spaces (a word
/// longer than a line is cut with an ellipsis).
pub fn wrap(text: &str, face: Face, size: f32, max_w: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in unbroken_words(text) {
        let word = word.as_str();
        let trial = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if text_width(&trial, face, size) <= max_w || line.is_empty() {
            line = trial;
        } else {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        }
        if text_width(&line, face, size) > max_w {
            lines.push(fit(&line, face, size, max_w));
            line.clear();
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The words of `text`, a number kept with the unit after it ("2.00 km",
/// "5 h", "30 min"): a figure is never split over two lines.
fn unbroken_words(text: &str) -> Vec<String> {
    const UNITS: [&str; 7] = ["km", "m", "h", "min", "s", "km;", "km."];
    let mut out: Vec<String> = Vec::new();
    for w in text.split_whitespace() {
        let unit = UNITS.contains(&w.trim_end_matches([',', ';', '.', ')'])) || UNITS.contains(&w);
        let after_number = out
            .last()
            .is_some_and(|p| p.chars().last().is_some_and(|c| c.is_ascii_digit()));
        match out.last_mut() {
            Some(prev) if unit && after_number => {
                prev.push(' ');
                prev.push_str(w);
            }
            _ => out.push(w.to_string()),
        }
    }
    out
}

pub trait Canvas {
    /// Fills rings (even-odd: holes stay open).
    fn fill(&mut self, rings: &[Vec<(f32, f32)>], colour: Rgb, opacity: f32);
    /// Strokes a polyline (closed when `close`).
    fn stroke(
        &mut self,
        pts: &[(f32, f32)],
        colour: Rgb,
        width: f32,
        dash: Option<f32>,
        close: bool,
    );
    /// Text with its baseline at `at.1`.
    fn text(
        &mut self,
        at: (f32, f32),
        size: f32,
        text: &str,
        face: Face,
        colour: Rgb,
        align: Align,
    );
    /// Clips what follows to a rectangle until `unclip`.
    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32);
    fn unclip(&mut self);
}

/// Shorthand: a filled rectangle.
pub fn rect(c: &mut dyn Canvas, x: f32, y: f32, w: f32, h: f32, colour: Rgb) {
    c.fill(
        &[vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]],
        colour,
        1.0,
    );
}

/// A krilla page surface.
pub struct PdfCanvas<'a, 'b> {
    pub surface: &'a mut Surface<'b>,
    pub prose: Font,
    pub mono: Font,
    /// DejaVu Sans, for the scripts the other two lack.
    pub fallback: Font,
}

fn path_of(rings: &[Vec<(f32, f32)>], close: bool) -> Option<krilla::geom::Path> {
    let mut pb = PathBuilder::new();
    for r in rings {
        let mut it = r.iter();
        let Some(&(x, y)) = it.next() else { continue };
        pb.move_to(x, y);
        for &(x, y) in it {
            pb.line_to(x, y);
        }
        if close {
            pb.close();
        }
    }
    pb.finish()
}

fn paint(colour: Rgb) -> krilla::paint::Paint {
    rgb::Color::new(colour[0], colour[1], colour[2]).into()
}

impl Canvas for PdfCanvas<'_, '_> {
    fn fill(&mut self, rings: &[Vec<(f32, f32)>], colour: Rgb, opacity: f32) {
        let Some(path) = path_of(rings, true) else {
            return;
        };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill {
            paint: paint(colour),
            opacity: NormalizedF32::new(opacity.clamp(0.0, 1.0)).unwrap_or(NormalizedF32::ONE),
            rule: FillRule::EvenOdd,
        }));
        self.surface.draw_path(&path);
    }

    fn stroke(
        &mut self,
        pts: &[(f32, f32)],
        colour: Rgb,
        width: f32,
        dash: Option<f32>,
        close: bool,
    ) {
        let Some(path) = path_of(&[pts.to_vec()], close) else {
            return;
        };
        self.surface.set_fill(None);
        self.surface.set_stroke(Some(Stroke {
            paint: paint(colour),
            width,
            miter_limit: 4.0,
            line_cap: LineCap::Round,
            line_join: LineJoin::Round,
            opacity: NormalizedF32::ONE,
            dash: dash.map(|d| StrokeDash {
                array: vec![d, d],
                offset: 0.0,
            }),
        }));
        self.surface.draw_path(&path);
        self.surface.set_stroke(None);
    }

    fn text(
        &mut self,
        (x, y): (f32, f32),
        size: f32,
        text: &str,
        face: Face,
        colour: Rgb,
        align: Align,
    ) {
        let w = text_width(text, face, size);
        let x = match align {
            Align::Left => x,
            Align::Right => x - w,
            Align::Centre => x - w / 2.0,
        };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill {
            paint: paint(colour),
            opacity: NormalizedF32::ONE,
            rule: FillRule::NonZero,
        }));
        // Each piece in its own font and direction, left to right on the page.
        let mut at = x;
        for (piece, file, rtl) in runs(text, face) {
            let font = match file {
                FontFile::Ubuntu => self.prose.clone(),
                FontFile::Hack => self.mono.clone(),
                FontFile::DejaVu => self.fallback.clone(),
            };
            let direction = if rtl {
                TextDirection::RightToLeft
            } else {
                TextDirection::LeftToRight
            };
            self.surface
                .draw_text(Point::from_xy(at, y), font, size, &piece, false, direction);
            at += width_in(&piece, file, size, rtl);
        }
    }

    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        if let Some(p) = path_of(
            &[vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h)]],
            true,
        ) {
            self.surface.push_clip_path(&p, &FillRule::NonZero);
        }
    }

    fn unclip(&mut self) {
        self.surface.pop();
    }
}

/// An SVG element's body, for the HTML report.
#[derive(Default)]
pub struct SvgCanvas {
    pub body: String,
    /// Makes clip ids unique within one HTML page.
    pub prefix: String,
    clips: usize,
    open: usize,
}

fn hex(c: Rgb) -> String {
    format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])
}

fn points(pts: &[(f32, f32)]) -> String {
    let mut s = String::new();
    for (i, (x, y)) in pts.iter().enumerate() {
        let _ = write!(s, "{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" });
    }
    s
}

/// Text for XML.
pub fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl SvgCanvas {
    pub fn new(prefix: &str) -> Self {
        Self {
            prefix: prefix.to_string(),
            ..Default::default()
        }
    }

    /// The whole `<svg>` element, `w` by `h` points.
    pub fn finish(mut self, w: f32, h: f32) -> String {
        for _ in 0..self.open {
            self.body.push_str("</g>");
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" style=\"font-family:Ubuntu,sans-serif\">{}</svg>",
            self.body
        )
    }
}

impl Canvas for SvgCanvas {
    fn fill(&mut self, rings: &[Vec<(f32, f32)>], colour: Rgb, opacity: f32) {
        let d: String = rings.iter().map(|r| points(r) + "Z").collect();
        let _ = write!(
            self.body,
            "<path d=\"{d}\" fill=\"{}\" fill-opacity=\"{opacity}\" fill-rule=\"evenodd\"/>",
            hex(colour)
        );
    }

    fn stroke(
        &mut self,
        pts: &[(f32, f32)],
        colour: Rgb,
        width: f32,
        dash: Option<f32>,
        close: bool,
    ) {
        let dash = dash
            .map(|d| format!(" stroke-dasharray=\"{d} {d}\""))
            .unwrap_or_default();
        let _ = write!(
            self.body,
            "<path d=\"{}{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{width}\" stroke-linecap=\"round\" stroke-linejoin=\"round\"{dash}/>",
            points(pts),
            if close { "Z" } else { "" },
            hex(colour)
        );
    }

    fn text(
        &mut self,
        (x, y): (f32, f32),
        size: f32,
        text: &str,
        face: Face,
        colour: Rgb,
        align: Align,
    ) {
        let anchor = match align {
            Align::Left => "start",
            Align::Right => "end",
            Align::Centre => "middle",
        };
        let family = match face {
            Face::Prose => "Ubuntu,sans-serif",
            Face::Mono => "Hack,monospace",
        };
        let _ = write!(
            self.body,
            "<text x=\"{x:.1}\" y=\"{y:.1}\" font-size=\"{size}\" font-family=\"{family}\" fill=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            hex(colour),
            xml(text)
        );
    }

    fn clip(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.clips += 1;
        let id = format!("{}clip{}", self.prefix, self.clips);
        let _ = write!(
            self.body,
            "<clipPath id=\"{id}\"><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\"/></clipPath><g clip-path=\"url(#{id})\">"
        );
        self.open += 1;
    }

    fn unclip(&mut self) {
        if self.open > 0 {
            self.body.push_str("</g>");
            self.open -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 24: "2.00 km" was split over two lines of the report's prose.
    #[test]
    fn a_figure_is_never_split_from_its_unit() {
        let words = unbroken_words("HC-01 (M03): 2.00 km; GR-ODS: 5.56 km. In 5 h 07 min");
        assert!(words.contains(&"2.00 km;".to_string()), "{words:?}");
        assert!(words.contains(&"5.56 km.".to_string()), "{words:?}");
        assert!(words.contains(&"5 h".to_string()) && words.contains(&"07 min".to_string()));
        // Room for "to 2.00" and for "2.00 km", not for "to 2.00 km": the
        // figure moves down whole.
        let w =
            text_width("2.00 km", Face::Prose, 8.0).max(text_width("to 2.00", Face::Prose, 8.0))
                + 0.5;
        let lines = wrap("to 2.00 km apart", Face::Prose, 8.0, w);
        assert!(lines.iter().any(|l| l == "2.00 km"), "{lines:?}");
        assert!(!lines.iter().any(|l| l.ends_with("2.00")), "{lines:?}");
    }
}
