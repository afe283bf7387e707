fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).unwrap());
    for _ in 0..3 {
        let t = std::time::Instant::now();
        let (site, _d) = yishi::load::load(&root, &yishi::load::LoadOptions::default());
        println!("{:?} {}", t.elapsed(), site.map(|s| s.cases.len()).unwrap_or(0));
    }
}
