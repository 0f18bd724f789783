//! A progress bar for iterative fits (`kldiv fit`, `kldiv vi`): on standard error when it is a
//! terminal, fed by the library's [`Progress`] callback.

use indicatif::ProgressBar;
use kldiv::variational::Progress;
use std::ops::ControlFlow;

/// The bar (absent when disabled or when standard error is not a terminal).
pub struct IterBar(Option<ProgressBar>);

impl IterBar {
    /// A bar if `enabled` and standard error is a terminal.
    pub fn new(enabled: bool) -> IterBar {
        IterBar(super::bar::terminal_bar(
            enabled,
            "{prefix:>12} [{bar:40}] {pos}/{len} {msg} eta {eta}",
        ))
    }

    /// The callback body: moves the bar and shows the objective.
    pub fn update(&self, p: &Progress) -> ControlFlow<()> {
        if let Some(bar) = &self.0 {
            if bar.length() != Some(p.total as u64) || bar.prefix() != p.stage {
                bar.set_length(p.total as u64);
                bar.set_prefix(p.stage);
                bar.set_position(0);
            }
            bar.set_position(p.iteration as u64);
            bar.set_message(format!("ELBO {:.4}", p.elbo));
        }
        ControlFlow::Continue(())
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
