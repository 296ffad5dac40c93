//! The QR code of a payload, as SVG text or PNG bytes (rendering only; the
//! caller writes files). Error correction level M, the usual choice for Pix,
//! with the 4-module quiet zone the QR standard requires.

use super::png;

/// Quiet zone around the symbol, in modules.
const QUIET: usize = 4;

/// The payload could not be encoded (too long for any QR version).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the payload does not fit in a QR code: {0}")]
pub struct QrError(String);

/// Dark/light modules of a QR symbol, row-major, without quiet zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `payload` at error correction level M.
    pub fn encode(payload: &str) -> Result<Self, QrError> {
        let code = qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M)
            .map_err(|e| QrError(e.to_string()))?;
        let width = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        Ok(Self { width, dark })
    }
    /// Modules per side (without quiet zone).
    pub fn width(&self) -> usize {
        self.width
    }
    /// Whether the module at column `x`, row `y` is dark (false outside).
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.width && y < self.width && self.dark[y * self.width + x]
    }
}

/// An SVG document of the QR code; each module is `module_px` pixels.
pub fn svg(payload: &str, module_px: u32) -> Result<String, QrError> {
    let m = QrMatrix::encode(payload)?;
    let side = m.width + 2 * QUIET;
    let px = side as u64 * u64::from(module_px.max(1));
    let mut path = String::with_capacity(m.width * m.width * 4);
    for y in 0..m.width {
        let mut x = 0;
        while x < m.width {
            if !m.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < m.width && m.is_dark(x, y) {
                x += 1;
            }
            path.push_str(&format!(
                "M{} {}h{}v1h-{}z",
                start + QUIET,
                y + QUIET,
                x - start,
                x - start
            ));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
<rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>\n"
    ))
}

/// A black-on-white PNG of the QR code; each module is `module_px` pixels
/// (clamped to 1..=64).
pub fn png(payload: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    let m = QrMatrix::encode(payload)?;
    let scale = module_px.clamp(1, 64) as usize;
    let side = (m.width + 2 * QUIET) * scale;
    let row_bytes = side.div_ceil(8);
    let mut rows = Vec::with_capacity(side * row_bytes);
    for py in 0..side {
        let y = (py / scale).wrapping_sub(QUIET);
        let mut row = vec![0xFFu8; row_bytes];
        for px in 0..side {
            let x = (px / scale).wrapping_sub(QUIET);
            if m.is_dark(x, y) {
                row[px / 8] &= !(0x80 >> (px % 8));
            }
        }
        rows.push(row);
    }
    Ok(png::encode_gray1(side as u32, side as u32, &rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BCB: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

    #[test]
    fn renders_svg_and_png() {
        let s = svg(BCB, 4).unwrap();
        assert!(s.starts_with("<svg") && s.contains("<path"));
        let p = png(BCB, 4).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        let m = QrMatrix::encode(BCB).unwrap();
        // Finder pattern corners are dark.
        assert!(m.is_dark(0, 0) && m.is_dark(m.width() - 1, 0) && m.is_dark(0, m.width() - 1));
        assert!(!m.is_dark(m.width(), 0));
    }
}
