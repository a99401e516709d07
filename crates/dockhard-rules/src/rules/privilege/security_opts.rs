//! What DH113 to DH116 share: reading `security_opt` (`--security-opt`)
//! items the way the engine does, and quoting them in messages.

use dockhard_parser::spec::{Field, Origin, SecurityOpt};

use crate::context::ContainerContext;

/// The option that takes effect for `name` when each item overrides the one
/// before (Docker and podman assign `seccomp` and `apparmor` item by item, so
/// `seccomp=unconfined` followed by `seccomp=profile.json` runs the profile),
/// with its value. `None` when no item names it, or when an item that cannot
/// be read comes after the last one that does (it may override it).
pub(crate) fn effective<'a>(
    items: &'a [Field<SecurityOpt>],
    name: &str,
) -> Option<(&'a Field<SecurityOpt>, &'a str)> {
    let mut last = None;
    for item in items {
        match &item.value {
            None => last = None,
            Some(opt) if opt.name == name => last = opt.value.as_deref().map(|v| (item, v)),
            Some(_) => {}
        }
    }
    last
}

/// The items naming `name`, with their values (`label=disable` twice is
/// two items).
pub(crate) fn named<'a>(
    items: &'a [Field<SecurityOpt>],
    name: &'a str,
) -> impl Iterator<Item = (&'a Field<SecurityOpt>, &'a str)> + 'a {
    items.iter().filter_map(move |item| {
        let opt = item.value.as_ref()?;
        if opt.name != name {
            return None;
        }
        Some((item, opt.value.as_deref()?))
    })
}

/// How a finding quotes an item: on a command line, the flag as written
/// (`--security-opt=seccomp:unconfined`), or rebuilt from its value when it
/// came through a variable (`$(RUN)` says nothing); in compose, the list
/// item as written (at the anchor, for an alias), else rebuilt (from a
/// variable).
pub(crate) fn quoted(cx: &ContainerContext<'_>, item: &Field<SecurityOpt>) -> String {
    let Some(opt) = &item.value else {
        return cx.written(item.origin).to_string();
    };
    let rebuilt = match &opt.value {
        Some(v) => format!("{}={v}", opt.name),
        None => opt.name.clone(),
    };
    if cx.is_command() {
        return if item.origin.is_aliased() {
            format!("--security-opt {rebuilt}")
        } else {
            cx.written(item.origin).to_string()
        };
    }
    // Through an alias, the item is written at the anchor.
    let at_anchor = Origin {
        span: item.origin.defined,
        ..item.origin
    };
    [item.origin, at_anchor]
        .into_iter()
        .map(|o| strip_quotes(cx.written(o).trim()))
        .find(|w| dockhard_parser::values::security_opt(w) == *opt)
        .map_or(rebuilt, str::to_string)
}

fn strip_quotes(text: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(q).and_then(|t| t.strip_suffix(q)) {
            return inner;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use dockhard_parser::Span;
    use dockhard_parser::spec::{Field, Origin};
    use dockhard_parser::values::security_opt;

    use super::{effective, named, strip_quotes};

    fn items(texts: &[Option<&str>]) -> Vec<Field<dockhard_parser::spec::SecurityOpt>> {
        texts
            .iter()
            .map(|t| Field {
                value: t.map(security_opt),
                origin: Origin::new(0, Span::default()),
            })
            .collect()
    }

    #[test]
    fn the_last_item_wins() {
        let list = items(&[Some("seccomp=unconfined"), Some("seccomp=profile.json")]);
        assert_eq!(
            effective(&list, "seccomp").map(|(_, v)| v),
            Some("profile.json")
        );
        let list = items(&[Some("seccomp:unconfined"), Some("no-new-privileges")]);
        assert_eq!(
            effective(&list, "seccomp").map(|(_, v)| v),
            Some("unconfined")
        );
        let list = items(&[Some("seccomp=unconfined"), None]);
        assert_eq!(effective(&list, "seccomp"), None);
        let list = items(&[None, Some("apparmor=unconfined")]);
        assert_eq!(
            effective(&list, "apparmor").map(|(_, v)| v),
            Some("unconfined")
        );
    }

    #[test]
    fn every_named_item() {
        let list = items(&[
            Some("label=disable"),
            Some("label:type:spc_t"),
            Some("seccomp=x"),
        ]);
        let values: Vec<&str> = named(&list, "label").map(|(_, v)| v).collect();
        assert_eq!(values, ["disable", "type:spc_t"]);
    }

    #[test]
    fn quotes() {
        assert_eq!(strip_quotes("\"label=disable\""), "label=disable");
        assert_eq!(strip_quotes("'label=disable'"), "label=disable");
        assert_eq!(strip_quotes("label=disable"), "label=disable");
        assert_eq!(strip_quotes("\""), "\"");
    }
}
