//! Command-line interface: argument parsing and dispatch. Exit codes: 0 no
//! failing finding, 1 failing findings, 2 the tool could not do its job.

use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};

use crate::baseline::{Baseline, Scope};
use crate::check::{self, CheckError, CheckOptions};
use crate::did_you_mean::did_you_mean;
use crate::document::Kind;
use crate::finding::Severity;
use crate::fix;
use crate::init;
use crate::load::LoadOptions;
use crate::plan;
use crate::policy::Policy;
use crate::report::{self, Format, RenderOptions, Report, Summary};
use crate::review;
use crate::rules::{self, RULES};
use crate::schedule::render::{self as schedule_render, ScheduleFormat};
use crate::schema;

#[derive(Debug, Parser)]
#[command(
    name = "steward",
    version = version_text(),
    about = "Lint data-pipeline ownership, runbooks and on-call rotations",
    long_about = "steward checks the YAML definitions of a data team's pipelines, owners, on-call \
rotations and holiday calendars, and the Markdown runbooks beside them, against JSON Schemas and \
policy rules, and points at the exact line and column of every problem.",
    after_help = "Examples:
  steward check                        lint the current directory
  steward check --format sarif -o steward.sarif
  steward explain unknown-reference    what a rule checks and how to fix it
  steward completions bash > /etc/bash_completion.d/steward

Exit status: 0 no error findings (with --strict: no findings), 1 findings, 2 steward could not run.
Run `steward explain RULE` for a rule's documentation."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(CheckArgs),
    /// List every rule with its default severity and summary.
    Rules(RulesArgs),
    /// Show a rule's documentation: what it checks, why, an example, how to fix it.
    Explain {
        /// A rule id, such as `distinct-owners`.
        rule: String,
    },
    /// Show the expanded rotations: shifts, holidays, leave and load per person.
    Schedule(ScheduleArgs),
    /// Show what the working tree changes compared with a git revision: shifts
    /// reassigned, load per person, findings fixed and introduced.
    Diff(DiffArgs),
    /// Plan a rotation that passes every rotation rule: print it, or --write it.
    Suggest(SuggestArgs),
    /// Write a small commented workspace that passes `steward check`, to start from.
    Init(InitArgs),
    /// Print the JSON Schema of a document kind (for editors), or list the kinds.
    Schema {
        /// Team, Pipeline, Rotation, Holidays or Policy.
        kind: Option<String>,
    },
    /// Print a shell completion script.
    #[command(after_help = "Examples:
  steward completions bash > ~/.local/share/bash-completion/completions/steward
  steward completions zsh > \"${fpath[1]}/_steward\"
  steward completions fish > ~/.config/fish/completions/steward.fish")]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
    /// Run the language server on stdin/stdout, for editors.
    Lsp(LspArgs),
    /// Print the man page (roff) of steward or of one of its commands.
    #[command(after_help = "Examples:
  steward man | man -l -
  steward man check > steward-check.1")]
    Man {
        /// A command, such as `check`; default: steward itself.
        command: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

const CHECK_EXAMPLES: &str = "Examples:
  steward check                                 the current directory, for people
  steward check pipelines/ team.yaml --strict   warnings fail too
  steward check --format json | jq '.summary'
  steward check --format sarif --output steward.sarif
  steward check --format github --also-write markdown=summary.md --also-write sarif=steward.sarif

Exit status: 0 no error findings (with --strict: no findings), 1 findings, 2 steward could not run.";

/// `FORMAT=FILE` of `--also-write`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlsoWrite {
    pub format: Format,
    pub path: PathBuf,
}

fn parse_also_write(text: &str) -> Result<AlsoWrite, String> {
    let Some((name, path)) = text.split_once('=') else {
        return Err(format!(
            "`{text}` is not FORMAT=FILE, such as `sarif=steward.sarif`"
        ));
    };
    let format = Format::from_str(name, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!("unknown format `{name}`; use one of {}", names.join(", "))
    })?;
    if path.is_empty() {
        return Err(format!("`{text}` names no file after `=`"));
    }
    Ok(AlsoWrite {
        format,
        path: PathBuf::from(path),
    })
}

