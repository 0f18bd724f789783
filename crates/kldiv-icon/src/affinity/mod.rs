//! Supervisory neighbourhood distributions `p(j|i)` built from data.
//!
//! - [`perplexity`](conditional): Gaussian rows calibrated by perplexity, and the joint
//!   symmetrised form of t-SNE ([`joint`]).

mod perplexity;

pub use perplexity::{
    Affinity, AffinityMethod, Calibration, DENSE_MAX_N, PerplexityOptions, conditional, joint,
    joint_perplexity,
};
