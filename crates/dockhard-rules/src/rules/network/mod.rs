pub mod dh300_icc_enabled;
pub mod dh301_default_bridge;
