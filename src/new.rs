//! `yishi new`: scaffolds a case file with every front matter key (the
//! given values filled in, the optional ones commented in Chinese) and the
//! usual body outline. Never overwrites: the file is opened with
//! `create_new`.
//!
//! Where PATH points: a path starting with `content/` is taken relative to
//! the site folder (`--root`); any other relative path is relative to the
//! current folder; either way it must end up below `<site>/content/cases/`
//! and end with `.md`.

use crate::config::Config;
use crate::dates;
use crate::diagnostics::{Diagnostic, Diagnostics, closest};
use crate::load;
use crate::slug::{self, slugify};
use std::collections::BTreeSet;
use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

/// The title written when none is given and the file name is not Chinese.
pub const DEFAULT_TITLE: &str = "新的协商议事案例";

/// Comments start at this display column (a Chinese character counts 2).
const COMMENT_COLUMN: usize = 34;

/// Writes a new case file at `path` (see the module doc for how PATH is
/// resolved) and returns the path written. Needs `--street` or
/// `--committee` (a case belongs to at least one); both are checked against
/// site.yaml. Refuses to overwrite an existing file.
pub fn new_case(
    root: &Path,
    path: &Path,
    title: Option<&str>,
    street: Option<&str>,
    committee: Option<&str>,
) -> Result<PathBuf, Diagnostics> {
    let mut diags = Diagnostics::new();
    let shown = path.display().to_string();
    let fail = |d: Diagnostic| {
        let mut all = Diagnostics::new();
        all.push(d);
        Err(all)
    };

    // Where the file goes.
    let site_relative = !path.is_absolute()
        && path.components().next() == Some(Component::Normal("content".as_ref()))
        && root != Path::new(".")
        && !root.as_os_str().is_empty();
    let target = if site_relative { root.join(path) } else { path.to_path_buf() };
    if !target.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")) {
        return fail(
            Diagnostic::error(&shown, 0, 0, "案例文件名必须以 .md 结尾")
                .hint(format!("例如 {}", example_path())),
        );
    }
    let file_name = target.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    if file_name.starts_with('.') {
        return fail(
            Diagnostic::error(
                &shown,
                0,
                0,
                "文件名不能以“.”开头（这样的文件会被当作临时文件忽略）",
            )
            .hint(format!("例如 {}", example_path())),
        );
    }
    let Ok(root_abs) = root.canonicalize() else {
        return fail(
            Diagnostic::error("site.yaml", 0, 0, format!("找不到站点文件夹 {}", root.display()))
                .hint("请在站点文件夹中运行，或用 --root 指定站点文件夹"),
        );
    };
    let cases_dir = root_abs.join("content").join("cases");
    let target_abs = physical(&target);
    let Ok(rel_to_cases) = target_abs.strip_prefix(&cases_dir) else {
        return fail(
            Diagnostic::error(&shown, 0, 0, "案例文件应放在站点文件夹的 content/cases/ 下")
                .hint(format!(
                    "例如 yishi new {}（以 content/ 开头的路径相对于站点文件夹，其他相对路径相对于当前文件夹）",
                    example_path()
                )),
        );
    };
    let rel = Path::new("content/cases").join(rel_to_cases);
    let rel_str =
        rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/");

    // The site's vocabularies.
    let Some(config) = load::load_config(root, None, &mut diags) else { return Err(diags) };
    if diags.has_errors() {
        return Err(diags);
    }
    let site_yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap_or_default();
    let key_line = |key: &str| {
        site_yaml.lines().position(|l| l.starts_with(&format!("{key}:"))).map_or(0, |i| i + 1)
    };

    let street = street.map(str::trim).filter(|s| !s.is_empty());
    let committee = committee.map(str::trim).filter(|s| !s.is_empty());
    if street.is_none() && committee.is_none() {
        let example = config.streets.first().map_or("夫子庙街道", |s| s.name.as_str());
        return fail(
            Diagnostic::error(
                &rel_str,
                0,
                0,
                "请用 --street 或 --committee 指定案例所属的街道或专委会",
            )
            .hint(format!(
                "案例至少属于一个街道或一个专委会，例如 yishi new {rel_str} --street {example}"
            )),
        );
    }
    let street = match street {
        None => None,
        Some(s) => match config.street_index(s) {
            Some(i) => Some(&config.streets[i]),
            None => {
                let names: Vec<&str> = config.streets.iter().map(|s| s.name.as_str()).collect();
                let d = Diagnostic::error(
                    "site.yaml",
                    key_line("streets"),
                    1,
                    format!("未知的街道“{s}”（--street）"),
                );
                diags.push(match suggest_street(s, &names) {
                    Some(n) => d.hint(format!("您是否指 {n}？")),
                    None => d.hint(format!("街道应是 site.yaml 中的一个：{}", names.join("、"))),
                });
                None
            }
        },
    };
    let mut committees = Vec::new();
    for c in committee.into_iter().flat_map(|c| c.split([',', '，', '、'])).map(str::trim) {
        if c.is_empty() {
            continue;
        }
        match config.committee_index(c) {
            Some(i) => {
                if !committees.contains(&i) {
                    committees.push(i);
                }
            }
            None => {
                let mut names: Vec<&str> =
                    config.committees.iter().map(|c| c.name.as_str()).collect();
                names.extend(config.committees.iter().filter_map(|c| c.short.as_deref()));
                let d = Diagnostic::error(
                    "site.yaml",
                    key_line("committees"),
                    1,
                    format!("未知的专委会“{c}”（--committee）"),
                );
                let full: Vec<&str> = config.committees.iter().map(|c| c.name.as_str()).collect();
                diags.push(match closest(c, names.iter().copied()) {
                    Some(n) => d.hint(format!("您是否指 {n}？")),
                    None => d.hint(format!(
                        "专委会应是 site.yaml 中的一个（全称或简称）：{}",
                        full.join("、")
                    )),
                });
            }
        }
    }

    // The title: given, else a Chinese file name, else a placeholder.
    let stem = {
        let bundle = file_name.eq_ignore_ascii_case("index.md");
        let named =
            if bundle { target.parent().and_then(Path::file_name) } else { target.file_stem() };
        named.map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
    };
    let title = match title.map(str::trim) {
        Some(t) if t.contains(['\n', '\r']) => {
            diags.push(Diagnostic::error(&rel_str, 0, 0, "标题不能换行"));
            String::new()
        }
        Some("") => {
            diags.push(
                Diagnostic::error(&rel_str, 0, 0, "标题不能为空")
                    .hint("不写 --title 时使用默认标题，之后在文件里修改"),
            );
            String::new()
        }
        Some(t) => t.to_string(),
        None if stem.chars().any(crate::text::is_cjk) => stem.clone(),
        None => DEFAULT_TITLE.to_string(),
    };

    let default_slug = slugify(&stem);
    if !slug::is_valid(&default_slug) {
        diags.push(
            Diagnostic::error(&rel_str, 0, 0, format!("无法从文件名“{stem}”生成网址"))
                .hint(format!("请用中文或拼音、英文给文件起名，例如 {}", example_path())),
        );
    }
    if diags.has_errors() {
        return Err(diags);
    }

    // A file name whose slug another case already uses gets its own slug.
    let taken = existing_slugs(&cases_dir);
    let slug = if taken.contains(&default_slug) {
        let year = dates::today().year();
        std::iter::once(format!("{default_slug}-{year}"))
            .chain((2..).map(|n| format!("{default_slug}-{n}")))
            .find(|s| !taken.contains(s))
    } else {
        None
    };

    let text = case_text(&config, &title, street, &committees, slug.as_deref());

    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(parent)
    {
        return fail(Diagnostic::error(
            &rel_str,
            0,
            0,
            format!("无法创建文件夹 {}（{e}）", parent.display()),
        ));
    }
    let file = OpenOptions::new().write(true).create_new(true).open(&target);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return fail(
                Diagnostic::error(&rel_str, 0, 0, "文件已存在：yishi new 不会覆盖已有文件")
                    .hint("请换一个文件名，或直接编辑这个文件"),
            );
        }
        Err(e) => return fail(Diagnostic::error(&rel_str, 0, 0, format!("无法新建文件（{e}）"))),
    };
    if let Err(e) = file.write_all(text.as_bytes()).and_then(|()| file.sync_all()) {
        return fail(Diagnostic::error(&rel_str, 0, 0, format!("写入失败（{e}）")));
    }
    Ok(target)
}

