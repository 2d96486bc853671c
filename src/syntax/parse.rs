//! pest pairs → typed syntax tree.

use std::str::FromStr;

use pest::iterators::Pair;
use pest::Parser as _;
use rust_decimal::Decimal;

use super::ast::*;
use super::error::ParseError;
use lexical::{check_nesting, from_pest, scan_comments};

mod dated;
mod expr;
mod lexical;
mod mistakes;
use crate::source::{Source, MAX_FILE_BYTES};
use crate::units::MoneyUnit;

#[derive(pest_derive::Parser)]
#[grammar = "grammar/townrules.pest"]
struct RulesParser;

/// Deepest nesting of brackets accepted in a rule file (deeper input is an error, not a stack overflow).
pub const MAX_NESTING: usize = 48;

/// Parse a rule file's text into a syntax tree.
pub fn parse(source: &Source) -> Result<File, ParseError> {
    let text = source.text();
    if text.len() > MAX_FILE_BYTES {
        return Err(ParseError::new(
            source,
            Span::new(0, 0),
            crate::t!("syntax.too_large", bytes = text.len()),
            crate::t!("syntax.here"),
            Some(crate::t!(
                "syntax.too_large_help",
                mib = MAX_FILE_BYTES / 1024 / 1024
            )),
        ));
    }
    check_bidi(source)?;
    check_nesting(source)?;
    let mut pairs =
        RulesParser::parse(Rule::file, text).map_err(|e| slip_or(source, from_pest(source, e)))?;
    let file = pairs
        .next()
        .ok_or_else(|| ParseError::internal(source, Span::new(0, 0)))?;
    let b = Builder { source };
    let mut items = Vec::new();
    for pair in kids(file) {
        if pair.as_rule() == Rule::EOI {
            continue;
        }
        items.push(b.item(pair)?);
    }
    Ok(File {
        items,
        comments: scan_comments(text),
    })
}

/// A file that does not parse: the first common slip (a space before a unit, a missing
/// `{` …) when it is at or before the line after where the grammar stopped, else the
/// grammar's own error.
fn slip_or(source: &Source, grammar: ParseError) -> ParseError {
    let text = source.text();
    let stop = grammar.span.offset();
    let next_line_end = text
        .get(stop..)
        .and_then(|r| r.find('\n'))
        .map(|n| stop + n + 1)
        .and_then(|p| text.get(p..).map(|r| p + r.find('\n').unwrap_or(r.len())))
        .unwrap_or(text.len());
    match mistakes::first_slip(source) {
        Some(slip) if slip.span.offset() <= next_line_end => slip,
        Some(_) | None => grammar,
    }
}

fn span_of(p: &Pair<'_, Rule>) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.end())
}

struct Builder<'s> {
    source: &'s Source,
}

type R<T> = Result<T, ParseError>;

