pub mod dh200_read_only_rootfs;
