//! The compose model before normalisation: a YAML tree whose every node knows
//! the project file it was written in, after interpolation.

use crate::span::Span;
use crate::yaml::{self, Node, Value};

pub use crate::location::{FileId, Origin};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tag {
    /// `!reset`: remove the inherited value.
    Reset,
    /// `!override`: replace the inherited value instead of merging.
    Override,
}

/// A scalar after interpolation. `text` is `None` when its value depends on
/// a variable that is not set (and has no default): unknown, never judged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    pub text: Option<String>,
    /// Written as a YAML string (quoted or plain text), as opposed to a bare
    /// boolean or number.
    pub is_string: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CValue {
    Null,
    Scalar(Scalar),
    Seq(Vec<CNode>),
    Map(Vec<(Key, CNode)>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CNode {
    pub value: CValue,
    pub origin: Origin,
    pub tag: Option<Tag>,
}

impl CNode {
    pub fn from_yaml(node: &Node, file: FileId) -> CNode {
        let origin = Origin {
            file,
            span: node.span,
            defined: node.defined,
        };
        let tag = match node.tag.as_deref() {
            Some("!reset") => Some(Tag::Reset),
            Some("!override") => Some(Tag::Override),
            _ => None,
        };
        let value = match &node.value {
            Value::Null => CValue::Null,
            Value::Seq(items) => {
                CValue::Seq(items.iter().map(|n| CNode::from_yaml(n, file)).collect())
            }
            Value::Map(entries) => CValue::Map(
                entries
                    .iter()
                    .map(|(k, v)| {
                        (
                            Key {
                                name: k.scalar_text().unwrap_or_default(),
                                origin: Origin {
                                    file,
                                    span: k.span,
                                    defined: k.defined,
                                },
                            },
                            CNode::from_yaml(v, file),
                        )
                    })
                    .collect(),
            ),
            Value::String(s) => CValue::Scalar(Scalar {
                text: Some(s.clone()),
                is_string: true,
            }),
            other => CValue::Scalar(Scalar {
                text: yaml::Node::synthetic(other.clone(), Span::default()).scalar_text(),
                is_string: false,
            }),
        };
        CNode { value, origin, tag }
    }

    pub fn as_map(&self) -> Option<&[(Key, CNode)]> {
        match &self.value {
            CValue::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_map_mut(&mut self) -> Option<&mut Vec<(Key, CNode)>> {
        match &mut self.value {
            CValue::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[CNode]> {
        match &self.value {
            CValue::Seq(s) => Some(s),
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&CNode> {
        self.entry(key).map(|(_, v)| v)
    }

    pub fn entry(&self, key: &str) -> Option<(&Key, &CNode)> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(k, v)| (k, v))
    }

    /// The scalar's text: `Some(Some(text))` known, `Some(None)` unknown,
    /// `None` not a scalar.
    pub fn scalar(&self) -> Option<Option<&str>> {
        match &self.value {
            CValue::Scalar(s) => Some(s.text.as_deref()),
            _ => None,
        }
    }

    /// The known text of a scalar.
    pub fn text(&self) -> Option<&str> {
        self.scalar().flatten()
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.scalar(), Some(None))
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, CValue::Null)
    }
}
