//! Which releases an image reference names, and which of them are past
//! their end of life, from the end-of-life tables (`data/eol*.tsv`).
//!
//! A tag can name several releases: `python:3.8-slim-buster` is Python 3.8
//! on Debian 10. The image's own release comes from how its tag encodes the
//! cycle (`eol-image-map.tsv`: `major`, `major.minor`, `longest-prefix`, a
//! codename, `stream9`, or the image path as in `ubi8`); the base system's
//! from tokens in the tag (`eol-tag-suffix.tsv`: `buster`, `alpine3.16`).
//! A moving tag (`latest`, `lts`, `python:3`), an image not in the tables or
//! an unknown tag names no release.

use crate::data::{DataSet, Date};
use crate::images::image_name;

/// A release an image reference names.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Release {
    /// endoflife.date's product id (`python`, `debian`).
    pub product: String,
    pub cycle: String,
}

/// Where a release stands on a date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    pub release: Release,
    /// The end of standard support; `None` when the table gives no date
    /// (`true`: ended, date unknown).
    pub eol: Option<Date>,
    pub ended: bool,
    /// Extended (LTS, paid) support still running on the date, until then
    /// (only looked up for a release that has `ended`).
    pub extended_until: Option<Date>,
}

/// A product's name as people write it.
pub fn product_name(product: &str) -> String {
    let known = match product {
        "alpine-linux" => "Alpine Linux",
        "amazon-linux" => "Amazon Linux",
        "apache-http-server" => "Apache HTTP Server",
        "apache-cassandra" => "Apache Cassandra",
        "apache-couchdb" => "Apache CouchDB",
        "apache-maven" => "Apache Maven",
        "centos" => "CentOS",
        "centos-stream" => "CentOS Stream",
        "debian" => "Debian",
        "docker-engine" => "Docker Engine",
        "dotnet" => ".NET",
        "eclipse-temurin" => "Eclipse Temurin",
        "eclipse-jetty" => "Eclipse Jetty",
        "go" => "Go",
        "haproxy" => "HAProxy",
        "ibm-semeru" => "IBM Semeru",
        "mariadb" => "MariaDB",
        "mongodb" => "MongoDB",
        "mysql" => "MySQL",
        "nodejs" => "Node.js",
        "openjdk-builds-from-oracle" => "OpenJDK",
        "oracle-linux" => "Oracle Linux",
        "php" => "PHP",
        "postgresql" => "PostgreSQL",
        "python" => "Python",
        "rhel" => "RHEL",
        "rocky-linux" => "Rocky Linux",
        "ubuntu" => "Ubuntu",
        "vmware-photon" => "Photon OS",
        "linux-kernel" => "Linux",
        "kubernetes" => "Kubernetes",
        "redis" => "Redis",
        "nginx" => "nginx",
        _ => "",
    };
    if !known.is_empty() {
        return known.to_string();
    }
    let mut out = String::new();
    for (i, word) in product.split('-').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

/// Tags that follow the newest release: never a cycle.
const FLOATING: &[&str] = &[
    "latest",
    "lts",
    "stable",
    "mainline",
    "current",
    "edge",
    "rolling",
    "devel",
    "testing",
    "unstable",
    "sid",
    "experimental",
    "oldstable",
    "oldoldstable",
    "nightly",
    "beta",
    "alpha",
    "rc",
    "next",
    "master",
    "main",
];

/// The numeric fields of the first number in the tag (`v2.10.4-alpine`:
/// 2, 10, 4; `8u402-b06`: 8; `centos7.9.2009`: 7, 9, 2009).
fn numeric_fields(tag: &str) -> Vec<&str> {
    let Some(start) = tag.find(|c: char| c.is_ascii_digit()) else {
        return Vec::new();
    };
    let rest = &tag[start..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    rest[..end].split('.').filter(|f| !f.is_empty()).collect()
}

impl DataSet {
    fn has_cycle(&self, product: &str, cycle: &str) -> bool {
        let t = &self.eol;
        t.rows()
            .any(|r| t.cell(r, "product") == product && t.cell(r, "cycle") == cycle)
    }

    fn codename_cycle(&self, product: &str, word: &str) -> Option<String> {
        let t = &self.eol;
        let word = word.to_ascii_lowercase();
        t.rows()
            .find(|r| t.cell(r, "product") == product && t.cell(r, "codename") == word)
            .map(|r| t.cell(r, "cycle").to_string())
    }

    /// The cycle a tag names under one encoding.
    fn cycle_for(
        &self,
        product: &str,
        encoding: &str,
        tag: &str,
        path_rest: &str,
    ) -> Option<String> {
        let fields = numeric_fields(tag);
        let major = fields
            .first()
            .map(|m| m.trim_start_matches('0'))
            .map(|m| if m.is_empty() { "0" } else { m });
        match encoding {
            "codename" => tag.split('-').find_map(|w| self.codename_cycle(product, w)),
            "major" => {
                let c = major?.to_string();
                self.has_cycle(product, &c).then_some(c)
            }
            "major.minor" => {
                let c = format!("{}.{}", major?, fields.get(1)?);
                self.has_cycle(product, &c).then_some(c)
            }
            "longest-prefix" => {
                let two = fields
                    .get(1)
                    .and_then(|m| major.map(|j| format!("{j}.{m}")));
                two.filter(|c| self.has_cycle(product, c)).or_else(|| {
                    major
                        .map(str::to_string)
                        .filter(|c| self.has_cycle(product, c))
                })
            }
            "stream<major>" => {
                let rest = tag.strip_prefix("stream")?;
                let c = numeric_fields(rest).first()?.to_string();
                self.has_cycle(product, &c).then_some(c)
            }
            "image-name" => {
                // `ubi8`, `static-debian12`: the last number in the path.
                let digits: String = path_rest
                    .rsplit(|c: char| !c.is_ascii_digit())
                    .find(|s| !s.is_empty())?
                    .to_string();
                self.has_cycle(product, &digits).then_some(digits)
            }
            _ => None,
        }
    }

    /// The releases an image reference names (its own, and its base
    /// system's from tag tokens), without repeats.
    pub fn releases_of(&self, reference: &str) -> Vec<Release> {
        let name = image_name(reference);
        let Some(tag) = name.tag.as_deref() else {
            return Vec::new();
        };
        let lower_tag = tag.to_ascii_lowercase();
        if FLOATING.contains(&lower_tag.as_str()) {
            return Vec::new();
        }
        let full = name.full_path();
        // A mirror keeps Docker Hub's path: `mirror.gcr.io/library/python`.
        let hub_path = name
            .path
            .strip_prefix("library/")
            .unwrap_or(&name.path)
            .to_string();
        let map = &self.eol_image_map;
        let row = map
            .rows()
            .find(|r| map.cell(r, "image") == full)
            .or_else(|| map.rows().find(|r| map.cell(r, "image") == hub_path))
            .or_else(|| {
                map.rows()
                    .filter(|r| {
                        let image = map.cell(r, "image");
                        image.contains('/') && full.starts_with(&format!("{image}/"))
                            || map.cell(r, "tag_encoding") == "image-name"
                                && full.starts_with(image)
                    })
                    .max_by_key(|r| map.cell(r, "image").len())
            });
        let mut out: Vec<Release> = Vec::new();
        let mut image_known = false;
        if let Some(row) = row {
            image_known = true;
            let product = map.cell(row, "product");
            let image = map.cell(row, "image");
            let path_rest = full.rsplit('/').next().unwrap_or(&full).to_string();
            let path_rest = if full.len() > image.len() {
                format!("{}{}", image.rsplit('/').next().unwrap_or(""), path_rest)
            } else {
                path_rest
            };
            let cycle = map
                .cell(row, "tag_encoding")
                .split('|')
                .find_map(|enc| self.cycle_for(product, enc, &lower_tag, &path_rest));
            if let Some(cycle) = cycle {
                out.push(Release {
                    product: product.to_string(),
                    cycle,
                });
            }
        }
        let suffixes = &self.eol_tag_suffix;
        let dashed = format!("-{lower_tag}-");
        for r in suffixes.rows() {
            let suffix = suffixes.cell(r, "suffix");
            let cycle = suffixes.cell(r, "cycle");
            if suffix.is_empty() || cycle.is_empty() || !dashed.contains(&format!("-{suffix}-")) {
                continue;
            }
            // Only in images whose tags are known to carry these tokens.
            let seen_in = suffixes.cell(r, "seen_in");
            let listed = seen_in.split(',').any(|s| s.trim() == hub_path);
            if !image_known && !listed {
                continue;
            }
            let release = Release {
                product: suffixes.cell(r, "product").to_string(),
                cycle: cycle.to_string(),
            };
            if !out.contains(&release) {
                out.push(release);
            }
        }
        out
    }

    /// Where a release stands on `date`.
    pub fn lifecycle(&self, release: &Release, date: Date) -> Option<Lifecycle> {
        let t = &self.eol;
        let row = t.rows().find(|r| {
            t.cell(r, "product") == release.product && t.cell(r, "cycle") == release.cycle
        })?;
        let eol_cell = t.cell(row, "eol");
        let eol = Date::parse(eol_cell);
        let ended = match eol {
            Some(d) => d <= date,
            None => eol_cell == "true",
        };
        // Extended support matters only once standard support has ended
        // (the support table is not read for a supported release).
        let s = &self.eol_support;
        let extended_until = if ended {
            s.rows()
                .find(|r| {
                    s.cell(r, "product") == release.product && s.cell(r, "cycle") == release.cycle
                })
                .and_then(|r| Date::parse(s.cell(r, "eoes")))
                .filter(|d| *d > date)
        } else {
            None
        };
        Some(Lifecycle {
            release: release.clone(),
            eol,
            ended,
            extended_until,
        })
    }
}

impl DataSet {
    /// The newest release of a product still supported on `date`.
    pub fn newest_supported(&self, product: &str, date: Date) -> Option<String> {
        let t = &self.eol;
        t.rows()
            .filter(|r| t.cell(r, "product") == product)
            .filter(|r| {
                let eol = t.cell(r, "eol");
                eol == "false" || Date::parse(eol).is_some_and(|d| d > date)
            })
            .filter_map(|r| Some((Date::parse(t.cell(r, "release_date"))?, t.cell(r, "cycle"))))
            .filter(|(released, _)| *released <= date)
            .max_by_key(|(released, _)| *released)
            .map(|(_, cycle)| cycle.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn releases(reference: &str) -> Vec<String> {
        DataSet::builtin()
            .releases_of(reference)
            .into_iter()
            .map(|r| format!("{} {}", r.product, r.cycle))
            .collect()
    }

    #[test]
    fn tags_name_releases_as_official_images_encode_them() {
        assert_eq!(
            releases("python:3.8-slim-buster"),
            ["python 3.8", "debian 10"]
        );
        assert_eq!(
            releases("node:16-alpine3.16"),
            ["nodejs 16", "alpine-linux 3.16"]
        );
        assert_eq!(releases("postgres:11"), ["postgresql 11"]);
        assert_eq!(releases("postgres:9.6-alpine"), ["postgresql 9.6"]);
        assert_eq!(releases("debian:stretch"), ["debian 9"]);
        assert_eq!(releases("debian:bullseye-slim"), ["debian 11"]);
        assert_eq!(releases("ubuntu:18.04"), ["ubuntu 18.04"]);
        assert_eq!(releases("ubuntu:jammy-20240212"), ["ubuntu 22.04"]);
        assert_eq!(releases("alpine:3.15"), ["alpine-linux 3.15"]);
        assert_eq!(releases("golang:1.19-bullseye"), ["go 1.19", "debian 11"]);
        assert_eq!(releases("docker:20.10-dind"), ["docker-engine 20.10"]);
        assert_eq!(
            releases("docker.io/library/python:3.8@sha256:abc"),
            ["python 3.8"]
        );
        assert_eq!(releases("mirror.gcr.io/library/node:14"), ["nodejs 14"]);
        assert_eq!(releases("node:hydrogen-slim"), ["nodejs 18"]);
        assert_eq!(releases("traefik:v2.10"), ["traefik 2.10"]);
        assert_eq!(
            releases("eclipse-temurin:8u402-b06-jdk"),
            ["eclipse-temurin 8"]
        );
        assert_eq!(
            releases("registry.access.redhat.com/ubi8/ubi-minimal:8.9"),
            ["rhel 8"]
        );
        assert_eq!(
            releases("gcr.io/distroless/static-debian11"),
            Vec::<String>::new()
        );
        assert_eq!(
            releases("gcr.io/distroless/static-debian11:nonroot"),
            ["debian 11"]
        );
        assert_eq!(
            releases("quay.io/centos/centos:stream8"),
            ["centos-stream 8"]
        );
        assert_eq!(releases("buildpack-deps:buster"), ["debian 10"]);
        assert_eq!(
            releases("php:7.4-fpm-alpine3.15"),
            ["php 7.4", "alpine-linux 3.15"]
        );
    }

    #[test]
    fn moving_tags_and_unknown_images_name_nothing() {
        for reference in [
            "python:3",
            "node:lts",
            "ubuntu:latest",
            "debian",
            "python",
            "debian:stable-slim",
            "example.com/app:1.0-buster",
            "myapp:16",
            "node@sha256:abc",
        ] {
            assert!(
                releases(reference).is_empty(),
                "{reference}: {:?}",
                releases(reference)
            );
        }
    }

    #[test]
    fn lifecycles_on_a_date() {
        let data = DataSet::builtin();
        let date = Date::parse("2026-11-29").expect("date");
        let debian10 = Release {
            product: "debian".into(),
            cycle: "10".into(),
        };
        let l = data.lifecycle(&debian10, date).expect("debian 10");
        assert!(l.ended);
        assert_eq!(l.eol.map(|d| d.to_string()).as_deref(), Some("2022-09-10"));
        assert_eq!(l.extended_until, None);
        let debian11 = Release {
            product: "debian".into(),
            cycle: "11".into(),
        };
        let l = data.lifecycle(&debian11, date).expect("debian 11");
        assert!(l.ended);
        // Debian 11's LTS ended on 2026-08-31.
        assert_eq!(l.extended_until, None);
        let ubuntu2004 = Release {
            product: "ubuntu".into(),
            cycle: "20.04".into(),
        };
        let l = data.lifecycle(&ubuntu2004, date).expect("ubuntu 20.04");
        assert!(l.ended && l.extended_until.is_some());
        let early = Date::parse("2024-01-01").expect("date");
        assert!(!data.lifecycle(&debian11, early).expect("debian 11").ended);
    }
}
