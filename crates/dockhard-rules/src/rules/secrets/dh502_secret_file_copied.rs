use dockhard_parser::dockerfile::{Dockerfile, Instruction, Kind, Stage, expand};

use super::build_stage;
use crate::context::DockerfileContext;
use crate::declare_rule;
use crate::rule::Source;

declare_rule! {
    /// ## What it does
    /// Reports a `COPY` or `ADD` from the build context of a file that holds
    /// secrets, by its name: an environment file (`.env`, `.env.production`;
    /// not the templates `.env.example`, `.env.sample`, `.env.template`,
    /// `.env.dist`), client credentials (`.npmrc`, `.pypirc`,
    /// `.git-credentials`, `.netrc`, `.pgpass`, `.dockercfg`,
    /// `.docker/config.json`, `.aws/credentials`, a `credentials` or
    /// `credentials.json` file), an SSH directory or a private key in it
    /// (`.ssh/`, `id_rsa`, `id_ecdsa`, `id_ed25519`; not `*.pub`,
    /// `known_hosts`, `authorized_keys`), private keys and key stores
    /// (`*.key`, `*.ppk`, `*.p12`, `*.pfx`, `*.pem` unless its name says it is
    /// a certificate or a public key: `ca.pem`, `fullchain.pem`,
    /// `cert.pem`, `pubkey.pem`), and VPN secrets (`ipsec.secrets`,
    /// `chap-secrets`, `pap-secrets`). Glob sources are read the same way
    /// (`*.key`, `.env*`).
    ///
    /// `COPY . .` is not reported: what it copies depends on
    /// `.dockerignore`. `COPY --from=<stage or image>` is not reported
    /// either: its source is not the build context (a key that reached the
    /// build stage from the context is reported at that `COPY`). In a stage
    /// the final image does not build on, the message says that the file
    /// stays in the build cache and in an image built with `--target`, not
    /// in the final image.
    ///
    /// ## Why is this bad?
    /// A file copied into a layer stays in the image for good: everyone who
    /// can pull the image can extract it, and a later `RUN rm` only hides it
    /// in the next layer. CIS Docker Benchmark 4.10.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:24
    /// COPY .npmrc package.json package-lock.json ./
    /// RUN npm ci
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// FROM node:24
    /// COPY package.json package-lock.json ./
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    /// built with `docker build --secret id=npmrc,src=$HOME/.npmrc .`
    ///
    /// ## Fix
    /// None: use the file during the build with `RUN --mount=type=secret`
    /// (or `--mount=type=ssh` for SSH keys), give it to the container when it
    /// starts (a compose `secrets:` entry, a bind mount), and list it in
    /// `.dockerignore`.
    pub static SECRET_FILE_COPIED = {
        code: "DH502",
        name: "secret-file-copied",
        category: Secrets,
        severity: Some(Warning),
        inputs: [Dockerfile],
        sources: [
            Source::Cis { edition: "v1.6.0", control: "4.10" },
            Source::Trivy("DS031"),
        ],
        fix: None,
        core: false,
        dockerfile: check,
    }
}

fn check(cx: &mut DockerfileContext<'_>) {
    let df = cx.dockerfile;
    for (index, instruction) in df.instructions.iter().enumerate() {
        let stage = df.stage_of(index);
        check_instruction(cx, df, stage, index, instruction, false);
    }
}

fn check_instruction(
    cx: &mut DockerfileContext<'_>,
    df: &Dockerfile,
    stage: Option<&Stage>,
    index: usize,
    instruction: &Instruction,
    onbuild: bool,
) {
    let copy = match &instruction.kind {
        Kind::Onbuild(inner) => return check_instruction(cx, df, stage, index, inner, true),
        Kind::Copy(copy) | Kind::Add(copy) => copy,
        _ => return,
    };
    if instruction.flag("from").is_some() {
        return;
    }
    let keyword = instruction.keyword.as_str().to_uppercase();
    let build_stage = if onbuild {
        None
    } else {
        build_stage(df, stage)
    };
    for source in &copy.sources {
        let path = match stage {
            Some(stage) if !onbuild => df.evaluate_at(stage, index, source),
            _ => expand::literal(&source.value, df.escape),
        };
        let Some(path) = path else {
            continue;
        };
        if path.contains("://") || path.starts_with("git@") {
            continue;
        }
        let Some(what) = secret_file(&path) else {
            continue;
        };
        let message = match &build_stage {
            None => format!(
                "`{keyword} {path}` puts {what} into the image: everyone who can pull the image \
                 can read it, and removing it in a later layer does not take it out"
            ),
            Some(stage) => format!(
                "`{keyword} {path}` puts {what} into {stage}: the final image does not build on \
                 it, but the file stays in the build cache, in any image built with `--target`, \
                 and in a `COPY --from` of its directory"
            ),
        };
        cx.report(source.span, message).label(what).help(
            "use it during the build with `RUN --mount=type=secret,id=<id>,target=<path>` (or \
             `--mount=type=ssh` for SSH keys), give it to the container when it starts, and \
             list it in `.dockerignore`",
        );
    }
}

