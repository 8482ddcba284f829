//! Starts `steward lsp` for YAML files: Zed runs language servers only
//! through an extension, and this one only finds `steward` on the PATH.

use zed_extension_api as zed;

struct Steward;

impl zed::Extension for Steward {
    fn new() -> Self {
        Steward
    }

    fn language_server_command(
        &mut self,
        _language_server_id: &zed::LanguageServerId,
        worktree: &zed::Worktree,
    ) -> zed::Result<zed::Command> {
        let Some(steward) = worktree.which("steward") else {
            return Err("`steward` is not on the PATH: `cargo install --path .` in steward's repository".into());
        };
        Ok(zed::Command {
            command: steward,
            args: vec!["lsp".to_string()],
            env: Default::default(),
        })
    }
}

zed::register_extension!(Steward);
