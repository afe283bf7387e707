//! `yishi check --fix`: the lossless repairs only — re-encode GBK or
//! BOM-prefixed files as plain UTF-8, turn a full-width colon after a
//! front matter key into `: `, and replace leading tabs in front matter
//! with spaces. Nothing else is touched (line ends are kept as they are).

use std::path::{Path, PathBuf};

/// One change made to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: String,
    pub line: usize,
    pub what: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}：{}", self.path, self.what)
        } else {
            write!(f, "{}:{}：{}", self.path, self.line, self.what)
        }
    }
}

/// Fixes site.yaml and every `.md` under content/; returns what changed.
pub fn fix_site(root: &Path) -> Result<Vec<String>, String> {
    let mut files: Vec<PathBuf> = vec![root.join("site.yaml")];
    let content = root.join("content");
    for entry in walkdir::WalkDir::new(&content).sort_by_file_name().into_iter().flatten() {
        let p = entry.path();
        if entry.file_type().is_file()
            && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
        {
            files.push(p.to_path_buf());
        }
    }
    let mut changes = Vec::new();
    for path in files {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let is_yaml = rel == "site.yaml";
        let Some((fixed, file_changes)) = fix_bytes(&rel, &bytes, is_yaml) else { continue };
        if file_changes.is_empty() {
            continue;
        }
        let tmp = path.with_extension("yishi-fix.tmp");
        std::fs::write(&tmp, fixed.as_bytes()).map_err(|e| format!("{rel}: {e}"))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("{rel}: {e}"))?;
        changes.extend(file_changes.into_iter().map(|c| c.to_string()));
    }
    Ok(changes)
}

/// Pure: the fixed text and the list of changes; `None` when the bytes are
/// not decodable text (left for `check` to report).
pub fn fix_bytes(
    rel: &str,
    bytes: &[u8],
    whole_file_is_yaml: bool,
) -> Option<(String, Vec<Change>)> {
    let mut changes = Vec::new();
    if bytes.contains(&0) {
        return None;
    }
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        changes.push(Change { path: rel.into(), line: 0, what: "去掉 UTF-8 BOM".into() });
        String::from_utf8(rest.to_vec()).ok()?
    } else if let Ok(s) = std::str::from_utf8(bytes) {
        s.to_string()
    } else {
        let s = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
        if s.contains('\u{FFFD}') {
            return None;
        }
        changes
            .push(Change { path: rel.into(), line: 0, what: "由 GBK 编码转为 UTF-8".into() });
        s.into_owned()
    };
    let mut out = String::with_capacity(text.len());
    let mut in_front = whole_file_is_yaml;
    let mut seen_open = whole_file_is_yaml;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let line_no = i + 1;
        let (content, ending) = split_ending(line);
        if !whole_file_is_yaml && content.trim_end() == "---" {
            if !seen_open && i == 0 {
                seen_open = true;
                in_front = true;
            } else if in_front {
                in_front = false;
            }
            out.push_str(line);
            continue;
        }
        if !in_front {
            out.push_str(line);
            continue;
        }
        let mut fixed = content.to_string();
        let tabs = fixed.len() - fixed.trim_start_matches('\t').len();
        if tabs > 0 {
            fixed = format!("{}{}", "  ".repeat(tabs), &fixed[tabs..]);
            changes.push(Change {
                path: rel.into(),
                line: line_no,
                what: "行首 Tab 改为空格".into(),
            });
        }
        if let Some(f) = fix_full_width_colon(&fixed) {
            fixed = f;
            changes.push(Change {
                path: rel.into(),
                line: line_no,
                what: "键后的全角冒号“：”改为半角“: ”".into(),
            });
        }
        out.push_str(&fixed);
        out.push_str(ending);
    }
    Some((out, changes))
}

fn split_ending(line: &str) -> (&str, &str) {
    if let Some(c) = line.strip_suffix("\r\n") {
        (c, "\r\n")
    } else if let Some(c) = line.strip_suffix('\n') {
        (c, "\n")
    } else {
        (line, "")
    }
}

/// `title：值` → `title: 值` (also after `- ` and indentation).
fn fix_full_width_colon(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let rest = &line[indent..];
    let (dash, rest) = match rest.strip_prefix("- ") {
        Some(r) => ("- ", r),
        None => ("", rest),
    };
    let key_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    if key_len == 0 {
        return None;
    }
    let after = rest[key_len..].trim_start_matches([' ', '\u{3000}']);
    let value = after.strip_prefix('：')?;
    let value = value.trim_start_matches([' ', '\u{3000}']);
    Some(format!("{}{dash}{}: {value}", &line[..indent], &rest[..key_len]).trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixes_colons_and_tabs_in_front_matter_only() {
        let src =
            "---\r\ntitle：夫子庙\r\ntopics:\r\n\t- 养老\r\n---\r\n正文：不改\r\n\t缩进不改\r\n";
        let (out, changes) = fix_bytes("a.md", src.as_bytes(), false).unwrap();
        assert_eq!(
            out,
            "---\r\ntitle: 夫子庙\r\ntopics:\r\n  - 养老\r\n---\r\n正文：不改\r\n\t缩进不改\r\n"
        );
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].to_string(), "a.md:2：键后的全角冒号“：”改为半角“: ”");
    }

    #[test]
    fn re_encodes_gbk_and_strips_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("---\ntitle: 养老\n---\n");
        let (out, changes) = fix_bytes("a.md", &gbk, false).unwrap();
        assert_eq!(out, "---\ntitle: 养老\n---\n");
        assert_eq!(changes[0].what, "由 GBK 编码转为 UTF-8");
        let (out, changes) = fix_bytes("a.md", "\u{FEFF}---\n".as_bytes(), false).unwrap();
        assert_eq!(out, "---\n");
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn leaves_clean_files_alone() {
        let src = "---\ntitle: 标题：副标题\n---\n正文\n";
        let (out, changes) = fix_bytes("a.md", src.as_bytes(), false).unwrap();
        assert_eq!(out, src);
        assert!(changes.is_empty());
    }
}
