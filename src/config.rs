//! `site.yaml` → [`Config`]: settings and the vocabularies cases must use.

use crate::diagnostics::{Diagnostic, Diagnostics, closest};
use crate::front_matter::{self, Entry};
use crate::slug;
use crate::text::LineIndex;
use serde::Deserialize;
use serde_yaml::Value;

/// The footer every page carries (official-site norms).
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    pub organization: Option<String>,
    pub address: Option<String>,
    pub contact: Option<String>,
    pub icp: Option<String>,
    pub police: Option<String>,
    pub site_code: Option<String>,
}

/// A street (街道) as declared in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Street {
    pub name: String,
    pub slug: String,
    #[serde(default)]
    pub communities: Vec<String>,
}

/// A special committee (专委会) as declared in site.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Committee {
    pub name: String,
    pub short: Option<String>,
    pub slug: String,
}

/// A topic with a chosen slug and position.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicDecl {
    pub name: String,
    pub slug: String,
}

/// Validated site settings.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    /// Always ends with `/`.
    pub base_url: String,
    pub description: String,
    pub page_size: usize,
    pub yearly_minimum: usize,
    pub footer: Footer,
    pub streets: Vec<Street>,
    pub committees: Vec<Committee>,
    pub outcomes: Vec<String>,
    pub topics: Vec<TopicDecl>,
    pub theme: String,
    pub unsafe_html: bool,
    pub strict: bool,
}

const KEYS: &[&str] = &[
    "title",
    "base_url",
    "description",
    "page_size",
    "yearly_minimum",
    "footer",
    "streets",
    "committees",
    "outcomes",
    "topics",
    "theme",
    "unsafe_html",
    "strict",
];

impl Config {
    /// The path prefix of `base_url`: `/yshsl/` or `/`.
    pub fn root_path(&self) -> String {
        root_path_of(&self.base_url)
    }

    /// Finds a street by name or slug.
    pub fn street_index(&self, value: &str) -> Option<usize> {
        self.streets.iter().position(|s| s.name == value || s.slug == value)
    }

    /// Finds a committee by name, short name or slug.
    pub fn committee_index(&self, value: &str) -> Option<usize> {
        self.committees
            .iter()
            .position(|c| c.name == value || c.slug == value || c.short.as_deref() == Some(value))
    }

    /// Whether an outcome closes the loop (形成工作闭环): anything not "…中".
    pub fn outcome_is_final(outcome: &str) -> bool {
        !outcome.ends_with('中')
    }
}

/// The path part of a URL, always starting and ending with `/`.
pub fn root_path_of(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, r)| r);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    let mut p = path.to_string();
    if !p.ends_with('/') {
        p.push('/');
    }
    p
}

