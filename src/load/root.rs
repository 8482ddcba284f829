//! The workspace root (SPEC §7): the nearest ancestor holding `steward.yaml`,
//! else the nearest holding `.git`, else the checked path itself. The search
//! never passes a `.git` directory: a `steward.yaml` above a repository is
//! not that repository's configuration.
//!
//! A PATH is located as written ([`locate`]): its root is searched along
//! the path the user typed, and a symlink on the way is judged as the walk
//! of that root judges it, so a file gets the same findings checked alone
//! or from its root, and nothing outside the root is read.

use std::ffi::OsStr;
use std::fs;
use std::path::{Component, Path, PathBuf};

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

/// The root a directory is itself, when it holds `steward.yaml` or `.git`.
fn root_at(dir: &Path) -> Option<Root> {
    if has_config(dir) {
        return Some(Root {
            dir: dir.to_path_buf(),
            marker: Marker::Config,
            repository: repository_of(dir),
        });
    }
    has_git(dir).then(|| Root {
        dir: dir.to_path_buf(),
        marker: Marker::Git,
        repository: Some(dir.to_path_buf()),
    })
}

/// The workspace nested in `root` (canonical) that `target` (canonical,
/// inside it; a directory when `is_dir`) lies in: the nearest directory
/// from it up to, not including, `root` that holds `steward.yaml` or
/// `.git`.
pub(super) fn nested_root_of(target: &Path, is_dir: bool, root: &Path) -> Option<Root> {
    let start = if is_dir {
        Some(target)
    } else {
        target.parent()
    };
    start
        .into_iter()
        .flat_map(Path::ancestors)
        .take_while(|d| *d != root && d.starts_with(root))
        .find_map(root_at)
}

/// Whether the walk skips a directory of this name (SPEC §4: hidden
/// directories and `target/`).
pub(super) fn is_skipped_dir(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.first() == Some(&b'.') || name == b"target"
}

/// The workspace a PATH belongs to, and the PATH as its walk meets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    pub root: Root,
    /// Canonical; but where a symlink on the way leads outside the root,
    /// the link's path (below the canonical root) and the rest as written:
    /// the walk reports that link and reads nothing beyond it.
    pub asked: PathBuf,
}

/// Why a PATH is not checked.
#[derive(Debug)]
pub enum LocateError {
    /// It cannot be read: it does not exist, a symlink on it dangles, …
    Io(std::io::Error),
    /// It lies where the walk of its root does not go.
    Skipped {
        /// The root (canonical).
        root: PathBuf,
        /// The hidden or `target/` directory it lies in, or the file itself.
        at: PathBuf,
        why: Skipped,
    },
}

/// What the walk skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// A file that is not `.yaml`/`.yml`.
    NotYaml,
}

impl LocateError {
    /// What `steward: error:` says about `path` (the PATH as given).
    pub fn message(&self, path: &Path) -> String {
        let cwd = super::current_dir();
        match self {
            LocateError::Io(e) => {
                format!("cannot read `{}`: {}", path.display(), super::io_reason(e))
            }
            LocateError::Skipped { root, why, .. } => {
                let head = format!(
                    "`{}` is not part of the workspace at `{}`",
                    path.display(),
                    super::display_path(root, &cwd)
                );
                match why {
                    Skipped::NotYaml => {
                        format!("{head}: steward reads `.yaml` and `.yml` files only")
                    }
                }
            }
        }
    }
}

