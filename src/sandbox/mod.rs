pub mod odata;
pub mod seed;
