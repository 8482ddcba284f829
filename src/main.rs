//! The steward command line.

use libmimalloc_sys::{mi_option_set, mi_option_t};

// mimalloc: a check allocates millions of small values; glibc's malloc and
// free were a tenth of its instructions (docs/design.md, "Dependencies").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// Options of the mimalloc 3 that libmimalloc-sys 0.1.49 builds (its
// `mimalloc.h`, `mi_option_e`); the crate names neither.
const ARENA_EAGER_COMMIT: mi_option_t = 4;
const PURGE_DELAY: mi_option_t = 15;

/// Peak memory is a target: commit arena memory as it is used, and give
/// freed pages back at once rather than after a second. Set before Rust's
/// runtime allocates (its first allocation creates the first arena).
/// (Not in tests, which read the options' defaults.)
#[cfg_attr(test, allow(dead_code))]
extern "C" fn tune_allocator() {
    // SAFETY: plain setters of mimalloc's global options.
    unsafe {
        mi_option_set(ARENA_EAGER_COMMIT, 0);
        mi_option_set(PURGE_DELAY, 0);
    }
}

#[cfg(all(target_os = "linux", not(test)))]
#[used]
#[link_section = ".init_array"]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

fn main() -> std::process::ExitCode {
    #[cfg(not(target_os = "linux"))]
    tune_allocator();
    steward::cli::main()
}

#[cfg(test)]
mod tests {
    use super::*;
    use libmimalloc_sys::mi_option_get;

    /// The numbers are the options meant: untouched, they hold those
    /// options' defaults (`options.c`): purge delay 1000 ms, arena eager
    /// commit 2 ("on systems that overcommit"). An upgrade that renumbers
    /// `mi_option_e` fails here.
    #[test]
    fn option_numbers_name_the_options_meant() {
        // SAFETY: plain getters of mimalloc's global options.
        let (delay, eager) = unsafe {
            (
                mi_option_get(PURGE_DELAY),
                mi_option_get(ARENA_EAGER_COMMIT),
            )
        };
        assert_eq!((delay, eager), (1000, 2));
    }
}
