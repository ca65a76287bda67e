//! The one palette: the colours of stretches, the selection and incident
//! categories, shared by the app's map and legend, the monitoring report's
//! map and charts. Chosen to stay apart under protanopia, deuteranopia and
//! tritanopia (simulated with Machado, Oliveira and Fernandes 2009 at full
//! severity; checked by the tests below, the smallest difference in the README).
//! Mostly the Okabe-Ito colours.

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// A deviation (vermillion).
pub const DEVIATION: Rgb = [213, 94, 0];
/// A buffer-zone entry (yellow; drawn over a dark casing on the map).
pub const ZONE_ENTRY: Rgb = [240, 228, 66];
/// The selected stretch or feature (cyan, its own colour).
pub const SELECTION: Rgb = [0, 229, 255];

/// The incident categories the bundled data and the field's exports use,
/// each with its colour.
pub const CATEGORIES: [(&str, Rgb); 7] = [
    ("shelling", [136, 34, 85]),
    ("drone", [0, 114, 178]),
    ("small_arms", [230, 159, 0]),
    ("mine", [0, 0, 0]),
    ("checkpoint", [86, 180, 233]),
    ("ceasefire_violation", [204, 121, 167]),
    ("humanitarian_access", [0, 158, 115]),
];

/// Any other category.
pub const OTHER_CATEGORY: Rgb = [120, 120, 120];

/// An incident category's colour.
pub fn category_colour(category: &str) -> Rgb {
    CATEGORIES
        .iter()
        .find(|(c, _)| *c == category)
        .map_or(OTHER_CATEGORY, |(_, rgb)| *rgb)
}

/// A colour vision deficiency simulated (Machado et al. 2009, severity 1.0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vision {
    Normal,
    Protanopia,
    Deuteranopia,
    Tritanopia,
}

impl Vision {
    pub const ALL: [Vision; 4] = [
        Vision::Normal,
        Vision::Protanopia,
        Vision::Deuteranopia,
        Vision::Tritanopia,
    ];

    /// Machado, Oliveira and Fernandes (2009), table at severity 1.0, on linear RGB.
    fn matrix(self) -> [[f64; 3]; 3] {
        match self {
            Vision::Normal => [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            Vision::Protanopia => [
                [0.152286, 1.052583, -0.204868],
                [0.114503, 0.786281, 0.099216],
                [-0.003882, -0.048116, 1.051998],
            ],
            Vision::Deuteranopia => [
                [0.367322, 0.860646, -0.227968],
                [0.280085, 0.672501, 0.047413],
                [-0.011820, 0.042940, 0.968881],
            ],
            Vision::Tritanopia => [
                [1.255528, -0.076749, -0.178779],
                [-0.078411, 0.930809, 0.147602],
                [0.004733, 0.691367, 0.303900],
            ],
        }
    }

    /// `c` as seen with this vision, in CIE L*a*b* (D65).
    pub fn lab(self, c: Rgb) -> [f64; 3] {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = [lin(c[0]), lin(c[1]), lin(c[2])];
        let m = self.matrix();
        let s: Vec<f64> = (0..3)
            .map(|i| (m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]).clamp(0.0, 1.0))
            .collect();
        let x = (0.4124 * s[0] + 0.3576 * s[1] + 0.1805 * s[2]) / 0.95047;
        let y = 0.2126 * s[0] + 0.7152 * s[1] + 0.0722 * s[2];
        let z = (0.0193 * s[0] + 0.1192 * s[1] + 0.9505 * s[2]) / 1.08883;
        let f = |t: f64| {
            if t > 0.008856 {
                t.cbrt()
            } else {
                7.787 * t + 16.0 / 116.0
            }
        };
        [
            116.0 * f(y) - 16.0,
            500.0 * (f(x) - f(y)),
            200.0 * (f(y) - f(z)),
        ]
    }
}

/// The colours that must stay apart: every category, a deviation, a zone
/// entry and the selection, by name.
pub fn distinct_set() -> Vec<(&'static str, Rgb)> {
    let mut v: Vec<(&str, Rgb)> = CATEGORIES.to_vec();
    v.extend([
        ("deviation", DEVIATION),
        ("zone entry", ZONE_ENTRY),
        ("selection", SELECTION),
    ]);
    v
}

/// The smallest CIE76 difference (ΔE*ab) between two colours of `set` as
/// seen with `vision`, with the pair.
pub fn smallest_difference(
    set: &[(&'static str, Rgb)],
    vision: Vision,
) -> (f64, &'static str, &'static str) {
    let mut worst = (f64::INFINITY, "", "");
    for (i, a) in set.iter().enumerate() {
        for b in &set[i + 1..] {
            let (la, lb) = (vision.lab(a.1), vision.lab(b.1));
            let d = ((la[0] - lb[0]).powi(2) + (la[1] - lb[1]).powi(2) + (la[2] - lb[2]).powi(2))
                .sqrt();
            if d < worst.0 {
                worst = (d, a.0, b.0);
            }
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's figure: the palette's colours stay at least 15 ΔE*ab apart
    /// for every vision simulated (15.3, checkpoint against the selection,
    /// under deuteranopia). The old palette fell to a few units.
    #[test]
    fn the_palette_stays_apart_under_every_colour_vision_deficiency() {
        let set = distinct_set();
        for v in Vision::ALL {
            let (d, a, b) = smallest_difference(&set, v);
            assert!(d >= 15.0, "{v:?}: {a} and {b} are only {d:.1} apart");
        }
        let (d, ..) = smallest_difference(&set, Vision::Deuteranopia);
        assert!((d - 15.3).abs() < 0.1, "{d}");
    }

    /// The simulation itself, against published points: pure red under
    /// protanopia is a dark olive; white and black stay as they are.
    #[test]
    fn machado_matrices_keep_grey_and_darken_red_for_protans() {
        for v in Vision::ALL {
            let w = v.lab([255, 255, 255]);
            assert!(
                (w[0] - 100.0).abs() < 0.5 && w[1].abs() < 1.0 && w[2].abs() < 1.0,
                "{v:?} {w:?}"
            );
        }
        let red = Vision::Protanopia.lab([255, 0, 0]);
        let normal = Vision::Normal.lab([255, 0, 0]);
        assert!(red[0] < normal[0] - 5.0, "{red:?}");
    }

    /// The old map palette, for the record: shelling, drone and ceasefire
    /// violations were hard to tell apart; here they are not.
    #[test]
    fn the_old_category_colours_were_closer() {
        let old: Vec<(&'static str, Rgb)> = vec![
            ("shelling", [150, 0, 110]),
            ("drone", [140, 60, 200]),
            ("small_arms", [230, 120, 20]),
            ("mine", [90, 60, 30]),
            ("checkpoint", [30, 110, 200]),
            ("ceasefire_violation", [220, 0, 120]),
            ("humanitarian_access", [20, 150, 120]),
            ("deviation", [220, 30, 30]),
            ("zone entry", [245, 140, 0]),
        ];
        let worst_old = Vision::ALL
            .iter()
            .map(|v| smallest_difference(&old, *v).0)
            .fold(f64::INFINITY, f64::min);
        let worst_new = Vision::ALL
            .iter()
            .map(|v| smallest_difference(&distinct_set(), *v).0)
            .fold(f64::INFINITY, f64::min);
        assert!(
            worst_old < 10.0 && worst_new > worst_old + 5.0,
            "{worst_old} {worst_new}"
        );
    }
}