#[derive(Debug, Args)]
#[command(after_help = CHECK_EXAMPLES)]
pub struct CheckArgs {
    /// Files or directories to check (directories are walked recursively).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the same run's report in FORMAT to FILE (repeatable), e.g.
    /// `--also-write sarif=steward.sarif`; the check runs once.
    #[arg(long, value_name = "FORMAT=FILE", value_parser = parse_also_write)]
    pub also_write: Vec<AlsoWrite>,
    /// Use the Policy document in FILE instead of the workspace's or the default.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The date "today" for time-relative rules [default: the local date].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Fail on warnings too.
    #[arg(long)]
    pub strict: bool,
    /// When to use colours (NO_COLOR is respected with `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Larger files are reported and not parsed.
    #[arg(long, value_name = "BYTES", default_value_t = LoadOptions::default().max_file_size)]
    pub max_file_size: u64,
    /// No workspace discovery: check exactly the given paths, with the builtin
    /// policy unless --policy is given or a Policy document is among them.
    #[arg(long)]
    pub isolated: bool,
    /// Compare with the workspace as it is at git revision REV (read from
    /// git, never checked out): runs `schedule-change`; see --only-new.
    #[arg(long, value_name = "REV", conflicts_with = "isolated")]
    pub base: Option<String>,
    /// Report only findings that the --base revision does not have (matched
    /// by rule, file, document, JSON pointer and message; never by line).
    #[arg(long, requires = "base")]
    pub only_new: bool,
    /// Hide the findings recorded in FILE (written by --write-baseline);
    /// its entries that no longer occur are counted.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every current finding (not suppressed in source) in FILE, and
    /// hide them: adopt steward on an existing repository, then see only new
    /// findings with --baseline FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Apply the safe fixes, then report what remains.
    #[arg(long)]
    pub fix: bool,
    /// Apply the unsafe fixes too (implies --fix, or widens --diff).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the fixes as a unified diff and write nothing; exit 1 when there
    /// is something to fix.
    #[arg(long, conflicts_with_all = ["format", "also_write", "write_baseline"])]
    pub diff: bool,
}

#[derive(Debug, Args)]
#[command(after_help = "Examples:
  steward diff main                          what this branch changes, for people
  steward diff origin/main --format markdown >> \"$GITHUB_STEP_SUMMARY\"
  steward diff HEAD~1 rotations/ --format json | jq '.shifts'

The revision is read from git without checking it out. Exit status: 0 compared, 2 steward could not run (no repository, unknown revision, bad flags).")]
pub struct DiffArgs {
    /// The git revision to compare with (a commit, branch, tag, `HEAD~1`).
    #[arg(value_name = "REV")]
    pub rev: String,
    /// Files or directories whose rotations and findings to compare.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = review::diff::DiffFormat::Human)]
    pub format: review::diff::DiffFormat,
    /// Write the diff to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Use the Policy document in FILE (for both sides) instead of each side's own.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// The date "today": shifts over before it are not compared [default: the local date].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Larger files are reported and not parsed.
    #[arg(long, value_name = "BYTES", default_value_t = LoadOptions::default().max_file_size)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// Files or directories to read (directories are walked recursively).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ScheduleFormat::Table)]
    pub format: ScheduleFormat,
    /// Show only shifts that end on or after this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// Show only shifts that start on or before this day.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub to: Option<NaiveDate>,
    /// The date "today", marked in the table [default: the local date].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Show times in this IANA time zone (e.g. America/New_York) [default: each rotation's own].
    #[arg(long, value_name = "ZONE", value_parser = crate::schedule::time::parse_zone)]
    pub time_zone: Option<crate::schedule::time::Tz>,
    /// Write the schedule to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Larger files are reported and not parsed.
    #[arg(long, value_name = "BYTES", default_value_t = LoadOptions::default().max_file_size)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Prints the rotation as a Rotation document with explicit `shifts:` on stdout and the trade-offs on stderr; --write replaces the rotation's schedule in its file instead, keeping the rest of the file as it is.\nExit status: 0 the suggestion passes every rotation rule, 1 it had to compromise (the best schedule is still printed or written), 2 steward could not run."
)]
pub struct SuggestArgs {
    /// Id of the rotation to plan.
    #[arg(long, value_name = "ID")]
    pub rotation: String,
    /// Files or directories to read (directories are walked recursively).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// First new shift: a shift start or the rotation's end (earlier shifts are kept) [default: the first shift starting on or after today, else the rotation's end if the shift from there holds today].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub from: Option<NaiveDate>,
    /// New shifts start while before this day; shifts from it on are kept [default: the rotation's end, or today + the schedule-horizon if later].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub until: Option<NaiveDate>,
    /// Seed of the search: the same seed gives the same schedule.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub seed: u64,
    /// Search budget: moves to try before settling for the best schedule found.
    #[arg(long, value_name = "N")]
    pub steps: Option<u64>,
    /// The date "today" [default: the local date].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
    /// Use the Policy document in FILE instead of the workspace's or the default.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Replace the rotation's schedule in its file instead of printing it.
    #[arg(long)]
    pub write: bool,
    /// Larger files are reported and not parsed.
    #[arg(long, value_name = "BYTES", default_value_t = LoadOptions::default().max_file_size)]
    pub max_file_size: u64,
}

