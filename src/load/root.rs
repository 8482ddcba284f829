//! The workspace root (SPEC §7): the nearest ancestor holding `steward.yaml`,
//! else the nearest holding `.git`, else the checked path itself. The search
//! never passes a `.git` directory: a `steward.yaml` above a repository is
//! not that repository's configuration.

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace configuration file at a root.
pub const CONFIG_FILE: &str = "steward.yaml";

/// What made a directory a workspace root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// It holds `steward.yaml`.
    Config,
    /// It holds `.git` (and no `steward.yaml`).
    Git,
    /// Nothing: the checked path itself.
    Path,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// Canonical.
    pub dir: PathBuf,
    pub marker: Marker,
    /// The repository the root lies in (nearest `.git` at or above it), for
    /// repository-relative paths in SARIF; `None` outside git.
    pub repository: Option<PathBuf>,
}

impl Root {
    /// `steward.yaml`, when the root has one.
    pub fn config(&self) -> Option<PathBuf> {
        (self.marker == Marker::Config).then(|| self.dir.join(CONFIG_FILE))
    }

    /// Where repository-relative paths start: the repository, else the root.
    pub fn repository_or_root(&self) -> &Path {
        self.repository.as_deref().unwrap_or(&self.dir)
    }
}

/// The canonical directory a PATH is judged from: itself, or a file's directory.
pub fn start_dir(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = fs::canonicalize(path)?;
    if absolute.is_dir() {
        return Ok(absolute);
    }
    Ok(absolute.parent().map(Path::to_path_buf).unwrap_or(absolute))
}

fn has_config(dir: &Path) -> bool {
    dir.join(CONFIG_FILE).is_file()
}

fn has_git(dir: &Path) -> bool {
    dir.join(".git").exists()
}

/// Whether a directory below a root starts a workspace of its own.
pub fn is_nested_root(dir: &Path) -> bool {
    has_config(dir) || has_git(dir)
}

/// The root of the workspace that `start` (canonical, a directory) belongs to.
pub fn discover(start: &Path) -> Root {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if has_config(d) {
            return Root {
                dir: d.to_path_buf(),
                marker: Marker::Config,
                repository: repository_of(d),
            };
        }
        if has_git(d) {
            return Root {
                dir: d.to_path_buf(),
                marker: Marker::Git,
                repository: Some(d.to_path_buf()),
            };
        }
        dir = d.parent();
    }
    Root {
        dir: start.to_path_buf(),
        marker: Marker::Path,
        repository: None,
    }
}

/// The nearest ancestor (or `dir` itself) holding `.git`.
pub fn repository_of(dir: &Path) -> Option<PathBuf> {
    dir.ancestors().find(|d| has_git(d)).map(Path::to_path_buf)
}

/// `path` relative to `base` (both canonical), with `..` where it is not
/// below it; `/`-separated. `None` when they share no prefix (other drives).
pub fn relative(path: &Path, base: &Path) -> Option<String> {
    let path_parts: Vec<_> = path.components().collect();
    let base_parts: Vec<_> = base.components().collect();
    let common = path_parts
        .iter()
        .zip(&base_parts)
        .take_while(|(a, b)| a == b)
        .count();
    if common == 0 {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    for _ in common..base_parts.len() {
        parts.push("..".to_string());
    }
    for part in &path_parts[common..] {
        parts.push(part.as_os_str().to_string_lossy().into_owned());
    }
    if parts.is_empty() {
        return Some(".".to_string());
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_climb_with_dot_dot() {
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            relative(&p("/a/b/c.yaml"), &p("/a")).as_deref(),
            Some("b/c.yaml")
        );
        assert_eq!(
            relative(&p("/a/x.yaml"), &p("/a/b")).as_deref(),
            Some("../x.yaml")
        );
        assert_eq!(relative(&p("/a"), &p("/a")).as_deref(), Some("."));
        assert_eq!(
            relative(&p("/x/y"), &p("/a/b")).as_deref(),
            Some("../../x/y")
        );
    }
}