impl Builder<'_> {
    fn next<'i, I: Iterator<Item = Pair<'i, Rule>>>(
        &self,
        pairs: &mut I,
        at: Span,
    ) -> R<Pair<'i, Rule>> {
        pairs
            .next()
            .ok_or_else(|| ParseError::internal(self.source, at))
    }

    fn item(&self, pair: Pair<'_, Rule>) -> R<Node<Item>> {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        let mut inner = kids(pair);
        let item = match rule {
            Rule::header => {
                let id = self.ident(self.next(&mut inner, span)?);
                let attrs = self.block(self.next(&mut inner, span)?)?;
                Item::Header(Header { id, attrs })
            }
            Rule::import_decl => Item::Import(self.string(self.next(&mut inner, span)?)),
            Rule::extends_decl => Item::Extends(self.string(self.next(&mut inner, span)?)),
            Rule::category_decl => self.category(inner, span)?,
            Rule::fact_decl => self.fact(inner, span)?,
            Rule::param_decl => self.param(inner, span)?,
            Rule::table_decl => self.table(inner, span)?,
            Rule::override_decl => {
                let name = self.path(self.next(&mut inner, span)?);
                let value = self.value(self.next(&mut inner, span)?)?;
                let (from, attrs, versions) = self.dated(inner)?;
                Item::Override(OverrideDecl {
                    name,
                    value,
                    from,
                    attrs,
                    versions,
                })
            }
            Rule::criterion_decl => self.criterion(inner, span)?,
            Rule::evaluation_decl => self.evaluation(inner, span)?,
            Rule::drop_decl => {
                let id = self.ident(self.next(&mut inner, span)?);
                let reason = inner.next().map(|p| self.string(p));
                Item::Drop(DropDecl { id, reason })
            }
            Rule::target_decl => {
                let id = self.ident(self.next(&mut inner, span)?);
                let label = self.string(self.next(&mut inner, span)?);
                let attrs = match inner.next() {
                    Some(b) => self.block(b)?,
                    None => Vec::new(),
                };
                Item::Target(TargetDecl { id, label, attrs })
            }
            Rule::priority_decl => {
                let label = self.string(self.next(&mut inner, span)?);
                let when = self.expr(self.next(&mut inner, span)?)?;
                let attrs = match inner.next() {
                    Some(b) => self.block(b)?,
                    None => Vec::new(),
                };
                Item::Priority(RulePriority {
                    rule: Node::new(Priority { label, when }, span),
                    attrs,
                })
            }
            Rule::population_decl => {
                let id = self.ident(self.next(&mut inner, span)?);
                let label = self.string(self.next(&mut inner, span)?);
                let attrs = match inner.next() {
                    Some(b) => self.block(b)?,
                    None => Vec::new(),
                };
                Item::Population(TargetDecl { id, label, attrs })
            }
            _ => return Err(ParseError::internal(self.source, span)),
        };
        Ok(Node::new(item, span))
    }

    fn category<'i>(&self, mut inner: impl Iterator<Item = Pair<'i, Rule>>, span: Span) -> R<Item> {
        let id = self.ident(self.next(&mut inner, span)?);
        let label = self.string(self.next(&mut inner, span)?);
        let mut members = Vec::new();
        for m in inner {
            let mspan = span_of(&m);
            let mut mi = kids(m);
            let id = self.ident(self.next(&mut mi, mspan)?);
            let label = self.string(self.next(&mut mi, mspan)?);
            let aliases = mi.map(|a| self.alias(a)).collect::<R<Vec<_>>>()?;
            members.push(Member { id, label, aliases });
        }
        Ok(Item::Category(CategoryDecl { id, label, members }))
    }

    fn alias(&self, pair: Pair<'_, Rule>) -> R<Node<String>> {
        let span = span_of(&pair);
        let p = self.next(&mut kids(pair), span)?;
        Ok(match p.as_rule() {
            Rule::string => self.string(p),
            _ => self.ident(p),
        })
    }

    fn fact<'i>(&self, mut inner: impl Iterator<Item = Pair<'i, Rule>>, span: Span) -> R<Item> {
        let id = self.ident(self.next(&mut inner, span)?);
        let label = self.string(self.next(&mut inner, span)?);
        let kind = self.kind(self.next(&mut inner, span)?)?;
        let mut aliases = Vec::new();
        let mut attrs = Vec::new();
        let mut yearly = false;
        for p in inner {
            match p.as_rule() {
                Rule::alias => aliases.push(self.alias(p)?),
                Rule::yearly => yearly = true,
                _ => attrs = self.block(p)?,
            }
        }
        Ok(Item::Fact(FactDecl {
            id,
            label,
            kind,
            aliases,
            attrs,
            yearly,
        }))
    }

    fn kind(&self, pair: Pair<'_, Rule>) -> R<Node<KindSpec>> {
        let span = span_of(&pair);
        let mut inner = kids(pair);
        let name = self.next(&mut inner, span)?.as_str().to_string();
        let arg = inner.next().map(|a| a.as_str().to_string());
        Ok(Node::new(KindSpec { name, arg }, span))
    }

    fn param<'i>(&self, mut inner: impl Iterator<Item = Pair<'i, Rule>>, span: Span) -> R<Item> {
        let name = self.path(self.next(&mut inner, span)?);
        let mut kind = None;
        let mut value = None;
        let mut from = None;
        let mut attrs = Vec::new();
        let mut versions = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::kind => kind = Some(self.kind(p)?),
                Rule::value => value = Some(self.value(p)?),
                Rule::since => from = Some(self.since(p)?),
                Rule::version => versions.push(self.version(p)?),
                _ => attrs = self.block(p)?,
            }
        }
        Ok(Item::Param(ParamDecl {
            name,
            kind,
            value,
            from,
            attrs,
            versions,
        }))
    }

    fn table<'i>(&self, mut inner: impl Iterator<Item = Pair<'i, Rule>>, span: Span) -> R<Item> {
        let name = self.path(self.next(&mut inner, span)?);
        let by = self.ident(self.next(&mut inner, span)?);
        let mut kind = None;
        let mut attrs = Vec::new();
        let mut entries = Vec::new();
        for p in inner {
            match p.as_rule() {
                Rule::kind => kind = Some(self.kind(p)?),
                Rule::attr => attrs.push(self.attr(p)?),
                _ => {
                    let espan = span_of(&p);
                    let mut ei = kids(p);
                    let key = self.ident(self.next(&mut ei, espan)?);
                    let value = self.value(self.next(&mut ei, espan)?)?;
                    let (from, attrs, versions) = self.dated(ei)?;
                    entries.push(TableEntry {
                        key,
                        value,
                        from,
                        attrs,
                        versions,
                    });
                }
            }
        }
        Ok(Item::Table(TableDecl {
            name,
            by,
            kind,
            attrs,
            entries,
        }))
    }

    fn criterion<'i>(
        &self,
        mut inner: impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
    ) -> R<Item> {
        let mut first = self.next(&mut inner, span)?;
        let replaces = first.as_rule() == Rule::replace;
        if replaces {
            first = self.next(&mut inner, span)?;
        }
        let id = self.ident(first);
        let label = self.string(self.next(&mut inner, span)?);
        let mut c = CriterionDecl {
            replaces,
            id,
            label,
            applies: Vec::new(),
            requires: Vec::new(),
            priorities: Vec::new(),
            attrs: Vec::new(),
        };
        for p in inner {
            let pspan = span_of(&p);
            match p.as_rule() {
                Rule::applies => c.applies.push(self.expr(self.next(&mut kids(p), pspan)?)?),
                Rule::require => c.requires.push(self.require(p)?),
                Rule::priority => {
                    let mut pi = kids(p);
                    let label = self.string(self.next(&mut pi, pspan)?);
                    let when = self.expr(self.next(&mut pi, pspan)?)?;
                    c.priorities
                        .push(Node::new(Priority { label, when }, pspan));
                }
                _ => c.attrs.push(self.attr(p)?),
            }
        }
        Ok(Item::Criterion(c))
    }

    fn evaluation<'i>(
        &self,
        mut inner: impl Iterator<Item = Pair<'i, Rule>>,
        span: Span,
    ) -> R<Item> {
        let id = self.ident(self.next(&mut inner, span)?);
        let label = self.string(self.next(&mut inner, span)?);
        let mut e = EvaluationDecl {
            id,
            label,
            indicators: Vec::new(),
            grades: None,
            attrs: Vec::new(),
        };
        for p in inner {
            match p.as_rule() {
                Rule::indicator => e.indicators.push(self.indicator(p)?),
                Rule::grades => e.grades = Some(self.grades(p)?),
                _ => e.attrs.push(self.attr(p)?),
            }
        }
        Ok(Item::Evaluation(e))
    }

    fn indicator(&self, pair: Pair<'_, Rule>) -> R<Node<IndicatorDecl>> {
        let span = span_of(&pair);
        let mut inner = kids(pair);
        let code = self.ident(self.next(&mut inner, span)?);
        let label = self.string(self.next(&mut inner, span)?);
        let w = self.next(&mut inner, span)?;
        let wspan = span_of(&w);
        let weight = Node::new(self.quantity(w)?, wspan);
        let mut d = IndicatorDecl {
            code,
            label,
            weight,
            children: Vec::new(),
            score: None,
            attrs: Vec::new(),
        };
        for p in inner {
            let pspan = span_of(&p);
            match p.as_rule() {
                Rule::indicator => d.children.push(self.indicator(p)?),
                Rule::score => {
                    let s = self.next(&mut kids(p), pspan)?;
                    let rule = match s.as_rule() {
                        Rule::score_expert => ScoreRule::Expert,
                        Rule::score_full => {
                            ScoreRule::FullWhen(self.expr(self.next(&mut kids(s), pspan)?)?)
                        }
                        _ => ScoreRule::Formula(self.expr(self.next(&mut kids(s), pspan)?)?),
                    };
                    d.score = Some(Node::new(rule, pspan));
                }
                _ => d.attrs.push(self.attr(p)?),
            }
        }
        Ok(Node::new(d, span))
    }

    fn grades(&self, pair: Pair<'_, Rule>) -> R<Node<GradesDecl>> {
        let span = span_of(&pair);
        let mut g = GradesDecl {
            label: None,
            bands: Vec::new(),
            attrs: Vec::new(),
        };
        for p in kids(pair) {
            let pspan = span_of(&p);
            match p.as_rule() {
                Rule::string => g.label = Some(self.string(p)),
                Rule::band => {
                    let mut bi = kids(p);
                    let grade = self.ident(self.next(&mut bi, pspan)?);
                    let spec = self.next(&mut bi, pspan)?;
                    let (lower, upper) = if spec.as_rule() == Rule::interval {
                        let mut ii = kids(spec);
                        let open = self.next(&mut ii, pspan)?.as_str() == "[";
                        let lo = self.decimal(self.next(&mut ii, pspan)?)?;
                        let hi = self.decimal(self.next(&mut ii, pspan)?)?;
                        let close = self.next(&mut ii, pspan)?.as_str() == "]";
                        (Some((lo, open)), Some((hi, close)))
                    } else {
                        let mut bi2 = kids(spec);
                        let op = self.next(&mut bi2, pspan)?;
                        let v = self.decimal(self.next(&mut bi2, pspan)?)?;
                        match op.as_rule() {
                            Rule::op_ge => (Some((v, true)), None),
                            Rule::op_gt => (Some((v, false)), None),
                            Rule::op_le => (None, Some((v, true))),
                            _ => (None, Some((v, false))),
                        }
                    };
                    g.bands.push(Node::new(
                        Band {
                            grade,
                            lower,
                            upper,
                        },
                        pspan,
                    ));
                }
                _ => g.attrs.push(self.attr(p)?),
            }
        }
        Ok(Node::new(g, span))
    }

    fn decimal(&self, p: Pair<'_, Rule>) -> R<Decimal> {
        let span = span_of(&p);
        Decimal::from_str(p.as_str()).map_err(|_| {
            ParseError::new(
                self.source,
                span,
                crate::t!(
                    "number.too_precise",
                    number = crate::source::echo(p.as_str())
                ),
                crate::t!("number.too_precise_label"),
                None,
            )
        })
    }

    fn require(&self, pair: Pair<'_, Rule>) -> R<Node<Require>> {
        let span = span_of(&pair);
        let mut inner = kids(pair);
        let cond = self.expr(self.next(&mut inner, span)?)?;
        let mut label = None;
        let mut relax = None;
        for p in inner {
            match p.as_rule() {
                Rule::string => label = Some(self.string(p)),
                _ => {
                    let rspan = span_of(&p);
                    let mut ri = kids(p).peekable();
                    let discretionary =
                        ri.next_if(|x| x.as_rule() == Rule::discretionary).is_some();
                    let w = self.next(&mut ri, rspan)?;
                    let wspan = span_of(&w);
                    let when = self.expr(self.next(&mut kids(w), wspan)?)?;
                    let t = self.next(&mut ri, rspan)?;
                    let tspan = span_of(&t);
                    let then = self.expr(self.next(&mut kids(t), tspan)?)?;
                    let attrs = ri.map(|a| self.attr(a)).collect::<R<Vec<_>>>()?;
                    relax = Some(Node::new(
                        Relax {
                            when,
                            then,
                            attrs,
                            discretionary,
                        },
                        rspan,
                    ));
                }
            }
        }
        Ok(Node::new(Require { cond, label, relax }, span))
    }

    fn block(&self, pair: Pair<'_, Rule>) -> R<Vec<Attr>> {
        kids(pair).map(|a| self.attr(a)).collect()
    }

    fn attr(&self, pair: Pair<'_, Rule>) -> R<Attr> {
        let span = span_of(&pair);
        let mut inner = kids(pair);
        let key = self.ident(self.next(&mut inner, span)?);
        let v = self.next(&mut inner, span)?;
        let vspan = span_of(&v);
        let value = match v.as_rule() {
            Rule::string => AttrValue::Text(unescape(string_body(&v))),
            Rule::date => AttrValue::Date(v.as_str().to_string()),
            Rule::quantity => AttrValue::Quantity(self.quantity(v)?),
            _ => AttrValue::Word(nfc(v.as_str())),
        };
        Ok(Attr {
            key,
            value: Node::new(value, vspan),
        })
    }

    fn value(&self, pair: Pair<'_, Rule>) -> R<Node<Value>> {
        let span = span_of(&pair);
        let p = self.next(&mut kids(pair), span)?;
        let v = match p.as_rule() {
            Rule::quantity => Value::Quantity(self.quantity(p)?),
            Rule::boolean => Value::Bool(matches!(p.as_str(), "true" | "是")),
            _ => Value::Name(self.path(p).node),
        };
        Ok(Node::new(v, span))
    }

    fn quantity(&self, pair: Pair<'_, Rule>) -> R<Quantity> {
        let span = span_of(&pair);
        let mut inner = kids(pair);
        let num = self.next(&mut inner, span)?;
        let too_precise = || {
            ParseError::new(
                self.source,
                span,
                crate::t!(
                    "number.too_precise",
                    number = crate::source::echo(num.as_str())
                ),
                crate::t!("number.too_precise_label"),
                Some(crate::t!("number.too_precise_help")),
            )
        };
        let mut number = Decimal::from_str(num.as_str()).map_err(|_| too_precise())?;
        let unit = match inner.next() {
            None => LitUnit::Bare,
            Some(u) => match u.as_rule() {
                Rule::percent => LitUnit::Percent,
                Rule::points => LitUnit::Points,
                Rule::count_unit => {
                    let (scale, word) = count_scale(u.as_str());
                    number = number
                        .checked_mul(scale)
                        .map(|n| n.normalize())
                        .ok_or_else(too_precise)?;
                    LitUnit::Count(word.to_string())
                }
                _ => match MoneyUnit::from_suffix(u.as_str()) {
                    Some(m) => LitUnit::Money(m),
                    None => return Err(ParseError::internal(self.source, span)),
                },
            },
        };
        Ok(Quantity { number, unit })
    }

    fn ident(&self, pair: Pair<'_, Rule>) -> Node<String> {
        Node::new(nfc(pair.as_str()), span_of(&pair))
    }

    fn string(&self, pair: Pair<'_, Rule>) -> Node<String> {
        let span = span_of(&pair);
        Node::new(unescape(string_body(&pair)), span)
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Node<Path> {
        let span = span_of(&pair);
        let parts = kids(pair).map(|p| nfc(p.as_str())).collect();
        Node::new(Path(parts), span)
    }
}

