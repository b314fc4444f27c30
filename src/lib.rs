pub mod alerts;
pub mod sandbox;