/// Where a PATH stands (SPEC §7), found along the path as written
/// (relative to the current directory, `..` taken lexically) rather than
/// its resolved target: its root is the nearest directory on that path
/// holding `steward.yaml` or `.git` (a symlinked one too: it is a root of
/// its own), else the PATH itself (a file's directory). Any other symlink
/// on the way is judged as the root's walk judges it: one leading outside
/// the root stops the search there (the walk reports it, and nothing
/// outside is read or judged); one leading inside is followed, into the
/// nested workspace its target lies in, if any. The workspace does not
/// depend on what is asked: a PATH in a hidden directory or `target/` below
/// its root, which the root's walk skips, is a workspace of its own (the
/// PATH itself, as where no marker is found); a file that is not YAML is an
/// error.
///
/// A few system calls per component of the PATH; nothing per file.
pub fn locate(path: &Path) -> Result<Located, LocateError> {
    let written = lexical(&super::current_dir().join(path));
    // A mistyped PATH, or one whose link dangles, is no PATH (a stat of
    // the target, wherever it is; nothing is opened).
    fs::metadata(&written).map_err(LocateError::Io)?;
    let parts: Vec<Component<'_>> = written.components().collect();
    // Where the walk stands (canonical: a link is replaced by its target),
    // the root so far, and the first skipped directory below that root.
    let mut at = PathBuf::new();
    let mut found: Option<Root> = None;
    let mut skipped: Option<PathBuf> = None;
    let mut not_yaml = false;
    for (i, component) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let Component::Normal(name) = component else {
            // The filesystem root (or a drive).
            at.push(component);
            if let Some(root) = root_at(&at) {
                found = Some(root);
            }
            continue;
        };
        let next = at.join(name);
        let meta = fs::symlink_metadata(&next).map_err(LocateError::Io)?;
        if meta.file_type().is_symlink() {
            let target = fs::canonicalize(&next).map_err(LocateError::Io)?;
            let is_dir = fs::metadata(&target).map_err(LocateError::Io)?.is_dir();
            if last && !is_dir && !super::is_yaml_name(Path::new(name)) {
                // The walk goes by the link's name: not a file it reads.
                not_yaml = true;
            }
            if let Some(own) = is_dir.then(|| root_at(&target)).flatten() {
                // A directory on the path as written that holds
                // `steward.yaml` or `.git`: the nearest root so far,
                // wherever the link leads.
                found = Some(own);
                skipped = None;
                at = target;
                continue;
            }
            if let Some(root) = &found {
                if is_dir && is_skipped_dir(name) {
                    skipped.get_or_insert_with(|| next.clone());
                }
                if !target.starts_with(&root.dir) {
                    if skipped.is_some() || not_yaml {
                        // The walk skips it without a word.
                        break;
                    }
                    // The walk reports the link (`io-error`) and stops there.
                    let mut asked = next;
                    asked.extend(&parts[i + 1..]);
                    return Ok(Located {
                        root: root.clone(),
                        asked,
                    });
                }
                // Inside the root: the target's own workspace when it lies
                // in a nested one (the walk leaves it to that workspace).
                if let Some(nested) = nested_root_of(&target, false, &root.dir) {
                    found = Some(nested);
                    skipped = None;
                }
            }
            // The way goes on from the link's target.
            at = target;
            continue;
        }
        at = next;
        if meta.is_dir() {
            if found.is_some() && is_skipped_dir(name) {
                skipped.get_or_insert_with(|| at.clone());
            }
            if let Some(root) = root_at(&at) {
                found = Some(root);
                skipped = None;
            }
        } else if last && !super::is_yaml_name(Path::new(name)) {
            not_yaml = true;
        }
    }
    // Each link on the way was replaced by its target: `at` is canonical.
    let asked = at;
    let root = match found {
        Some(root) => root,
        None => Root {
            dir: if asked.is_dir() {
                asked.clone()
            } else {
                asked
                    .parent()
                    .map_or_else(|| asked.clone(), Path::to_path_buf)
            },
            marker: Marker::Path,
            repository: None,
        },
    };
    if not_yaml {
        return Err(LocateError::Skipped {
            root: root.dir,
            at: asked,
            why: Skipped::NotYaml,
        });
    }
    if skipped.is_some() {
        // Asked for by name, where the root's walk does not go: a workspace
        // of its own, the PATH itself (as where no directory holds a
        // marker), so the workspace it lies below stays as it is.
        let dir = if asked.is_dir() {
            asked.clone()
        } else {
            asked
                .parent()
                .map_or_else(|| asked.clone(), Path::to_path_buf)
        };
        let root = Root {
            dir,
            marker: Marker::Path,
            repository: root.repository,
        };
        return Ok(Located { root, asked });
    }
    Ok(Located { root, asked })
}