/// A count's unit as written (`人`, `万人`, `亿户`): the factor its 万 or 亿 stands for
/// and the unit word itself.
fn count_scale(unit: &str) -> (Decimal, &str) {
    if let Some(word) = unit.strip_prefix('万') {
        (Decimal::from(10_000), word)
    } else if let Some(word) = unit.strip_prefix('亿') {
        (Decimal::from(100_000_000), word)
    } else {
        (Decimal::ONE, unit)
    }
}

/// An identifier in Unicode normal form C ([`crate::source::nfc`]).
fn nfc(name: &str) -> String {
    crate::source::nfc(name)
}

/// Refuse a bidirectional control character (U+202A–U+202E, U+2066–U+2069) anywhere in
/// the text: it reorders what a reader sees of the text around it, so a quotation or a
/// name could read otherwise than it is.
fn check_bidi(source: &Source) -> Result<(), ParseError> {
    let Some((at, c)) = source
        .text()
        .char_indices()
        .find(|&(_, c)| crate::source::is_bidi_control(c))
    else {
        return Ok(());
    };
    let code = format!("U+{:04X}", c as u32);
    Err(ParseError::new(
        source,
        Span::new(at, at + c.len_utf8()),
        crate::t!("syntax.bidi", code = code),
        crate::t!("syntax.bidi_label", code = code),
        Some(crate::t!("syntax.bidi_help")),
    ))
}

fn string_body<'i>(pair: &Pair<'i, Rule>) -> &'i str {
    let s = pair.as_str();
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
}

fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Children of a pair, without keyword tokens.
fn kids(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

fn is_keyword(r: Rule) -> bool {
    matches!(
        r,
        Rule::kw_ruleset
            | Rule::kw_import
            | Rule::kw_extends
            | Rule::kw_category
            | Rule::kw_fact
            | Rule::kw_param
            | Rule::kw_table
            | Rule::kw_by
            | Rule::kw_override
            | Rule::kw_criterion
            | Rule::kw_drop
            | Rule::kw_target
            | Rule::kw_population
            | Rule::kw_alias
            | Rule::kw_applies
            | Rule::kw_require
            | Rule::kw_relax
            | Rule::kw_when
            | Rule::kw_then
            | Rule::kw_priority
            | Rule::kw_in
            | Rule::kw_and
            | Rule::kw_or
            | Rule::kw_not
            | Rule::kw_evaluation
            | Rule::kw_indicator
            | Rule::kw_weight
            | Rule::kw_score
            | Rule::kw_full
            | Rule::kw_expert
            | Rule::kw_grades
            | Rule::kw_within
            | Rule::kw_from
    )
}
