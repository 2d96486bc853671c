//! Dated values of a parameter: `= 20亿元 from 2022-09-26 { … } then 15亿元 from
//! 2025-01-01 { … }`, and `override` (which replaces every value, or adds one from a
//! date with `from`).

use super::{Builder, PARAM_ATTRS};
use crate::check::model::*;
use crate::diag::{Code, Diag};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, Node, Version};

impl Builder {
    pub(super) fn override_(&mut self, f: FileId, o: &ast::OverrideDecl) {
        self.check_attrs(
            f,
            &o.attrs,
            PARAM_ATTRS,
            &crate::t!("unknown_attr.of_override"),
        );
        let name = o.name.node.to_string();
        let pidx = match self.m.resolve(&name) {
            Some(Symbol::Param(i)) => i,
            _ => match self.new_table_entry(f, o) {
                Some(i) => i,
                None => return,
            },
        };
        let kind = self.m.params[pidx].kind;
        let mut measure = self.m.params[pidx].measure.clone();
        let Some((_, c, unit)) = self.value(f, &o.value, Some(kind), &mut measure) else {
            return;
        };
        self.m.params[pidx].measure = measure;
        let prov = self.provenance(f, o.name.span, &o.attrs, &[]);
        let written = self.src(f).text()[o.value.span.start..o.value.span.end].to_string();
        self.m.params[pidx].history.push(ParamValue {
            value: Some(c),
            written: Some(written),
            unit,
            provenance: prov,
            file: f,
            span: o.value.span,
            from: None,
        });
        self.dated(f, pidx, &o.from, &o.versions, &[]);
    }

    /// `override table.member = …` for a category the inherited table does not cover yet.
    fn new_table_entry(&mut self, f: FileId, o: &ast::OverrideDecl) -> Option<usize> {
        let name = o.name.node.to_string();
        let parts = &o.name.node.0;
        let (member, table) = parts.split_last()?;
        let tname = table.join(".");
        let tidx = match self.m.resolve(&tname) {
            Some(Symbol::Table(t)) if !table.is_empty() => t,
            _ => {
                let cands: Vec<&str> = self.m.params.iter().map(|p| p.name.as_str()).collect();
                let mut d = Diag::error(
                    Code::UnknownName,
                    self.src(f),
                    o.name.span,
                    crate::t!(
                        "unknown_name.override_param",
                        name = crate::source::echo(&name)
                    ),
                );
                d = match did_you_mean(&name, cands) {
                    Some(s) => d.help(crate::t!(
                        "unknown_name.override_param_did_you_mean",
                        name = s
                    )),
                    None => d.help(crate::t!("unknown_name.override_param_help")),
                };
                self.diags.push(d);
                return None;
            }
        };
        let set = self.m.tables[tidx].set;
        let Some(mi) = self.member_index(set, member) else {
            let cands: Vec<&str> = self.m.params.iter().map(|p| p.name.as_str()).collect();
            let mut d = Diag::error(
                Code::UnknownName,
                self.src(f),
                o.name.span,
                crate::t!(
                    "unknown_name.override_param",
                    name = crate::source::echo(&name)
                ),
            );
            d = match did_you_mean(&name, cands) {
                Some(s) => d.help(crate::t!(
                    "unknown_name.did_you_mean",
                    name = crate::source::echo(&s)
                )),
                None => d.help(crate::t!(
                    "unknown_name.not_member",
                    name = member,
                    set = self.m.categories[set].id
                )),
            };
            self.diags.push(d);
            return None;
        };
        let kind = self.m.tables[tidx].kind;
        let pidx = self.m.params.len();
        self.m.tables[tidx].entries[mi] = Some(pidx);
        self.declare_name(f, &name, o.name.span, Symbol::Param(pidx));
        let measure = self
            .m
            .params
            .iter()
            .find(|p| p.table.is_some_and(|(t, _)| t == tidx))
            .and_then(|p| p.measure.clone());
        self.m.params.push(ParamInfo {
            name,
            kind,
            history: Vec::new(),
            table: Some((tidx, mi)),
            measure,
            as_of: None,
        });
        Some(pidx)
    }

    /// Give the value just added to parameter `pidx` its date (`from`), then add its
    /// later values (`then VALUE from DATE { … }`), each with its own attributes (a
    /// table entry's fall back to the table's). Dates must be real, written
    /// `YYYY-MM-DD`, and in increasing order.
    pub(super) fn dated(
        &mut self,
        f: FileId,
        pidx: usize,
        from: &Option<Node<String>>,
        versions: &[Version],
        fallback: &[ast::Attr],
    ) {
        let mut last = match from {
            Some(d) => {
                let date = self.since(f, d);
                if let Some(v) = self.m.params[pidx].history.last_mut() {
                    v.from = date.clone();
                }
                date.map(|x| (x, d.span))
            }
            None => None,
        };
        for v in versions {
            self.check_attrs(
                f,
                &v.attrs,
                PARAM_ATTRS,
                &crate::t!("unknown_attr.of_dated_value"),
            );
            let Some(d) = &v.from else {
                self.diags.push(
                    Diag::error(
                        Code::Date,
                        self.src(f),
                        v.value.span,
                        crate::t!("date.later_value"),
                    )
                    .label(crate::t!("date.later_value_label"))
                    .help(crate::t!(
                        "date.later_value_help",
                        value = self.src(f).text()[v.value.span.start..v.value.span.end].trim()
                    )),
                );
                continue;
            };
            let Some(date) = self.since(f, d) else {
                continue;
            };
            if let Some((prev, pspan)) = &last {
                if date <= *prev {
                    let (msg, help) = if date == *prev {
                        (
                            crate::t!("date.same_date", date = date),
                            crate::t!("date.same_date_help"),
                        )
                    } else {
                        (
                            crate::t!("date.out_of_order", date = date, prev = prev),
                            crate::t!("date.out_of_order_help", date = date),
                        )
                    };
                    self.diags.push(
                        Diag::error(Code::Date, self.src(f), d.span, msg)
                            .label(crate::t!("date.out_of_order_label"))
                            .also(*pspan, crate::t!("date.value_before"))
                            .help(help),
                    );
                    continue;
                }
            }
            let p = &self.m.params[pidx];
            let kind = p.kind;
            let mut measure = p.measure.clone();
            let Some((_, c, unit)) = self.value(f, &v.value, Some(kind), &mut measure) else {
                continue;
            };
            let prov = self.provenance(f, v.value.span, &v.attrs, fallback);
            let written = self.src(f).text()[v.value.span.start..v.value.span.end].to_string();
            self.m.params[pidx].measure = measure;
            self.m.params[pidx].history.push(ParamValue {
                value: Some(c),
                written: Some(written),
                unit,
                provenance: prov,
                file: f,
                span: v.value.span,
                from: Some(date.clone()),
            });
            last = Some((date, d.span));
        }
    }

    /// A `from` date, checked: a real calendar date written `YYYY-MM-DD`.
    fn since(&mut self, f: FileId, d: &Node<String>) -> Option<String> {
        if is_iso_date(&d.node) {
            return Some(d.node.clone());
        }
        self.diags.push(
            Diag::error(
                Code::Date,
                self.src(f),
                d.span,
                crate::t!("date.not_a_date", date = d.node),
            )
            .label(crate::t!("date.invalid_label"))
            .help(crate::t!("date.since_help")),
        );
        None
    }
}

/// Whether `d` is a real calendar date written `YYYY-MM-DD` (so dates compare as text).
pub fn is_iso_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
        && super::sections::valid_date(d)
}