/// Templates of environment files, committed on purpose.
const ENV_TEMPLATES: &[&str] = &[
    "example", "sample", "template", "tmpl", "tpl", "dist", "defaults", "default", "schema",
];

/// Words of a `.pem` file's name that say it holds a certificate or a
/// public key.
const CERTIFICATE_WORDS: &[&str] = &[
    "ca",
    "cacert",
    "cacerts",
    "cert",
    "certs",
    "certificate",
    "certificates",
    "crt",
    "chain",
    "fullchain",
    "bundle",
    "root",
    "rootca",
    "pub",
    "public",
    "pubkey",
    "trust",
    "truststore",
    "intermediate",
];

/// What secret a source path names, if any.
fn secret_file(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let (&name, dirs) = parts.split_last()?;
    let lower = name.to_ascii_lowercase();
    if dirs.contains(&".ssh") {
        let public = lower.ends_with(".pub")
            || lower.starts_with("known_hosts")
            || lower.starts_with("authorized_keys")
            || lower == "config";
        return (!public).then_some("a file from an SSH directory");
    }
    if dirs.last() == Some(&".aws") && lower == "credentials" {
        return Some("AWS credentials");
    }
    if dirs.last() == Some(&".docker") && lower == "config.json" {
        return Some("Docker registry credentials");
    }
    match lower.as_str() {
        ".ssh" => return Some("an SSH directory"),
        ".aws" => return Some("AWS credentials"),
        ".npmrc" => return Some("npm credentials"),
        ".pypirc" => return Some("PyPI credentials"),
        ".git-credentials" => return Some("Git credentials"),
        ".netrc" | "_netrc" => return Some("login credentials (`.netrc`)"),
        ".pgpass" => return Some("PostgreSQL passwords"),
        ".dockercfg" => return Some("Docker registry credentials"),
        "credentials" | "credentials.json" => return Some("a credentials file"),
        "id_rsa" | "id_dsa" | "id_ecdsa" | "id_ed25519" | "id_ecdsa_sk" | "id_ed25519_sk" => {
            return Some("an SSH private key");
        }
        "ipsec.secrets" | "chap-secrets" | "pap-secrets" => return Some("VPN secrets"),
        _ => {}
    }
    if let Some(rest) = lower.strip_prefix(".env") {
        let secret = match rest.strip_prefix('.') {
            None => rest.is_empty() || rest.starts_with('*'),
            Some(suffix) => !ENV_TEMPLATES.contains(&suffix),
        };
        return secret.then_some("an environment file");
    }
    let (stem, extension) = lower.rsplit_once('.')?;
    match extension {
        "key" | "ppk" => Some("a private key"),
        "p12" | "pfx" => Some("a key store with a private key"),
        "pem" => {
            let certificate = stem
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| CERTIFICATE_WORDS.contains(&w));
            (!certificate).then_some("a private key")
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::secret_file;

    #[test]
    fn names() {
        for path in [
            ".env",
            "./.env",
            "app/.env.production",
            ".env.local",
            ".env*",
            ".npmrc",
            ".pypirc",
            ".git-credentials",
            ".netrc",
            ".ssh",
            ".ssh/",
            "home/.ssh/id_rsa",
            ".ssh/deploy",
            "id_ed25519",
            "keys/server.key",
            "*.key",
            "tls/privkey.pem",
            "server.pem",
            "*.pem",
            "cert.p12",
            ".aws/credentials",
            ".aws",
            ".docker/config.json",
            "ipsec.secrets",
            "chap-secrets",
        ] {
            assert!(secret_file(path).is_some(), "{path}");
        }
        for path in [
            ".",
            "src",
            ".env.example",
            ".env.sample",
            ".env.template",
            "environment",
            ".envrc",
            "id_rsa.pub",
            ".ssh/id_ed25519.pub",
            ".ssh/known_hosts",
            ".ssh/authorized_keys",
            "ca.pem",
            "certs/fullchain.pem",
            "rds-combined-ca-bundle.pem",
            "server-cert.pem",
            "pubkey.pem",
            "ca-certificates.crt",
            ".docker/nginx.conf",
            ".docker",
            "keys",
            "package.json",
        ] {
            assert!(secret_file(path).is_none(), "{path}");
        }
    }
}
