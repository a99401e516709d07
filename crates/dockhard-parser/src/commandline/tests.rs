use super::*;
use crate::mapped::MappedText;

fn lines(src: &str) -> CommandLines {
    analyse(&[ShellBlock::new(0, MappedText::contiguous(src, 0))])
}

fn found(src: &str) -> Vec<String> {
    lines(src)
        .commands
        .iter()
        .map(|c| format!("{} {}", c.tool.as_str(), c.subcommand))
        .collect()
}

#[test]
fn commands_behind_wrappers_and_in_nested_scripts() {
    let src = "sudo -E docker run --rm a\nenv A=1 docker create b\nID=$(docker run -d c)\nsh -c 'docker exec x ls'\nnohup podman run d &\ntime docker container run e\n";
    assert_eq!(
        found(src),
        [
            "docker run",
            "docker create",
            "docker run",
            "docker exec",
            "podman run",
            "docker container run"
        ]
    );
    let l = lines(src);
    // A missing measure points at the `docker` word, not at a wrapper.
    assert_eq!(l.commands[0].start.slice(src), "docker");
    assert_eq!(l.commands[1].start.slice(src), "docker");
    assert_eq!(l.commands[4].start.slice(src), "podman");
}

#[test]
fn near_misses_are_not_commands() {
    let src = "echo \"docker run --privileged x\"\n# docker run --privileged x\ndocker run --help\ndocker compose run web\ndocker-compose run web\ncat <<EOF\ndocker run --privileged x\nEOF\ndocker ps\ndocker image ls\n";
    assert!(found(src).is_empty(), "{:?}", found(src));
    let src = "docker() { echo \"$@\"; }\ndocker run --privileged x\n";
    assert!(found(src).is_empty());
}

#[test]
fn the_program_through_a_variable() {
    let src = "DOCKER=docker\n$DOCKER run a\n\"${DOCKER}\" network create n\n";
    assert_eq!(found(src), ["docker run", "docker network create"]);
    let src = "DOCKER=\"sudo docker\"\n$DOCKER run --privileged a\n";
    let l = lines(src);
    assert_eq!(l.commands.len(), 1);
    assert_eq!(
        l.containers[0].privileged.as_ref().and_then(|f| f.value),
        Some(true)
    );
    let src = "DOCKER=${DOCKER:-podman}\n$DOCKER run a\n${ENGINE:-docker} run b\n";
    assert_eq!(found(src), ["podman run", "docker run"]);
    // Unknown or conflicting values are not guessed.
    assert!(found("$DOCKER run a\n").is_empty());
    assert!(found("D=docker\nD=podman\n$D run a\n").is_empty());
}

#[test]
fn global_flags_and_subcommand_forms() {
    let src = "docker -H tcp://h:2376 --tls run a\ndocker --context=prod container create b\ndocker buildx build --allow security.insecure .\ndocker image build -t x .\ndocker service create --name s nginx\npodman --remote build .\n";
    assert_eq!(
        found(src),
        [
            "docker run",
            "docker container create",
            "docker buildx build",
            "docker image build",
            "docker service create",
            "podman build"
        ]
    );
}

#[test]
fn lowered_into_specs_with_spans_at_the_flags() {
    let src = "docker run -d --name web \\\n  --privileged \\\n  -v /var/run/docker.sock:/var/run/docker.sock \\\n  -u 0 --cap-add SYS_ADMIN -p 80:80 nginx:1.27 sh -c 'x'\n";
    let l = lines(src);
    let spec = &l.containers[0];
    assert_eq!(spec.name, "web");
    assert_eq!(
        spec.image.as_ref().and_then(|f| f.value.as_deref()),
        Some("nginx:1.27")
    );
    let privileged = spec.privileged.as_ref().expect("privileged");
    assert_eq!(privileged.origin.span.slice(src), "--privileged");
    assert_eq!(
        spec.user.as_ref().map(|u| u.origin.span.slice(src)),
        Some("-u 0")
    );
    assert_eq!(
        spec.cap_add[0].origin.span.slice(src),
        "--cap-add SYS_ADMIN"
    );
    assert_eq!(
        spec.volumes[0].value.as_ref().map(|m| m.target.as_str()),
        Some("/var/run/docker.sock")
    );
    assert_eq!(spec.ports.len(), 1);
    assert_eq!(spec.origin.span.slice(src), "docker");
    assert!(spec.judges_missing());
    let command = spec.command.as_ref().and_then(|c| c.value.clone());
    assert_eq!(
        command,
        Some(vec!["sh".to_string(), "-c".to_string(), "x".to_string()])
    );
}

