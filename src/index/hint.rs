//! The corridor hint: a track follows its corridor, so most of its edges lie
//! well inside the piece that held the previous one. A cheap plate carrée
//! test with a safety margin says so without the exact test.

use super::*;

/// What the corridor hint needs of one line piece, in one cache line: its start,
/// the plate carrée scale there, the piece as a vector in that frame, and the
/// squared inner limit of its area (`limit2 <= 0`: never "clearly inside").
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct HintPiece {
    a: [f64; 2],
    k: [f64; 2],
    e: [f64; 2],
    ee: f64,
    limit2: f64,
}

impl SpatialIndex {
    /// Precomputes what the corridor hint of [`Self::edge_inside_intervals`]
    /// tests per piece (64 bytes a piece: for the analysis indexes, not the
    /// app's index of every feature). Without it the hint always falls through.
    pub fn prepare_hints(&mut self) {
        self.hint_pieces = self
            .pieces
            .iter()
            .zip(&self.piece_scale)
            .map(|(piece, &[kx, ky])| {
                let e = [
                    crate::geodesy::wrap_dlon_deg(piece.b.x - piece.a.x) * kx,
                    (piece.b.y - piece.a.y) * ky,
                ];
                let reach = self.shapes[piece.shape as usize].reach_m;
                let limit = reach * (1.0 - 2e-3) - 0.5;
                HintPiece {
                    a: [piece.a.x, piece.a.y],
                    k: [kx, ky],
                    e,
                    ee: e[0] * e[0] + e[1] * e[1],
                    limit2: if limit > 0.0
                        && piece.kind == PieceKind::Line
                        && piece.a.y.abs().max(piece.b.y.abs()) < POLAR_LAT_DEG - 1.0
                    {
                        limit * limit
                    } else {
                        0.0
                    },
                }
            })
            .collect();
    }

    /// Whether `p` is inside the capsule of line piece `id` with a safety margin,
    /// in a plate carrée frame scaled at the piece (no trigonometry per point).
    /// Within ~20 km its scale error is below 2e-3, so a point passing this test
    /// is inside; one failing it gets the exact test.
    #[inline]
    pub(super) fn clearly_inside(&self, id: u32, p: Coord) -> bool {
        let Some(h) = self.hint_pieces.get(id as usize) else {
            return false;
        };
        if h.limit2 <= 0.0 {
            return false;
        }
        let q = [
            crate::geodesy::wrap_dlon_deg(p.x - h.a[0]) * h.k[0],
            (p.y - h.a[1]) * h.k[1],
        ];
        let (e, ee, l2) = (h.e, h.ee, h.limit2);
        // Squared distances, no division or square root: |q - t e| <= limit.
        let (qq, dot) = (q[0] * q[0] + q[1] * q[1], q[0] * e[0] + q[1] * e[1]);
        if dot <= 0.0 || ee <= 0.0 {
            qq <= l2
        } else if dot >= ee {
            let (dx, dy) = (q[0] - e[0], q[1] - e[1]);
            dx * dx + dy * dy <= l2
        } else {
            qq * ee - dot * dot <= l2 * ee
        }
    }
}
