//! Time of the QR code of 10,000 case addresses.
//! `cargo run --release --example qr_timing`
fn main() {
    let t = std::time::Instant::now();
    let mut n = 0;
    for i in 0..10_000 {
        let url = format!("https://www.example.gov.cn/yshsl/cases/zhu-qiao-she-qu-lao-jiu-{i}/");
        n += yishi::qr::svg(&url).len();
    }
    println!("10,000 QR codes in {:?} ({n} bytes of SVG)", t.elapsed());
}
