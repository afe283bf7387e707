//! The only writer: renders into a staging folder beside the output and
//! swaps it in at the end, so a failed or killed build leaves the previous
//! output as it was.

use crate::hashing::FastSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Where rendered files go: a staging folder for `build`, memory for `serve`.
pub trait Sink: Sync {
    /// Writes `bytes` at `rel` (a `/`-separated path inside the output).
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()>;
    /// Copies a file to `rel`.
    fn copy(&self, rel: &str, source: &Path) -> io::Result<()>;
}

impl Sink for Staging {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, rel, bytes)
    }
    fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        Staging::copy(self, rel, source)
    }
}

/// A folder being filled; becomes the output on [`Staging::commit`].
pub struct Staging {
    dir: PathBuf,
    output: PathBuf,
    committed: bool,
    /// Folders this build has created.
    made: Mutex<FastSet<PathBuf>>,
}

const STAGING_MARK: &str = ".yishi-staging-";
const OLD_MARK: &str = ".yishi-old-";

fn sibling(output: &Path, mark: &str) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "public".into());
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    parent.join(format!(".{name}{mark}{}", std::process::id()))
}

impl Staging {
    /// Creates a fresh staging folder beside `output`, removing leftovers of
    /// killed builds first.
    pub fn new(output: &Path) -> io::Result<Staging> {
        clean_leftovers(output);
        let dir = sibling(output, STAGING_MARK);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::create_dir(&dir)?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
            committed: false,
            made: Mutex::new(FastSet::default()),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.path_of(rel)?;
        self.make_parent(&path)?;
        std::fs::write(path, bytes)
    }

    /// Copies a file to `rel`.
    pub fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        let path = self.path_of(rel)?;
        self.make_parent(&path)?;
        std::fs::copy(source, path).map(|_| ())
    }

    /// Creates the folder of `path` unless this build already did: a large
    /// site writes thousands of files into each folder, and asking the
    /// file system every time was one system call a file.
    fn make_parent(&self, path: &Path) -> io::Result<()> {
        let Some(parent) = path.parent() else { return Ok(()) };
        let known = |dirs: &FastSet<PathBuf>| dirs.contains(parent);
        if self.made.lock().map(|d| known(&d)).unwrap_or(false) {
            return Ok(());
        }
        std::fs::create_dir_all(parent)?;
        if let Ok(mut dirs) = self.made.lock() {
            dirs.insert(parent.to_path_buf());
        }
        Ok(())
    }

    fn path_of(&self, rel: &str) -> io::Result<PathBuf> {
        let mut p = self.dir.clone();
        for part in rel.split('/') {
            if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("bad output path {rel}"),
                ));
            }
            p.push(part);
        }
        Ok(p)
    }

    /// Replaces the output with the staging folder.
    pub fn commit(mut self) -> io::Result<()> {
        let old = sibling(&self.output, OLD_MARK);
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        let had_output = self.output.exists();
        if had_output {
            std::fs::rename(&self.output, &old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.output) {
            if had_output {
                let _ = std::fs::rename(&old, &self.output);
            }
            return Err(e);
        }
        self.committed = true;
        if had_output {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes staging and old folders left by builds that were killed.
fn clean_leftovers(output: &Path) {
    let name = output.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().to_string();
        for mark in [STAGING_MARK, OLD_MARK] {
            let prefix = format!(".{name}{mark}");
            if let Some(pid) = file.strip_prefix(&prefix) {
                let alive = pid.parse::<u32>().is_ok_and(|p| {
                    p != std::process::id() && Path::new(&format!("/proc/{p}")).exists()
                });
                if alive {
                    continue;
                }
                // Killed between the two renames of a commit: the old output
                // is the only copy, so it goes back in place.
                if mark == OLD_MARK && !output.exists() {
                    let _ = std::fs::rename(entry.path(), output);
                } else {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
}
