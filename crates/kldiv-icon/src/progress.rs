//! Progress reports of iterative methods.

use std::ops::ControlFlow;

/// What a progress callback sees after each iteration of an optimiser.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// What is running (`"affinities"`, `"t-sne"`, `"k-means"`, ...).
    pub stage: &'static str,
    /// Iterations (or units of work) finished.
    pub done: usize,
    /// Iterations (or units of work) in this stage.
    pub total: usize,
    /// The objective after the last iteration (nats), when one was computed; else NaN.
    pub loss: f64,
}

/// A progress callback. Return [`ControlFlow::Break`] to cancel: the method then stops and
/// returns [`crate::IconError::Cancelled`].
pub type ProgressFn<'a> = dyn FnMut(&Progress) -> ControlFlow<()> + 'a;

/// A callback that never cancels.
pub fn no_progress(_: &Progress) -> ControlFlow<()> {
    ControlFlow::Continue(())
}
