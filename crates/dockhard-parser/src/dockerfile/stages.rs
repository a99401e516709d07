//! Build stages, what each is based on, and the variables in scope at an
//! instruction (BuildKit's meta args, stage ARGs and inherited ENV).

use std::collections::HashMap;
use std::ops::Range;

use super::expand::{self, Env, Lookup};
use super::{Dockerfile, Instruction, Keyword, Kind, SyntaxError};
use crate::span::Text;

/// One build stage: its FROM and the instructions up to the next FROM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The `AS name`, lower-cased as BuildKit compares it.
    pub name: Option<Text>,
    /// Index of the stage's FROM in [`Dockerfile::instructions`].
    pub from: usize,
    /// The stage's instructions, its FROM included.
    pub instructions: Range<usize>,
    pub base: Base,
}

/// What a stage starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// An image from a registry. `reference` is the image after meta-arg
    /// substitution, `None` when that depends on a build argument.
    Image { reference: Option<String> },
    /// An earlier stage of the same file, by index.
    Stage(usize),
    /// The empty image.
    Scratch,
}

impl Stage {
    pub fn from_instruction<'a>(&self, df: &'a Dockerfile) -> Option<&'a Instruction> {
        df.instructions.get(self.from)
    }
}

pub(super) fn build_stages(df: &mut Dockerfile) {
    let meta = meta_scope(df);
    let mut stages: Vec<Stage> = Vec::new();
    let mut errors = Vec::new();
    for (idx, instruction) in df.instructions.iter().enumerate() {
        if instruction.keyword != Keyword::From {
            if let Some(stage) = stages.last_mut() {
                stage.instructions.end = idx + 1;
            } else if instruction.keyword != Keyword::Arg && instruction.kind != Kind::Invalid {
                errors.push(SyntaxError::new(
                    "no build stage in current context",
                    instruction.keyword_span,
                ));
            }
            continue;
        }
        let Kind::From(from) = &instruction.kind else {
            continue;
        };
        let reference = match expand::evaluate(&from.image.value, df.escape, &meta) {
            Ok(r) => r,
            Err(e) => {
                errors.push(SyntaxError::new(e.to_string(), from.image.span));
                None
            }
        };
        let base = match reference {
            Some(r) if r.eq_ignore_ascii_case("scratch") => Base::Scratch,
            Some(r) => match stages
                .iter()
                .position(|s| s.name.as_ref().is_some_and(|n| n.value == r.to_lowercase()))
            {
                Some(parent) => Base::Stage(parent),
                None => Base::Image { reference: Some(r) },
            },
            None => Base::Image { reference: None },
        };
        if let Some(alias) = &from.alias {
            let lower = alias.value.to_lowercase();
            if stages
                .iter()
                .any(|s| s.name.as_ref().is_some_and(|n| n.value == lower))
            {
                errors.push(SyntaxError::new(
                    format!("duplicate stage name {:?}", alias.value),
                    alias.span,
                ));
            }
        }
        stages.push(Stage {
            index: stages.len(),
            name: from
                .alias
                .as_ref()
                .map(|a| Text::new(a.value.to_lowercase(), a.span)),
            from: idx,
            instructions: idx..idx + 1,
            base,
        });
    }
    df.stages = stages;
    df.errors.extend(errors);
}

/// Variables visible at a point of the Dockerfile.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    args: HashMap<String, Lookup>,
    env: HashMap<String, Lookup>,
}

impl Env for Scope {
    fn lookup(&self, name: &str) -> Lookup {
        if let Some(v) = self.env.get(name) {
            return v.clone();
        }
        if let Some(v) = self.args.get(name) {
            return v.clone();
        }
        if is_automatic_arg(name) {
            return Lookup::Unknown;
        }
        Lookup::Unset
    }
}

/// BuildKit's automatic platform args, known only at build time.
fn is_automatic_arg(name: &str) -> bool {
    matches!(
        name,
        "TARGETPLATFORM"
            | "TARGETOS"
            | "TARGETARCH"
            | "TARGETVARIANT"
            | "BUILDPLATFORM"
            | "BUILDOS"
            | "BUILDARCH"
            | "BUILDVARIANT"
    )
}

fn eval_in(scope: &Scope, word: &Text, escape: char) -> Lookup {
    match expand::evaluate(&word.value, escape, scope) {
        Ok(Some(v)) => Lookup::Value(v),
        _ => Lookup::Unknown,
    }
}

/// The meta args (ARGs before the first FROM) with their defaults.
fn meta_scope(df: &Dockerfile) -> Scope {
    let mut scope = Scope::default();
    for instruction in df.meta_args() {
        if let Kind::Arg(decls) = &instruction.kind {
            for decl in decls {
                let value = match &decl.default {
                    Some(d) => eval_in(&scope, d, df.escape),
                    None => Lookup::Unknown,
                };
                scope.args.insert(decl.name.value.clone(), value);
            }
        }
    }
    scope
}

impl Dockerfile {
    /// The variables in scope just before instruction `at` of `stage`
    /// (an instruction index into [`Dockerfile::instructions`]).
    pub fn scope_at(&self, stage: &Stage, at: usize) -> Scope {
        let meta = meta_scope(self);
        let mut scope = Scope::default();
        if let Base::Stage(parent) = stage.base
            && parent < stage.index
            && let Some(p) = self.stages.get(parent)
        {
            scope.env = self.scope_at(p, p.instructions.end).env;
        }
        let end = at.min(stage.instructions.end);
        for instruction in self.instructions.get(stage.from + 1..end).unwrap_or(&[]) {
            match &instruction.kind {
                Kind::Arg(decls) => {
                    for decl in decls {
                        let value = match &decl.default {
                            Some(d) => eval_in(&scope, d, self.escape),
                            None => match meta.args.get(&decl.name.value) {
                                Some(v) => v.clone(),
                                None => Lookup::Unknown,
                            },
                        };
                        scope.args.insert(decl.name.value.clone(), value);
                    }
                }
                Kind::Env(pairs) => {
                    let values: Vec<(String, Lookup)> = pairs
                        .iter()
                        .map(|kv| {
                            (
                                kv.key.value.clone(),
                                eval_in(&scope, &kv.value, self.escape),
                            )
                        })
                        .collect();
                    scope.env.extend(values);
                }
                _ => {}
            }
        }
        scope
    }

    /// Evaluates a word of instruction `at` in `stage`: `None` when its value
    /// depends on something only known at build time (or is malformed).
    pub fn evaluate_at(&self, stage: &Stage, at: usize, word: &Text) -> Option<String> {
        let scope = self.scope_at(stage, at);
        expand::evaluate(&word.value, self.escape, &scope)
            .ok()
            .flatten()
    }
}