/// `path` (absolute) without `.` components, each `..` taking away the
/// component before it: the path as written, no link resolved.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                }
            }
            other => out.push(other),
        }
    }
    out
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

    #[test]
    fn lexical_paths_take_dot_dot_as_written() {
        let p = |s: &str| lexical(Path::new(s));
        assert_eq!(p("/a/./b/../c"), PathBuf::from("/a/c"));
        assert_eq!(p("/a/b/../../.."), PathBuf::from("/"));
        assert_eq!(p("/a/b/"), PathBuf::from("/a/b"));
    }

    #[cfg(unix)]
    #[test]
    fn a_path_is_located_along_the_way_it_is_written() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().expect("tempdir");
        let top = fs::canonicalize(dir.path()).expect("canonical");
        for (file, text) in [
            ("ws/steward.yaml", "kind: Policy"),
            ("ws/real/a.yaml", ""),
            ("ws/inner/steward.yaml", "kind: Policy"),
            ("ws/inner/t.yaml", ""),
            ("ws/.hidden/h.yaml", ""),
            ("ws/notes.txt", ""),
            ("outside/steward.yaml", "kind: Policy"),
            ("outside/dir/o.yaml", ""),
        ] {
            let path = top.join(file);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(path, text).expect("write");
        }
        let ws = top.join("ws");
        symlink("../outside/dir", ws.join("od")).expect("link");
        symlink("real", ws.join("alias")).expect("link");
        symlink("inner/t.yaml", ws.join("t.yaml")).expect("link");
        symlink("../outside", ws.join("foreign")).expect("link");
        let at = |path: &Path| {
            let located = locate(path).expect("located");
            (located.root.dir, located.asked)
        };
        // Beyond a link that leaves the root: the root it was written in,
        // the path as written below the link.
        assert_eq!(
            at(&ws.join("od/o.yaml")),
            (ws.clone(), ws.join("od/o.yaml"))
        );
        assert_eq!(at(&ws.join("real/../od")), (ws.clone(), ws.join("od")));
        // A linked directory that is a root of its own is the nearest root.
        assert_eq!(
            at(&ws.join("foreign/dir/o.yaml")),
            (top.join("outside"), top.join("outside/dir/o.yaml"))
        );
        // Inside: followed, to the nested workspace its target lies in.
        assert_eq!(
            at(&ws.join("alias/a.yaml")),
            (ws.clone(), ws.join("real/a.yaml"))
        );
        assert_eq!(
            at(&ws.join("t.yaml")),
            (ws.join("inner"), ws.join("inner/t.yaml"))
        );
        // Where the walk does not go: asked for by name, a workspace of its
        // own (the PATH's directory), in the same repository.
        let hidden = locate(&ws.join(".hidden/h.yaml")).expect("located");
        assert_eq!(
            (hidden.root.dir, hidden.root.marker, hidden.asked),
            (ws.join(".hidden"), Marker::Path, ws.join(".hidden/h.yaml"))
        );
        for (path, why) in [("notes.txt", Skipped::NotYaml)] {
            match locate(&ws.join(path)) {
                Err(LocateError::Skipped {
                    root, why: found, ..
                }) => {
                    assert_eq!((root, found), (ws.clone(), why), "{path}");
                }
                other => panic!("{path}: {other:?}"),
            }
        }
        assert!(matches!(
            locate(&ws.join("missing.yaml")),
            Err(LocateError::Io(_))
        ));
    }
}
