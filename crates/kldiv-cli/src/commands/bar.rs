//! The one way the CLI makes a progress bar: on standard error, and only when standard error is
//! a terminal, so that bars never end up in pipes, files or CI logs.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

/// A bar drawn with the indicatif `template` (e.g. `"{msg:>16} [{bar:40}] {pos}/{len} eta
/// {eta}"`), or `None` when `enabled` is false or standard error is not a terminal. Its length
/// starts at 0; callers set it from the library's progress reports.
pub(crate) fn terminal_bar(enabled: bool, template: &str) -> Option<ProgressBar> {
    if !enabled || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}
