pub mod apponly;
pub mod defender;
pub mod secure_score;
