use super::mounts;
use crate::context::ContainerContext;
use crate::declare_rule;
use crate::diagnostic::Severity;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports host devices given to a container: `devices:` (short syntax
    /// `/dev/x:/dev/y:rwm` and long syntax), `--device` (also on
    /// `podman build`), and device cgroup
    /// rules (`device_cgroup_rules`, `--device-cgroup-rule`), which let the
    /// container use devices it creates with `mknod`. A warning, and an error
    /// for the devices that give the host away:
    /// - `/dev/mem`, `/dev/kmem`, `/dev/port` (the host's memory and I/O
    ///   ports), `/dev/cpu/*` (CPU registers);
    /// - raw disks and partitions (`/dev/sda`, `/dev/sda1`, `/dev/nvme0n1`,
    ///   `/dev/xvda`, `/dev/vda`, `/dev/hda`, `/dev/mmcblk0`, `/dev/dm-0`,
    ///   `/dev/md0`, `/dev/sg0`, `/dev/mapper/*`, `/dev/disk/*`);
    /// - `/dev` itself (Docker adds every device under a directory given);
    /// - cgroup rules for every device (`a *:* rwm`, or `*` as the major
    ///   number), for block devices of the disk drivers (`b 8:* rwm`), or
    ///   for the memory devices (`c 1:1 rwm`).
    ///
    /// ## Why is this bad?
    /// A device node reaches the host's kernel driver directly. A raw disk
    /// lets the container read and change every file of the host's
    /// filesystems, bypassing permissions; `/dev/mem` reads and writes the
    /// host's memory. Other devices (serial ports, GPUs, `/dev/fuse`) widen
    /// what the container can reach on the host, and their drivers are
    /// attack surface. CIS Docker Benchmark 5.18.
    ///
    /// ## Example
    /// ```yaml
    /// services:
    ///   recovery:
    ///     image: example/recovery:1
    ///     devices:
    ///       - /dev/sda:/dev/sda
    /// ```
    ///
    /// ## Use instead
    /// ```yaml
    /// services:
    ///   recovery:
    ///     image: example/recovery:1
    ///     volumes:
    ///       - /srv/recovery:/data
    /// ```
    ///
    /// ## Fix
    /// None: give only the device the container needs, with the least
    /// permissions (`/dev/ttyUSB0:/dev/ttyUSB0:rw`, no `m`), and never a disk
    /// or memory device; mount the files it needs instead of the disk.
    pub static HOST_DEVICES = {
        code: "DH204",
        name: "host-devices",
        category: Filesystem,
        severity: Some(Warning),
        inputs: [Compose, CommandLine],
        sources: [Source::Cis { edition: "v1.6.0", control: "5.18" }],
        fix: None,
        core: false,
        commands: [Container, Service, Build],
        container: check,
    }
}

/// What a dangerous host device gives the container.
fn dangerous_device(path: &str) -> Option<&'static str> {
    let name = path.strip_prefix("/dev/")?;
    let first = name.split('/').next().unwrap_or("");
    match first {
        "mem" => return Some("the host's physical memory"),
        "kmem" => return Some("the host kernel's memory"),
        "port" => return Some("the host's I/O ports"),
        "cpu" => return Some("the host CPUs' model-specific registers"),
        "mapper" | "disk" | "block" => return Some("a raw disk of the host"),
        _ => {}
    }
    if name.contains('/') {
        return None;
    }
    is_disk(name).then_some("a raw disk of the host")
}

/// Disk and partition device names: `sda`, `sdb1`, `nvme0n1p2`, `xvda`,
/// `vda`, `hda`, `mmcblk0p1`, `dm-0`, `md0`, `sg0`.
fn is_disk(name: &str) -> bool {
    let letters_then_digits = |rest: &str| {
        let letters = rest.bytes().take_while(u8::is_ascii_lowercase).count();
        letters > 0 && rest[letters..].bytes().all(|b| b.is_ascii_digit())
    };
    let digits_and = |rest: &str, seps: &[u8]| {
        !rest.is_empty()
            && rest.as_bytes()[0].is_ascii_digit()
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || seps.contains(&b))
    };
    for prefix in ["xvd", "sd", "vd", "hd"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return letters_then_digits(rest);
        }
    }
    if let Some(rest) = name.strip_prefix("nvme") {
        return digits_and(rest, b"np");
    }
    if let Some(rest) = name.strip_prefix("mmcblk") {
        return digits_and(rest, b"p");
    }
    for prefix in ["dm-", "md", "sg"] {
        if let Some(rest) = name.strip_prefix(prefix) {
            return digits_and(rest, b"");
        }
    }
    false
}

/// Block device majors of disk drivers (IDE, SCSI, virtio, Xen, NVMe, MMC,
/// device mapper, md).
const DISK_MAJORS: &[&str] = &[
    "3", "8", "9", "22", "33", "34", "65", "66", "67", "68", "69", "70", "71", "179", "202", "252",
    "253", "254", "259",
];

