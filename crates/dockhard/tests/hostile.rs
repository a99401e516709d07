//! Hostile input (issue 11): every case gives a diagnostic, with a span where
//! there is one, or a clear message; the run goes on; exit codes stay
//! truthful (0 clean, 1 findings, 2 the run failed); and no linted byte is
//! ever lost. Inputs are built in a temporary directory at run time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};

use common::{TempDir, codes, dockhard, json, stderr, stdout, with_date};
use serde_json::Value;

const ROOT: &str = "FROM alpine:3.20\nUSER root\n";

/// A way of writing a text as bytes.
type Encoding = (&'static str, fn(&str) -> Vec<u8>);

/// The diagnostics of a JSON report for `path` with `code`.
fn found<'a>(v: &'a Value, path: &str, code: &str) -> Vec<&'a Value> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["path"] == path && d["code"] == code)
        .collect()
}

/// The one diagnostic for `path` with `code`.
fn one<'a>(v: &'a Value, path: &str, code: &str) -> &'a Value {
    let all = found(v, path, code);
    assert_eq!(all.len(), 1, "{path} {code}: {all:?}\n{:?}", codes(v));
    all[0]
}

fn position(d: &Value) -> (u64, u64) {
    (
        d["line"].as_u64().expect("line"),
        d["column"].as_u64().expect("column"),
    )
}

fn message(d: &Value) -> &str {
    d["message"].as_str().unwrap_or_default()
}

/// Runs the binary with `input` on standard input.
fn dockhard_stdin(cwd: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockhard"))
        .args(with_date(args))
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dockhard");
    let mut stdin = child.stdin.take().expect("stdin");
    // dockhard may stop reading early: a broken pipe is expected then.
    let _ = stdin.write_all(input);
    drop(stdin);
    child.wait_with_output().expect("wait")
}

#[test]
fn a_file_over_the_size_cap_is_dh006_and_the_run_goes_on() {
    let t = TempDir::new("size");
    // 11 MiB without writing them: a sparse file.
    let big = t.write("big/Dockerfile", "");
    fs::File::options()
        .write(true)
        .open(&big)
        .and_then(|f| f.set_len(11 << 20))
        .expect("sparse file");
    t.write("ok/Dockerfile", ROOT);
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let d = one(&v, "big/Dockerfile", "DH006");
    assert!(
        message(d).contains("11534336 bytes, over the 10 MiB limit (`max-file-size`)"),
        "{d}"
    );
    one(&v, "ok/Dockerfile", "DH100");

    // The cap is `max-file-size` in dockhard.toml.
    t.write("dockhard.toml", "max-file-size = \"1 KiB\"\n");
    t.write(
        "small/Dockerfile",
        format!("{ROOT}{}", "# padding\n".repeat(200)),
    );
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    assert!(message(one(&v, "small/Dockerfile", "DH006")).contains("over the 1 KiB limit"));
    one(&v, "ok/Dockerfile", "DH100");

    // A value that is not a size is a configuration error: exit code 2.
    t.write("dockhard.toml", "max-file-size = \"huge\"\n");
    let out = dockhard(&t.0, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("max-file-size"), "{}", stderr(&out));
}

/// A file whose metadata says 0 bytes but which holds more (procfs) is
/// still bounded by the read itself.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_lies_about_its_size_is_still_bounded() {
    let t = TempDir::new("lying");
    t.write("dockhard.toml", "max-file-size = 256\n");
    std::os::unix::fs::symlink("/proc/self/maps", t.0.join("Dockerfile")).expect("link");
    assert_eq!(fs::metadata(t.0.join("Dockerfile")).expect("meta").len(), 0);
    let out = dockhard(&t.0, &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(
        message(one(&v, "Dockerfile", "DH006")),
        "file is over the 256 bytes limit (`max-file-size`): not linted"
    );
}