#[derive(Debug, Args)]
#[command(after_help = "Example:
  steward init data --team data-eng --members emily,john,priya,david --calendar us-federal

Never overwrites: if any file it would write exists, it writes nothing (exit 2).")]
pub struct InitArgs {
    /// The directory to write the workspace in (created if missing).
    #[arg(value_name = "DIR", default_value = ".")]
    pub dir: PathBuf,
    /// The team's id (lower-kebab-case).
    #[arg(long, value_name = "ID")]
    pub team: String,
    /// The team's member ids, comma-separated: at least 4, the rotation's roster.
    #[arg(long, value_name = "ID,ID,…", value_delimiter = ',', required = true)]
    pub members: Vec<String>,
    /// A builtin holiday calendar for the rotation (us-federal, us-major)
    /// instead of a calendar of the team's own.
    #[arg(long, value_name = "NAME")]
    pub calendar: Option<String>,
    /// The date "today": the rotation starts on its week's Monday [default: the local date].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Editors start it and speak the Language Server Protocol over stdin and stdout; see the README, \"Editor integration\".\nExit status: 0 after the client's shutdown and exit, 1 when the client exits or goes away without shutdown."
)]
pub struct LspArgs {
    /// The date "today" for time-relative rules [default: the local date].
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub today: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `0.2.0 (tzdb 2025b)`: the time zone database compiled in decides every handoff.
fn version_text() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        format!(
            "{} (tzdb {})",
            env!("CARGO_PKG_VERSION"),
            crate::schedule::time::TZDB_VERSION
        )
    })
}

/// Exactly what the YAML files accept: `YYYY-MM-DD`, zero-padded, nothing
/// around it (chrono alone would take `2026-1-5` and a leading space).
fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| format!("`{text}` is not a date in the form YYYY-MM-DD"))
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    let code = match cli.command {
        // On a worker of the thread pool, not beside it: with one thread
        // (RAYON_NUM_THREADS=1) the whole check then allocates from one
        // malloc arena instead of two (3 MB less at 100k pipelines).
        Command::Check(args) => rayon::scope(|_| run_check(&args)),
        Command::Rules(args) => run_rules(&args),
        Command::Explain { rule } => run_explain(&rule),
        Command::Schedule(args) => run_schedule(&args),
        Command::Diff(args) => run_diff(&args),
        Command::Suggest(args) => run_suggest(&args),
        Command::Init(args) => run_init(args),
        Command::Schema { kind } => run_schema(kind.as_deref()),
        Command::Completions { shell } => run_completions(shell),
        Command::Man { command } => run_man(command.as_deref()),
        Command::Lsp(args) => crate::lsp::run(crate::lsp::Options {
            today: args.today,
            from_scratch: false,
        }),
    };
    ExitCode::from(code)
}

fn fatal(message: &str) -> u8 {
    eprintln!("steward: error: {message}");
    2
}

