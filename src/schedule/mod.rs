//! The schedule engine: rotations expanded into shifts, holiday calendars and
//! declared leave. No rule logic lives here; rules read the result.

pub mod holidays;

/// Every rotation of the model, expanded.
#[derive(Debug, Default)]
pub struct Schedule {}

pub fn build(_model: &crate::model::Model) -> Schedule {
    Schedule {}
}
