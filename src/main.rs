//! The steward command line.

fn main() -> std::process::ExitCode {
    steward::cli::main()
}
