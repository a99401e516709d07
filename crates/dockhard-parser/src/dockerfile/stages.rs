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
    df.bindings = Bindings::of(df);
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

fn eval_in(scope: &dyn Env, word: &Text, escape: char) -> Lookup {
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

/// Ancestor stages searched for an inherited ENV: a variable set in none of
/// the nearest this many is unknown (a chain that long is no real build).
pub const MAX_INHERITED: usize = 256;

/// The values stored in [`Bindings`] may take this many bytes; values set
/// after that are unknown.
const MAX_STORED: usize = 16 * 1024 * 1024;

/// Where a definition is: its instruction's index, and the place of the name
/// among the instruction's names.
type Pos = (usize, usize);

type Definitions = HashMap<String, Vec<(Pos, Lookup)>>;

/// Every ARG and ENV definition of a Dockerfile with its value, by stage
/// and by name in source order. A word is evaluated with a few binary
/// searches, where replaying the stage up to it ([`Dockerfile::scope_at`])
/// made evaluating every word of a long stage quadratic.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bindings {
    /// The meta args (ARGs before the first FROM).
    meta: Definitions,
    /// Per stage.
    env: Vec<Definitions>,
    args: Vec<Definitions>,
    stored: usize,
}

/// The last definition before `pos`.
fn last_before(defs: Option<&Vec<(Pos, Lookup)>>, pos: Pos) -> Option<&Lookup> {
    let defs = defs?;
    let n = defs.partition_point(|(p, _)| *p < pos);
    n.checked_sub(1).and_then(|i| defs.get(i)).map(|(_, v)| v)
}

/// The variables in scope at `pos` of the meta args.
struct MetaAt<'a> {
    bindings: &'a Bindings,
    pos: Pos,
}

impl Env for MetaAt<'_> {
    fn lookup(&self, name: &str) -> Lookup {
        if let Some(v) = last_before(self.bindings.meta.get(name), self.pos) {
            return v.clone();
        }
        if is_automatic_arg(name) {
            return Lookup::Unknown;
        }
        Lookup::Unset
    }
}

/// The variables in scope at `pos` of stage `stage`: its ENV, the ENV its
/// parent stages set, its ARGs (as [`Scope`] looks them up).
struct StageAt<'a> {
    bindings: &'a Bindings,
    stages: &'a [Stage],
    stage: usize,
    pos: Pos,
}

impl Env for StageAt<'_> {
    fn lookup(&self, name: &str) -> Lookup {
        let b = self.bindings;
        let env = |stage: usize| b.env.get(stage).and_then(|m| m.get(name));
        if let Some(v) = last_before(env(self.stage), self.pos) {
            return v.clone();
        }
        let mut current = self.stage;
        let mut hops = 0;
        while let Some(Base::Stage(parent)) = self.stages.get(current).map(|s| &s.base)
            && *parent < current
        {
            hops += 1;
            if hops > MAX_INHERITED {
                return Lookup::Unknown;
            }
            if let Some((_, v)) = env(*parent).and_then(|d| d.last()) {
                return v.clone();
            }
            current = *parent;
        }
        if let Some(v) = last_before(b.args.get(self.stage).and_then(|m| m.get(name)), self.pos) {
            return v.clone();
        }
        if is_automatic_arg(name) {
            return Lookup::Unknown;
        }
        Lookup::Unset
    }
}

