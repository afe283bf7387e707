//! Prints the stage timings of a serve-style rebuild after touching one case.
//! `cargo run --release --example rebuild_timing -- SITE_DIR`
/// As in the yishi binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let root = std::path::PathBuf::from(std::env::args().nth(1).expect("site folder"));
    let mut s = yishi::session::Session::new(yishi::Options {
        root: root.clone(),
        base_url: Some("http://127.0.0.1:1111/".into()),
        ..Default::default()
    });
    let r = s.rebuild(&[]);
    println!("first: {:?}", r.report.map(|r| r.stages));
    let _ = s.rebuild_search();
    let case = walkdir::WalkDir::new(root.join("content/cases"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "md"))
        .expect("a case")
        .into_path();
    for i in 0..std::env::args().nth(2).and_then(|n| n.parse().ok()).unwrap_or(3) {
        let mut text = std::fs::read_to_string(&case).unwrap();
        text.push_str(&format!("\n补充说明第{i}条。\n"));
        std::fs::write(&case, text).unwrap();
        let t = std::time::Instant::now();
        let r = s.rebuild(std::slice::from_ref(&case));
        let total = t.elapsed();
        let t = std::time::Instant::now();
        let sr = if std::env::var("NOSEARCH").is_ok() { None } else { s.rebuild_search() };
        println!(
            "edit {i}: {total:?} changed={} stages={:?} search={:?}",
            r.changed.len(),
            r.report.map(|r| r.stages),
            (t.elapsed(), sr.map(|x| x.changed.len()))
        );
    }
}