fn use_color(choice: Color, to_terminal: bool) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

/// The options every command that loads a workspace shares: paths (default
/// `.`), policy, "today" (default: the local date) and the file size limit.
fn check_options(
    paths: &[PathBuf],
    policy: Option<PathBuf>,
    today: Option<NaiveDate>,
    max_file_size: u64,
) -> CheckOptions {
    CheckOptions {
        paths: if paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            paths.to_vec()
        },
        policy,
        today: today.unwrap_or_else(|| chrono::Local::now().date_naive()),
        load: LoadOptions {
            max_file_size,
            ..LoadOptions::default()
        },
    }
}

/// Runs `check` and returns the exit code.
pub fn run_check(args: &CheckArgs) -> u8 {
    let mut options = check_options(
        &args.paths,
        args.policy.clone(),
        args.today,
        args.max_file_size,
    );
    options.load.isolated = args.isolated;
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let render_options = RenderOptions {
        color: use_color(args.color, to_terminal),
        width: if to_terminal { terminal_width() } else { 100 },
    };
    if let Some(message) = colliding_outputs(args) {
        return fatal(&message);
    }
    if args.diff {
        return match fix::run::diff(&options, args.unsafe_fixes, args.output.as_deref()) {
            Ok(code) => code,
            Err(message) => fatal(&message),
        };
    }
    if args.fix || args.unsafe_fixes {
        match fix::run::apply(&options, args.unsafe_fixes) {
            Ok(notes) => eprint!("{notes}"),
            Err(CheckError::Fatal(message)) => return fatal(&message),
            // The check below reports the invalid policy.
            Err(CheckError::InvalidPolicy(_)) => {}
        }
    }
    let mut baseline = match args.baseline.as_deref().map(Baseline::read).transpose() {
        Ok(baseline) => baseline,
        Err(message) => return fatal(&message),
    };
    let mut preexisting = None;
    let outcome = match review::check_all(&options, args.base.as_deref()) {
        Ok(mut outcomes) => {
            fix::run::withdraw_refused(&mut outcomes);
            if args.only_new {
                preexisting = Some(review::base_counts(&outcomes));
            }
            check::Combined::new(outcomes)
        }
        Err(CheckError::Fatal(message)) => return fatal(&message),
        Err(CheckError::InvalidPolicy(invalid)) => {
            let check::InvalidPolicy {
                workspace,
                findings,
            } = *invalid;
            let errors = findings.len();
            let report = Report {
                files: &workspace.files,
                findings,
                summary: Summary {
                    errors,
                    files: 1,
                    ..Summary::default()
                },
                rules: Vec::new(),
                judged: Vec::new(),
                checked: Vec::new(),
                strict: false,
                known: Vec::new(),
            };
            let options = RenderOptions {
                color: use_color(args.color, io::stderr().is_terminal()),
                width: 100,
            };
            let mut stderr = io::stderr().lock();
            let _ = writeln!(stderr, "steward: error: the policy file is invalid:\n");
            let _ = report::human::render(&report, &options, &mut stderr);
            return 2;
        }
    };
    let mut report = outcome.report();
    report.strict = args.strict;
    let scope = Scope::of(&options.paths, args.isolated);
    if let Some(path) = &args.write_baseline {
        let mut recorded = Baseline::record(&report.findings);
        let found = recorded.findings();
        // A run over some PATHs re-records those: the baseline's entries for
        // files it did not check stay (never a silent loss of entries).
        if scope != Scope::Everything && path.exists() {
            match Baseline::read(path) {
                Ok(previous) => recorded = recorded.keeping_outside(&previous, &scope),
                Err(message) => {
                    return fatal(&format!(
                        "{message}; this run checks only some paths, so it would replace the entries for the others: write the baseline from the whole workspace, or remove the file"
                    ))
                }
            }
        }
        if let Err(message) = recorded.write(path) {
            return fatal(&message);
        }
        let kept = recorded.findings().saturating_sub(found);
        let kept = if kept > 0 {
            format!(
                " ({} outside the checked paths kept)",
                plural(kept, "finding")
            )
        } else {
            String::new()
        };
        eprintln!(
            "steward: recorded {} in baseline `{}`{kept}",
            plural(found, "finding"),
            path.display()
        );
        baseline = Some(recorded);
    }
    if let Some(baseline) = &baseline {
        baseline.apply(&mut report, &scope);
    }
    if let Some(before) = &mut preexisting {
        review::only_new(&mut report, before);
    }
    // Files first: a run whose extra reports cannot be written fails (exit 2)
    // before it prints anything.
    let file_options = RenderOptions {
        color: false,
        width: 100,
    };
    for also in &args.also_write {
        let mut buffer = Vec::new();
        if let Err(e) = report::render(also.format, &report, &file_options, &mut buffer) {
            return fatal(&format!("cannot render the report: {e}"));
        }
        if let Err(e) = crate::edit::replace(&also.path, &buffer) {
            return fatal(&e);
        }
    }
    let mut buffer = Vec::new();
    if let Err(e) = report::render(args.format, &report, &render_options, &mut buffer) {
        return fatal(&format!("cannot render the report: {e}"));
    }
    let written = match &args.output {
        Some(path) => crate::edit::replace(path, &buffer),
        None => {
            let mut stdout = io::stdout().lock();
            stdout
                .write_all(&buffer)
                .and_then(|()| stdout.flush())
                .map_err(|e| format!("cannot write the report: {e}"))
        }
    };
    if let Err(message) = written {
        return fatal(&message);
    }
    let code = exit_code(&report.summary, args.strict);
    // The process ends here: freeing a large workspace item by item only
    // costs time (a tenth of a 10k-pipeline run).
    std::mem::forget(report);
    std::mem::forget(outcome);
    code
}

