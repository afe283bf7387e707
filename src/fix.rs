//! `yishi check --fix`: the lossless repairs only (not yet implemented).

use std::path::Path;

/// Applies lossless fixes below `root`; returns what changed.
pub fn fix_site(_root: &Path) -> Result<Vec<String>, String> {
    Ok(Vec::new())
}
