//! Quality measures of embeddings and clusterings.

mod trustworthiness;

pub use trustworthiness::trustworthiness;