/// Two reports asked into one file would overwrite each other silently.
fn colliding_outputs(args: &CheckArgs) -> Option<String> {
    let mut seen: Vec<(PathBuf, String)> = Vec::new();
    let named = args
        .output
        .iter()
        .map(|p| (p, "--output".to_string()))
        .chain(
            args.write_baseline
                .iter()
                .map(|p| (p, "--write-baseline".to_string())),
        )
        .chain(args.also_write.iter().map(|a| {
            let format = a
                .format
                .to_possible_value()
                .map_or_else(String::new, |v| v.get_name().to_string());
            (&a.path, format!("--also-write {format}="))
        }));
    for (path, flag) in named {
        // Compare where the files will be: the directory resolved, the name as given.
        let key = match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => {
                let dir = if parent.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    parent.to_path_buf()
                };
                fs::canonicalize(&dir).unwrap_or(dir).join(name)
            }
            _ => path.clone(),
        };
        if let Some((_, first)) = seen.iter().find(|(k, _)| *k == key) {
            return Some(format!(
                "`{}` is named by both {first} and {flag}: each report needs a file of its own",
                path.display()
            ));
        }
        seen.push((key, flag));
    }
    None
}

pub fn exit_code(summary: &Summary, strict: bool) -> u8 {
    let failing = summary.errors + if strict { summary.warnings } else { 0 };
    u8::from(failing > 0)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w| *w >= 40)
        .unwrap_or(100)
}

fn run_rules(args: &RulesArgs) -> u8 {
    let policy = match Policy::builtin("default") {
        Ok(p) => p,
        Err(e) => return fatal(&e),
    };
    let severity = |id: &str| policy.severity(id).map_or("off", Severity::as_str);
    let mut out = String::new();
    if args.json {
        let list: Vec<serde_json::Value> = RULES
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.id,
                    "severity": severity(r.id),
                    "summary": r.summary,
                })
            })
            .collect();
        out = serde_json::to_string_pretty(&list).unwrap_or_default();
        out.push('\n');
    } else {
        let width = RULES.iter().map(|r| r.id.len()).max().unwrap_or(0);
        out.push_str(&format!("{:width$}  {:8}  SUMMARY\n", "RULE", "SEVERITY"));
        for r in RULES {
            out.push_str(&format!(
                "{:width$}  {:8}  {}\n",
                r.id,
                severity(r.id),
                r.summary
            ));
        }
    }
    print(&out)
}

