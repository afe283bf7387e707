//! Problems found in a run: what, where (file, line, column), how to fix it.
//!
//! Every stage pushes into one [`Diagnostics`] collector and keeps going; the
//! binary prints them all, sorted, once, at the end.

use std::fmt::Write as _;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build cannot publish this.
    Error,
    /// Published, but the writer should look (strict mode makes some errors).
    Warning,
}

impl Severity {
    /// The Chinese word printed in the diagnostic line.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        }
    }
}

/// One problem at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Path relative to the site folder, with `/` separators.
    pub path: String,
    /// 1-based line in the file; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    /// A short suggestion ("您是否指 夫子庙街道？").
    pub hint: Option<String>,
    /// The offending source line, for the excerpt.
    pub source_line: Option<String>,
    /// Whether `strict: true` turns this warning into an error.
    pub strict_escalates: bool,
}

impl Diagnostic {
    /// An error at `path:line:column`.
    pub fn error(path: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, line, column, message)
    }

    /// A warning at `path:line:column`.
    pub fn warning(path: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, line, column, message)
    }

    fn new(
        severity: Severity,
        path: &str,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.to_string(),
            line,
            column,
            severity,
            message: message.into(),
            hint: None,
            source_line: None,
            strict_escalates: false,
        }
    }

    /// Adds a hint telling the writer how to fix it.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attaches the source line shown under the message.
    pub fn source(mut self, line: impl Into<String>) -> Self {
        self.source_line = Some(line.into());
        self
    }

    /// Marks a pre-publication warning that `strict: true` makes an error.
    pub fn strict(mut self) -> Self {
        self.strict_escalates = true;
        self
    }

    /// The one-line form `path:line:column: 错误: message`.
    pub fn headline(&self) -> String {
        format!(
            "{}:{}:{}: {}: {}",
            self.path,
            self.line,
            self.column,
            self.severity.label(),
            self.message
        )
    }

    /// Headline, source excerpt with a caret under the column, and the hint.
    pub fn render(&self) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
        let mut out = self.headline();
        out.push('\n');
        let excerpt = self.source_line.as_deref().filter(|s| !s.trim().is_empty() && self.line > 0);
        if excerpt.is_none() && self.hint.is_none() {
            return out;
        }
        let mut group = Group::with_level(Level::NOTE);
        if let Some(source) = excerpt {
            let start = source
                .char_indices()
                .nth(self.column.saturating_sub(1))
                .map(|(i, _)| i)
                .unwrap_or(source.len());
            let end = source[start..].chars().next().map(|c| start + c.len_utf8()).unwrap_or(start);
            group = group.element(
                Snippet::source(source)
                    .line_start(self.line)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        }
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.with_name("提示").message(hint.as_str()));
        }
        let _ = write!(out, "{}", Renderer::plain().render(&[group]));
        out.push('\n');
        out
    }
}

/// All problems of a run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.items.extend(other.items);
    }

    /// True when at least one error (after strict escalation) was found.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    /// Counts of (errors, warnings).
    pub fn counts(&self) -> (usize, usize) {
        let errors = self.items.iter().filter(|d| d.severity == Severity::Error).count();
        (errors, self.items.len() - errors)
    }

    /// Turns strict-escalating warnings into errors (site.yaml `strict: true`).
    pub fn escalate_strict(&mut self) {
        for d in &mut self.items {
            if d.strict_escalates && d.severity == Severity::Warning {
                d.severity = Severity::Error;
            }
        }
    }

    /// Sorted by path, line, column; duplicates removed.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| {
            (&a.path, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.column, b.severity, &b.message))
        });
        self.items.dedup();
        self.items
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// The closest candidate to `wanted`, if it is close enough to suggest.
pub fn closest<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_len = wanted.chars().count();
    candidates
        .into_iter()
        .map(|c| (edit_distance(wanted, c), c))
        .filter(|(d, c)| {
            let longest = wanted_len.max(c.chars().count());
            *d <= (longest / 2).max(1) || c.contains(wanted) || wanted.contains(c)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_street_names() {
        let streets = ["夫子庙街道", "洪武路街道", "秦虹街道"];
        assert_eq!(closest("夫子庙街", streets), Some("夫子庙街道"));
        assert_eq!(closest("洪武街道", streets), Some("洪武路街道"));
        assert_eq!(closest("完全无关的名字啊", streets), None);
    }

    #[test]
    fn suggests_close_keys() {
        assert_eq!(closest("comittee", ["committee", "community", "cover"]), Some("committee"));
    }

    #[test]
    fn headline_has_path_line_column() {
        let d = Diagnostic::error("content/cases/a.md", 3, 9, "未知的街道");
        assert_eq!(d.headline(), "content/cases/a.md:3:9: 错误: 未知的街道");
    }
}
