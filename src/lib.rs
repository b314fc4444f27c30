pub mod notify;
pub mod sandbox;
