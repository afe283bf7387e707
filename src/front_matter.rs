//! Splits the `---` block from the Markdown body and parses it as YAML,
//! keeping the file line and column of every top-level key. Pure: no I/O.
//!
//! Typing mistakes that YAML would report cryptically (full-width colons,
//! tab indentation, `———` fences) are caught first, in Chinese, with a fix.

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::text::{LineIndex, is_zero_width};
use serde_yaml::Value;

/// A top-level `key: value` of the front matter, with its place in the file.
#[derive(Debug, Clone)]
pub struct Entry {
    pub key: String,
    pub value: Value,
    /// 1-based file line and column of the key.
    pub line: usize,
    pub column: usize,
    /// Last file line belonging to this entry (for values spread over lines).
    pub last_line: usize,
}

/// The parsed front matter and where the body starts.
#[derive(Debug, Clone)]
pub struct Document {
    pub entries: Vec<Entry>,
    /// Byte offset of the body in the (normalised) file text.
    pub body_offset: usize,
}

impl Document {
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key == key)
    }
}

/// Where a value sits: the first line of `entry` holding `needle`, else the key.
pub fn locate(text: &str, index: &LineIndex, entry: &Entry, needle: &str) -> (usize, usize) {
    if !needle.is_empty() {
        for line in entry.line..=entry.last_line {
            let line_text = index.line_text(text, line);
            let search_from =
                if line == entry.line { line_text.find(':').map_or(0, |i| i + 1) } else { 0 };
            if let Some(pos) = line_text[search_from..].find(needle) {
                return (line, line_text[..search_from + pos].chars().count() + 1);
            }
        }
    }
    (entry.line, entry.column)
}

/// Characters writers type for a fence instead of `---`.
fn is_dash_like(c: char) -> bool {
    matches!(c, '-' | '—' | '－' | '―' | '─' | '–' | '一' | '━' | '_' | '＿')
}

fn looks_like_bad_fence(line: &str) -> bool {
    let t = line.trim();
    t != "---"
        && t.chars().count() >= 2
        && t.chars().all(is_dash_like)
        && !t.chars().all(|c| c == '-')
}

/// Splits and parses `text` (already decoded, `\n` line ends). Problems go
/// to `diags`; `None` when the front matter cannot be read at all.
pub fn parse(path: &str, text: &str, diags: &mut Diagnostics) -> Option<Document> {
    // Lines are indexed only as far as the closing fence: the body is most
    // of the file and nothing here points into it.
    let index = LineIndex::new(&text[..head_extent(text)]);
    if text.trim().is_empty() {
        diags.push(
            Diagnostic::error(path, 1, 1, "文件是空的").hint(
                "案例文件应以 --- 开头的前置信息（标题、日期等）开始；可用 yishi new 生成模板",
            ),
        );
        return None;
    }
    let first = index.line_text(text, 1);
    if first.trim_end() != "---" {
        if looks_like_bad_fence(first) {
            diags.push(
                Diagnostic::error(path, 1, 1, format!("分隔线写成了“{}”", first.trim()))
                    .hint("前置信息的分隔线必须是三个半角减号：---")
                    .source(first),
            );
        } else {
            diags.push(
                Diagnostic::error(path, 1, 1, "缺少前置信息：文件第一行应是 ---")
                    .hint("在文件开头加上 ---、title: 标题、date: 日期 等字段，再以 --- 结束")
                    .source(first),
            );
        }
        return None;
    }
    // Find the closing fence.
    let total_lines = index.lines();
    let mut close_line = None;
    for line_no in 2..=total_lines {
        let line = index.line_text(text, line_no);
        if line.trim_end() == "---" {
            close_line = Some(line_no);
            break;
        }
        if looks_like_bad_fence(line) {
            diags.push(
                Diagnostic::error(path, line_no, 1, format!("分隔线写成了“{}”", line.trim()))
                    .hint("前置信息的结束线必须是三个半角减号：---")
                    .source(line),
            );
            return None;
        }
    }
    let Some(close_line) = close_line else {
        diags.push(
            Diagnostic::error(path, 1, 1, "前置信息没有结束：缺少第二个 ---")
                .hint("在最后一个字段之后单独加一行 ---，正文写在它下面")
                .source(first),
        );
        return None;
    };
    let yaml_start = 2; // the line after the opening fence
    let yaml_begin_offset = text.find('\n').map_or(text.len(), |i| i + 1);
    let close_offset = line_start_offset(text, close_line);
    let body_offset = text[close_offset..].find('\n').map_or(text.len(), |i| close_offset + i + 1);
    let raw_yaml = &text[yaml_begin_offset..close_offset];
    let entries = parse_block(path, text, &index, raw_yaml, yaml_start, close_line - 1, diags)?;
    Some(Document { entries, body_offset })
}