fn print(text: &str) -> u8 {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => 0,
        // A closed pipe (`steward rules | head`) is not an error worth a code.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => fatal(&format!("cannot write: {e}")),
    }
}

/// The text of `steward explain RULE`.
pub fn explain_text(rule: &rules::Rule, policy: &Policy) -> String {
    let setting = policy.setting(rule.id);
    let severity = setting
        .and_then(|s| s.severity)
        .map_or("off", Severity::as_str);
    let mut text = format!(
        "# {}\n\n{}\n\nDefault severity: {severity}\n",
        rule.id, rule.summary
    );
    if let Some(options) = rule
        .options
        .and_then(|o| serde_json::from_str::<serde_json::Value>(o).ok())
    {
        if let Some(map) = options.as_object() {
            text.push_str("\nParameters (set them in a Policy under `rules:`):\n");
            for (name, spec) in map {
                let description = spec
                    .get("description")
                    .and_then(|d| d.as_str())
                    .unwrap_or("");
                let default = setting
                    .and_then(|s| s.params.get(name))
                    .map(|v| format!(" (default: {v})"))
                    .unwrap_or_default();
                text.push_str(&format!("  {name}: {description}{default}\n"));
            }
        }
    }
    text.push('\n');
    text.push_str(rule.explanation.trim_end());
    text.push('\n');
    text
}

fn run_explain(id: &str) -> u8 {
    let Some(rule) = rules::find(id) else {
        let mut message = format!("unknown rule `{id}`");
        if let Some(best) = did_you_mean(id, rules::ids()) {
            message.push_str(&format!("; did you mean `{best}`?"));
        }
        message.push_str(" (run `steward rules` for the list)");
        return fatal(&message);
    };
    match Policy::builtin("default") {
        Ok(policy) => print(&explain_text(rule, &policy)),
        Err(e) => fatal(&e),
    }
}

fn run_completions(shell: clap_complete::Shell) -> u8 {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, "steward", &mut out);
    print(&String::from_utf8_lossy(&out))
}

fn run_man(name: Option<&str>) -> u8 {
    let mut command = Cli::command();
    // Building names the subcommands `steward-check` (title) and `steward check` (synopsis).
    command.build();
    let page = match name {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                return fatal(&format!(
                    "unknown command `{name}`; steward has {}",
                    names.join(", ")
                ));
            }
        },
    };
    let mut out = Vec::new();
    let man = clap_mangen::Man::new(page)
        .source(format!("steward {}", env!("CARGO_PKG_VERSION")))
        .manual("steward manual");
    if let Err(e) = man.render(&mut out) {
        return fatal(&format!("cannot render the man page: {e}"));
    }
    print(&String::from_utf8_lossy(&out))
}

fn run_schema(kind: Option<&str>) -> u8 {
    match kind {
        Some(name) => match Kind::parse_loose(name) {
            Some(kind) => print(schema::schema_text(kind)),
            None => {
                let names: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                fatal(&format!(
                    "unknown kind `{name}`; steward has schemas for {}",
                    names.join(", ")
                ))
            }
        },
        None => {
            let mut out = String::from("KIND      SCHEMA\n");
            for kind in Kind::ALL {
                out.push_str(&format!(
                    "{:8}  steward schema {}  (schemas/{}.json)\n",
                    kind.as_str(),
                    kind.as_str(),
                    kind.as_str().to_lowercase()
                ));
            }
            print(&out)
        }
    }
}

