pub mod odata;
