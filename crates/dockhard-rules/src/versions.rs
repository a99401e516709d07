//! Version strings as engines, runtimes and kernels print them, compared
//! the way their projects number releases: `20.10.24+dfsg1`, `v1.1.12`,
//! `1.7.25-1` (a package revision), `1.0.0-rc93` and `1.3.0-rc.1`
//! (pre-releases sort before their release, their numbers numerically), and
//! kernels (`5.15.0-91-generic`: upstream 5.15.0 with a distribution's
//! patches).

use std::cmp::Ordering;

/// A parsed version: numeric fields, and a pre-release tag if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub fields: Vec<u64>,
    /// `rc93`, `rc.1`, `beta.2`: the tag's name and number.
    pub pre: Option<(String, u64)>,
    /// What followed the version that is not a pre-release (`-91-generic`,
    /// `+dfsg1`, `-1`, `.el8_9.x86_64`).
    pub rest: String,
}

impl Version {
    /// Reads a version; `None` when it does not start with a number.
    pub fn parse(text: &str) -> Option<Version> {
        let t = text.trim();
        let t = t.strip_prefix('v').unwrap_or(t);
        let end = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let numeric = t[..end].trim_end_matches('.');
        if numeric.is_empty() {
            return None;
        }
        let fields: Vec<u64> = numeric
            .split('.')
            .map(|f| f.parse::<u64>().ok())
            .collect::<Option<Vec<u64>>>()?;
        let mut rest = &t[numeric.len()..];
        let mut pre = None;
        if let Some(tail) = rest.strip_prefix('-') {
            let lower = tail.to_ascii_lowercase();
            for tag in ["rc", "beta", "alpha"] {
                if let Some(after) = lower.strip_prefix(tag) {
                    let after = after.strip_prefix('.').unwrap_or(after);
                    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
                    if let Ok(n) = digits.parse::<u64>() {
                        pre = Some((tag.to_string(), n));
                        let used =
                            1 + tag.len() + (lower.len() - tag.len() - after.len()) + digits.len();
                        rest = t[numeric.len()..].get(used..).unwrap_or("");
                    }
                    break;
                }
            }
        }
        Some(Version {
            fields,
            pre,
            rest: rest.to_string(),
        })
    }

    fn field(&self, i: usize) -> u64 {
        self.fields.get(i).copied().unwrap_or(0)
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let n = self.fields.len().max(other.fields.len());
        for i in 0..n {
            match self.field(i).cmp(&other.field(i)) {
                Ordering::Equal => {}
                o => return o,
            }
        }
        match (&self.pre, &other.pre) {
            (None, None) => Ordering::Equal,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((a, x)), Some((b, y))) => {
                let rank = |t: &str| match t {
                    "alpha" => 0,
                    "beta" => 1,
                    _ => 2,
                };
                rank(a).cmp(&rank(b)).then(x.cmp(y))
            }
        }
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Whether `version` meets every constraint of a comma-separated list
/// (`>=18.09.0,<18.09.2`); `None` when a constraint cannot be read.
pub fn satisfies(version: &Version, constraints: &str) -> Option<bool> {
    for c in constraints
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        let (op, v) = if let Some(v) = c.strip_prefix(">=") {
            (">=", v)
        } else if let Some(v) = c.strip_prefix("<=") {
            ("<=", v)
        } else if let Some(v) = c.strip_prefix('>') {
            (">", v)
        } else if let Some(v) = c.strip_prefix('<') {
            ("<", v)
        } else if let Some(v) = c.strip_prefix('=') {
            ("=", v)
        } else {
            ("=", c)
        };
        let bound = Version::parse(v)?;
        let ord = version.cmp(&bound);
        let ok = match op {
            ">=" => ord != Ordering::Less,
            "<=" => ord != Ordering::Greater,
            ">" => ord == Ordering::Greater,
            "<" => ord == Ordering::Less,
            _ => ord == Ordering::Equal,
        };
        if !ok {
            return Some(false);
        }
    }
    Some(true)
}

/// A kernel release as `uname -r` prints it: the upstream version, and
/// whether a distribution built it (which backports fixes without changing
/// the upstream version).
pub fn kernel(release: &str) -> Option<(Version, bool)> {
    let v = Version::parse(release)?;
    let distro = !v.rest.trim().is_empty();
    Some((v, distro))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn release_forms() {
        assert_eq!(v("20.10.24+dfsg1").fields, [20, 10, 24]);
        assert_eq!(v("v1.1.12").fields, [1, 1, 12]);
        assert_eq!(v("1.7.25-1").fields, [1, 7, 25]);
        assert_eq!(v("28.2.2").fields, [28, 2, 2]);
        assert_eq!(v("1.0.0-rc93").pre, Some(("rc".into(), 93)));
        assert_eq!(v("1.3.0-rc.1").pre, Some(("rc".into(), 1)));
        assert!(Version::parse("dev").is_none());
    }

    #[test]
    fn ordering() {
        assert!(v("1.0.0-rc7") < v("1.0.0-rc10"));
        assert!(v("1.0.0-rc95") < v("1.0.0"));
        assert!(v("1.0.0-rc93") < v("1.1.12"));
        assert!(v("2.6.32") < v("3.0"));
        assert!(v("20.10.24+dfsg1") > v("20.10.9"));
        assert!(v("1.3.0-rc.1") < v("1.3.0-rc.3"));
        assert_eq!(v("1.7.25-1").cmp(&v("1.7.25")), Ordering::Equal);
    }

    #[test]
    fn constraints() {
        assert_eq!(satisfies(&v("18.09.1"), ">=18.09.0,<18.09.2"), Some(true));
        assert_eq!(satisfies(&v("18.09.2"), ">=18.09.0,<18.09.2"), Some(false));
        assert_eq!(satisfies(&v("1.1.11"), ">=1.0.0-rc93,<1.1.12"), Some(true));
        assert_eq!(
            satisfies(&v("1.0.0-rc92"), ">=1.0.0-rc93,<1.1.12"),
            Some(false)
        );
        assert_eq!(satisfies(&v("1.0.0-rc6"), "<1.0.0-rc7"), Some(true));
        assert_eq!(satisfies(&v("1.2"), ">=x"), None);
    }

    #[test]
    fn kernels() {
        for (release, distro) in [
            ("5.15.0-91-generic", true),
            ("6.1.0-18-amd64", true),
            ("4.18.0-513.el8_9.x86_64", true),
            ("6.8.0", false),
            ("6.6.30", false),
        ] {
            let (_, d) = kernel(release).expect(release);
            assert_eq!(d, distro, "{release}");
        }
        assert_eq!(
            kernel("5.15.0-91-generic").map(|k| k.0.fields),
            Some(vec![5, 15, 0])
        );
    }
}
