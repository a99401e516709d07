//! What DH500 and DH501 call a secret: a variable name that holds one, a
//! value that is one, a URL with a password in it.
//!
//! Names are read the way BuildKit's `SecretsUsedInArgOrEnv` reads them
//! (words of the name, matched against secret words: `password`, `token`,
//! `secret`, `key`, `auth`, `credentials` ...; `public`, `file` and
//! `version` mark a name that is not a secret), with two refinements the
//! corpus asked for: the word that decides is the last secret word of the
//! name, and only words *after* it can say what the name is about
//! (`TOKEN_EXPIRY`, `PASSWORD_MIN_LENGTH`, `AWS_ACCESS_KEY_ID`: not secrets;
//! `_AIRFLOW_WWW_USER_PASSWORD`: a secret), while a few words before it make
//! it a setting or a public key (`ALLOW_EMPTY_PASSWORD`, `GPG_KEY`,
//! `VAPID_PUBLIC_KEY`).

/// Which kind of word decides that a name holds a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretName {
    /// `PASSWORD`, `TOKEN`, `API_KEY` ...: any literal value is a secret.
    Plain,
    /// `AUTH` alone names both schemes (`REGISTRY_AUTH: htpasswd`) and
    /// credentials (`NEO4J_AUTH: neo4j/secret`): only a value shaped like
    /// credentials is a secret.
    Auth,
}

/// The words of a variable name: split at `_`, `-`, `.` and camelCase,
/// lower-cased.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        current.push(c.to_ascii_lowercase());
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether `word`, at `index` of `count` words, names a secret.
fn secret_word(word: &str, index: usize, count: usize) -> Option<SecretName> {
    let last = index + 1 == count;
    match word {
        "password" | "passwords" | "passwd" | "pword" | "passphrase" | "secret" | "token"
        | "apikey" | "credential" | "credentials" | "creds" | "key" | "privatekey"
        | "secretkey" | "accesskey" | "masterkey" => Some(SecretName::Plain),
        // `DB_PASS`, `DB_PWD`; not `PASS_THROUGH`, nor `PWD` (the working
        // directory).
        "pass" | "psw" if last => Some(SecretName::Plain),
        "pwd" if last && count > 1 => Some(SecretName::Plain),
        "auth" => Some(SecretName::Auth),
        // `PGPASSWORD`, `WEBPASSWORD`, `CLIENTSECRET`, `AUTHTOKEN`.
        w if w.ends_with("password")
            || w.ends_with("passwd")
            || w.ends_with("secret")
            || w.ends_with("token") =>
        {
            Some(SecretName::Plain)
        }
        _ => None,
    }
}

/// Words that, after the secret word, say the name is about the secret
/// rather than the secret itself: where it is (`_FILE`, `_PATH`, `_URL`),
/// who uses it (`_USER`, `_ID`), or a setting (`_ENABLED`, `_EXPIRY`).
const ABOUT_WORDS: &[&str] = &[
    "file",
    "files",
    "path",
    "paths",
    "dir",
    "directory",
    "folder",
    "location",
    "url",
    "uri",
    "urls",
    "endpoint",
    "host",
    "hostname",
    "server",
    "servers",
    "port",
    "sock",
    "socket",
    "version",
    "id",
    "ids",
    "name",
    "names",
    "type",
    "method",
    "mode",
    "enabled",
    "enable",
    "disabled",
    "disable",
    "required",
    "require",
    "length",
    "len",
    "size",
    "min",
    "max",
    "minimum",
    "maximum",
    "limit",
    "expiry",
    "expire",
    "expires",
    "expiration",
    "ttl",
    "timeout",
    "lifetime",
    "duration",
    "age",
    "seconds",
    "secs",
    "minutes",
    "mins",
    "hours",
    "days",
    "ms",
    "interval",
    "rotation",
    "policy",
    "header",
    "algorithm",
    "alg",
    "format",
    "provider",
    "realm",
    "user",
    "username",
    "users",
    "login",
    "email",
    "prefix",
    "suffix",
    "checking",
    "check",
    "converter",
    "schema",
    "strategy",
    "backend",
    "backends",
    "retries",
    "attempts",
    "count",
    "rounds",
    "iterations",
    "cost",
    "strength",
    "fingerprint",
    "reset",
    "validation",
    "validity",
    "command",
    "cmd",
    "field",
    "param",
    "scope",
    "scopes",
    "audience",
    "issuer",
    "public",
    "pub",
];

/// Words that, before the secret word, make the name a switch or a public
/// key (`ALLOW_EMPTY_PASSWORD`, `GPG_KEY`, `VAPID_KEY`: the web push key
/// given to browsers), unless the name says `private`.
const SETTING_WORDS: &[&str] = &[
    "public", "pub", "gpg", "pgp", "gnupg", "vapid", "no", "empty", "allow", "random", "skip",
    "disable", "disabled", "enable", "enabled", "require", "required", "use",
];