/// Parses a YAML mapping that starts at file line `yaml_start` (the front
/// matter block, or a whole `site.yaml`) into entries with positions.
pub fn parse_block(
    path: &str,
    text: &str,
    index: &LineIndex,
    raw_yaml: &str,
    yaml_start: usize,
    last_yaml_line: usize,
    diags: &mut Diagnostics,
) -> Option<Vec<Entry>> {
    // Zero-width characters: strip with a warning.
    let mut yaml = String::with_capacity(raw_yaml.len());
    for (i, line) in raw_yaml.split_inclusive('\n').enumerate() {
        let mut col = 0;
        for c in line.chars() {
            col += 1;
            if is_zero_width(c) {
                diags.push(
                    Diagnostic::warning(
                        path,
                        yaml_start + i,
                        col,
                        format!("发现看不见的零宽字符 U+{:04X}，已删除", c as u32),
                    )
                    .hint("这类字符常来自微信或网页复制，请在编辑器里删除")
                    .source(line.trim_end_matches('\n')),
                );
            } else {
                yaml.push(c);
            }
        }
    }

    if !lint_lines(path, &yaml, yaml_start, diags) {
        return None;
    }
    let value: Value = match serde_yaml::from_str(&yaml) {
        Ok(v) => v,
        Err(e) => {
            diags.push(yaml_error(path, text, index, &yaml, yaml_start, &e));
            return None;
        }
    };
    let mapping = match value {
        Value::Mapping(m) => m,
        Value::Null => serde_yaml::Mapping::new(),
        _ => {
            diags.push(
                Diagnostic::error(path, yaml_start, 1, "前置信息应是一行一个“键: 值”")
                    .hint("例如 title: 洪武路街道“嵌入式”养老协商议事会")
                    .source(index.line_text(text, yaml_start)),
            );
            return None;
        }
    };
    let positions = key_positions(&yaml, yaml_start);
    let mut entries = Vec::with_capacity(mapping.len());
    for (k, v) in mapping {
        let key = match k {
            Value::String(s) => s,
            other => {
                let shown = scalar_text(&other).unwrap_or_default();
                diags.push(Diagnostic::error(path, yaml_start, 1, format!("键“{shown}”不是文字")));
                continue;
            }
        };
        let (line, column) = positions
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, l, c)| (*l, *c))
            .unwrap_or((yaml_start, 1));
        entries.push(Entry { key, value: v, line, column, last_line: line });
    }
    // Each entry spans until the next key's line.
    let mut starts: Vec<usize> = entries.iter().map(|e| e.line).collect();
    starts.sort_unstable();
    for e in &mut entries {
        let next = starts.iter().find(|&&l| l > e.line).copied().unwrap_or(last_yaml_line + 1);
        e.last_line = next.saturating_sub(1).max(e.line);
    }
    Some(entries)
}

/// The byte offset just past the closing `---` line (the whole text when
/// there is none).
fn head_extent(text: &str) -> usize {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        offset += line.len();
        if i > 0 && line.trim_end() == "---" {
            return offset;
        }
    }
    text.len()
}

fn line_start_offset(text: &str, line: usize) -> usize {
    if line <= 1 {
        return 0;
    }
    text.match_indices('\n').nth(line - 2).map_or(text.len(), |(i, _)| i + 1)
}

/// Top-level keys (no indentation) with their file line and column.
fn key_positions(yaml: &str, first_line: usize) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        if line.starts_with([' ', '#', '-', '\t']) || line.is_empty() {
            continue;
        }
        if let Some(colon) = line.find(':') {
            let key = line[..colon].trim().trim_matches(['"', '\'']);
            if !key.is_empty() {
                out.push((key.to_string(), first_line + i, 1));
            }
        }
    }
    out
}

