use crate::context::{ContainerContext, DockerfileContext};
use crate::declare_rule;
use crate::images::ImageName;
use crate::rule::Source;
use crate::settings::Settings;

use super::{Reference, container_reference, dockerfile_references};

declare_rule! {
    /// ## What it does
    /// Reports an image pulled from a registry that `trusted-registries` in
    /// `dockhard.toml` does not list: a `FROM`, `COPY --from=<image>`,
    /// `RUN --mount=from=<image>`, a compose `image:` and the image of a
    /// `docker run`, `create` or `service create`. Nothing is reported until
    /// the list is configured.
    ///
    /// An entry is a registry host (`ghcr.io`, `registry.example.com:5000`),
    /// which trusts everything on it, or a host and a path (`ghcr.io/acme`),
    /// which trusts that path and what is under it (`ghcr.io/acme/app`, not
    /// `ghcr.io/acmecorp/app`). Docker Hub is `docker.io` (`index.docker.io`
    /// and `registry-1.docker.io` are the same registry), and its images are
    /// named as Docker resolves them: `python` is `docker.io/library/python`,
    /// `bitnami/redis` is `docker.io/bitnami/redis`. So `docker.io` trusts
    /// all of Docker Hub, and `docker.io/library` only its official images.
    ///
    /// Not reported, as for DH401: `scratch` and the stages of the
    /// Dockerfile, a compose `image:` next to `build:` (the image being
    /// built, pushed rather than pulled), an image that another service or a
    /// `docker build -t` of the same file builds, and a value that is not
    /// known. A digest does not make an image trusted: it fixes the content,
    /// not who published it.
    ///
    /// ## Why is this bad?
    /// Whoever controls the registry, or the account that publishes an image
    /// there, controls what runs in your build and your containers. A
    /// registry you vet (a mirror you scan, your organisation's namespace)
    /// keeps a typo-squatted or compromised image from arriving unnoticed
    /// (CIS Docker Benchmark 4.2: use trusted base images).
    ///
    /// ## Example
    /// ```dockerfile
    /// # With trusted-registries = ["registry.example.com"] in dockhard.toml:
    /// FROM ghcr.io/someone/python:3.13
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM registry.example.com/mirror/python:3.13
    /// ```
    ///
    /// ## Fix
    /// None offered: copy or mirror the image into a trusted registry, or,
    /// when the registry is one you trust, add it to `trusted-registries`.
    pub static UNTRUSTED_REGISTRY = {
        code: "DH403",
        name: "untrusted-registry",
        category: Image,
        severity: Some(Warning),
        inputs: [Dockerfile, Compose, CommandLine],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.2" },
            Source::Hadolint("DL3026"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
        container: check_container,
    }
}

const DOCKER_HUB: &[&str] = &["docker.io", "index.docker.io", "registry-1.docker.io"];

/// An entry of `trusted-registries` as an image name prefix: lower-case
/// host, Docker Hub's aliases as `docker.io`, no scheme or trailing `/`.
fn normalise_entry(entry: &str) -> String {
    let entry = entry.trim();
    let entry = entry
        .strip_prefix("https://")
        .or_else(|| entry.strip_prefix("http://"))
        .unwrap_or(entry)
        .trim_end_matches('/');
    let (host, path) = match entry.split_once('/') {
        Some((h, p)) => (h.to_ascii_lowercase(), Some(p)),
        None => (entry.to_ascii_lowercase(), None),
    };
    let host = if DOCKER_HUB.contains(&host.as_str()) {
        "docker.io".to_string()
    } else {
        host
    };
    match path {
        Some(p) => format!("{host}/{p}"),
        None => host,
    }
}

/// The name an image is pulled by: `docker.io/library/python`,
/// `ghcr.io/acme/app`.
fn canonical(name: &ImageName) -> String {
    match &name.registry {
        Some(r) => format!("{r}/{}", name.path),
        None if name.path.contains('/') => format!("docker.io/{}", name.path),
        None => format!("docker.io/library/{}", name.path),
    }
}

fn trusted(entries: &[String], name: &ImageName) -> bool {
    let full = canonical(name);
    entries.iter().map(|e| normalise_entry(e)).any(|entry| {
        !entry.is_empty()
            && (full == entry
                || full
                    .strip_prefix(&entry)
                    .is_some_and(|rest| rest.starts_with('/')))
    })
}

/// The message, label and help for a reference from an untrusted registry.
fn judge(settings: &Settings, reference: &Reference<'_>) -> Option<(String, String, String)> {
    let entries = settings.trusted_registries.as_deref()?;
    let name = reference.name();
    if trusted(entries, &name) {
        return None;
    }
    let registry = match name.registry.as_deref() {
        Some(r) => format!("`{r}`"),
        None => "Docker Hub (`docker.io`)".to_string(),
    };
    let list = if entries.is_empty() {
        "is an empty list".to_string()
    } else {
        let quoted: Vec<String> = entries.iter().map(|e| format!("`{}`", e.trim())).collect();
        format!("lists {}", quoted.join(", "))
    };
    let message = format!(
        "{} is pulled from {registry}, which `trusted-registries` does not cover (it {list}): whoever publishes there decides what runs",
        reference.subject()
    );
    let label = format!("from {}", name.registry_host());
    // The publisher's namespace (`ghcr.io/astral-sh`, `docker.io/library`),
    // or the registry when the path has none.
    let full = canonical(&name);
    let namespace = match full.rsplit_once('/') {
        Some((ns, _)) => ns.to_string(),
        None => full.clone(),
    };
    let help = format!(
        "pull it from a trusted registry (mirror or copy it there), or, if you trust its publisher, add `{namespace}` to `trusted-registries` in dockhard.toml"
    );
    Some((message, label, help))
}

fn check(cx: &mut DockerfileContext<'_>) {
    if cx.settings().trusted_registries.is_none() {
        return;
    }
    let file = cx.file;
    for (span, reference) in dockerfile_references(cx.dockerfile, &file.text) {
        if let Some((message, label, help)) = judge(cx.settings(), &reference) {
            cx.report(span, message).label(label).help(help);
        }
    }
}

fn check_container(cx: &mut ContainerContext<'_>) {
    let Some((origin, reference)) = container_reference(cx) else {
        return;
    };
    if let Some((message, label, help)) = judge(cx.settings(), &reference) {
        cx.report(origin, message).label(label).help(help);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::images::image_name;

    fn ok(entries: &[&str], reference: &str) -> bool {
        let entries: Vec<String> = entries.iter().map(|e| e.to_string()).collect();
        trusted(&entries, &image_name(reference))
    }

    #[test]
    fn entries_match_hosts_and_path_prefixes() {
        assert!(ok(&["ghcr.io"], "ghcr.io/acme/app:1"));
        assert!(ok(&["ghcr.io/acme"], "ghcr.io/acme/app:1"));
        assert!(!ok(&["ghcr.io/acme"], "ghcr.io/acmecorp/app:1"));
        assert!(ok(&["GHCR.io/acme/"], "ghcr.io/acme/app"));
        assert!(ok(
            &["https://registry.example.com"],
            "registry.example.com/a"
        ));
        assert!(!ok(
            &["registry.example.com"],
            "registry.example.com:5000/a"
        ));
        assert!(ok(&["localhost:5000"], "localhost:5000/a"));
        // Docker Hub: the host, its aliases, the official images' namespace.
        assert!(ok(&["docker.io"], "python:3.13"));
        assert!(ok(&["index.docker.io"], "bitnami/redis"));
        assert!(ok(&["docker.io/library"], "python:3.13"));
        assert!(ok(&["docker.io/library"], "docker.io/library/python"));
        assert!(!ok(&["docker.io/library"], "bitnami/redis"));
        assert!(ok(&["docker.io/bitnami"], "docker.io/bitnami/redis:7"));
        assert!(!ok(&["docker.io"], "ghcr.io/a/b"));
        assert!(!ok(&[], "python"));
        assert!(!ok(&[""], "python"));
    }
}