impl Bindings {
    fn of(df: &Dockerfile) -> Bindings {
        let mut b = Bindings {
            env: vec![Definitions::new(); df.stages.len()],
            args: vec![Definitions::new(); df.stages.len()],
            ..Bindings::default()
        };
        let meta_end = df
            .instructions
            .iter()
            .position(|i| i.keyword == Keyword::From)
            .unwrap_or(df.instructions.len());
        for (idx, instruction) in df.instructions[..meta_end].iter().enumerate() {
            if let Kind::Arg(decls) = &instruction.kind {
                for (k, decl) in decls.iter().enumerate() {
                    let value = match &decl.default {
                        Some(d) => {
                            let env = MetaAt {
                                bindings: &b,
                                pos: (idx, k),
                            };
                            eval_in(&env, d, df.escape)
                        }
                        None => Lookup::Unknown,
                    };
                    b.define(None, false, &decl.name.value, (idx, k), value);
                }
            }
        }
        for stage in &df.stages {
            for idx in stage.from + 1..stage.instructions.end {
                let Some(instruction) = df.instructions.get(idx) else {
                    break;
                };
                match &instruction.kind {
                    Kind::Arg(decls) => {
                        for (k, decl) in decls.iter().enumerate() {
                            let value = match &decl.default {
                                Some(d) => {
                                    let env = StageAt {
                                        bindings: &b,
                                        stages: &df.stages,
                                        stage: stage.index,
                                        pos: (idx, k),
                                    };
                                    eval_in(&env, d, df.escape)
                                }
                                None => b
                                    .meta
                                    .get(&decl.name.value)
                                    .and_then(|d| d.last())
                                    .map_or(Lookup::Unknown, |(_, v)| v.clone()),
                            };
                            b.define(Some(stage.index), false, &decl.name.value, (idx, k), value);
                        }
                    }
                    Kind::Env(pairs) => {
                        let values: Vec<Lookup> = {
                            let env = StageAt {
                                bindings: &b,
                                stages: &df.stages,
                                stage: stage.index,
                                pos: (idx, 0),
                            };
                            pairs
                                .iter()
                                .map(|kv| eval_in(&env, &kv.value, df.escape))
                                .collect()
                        };
                        for (k, (kv, value)) in pairs.iter().zip(values).enumerate() {
                            b.define(Some(stage.index), true, &kv.key.value, (idx, k), value);
                        }
                    }
                    _ => {}
                }
            }
        }
        b
    }

    fn define(&mut self, stage: Option<usize>, env: bool, name: &str, pos: Pos, value: Lookup) {
        let value = match value {
            Lookup::Value(v) if self.stored + v.len() > MAX_STORED => Lookup::Unknown,
            Lookup::Value(v) => {
                self.stored += v.len();
                Lookup::Value(v)
            }
            other => other,
        };
        let table = match (stage, env) {
            (None, _) => Some(&mut self.meta),
            (Some(s), true) => self.env.get_mut(s),
            (Some(s), false) => self.args.get_mut(s),
        };
        if let Some(table) = table {
            table
                .entry(name.to_string())
                .or_default()
                .push((pos, value));
        }
    }
}

impl Dockerfile {
    /// The variables in scope just before instruction `at` of `stage`
    /// (an instruction index into [`Dockerfile::instructions`]), replayed
    /// from the start of the stage and of the stages it is built on. The
    /// reference for [`Dockerfile::evaluate_at`], which gives the same
    /// values without replaying.
    pub fn scope_at(&self, stage: &Stage, at: usize) -> Scope {
        let meta = meta_scope(self);
        // The stage and the stages it is built on, nearest first.
        let mut chain = vec![(stage, at)];
        let mut current = stage;
        while let Base::Stage(parent) = current.base
            && parent < current.index
            && let Some(p) = self.stages.get(parent)
        {
            if chain.len() > MAX_INHERITED {
                break;
            }
            chain.push((p, p.instructions.end));
            current = p;
        }
        let mut env = HashMap::new();
        let mut scope = Scope::default();
        for (stage, at) in chain.into_iter().rev() {
            scope = Scope {
                args: HashMap::new(),
                env: std::mem::take(&mut env),
            };
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
            env = scope.env.clone();
        }
        scope
    }

    /// Evaluates a word of instruction `at` in `stage`: `None` when its value
    /// depends on something only known at build time (or is malformed).
    pub fn evaluate_at(&self, stage: &Stage, at: usize, word: &Text) -> Option<String> {
        let env = StageAt {
            bindings: &self.bindings,
            stages: &self.stages,
            stage: stage.index,
            pos: (at, 0),
        };
        expand::evaluate(&word.value, self.escape, &env)
            .ok()
            .flatten()
    }
}