/// The text of a new case file.
pub fn case_text(
    config: &Config,
    title: &str,
    street: Option<&crate::config::Street>,
    committees: &[usize],
    slug: Option<&str>,
) -> String {
    let today = dates::iso(dates::today());
    let mut fm: Vec<String> = Vec::new();
    let mut line = |code: &str, comment: &str| fm.push(commented(code, comment));

    line(&format!("title: {}", yaml_str(title)), "必填：标题");
    line(&format!("date: {today}"), "必填：协商日期，如 2020-08-07");
    let street_example = config.streets.first().map_or("某某街道", |s| s.name.as_str());
    match street {
        Some(s) => {
            line(&format!("street: {}", yaml_str(&s.name)), "街道（街道与专委会至少写一个）")
        }
        None => line(
            &format!("# street: {}", yaml_str(street_example)),
            "可选：街道，须是 site.yaml 中的街道名",
        ),
    }
    let community = street.and_then(|s| s.communities.first()).map_or("某某社区", String::as_str);
    let community_note = match street.map(|s| &s.communities) {
        Some(list) if !list.is_empty() => format!("可选：社区（{}）", list.join("、")),
        _ => "可选：社区".to_string(),
    };
    line(&format!("# community: {}", yaml_str(community)), &community_note);
    let names: Vec<String> =
        committees.iter().map(|&i| yaml_str(&config.committees[i].name)).collect();
    match names.as_slice() {
        [] => {
            let examples: Vec<String> = config
                .committees
                .iter()
                .take(2)
                .map(|c| yaml_str(c.short.as_deref().unwrap_or(&c.name)))
                .collect();
            let examples = if examples.is_empty() {
                "某某委员会".to_string()
            } else {
                examples.join(", ")
            };
            line(
                &format!("# committee: [{examples}]"),
                "可选：专委会，一个或多个（联合协商），全称或简称",
            );
        }
        [one] => line(&format!("committee: {one}"), "专委会，可写多个：[甲, 乙]"),
        many => line(&format!("committee: [{}]", many.join(", ")), "专委会（联合协商）"),
    }
    line("# topics: [主题一, 主题二]", "可选：主题，可写多个");
    line("# typical: true", "可选：典型案例");
    let outcome_note = if config.outcomes.is_empty() {
        "可选：协商成果的状态".to_string()
    } else {
        format!("可选：协商成果的状态，{} 之一", config.outcomes.join("、"))
    };
    let outcome = config.outcomes.first().map_or("推进中", String::as_str);
    line(&format!("# outcome: {}", yaml_str(outcome)), &outcome_note);
    line("# followups:", "可选：会后进展（形成工作闭环），每条一行");
    line(&format!("#   - {{ date: {today}, text: 进展说明 }}"), "日期和做了什么");
    line("# participants: [区政协委员, 社区居民代表]", "可选：参加单位和人员");
    line("# location: 某某协商议事室", "可选：协商地点");
    line("# summary: 一句话摘要", "可选：摘要，不写时取正文开头");
    line("# cover: cover.jpg", "可选：封面图，相对于本文件");
    line("# cover_alt: 协商议事现场", "封面图的文字说明（写了 cover 就必填）");
    match slug {
        Some(s) => line(&format!("slug: {s}"), "网址名：文件名与已有案例重复，已另取"),
        None => line("# slug: hongwu-yanglao", "可选：网址名，只用 a-z 0-9 -，默认由文件名生成"),
    }
    line("# draft: true", "可选：草稿，只有加 --drafts 时才生成");
    line(&format!("# updated: {today}"), "可选：更新日期");

    let mut out = String::from("---\n");
    for l in fm {
        out.push_str(&l);
        out.push('\n');
    }
    out.push_str("---\n\n");
    out.push_str(BODY);
    out
}

