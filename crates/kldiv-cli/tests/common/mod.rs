//! Helpers shared by the CLI's end-to-end tests: a scratch directory, running the binary,
//! parsing its JSON, and checking the shape of error messages.

#![allow(dead_code, reason = "each test file uses the helpers it needs")]

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

/// A scratch directory under the system temp dir, removed on drop.
pub struct Dir(pub PathBuf);

impl Dir {
    /// A fresh directory named after the test binary's process and `name`.
    pub fn new(name: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("kldiv-cli-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }

    /// Writes `content` to `name` in the directory and returns its path.
    pub fn file(&self, name: &str, content: impl AsRef<[u8]>) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, content).unwrap();
        p.to_string_lossy().into_owned()
    }

    /// The path of `name` in the directory (not created).
    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `kldiv` binary built for these tests.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_kldiv"))
}

/// Runs `kldiv args…` and collects its output.
pub fn run(args: &[&str]) -> Output {
    bin().args(args).output().unwrap()
}

/// The JSON object printed by a successful run (fails the test, showing stderr, otherwise).
pub fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Asserts a failure with exit `code` and returns stderr. Data errors (code 1) must be one
/// line; clap's usage errors (code 2) may add hints. Nothing may panic.
pub fn fails(out: &Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {err}");
    if code == 1 {
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "one line expected: {err}"
        );
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}
