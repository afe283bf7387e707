//! QR codes of page addresses as inline SVG, so a printed case opens on a phone.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline `<svg>` QR code of `url`, labelled for screen readers.
pub fn svg(url: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .module_dimensions(4, 4)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let body = image.split_once("?>").map_or(image.as_str(), |(_, rest)| rest);
    body.replacen("<svg ", "<svg class=\"qr\" role=\"img\" aria-label=\"本页网址的二维码\" ", 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn makes_labelled_inline_svg() {
        let s = super::svg("https://www.example.gov.cn/yshsl/cases/a/");
        assert!(s.starts_with("<svg class=\"qr\" role=\"img\""));
        assert!(s.ends_with("</svg>"));
        assert!(!s.contains("<?xml"));
    }
}
