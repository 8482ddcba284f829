//! `file://` URIs to paths and back. Editors send URIs; the workspace holds
//! paths. Only the `file` scheme names a file steward can load.

use std::path::{Path, PathBuf};

use lsp_types::Uri;

/// The path a `file://` URI names (`None` for other schemes, an authority
/// other than `localhost`, or a path that is not UTF-8 once decoded).
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme_end = text.find(':')?;
    if !text[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_end + 1..].strip_prefix("//")?;
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => return None,
    };
    if !(authority.is_empty() || authority.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let decoded = percent_decode(path)?;
    Some(native(&decoded))
}

#[cfg(windows)]
fn native(path: &str) -> PathBuf {
    // `/C:/x` names `C:\x`.
    let trimmed = match path.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => &path[1..],
        _ => path,
    };
    PathBuf::from(trimmed.replace('/', "\\"))
}

#[cfg(not(windows))]
fn native(path: &str) -> PathBuf {
    PathBuf::from(path)
}

/// The `file://` URI of an absolute path.
pub fn from_path(path: &Path) -> Uri {
    let mut text = String::from("file://");
    let slashed = path.to_string_lossy().replace('\\', "/");
    if !slashed.starts_with('/') {
        text.push('/');
    }
    for byte in slashed.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                text.push(char::from(byte));
            }
            // The drive's colon (`/C:/x`) stays as editors write it.
            b':' if cfg!(windows) => text.push(':'),
            _ => text.push_str(&format!("%{byte:02X}")),
        }
    }
    // Every byte outside the unreserved set is escaped: this always parses.
    text.parse().unwrap_or_else(|_| {
        "file:///"
            .parse()
            .unwrap_or_else(|_| unreachable!("a constant URI parses"))
    })
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A path as the loader names it: canonical, or for a file not on disk (yet)
/// its canonical directory joined with its name.
pub fn canonical(path: &Path) -> PathBuf {
    if let Ok(real) = std::fs::canonicalize(path) {
        return real;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or_else(|_| path.to_path_buf()),
        _ => path.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(text: &str) -> Uri {
        text.parse().expect("test URI")
    }

    #[cfg(not(windows))]
    #[test]
    fn file_uris_round_trip_with_escapes() {
        let path = Path::new("/tmp/a b/Zoë's #1.yaml");
        let u = from_path(path);
        assert_eq!(u.as_str(), "file:///tmp/a%20b/Zo%C3%AB%27s%20%231.yaml");
        assert_eq!(to_path(&u).as_deref(), Some(path));
        assert_eq!(
            to_path(&uri("file://localhost/tmp/x.yaml")).as_deref(),
            Some(Path::new("/tmp/x.yaml"))
        );
    }

    #[test]
    fn other_schemes_and_hosts_are_not_files() {
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/x.yaml")), None);
        assert_eq!(to_path(&uri("file:///bad%FF.yaml")), None);
    }
}
