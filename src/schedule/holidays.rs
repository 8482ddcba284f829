//! Holiday calendars: builtin ones computed for any year, and user calendars.

/// Names of the builtin calendars.
pub const BUILTIN_CALENDARS: [&str; 2] = ["us-federal", "us-major"];
