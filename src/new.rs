//! `yishi new`: scaffolds a case file; never overwrites (not yet implemented).

use crate::diagnostics::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

/// Writes a new case file at `path` (relative to the site folder).
pub fn new_case(
    _root: &Path,
    path: &Path,
    _title: Option<&str>,
    _street: Option<&str>,
    _committee: Option<&str>,
) -> Result<PathBuf, Diagnostics> {
    let mut d = Diagnostics::new();
    d.push(Diagnostic::error(&path.display().to_string(), 0, 0, "yishi new 尚未实现"));
    Err(d)
}