/// Parses site.yaml text. `path` is how diagnostics name the file.
pub fn parse(path: &str, text: &str, diags: &mut Diagnostics) -> Option<Config> {
    let index = LineIndex::new(text);
    let last = text.lines().count().max(1);
    let errors_before = diags.counts().0;
    let entries = front_matter::parse_block(path, text, &index, text, 1, last, diags)?;
    let get = |k: &str| entries.iter().find(|e| e.key == k);
    for e in &entries {
        if !KEYS.contains(&e.key.as_str()) {
            let mut d =
                Diagnostic::error(path, e.line, e.column, format!("未知的设置项“{}”", e.key))
                    .source(index.line_text(text, e.line));
            if let Some(s) = closest(&e.key, KEYS.iter().copied()) {
                d = d.hint(format!("您是否指 {s}？"));
            } else {
                d = d.hint(format!("可用的设置项：{}", KEYS.join("、")));
            }
            diags.push(d);
        }
    }
    let typed = |key: &str| -> Option<(&Entry, Value)> { get(key).map(|e| (e, e.value.clone())) };
    let convert = |key: &str| -> Option<(Value, usize, usize)> {
        typed(key).map(|(e, v)| (v, e.line, e.column))
    };
    let string = |key: &str, required: bool, diags: &mut Diagnostics| -> String {
        match convert(key) {
            Some((v, line, col)) => match front_matter::scalar_text(&v) {
                Some(s) if !s.trim().is_empty() => s.trim().to_string(),
                _ => {
                    diags.push(
                        Diagnostic::error(path, line, col, format!("“{key}”应是一段非空的文字"))
                            .source(index.line_text(text, line)),
                    );
                    String::new()
                }
            },
            None if required => {
                diags.push(
                    Diagnostic::error(path, 1, 1, format!("缺少必填的设置项“{key}”"))
                        .hint(format!("请在 site.yaml 中加上 {key}: …")),
                );
                String::new()
            }
            None => String::new(),
        }
    };
    let title = string("title", true, diags);
    let mut base_url = string("base_url", true, diags);
    let description = string("description", false, diags);
    let theme = {
        let t = string("theme", false, diags);
        if t.is_empty() { "default".to_string() } else { t }
    };
    if !(base_url.is_empty() || base_url.starts_with("http://") || base_url.starts_with("https://"))
    {
        let e = get("base_url").expect("present");
        diags.push(
            Diagnostic::error(path, e.line, e.column, "base_url 应以 http:// 或 https:// 开头")
                .hint("例如 base_url: https://www.example.gov.cn/yshsl/")
                .source(index.line_text(text, e.line)),
        );
    }
    if !base_url.ends_with('/') {
        base_url.push('/');
    }

    let typed_value = |key: &str, diags: &mut Diagnostics| -> Option<Value> {
        let e = get(key)?;
        Some(e.value.clone()).filter(|v| {
            if v.is_null() {
                diags.push(
                    Diagnostic::error(path, e.line, e.column, format!("“{key}”没有填写值"))
                        .source(index.line_text(text, e.line)),
                );
                false
            } else {
                true
            }
        })
    };
    let page_size = match typed_value("page_size", diags) {
        Some(v) => {
            number(path, text, &index, get("page_size").expect("present"), &v, diags, 1, 1000)
                .unwrap_or(20)
        }
        None => 20,
    };
    let yearly_minimum = match typed_value("yearly_minimum", diags) {
        Some(v) => {
            number(path, text, &index, get("yearly_minimum").expect("present"), &v, diags, 0, 1000)
                .unwrap_or(4)
        }
        None => 4,
    };
    let unsafe_html = flag(path, text, &index, get("unsafe_html"), diags);
    let strict = flag(path, text, &index, get("strict"), diags);
    let footer: Footer = typed_list(path, text, &index, get("footer"), diags).unwrap_or_default();
    let streets: Vec<Street> =
        typed_list(path, text, &index, get("streets"), diags).unwrap_or_default();
    let committees: Vec<Committee> =
        typed_list(path, text, &index, get("committees"), diags).unwrap_or_default();
    let topics: Vec<TopicDecl> =
        typed_list(path, text, &index, get("topics"), diags).unwrap_or_default();
    let outcomes: Vec<String> = match get("outcomes") {
        Some(_) => typed_list(path, text, &index, get("outcomes"), diags).unwrap_or_default(),
        None => vec!["已落实".into(), "推进中".into(), "已答复".into()],
    };

    // Vocabulary checks: slugs valid, names and slugs unique.
    let check_unique = |kind: &str,
                        key: &str,
                        items: Vec<(&str, &str)>,
                        diags: &mut Diagnostics| {
        let Some(entry) = get(key) else { return };
        let mut seen_names = std::collections::BTreeSet::new();
        let mut seen_slugs = std::collections::BTreeSet::new();
        for (name, slug) in items {
            let (line, col) = front_matter::locate(text, &index, entry, name);
            if !slug::is_valid(slug) {
                diags.push(
                    Diagnostic::error(
                        path,
                        line,
                        col,
                        format!("{kind}“{name}”的 slug“{slug}”不合规"),
                    )
                    .hint("slug 只能包含小写字母 a-z、数字 0-9 和 -")
                    .source(index.line_text(text, line)),
                );
            }
            if !seen_names.insert(name) {
                diags.push(
                    Diagnostic::error(path, line, col, format!("{kind}“{name}”重复出现"))
                        .source(index.line_text(text, line)),
                );
            }
            if !seen_slugs.insert(slug) {
                diags.push(
                    Diagnostic::error(path, line, col, format!("{kind} slug“{slug}”被用了两次"))
                        .hint("每个 slug 必须唯一，它决定网址")
                        .source(index.line_text(text, line)),
                );
            }
        }
    };
    check_unique(
        "街道",
        "streets",
        streets.iter().map(|s| (s.name.as_str(), s.slug.as_str())).collect(),
        diags,
    );
    check_unique(
        "专委会",
        "committees",
        committees.iter().map(|c| (c.name.as_str(), c.slug.as_str())).collect(),
        diags,
    );
    check_unique(
        "主题",
        "topics",
        topics.iter().map(|t| (t.name.as_str(), t.slug.as_str())).collect(),
        diags,
    );
    if footer.organization.is_none() {
        diags.push(
            Diagnostic::warning(
                path,
                get("footer").map_or(1, |e| e.line),
                1,
                "页脚缺少主办单位 organization",
            )
            .hint("政府网站规范要求每页页脚标明主办单位"),
        );
    }
    if diags.counts().0 > errors_before {
        return None;
    }
    Some(Config {
        title,
        base_url,
        description,
        page_size,
        yearly_minimum,
        footer,
        streets,
        committees,
        outcomes,
        topics,
        theme,
        unsafe_html,
        strict,
    })
}

