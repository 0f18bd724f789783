//! Helpers shared by the CLI's end-to-end tests: a scratch directory, running the binary,
//! parsing its JSON, and checking the shape of error messages.

#![allow(dead_code, reason = "each test file uses the helpers it needs")]

use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
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

/// A valid PNG of a real figure: decodes, is at least 400 × 300 and uses many colours.
pub fn check_png(path: impl AsRef<Path>) {
    let bytes = std::fs::read(path.as_ref()).unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(info.width >= 400 && info.height >= 300);
    buf.truncate(info.buffer_size());
    let px = info.color_type.samples();
    let colours: HashSet<&[u8]> = buf.chunks(px).collect();
    assert!(colours.len() > 20, "only {} colours", colours.len());
}

/// A valid SVG of a real figure: an `<svg>` document with drawn paths and text.
pub fn check_svg(path: impl AsRef<Path>) {
    let s = std::fs::read_to_string(path.as_ref()).unwrap();
    assert!(s.contains("<svg") && s.trim_end().ends_with("</svg>"));
    assert!(s.contains("<text"));
    assert!(s.matches("<polyline").count() + s.matches("<path").count() >= 3);
    assert!(s.len() > 5000);
}