/// Catches the typing mistakes YAML reports badly. Returns false when the
/// front matter should not be parsed further.
fn lint_lines(path: &str, yaml: &str, first_line: usize, diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    for (i, line) in yaml.lines().enumerate() {
        let line_no = first_line + i;
        if line.starts_with('\t') {
            diags.push(
                Diagnostic::error(path, line_no, 1, "行首用了制表符（Tab）缩进")
                    .hint(
                        "YAML 只能用空格缩进；运行 yishi check --fix 可自动把行首 Tab 换成两个空格",
                    )
                    .source(line),
            );
            ok = false;
            continue;
        }
        if line.starts_with('\u{3000}') {
            diags.push(
                Diagnostic::error(path, line_no, 1, "行首有全角空格")
                    .hint("请删除行首的全角空格（或改为半角空格缩进）")
                    .source(line),
            );
            ok = false;
            continue;
        }
        // key part: optional indentation and "- ", then an ASCII identifier.
        let rest = line.trim_start_matches(' ');
        let rest = rest.strip_prefix("- ").map_or(rest, |r| r.trim_start_matches(' '));
        let rest = rest.strip_prefix("{ ").or_else(|| rest.strip_prefix('{')).unwrap_or(rest);
        let key_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        if key_len == 0 {
            continue;
        }
        let key = &rest[..key_len];
        let after = &rest[key_len..];
        let key_col = line[..line.len() - rest.len()].chars().count() + 1;
        let trimmed = after.trim_start_matches([' ', '\u{3000}']);
        if let Some(value) = trimmed.strip_prefix('：') {
            let column = key_col
                + key.chars().count()
                + after[..after.len() - trimmed.len()].chars().count();
            diags.push(
                Diagnostic::error(path, line_no, column, format!("“{key}”后面用了全角冒号“：”"))
                    .hint(format!(
                        "请改为半角冒号加空格：{key}: {}（yishi check --fix 可自动修正）",
                        value.trim()
                    ))
                    .source(line),
            );
            ok = false;
            continue;
        }
        if after.starts_with('\u{3000}') && trimmed.starts_with(':') {
            diags.push(
                Diagnostic::error(
                    path,
                    line_no,
                    key_col + key.chars().count(),
                    format!("“{key}”和冒号之间有全角空格"),
                )
                .hint(format!("请删除全角空格：{key}: 值"))
                .source(line),
            );
            ok = false;
            continue;
        }
        if let Some(value) = after.strip_prefix(':') {
            let column = key_col + key.chars().count() + 1;
            if value.starts_with('\u{3000}') {
                diags.push(
                    Diagnostic::error(path, line_no, column, format!("“{key}:”后面是全角空格"))
                        .hint(format!(
                            "冒号后面应是半角空格：{key}: {}",
                            value.trim_start_matches('\u{3000}')
                        ))
                        .source(line),
                );
                ok = false;
            } else if !value.is_empty()
                && !value.starts_with([' ', '/'])
                && !line.trim_start().starts_with('-')
                && line.starts_with(|c: char| c.is_ascii_alphabetic())
            {
                diags.push(
                    Diagnostic::error(path, line_no, column, format!("“{key}:”后面缺少空格"))
                        .hint(format!("冒号后面要加一个半角空格：{key}: {value}"))
                        .source(line),
                );
                ok = false;
            }
        }
    }
    ok
}

/// A YAML parser error, in Chinese, at its place in the file.
fn yaml_error(
    path: &str,
    text: &str,
    index: &LineIndex,
    yaml: &str,
    first_line: usize,
    e: &serde_yaml::Error,
) -> Diagnostic {
    let msg = e.to_string();
    let (mut line, mut column) =
        e.location().map_or((1, 1), |l| (first_line + l.line() - 1, l.column()));
    let (message, hint) = if msg.starts_with("mapping values are not allowed") {
        (
            "值里有未加引号的“: ”（冒号加空格）".to_string(),
            "请给整个值加上引号，例如 title: \"议题: 副标题\"，或把值里的冒号改为全角“：”"
                .to_string(),
        )
    } else if let Some(pos) = msg.find("while scanning a quoted scalar at line ") {
        if let Some((l, c)) =
            parse_line_col(&msg[pos + "while scanning a quoted scalar at ".len()..])
        {
            line = first_line + l - 1;
            column = c;
        }
        (
            "引号没有闭合".to_string(),
            "请检查这一行的引号是否成对；值里要用引号时，可改用中文引号“”".to_string(),
        )
    } else if msg.starts_with("found character that cannot start any token") {
        (
            "这里有 YAML 不允许出现在开头的字符".to_string(),
            "请给这个值加上引号，例如 title: \"@某某社区\"".to_string(),
        )
    } else if msg.starts_with("did not find expected ',' or ']'") {
        if let Some(pos) = msg.find("while parsing a flow sequence at ")
            && let Some((l, c)) =
                parse_line_col(&msg[pos + "while parsing a flow sequence at ".len()..])
        {
            line = first_line + l - 1;
            column = c;
        }
        (
            "方括号列表没有闭合或缺少逗号".to_string(),
            "列表写作 [甲, 乙]：用半角方括号和半角逗号，含冒号的项请加引号".to_string(),
        )
    } else if let Some(rest) = msg.strip_prefix("duplicate entry with key ") {
        let key = rest.split(" at line").next().unwrap_or(rest).trim_matches('"').to_string();
        let occurrences: Vec<usize> = yaml
            .lines()
            .enumerate()
            .filter(|(_, l)| l.starts_with(&format!("{key}:")))
            .map(|(i, _)| first_line + i)
            .collect();
        if let Some(&second) = occurrences.get(1) {
            line = second;
            column = 1;
        }
        (format!("字段“{key}”写了两次"), "请删除重复的一行".to_string())
    } else if msg.contains("did not find expected key") || msg.contains("block mapping") {
        (
            "缩进或格式不对".to_string(),
            "每个字段单独一行、顶格写“键: 值”；列表项以“  - ”开头；含冒号或引号的值请加引号"
                .to_string(),
        )
    } else {
        (format!("YAML 格式错误（{msg}）"), "请检查这一行的写法，必要时给值加上引号".to_string())
    };
    Diagnostic::error(path, line, column, message).hint(hint).source(index.line_text(text, line))
}