/// The body outline (DOMAIN §2.3), a hint under each heading as an HTML
/// comment: seen in the editor, never published.
const BODY: &str = "\
<!-- 导语：用一两段话说明为什么协商、协商出了什么（不写 summary 时，摘要取正文开头）。 -->

## 协商背景

<!-- 问题是什么，议题从哪里来：群众反映、社情民意、委员调研或党政交办。 -->

## 会前调研

<!-- 走访、问卷、座谈和数据：不调研不协商。 -->

## 协商过程

<!-- 时间、地点、参加人员和主要观点；引用发言用身份代称，如“居民代表”“区民政局负责同志”。 -->

## 协商成果

<!-- 用编号列表写建议和共识（1. 2. 3.），与 outcome 的状态相对应。 -->

## 成果转化与落实

<!-- 会后做了什么、到了哪一步，按日期写进展（形成工作闭环）；也可写进 followups。 -->

## 经验启示

<!-- 可选：典型案例写这一节，其他案例可删去本节。 -->

<!-- 照片：把案例做成文件夹（…/案例名/index.md），照片放在同一文件夹，写 ![照片内容说明](photo.jpg)，说明不可省略。 -->
";

/// `code` padded to [`COMMENT_COLUMN`], then `# comment`.
fn commented(code: &str, comment: &str) -> String {
    let width: usize = code.chars().map(|c| if crate::text::is_cjk(c) { 2 } else { 1 }).sum();
    let pad = COMMENT_COLUMN.saturating_sub(width).max(2);
    format!("{code}{}# {comment}", " ".repeat(pad))
}

