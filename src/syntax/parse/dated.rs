//! Dated values: `= 20亿元 from 2022-09-26 { … } then 15亿元 from 2025-01-01 { … }`.

use pest::iterators::Pair;

use super::{kids, span_of, Builder, Rule, R};
use crate::syntax::ast::{Attr, Node, Version};

/// What follows a parameter's value: its date, its attributes and its later values.
pub(super) type Dated = (Option<Node<String>>, Vec<Attr>, Vec<Version>);

impl Builder<'_> {
    /// What follows a value: `from DATE`, a block and later versions.
    pub(super) fn dated<'i>(&self, inner: impl Iterator<Item = Pair<'i, Rule>>) -> R<Dated> {
        let mut from = None;
        let mut attrs = Vec::new();
        let mut versions = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::since => from = Some(self.since(p)?),
                Rule::version => versions.push(self.version(p)?),
                _ => attrs = self.block(p)?,
            }
        }
        Ok((from, attrs, versions))
    }

    /// `from 2025-01-01`: the date as written.
    pub(super) fn since(&self, pair: Pair<'_, Rule>) -> R<Node<String>> {
        let span = span_of(&pair);
        let d = self.next(&mut kids(pair), span)?;
        Ok(Node::new(d.as_str().to_string(), span_of(&d)))
    }

    /// `then VALUE [from DATE] [{ … }]`.
    pub(super) fn version(&self, pair: Pair<'_, Rule>) -> R<Version> {
        let span = span_of(&pair);
        let mut inner = kids(pair);
        let value = self.value(self.next(&mut inner, span)?)?;
        // The grammar allows no `then` inside a `then`.
        let (from, attrs, _) = self.dated(inner)?;
        Ok(Version { value, from, attrs })
    }
}
