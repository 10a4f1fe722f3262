//! Starts `async-doctor lsp` (found on the worktree's PATH) for Rust buffers. Settings go in Zed's
//! settings.json under `lsp.async-doctor.initialization_options` (see docs/editors.md).
use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct AsyncDoctor;

impl zed::Extension for AsyncDoctor {
    fn new() -> Self {
        AsyncDoctor
    }

    fn language_server_command(&mut self, _id: &LanguageServerId, worktree: &zed::Worktree) -> Result<zed::Command> {
        let command = worktree
            .which("async-doctor")
            .ok_or_else(|| "async-doctor is not on PATH: npm install -g async-doctor".to_string())?;
        Ok(zed::Command { command, args: vec!["lsp".to_string()], env: worktree.shell_env() })
    }

    fn language_server_initialization_options(
        &mut self,
        _id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree("async-doctor", worktree)?.initialization_options)
    }
}

zed::register_extension!(AsyncDoctor);