/// What a dangerous device cgroup rule (`type major:minor access`) allows.
fn dangerous_rule(rule: &str) -> Option<&'static str> {
    let mut parts = rule.split_whitespace();
    let kind = parts.next()?;
    let (major, minor) = parts.next()?.split_once(':')?;
    match kind {
        "a" => Some("every host device"),
        "b" | "c" if major == "*" => Some(if kind == "b" {
            "every host block device (disks)"
        } else {
            "every host character device (memory included)"
        }),
        "b" if DISK_MAJORS.contains(&major) => Some("the host's disks"),
        "c" if major == "1" && matches!(minor, "*" | "1" | "2" | "4") => {
            Some("the host's memory devices")
        }
        _ => None,
    }
}

fn check(cx: &mut ContainerContext<'_>) {
    let spec = cx.spec;
    for field in &spec.devices {
        let Some(device) = &field.value else { continue };
        let path = mounts::normalize(&device.host).unwrap_or_else(|| device.host.clone());
        let quoted = if cx.is_command() {
            cx.written(field.origin).to_string()
        } else {
            format!("devices: {}", device.host)
        };
        let help = cx.says(
            "give only the device the container needs, with the least permissions (`rw`, no `m`); mount files rather than a disk",
            "give only the device the container needs, with the least permissions (`--device /dev/x:/dev/x:rw`, no `m`); mount files rather than a disk",
        );
        if path == "/dev" {
            cx.report_rated(
                field.origin,
                Severity::Error,
                format!(
                    "`{quoted}` gives the container every host device, disks and memory included"
                ),
            )
            .label("every host device")
            .help(help);
        } else if let Some(gives) = dangerous_device(&path) {
            cx.report_rated(
                field.origin,
                Severity::Error,
                format!("`{quoted}` gives the container {gives} (`{path}`): it can read and change what the host keeps there, bypassing every permission"),
            )
            .label(gives)
            .help(help);
        } else if !path.starts_with('/') {
            cx.report_rated(
                field.origin,
                Severity::Warning,
                format!("`{quoted}` gives the container the host devices `{path}` names: it reaches the host's drivers directly"),
            )
            .label("host device")
            .help(help);
        } else {
            cx.report_rated(
                field.origin,
                Severity::Warning,
                format!("`{quoted}` gives the container the host device `{path}`: it reaches the host's driver directly"),
            )
            .label("host device")
            .help(help);
        }
    }
    for field in &spec.device_cgroup_rules {
        let Some(rule) = &field.value else { continue };
        let quoted = if cx.is_command() {
            cx.written(field.origin).to_string()
        } else {
            format!("device_cgroup_rules: {rule}")
        };
        let help = cx.says(
            "give the container the device it needs with `devices:` instead of a cgroup rule",
            "give the container the device it needs with `--device` instead of a cgroup rule",
        );
        match dangerous_rule(rule) {
            Some(allows) => {
                let mknod = if rule
                    .split_whitespace()
                    .nth(2)
                    .is_some_and(|a| a.contains('m'))
                {
                    ", and `m` lets it create their nodes with `mknod` (a default capability)"
                } else {
                    ""
                };
                cx.report_rated(
                    field.origin,
                    Severity::Error,
                    format!("`{quoted}` lets the container use {allows}{mknod}"),
                )
                .label(allows)
                .help(help);
            }
            None => {
                cx.report_rated(
                    field.origin,
                    Severity::Warning,
                    format!("`{quoted}` lets the container use the host devices it matches"),
                )
                .label("device cgroup rule")
                .help(help);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{dangerous_device, dangerous_rule};

    #[test]
    fn devices() {
        for dangerous in [
            "/dev/mem",
            "/dev/kmem",
            "/dev/port",
            "/dev/sda",
            "/dev/sdb1",
            "/dev/sdaa",
            "/dev/nvme0n1",
            "/dev/nvme0n1p2",
            "/dev/nvme0",
            "/dev/xvda",
            "/dev/vda1",
            "/dev/hda",
            "/dev/mmcblk0p1",
            "/dev/dm-0",
            "/dev/md0",
            "/dev/sg0",
            "/dev/mapper/vg-root",
            "/dev/disk/by-id/ata-X",
            "/dev/cpu/0/msr",
        ] {
            assert!(dangerous_device(dangerous).is_some(), "{dangerous}");
        }
        for other in [
            "/dev/fuse",
            "/dev/net/tun",
            "/dev/ttyUSB0",
            "/dev/snd",
            "/dev/dri/renderD128",
            "/dev/kvm",
            "/dev/video0",
            "/dev/sd",
            "/dev/sdx-",
            "/dev/mdx",
            "/dev/hidraw0",
            "/dev/bus/usb",
            "/dev/vhost-net",
            "/dev/vhost-vsock",
            "nvidia.com/gpu=all",
        ] {
            assert!(dangerous_device(other).is_none(), "{other}");
        }
    }

    #[test]
    fn cgroup_rules() {
        assert!(dangerous_rule("a *:* rwm").is_some());
        assert!(dangerous_rule("a 1:2 r").is_some());
        assert!(dangerous_rule("b *:* rw").is_some());
        assert!(dangerous_rule("c *:* m").is_some());
        assert!(dangerous_rule("b 8:* rwm").is_some());
        assert!(dangerous_rule("c 1:1 rw").is_some());
        assert!(dangerous_rule("c 189:* rmw").is_none());
        assert!(dangerous_rule("c 1:3 rw").is_none());
        assert!(dangerous_rule("c 10:200 rwm").is_none());
        assert!(dangerous_rule("nonsense").is_none());
    }
}
