//! Build stages, what each is based on, and the variables in scope at an
//! instruction (BuildKit's meta args, stage ARGs and inherited ENV).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

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

pub(super) fn build_stages(df: &mut Dockerfile, source_len: usize) {
    let budget = Budget::for_source(source_len);
    let meta = meta_scope(df, &budget);
    let mut stages: Vec<Stage> = Vec::new();
    // Stage names (lower-cased) to the first stage of that name: a lookup
    // per FROM, so that a file of many stages stays linear.
    let mut names: HashMap<String, usize> = HashMap::new();
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
        let reference = match budget.evaluate(&from.image.value, df.escape, &meta) {
            Ok(r) => r,
            Err(e) => {
                errors.push(SyntaxError::new(e.to_string(), from.image.span));
                None
            }
        };
        let base = match reference {
            Some(r) if r.eq_ignore_ascii_case("scratch") => Base::Scratch,
            Some(r) => match names.get(&r.to_lowercase()) {
                Some(&parent) => Base::Stage(parent),
                None => Base::Image { reference: Some(r) },
            },
            None => Base::Image { reference: None },
        };
        if let Some(alias) = &from.alias {
            let lower = alias.value.to_lowercase();
            match names.entry(lower) {
                std::collections::hash_map::Entry::Occupied(_) => {
                    errors.push(SyntaxError::new(
                        format!("duplicate stage name {:?}", alias.value),
                        alias.span,
                    ));
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(stages.len());
                }
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
    // The stages the final stage builds on, itself included.
    let mut in_final_image = vec![false; stages.len()];
    let mut current = stages.last();
    while let Some(stage) = current {
        if let Some(mark) = in_final_image.get_mut(stage.index) {
            *mark = true;
        }
        current = match stage.base {
            Base::Stage(parent) if parent < stage.index => stages.get(parent),
            _ => None,
        };
    }
    df.stages = stages;
    df.in_final_image = in_final_image;
    df.errors.extend(errors);
    df.variables = Variables::build(df, meta.args, budget);
}

/// Where a declaration sits: its instruction, and its place among the
/// declarations of that instruction. A lookup sees what comes before.
type Position = (usize, usize);

/// Every value an ARG or ENV declares, per stage and name in source order,
/// computed once when the file is parsed. Looking a variable up is a hash
/// lookup and a binary search (its own stage) or a walk of a few levels of a
/// tree (ENV inherited through `FROM <stage>`), so evaluating a word costs
/// the same at the first instruction and at the hundred-thousandth, however
/// long a chain of stages is.
#[derive(Clone, Debug, Default)]
pub(crate) struct Variables {
    /// The meta args (ARGs before the first FROM).
    meta: HashMap<String, Lookup>,
    stages: Vec<StageVariables>,
    inherited: InheritedEnv,
    budget: Budget,
}

/// The bytes of variable values that evaluating the words of a file may
/// still take in, in all: generous for any real file (several rules
/// evaluate the same words), and linear in the file's size, so that a file
/// that multiplies a value by referring to it again and again (`ENV
/// B=$A$A$A`, then `RUN echo $B` a million times) costs work and memory in
/// proportion to its length. Past it, values are unknown.
#[derive(Debug, Default)]
struct Budget(AtomicUsize);

impl Clone for Budget {
    fn clone(&self) -> Self {
        Budget(AtomicUsize::new(self.0.load(Ordering::Relaxed)))
    }
}

impl Budget {
    fn for_source(source_len: usize) -> Budget {
        Budget(AtomicUsize::new(
            source_len.saturating_mul(16).saturating_add(8 << 20),
        ))
    }

    /// Evaluates a word within what is left (and at most
    /// [`expand::MAX_SUBSTITUTED`]), and takes what it used.
    fn evaluate(
        &self,
        raw: &str,
        escape: char,
        env: &dyn Env,
    ) -> Result<Option<String>, expand::ExpandError> {
        let limit = self.0.load(Ordering::Relaxed).min(expand::MAX_SUBSTITUTED);
        let (value, taken) = expand::evaluate_within(raw, escape, env, limit)?;
        let _ = self
            .0
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some(b.saturating_sub(taken))
            });
        Ok(value)
    }

    /// A word's value: unknown when it cannot be known.
    fn eval(&self, env: &dyn Env, word: &Text, escape: char) -> Lookup {
        match self.evaluate(&word.value, escape, env) {
            Ok(Some(v)) => Lookup::Value(v),
            _ => Lookup::Unknown,
        }
    }
}

#[derive(Clone, Debug, Default)]
struct StageVariables {
    env: HashMap<String, Vec<(Position, Lookup)>>,
    args: HashMap<String, Vec<(Position, Lookup)>>,
    /// The ENV this stage starts with: its parent stage's at its end (a
    /// root of [`InheritedEnv`]).
    inherited: u32,
}

