//! `yishi serve`: live preview (not yet implemented).

use std::path::PathBuf;

/// Options of `yishi serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
    pub drafts: bool,
}

/// Runs the preview server until interrupted.
pub fn serve(_opts: &ServeOptions) -> Result<(), String> {
    Err("yishi serve 尚未实现".into())
}