#[test]
fn standard_input_is_bounded_too() {
    let t = TempDir::new("stdin");
    t.write("dockhard.toml", "max-file-size = \"1 KiB\"\n");
    let out = dockhard_stdin(
        &t.0,
        &["check", "--format", "json", "-"],
        ROOT.repeat(200).as_bytes(),
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(message(one(&json(&out), "-", "DH006")).contains("over the 1 KiB limit"));

    // An endless stream: dockhard stops after the limit; the writer then
    // meets a closed pipe (without the bound it would write its 64 MiB and
    // the report would not be a DH006).
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockhard"))
        .args(with_date(&["check", "--format", "json", "-"]))
        .current_dir(&t.0)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run dockhard");
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'#'; 64 * 1024];
        let mut written = 0usize;
        while written < 64 << 20 {
            if stdin.write_all(&chunk).is_err() {
                break;
            }
            written += chunk.len();
        }
        written
    });
    let out = child.wait_with_output().expect("wait");
    let written = writer.join().expect("writer");
    assert!(written < 64 << 20, "dockhard read all {written} bytes");
    assert_eq!(out.status.code(), Some(1));
    assert!(message(one(&json(&out), "-", "DH006")).contains("over the 1 KiB limit"));
}

/// One input kind: its file name, a text with a finding, and where.
struct Kind {
    name: &'static str,
    text: &'static str,
    code: &'static str,
    at: (u64, u64),
    /// Whether the tool that reads the kind reads UTF-16 with a mark
    /// (compose's YAML reader, dockerd) or not (BuildKit, the shell).
    reads_utf16: bool,
}

const KINDS: [Kind; 4] = [
    Kind {
        name: "Dockerfile",
        text: "FROM alpine\nUSER root\n",
        code: "DH100",
        at: (2, 6),
        reads_utf16: false,
    },
    Kind {
        name: "compose.yaml",
        text: "services:\n  web:\n    image: a:1\n    privileged: true\n",
        code: "DH104",
        at: (4, 17),
        reads_utf16: true,
    },
    Kind {
        name: "run.sh",
        text: "#!/bin/sh\ndocker run --privileged a:1\n",
        code: "DH104",
        at: (2, 12),
        reads_utf16: false,
    },
    Kind {
        name: "daemon.json",
        text: "{\n  \"icc\": \"false\"\n}\n",
        code: "DH003",
        at: (2, 10),
        reads_utf16: true,
    },
];

