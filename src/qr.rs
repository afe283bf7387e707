//! QR codes of page addresses as inline SVG, so a printed case opens on a phone.
//!
//! The qrcode crate encodes; we draw. Its automatic mask choice scores all
//! eight masks per code and dominated a 10,000-case build, so we apply one
//! fixed mask (any mask is valid; scanners read all eight) and draw the dark
//! modules as one SVG path of horizontal strokes.

use qrcode::bits::Bits;
use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

/// Dark modules of the QR code of `data`, row by row, and the width.
fn modules(data: &[u8]) -> Option<(Vec<bool>, usize)> {
    let ec_level = EcLevel::M;
    let bits: Bits = qrcode::bits::encode_auto(data, ec_level).ok()?;
    let version = bits.version();
    let raw = bits.into_bytes();
    let (encoded, ec) = qrcode::ec::construct_codewords(&raw, version, ec_level).ok()?;
    let mut canvas = Canvas::new(version, ec_level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&encoded, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    let width = usize::try_from(version.width()).ok()?;
    Some((canvas.into_colors().into_iter().map(|c| c == Color::Dark).collect(), width))
}

/// Appends a number in decimal (a path holds hundreds of them; QR sizes
/// stay below 200).
fn push_number(out: &mut Vec<u8>, n: usize) {
    if n >= 100 {
        out.push(b'0' + (n / 100 % 10) as u8);
    }
    if n >= 10 {
        out.push(b'0' + (n / 10 % 10) as u8);
    }
    out.push(b'0' + (n % 10) as u8);
}

/// An inline `<svg>` QR code of `url`, labelled for screen readers.
///
/// Each row's dark runs are strokes one module wide along the row's middle
/// (`M x y.5 h run`, then `m gap 0 h run` for the next run of the row): half
/// the bytes of filled rectangles, and a QR code is in every case page.
pub fn svg(url: &str) -> String {
    let Some((dark, width)) = modules(url.as_bytes()) else { return String::new() };
    const QUIET: usize = 4;
    let size = width + 2 * QUIET;
    let mut out: Vec<u8> = Vec::with_capacity(width * width);
    out.extend_from_slice(
        format!(
            "<svg class=\"qr\" role=\"img\" aria-label=\"本页网址的二维码\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"{px}\" height=\"{px}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"none\" stroke=\"#000\" d=\"",
            px = size * 4
        )
        .as_bytes(),
    );
    for (y, row) in dark.chunks_exact(width).enumerate() {
        // Where the pen is on this row, once it has drawn a run.
        let mut pen: Option<usize> = None;
        let mut x = 0;
        while x < width {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] {
                x += 1;
            }
            match pen {
                None => {
                    out.push(b'M');
                    push_number(&mut out, start + QUIET);
                    out.push(b' ');
                    push_number(&mut out, y + QUIET);
                    out.extend_from_slice(b".5h");
                }
                Some(end) => {
                    out.push(b'm');
                    push_number(&mut out, start - end);
                    out.extend_from_slice(b" 0h");
                }
            }
            push_number(&mut out, x - start);
            pen = Some(x);
        }
    }
    out.extend_from_slice(b"\"/></svg>");
    // Only ASCII was pushed after the UTF-8 prefix.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #[test]
    fn makes_labelled_inline_svg() {
        let s = super::svg("https://www.example.gov.cn/yshsl/cases/a/");
        assert!(s.starts_with("<svg class=\"qr\" role=\"img\""));
        assert!(s.ends_with("</svg>"));
        assert!(s.contains("stroke=\"#000\" d=\"M4 4.5h7m"), "finder pattern row: {s}");
    }

    /// The dark modules the path draws, read back from the SVG.
    fn drawn(svg: &str, size: usize) -> Vec<bool> {
        let d = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut cells = vec![false; size * size];
        let (mut x, mut y) = (0usize, 0usize);
        let mut command = ' ';
        let number = |s: &str| s.trim_end_matches(['M', 'm', 'h']).to_string();
        for t in d.split_inclusive(['M', 'm', 'h']) {
            let args = number(t);
            match command {
                'M' => {
                    let (a, b) = args.split_once(' ').unwrap();
                    x = a.parse().unwrap();
                    y = b.strip_suffix(".5").unwrap().parse().unwrap();
                }
                'm' => {
                    let (a, b) = args.split_once(' ').unwrap();
                    assert_eq!(b, "0", "moves stay on the row");
                    x += a.parse::<usize>().unwrap();
                }
                'h' => {
                    let run: usize = args.parse().unwrap();
                    for c in x..x + run {
                        cells[y * size + c] = true;
                    }
                    x += run;
                }
                _ => assert!(args.is_empty()),
            }
            command = t.chars().last().unwrap();
        }
        cells
    }

    #[test]
    fn the_path_draws_exactly_the_dark_modules() {
        let url = "https://www.example.gov.cn/yshsl/cases/hong-wu-lu-yang-lao/";
        let (dark, w) = super::modules(url.as_bytes()).unwrap();
        let size = w + 8;
        let cells = drawn(&super::svg(url), size);
        for y in 0..size {
            for x in 0..size {
                let inside = (4..w + 4).contains(&x) && (4..w + 4).contains(&y);
                let expected = inside && dark[(y - 4) * w + (x - 4)];
                assert_eq!(cells[y * size + x], expected, "module ({x}, {y})");
            }
        }
    }

    #[test]
    fn decodes_back_to_the_url() {
        let url = "https://www.example.gov.cn/yshsl/cases/hong-wu-lu-yang-lao/";
        let (dark, w) = super::modules(url.as_bytes()).unwrap();
        // Draw it as a grayscale image, 4 px a module, 4 modules of quiet zone.
        let scale = 4;
        let size = (w + 8) * scale;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
            let (mx, my) = (x / scale, y / scale);
            let inside = (4..w + 4).contains(&mx) && (4..w + 4).contains(&my);
            if inside && dark[(my - 4) * w + (mx - 4)] { 0 } else { 255 }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1);
        let (_, content) = grids[0].decode().unwrap();
        assert_eq!(content, url);
    }

    #[test]
    fn matches_the_crate_modules_apart_from_the_mask_choice() {
        // Same data, same fixed mask through the crate's own API.
        let url = b"https://host/yshsl/cases/hong-wu/";
        let (ours, w) = super::modules(url).unwrap();
        let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M).unwrap();
        assert_eq!(code.width(), w);
        assert_eq!(ours.len(), w * w);
    }
}
