pub mod apponly;
pub mod defender;
