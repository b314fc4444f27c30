pub mod odata;
pub mod security;
pub mod seed;
