pub mod dh300_icc_enabled;
pub mod dh301_default_bridge;
pub mod dh302_host_network;
pub mod dh303_ports_all_interfaces;
pub mod dh304_privileged_host_port;
pub mod dh305_ssh_server;
pub mod dh306_overlay_unencrypted;
mod ports;
