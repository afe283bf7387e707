//! The harness of the `build` integration tests: copy a fixture site into a
//! temporary folder, run the real `yishi` binary on it, and read what it
//! printed and wrote.
//!
//! Fixtures live in `tests/fixtures/<area>/<scenario>/`. A `build/` fixture
//! is a whole site (site.yaml + content/). An `errors/` fixture holds only
//! the files of its mistake: it is laid over `tests/fixtures/errors/_site/`
//! (a valid site with one good case), and may bring its own `site.yaml`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `tests/fixtures`.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests").join("fixtures")
}

/// Copies every file below `from` into `to`, keeping the layout.
pub fn copy_tree(from: &Path, to: &Path) {
    assert!(from.is_dir(), "fixture {} does not exist", from.display());
    for entry in std::fs::read_dir(from).expect("read fixture dir") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            std::fs::create_dir_all(&target).expect("create dir");
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy fixture file");
        }
    }
}

/// A site folder in a temporary directory, removed when dropped.
pub struct TestSite {
    tmp: tempfile::TempDir,
    /// The site folder (holds site.yaml).
    pub root: PathBuf,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>` (e.g. `build/basic`).
    pub fn fixture(name: &str) -> TestSite {
        let site = TestSite::empty();
        copy_tree(&fixtures().join(name), &site.root);
        site
    }

    /// The valid error base site with the files of `errors/<scenario>` laid over it.
    pub fn error_fixture(scenario: &str) -> TestSite {
        let site = TestSite::error_base();
        site.overlay(scenario);
        site
    }

    /// The valid base site of the `errors/` fixtures, without any mistake.
    pub fn error_base() -> TestSite {
        TestSite::fixture("errors/_site")
    }

    /// Lays the files of `errors/<scenario>` over this site.
    pub fn overlay(&self, scenario: &str) {
        copy_tree(&fixtures().join("errors").join(scenario), &self.root);
    }

    /// An empty site folder.
    pub fn empty() -> TestSite {
        let tmp = tempfile::Builder::new().prefix("yishi-test-").tempdir().expect("tempdir");
        let root = tmp.path().join("site");
        std::fs::create_dir(&root).expect("create site dir");
        TestSite { tmp, root }
    }

    /// The temporary folder that holds the site folder (for other outputs).
    pub fn scratch(&self) -> &Path {
        self.tmp.path()
    }

    /// Runs `yishi <args…> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_yishi"));
        cmd.args(args).arg("--root").arg(&self.root).current_dir(self.scratch());
        Run::from(cmd.output().expect("run yishi"))
    }

    /// `yishi build --root <site>` plus `extra`.
    pub fn build(&self, extra: &[&str]) -> Run {
        let mut args = vec!["build"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `yishi check --root <site>` plus `extra`.
    pub fn check(&self, extra: &[&str]) -> Run {
        let mut args = vec!["check"];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Builds and panics with the diagnostics unless the build succeeded.
    pub fn build_ok(&self, extra: &[&str]) -> Run {
        let r = self.build(extra);
        assert_eq!(r.code, 0, "build should succeed\n{}", r.stderr);
        r
    }

    /// The default output folder.
    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    /// A path in the site folder.
    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes `bytes` at `rel` in the site folder (creating folders).
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("create dirs");
        std::fs::write(p, bytes).expect("write file");
    }

    /// Whether `public/<rel>` exists.
    pub fn has(&self, rel: &str) -> bool {
        self.public().join(rel).exists()
    }

    /// `public/<rel>` as text (panics if missing).
    pub fn read(&self, rel: &str) -> String {
        let p = self.public().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    /// `public/<rel>` as bytes (panics if missing).
    pub fn bytes(&self, rel: &str) -> Vec<u8> {
        let p = self.public().join(rel);
        std::fs::read(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
    }

    /// Every file of the default output with its bytes.
    pub fn snapshot(&self) -> Tree {
        tree(&self.public())
    }
}

/// Every file below a folder: relative path (with `/`) → bytes.
pub type Tree = BTreeMap<String, Vec<u8>>;

/// Reads every file below `dir`.
pub fn tree(dir: &Path) -> Tree {
    let mut out = Tree::new();
    fn walk(base: &Path, dir: &Path, out: &mut Tree) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel =
                    p.strip_prefix(base).expect("below base").to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read(&p).expect("read output file"));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Panics with the first difference between two trees.
pub fn assert_same_tree(a: &Tree, b: &Tree, what: &str) {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: files differ: only before {only_a:?}, only after {only_b:?}"
    );
    for (k, v) in a {
        assert!(b[k] == *v, "{what}: {k} differs");
    }
}

/// Every HTML file of an output tree, as (path, text).
pub fn html_pages(t: &Tree) -> Vec<(&str, String)> {
    t.iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k.as_str(), String::from_utf8(v.clone()).expect("HTML is UTF-8")))
        .collect()
}