/// A YAML scalar: as typed when that is unambiguous, else single-quoted.
pub fn yaml_str(s: &str) -> String {
    let special_start = |c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace();
    let keyword = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "~" | "y" | "n"
    );
    let plain = !s.is_empty()
        && !keyword
        && s.trim() == s
        && !s.starts_with(special_start)
        && !s.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.contains(['\t', '\n', '\r'])
        && !s.chars().any(|c| c.is_control() || crate::text::is_zero_width(c));
    if plain { s.to_string() } else { format!("'{}'", s.replace('\'', "''")) }
}

/// Like load.rs: the closest street name, or one the value starts
/// (`夫子庙街道办` → `夫子庙街道`).
fn suggest_street<'a>(wanted: &str, names: &[&'a str]) -> Option<&'a str> {
    closest(wanted, names.iter().copied()).or_else(|| {
        let stem = wanted.trim_end_matches("街道办").trim_end_matches("街道");
        names.iter().copied().find(|n| !stem.is_empty() && n.starts_with(stem))
    })
}

/// Slugs the cases below `cases_dir` use: a `slug:` line of the front
/// matter, else the one made from the file (or bundle folder) name.
fn existing_slugs(cases_dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for entry in walkdir::WalkDir::new(cases_dir).follow_links(false).into_iter().flatten() {
        let p = entry.path();
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file()
            || name.starts_with('.')
            || !p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            continue;
        }
        let explicit = std::fs::read_to_string(p).ok().and_then(|text| {
            let mut lines = text.trim_start_matches('\u{feff}').lines();
            if lines.next().map(str::trim_end) != Some("---") {
                return None;
            }
            lines.take_while(|l| l.trim_end() != "---").find_map(|l| {
                let v = l.strip_prefix("slug:")?.split(" #").next()?.trim();
                Some(v.trim_matches(['\'', '"']).to_string()).filter(|v| !v.is_empty())
            })
        });
        let stem = if name.eq_ignore_ascii_case("index.md") {
            p.parent().and_then(Path::file_name)
        } else {
            p.file_stem()
        };
        out.insert(
            explicit
                .unwrap_or_else(|| slugify(&stem.map(|s| s.to_string_lossy()).unwrap_or_default())),
        );
    }
    out
}

/// `path` made absolute and free of `.`/`..`, with its existing part
/// resolved through symlinks, so it compares with a canonical root.
fn physical(path: &Path) -> PathBuf {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(path)
    };
    let mut clean = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other),
        }
    }
    let mut existing = clean.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.iter().rev() {
        out.push(name);
    }
    out
}

fn example_path() -> String {
    format!("content/cases/{}/hongwu-yanglao.md", dates::today().year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_yaml_only_when_needed() {
        assert_eq!(
            yaml_str("洪武路街道“嵌入式”养老协商议事会"),
            "洪武路街道“嵌入式”养老协商议事会"
        );
        assert_eq!(yaml_str("停车难：怎么办"), "停车难：怎么办");
        assert_eq!(yaml_str("a: b"), "'a: b'");
        assert_eq!(yaml_str("\"引号\"开头"), "'\"引号\"开头'");
        assert_eq!(yaml_str("it's"), "it's");
        assert_eq!(yaml_str("'x"), "'''x'");
        assert_eq!(yaml_str("2024年的协商"), "'2024年的协商'");
        assert_eq!(yaml_str("yes"), "'yes'");
        assert_eq!(yaml_str("[a]"), "'[a]'");
    }

    #[test]
    fn aligns_comments_by_display_width() {
        let a = commented("title: 中文", "x");
        let b = commented("date: 2020-01-01", "x");
        let col = |s: &str| {
            s[..s.find('#').unwrap()]
                .chars()
                .map(|c| if crate::text::is_cjk(c) { 2 } else { 1 })
                .sum::<usize>()
        };
        assert_eq!(col(&a), col(&b));
    }

    #[test]
    fn suggests_streets_for_short_forms() {
        let names = ["夫子庙街道", "洪武路街道"];
        assert_eq!(suggest_street("夫子庙", &names), Some("夫子庙街道"));
        assert_eq!(suggest_street("洪武路街道办", &names), Some("洪武路街道"));
    }
}
