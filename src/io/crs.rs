//! Coordinate systems of layers read from the field's formats, and their
//! reprojection to WGS 84 longitude/latitude (proj4rs, pure Rust).
//!
//! A CRS comes as an EPSG code (GeoPackage's SRS table, FlatGeobuf) or as WKT
//! (a shapefile's `.prj`, usually ESRI-flavoured and without codes). An EPSG
//! code or a WKT `AUTHORITY["EPSG", n]` is looked up in the EPSG table that
//! ships with proj4rs; other WKT is turned into a PROJ string by proj4wkt.
//! A datum other than WGS 84 must come with its shift to WGS 84: for the two
//! the field uses (Pulkovo 1942 and UCS-2000) the EPSG shifts are filled in;
//! any other is refused with its name, never placed silently off by 100 m.

use super::wkt::{
    MAX_WKT_BYTES, WGS84_DATUMS, check_numbers, normalise_datum, shorten, spheroid, top_authority,
    towgs84_in_name, wkt_datum, wkt_name,
};
use geo::{Coord, Geometry};
use proj4rs::Proj;

/// How coordinates are read: already lon/lat on WGS 84, or projected.
pub enum Crs {
    Wgs84,
    Other {
        /// What the file called it, for messages.
        name: String,
        proj: Box<Proj>,
    },
}

/// EPSG codes of lon/lat on WGS 84 (and CRS84).
fn is_wgs84_code(code: u32) -> bool {
    matches!(code, 4326 | 4979 | 0)
}

/// Known datums (as `normalise_datum` gives their WKT names, matched
/// exactly: Pulkovo 1942(58) is not Pulkovo 1942) and their shift to WGS 84.
/// Pulkovo 1942: EPSG:4284's `+towgs84` (EPSG table). UCS-2000: "UCS-2000 to
/// WGS 84 (2)", accuracy 1 m, the one PROJ prefers; the EPSG table's own
/// `+towgs84` (transformation (1), accuracy 5 m) lands 7 m away from it.
const SHIFTED_DATUMS: [(&str, &str); 2] = [
    (
        "pulkovo_1942",
        "+towgs84=23.92,-141.27,-80.9,0,0.35,0.82,-0.12",
    ),
    ("ukraine_2000", UCS2000_TOWGS84),
];
const UCS2000_TOWGS84: &str = "+towgs84=24,-121,-76,0,0,0,0";
const UCS2000_TOWGS84_OLD: &str = "+towgs84=25,-141,-78.5,0,0.35,0.736,0";

impl Crs {
    /// From an EPSG code; 4326 (and an undefined 0) is WGS 84 lon/lat.
    pub fn from_epsg(code: u32) -> Result<Crs, crate::error::Problem> {
        if is_wgs84_code(code) {
            return Ok(Crs::Wgs84);
        }
        let proj = u16::try_from(code)
            .ok()
            .and_then(crs_definitions::from_code)
            .and_then(|def| {
                Proj::from_proj_string(&def.proj4.replace(UCS2000_TOWGS84_OLD, UCS2000_TOWGS84))
                    .ok()
            })
            .ok_or_else(|| {
                format!("the coordinate system EPSG:{code} is not one we can reproject")
            })?;
        Ok(Crs::Other {
            name: format!("EPSG:{code}"),
            proj: Box::new(proj),
        })
    }