fn parse_line_col(s: &str) -> Option<(usize, usize)> {
    let s = s.strip_prefix("line ")?;
    let (l, rest) = s.split_once(' ')?;
    let c = rest.strip_prefix("column ")?;
    let c: String = c.chars().take_while(char::is_ascii_digit).collect();
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// A scalar shown as text (`2020`, `true`, `文字`); `None` for lists and maps.
pub fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Document {
        let mut d = Diagnostics::new();
        let doc = parse("a.md", text, &mut d).expect("parses");
        assert!(d.is_empty(), "{:?}", d);
        doc
    }

    fn errors(text: &str) -> Vec<String> {
        let mut d = Diagnostics::new();
        assert!(parse("a.md", text, &mut d).is_none());
        d.sorted().into_iter().map(|d| d.headline()).collect()
    }

    #[test]
    fn records_key_lines_and_body_offset() {
        let text = "---\ntitle: 标题\ndate: 2020-08-07\ntopics:\n  - 养老\n  - 电梯\n---\n正文\n";
        let doc = parse_ok(text);
        assert_eq!(doc.get("date").unwrap().line, 3);
        let topics = doc.get("topics").unwrap();
        assert_eq!((topics.line, topics.last_line), (4, 6));
        assert_eq!(&text[doc.body_offset..], "正文\n");
        let idx = LineIndex::new(text);
        assert_eq!(locate(text, &idx, topics, "电梯"), (6, 5));
    }

    #[test]
    fn full_width_colon_is_named_with_fix() {
        let e = errors("---\ntitle：夫子庙\n---\n");
        assert_eq!(e, vec!["a.md:2:6: 错误: “title”后面用了全角冒号“：”"]);
    }

    #[test]
    fn tab_indentation_is_an_error() {
        let e = errors("---\ntopics:\n\t- 养老\n---\n");
        assert_eq!(e, vec!["a.md:3:1: 错误: 行首用了制表符（Tab）缩进"]);
    }

    #[test]
    fn unquoted_colon_in_value_points_at_it() {
        let e = errors("---\ntitle: 会议: 主题\n---\n");
        assert_eq!(e, vec!["a.md:2:10: 错误: 值里有未加引号的“: ”（冒号加空格）"]);
    }

    #[test]
    fn unterminated_quote_points_at_opening_quote() {
        let e = errors("---\ntitle: \"会议\ndate: 2020-01-01\n---\n");
        assert_eq!(e, vec!["a.md:2:8: 错误: 引号没有闭合"]);
    }

    #[test]
    fn dash_fences_and_missing_close() {
        assert_eq!(errors("———\ntitle: a\n———\n"), vec!["a.md:1:1: 错误: 分隔线写成了“———”"]);
        assert_eq!(errors("---\ntitle: a\n－－－\n"), vec!["a.md:3:1: 错误: 分隔线写成了“－－－”"]);
        assert_eq!(
            errors("---\ntitle: a\n"),
            vec!["a.md:1:1: 错误: 前置信息没有结束：缺少第二个 ---"]
        );
        assert_eq!(errors(""), vec!["a.md:1:1: 错误: 文件是空的"]);
    }

    #[test]
    fn zero_width_characters_are_stripped_with_a_warning() {
        let mut d = Diagnostics::new();
        let doc = parse("a.md", "---\nstreet: 夫子庙\u{200B}街道\n---\n", &mut d).unwrap();
        assert_eq!(doc.get("street").unwrap().value, Value::String("夫子庙街道".into()));
        assert_eq!(
            d.sorted()[0].headline(),
            "a.md:2:12: 警告: 发现看不见的零宽字符 U+200B，已删除"
        );
    }
}