#[test]
fn networks_and_builds() {
    let src = "docker network create -d bridge -o com.docker.network.bridge.enable_icc=false --internal back\ndocker network create -d overlay over\npodman network create p\ndocker build --network host -f Dockerfile.x .\n";
    let l = lines(src);
    assert_eq!(l.networks.len(), 2);
    assert_eq!(l.networks[0].name, "back");
    assert_eq!(
        l.networks[0]
            .driver_opt("com.docker.network.bridge.enable_icc")
            .and_then(|f| f.value.as_deref()),
        Some("false")
    );
    assert_eq!(
        l.networks[1]
            .driver
            .as_ref()
            .and_then(|d| d.value.as_deref()),
        Some("overlay")
    );
    let build = l.containers[0].build.as_ref().expect("build");
    assert_eq!(
        build.network.as_ref().and_then(|n| n.value.as_deref()),
        Some("host")
    );
}

#[test]
fn expansions_where_flags_may_stand_make_missing_measures_unknown() {
    let l = lines(
        "docker run $OPTS --privileged app\ndocker run \"${ARGS[@]}\"\ndocker run --rm app\n",
    );
    assert!(!l.containers[0].judges_missing());
    assert_eq!(
        l.containers[0].privileged.as_ref().and_then(|f| f.value),
        Some(true)
    );
    assert!(!l.containers[1].judges_missing());
    assert!(l.containers[2].judges_missing());
}

#[test]
fn a_sudo_variable_before_the_program() {
    assert_eq!(
        found("$(SUDO) docker run a\n${SUDO} docker run b\n$ECHO docker run c\n"),
        ["docker run", "docker run"]
    );
}

#[test]
fn spans_through_a_unit_and_its_sh_c_string() {
    let src = "[Service]\nExecStart=/bin/sh -c \"docker run --name %n \\\n  --privileged app:1\"\n";
    let e = crate::kinds::systemd::extract(src);
    let l = analyse(&e.blocks);
    let spec = &l.containers[0];
    let privileged = spec.privileged.as_ref().expect("privileged");
    assert_eq!(privileged.origin.span.slice(src), "--privileged");
    // `%n` is unknown: the container is named by its image.
    assert_eq!(spec.name, "app:1");
}

#[test]
fn spans_through_make_variables() {
    let src = "IMAGE ?= app:1\nDOCKER := docker\nrun:\n\t@$(DOCKER) run --rm \\\n\t\t-v /:/host $(IMAGE) $$HOME\n";
    let e = crate::kinds::makefile::extract(src);
    let l = analyse(&e.blocks);
    let spec = &l.containers[0];
    assert_eq!(spec.origin.span.slice(src), "$(DOCKER)");
    assert_eq!(spec.volumes[0].origin.span.slice(src), "-v /:/host");
    let image = spec.image.as_ref().expect("image");
    assert_eq!(image.value.as_deref(), Some("app:1"));
    assert_eq!(image.origin.span.slice(src), "$(IMAGE)");
}

#[test]
fn global_flags_through_an_expansion() {
    let l = lines("docker $DOCKER_CLIENT_ARGS run --rm --pid host app\ndocker $X $Y ps\n");
    assert_eq!(l.commands.len(), 1);
    assert!(!l.containers[0].judges_missing());
    assert_eq!(
        l.containers[0]
            .pid
            .as_ref()
            .and_then(|f| f.value.as_deref()),
        Some("host")
    );
}

#[test]
fn dockerd_command_lines_are_daemon_settings() {
    let src = "exec dockerd --icc=false -H tcp://0.0.0.0:2376 \"$@\"\ndockerd --version\n";
    let l = lines(src);
    assert_eq!(l.daemons.len(), 1);
    let d = &l.daemons[0];
    assert_eq!(d.origin.span.slice(src), "exec");
    assert_eq!(d.bool("icc").and_then(|f| f.value), Some(false));
    assert!(!d.judges_missing());
    assert!(l.commands.is_empty());
}