    /// From WKT (a `.prj` file or a GeoPackage SRS definition).
    ///
    /// The datum is judged by its parameters, never by a piece of its name:
    /// WGS 84 is a datum named exactly so on the WGS 84 ellipsoid without a
    /// shift; a `TOWGS84` node, or the shift GDAL spells into an ESRI datum
    /// name (`D_Unknown_based_on_…_using_towgs84_…`), is applied; a datum the
    /// field uses is matched by its exact name; anything else is refused.
    pub fn from_wkt(wkt: &str) -> Result<Crs, crate::error::Problem> {
        let wkt = wkt.trim();
        if wkt.len() > MAX_WKT_BYTES {
            return Err(crate::problem!(
                "a coordinate system definition of {} bytes is not one (WKT is a few kB at most)",
                wkt.len()
            ));
        }
        let name = wkt_name(wkt)
            .map(|n| shorten(&n))
            .unwrap_or_else(|| "an unnamed coordinate system".into());
        check_numbers(wkt).map_err(|e| crate::problem!("the coordinate system \"{name}\" {e}"))?;
        if let Some(code) = top_authority(wkt) {
            return Crs::from_epsg(code).map_err(|e| crate::problem!("{e} ({name})"));
        }
        let datum_name = wkt_datum(wkt).unwrap_or_default();
        let datum = normalise_datum(&datum_name);
        let wgs84_ellipsoid = spheroid(wkt).is_none_or(|(a, rf)| {
            (a - 6_378_137.0).abs() < 1e-3 && (rf - 298.257_223_563).abs() < 1e-8
        });
        let shift_in_name = towgs84_in_name(&datum_name)?;
        let on_wgs84 = WGS84_DATUMS.contains(&datum.as_str())
            && wgs84_ellipsoid
            && shift_in_name.is_none()
            && !wkt.contains("TOWGS84[");
        if on_wgs84 && (wkt.starts_with("GEOGCS") || wkt.starts_with("GEOGCRS")) {
            return Ok(Crs::Wgs84);
        }
        let mut projstr = proj4wkt::wkt_to_projstring(wkt).map_err(|e| {
            format!(
                "the coordinate system \"{name}\" cannot be read ({})",
                shorten(&e.to_string())
            )
        })?;
        if !on_wgs84 && !wkt.contains("TOWGS84[") {
            let shift = match shift_in_name {
                Some(s) => Some(s),
                None => SHIFTED_DATUMS
                    .iter()
                    .find(|(d, _)| *d == datum)
                    .map(|(_, towgs84)| towgs84.to_string()),
            };
            match shift {
                Some(s) => {
                    // In place of the null shift proj4wkt assumes on GRS80 and WGS 84.
                    projstr = projstr.replace(" +towgs84=0,0,0,0,0,0,0", "");
                    projstr = format!("{projstr} {s}");
                }
                // A datum on the GRS80 or WGS 84 ellipsoid (ETRS89, NAD83): the
                // null shift PROJ itself uses, within a metre or so.
                None if projstr.contains("+towgs84") || projstr.contains("+datum=WGS84") => {}
                None => {
                    return Err(crate::problem!(
                        "the coordinate system \"{name}\" is on datum \"{}\", whose shift to WGS 84 is not known here; reproject the layer to WGS 84 (EPSG:4326) first",
                        shorten(&datum_name)
                    ));
                }
            }
        }
        let proj = Proj::from_proj_string(&projstr).map_err(|e| {
            format!("the coordinate system \"{name}\" ({projstr}) cannot be used ({e})")
        })?;
        if proj.is_latlong() && on_wgs84 {
            return Ok(Crs::Wgs84);
        }
        Ok(Crs::Other {
            name,
            proj: Box::new(proj),
        })
    }

    /// Moves a geometry to WGS 84 lon/lat degrees.
    pub fn to_wgs84(&self, g: &mut Geometry<f64>) -> Result<(), crate::error::Problem> {
        let Crs::Other { name, proj } = self else {
            return Ok(());
        };
        let wgs84 = wgs84();
        let latlong_src = proj.is_latlong();
        each_coord(g, &mut |c: &mut Coord| {
            // proj4rs takes and gives lon/lat in radians.
            let mut p = if latlong_src {
                (c.x.to_radians(), c.y.to_radians(), 0.0)
            } else {
                (c.x, c.y, 0.0)
            };
            match proj4rs::transform::transform(proj, wgs84, &mut p) {
                Ok(()) if p.0.is_finite() && p.1.is_finite() => {
                    *c = Coord {
                        x: p.0.to_degrees(),
                        y: p.1.to_degrees(),
                    };
                    Ok(())
                }
                _ => Err(crate::problem!(
                    "position ({}, {}) cannot be moved from {name} to WGS 84",
                    c.x,
                    c.y
                )),
            }
        })
    }
}

