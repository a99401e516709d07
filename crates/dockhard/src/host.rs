//! `dockhard host`: audits the machine it runs on. Every fact is read if it
//! can be and said plainly if it cannot; every fact can be given instead
//! (for tests, and to audit another machine). Same formats, configuration
//! and exit codes as `check`.

use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use dockhard_parser::kinds::{FileKind, load_command_input};
use dockhard_parser::loader::FsLoader;
use dockhard_rules::host::{Fact, HostFacts};
use dockhard_rules::{
    DaemonOf, command_files, daemons_in_commands, lint_commands, lint_daemon_json, lint_host,
    linter, load, merge_daemons,
};

use crate::check::{Configs, findings_exit_code, write_report};
use crate::cli::{HostArgs, OutputFormat};
use crate::outcome::Outcome;
use crate::paths::display_path;
use crate::read::ReadError;

/// How long a `docker` command may take before it is given up.
const DOCKER_TIMEOUT: Duration = Duration::from_secs(10);

/// Runs a program with a time limit; its standard output, or why not.
fn run_program(program: &str, args: &[&str]) -> Result<String, String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("`{program}` not found ({e})"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let mut out = String::new();
                let mut err = String::new();
                if let Some(mut o) = child.stdout.take() {
                    let _ = o.read_to_string(&mut out);
                }
                if let Some(mut e) = child.stderr.take() {
                    let _ = e.read_to_string(&mut err);
                }
                if status.success() || !out.trim().is_empty() {
                    return Ok(out);
                }
                let first = err
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("failed");
                return Err(format!("`{program} {}`: {first}", args.join(" ")));
            }
            Ok(None) if started.elapsed() > DOCKER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{program} {}` did not answer in {}s",
                    args.join(" "),
                    DOCKER_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("`{program}`: {e}")),
        }
    }
}

fn kernel_fact(args: &HostArgs) -> Fact {
    if let Some(r) = &args.kernel_release {
        return Fact::known(r.trim(), "given");
    }
    match std::fs::read_to_string("/proc/sys/kernel/osrelease") {
        Ok(r) if !r.trim().is_empty() => Fact::known(r.trim(), "/proc/sys/kernel/osrelease"),
        _ => match run_program("uname", &["-r"]) {
            Ok(r) if !r.trim().is_empty() => Fact::known(r.trim(), "uname -r"),
            Ok(_) | Err(_) => {
                Fact::unknown("neither /proc/sys/kernel/osrelease nor `uname -r` could be read")
            }
        },
    }
}

/// The engine's facts from `docker version --format '{{json .}}'`.
struct EngineFacts {
    engine: Fact,
    containerd: Fact,
    runc: Fact,
    buildkit: Fact,
}

fn component(server: &serde_json::Value, names: &[&str]) -> Option<String> {
    server["Components"].as_array()?.iter().find_map(|c| {
        let name = c["Name"].as_str()?.to_ascii_lowercase();
        names
            .iter()
            .any(|n| name == *n)
            .then(|| c["Version"].as_str().map(str::to_string))
            .flatten()
    })
}

fn engine_facts(args: &HostArgs) -> EngineFacts {
    let (text, source) = match &args.docker_version_json {
        Some(path) => {
            match crate::read::read_file(path, dockhard_rules::linter::MAX_FILE_SIZE as u64)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
            {
                Ok(t) => (Ok(t), format!("{}", path.display())),
                Err(e) => (
                    Err(format!("{}: {}", path.display(), e.message())),
                    String::new(),
                ),
            }
        }
        None => (
            run_program("docker", &["version", "--format", "{{json .}}"]),
            "docker version".to_string(),
        ),
    };
    let unknown = |why: &str| EngineFacts {
        engine: Fact::unknown(why),
        containerd: Fact::unknown(why),
        runc: Fact::unknown(why),
        buildkit: Fact::unknown(why),
    };
    let text = match text {
        Ok(t) => t,
        Err(why) => return unknown(&why),
    };
    let json: serde_json::Value = match text
        .lines()
        .find(|l| l.trim_start().starts_with('{'))
        .map(serde_json::from_str)
    {
        Some(Ok(v)) => v,
        _ => return unknown(&format!("{source}: not the JSON of `docker version`")),
    };
    let server = &json["Server"];
    if server.is_null() {
        let client = json["Client"]["Version"].as_str().unwrap_or("?");
        return unknown(&format!(
            "{source}: client {client} only, the engine is not reachable"
        ));
    }
    let engine = server["Version"]
        .as_str()
        .map(str::to_string)
        .or_else(|| component(server, &["engine"]));
    let fact = |v: Option<String>, what: &str| match v {
        Some(v) => Fact::known(v, source.clone()),
        None => Fact::unknown(format!("{source} does not say the {what} version")),
    };
    let mut buildkit = component(server, &["buildkit"]);
    if buildkit.is_none() && args.docker_version_json.is_none() {
        // The engine's builder says its BuildKit version.
        buildkit = run_program("docker", &["buildx", "inspect"])
            .ok()
            .and_then(|out| {
                out.lines().find_map(|l| {
                    l.trim()
                        .strip_prefix("BuildKit version:")
                        .map(|v| v.trim().to_string())
                        .filter(|v| !v.is_empty())
                })
            });
    }
    EngineFacts {
        engine: fact(engine, "engine"),
        containerd: fact(component(server, &["containerd"]), "containerd"),
        runc: fact(component(server, &["runc"]), "runc"),
        buildkit: match buildkit {
            Some(v) => Fact::known(v, "docker buildx inspect"),
            None => Fact::unknown("no builder reported a BuildKit version"),
        },
    }
}

/// The running dockerd's flags, from /proc (when readable).
fn running_dockerd() -> Option<Vec<String>> {
    let entries = std::fs::read_dir("/proc").ok()?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !name.to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let Ok(comm) = std::fs::read_to_string(entry.path().join("comm")) else {
            continue;
        };
        if comm.trim() != "dockerd" {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|&b| b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        return Some(args.into_iter().skip(1).collect());
    }
    None
}

/// Quotes an argument for the shell text the flags are read from.
fn quote(arg: &str) -> String {
    if !arg.is_empty()
        && arg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_=./:,@+%".contains(&b))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

pub fn run(args: HostArgs) -> Result<ExitCode, String> {
    let started = Instant::now();
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the working directory: {e}"))?;
    let mut configs = Configs::new(&args.common, &cwd)?;
    let settings = configs.settings_for(Path::new("<host>"), &cwd).clone();
    if configs.report_errors() {
        return Ok(ExitCode::from(2));
    }

    let kernel = kernel_fact(&args);
    let engine = engine_facts(&args);
    let mut outcome = Outcome::default();
    let mut daemons: Vec<DaemonOf> = Vec::new();
    let mut read_from: Vec<String> = Vec::new();

    // daemon.json: given, or the system and rootless files that exist.
    let given = !args.daemon_json.is_empty();
    let mut paths: Vec<PathBuf> = args.daemon_json.clone();
    if !given {
        paths.push(PathBuf::from("/etc/docker/daemon.json"));
        if let Some(home) = std::env::var_os("HOME") {
            paths.push(PathBuf::from(home).join(".config/docker/daemon.json"));
        }
    }
    let mut not_read: Vec<String> = Vec::new();
    for path in paths {
        let file_settings = configs.settings_for(&path, &cwd).clone();
        match crate::read::read_file(&path, file_settings.max_file_size) {
            Ok(bytes) => {
                let shown = display_path(&path, &cwd);
                // dockerd reads UTF-16 with a byte-order mark too.
                let bytes = crate::read::utf16_to_utf8(&bytes).unwrap_or(bytes);
                let (file, unreadable) = load(shown, bytes, &file_settings);
                outcome.files.insert(file.path.clone());
                match unreadable {
                    Some(d) => outcome.diagnostics.push(d),
                    None => {
                        outcome
                            .diagnostics
                            .extend(lint_daemon_json(&file, &file_settings));
                        if let Some(spec) = linter::daemon_json(&file).spec {
                            daemons.push((file.clone(), spec));
                        }
                    }
                }
                read_from.push(path.display().to_string());
            }
            Err(ReadError::Io(kind, _)) if !given && kind == std::io::ErrorKind::NotFound => {}
            Err(ReadError::Io(_, e)) => {
                not_read.push(format!("{}: {e}", path.display()));
            }
            Err(e) => {
                // A FIFO, a device or a file over the limit: a finding.
                let file =
                    dockhard_rules::SourceFile::new(display_path(&path, &cwd), String::new());
                outcome.files.insert(file.path.clone());
                outcome.diagnostics.extend(linter::unreadable_because(
                    &file,
                    &file_settings,
                    e.message(),
                    dockhard_parser::Span::empty_at(0),
                    e.help(),
                ));
            }
        }
    }

    // The running dockerd's flags (given, or from /proc).
    let dockerd = match &args.dockerd_args {
        Some(a) => Some((a.clone(), "given")),
        None => running_dockerd().map(|a| {
            (
                a.iter().map(|x| quote(x)).collect::<Vec<_>>().join(" "),
                "/proc",
            )
        }),
    };
    if let Some((flags, source)) = dockerd {
        let text = format!("dockerd {flags}\n");
        let path = PathBuf::from("<dockerd>");
        let input = load_command_input(FileKind::Script, &path, text, &FsLoader);
        let files = command_files(&input, &|p| p.to_path_buf());
        outcome
            .diagnostics
            .extend(lint_commands(&files, &input, &settings));
        daemons.extend(daemons_in_commands(&files, &input));
        outcome
            .files
            .extend(files.files.iter().map(|f| f.path.clone()));
        read_from.push(format!("dockerd flags ({source})"));
    }

    let daemon = if read_from.is_empty() {
        let mut why = vec!["no daemon.json found".to_string()];
        why.extend(not_read);
        why.push("no running dockerd readable in /proc".to_string());
        Fact::unknown(why.join("; "))
    } else {
        let mut source = String::new();
        if !not_read.is_empty() {
            source = format!("not read: {}", not_read.join("; "));
        }
        Fact::known(read_from.join(", "), source)
    };
    let facts = HostFacts {
        kernel,
        engine: engine.engine,
        containerd: engine.containerd,
        runc: engine.runc,
        buildkit: engine.buildkit,
        daemon,
    };
    let (host, diagnostics) = lint_host(&facts, &settings);
    outcome.diagnostics.extend(diagnostics);
    outcome.files.insert(host.file.path.clone());
    // The daemon.json and the running dockerd are one host's daemon.
    merge_daemons(
        &mut outcome.diagnostics,
        &daemons,
        &mut |path| (*configs.settings_for(path, &cwd)).clone(),
        &mut |_| None,
    );
    dockhard_rules::diagnostic::sort_and_dedup(&mut outcome.diagnostics);

    // What was read, plainly: on standard output for the human report,
    // else on standard error (the machine formats stay clean).
    let facts_text = host.file.text.clone();
    if args.common.format == OutputFormat::Human && args.common.output.is_none() {
        println!("{facts_text}");
    } else if std::io::stderr().is_terminal() || args.common.format != OutputFormat::Human {
        eprint!("{facts_text}");
    }
    write_report(&args.common, &outcome, &cwd, started.elapsed())?;
    let run_config = configs.for_dir(&cwd);
    Ok(findings_exit_code(
        &args.common,
        run_config.as_deref(),
        &outcome.diagnostics,
    ))
}
