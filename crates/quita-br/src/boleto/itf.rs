//! ITF (Interleaved 2 of 5), the symbology of the boleto barcode.
//!
//! Each pair of digits is one symbol character: the first digit is carried by
//! five bars, the second by the five spaces between them; each digit has
//! exactly two wide elements. Start = narrow bar, narrow space, narrow bar,
//! narrow space; stop = wide bar, narrow space, narrow bar. No ITF check
//! digit is added: the boleto has its own, and 44 digits are already even.

use std::fmt::Write;

use super::BoletoError;

/// N/W patterns of the digits 0–9 (true = wide).
const PATTERNS: [[bool; 5]; 10] = {
    const N: bool = false;
    const W: bool = true;
    [
        [N, N, W, W, N],
        [W, N, N, N, W],
        [N, W, N, N, W],
        [W, W, N, N, N],
        [N, N, W, N, W],
        [W, N, W, N, N],
        [N, W, W, N, N],
        [N, N, N, W, W],
        [W, N, N, W, N],
        [N, W, N, W, N],
    ]
};

/// One element of the symbol, left to right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Element {
    /// A bar (printed) or a space.
    pub bar: bool,
    /// Wide or narrow.
    pub wide: bool,
}

/// The elements of an even-length digit string, start and stop included
/// (for 44 digits: 4 + 220 + 3 = 227 elements, alternating bar/space).
pub fn pattern(digits: &str) -> Result<Vec<Element>, BoletoError> {
    if let Some((offset, ch)) = digits
        .chars()
        .enumerate()
        .find(|(_, c)| !c.is_ascii_digit())
    {
        return Err(BoletoError::InvalidCharacter { ch, offset });
    }
    if digits.is_empty() || !digits.len().is_multiple_of(2) || digits.len() > 1000 {
        return Err(BoletoError::WrongLength {
            found: digits.len(),
            expected: "an even number of digits (44 for a boleto)",
        });
    }
    let d: Vec<usize> = digits.bytes().map(|b| usize::from(b - b'0')).collect();
    let mut out = Vec::with_capacity(d.len() * 5 + 7);
    let narrow = |bar| Element { bar, wide: false };
    out.extend([narrow(true), narrow(false), narrow(true), narrow(false)]);
    for pair in d.chunks(2) {
        for (&bar, &space) in PATTERNS[pair[0]].iter().zip(&PATTERNS[pair[1]]) {
            out.push(Element {
                bar: true,
                wide: bar,
            });
            out.push(Element {
                bar: false,
                wide: space,
            });
        }
    }
    out.extend([
        Element {
            bar: true,
            wide: true,
        },
        narrow(false),
        narrow(true),
    ]);
    Ok(out)
}

/// The pattern as modules (`1` bar, `0` space), a narrow element being one
/// module and a wide one `wide_modules` (2 or 3 in practice).
pub fn modules(elements: &[Element], wide_modules: usize) -> String {
    let mut s = String::new();
    for e in elements {
        let n = if e.wide { wide_modules } else { 1 };
        for _ in 0..n {
            s.push(if e.bar { '1' } else { '0' });
        }
    }
    s
}

/// Printed proportions of the symbol, in millimetres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SvgOptions {
    /// Narrow element width. Default 0.254 mm (0.010 in), which with the 3:1
    /// ratio gives the FEBRABAN 103 mm symbol for 44 digits.
    pub narrow_mm: f64,
    /// Wide ÷ narrow, between 2.5 and 3.0. Default 3.0.
    pub ratio: f64,
    /// Bar height. Default 13 mm.
    pub height_mm: f64,
    /// Blank margin on each side. Default 5 mm (the minimum).
    pub quiet_zone_mm: f64,
}

impl Default for SvgOptions {
    fn default() -> Self {
        Self {
            narrow_mm: 0.254,
            ratio: 3.0,
            height_mm: 13.0,
            quiet_zone_mm: 5.0,
        }
    }
}

/// The symbol as a standalone SVG document sized in millimetres.
pub fn svg(digits: &str, opts: &SvgOptions) -> Result<String, BoletoError> {
    let elements = pattern(digits)?;
    let ratio = if opts.ratio.is_finite() {
        opts.ratio.clamp(2.0, 3.5)
    } else {
        3.0
    };
    let narrow = if opts.narrow_mm.is_finite() && opts.narrow_mm > 0.0 {
        opts.narrow_mm
    } else {
        0.254
    };
    let height = if opts.height_mm.is_finite() && opts.height_mm > 0.0 {
        opts.height_mm
    } else {
        13.0
    };
    let quiet = if opts.quiet_zone_mm.is_finite() && opts.quiet_zone_mm >= 0.0 {
        opts.quiet_zone_mm
    } else {
        5.0
    };
    let symbol: f64 = elements
        .iter()
        .map(|e| if e.wide { narrow * ratio } else { narrow })
        .sum();
    let width = symbol + 2.0 * quiet;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.3}mm" height="{height:.3}mm" viewBox="0 0 {width:.3} {height:.3}" shape-rendering="crispEdges"><title>{digits}</title><rect width="100%" height="100%" fill="#fff"/><g fill="#000">"##
    );
    let mut x = quiet;
    for e in &elements {
        let w = if e.wide { narrow * ratio } else { narrow };
        if e.bar {
            let _ = write!(
                s,
                r#"<rect x="{x:.4}" y="0" width="{w:.4}" height="{height:.3}"/>"#
            );
        }
        x += w;
    }
    s.push_str("</g></svg>\n");
    Ok(s)
}