type CoordFn<'a> = dyn FnMut(&mut Coord) -> Result<(), crate::error::Problem> + 'a;

/// Calls `f` on every coordinate of `g`, stopping at the first error.
fn each_coord(g: &mut Geometry<f64>, f: &mut CoordFn) -> Result<(), crate::error::Problem> {
    fn line(l: &mut geo::LineString<f64>, f: &mut CoordFn) -> Result<(), crate::error::Problem> {
        l.0.iter_mut().try_for_each(f)
    }
    fn poly(p: &mut geo::Polygon<f64>, f: &mut CoordFn) -> Result<(), crate::error::Problem> {
        let mut outer = Ok(());
        p.exterior_mut(|l| outer = line(l, f));
        outer?;
        let mut inner = Ok(());
        p.interiors_mut(|rings| inner = rings.iter_mut().try_for_each(|l| line(l, f)));
        inner
    }
    match g {
        Geometry::Point(p) => f(&mut p.0),
        Geometry::Line(l) => f(&mut l.start).and_then(|()| f(&mut l.end)),
        Geometry::LineString(l) => line(l, f),
        Geometry::Polygon(p) => poly(p, f),
        Geometry::MultiPoint(m) => m.0.iter_mut().try_for_each(|p| f(&mut p.0)),
        Geometry::MultiLineString(m) => m.0.iter_mut().try_for_each(|l| line(l, f)),
        Geometry::MultiPolygon(m) => m.0.iter_mut().try_for_each(|p| poly(p, f)),
        Geometry::GeometryCollection(c) => c.0.iter_mut().try_for_each(|g| each_coord(g, f)),
        Geometry::Rect(_) | Geometry::Triangle(_) => {
            Err("rectangles and triangles are not read from files".into())
        }
    }
}

fn wgs84() -> &'static Proj {
    static WGS84: std::sync::OnceLock<Proj> = std::sync::OnceLock::new();
    WGS84.get_or_init(|| {
        Proj::from_proj_string("+proj=longlat +datum=WGS84 +no_defs")
            .unwrap_or_else(|_| unreachable!("a fixed, valid PROJ string"))
    })
}

#[cfg(test)]
mod tests {
    use super::super::wkt::readings_of;
    use super::*;
    use geo::Point;

    /// ESRI WKT as GDAL 3.6 writes `.prj` files (`gdalsrsinfo -o wkt_esri`).
    const UTM36N: &str = r#"PROJCS["WGS_1984_UTM_Zone_36N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",33.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const WEB_MERCATOR: &str = r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Mercator_Auxiliary_Sphere"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",0.0],PARAMETER["Standard_Parallel_1",0.0],PARAMETER["Auxiliary_Sphere_Type",0.0],UNIT["Meter",1.0]]"#;
    const PULKOVO_GK6: &str = r#"PROJCS["Pulkovo_1942_GK_Zone_6",GEOGCS["GCS_Pulkovo_1942",DATUM["D_Pulkovo_1942",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",6500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",33.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    const UCS2000_TM10: &str = r#"PROJCS["Ukraine_2000_TM_Zone_10",GEOGCS["GCS_Ukraine_2000",DATUM["D_Ukraine_2000",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",300000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",30.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

    fn back(crs: &Crs, x: f64, y: f64) -> (f64, f64) {
        let mut g = Geometry::Point(Point::new(x, y));
        crs.to_wgs84(&mut g).expect("moves");
        match g {
            Geometry::Point(p) => (p.x(), p.y()),
            _ => unreachable!(),
        }
    }

    /// Metres between two lon/lat points.
    fn off_m(a: (f64, f64), b: (f64, f64)) -> f64 {
        crate::geodesy::distance_m(Coord { x: a.0, y: a.1 }, Coord { x: b.0, y: b.1 })
    }

