use crate::context::HostContext;
use crate::declare_rule;
use crate::eol::Release;
use crate::rule::Source;
use crate::versions::Version;

declare_rule! {
    /// ## What it does
    /// Reports a Docker Engine release past its end of life (from the
    /// end-of-life table compiled into dockhard), judged against today or
    /// `--as-of`.
    ///
    /// ## Why is this bad?
    /// An engine past its end of life gets no security fixes: the next
    /// container escape found in it stays open.
    ///
    /// ## Example
    /// ```host
    /// docker engine: 20.10.24
    /// ```
    ///
    /// ## Use instead
    /// ```host
    /// docker engine: 29.5.1
    /// ```
    ///
    /// ## Fix
    /// None: move to a supported release.
    pub static ENGINE_EOL = {
        code: "DH902",
        name: "engine-eol",
        category: Host,
        severity: Some(Warning),
        inputs: [Host],
        sources: [Source::Seed],
        fix: None,
        core: true,
        host: check,
    }
}

fn check(cx: &mut HostContext<'_>) {
    let Some(written) = cx.facts.engine.value.clone() else {
        return;
    };
    let Some(version) = Version::parse(&written) else {
        return;
    };
    let data = cx.settings().data();
    let date = cx.settings().as_of_date();
    // The engine's cycles are `20.10` before 27 and `27` after.
    let candidates = [
        version
            .fields
            .get(1)
            .map(|m| format!("{}.{m}", version.fields[0])),
        version.fields.first().map(u64::to_string),
    ];
    let Some(life) = candidates.into_iter().flatten().find_map(|cycle| {
        data.lifecycle(
            &Release {
                product: "docker-engine".to_string(),
                cycle,
            },
            date,
        )
    }) else {
        return;
    };
    if !life.ended {
        return;
    }
    let since = life.eol.map(|d| format!(" since {d}")).unwrap_or_default();
    let newest = data
        .newest_supported("docker-engine", date)
        .map(|c| format!(" (newest: {c})"))
        .unwrap_or_default();
    let span = cx.host.engine;
    cx.report(
        span,
        format!(
            "Docker Engine {written} (release {}) is past its end of life{since}",
            life.release.cycle
        ),
    )
    .label("end of life")
    .help(format!("move to a supported release{newest}"));
}