/// Whether a variable named `name` holds a secret, and which kind of word
/// says so.
pub(crate) fn secret_name(name: &str) -> Option<SecretName> {
    let words = words(name);
    let count = words.len();
    let (index, kind) = words
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, w)| secret_word(w, i, count).map(|k| (i, k)))?;
    if words[index + 1..]
        .iter()
        .any(|w| ABOUT_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    let before = &words[..index];
    if !before.iter().any(|w| w == "private")
        && before.iter().any(|w| SETTING_WORDS.contains(&w.as_str()))
    {
        return None;
    }
    Some(kind)
}

/// A switch rather than a secret: `true`, `no`, `0`, `none` ...
fn is_switch(value: &str) -> bool {
    matches!(
        value.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "0" | "1" | "none" | "null" | "nil"
    )
}

/// A value that points at a secret rather than holds one: a path
/// (`/run/secrets/db`, `./certs/server.key`, `~/.ssh/id_rsa`), or a relative
/// path to a file (`assets/tls/server.key`). Base64 has no `.`, so a word
/// with `/` that ends in a file extension is a path.
pub(crate) fn is_pointer(value: &str) -> bool {
    if ["/", "./", "../", "~/"]
        .iter()
        .any(|p| value.starts_with(p))
    {
        return true;
    }
    if value.contains(char::is_whitespace) || value.contains("://") || !value.contains('/') {
        return false;
    }
    let last = value.rsplit('/').next().unwrap_or("");
    last.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphabetic())
    })
}

/// Whether `value`, held by a variable whose name says `kind`, is a secret
/// written out: not empty, not a switch, not a path to the secret; for an
/// `AUTH` name, shaped like credentials (`user:password`, `user/password`,
/// or a long token).
pub(crate) fn is_secret_value(kind: SecretName, value: &str) -> bool {
    let value = value.trim();
    if value.is_empty() || is_switch(value) || is_pointer(value) {
        return false;
    }
    match kind {
        SecretName::Plain => true,
        SecretName::Auth => {
            (value.contains(':') || value.contains('/'))
                && !value.contains(char::is_whitespace)
                && !value.contains("://")
        }
    }
}

/// The byte range of a password written inside a value: in a URL's
/// userinfo (`postgres://user:password@db/app`, `redis://:password@cache`),
/// or as a `password=` (`pwd=`, `passwd=`) field of a connection string
/// (`host=db user=app password=secret`, `Server=db;Pwd=secret;`,
/// `jdbc:mysql://db/app?password=secret`). `None` without one, or when it is
/// empty.
pub(crate) fn embedded_password(value: &str) -> Option<std::ops::Range<usize>> {
    url_password(value).or_else(|| field_password(value))
}

fn url_password(value: &str) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(found) = value[from..].find("://") {
        let scheme_end = from + found;
        let authority_start = scheme_end + 3;
        from = authority_start;
        let scheme = value[..scheme_end]
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .next()
            .unwrap_or("");
        if !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let rest = &value[authority_start..];
        let authority_len = rest
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(rest.len());
        let authority = &rest[..authority_len];
        let Some(at) = authority.rfind('@') else {
            continue;
        };
        let userinfo = &authority[..at];
        let Some(colon) = userinfo.find(':') else {
            continue;
        };
        if colon + 1 < userinfo.len() {
            let start = authority_start + colon + 1;
            return Some(start..authority_start + at);
        }
    }
    None
}

