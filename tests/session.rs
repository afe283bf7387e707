//! `yishi serve` rebuilds incrementally; `yishi build` renders everything.
//! They must never disagree: after every edit of a sequence, the files the
//! preview session serves are byte-identical to a fresh build of the same
//! folder with the same base URL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use yishi::session::Session;

const BASE: &str = "http://127.0.0.1:1111/";

fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().flatten() {
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

fn options(root: &Path) -> yishi::Options {
    yishi::Options {
        root: root.to_path_buf(),
        drafts: false,
        base_url: Some(BASE.into()),
        today: Some(jiff::civil::date(2026, 11, 28)),
    }
}

/// Every file of a fresh build, by output path.
fn fresh_build(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("public");
    let (report, diags) = yishi::build(&options(root), &output);
    assert!(report.is_some(), "fresh build failed: {:?}", diags.sorted());
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&output).into_iter().flatten() {
        if entry.file_type().is_file() {
            let rel =
                entry.path().strip_prefix(&output).unwrap().to_string_lossy().replace('\\', "/");
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    files
}

fn served(session: &Session) -> BTreeMap<String, Vec<u8>> {
    session
        .output
        .paths()
        .into_iter()
        .map(|p| (p.clone(), session.output.get(&p).unwrap().to_vec()))
        .collect()
}

fn rebuild(session: &mut Session, changed: &[PathBuf]) {
    let r = session.rebuild(changed);
    assert!(r.report.is_some(), "rebuild failed: {:?}", r.diagnostics.sorted());
    session.rebuild_search();
}

fn assert_same(step: &str, session: &Session, root: &Path) {
    let served = served(session);
    let built = fresh_build(root);
    let only_served: Vec<&String> = served.keys().filter(|k| !built.contains_key(*k)).collect();
    let only_built: Vec<&String> = built.keys().filter(|k| !served.contains_key(*k)).collect();
    assert!(
        only_served.is_empty() && only_built.is_empty(),
        "{step}: served only {only_served:?}, built only {only_built:?}"
    );
    for (path, bytes) in &built {
        assert!(served[path] == *bytes, "{step}: {path} differs between serve and build");
    }
}

/// A copy of the basic fixture site and a session that has built it once
/// (the folder lives as long as the returned guard).
fn basic_session() -> (tempfile::TempDir, PathBuf, Session) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    copy_dir(Path::new("tests/fixtures/build/basic"), &root);
    let mut session = Session::new(options(&root));
    rebuild(&mut session, &[]);
    (dir, root, session)
}

fn edit(path: &Path, f: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn served_files_match_a_fresh_build_after_every_edit() {
    let (_dir, root, mut session) = basic_session();
    assert_same("first build", &session, &root);

    let cases = root.join("content/cases");
    let joint = cases.join("2022/joint.md");

    // A body edit: the case page, its summary on lists, the search index.
    edit(&joint, |t| t + "\n新增一段说明，落实情况良好。\n");
    rebuild(&mut session, std::slice::from_ref(&joint));
    assert_same("body edit", &session, &root);

    // A title edit changes neighbours' previous/next links and every list.
    edit(&joint, |t| t.replacen("title: ", "title: 修改后的", 1));
    rebuild(&mut session, &[]);
    assert_same("title edit", &session, &root);

    // A new case with a topic nobody used before, in a new year.
    std::fs::create_dir_all(cases.join("2023")).unwrap();
    let added = cases.join("2023/new-topic.md");
    std::fs::write(
        &added,
        "---\ntitle: 新增案例\ndate: 2023-05-06\nstreet: 秦虹街道\ntopics: [全新的主题]\noutcome: 已落实\nfollowups:\n  - { date: 2023-09-01, text: 已完成 }\n---\n\n## 协商背景\n\n新的案例正文。\n",
    )
    .unwrap();
    rebuild(&mut session, std::slice::from_ref(&added));
    assert_same("new case with a new topic", &session, &root);
    assert!(session.output.get("topics/quan-xin-de-zhu-ti/index.html").is_some());

    // Moving a case to another street and committee.
    edit(&added, |t| t.replace("street: 秦虹街道", "street: 夫子庙街道\ncommittee: 经科委"));
    rebuild(&mut session, &[]);
    assert_same("street and committee change", &session, &root);

    // Renaming a file changes its slug and every link to it.
    let renamed = cases.join("2023/renamed-case.md");
    std::fs::rename(&added, &renamed).unwrap();
    rebuild(&mut session, &[added.clone(), renamed.clone()]);
    assert_same("rename", &session, &root);
    assert!(session.output.get("cases/new-topic/index.html").is_none());

    // Deleting it removes its page and its now-empty topic.
    std::fs::remove_file(&renamed).unwrap();
    rebuild(&mut session, std::slice::from_ref(&renamed));
    assert_same("delete", &session, &root);
    assert!(session.output.get("topics/quan-xin-de-zhu-ti/index.html").is_none());

    // site.yaml: page size and footer affect every page.
    edit(&root.join("site.yaml"), |t| {
        t.replace("page_size: 2", "page_size: 3").replace("测试路1号", "测试路2号")
    });
    rebuild(&mut session, &[]);
    assert_same("site.yaml change", &session, &root);

    // A template override of the site's own.
    std::fs::create_dir_all(root.join("templates")).unwrap();
    std::fs::write(
        root.join("templates/page.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>{{ page.title }}</h1><p>自定义页面模板</p>{{ content_html | safe }}{% endblock main %}",
    )
    .unwrap();
    rebuild(&mut session, &[]);
    assert_same("template override", &session, &root);

    // A static file.
    std::fs::create_dir_all(root.join("static")).unwrap();
    std::fs::write(root.join("static/extra.txt"), "附加文件").unwrap();
    rebuild(&mut session, &[]);
    assert_same("static file", &session, &root);
}

#[test]
fn failed_rebuild_keeps_serving_the_last_good_files() {
    let (_dir, root, mut session) = basic_session();
    let before = served(&session);
    let joint = root.join("content/cases/2022/joint.md");
    edit(&joint, |t| t.replacen("title: ", "title：", 1));
    let r = session.rebuild(std::slice::from_ref(&joint));
    assert!(r.report.is_none());
    assert!(r.changed.is_empty());
    assert!(served(&session) == before, "a failed rebuild changed what is served");
    edit(&joint, |t| t.replacen("title：", "title: ", 1));
    rebuild(&mut session, std::slice::from_ref(&joint));
    assert_same("recovered", &session, &root);
}

#[test]
fn a_search_rebuild_stopped_by_a_new_save_stays_pending() {
    let (_dir, root, mut session) = basic_session();
    let meta_before = session.output.get("search/meta.json").unwrap();

    let joint = root.join("content/cases/2022/joint.md");
    edit(&joint, |t| t + "\n停下的索引里没有这句话。\n");
    let r = session.rebuild(std::slice::from_ref(&joint));
    assert!(r.report.is_some(), "{:?}", r.diagnostics.sorted());
    // The writer saved again while the index was being made: it gives up
    // and nothing of it is served.
    let stop = std::sync::atomic::AtomicBool::new(true);
    assert!(session.rebuild_search_unless(&stop).is_none());
    assert_eq!(session.output.get("search/meta.json").unwrap(), meta_before);
    // The next pause makes it, and serve agrees with build again.
    let done = session.rebuild_search().expect("the index is still pending");
    assert!(done.changed.iter().any(|p| p == "search/meta.json"), "{:?}", done.changed);
    assert_same("after a stopped index", &session, &root);
    assert!(session.rebuild_search().is_none(), "nothing left to do");
}
