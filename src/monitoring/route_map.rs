//! The notification package's map: a movement's line over the scenario
//! (corridors, lanes, the zone), its listed waypoints numbered, place names;
//! fitted to the line. Drawn with the overview map's parts (`map`).

use super::canvas::{Align, Canvas, Face, Rgb};
use super::map::{
    CONTACT, CORRIDOR, Frame, GRAIN, INK, LEGEND_H, Labels, ZONE, base, circle, furniture, grow,
    place_names, scene_lines,
};
use geo::Coord;

/// A notified route's colour (dark violet, apart from every stretch colour).
const ROUTE: Rgb = [70, 30, 120];

/// The notification package's map: the movement's line over the scenario,
/// its listed waypoints numbered, place names; fitted to the line.
pub fn draw(
    c: &mut dyn Canvas,
    scene: &super::Scene,
    line: &[Coord],
    waypoints: &[Coord],
    (x, y, w, h): (f32, f32, f32, f32),
) {
    let mut b = None;
    line.iter().for_each(|p| grow(&mut b, *p));
    let Some(b) = b else { return };
    let (dx, dy) = (
        ((b[2] - b[0]) * 0.12).max(0.15),
        ((b[3] - b[1]) * 0.12).max(0.1),
    );
    let b = [
        b[0] - dx,
        (b[1] - dy).max(-84.0),
        b[2] + dx,
        (b[3] + dy).min(84.0),
    ];
    let h = (h - LEGEND_H).max(10.0);
    route_legend(c, x, y + h + LEGEND_H - 3.0);
    let f = Frame::fit(b, x, y, w, h);
    c.clip(x, y, w, h);
    base(c, &f, b);
    scene_lines(c, scene, &f);
    let pts = f.line(line);
    c.stroke(&pts, [255, 255, 255], 5.0, None, false);
    c.stroke(&pts, ROUTE, 2.8, None, false);
    let mut taken = Labels::default();
    for (k, p) in waypoints.iter().enumerate() {
        let (px, py) = f.pt(*p);
        c.fill(&[circle(px, py, 5.5)], ROUTE, 1.0);
        let label = (k + 1).to_string();
        c.text(
            (px, py + 2.3),
            6.0,
            &label,
            Face::Prose,
            [255, 255, 255],
            Align::Centre,
        );
        taken.taken.push([px - 6.0, py - 6.0, px + 6.0, py + 6.0]);
    }
    place_names(c, &f, b, &mut taken);
    c.unclip();
    furniture(c, &f);
}

/// The package map's legend.
fn route_legend(c: &mut dyn Canvas, x: f32, y: f32) {
    let items: [(&str, Rgb, Option<f32>, f32); 4] = [
        (
            "notified route (numbered: the waypoint table)",
            ROUTE,
            None,
            2.8,
        ),
        ("corridor", CORRIDOR, None, 1.8),
        ("grain lane", GRAIN, Some(3.0), 1.4),
        ("contact line", CONTACT, None, 1.0),
    ];
    let mut xx = x;
    for (label, colour, dash, width) in items {
        c.stroke(
            &[(xx, y - 3.0), (xx + 14.0, y - 3.0)],
            colour,
            width,
            dash,
            false,
        );
        c.text((xx + 18.0, y), 6.5, label, Face::Prose, INK, Align::Left);
        xx += 28.0 + super::canvas::text_width(label, Face::Prose, 6.5);
    }
    c.fill(
        &[vec![
            (xx, y - 6.0),
            (xx + 14.0, y - 6.0),
            (xx + 14.0, y),
            (xx, y),
        ]],
        ZONE,
        0.5,
    );
    c.text(
        (xx + 18.0, y),
        6.5,
        "buffer zone",
        Face::Prose,
        INK,
        Align::Left,
    );
}