/// `password=...` as a field of a connection string: after the start, a
/// space, `;`, `&` or `?`, up to the next of those.
fn field_password(value: &str) -> Option<std::ops::Range<usize>> {
    let lower = value.to_ascii_lowercase();
    let is_separator = |c: char| c.is_whitespace() || matches!(c, ';' | '&' | '?');
    for key in ["password=", "passwd=", "pwd="] {
        let mut from = 0;
        while let Some(found) = lower[from..].find(key) {
            let start = from + found;
            from = start + key.len();
            let at_field_start = lower[..start].chars().next_back().is_none_or(is_separator);
            if !at_field_start {
                continue;
            }
            let len = value[from..]
                .find(is_separator)
                .unwrap_or(value.len() - from);
            if len > 0 {
                return Some(from..from + len);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for name in [
            "PASSWORD",
            "POSTGRES_PASSWORD",
            "MYSQL_ROOT_PASSWORD",
            "_AIRFLOW_WWW_USER_PASSWORD",
            "db_password",
            "dbPassword",
            "PGPASSWORD",
            "ME_CONFIG_MONGODB_ADMINPASSWORD",
            "DB_PASSWD",
            "DB_PASS",
            "DB_PWD",
            "SECRET",
            "JWT_SECRET",
            "SECRET_KEY_BASE",
            "SECRET_PASSPHRASE",
            "OKTA_OAUTH2_CLIENTSECRET",
            "GITHUB_TOKEN",
            "NODE_AUTH_TOKEN",
            "API_KEY",
            "APIKEY",
            "apiKey",
            "AWS_SECRET_ACCESS_KEY",
            "MINIO_ACCESS_KEY",
            "KEY",
            "FERNET_KEY",
            "SSH_PRIVATE_KEY",
            "GPG_PRIVATE_KEY",
            "GOOGLE_CREDENTIALS",
            "SEMAPHORE_ACCESS_KEY_ENCRYPTION",
            "super_duper_secret_token",
            "git_key",
            "LDAP_PASSWORDS",
        ] {
            assert_eq!(secret_name(name), Some(SecretName::Plain), "{name}");
        }
        for name in ["AUTH", "BASIC_AUTH", "NEO4J_AUTH", "HUBOT_AUTH_ADMIN"] {
            assert_eq!(secret_name(name), Some(SecretName::Auth), "{name}");
        }
        for name in [
            "PASSWORD_FILE",
            "MYSQL_ROOT_PASSWORD_FILE",
            "SB_PRIVATE_KEY_FILE",
            "LT_API_KEYS_DB_PATH",
            "REGISTRY_AUTH_HTPASSWD_PATH",
            "REGISTRY_AUTH_HTPASSWD_REALM",
            "NGINX_PROXY_PASS_URL",
            "NEXTAUTH_URL",
            "GPG_KEY",
            "GPG_KEYS",
            "PUBLIC_KEY",
            "VAPID_PUBLIC_KEY",
            "key_pub",
            "AWS_ACCESS_KEY_ID",
            "AUTH_MODULE_VERSION",
            "POSTGRES_HOST_AUTH_METHOD",
            "KAFKA_MANAGER_AUTH_ENABLED",
            "ANSIBLE_HOST_KEY_CHECKING",
            "CONNECT_KEY_CONVERTER",
            "TOKEN_EXPIRY",
            "JWT_ACCESS_TOKEN_EXPIRE_MINUTES",
            "PASSWORD_MIN_LENGTH",
            "OPENAI_MAX_TOKENS",
            "TOKENIZERS_PARALLELISM",
            "MYSQL_ALLOW_EMPTY_PASSWORD",
            "MYSQL_RANDOM_ROOT_PASSWORD",
            "VNC_NO_PASSWORD",
            "PASSWORD_RESET_DISABLED",
            "N8N_BASIC_AUTH_USER",
            "SINGLE_USER_CREDENTIALS_USERNAME",
            "DISABLE_AUTH",
            "PWD",
            "OLDPWD",
            "PASS_THROUGH",
            "KEYRING_VERSION",
            "SECRETS_DIR",
            "SSH_AUTH_SOCK",
            "FCM_VAPID_KEY",
            "AIRFLOW__API__AUTH_BACKENDS",
            "DOCKER_HARDENED_IMAGES_KEYRING_VERSION",
        ] {
            assert_eq!(secret_name(name), None, "{name}");
        }
    }

    #[test]
    fn values() {
        use SecretName::*;
        for (kind, value, secret) in [
            (Plain, "hunter2", true),
            (Plain, "12345678", true),
            (Plain, "", false),
            (Plain, "  ", false),
            (Plain, "true", false),
            (Plain, "No", false),
            (Plain, "/run/secrets/db_password", false),
            (Plain, "./certs/server.key", false),
            (Plain, "assets/server/tls/snakeoil.key", false),
            (Plain, "~/.ssh/id_rsa", false),
            (Plain, "aGVsbG8/d29ybGQ=", true),
            (Auth, "htpasswd", false),
            (Auth, "neo4j/secret", true),
            (Auth, "admin:changeme", true),
            (Auth, "none", false),
            (
                Auth,
                "airflow.api.auth.backend.basic_auth,airflow.api.auth.backend.session",
                false,
            ),
        ] {
            assert_eq!(is_secret_value(kind, value), secret, "{value}");
        }
    }

    #[test]
    fn urls() {
        let pw = |v: &str| embedded_password(v).map(|r| v[r].to_string());
        assert_eq!(pw("postgres://user:pass@db/app"), Some("pass".into()));
        assert_eq!(pw("redis://:s3cret@cache:6379/0"), Some("s3cret".into()));
        assert_eq!(pw("mongodb://u:p%40ss@a,b/x?x=1"), Some("p%40ss".into()));
        assert_eq!(pw("amqp://guest@rabbit"), None);
        assert_eq!(pw("postgres://user:@db/app"), None);
        assert_eq!(pw("http://example.com/a:b@c"), None);
        assert_eq!(pw("https://example.com"), None);
        assert_eq!(pw("x y postgres://a:b@h"), Some("b".into()));
        assert_eq!(
            pw("user=memos password=memos dbname=memos"),
            Some("memos".into())
        );
        assert_eq!(
            pw("Server=db;User Id=sa;Pwd=S3cret;"),
            Some("S3cret".into())
        );
        assert_eq!(
            pw("jdbc:mysql://db/app?user=app&password=s3cret"),
            Some("s3cret".into())
        );
        assert_eq!(pw("host=db password= dbname=x"), None);
        assert_eq!(pw("--no-password=true"), None);
        assert_eq!(pw("mypassword=x"), None);
    }
}
