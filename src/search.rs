//! The static search index (`/search/`): files any static server can serve.

use crate::model::Site;

/// Files of the search index, as (path relative to the output root, bytes).
pub fn build(_site: &Site) -> Vec<(String, Vec<u8>)> {
    Vec::new()
}
