//! The committee's own view (`/stats/`): sessions per unit per year against
//! `yearly_minimum`, outcomes, topics, follow-ups; charts as inline SVG.

use crate::model::Site;
use serde::Serialize;

/// Everything the stats template shows.
#[derive(Debug, Clone, Serialize, Default)]
pub struct StatsView {}

/// Computes the statistics of a site. `current_year` is labelled 进行中.
pub fn build(_site: &Site, _current_year: i16) -> StatsView {
    StatsView {}
}