    // Reference positions from pyproj 3 (PROJ 9), EPSG:4326 -> the CRS, for
    // (33.5, 48.3) and (36.23, 49.99).
    const CASES: [(&str, u32, [f64; 4], f64); 5] = [
        (
            UTM36N,
            32636,
            [
                537080.9441522803,
                5349765.657716669,
                731511.4902188599,
                5542519.478307733,
            ],
            0.01,
        ),
        (
            WEB_MERCATOR,
            3857,
            [
                3729202.941574665,
                6156910.055358623,
                4033105.151440301,
                6444544.197251075,
            ],
            0.01,
        ),
        // Pulkovo 1942: PROJ picks another published shift for this area, 0.8 m away.
        (
            PULKOVO_GK6,
            28406,
            [
                6537214.998877384,
                5352017.3845601985,
                6731724.373490477,
                5544848.011265913,
            ],
            1.0,
        ),
        (
            UCS2000_TM10,
            6384,
            [
                559770.2654309609,
                5357822.824137691,
                746722.5536472001,
                5558478.958355179,
            ],
            1.0,
        ),
        (
            "",
            5562,
            [
                5426630.927530451,
                5427943.451250857,
                5589919.805171858,
                5652012.136873959,
            ],
            1.0,
        ),
    ];

    #[test]
    fn field_crs_come_back_to_wgs84_where_pyproj_puts_them() {
        for (wkt, code, xy, tol_m) in CASES {
            let mut sources = vec![Crs::from_epsg(code).expect("EPSG code")];
            if !wkt.is_empty() {
                sources.push(Crs::from_wkt(wkt).expect("ESRI WKT"));
            }
            for crs in &sources {
                for (k, want) in [(33.5, 48.3), (36.23, 49.99)].into_iter().enumerate() {
                    let got = back(crs, xy[2 * k], xy[2 * k + 1]);
                    let d = off_m(got, want);
                    println!("EPSG:{code} point {k}: {d:.3} m from pyproj");
                    assert!(d < tol_m, "EPSG:{code} point {k}: {got:?} is {d} m off");
                }
            }
        }
    }

    #[test]
    fn wgs84_is_left_alone_and_unknowns_are_named() {
        assert!(matches!(Crs::from_epsg(4326), Ok(Crs::Wgs84)));
        let geo = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert!(matches!(Crs::from_wkt(geo), Ok(Crs::Wgs84)));
        let e = Crs::from_epsg(999_999).err().unwrap();
        assert!(e.contains("EPSG:999999"), "{e}");
        let tokyo = r#"GEOGCS["GCS_Tokyo",DATUM["D_Tokyo",SPHEROID["Bessel_1841",6377397.155,299.1528128]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        let e = Crs::from_wkt(tokyo).err().unwrap();
        assert!(e.contains("GCS_Tokyo") && e.contains("D_Tokyo"), "{e}");
        let e = Crs::from_wkt("PROJCS[\"Nonsense\",FOO[]]").err().unwrap();
        assert!(e.contains("Nonsense"), "{e}");
    }