/// The last value declared before `bound`.
fn before(history: Option<&Vec<(Position, Lookup)>>, bound: Position) -> Option<&Lookup> {
    let history = history?;
    let n = history.partition_point(|(at, _)| *at < bound);
    n.checked_sub(1)
        .and_then(|i| history.get(i))
        .map(|(_, v)| v)
}

/// The ENV of every stage at its end, shared between stages: a persistent
/// array from a name's number to its value, as a binary tree where a stage
/// that sets k names copies only k paths from the root (its parent's tree
/// is unchanged). A chain of n stages that each set a variable costs
/// O(n log n), where a map per stage would cost O(n²).
#[derive(Clone, Debug, Default)]
struct InheritedEnv {
    /// Every name an ENV of a stage declares, to its number.
    ids: HashMap<String, u32>,
    /// Levels of the tree: numbers have this many bits.
    depth: u32,
    /// Two children per node. Node 0 is the empty tree (its children are
    /// itself). Below the last level a child is a value: its index in
    /// `values` plus one, 0 for none.
    nodes: Vec<[u32; 2]>,
    values: Vec<Lookup>,
}

impl InheritedEnv {
    fn new(names: HashMap<String, u32>) -> InheritedEnv {
        let mut depth = 1;
        while depth < 32 && (1usize << depth) < names.len() {
            depth += 1;
        }
        InheritedEnv {
            ids: names,
            depth,
            nodes: vec![[0, 0]],
            values: Vec::new(),
        }
    }

    /// The value of `name` in the tree at `root`.
    fn get(&self, root: u32, name: &str) -> Option<&Lookup> {
        let &id = self.ids.get(name)?;
        let mut node = root;
        for level in (0..self.depth).rev() {
            let bit = ((id >> level) & 1) as usize;
            node = *self.nodes.get(node as usize)?.get(bit)?;
        }
        node.checked_sub(1)
            .and_then(|i| self.values.get(i as usize))
    }

    /// The tree at `root` with `name` set to `value`: a new root. `None`
    /// (the caller keeps the old tree) when the name has no number or the
    /// tree outgrows its 32-bit node numbers.
    fn set(&mut self, root: u32, name: &str, value: Lookup) -> Option<u32> {
        let &id = self.ids.get(name)?;
        let mut path = Vec::with_capacity(self.depth as usize);
        let mut node = root;
        for level in (0..self.depth).rev() {
            path.push(node);
            let bit = ((id >> level) & 1) as usize;
            node = *self.nodes.get(node as usize)?.get(bit)?;
        }
        self.values.push(value);
        let mut child = u32::try_from(self.values.len()).ok()?;
        for (level, &old) in (0..self.depth).zip(path.iter().rev()) {
            let bit = ((id >> level) & 1) as usize;
            let mut pair = *self.nodes.get(old as usize)?;
            pair[bit] = child;
            child = u32::try_from(self.nodes.len()).ok()?;
            self.nodes.push(pair);
        }
        Some(child)
    }
}

impl Variables {
    fn build(df: &Dockerfile, meta: HashMap<String, Lookup>, budget: Budget) -> Variables {
        // Every ENV name of the stages, numbered, for the inherited trees.
        let mut names: HashMap<String, u32> = HashMap::new();
        for stage in &df.stages {
            for instruction in df
                .instructions
                .get(stage.from + 1..stage.instructions.end)
                .unwrap_or(&[])
            {
                if let Kind::Env(pairs) = &instruction.kind {
                    for kv in pairs {
                        let next = u32::try_from(names.len()).unwrap_or(u32::MAX);
                        names.entry(kv.key.value.clone()).or_insert(next);
                    }
                }
            }
        }
        let mut vars = Variables {
            meta,
            stages: Vec::with_capacity(df.stages.len()),
            inherited: InheritedEnv::new(names),
            budget,
        };
        // The ENV each stage ends with (a root of `vars.inherited`).
        let mut ends: Vec<u32> = Vec::with_capacity(df.stages.len());
        for stage in &df.stages {
            let inherited = match stage.base {
                Base::Stage(parent) => ends.get(parent).copied().unwrap_or(0),
                _ => 0,
            };
            vars.stages.push(StageVariables {
                inherited,
                ..StageVariables::default()
            });
            let s = vars.stages.len() - 1;
            let end = stage.instructions.end;
            for idx in stage.from + 1..end {
                let Some(instruction) = df.instructions.get(idx) else {
                    break;
                };
                match &instruction.kind {
                    Kind::Arg(decls) => {
                        for (k, decl) in decls.iter().enumerate() {
                            let at = (idx, k);
                            let value = match &decl.default {
                                Some(d) => vars.budget.eval(&vars.scope(s, at), d, df.escape),
                                None => match vars.meta.get(&decl.name.value) {
                                    Some(v) => v.clone(),
                                    None => Lookup::Unknown,
                                },
                            };
                            vars.stages[s]
                                .args
                                .entry(decl.name.value.clone())
                                .or_default()
                                .push((at, value));
                        }
                    }
                    Kind::Env(pairs) => {
                        // Every pair sees the scope before the instruction.
                        let at = (idx, 0);
                        let values: Vec<(String, Lookup)> = pairs
                            .iter()
                            .map(|kv| {
                                (
                                    kv.key.value.clone(),
                                    vars.budget.eval(&vars.scope(s, at), &kv.value, df.escape),
                                )
                            })
                            .collect();
                        for (name, value) in values {
                            vars.stages[s]
                                .env
                                .entry(name)
                                .or_default()
                                .push((at, value));
                        }
                    }
                    _ => {}
                }
            }
            // The stage's own last values over what it inherited.
            let mut root = inherited;
            let own: Vec<(String, Lookup)> = vars.stages[s]
                .env
                .iter()
                .filter_map(|(name, history)| Some((name.clone(), history.last()?.1.clone())))
                .collect();
            for (name, value) in own {
                if let Some(next) = vars.inherited.set(root, &name, value) {
                    root = next;
                }
            }
            ends.push(root);
        }
        vars
    }

