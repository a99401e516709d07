pub mod dh200_read_only_rootfs;
pub mod dh201_container_socket_mount;
pub mod dh202_sensitive_host_mount;
pub mod dh203_mount_propagation_shared;
pub mod dh204_host_devices;
pub mod dh205_tmpfs_exec;
pub mod dh206_world_writable;
mod mounts;