    /// Issue 22, item 2: a unit of 0 (or negative, or not a number), a scale
    /// factor of 0 and a non-finite parameter moved every vertex to the
    /// projection's origin. Each is refused, by name.
    #[test]
    fn units_scales_and_parameters_that_cannot_be_are_refused() {
        for (from, to, named) in [
            (r#"UNIT["Meter",1.0]]"#, r#"UNIT["Meter",0.0]]"#, "Meter"),
            (r#"UNIT["Meter",1.0]]"#, r#"UNIT["Meter",-1.0]]"#, "Meter"),
            (r#"UNIT["Meter",1.0]]"#, r#"UNIT["Meter",NaN]]"#, "Meter"),
            (
                r#"UNIT["Degree",0.0174532925199433]"#,
                r#"UNIT["Degree",0]"#,
                "Degree",
            ),
            (
                r#"PARAMETER["Scale_Factor",0.9996]"#,
                r#"PARAMETER["Scale_Factor",0]"#,
                "Scale_Factor",
            ),
            (
                r#"PARAMETER["Central_Meridian",33.0]"#,
                r#"PARAMETER["Central_Meridian",inf]"#,
                "Central_Meridian",
            ),
            (
                r#"6378137.0,298.257223563"#,
                r#"0,298.257223563"#,
                "WGS_1984",
            ),
        ] {
            let wkt = UTM36N.replacen(from, to, 1);
            assert_ne!(wkt, UTM36N, "{to}");
            let e = Crs::from_wkt(&wkt)
                .err()
                .unwrap_or_else(|| panic!("{to} accepted"));
            assert!(
                e.contains(named) && e.contains("WGS_1984_UTM_Zone_36N"),
                "{to}: {e}"
            );
        }
    }

    /// Issue 22, items 1 and 3: the datum is judged by its parameters and
    /// its exact name. "D_Pulkovo_1942_Adj_1958" (Pulkovo 1942(58), as GDAL
    /// 3.6 writes EPSG:3844's .prj) took Pulkovo 1942's shift, 3-6 m off; a
    /// datum whose name only contains "wgs84" is not WGS 84.
    #[test]
    fn datums_are_matched_exactly() {
        let stereo70 = r#"PROJCS["Pulkovo_1942_Adj_58_Stereo_70",GEOGCS["GCS_Pulkovo_1942_Adj_1958",DATUM["D_Pulkovo_1942_Adj_1958",SPHEROID["Krasovsky_1940",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Double_Stereographic"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",500000.0],PARAMETER["Central_Meridian",25.0],PARAMETER["Scale_Factor",0.99975],PARAMETER["Latitude_Of_Origin",46.0],UNIT["Meter",1.0]]"#;
        let e = Crs::from_wkt(stereo70).err().expect("refused");
        assert!(e.contains("D_Pulkovo_1942_Adj_1958"), "{e}");
        // ETRS89 (GRS80) in ESRI form, no code: PROJ's null shift, as before.
        let etrs = r#"GEOGCS["GCS_ETRS_1989",DATUM["D_ETRS_1989",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert!(Crs::from_wkt(etrs).is_ok());
        // A geographic CRS on Krassovsky whose datum name mentions wgs84: not WGS 84.
        let fake = r#"GEOGCS["GCS_unknown",DATUM["D_not_wgs84_at_all",SPHEROID["Krassovsky_1942",6378245.0,298.3]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
        assert!(Crs::from_wkt(fake).is_err());
        // GDAL's `+towgs84` datum name with readings that cannot all be one shift.
        let tokens: Vec<&str> = "582_105_414_1_04_0_35_-3_08_8_3".split('_').collect();
        let r = readings_of(&tokens, 7);
        assert!(
            r.contains(&vec![582.0, 105.0, 414.0, 1.04, 0.35, -3.08, 8.3]),
            "{r:?}"
        );
        assert!(r.len() > 1);
        let tokens: Vec<&str> = "23_92_-141_27_-80_9_0_0_35_0_82_-0_12".split('_').collect();
        assert!(
            readings_of(&tokens, 7).contains(&vec![23.92, -141.27, -80.9, 0.0, 0.35, 0.82, -0.12])
        );
    }

    /// Issue 22, item 20: a 10 MB ".prj" was echoed whole on stderr.
    #[test]
    fn a_huge_prj_is_refused_without_echoing_it() {
        let huge = format!("PROJCS[\"{}\"]", "x".repeat(10 << 20));
        let e = Crs::from_wkt(&huge).err().expect("refused");
        assert!(e.len() < 300, "{} bytes", e.len());
        let long_name = format!("PROJCS[\"{}\",FOO[]]", "y".repeat(5000));
        let e = Crs::from_wkt(&long_name).err().expect("refused");
        assert!(e.len() < 400, "{} bytes: {e}", e.len());
    }

    #[test]
    fn a_closing_epsg_authority_is_used() {
        let wkt = r#"PROJCS["WGS 84 / UTM zone 36N",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],PROJECTION["Transverse_Mercator"],AUTHORITY["EPSG","32636"]]"#;
        assert_eq!(top_authority(wkt), Some(32636));
        assert_eq!(top_authority(UTM36N), None);
        let crs = Crs::from_wkt(wkt).unwrap();
        let got = back(&crs, 537080.9441522803, 5349765.657716669);
        assert!(off_m(got, (33.5, 48.3)) < 0.01);
    }
}