    fn scope(&self, stage: usize, bound: Position) -> Scope<'_> {
        Scope {
            vars: self,
            stage,
            bound,
        }
    }

    fn lookup(&self, stage: usize, bound: Position, name: &str) -> Lookup {
        let Some(s) = self.stages.get(stage) else {
            return Lookup::Unknown;
        };
        if let Some(v) = before(s.env.get(name), bound) {
            return v.clone();
        }
        if let Some(v) = self.inherited.get(s.inherited, name) {
            return v.clone();
        }
        if let Some(v) = before(s.args.get(name), bound) {
            return v.clone();
        }
        if is_automatic_arg(name) {
            return Lookup::Unknown;
        }
        Lookup::Unset
    }
}

/// Variables visible at a point of the Dockerfile.
#[derive(Clone, Copy, Debug)]
pub struct Scope<'a> {
    vars: &'a Variables,
    stage: usize,
    bound: Position,
}

impl Env for Scope<'_> {
    fn lookup(&self, name: &str) -> Lookup {
        self.vars.lookup(self.stage, self.bound, name)
    }
}

/// The meta args: ARGs before the first FROM, which only FROM lines (and
/// stage ARGs without a default) see.
#[derive(Clone, Debug, Default)]
struct MetaScope {
    args: HashMap<String, Lookup>,
}

impl Env for MetaScope {
    fn lookup(&self, name: &str) -> Lookup {
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
pub fn is_automatic_arg(name: &str) -> bool {
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

/// The meta args (ARGs before the first FROM) with their defaults.
fn meta_scope(df: &Dockerfile, budget: &Budget) -> MetaScope {
    let mut scope = MetaScope::default();
    for instruction in df.meta_args() {
        if let Kind::Arg(decls) = &instruction.kind {
            for decl in decls {
                let value = match &decl.default {
                    Some(d) => budget.eval(&scope, d, df.escape),
                    None => Lookup::Unknown,
                };
                scope.args.insert(decl.name.value.clone(), value);
            }
        }
    }
    scope
}

impl Dockerfile {
    /// Whether the final image is built on `stage` (the final stage, or a
    /// stage it builds on through `FROM <stage>`).
    pub fn in_final_image(&self, stage: &Stage) -> bool {
        self.in_final_image
            .get(stage.index)
            .copied()
            .unwrap_or(false)
    }

    /// The stage an instruction (an index into [`Dockerfile::instructions`])
    /// belongs to: a binary search, stages being consecutive ranges.
    pub fn stage_of(&self, index: usize) -> Option<&Stage> {
        let i = self.stages.partition_point(|s| s.instructions.end <= index);
        self.stages
            .get(i)
            .filter(|s| s.instructions.contains(&index))
    }

    /// The variables in scope just before instruction `at` of `stage`
    /// (an instruction index into [`Dockerfile::instructions`]).
    pub fn scope_at(&self, stage: &Stage, at: usize) -> Scope<'_> {
        let end = at.min(stage.instructions.end);
        self.variables.scope(stage.index, (end, 0))
    }

    /// Evaluates a word of instruction `at` in `stage`: `None` when its value
    /// depends on something only known at build time (or is malformed).
    pub fn evaluate_at(&self, stage: &Stage, at: usize, word: &Text) -> Option<String> {
        let scope = self.scope_at(stage, at);
        self.variables
            .budget
            .evaluate(&word.value, self.escape, &scope)
            .ok()
            .flatten()
    }
}
