pub mod dh300_icc_enabled;