/// Runs `schedule` and returns the exit code: 0, or 2 when it cannot run.
pub fn run_schedule(args: &ScheduleArgs) -> u8 {
    if let (Some(from), Some(to)) = (args.from, args.to) {
        if from > to {
            return fatal(&format!("--from {from} is after --to {to}"));
        }
    }
    let options = check_options(&args.paths, None, args.today, args.max_file_size);
    let today = options.today;
    let loaded = match check::load(&options) {
        Ok(loaded) => loaded,
        Err(CheckError::Fatal(message)) => return fatal(&message),
        Err(CheckError::InvalidPolicy(_)) => return fatal("the policy file is invalid"),
    };
    let skipped = loaded
        .workspace
        .documents_of(Kind::Rotation)
        .count()
        .saturating_sub(loaded.model.rotations.len());
    if skipped > 0 {
        eprintln!(
            "steward: warning: {skipped} rotation document(s) are invalid and not shown; run `steward check` for details"
        );
    }
    if args.time_zone.is_some() && args.format == ScheduleFormat::Html {
        // The page's days are each rotation's own local days (its leave and
        // holidays are too): say so rather than ignore the flag silently.
        eprintln!(
            "steward: note: the schedule page shows each rotation in its own time zone, named on the page; --time-zone applies to table, markdown and json"
        );
    }
    let findings = match args.format {
        ScheduleFormat::Html => check::judge(&loaded, today).0,
        _ => Vec::new(),
    };
    let view = schedule_render::View {
        workspace: &loaded.workspace,
        model: &loaded.model,
        schedule: &loaded.schedule,
        from: args.from,
        to: args.to,
        today,
        zone: args.time_zone,
        findings: &findings,
    };
    let text = schedule_render::render(&view, args.format);
    match &args.output {
        Some(path) => match crate::edit::replace(path, text.as_bytes()) {
            Ok(()) => 0,
            Err(e) => fatal(&e),
        },
        None => print(&text),
    }
}

/// Runs `diff`: 0, or 2 when it cannot run.
pub fn run_diff(args: &DiffArgs) -> u8 {
    let options = check_options(
        &args.paths,
        args.policy.clone(),
        args.today,
        args.max_file_size,
    );
    let mut buffer = Vec::new();
    match review::diff(&options, &args.rev, args.format, &mut buffer) {
        Ok(()) => {}
        Err(CheckError::Fatal(message)) => return fatal(&message),
        Err(CheckError::InvalidPolicy(_)) => return fatal("the policy file is invalid"),
    }
    match &args.output {
        Some(path) => match crate::edit::replace(path, &buffer) {
            Ok(()) => 0,
            Err(e) => fatal(&e),
        },
        None => print(&String::from_utf8_lossy(&buffer)),
    }
}

/// Runs `suggest`: 0 the suggestion passes every rotation rule, 1 it had to
/// compromise, 2 it could not run.
pub fn run_suggest(args: &SuggestArgs) -> u8 {
    let options = plan::Options {
        rotation: args.rotation.clone(),
        check: check_options(
            &args.paths,
            args.policy.clone(),
            args.today,
            args.max_file_size,
        ),
        from: args.from,
        until: args.until,
        seed: args.seed,
        steps: args.steps,
    };
    let suggestion = match plan::suggest(&options) {
        Ok(s) => s,
        Err(message) => return fatal(&message),
    };
    if args.write {
        let done = match suggestion.write() {
            Ok(done) => done,
            Err(message) => return fatal(&message),
        };
        eprint!("{}", suggestion.explanation);
        eprintln!("{done}");
    } else {
        eprint!("{}", suggestion.explanation);
        let code = print(&suggestion.edited.document);
        if code != 0 {
            return code;
        }
    }
    u8::from(!suggestion.passes())
}

/// Runs `init`: 0 written, 2 not (a bad flag or a file in the way).
fn run_init(args: InitArgs) -> u8 {
    let options = init::Options {
        dir: args.dir,
        team: args.team,
        members: args.members,
        calendar: args.calendar,
        today: args
            .today
            .unwrap_or_else(|| chrono::Local::now().date_naive()),
    };
    match init::run(&options) {
        Ok(text) => print(&text),
        Err(message) => fatal(&message),
    }
}

#[cfg(test)]
mod date_tests {
    use super::parse_date;

    #[test]
    fn dates_are_exactly_yyyy_mm_dd() {
        assert!(parse_date("2026-01-05").is_ok());
        for bad in [
            "2026-1-5",
            " 2026-01-05",
            "2026-01-05 ",
            "2026-02-30",
            "+2026-01-05",
            "2026/01/05",
        ] {
            assert_eq!(
                parse_date(bad),
                Err(format!("`{bad}` is not a date in the form YYYY-MM-DD")),
                "{bad:?}"
            );
        }
    }
}