#[allow(clippy::too_many_arguments)]
fn number(
    path: &str,
    text: &str,
    index: &LineIndex,
    e: &Entry,
    v: &Value,
    diags: &mut Diagnostics,
    min: u64,
    max: u64,
) -> Option<usize> {
    match v.as_u64() {
        Some(n) if (min..=max).contains(&n) => Some(n as usize),
        _ => {
            diags.push(
                Diagnostic::error(
                    path,
                    e.line,
                    e.column,
                    format!("“{}”应是 {min} 到 {max} 之间的整数", e.key),
                )
                .source(index.line_text(text, e.line)),
            );
            None
        }
    }
}

fn flag(
    path: &str,
    text: &str,
    index: &LineIndex,
    e: Option<&Entry>,
    diags: &mut Diagnostics,
) -> bool {
    let Some(e) = e else { return false };
    match &e.value {
        Value::Bool(b) => *b,
        _ => {
            diags.push(
                Diagnostic::error(path, e.line, e.column, format!("“{}”应是 true 或 false", e.key))
                    .source(index.line_text(text, e.line)),
            );
            false
        }
    }
}

/// Deserialises a structured value; serde's English errors become Chinese.
fn typed_list<T: serde::de::DeserializeOwned>(
    path: &str,
    text: &str,
    index: &LineIndex,
    e: Option<&Entry>,
    diags: &mut Diagnostics,
) -> Option<T> {
    let e = e?;
    match serde_yaml::from_value::<T>(e.value.clone()) {
        Ok(v) => Some(v),
        Err(err) => {
            let msg = err.to_string();
            let (message, hint, needle) = if let Some(rest) = msg.strip_prefix("unknown field `") {
                let field = rest.split('`').next().unwrap_or("").to_string();
                let expected: Vec<&str> = rest.split('`').skip(2).step_by(2).collect();
                let hint = closest(&field, expected.iter().copied())
                    .map(|s| format!("您是否指 {s}？"))
                    .unwrap_or_else(|| format!("可用的键：{}", expected.join("、")));
                (format!("“{}”里有未知的键“{field}”", e.key), hint, field)
            } else if let Some(rest) = msg.strip_prefix("missing field `") {
                let field = rest.split('`').next().unwrap_or("").to_string();
                (
                    format!("“{}”的某一项缺少“{field}”", e.key),
                    format!("每一项都要写 {field}"),
                    String::new(),
                )
            } else {
                (
                    format!("“{}”的格式不对（{msg}）", e.key),
                    "请对照 README 中 site.yaml 的示例".into(),
                    String::new(),
                )
            };
            let (line, col) = front_matter::locate(text, index, e, &needle);
            diags.push(
                Diagnostic::error(path, line, col, message)
                    .hint(hint)
                    .source(index.line_text(text, line)),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "title: 站点\nbase_url: https://host/yshsl\nstreets:\n  - { name: 夫子庙街道, slug: fuzimiao }\ncommittees:\n  - { name: 经济科技委员会, short: 经科委, slug: jingkewei }\nfooter:\n  organization: 办公室\n";

    #[test]
    fn parses_and_normalises_base_url() {
        let mut d = Diagnostics::new();
        let c = parse("site.yaml", GOOD, &mut d).unwrap();
        assert_eq!(c.base_url, "https://host/yshsl/");
        assert_eq!(c.root_path(), "/yshsl/");
        assert_eq!(c.page_size, 20);
        assert_eq!(c.committee_index("经科委"), Some(0));
        assert_eq!(c.street_index("fuzimiao"), Some(0));
        assert_eq!(c.outcomes.len(), 3);
    }

    #[test]
    fn unknown_keys_are_errors_with_suggestion() {
        let mut d = Diagnostics::new();
        let text = format!("{GOOD}pagesize: 10\nstreets2: []\n");
        assert!(parse("site.yaml", &text, &mut d).is_none());
        let all = d.sorted();
        assert_eq!(all[0].headline(), "site.yaml:9:1: 错误: 未知的设置项“pagesize”");
        assert_eq!(all[0].hint.as_deref(), Some("您是否指 page_size？"));
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn unknown_nested_key_is_located() {
        let mut d = Diagnostics::new();
        let text = GOOD.replace("short: 经科委", "shrt: 经科委");
        assert!(parse("site.yaml", &text, &mut d).is_none());
        let all = d.sorted();
        assert_eq!(all[0].headline(), "site.yaml:6:22: 错误: “committees”里有未知的键“shrt”");
        assert_eq!(all[0].hint.as_deref(), Some("您是否指 short？"));
    }

    #[test]
    fn root_path_of_urls() {
        assert_eq!(root_path_of("https://host"), "/");
        assert_eq!(root_path_of("http://127.0.0.1:1111/"), "/");
        assert_eq!(root_path_of("https://host/a/b"), "/a/b/");
    }
}