fn utf16(text: &str, little: bool) -> Vec<u8> {
    let mut out = if little {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        out.extend(if little {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    out
}

#[test]
fn encodings_and_line_ends_of_every_kind() {
    let t = TempDir::new("encodings");
    let variants: [Encoding; 8] = [
        ("plain", |s| s.as_bytes().to_vec()),
        ("bom", |s| {
            [b"\xEF\xBB\xBF".as_slice(), s.as_bytes()].concat()
        }),
        ("crlf", |s| s.replace('\n', "\r\n").into_bytes()),
        ("cr", |s| s.replace('\n', "\r").into_bytes()),
        ("utf16le", |s| utf16(s, true)),
        ("utf16be", |s| utf16(s, false)),
        ("latin1", |s| {
            [b"# caf\xE9\n".as_slice(), s.as_bytes()].concat()
        }),
        ("nul", |s| [b"# a\x00b\n".as_slice(), s.as_bytes()].concat()),
    ];
    for kind in &KINDS {
        for (variant, encode) in &variants {
            t.write(&format!("{variant}/{}", kind.name), encode(kind.text));
        }
    }
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    for kind in &KINDS {
        let path = |variant: &str| format!("{variant}/{}", kind.name);
        let finding = |variant: &str| position(one(&v, &path(variant), kind.code));
        // As written, with a UTF-8 byte-order mark (not a column) and
        // with CRLF line ends: the same place.
        for variant in ["plain", "bom", "crlf"] {
            assert_eq!(finding(variant), kind.at, "{}", path(variant));
            assert!(found(&v, &path(variant), "DH006").is_empty());
        }
        // Invalid UTF-8 and a NUL byte: DH006 at the byte.
        let d = one(&v, &path("latin1"), "DH006");
        assert_eq!(position(d), (1, 6), "{d}");
        assert!(message(d).contains("not UTF-8: byte 0xE9"), "{d}");
        let d = one(&v, &path("nul"), "DH006");
        assert_eq!(position(d), (1, 4), "{d}");
        assert!(message(d).contains("NUL byte"), "{d}");
        // UTF-16: read where the kind's own tool reads it, else DH006.
        for variant in ["utf16le", "utf16be"] {
            if kind.reads_utf16 {
                assert_eq!(finding(variant), kind.at, "{}", path(variant));
            } else {
                let d = one(&v, &path(variant), "DH006");
                assert!(message(d).starts_with("UTF-16 text"), "{d}");
            }
        }
    }
    // A carriage return alone ends a line for editors, YAML and JSON, so
    // lines are counted that way; BuildKit and the shell do not end a line
    // there, which the findings say.
    assert_eq!(position(one(&v, "cr/compose.yaml", "DH104")), (4, 17));
    assert_eq!(position(one(&v, "cr/daemon.json", "DH003")), (2, 10));
    let d = one(&v, "cr/Dockerfile", "DH001");
    assert_eq!(position(d), (1, 1));
    let human = stdout(&dockhard(
        &t.0,
        &["check", "--select", "DH001", "cr/Dockerfile"],
    ));
    assert!(
        human.contains("BuildKit ends a line only at `\\n`"),
        "{human}"
    );
    assert!(
        human.contains("1 │ ╭─▶ FROM alpine") && human.contains("2 │ ╰─▶ USER root"),
        "{human}"
    );
    let d = one(&v, "cr/run.sh", "DH006");
    assert_eq!(position(d), (1, 10));
    assert!(message(d).contains("carriage returns alone"), "{d}");
}

#[test]
fn deep_nesting_and_alias_bombs_are_bounded() {
    let t = TempDir::new("deep");
    let n = 10_000;
    t.write(
        "flow/compose.yaml",
        format!(
            "services:\n  web:\n    image: a:1\n    labels: {}{}\n",
            "[".repeat(n),
            "]".repeat(n)
        ),
    );
    t.write(
        "block/compose.yaml",
        format!(
            "services:\n  web:\n    image: a:1\n    command:\n      {}x\n",
            "- ".repeat(n)
        ),
    );
    t.write(
        "json/daemon.json",
        format!("{}{}", "[".repeat(n), "]".repeat(n)),
    );
    let mut bomb = String::from(
        "x-a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let mut prev = 'a';
    for name in 'b'..='i' {
        let refs = vec![format!("*{prev}"); 9].join(",");
        bomb.push_str(&format!("x-{name}: &{name} [{refs}]\n"));
        prev = name;
    }
    bomb.push_str("services:\n  web:\n    image: a:1\n    labels: *i\n");
    t.write("bomb/compose.yaml", bomb);
    t.write("ok/Dockerfile", ROOT);
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let d = one(&v, "flow/compose.yaml", "DH002");
    assert!(message(d).contains("nested too deeply"), "{d}");
    assert_eq!(position(d).0, 4);
    let d = one(&v, "block/compose.yaml", "DH002");
    assert!(message(d).contains("nested deeper than"), "{d}");
    assert_eq!(position(d).0, 5);
    let d = one(&v, "json/daemon.json", "DH003");
    assert!(message(d).contains("nest"), "{d}");
    let d = one(&v, "bomb/compose.yaml", "DH002");
    assert!(message(d).contains("alias bomb"), "{d}");
    one(&v, "ok/Dockerfile", "DH100");
}

/// Values that refer to themselves, doubling each line (`ENV A=$A$A`, the
/// same in `ARG` and in a `.env` file): sixty-four lines would ask for 2^68
/// bytes. Run under a 1 GiB address-space limit, so that an unbounded
/// expansion fails the test (the allocator aborts) rather than the machine.
#[cfg(unix)]
#[test]
fn values_that_double_each_line_are_bounded() {
    let t = TempDir::new("doubling");
    let doubled = |line: &str| line.repeat(64);
    t.write(
        "Dockerfile",
        format!(
            "ARG M=0123456789abcdef\n{}FROM alpine:3.20\nENV A=0123456789abcdef\n{}ARG B=$A\n{}RUN echo $A $B $B $B\nUSER root\n",
            doubled("ARG M=$M$M\n"),
            doubled("ENV A=$A$A\n"),
            doubled("ARG B=$B$B\n"),
        ),
    );
    t.write(
        "env/.env",
        format!("A=0123456789abcdef\n{}", doubled("A=${A}${A}\n")),
    );
    t.write(
        "env/compose.yaml",
        "services:\n  web:\n    image: a:1\n    command: [\"${A}\", \"${A}\"]\n    privileged: true\n",
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_dockhard"))
        .args(with_date(&["check", "--format", "json"]))
        .env("RAYON_NUM_THREADS", "2")
        .current_dir(&t.0)
        .output()
        .expect("run dockhard");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let lines = 3 + 3 * 64 + 3;
    assert_eq!(position(one(&v, "Dockerfile", "DH100")), (lines, 6));
    one(&v, "env/compose.yaml", "DH104");
}

/// A Dockerfile of `n` lines (and a few more) of every shape whose cost
/// could grow with the square of the file: variables looked up through ENV
/// and ARG, stages built on stages, image references to an earlier stage,
/// RUN scripts. Numbers have six digits, so that every line has the same
/// length whatever the size of the file. It ends with `USER root` (DH100
/// on its last line).
fn long_dockerfile(n: usize) -> String {
    let mut text = String::from("ARG BASE=alpine:3.20\nFROM ${BASE} AS s000000\nENV ROOT=/srv\n");
    let mut stage = 0;
    for i in 0..n {
        match i % 5 {
            0 => text.push_str(&format!("ENV V{i:06}=${{ROOT}}/{i:06}\n")),
            1 => text.push_str(&format!("ARG A{i:06}=x\n")),
            2 => text.push_str("RUN echo $ROOT && ls \"$ROOT\"\n"),
            3 => {
                stage += 1;
                text.push_str(&format!("FROM s{:06} AS s{stage:06}\n", stage - 1));
            }
            _ => text.push_str(&format!("COPY --from=s000000 /srv/{i:06} /srv/{i:06}\n")),
        }
    }
    text.push_str("USER root\n");
    text
}

/// 100,000 lines: the run completes, and reads to the end.
#[test]
fn a_hundred_thousand_line_dockerfile_is_linted_to_the_end() {
    let t = TempDir::new("long");
    let text = long_dockerfile(100_000);
    let lines = text.lines().count() as u64;
    assert!(lines > 100_000);
    t.write("Dockerfile", &text);
    let out = dockhard(
        &t.0,
        &["check", "--format", "json", "--select", "DH001,DH006,DH100"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    assert!(
        found(&v, "Dockerfile", "DH001").is_empty(),
        "{:?}",
        codes(&v)
    );
    assert_eq!(
        position(one(&v, "Dockerfile", "DH100")),
        (lines, 6),
        "the last line is read"
    );
}

/// The instructions the binary executes to lint `text` as a Dockerfile
/// with every rule, counted by valgrind (the same count whatever else the
/// machine does); `None` without valgrind.
fn instructions_to_lint(dir: &Path, text: &str) -> Option<u64> {
    fs::write(dir.join("Dockerfile"), text).expect("write");
    let out = Command::new("valgrind")
        .args([
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
        ])
        .arg(env!("CARGO_BIN_EXE_dockhard"))
        .args(with_date(&[
            "check",
            "--isolated",
            "--select",
            "all",
            "--format",
            "concise",
            "Dockerfile",
        ]))
        .current_dir(dir)
        .output()
        .ok()?;
    let report = String::from_utf8_lossy(&out.stderr);
    let line = report
        .lines()
        .find(|l| l.contains("I   refs:") || l.contains("I refs:"))?;
    let count = line.rsplit(':').next()?.trim().replace(',', "");
    count.parse().ok()
}

/// Linear, measured as work rather than time: the instructions spent on a
/// file of 10,000 lines, less those of a 10-line file (start-up, the rule
/// table), are about four times those spent on 2,500 lines. A cost that
/// grows with the square of the file shows as a ratio above four (at 6% of
/// the 2,500-line cost, 4.7); such a cost would dominate at 100,000 lines.
#[test]
fn linting_work_grows_linearly_with_the_dockerfile() {
    let t = TempDir::new("linear");
    let Some(base) = instructions_to_lint(&t.0, &long_dockerfile(10)) else {
        println!("valgrind is not installed: the work of linting is not measured");
        return;
    };
    let small = instructions_to_lint(&t.0, &long_dockerfile(2_500)).expect("valgrind");
    let large = instructions_to_lint(&t.0, &long_dockerfile(10_000)).expect("valgrind");
    assert!(small > base && large > small, "{base} {small} {large}");
    let ratio = (large - base) as f64 / (small - base) as f64;
    println!(
        "instructions: {base} (10 lines), {small} (2,500), {large} (10,000); ratio {ratio:.3}"
    );
    assert!(
        (3.6..4.4).contains(&ratio),
        "4x the lines took {ratio:.2}x the work ({base}, {small}, {large})"
    );
}

#[test]
fn extends_and_include_cycles_are_named() {
    let t = TempDir::new("cycles");
    t.write(
        "compose.yaml",
        "include:\n  - self.yaml\nservices:\n  web:\n    image: a:1\n    extends:\n      file: other.yaml\n      service: base\n  a:\n    image: a:1\n    extends: b\n  b:\n    extends: a\n  me:\n    image: a:1\n    extends: me\n",
    );
    t.write(
        "other.yaml",
        "services:\n  base:\n    image: a:1\n    extends:\n      file: compose.yaml\n      service: web\n",
    );
    t.write("self.yaml", "include:\n  - self.yaml\n");
    t.write(
        "two/compose.yaml",
        "include:\n  - other.yaml\nservices:\n  x:\n    image: a:1\n",
    );
    t.write(
        "two/other.yaml",
        "include:\n  - compose.yaml\nservices:\n  y:\n    image: a:1\n",
    );
    let out = dockhard(&t.0, &["check", "--format", "json", "--select", "DH002"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let messages: Vec<(String, String, (u64, u64))> = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or_default().to_string(),
                message(d).to_string(),
                position(d),
            )
        })
        .collect();
    for expected in [
        ("self.yaml", "include cycle: self.yaml → self.yaml", (2, 5)),
        (
            "other.yaml",
            "circular `extends`: `base` (other.yaml) → `web` (compose.yaml) → `base` (other.yaml)",
            (6, 16),
        ),
        (
            "compose.yaml",
            "circular `extends`: `a` → `b` → `a`",
            (11, 14),
        ),
        ("compose.yaml", "circular `extends`: `me` → `me`", (16, 14)),
        (
            "two/other.yaml",
            "include cycle: compose.yaml → other.yaml → compose.yaml",
            (2, 5),
        ),
    ] {
        let expected = (expected.0.to_string(), expected.1.to_string(), expected.2);
        assert!(messages.contains(&expected), "{expected:?}\n{messages:#?}");
    }
}

#[test]
fn dotenv_files_are_read_as_compose_reads_them() {
    let t = TempDir::new("dotenv");
    t.write(
        ".env",
        "# settings\r\nexport APP_USER=root # the user\r\nPRIVILEGED='true'\r\nCAP = \"SYS_ADMIN\"  # quoted, then a comment\r\nTAG=1.27\r\nBROKEN=\"never closed\r\nLATER=1\r\n",
    );
    t.write(
        "compose.yaml",
        "services:\n  web:\n    image: nginx:${TAG}\n    user: ${APP_USER}\n    privileged: ${PRIVILEGED}\n    cap_add: [\"${CAP}\"]\n",
    );
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    // `export`, quotes, comments after values and the CR of CRLF are not
    // part of the values: each setting is judged.
    one(&v, "compose.yaml", "DH100");
    one(&v, "compose.yaml", "DH104");
    one(&v, "compose.yaml", "DH107");
    // `nginx:1.27` is a pinned tag.
    assert!(
        found(&v, "compose.yaml", "DH401").is_empty(),
        "{:?}",
        codes(&v)
    );
    // An unterminated quote: what compose stops at, at its place.
    let d = one(&v, ".env", "DH002");
    assert_eq!(position(d), (6, 8), "{d}");
    assert!(message(d).contains("unterminated quoted value"), "{d}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
#[test]
fn links_fifos_and_devices_never_block_the_walk() {
    use std::os::unix::fs::symlink;
    let t = TempDir::new("special");
    t.write("Dockerfile", ROOT);
    fs::create_dir_all(t.0.join("sub")).expect("dir");
    symlink("../Dockerfile", t.0.join("sub/Dockerfile")).expect("link");
    symlink("..", t.0.join("sub/up")).expect("dir link");
    fs::create_dir_all(t.0.join("loop")).expect("dir");
    symlink("Dockerfile.b", t.0.join("loop/Dockerfile")).expect("link");
    symlink("Dockerfile", t.0.join("loop/Dockerfile.b")).expect("link");
    fs::create_dir_all(t.0.join("dangling")).expect("dir");
    symlink("nowhere", t.0.join("dangling/Dockerfile")).expect("link");
    fs::create_dir_all(t.0.join("dev")).expect("dir");
    symlink("/dev/zero", t.0.join("dev/compose.yaml")).expect("link");
    symlink("/dev/urandom", t.0.join("dev/daemon.json")).expect("link");
    fs::create_dir_all(t.0.join("fifo")).expect("dir");
    let fifo = mkfifo(&t.0.join("fifo/Dockerfile"));
    if !fifo {
        println!("no mkfifo on this system: the FIFO cases are not run");
    }

    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    one(&v, "Dockerfile", "DH100");
    // A link to a file is linted under its own name; a link to a directory
    // is not followed (no loop, no second copy).
    one(&v, "sub/Dockerfile", "DH100");
    let paths: Vec<String> = codes(&v).into_iter().map(|(p, _)| p).collect();
    assert!(paths.iter().all(|p| !p.starts_with("sub/up")), "{paths:?}");
    let notes = stderr(&out);
    for note in [
        "loop/Dockerfile: a loop of symbolic links",
        "dangling/Dockerfile: a symbolic link to `nowhere`, which does not exist; skipped",
        "dev/compose.yaml: a character device; skipped",
        "dev/daemon.json: a character device; skipped",
    ] {
        assert!(notes.contains(note), "{note}\n{notes}");
    }
    if fifo {
        assert!(
            notes.contains("fifo/Dockerfile: a FIFO; skipped"),
            "{notes}"
        );
    }

    // Named on the command line: DH006 each, and the run goes on.
    let mut args = vec![
        "check",
        "--format",
        "json",
        "/dev/null",
        "/dev/zero",
        "/dev/urandom",
        "Dockerfile",
    ];
    if fifo {
        args.push("fifo/Dockerfile");
    }
    let out = dockhard(&t.0, &args);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    one(&v, "Dockerfile", "DH100");
    for (path, what) in [
        ("/dev/null", "a character device"),
        ("/dev/zero", "a character device"),
        ("/dev/urandom", "a character device"),
        ("fifo/Dockerfile", "a FIFO"),
    ] {
        if path.starts_with("fifo") && !fifo {
            continue;
        }
        let d = one(&v, path, "DH006");
        assert!(
            message(d).starts_with(&format!("not a regular file ({what})")),
            "{d}"
        );
    }

    // A link that leads nowhere, named on the command line, is a usage
    // error with the reason.
    let out = dockhard(&t.0, &["check", "dangling/Dockerfile", "loop/Dockerfile"]);
    assert_eq!(out.status.code(), Some(2));
    let e = stderr(&out);
    assert!(
        e.contains("dangling/Dockerfile: a symbolic link to `nowhere`, which does not exist"),
        "{e}"
    );
    assert!(
        e.contains("loop/Dockerfile: a loop of symbolic links"),
        "{e}"
    );
}

#[test]
fn a_path_given_twice_is_linted_once() {
    let t = TempDir::new("twice");
    t.write("Dockerfile", ROOT);
    t.write("sub/x", "");
    let out = dockhard(
        &t.0,
        &[
            "check",
            "--format",
            "json",
            "Dockerfile",
            "./Dockerfile",
            ".",
            "sub/../Dockerfile",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    one(&v, "Dockerfile", "DH100");
    assert_eq!(v["summary"]["files"], 1, "{v}");
}

/// The effective user id, from `id -u`.
#[cfg(unix)]
fn euid() -> Option<u32> {
    let out = Command::new("id").arg("-u").output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// A file that errors when read, whoever reads it: `/proc/self/mem` has
/// nothing mapped at offset 0.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_fails_to_read_is_dh006() {
    let t = TempDir::new("eio");
    std::os::unix::fs::symlink("/proc/self/mem", t.0.join("Dockerfile")).expect("link");
    t.write("ok/Dockerfile", ROOT);
    let out = dockhard(&t.0, &["check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    let d = one(&v, "Dockerfile", "DH006");
    assert!(message(d).starts_with("cannot read the file: "), "{d}");
    one(&v, "ok/Dockerfile", "DH100");
}

/// Unreadable files and directories. Permissions do not stop root, so as
/// root the binary runs as `nobody` (setpriv, util-linux), from a copy in
/// the temporary directory when `nobody` cannot reach the build's; when
/// neither works the test says so and checks nothing.
#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_dh006() {
    use std::os::unix::fs::PermissionsExt;
    let t = TempDir::new("perm");
    t.write("Dockerfile", ROOT);
    t.write("locked/Dockerfile", ROOT);
    t.write("secret/Dockerfile", ROOT);
    let mode = |p: &str, m: u32| {
        fs::set_permissions(t.0.join(p), fs::Permissions::from_mode(m)).expect("chmod");
    };
    // Others may enter the test's directory (as `nobody` must).
    mode(".", 0o755);
    mode("secret", 0o755);
    mode("locked", 0o000);
    mode("secret/Dockerfile", 0o000);
    let args = with_date(&["check", "--format", "json"]);
    let bin_dir = TempDir::new("perm-bin");
    let out = if euid() == Some(0) {
        let as_nobody = |bin: &Path| {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
                .arg(bin)
                .current_dir(&t.0);
            c
        };
        let runs = |bin: &Path| {
            as_nobody(bin)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        };
        let built = PathBuf::from(env!("CARGO_BIN_EXE_dockhard"));
        let copy = bin_dir.0.join("dockhard");
        let bin = if runs(&built) {
            Some(built)
        } else {
            fs::set_permissions(&bin_dir.0, fs::Permissions::from_mode(0o755)).expect("chmod");
            let copied = fs::copy(&built, &copy).is_ok() && runs(&copy);
            copied.then_some(copy)
        };
        let Some(bin) = bin else {
            mode("locked", 0o755);
            mode("secret/Dockerfile", 0o644);
            println!(
                "running as root, and the binary cannot run as nobody (no setpriv?): \
                 permissions cannot be denied; not tested"
            );
            return;
        };
        as_nobody(&bin)
            .args(&args)
            .output()
            .expect("run dockhard as nobody")
    } else {
        dockhard(&t.0, &["check", "--format", "json"])
    };
    mode("locked", 0o755);
    mode("secret/Dockerfile", 0o644);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let v = json(&out);
    one(&v, "Dockerfile", "DH100");
    let d = one(&v, "locked", "DH006");
    assert!(
        message(d).starts_with("cannot read the directory: Permission denied"),
        "{d}"
    );
    let d = one(&v, "secret/Dockerfile", "DH006");
    assert!(
        message(d).starts_with("cannot read the file: Permission denied"),
        "{d}"
    );
}

/// Every file under `dir`: its bytes, modification time and permissions.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime, fs::Permissions)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).expect("read_dir").flatten() {
            let p = entry.path();
            let meta = fs::symlink_metadata(&p).expect("meta");
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.insert(
                    p.clone(),
                    (
                        fs::read(&p).expect("read"),
                        meta.modified().expect("mtime"),
                        meta.permissions(),
                    ),
                );
            }
        }
    }
    out
}

/// Sets every file's modification time to a day ago, so that a write
/// would show.
fn age(dir: &Path) {
    let past = SystemTime::now() - Duration::from_secs(86_400);
    for path in snapshot(dir).keys() {
        fs::File::options()
            .write(true)
            .open(path)
            .and_then(|f| f.set_modified(past))
            .expect("set mtime");
    }
}

#[test]
fn check_never_writes_a_linted_file() {
    let t = TempDir::new("readonly");
    t.write("Dockerfile", "FROM alpine\nADD app.py /app/\nUSER root\n");
    t.write(
        "compose.yaml",
        "services:\n  web:\n    build: .\n    privileged: ${PRIV}\n",
    );
    t.write(".env", "PRIV=true\n");
    t.write("run.sh", "#!/bin/sh\ndocker run --privileged a:1\n");
    t.write("Makefile", "run:\n\tdocker run --privileged a:1\n");
    t.write("daemon.json", "{\"icc\": true}\n");
    t.write(
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: docker run --privileged a:1\n",
    );
    t.write("conf/dockhard.toml", "fail-level = \"error\"\n");
    t.write("dockhard.toml", "ignore = [\"DH101\"]\n");
    age(&t.0);
    let before = snapshot(&t.0);
    for format in [
        "human",
        "concise",
        "json",
        "sarif",
        "checkstyle",
        "junit",
        "gitlab",
        "github",
    ] {
        for config in [
            &[][..],
            &["--isolated"][..],
            &["--config", "conf/dockhard.toml"][..],
        ] {
            let mut args = vec!["check", "--format", format];
            args.extend_from_slice(config);
            let out = dockhard(&t.0, &args);
            assert!(
                matches!(out.status.code(), Some(0 | 1)),
                "{format} {config:?}: {}",
                stderr(&out)
            );
            assert_eq!(snapshot(&t.0), before, "{format} {config:?} changed a file");
        }
    }
    // Not even when asked to write the report over a linted file, under
    // its name or another (a link to it).
    #[cfg(unix)]
    std::os::unix::fs::symlink("Dockerfile", t.0.join("report.txt")).expect("link");
    for output in ["./Dockerfile", "report.txt"] {
        if !t.0.join(output).exists() {
            continue;
        }
        let out = dockhard(&t.0, &["check", "--output", output]);
        assert_eq!(out.status.code(), Some(2), "{output}");
        assert!(
            stderr(&out).contains("is a file being linted"),
            "{output}: {}",
            stderr(&out)
        );
        assert_eq!(snapshot(&t.0), before, "{output}");
    }
}

#[cfg(unix)]
#[test]
fn fix_writes_atomically_keeps_the_mode_and_is_idempotent() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let t = TempDir::new("fix");
    let fixable = "FROM alpine:3.20\nADD app.py /app/\nUSER nobody\n";
    let fixed = "FROM alpine:3.20\nCOPY app.py /app/\nUSER nobody\n";
    let path = t.write("app/Dockerfile", fixable);
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    // Through a link: the target is fixed, the link stays a link.
    t.write("real/Dockerfile.shared", fixable);
    fs::create_dir_all(t.0.join("linked")).expect("dir");
    symlink("../real/Dockerfile.shared", t.0.join("linked/Dockerfile")).expect("link");

    let args = ["check", "--fix", "--select", "DH405", "--format", "json"];
    let out = dockhard(&t.0, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(fs::read_to_string(&path).expect("read"), fixed);
    let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o640, "the mode is kept");
    let link = t.0.join("linked/Dockerfile");
    assert!(
        fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_to_string(t.0.join("real/Dockerfile.shared")).expect("read"),
        fixed
    );
    // No temporary file is left behind.
    let names: Vec<String> = snapshot(&t.0)
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");

    // A second run changes nothing: same bytes, not even rewritten.
    age(&t.0);
    let before = snapshot(&t.0);
    let out = dockhard(&t.0, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(snapshot(&t.0), before);
}

/// One file named four ways (itself, `./`, through `..`, and a link to it):
/// fixed once, every name clean afterwards, no write refused as "changed
/// since it was read".
#[cfg(unix)]
#[test]
fn a_file_reached_by_two_paths_is_fixed_once() {
    use std::os::unix::fs::symlink;
    let t = TempDir::new("fix-twice");
    let fixable = "FROM alpine:3.20\nADD a.py /a/\nADD b.py /b/\nUSER nobody\n";
    let fixed = "FROM alpine:3.20\nCOPY a.py /a/\nCOPY b.py /b/\nUSER nobody\n";
    t.write("Dockerfile", fixable);
    t.write("sub/x", "");
    symlink("Dockerfile", t.0.join("Dockerfile.link")).expect("link");
    let args = [
        "check",
        "--fix",
        "--select",
        "DH405",
        "--format",
        "json",
        "Dockerfile",
        "./Dockerfile",
        "sub/../Dockerfile",
        "Dockerfile.link",
    ];
    let out = dockhard(&t.0, &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("cannot write"), "{}", stderr(&out));
    let v = json(&out);
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));
    assert_eq!(v["summary"]["files"], 2, "{v}");
    assert_eq!(
        fs::read_to_string(t.0.join("Dockerfile")).expect("read"),
        fixed
    );
    let link = fs::symlink_metadata(t.0.join("Dockerfile.link")).expect("meta");
    assert!(link.file_type().is_symlink(), "the link stays a link");

    // Without --fix the same names report nothing: the fix holds.
    let out = dockhard(
        &t.0,
        &args[..1]
            .iter()
            .chain(&args[2..])
            .copied()
            .collect::<Vec<_>>(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
