//! Where loading time goes, file by file, on one thread.
//! `cargo run --release --example load_timing -- SITE_DIR`
use std::time::{Duration, Instant};

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("site folder"));
    let files: Vec<_> = walkdir::WalkDir::new(root.join("content/cases"))
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let (mut read, mut decode, mut fm, mut md) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO, Duration::ZERO);
    for f in &files {
        let t = Instant::now();
        let bytes = std::fs::read(f).unwrap();
        read += t.elapsed();
        let t = Instant::now();
        let text = yishi::text::decode(&bytes).unwrap().text;
        decode += t.elapsed();
        let t = Instant::now();
        let mut d = yishi::diagnostics::Diagnostics::new();
        let doc = yishi::front_matter::parse("x.md", &text, &mut d).unwrap();
        fm += t.elapsed();
        let t = Instant::now();
        let _ = yishi::markdown::render(&text[doc.body_offset..], false, &|_, _| {
            yishi::markdown::Resolved::Missing
        });
        md += t.elapsed();
    }
    let n = files.len() as u32;
    println!(
        "{n} files; per file: read {:?} decode {:?} front matter {:?} markdown {:?}",
        read / n,
        decode / n,
        fm / n,
        md / n
    );
    let t = Instant::now();
    let (site, _) = yishi::load::load(&root, &yishi::load::LoadOptions::default());
    println!("load(): {:?}", t.elapsed());
    let site = site.expect("site loads");
    let t = Instant::now();
    let files = yishi::search::build(&site);
    println!("search::build: {:?} for {} files", t.elapsed(), files.len());
}