/// One diagnostic as printed: the headline and the lines under it.
#[derive(Debug, Clone)]
pub struct Diag {
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// `错误` or `警告`.
    pub severity: String,
    pub message: String,
    /// The headline and every line under it (excerpt, hint).
    pub block: String,
}

impl Diag {
    /// `path:line:column`.
    pub fn location(&self) -> String {
        format!("{}:{}:{}", self.path, self.line, self.column)
    }
}

/// What a run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    /// Panics unless the exit status is `code`.
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "exit status\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Panics if the run panicked.
    pub fn assert_no_panic(&self) -> &Run {
        assert!(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "yishi panicked:\n{}",
            self.stderr
        );
        assert!(
            (0..=2).contains(&self.code),
            "killed or crashed (status {})\n{}",
            self.code,
            self.stderr
        );
        self
    }

    /// Every diagnostic printed on stderr, in printed order.
    pub fn diags(&self) -> Vec<Diag> {
        let mut out: Vec<Diag> = Vec::new();
        for line in self.stderr.lines() {
            if let Some(d) = parse_headline(line) {
                out.push(d);
            } else if line.starts_with("共 ") || line.starts_with("生成失败") {
                continue;
            } else if let Some(last) = out.last_mut() {
                last.block.push('\n');
                last.block.push_str(line);
            }
        }
        out
    }

    /// Diagnostics of one severity.
    pub fn errors(&self) -> Vec<Diag> {
        self.diags().into_iter().filter(|d| d.severity == "错误").collect()
    }

    pub fn warnings(&self) -> Vec<Diag> {
        self.diags().into_iter().filter(|d| d.severity == "警告").collect()
    }

    /// The diagnostic at `path:line:column` of `severity` whose headline,
    /// excerpt or hint holds every word of `words` (panics otherwise).
    pub fn expect(&self, location: &str, severity: &str, words: &[&str]) -> Diag {
        let all = self.diags();
        let here: Vec<&Diag> = all.iter().filter(|d| d.location() == location).collect();
        assert!(!here.is_empty(), "no diagnostic at {location}; printed:\n{}", self.stderr);
        let found = here
            .iter()
            .find(|d| d.severity == severity && words.iter().all(|w| d.block.contains(w)));
        match found {
            Some(d) => (*d).clone(),
            None => panic!(
                "no {severity} at {location} mentioning {words:?}; printed:\n{}",
                self.stderr
            ),
        }
    }

    /// `expect` for an error.
    pub fn expect_error(&self, location: &str, words: &[&str]) -> Diag {
        self.expect(location, "错误", words)
    }

    /// `expect` for a warning.
    pub fn expect_warning(&self, location: &str, words: &[&str]) -> Diag {
        self.expect(location, "警告", words)
    }

    /// The summary line `共 N 个错误，M 个警告。` as (N, M).
    pub fn summary(&self) -> Option<(usize, usize)> {
        let line = self.stderr.lines().find(|l| l.starts_with("共 ") && l.contains("个错误"))?;
        let nums: Vec<usize> = line
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().expect("number"))
            .collect();
        Some((nums[0], nums[1]))
    }
}

/// Parses `path:line:column: 错误: message`.
fn parse_headline(line: &str) -> Option<Diag> {
    let (severity, sep) = if line.contains(": 错误: ") {
        ("错误", ": 错误: ")
    } else if line.contains(": 警告: ") {
        ("警告", ": 警告: ")
    } else {
        return None;
    };
    let (place, message) = line.split_once(sep)?;
    let mut parts = place.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line_no = parts.next()?.parse().ok()?;
    let path = parts.next()?.to_string();
    if path.starts_with(' ') || path.is_empty() {
        return None;
    }
    Some(Diag {
        path,
        line: line_no,
        column,
        severity: severity.to_string(),
        message: message.to_string(),
        block: line.to_string(),
    })
}

/// Every `attr="…"` value in an HTML text (double or single quoted).
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let mut out = Vec::new();
    for quote in ['"', '\''] {
        let needle = format!(" {attr}={quote}");
        let mut rest = html;
        while let Some(i) = rest.find(&needle) {
            rest = &rest[i + needle.len()..];
            if let Some(end) = rest.find(quote) {
                out.push(html_unescape(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// Undoes the entity escaping an attribute value may carry.
pub fn html_unescape(s: &str) -> String {
    s.replace("&amp;", "&")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Decodes `%XX` escapes (UTF-8).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Number of `<h1>` elements in an HTML text.
pub fn count_h1(html: &str) -> usize {
    html.match_indices("<h1")
        .filter(|(i, _)| matches!(html.as_bytes().get(i + 3), Some(b'>' | b' ' | b'\n' | b'\t')))
        .count()
}

/// A process id that is not running (for fake leftovers of killed builds).
pub fn dead_pid() -> u32 {
    (99_999..u32::MAX).find(|p| !Path::new(&format!("/proc/{p}")).exists()).expect("a free pid")
}
