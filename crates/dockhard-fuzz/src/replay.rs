//! A reference for the values of a Dockerfile's variables: the ARG and ENV
//! instructions replayed one by one from the start of a stage and of the
//! stages it is built on, with plain maps. The parser answers the same
//! question from an index built once per file; the `dockerfile` target
//! checks that both agree on short files (the replay is quadratic).

use std::collections::HashMap;

use dockhard_parser::dockerfile::{
    Base, Dockerfile, Env, Kind, Lookup, Stage, expand, is_automatic_arg,
};
use dockhard_parser::span::Text;

/// Stages followed up a `FROM <stage>` chain before giving up.
const MAX_CHAIN: usize = 256;

/// Variables in scope: ENV over ARG.
#[derive(Default)]
pub struct Replay {
    args: HashMap<String, Lookup>,
    env: HashMap<String, Lookup>,
}

impl Env for Replay {
    fn lookup(&self, name: &str) -> Lookup {
        if let Some(v) = self.env.get(name).or_else(|| self.args.get(name)) {
            return v.clone();
        }
        if is_automatic_arg(name) {
            return Lookup::Unknown;
        }
        Lookup::Unset
    }
}

fn eval(scope: &Replay, word: &Text, escape: char) -> Lookup {
    match expand::evaluate(&word.value, escape, scope) {
        Ok(Some(v)) => Lookup::Value(v),
        _ => Lookup::Unknown,
    }
}

/// The meta args (ARGs before the first FROM) with their defaults.
fn meta(df: &Dockerfile) -> Replay {
    let mut scope = Replay::default();
    for instruction in df.meta_args() {
        if let Kind::Arg(decls) = &instruction.kind {
            for decl in decls {
                let value = match &decl.default {
                    Some(d) => eval(&scope, d, df.escape),
                    None => Lookup::Unknown,
                };
                scope.args.insert(decl.name.value.clone(), value);
            }
        }
    }
    scope
}

/// The variables in scope just before instruction `at` of `stage`, or
/// `None` when the chain of stages is too long to follow.
pub fn scope_at(df: &Dockerfile, stage: &Stage, at: usize) -> Option<Replay> {
    let meta = meta(df);
    let mut chain = vec![(stage, at)];
    let mut current = stage;
    while let Base::Stage(parent) = current.base
        && parent < current.index
        && let Some(p) = df.stages.get(parent)
    {
        if chain.len() > MAX_CHAIN {
            return None;
        }
        chain.push((p, p.instructions.end));
        current = p;
    }
    let mut scope = Replay::default();
    for (stage, at) in chain.into_iter().rev() {
        // ARGs are the stage's own; ENV carries over from the parent.
        scope.args.clear();
        let end = at.min(stage.instructions.end);
        for instruction in df.instructions.get(stage.from + 1..end).unwrap_or(&[]) {
            match &instruction.kind {
                Kind::Arg(decls) => {
                    for decl in decls {
                        let value = match &decl.default {
                            Some(d) => eval(&scope, d, df.escape),
                            None => meta
                                .args
                                .get(&decl.name.value)
                                .cloned()
                                .unwrap_or(Lookup::Unknown),
                        };
                        scope.args.insert(decl.name.value.clone(), value);
                    }
                }
                Kind::Env(pairs) => {
                    // Every pair sees the scope before the instruction.
                    let values: Vec<(String, Lookup)> = pairs
                        .iter()
                        .map(|kv| (kv.key.value.clone(), eval(&scope, &kv.value, df.escape)))
                        .collect();
                    scope.env.extend(values);
                }
                _ => {}
            }
        }
    }
    Some(scope)
}
