//! Runbooks: resolving a pipeline's `runbook:` path safely inside the
//! repository root, and reading its section headings.

use std::fs;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;

use crate::model::Model;
use crate::workspace::{DocId, Workspace};

/// A readable runbook: where it is and its headings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runbook {
    /// Every heading, lowercased, one per line: one allocation per runbook.
    pub headings: Box<str>,
}

impl Runbook {
    /// The required sections no heading contains (case-insensitively).
    pub fn missing<'a>(&self, required: &'a [String]) -> Vec<&'a str> {
        required
            .iter()
            .filter(|section| !self.headings.contains(&section.to_lowercase()))
            .map(String::as_str)
            .collect()
    }
}

/// Every pipeline's runbook, resolved and read once (in parallel) before the
/// rules run: rules never touch the filesystem themselves.
#[derive(Debug, Default)]
pub struct RunbookIndex {
    /// Per `model.pipelines` entry: `None` when it names no runbook.
    entries: Vec<Option<Result<Runbook, RunbookProblem>>>,
}

impl RunbookIndex {
    pub fn build(workspace: &Workspace, model: &Model) -> RunbookIndex {
        let entries = model
            .pipelines
            .par_iter()
            .map(|p| {
                let path = p.item.runbook.as_ref()?;
                Some(resolve(workspace, p.doc, path).and_then(|resolved| {
                    let text = read(&resolved)?;
                    let lowered: Vec<String> =
                        headings(&text).iter().map(|h| h.to_lowercase()).collect();
                    Ok(Runbook {
                        headings: lowered.join("\n").into_boxed_str(),
                    })
                }))
            })
            .collect();
        RunbookIndex { entries }
    }

    /// The runbook of the pipeline at `index` in `model.pipelines`.
    pub fn get(&self, index: usize) -> Option<&Result<Runbook, RunbookProblem>> {
        self.entries.get(index)?.as_ref()
    }
}

/// Runbooks larger than this are read only up to it.
const MAX_RUNBOOK_BYTES: u64 = 4 * 1024 * 1024;

/// Why a runbook path cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunbookProblem {
    /// The path leaves the repository root; it is never opened.
    Escapes {
        how: String,
    },
    Missing {
        resolved: String,
    },
    NotAFile {
        what: String,
    },
    Unreadable {
        reason: String,
    },
}

/// Resolves `runbook` relative to the YAML file of `doc`, refusing anything that
/// leaves the repository root: absolute paths, `..` that climbs out, and
/// symlinks that point outside. Nothing outside the root is read.
pub fn resolve(
    workspace: &Workspace,
    doc: DocId,
    runbook: &str,
) -> Result<PathBuf, RunbookProblem> {
    let document = workspace.doc(doc).ok_or(RunbookProblem::Missing {
        resolved: runbook.to_string(),
    })?;
    let file = document.file;
    let root = workspace
        .file_roots
        .get(file)
        .and_then(|r| workspace.roots.get(*r))
        .cloned()
        .unwrap_or_default();
    let candidate = Path::new(runbook);
    if candidate.has_root() || candidate.is_absolute() {
        return Err(RunbookProblem::Escapes {
            how: "it is an absolute path".to_string(),
        });
    }
    // The YAML file's directory, from its repository-relative path: no
    // filesystem call needed.
    let relative = workspace
        .files
        .get(file)
        .map(|f| PathBuf::from(&f.repo_relative))
        .unwrap_or_default();
    let yaml_dir = root
        .join(relative)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| root.clone());
    let joined = normalize(&yaml_dir.join(candidate));
    if !joined.starts_with(&root) {
        return Err(RunbookProblem::Escapes {
            how: "`..` climbs out of the repository".to_string(),
        });
    }
    // Shown like every other path: relative to the current directory.
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = fs::canonicalize(&cwd).unwrap_or(cwd);
    let display = crate::load::display_path(&joined, &cwd);
    // Follows symlinks without opening the target.
    let canonical = match fs::canonicalize(&joined) {
        Ok(path) => path,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(RunbookProblem::Missing { resolved: display })
        }
        Err(e) => {
            // ELOOP: 40 on Linux, 62 on macOS and the BSDs.
            let reason = if matches!(e.raw_os_error(), Some(40 | 62)) {
                "a symlink loop".to_string()
            } else {
                e.to_string()
            };
            return Err(RunbookProblem::Unreadable { reason });
        }
    };
    if !canonical.starts_with(&root) {
        return Err(RunbookProblem::Escapes {
            how: "a symlink resolves outside the repository".to_string(),
        });
    }
    let meta = fs::metadata(&canonical).map_err(|e| RunbookProblem::Unreadable {
        reason: e.to_string(),
    })?;
    if meta.is_dir() {
        return Err(RunbookProblem::NotAFile {
            what: "a directory".to_string(),
        });
    }
    if !meta.is_file() {
        return Err(RunbookProblem::NotAFile {
            what: "not a regular file (a FIFO, socket or device)".to_string(),
        });
    }
    Ok(canonical)
}

/// Lexically resolves `.` and `..` (without touching the filesystem).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Reads a resolved runbook (a regular file inside the root).
pub fn read(path: &Path) -> Result<String, RunbookProblem> {
    let file = fs::File::open(path).map_err(|e| RunbookProblem::Unreadable {
        reason: match e.kind() {
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        },
    })?;
    let mut bytes = Vec::new();
    file.take(MAX_RUNBOOK_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|e| RunbookProblem::Unreadable {
            reason: e.to_string(),
        })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// The text of every heading (any level, ATX or setext), in order. Headings
/// inside code blocks are not headings.
pub fn headings(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Heading { .. }) => current = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => out.extend(current.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some(h) = current.as_mut() {
                    h.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(h) = current.as_mut() {
                    h.push(' ');
                }
            }
            _ => {}
        }
    }
    out
}

/// The required sections no heading contains (case-insensitively).
pub fn missing_sections<'a>(headings: &[String], required: &'a [String]) -> Vec<&'a str> {
    let lowered: Vec<String> = headings.iter().map(|h| h.to_lowercase()).collect();
    Runbook {
        headings: lowered.join("\n").into_boxed_str(),
    }
    .missing(required)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_of_every_style_but_not_in_code() {
        let md = "# Pipeline Overview\n\nMetrics\n-------\n\n```\n## SLA\n```\n\n    ## Escalation (indented code)\n\n### `Common` issues\n";
        assert_eq!(
            headings(md),
            vec!["Pipeline Overview", "Metrics", "Common issues"]
        );
        let required: Vec<String> = ["overview", "metrics", "common issues", "sla", "escalation"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            missing_sections(&headings(md), &required),
            vec!["sla", "escalation"]
        );
    }

    #[test]
    fn normalize_resolves_dot_dot_lexically() {
        assert_eq!(
            normalize(Path::new("/r/a/../b/./c.md")),
            PathBuf::from("/r/b/c.md")
        );
        assert_eq!(normalize(Path::new("/r/../../x")), PathBuf::from("/x"));
    }
}
