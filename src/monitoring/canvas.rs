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
    let n = text.chars().count() as f32;
    match face {
        Face::Mono => n * MONO_EM * size,
        Face::Prose => n * 0.5 * size,
    }
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
        let font = match face {
            Face::Prose => self.prose.clone(),
            Face::Mono => self.mono.clone(),
        };
        self.surface.set_stroke(None);
        self.surface.set_fill(Some(Fill {
            paint: paint(colour),
            opacity: NormalizedF32::ONE,
            rule: FillRule::NonZero,
        }));
        self.surface.draw_text(
            Point::from_xy(x, y),
            font,
            size,
            text,
            false,
            TextDirection::Auto,
        );
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
