//! Header, criteria (with `override criterion` / `drop criterion`) and targets of a rule set,
//! and attribute and date checks shared by the declarations.

use super::Builder;
use crate::check::model::*;
use crate::diag::{Code, Diag};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, attr_text, AttrValue, Item, Span};

impl Builder {
    pub(super) fn check_attrs(
        &mut self,
        f: FileId,
        attrs: &[ast::Attr],
        known: &[&str],
        what: &str,
    ) {
        for a in attrs {
            if !known.contains(&a.key.node.as_str()) {
                let mut d = Diag::error(
                    Code::UnknownAttr,
                    self.src(f),
                    a.key.span,
                    crate::t!("unknown_attr.attr", attr = a.key.node, what = what),
                );
                d = match did_you_mean(&a.key.node, known.iter().copied()) {
                    Some(s) => d.help(crate::t!(
                        "unknown_name.did_you_mean",
                        name = crate::source::echo(&s)
                    )),
                    None => d.help(crate::t!("unknown_attr.allowed", names = known.join(", "))),
                };
                self.diags.push(d);
            }
        }
    }

    pub(super) fn check_date(&mut self, f: FileId, a: &ast::Attr) {
        let ok = match &a.value.node {
            AttrValue::Date(d) => valid_date(d),
            _ => false,
        };
        if !ok {
            self.diags.push(
                Diag::error(
                    Code::Date,
                    self.src(f),
                    a.value.span,
                    crate::t!("date.invalid"),
                )
                .label(crate::t!("date.invalid_label"))
                .help(crate::t!("date.invalid_help")),
            );
        }
    }

    // ---- header, criteria, targets -------------------------------------

    pub(super) fn header(&mut self, root: FileId, chain: &[FileId]) {
        let u = &self.m.units[root];
        let Some(h) = u.ast.items.iter().find_map(|i| match &i.node {
            Item::Header(h) => Some(h.clone()),
            _ => None,
        }) else {
            return;
        };
        let known = [
            "title",
            "document",
            "name",
            "issuer",
            "date",
            "level",
            "section",
            "note",
            "basis",
            "source",
            "convention",
            "year",
        ];
        for a in &h.attrs {
            if !known.contains(&a.key.node.as_str()) {
                let mut d = Diag::error(
                    Code::UnknownAttr,
                    self.src(root),
                    a.key.span,
                    crate::t!("unknown_attr.header_field", attr = a.key.node),
                );
                d = match did_you_mean(&a.key.node, known) {
                    Some(s) => d.help(crate::t!(
                        "unknown_name.did_you_mean",
                        name = crate::source::echo(&s)
                    )),
                    None => d.help(crate::t!(
                        "unknown_attr.header_fields",
                        names = known.join(", ")
                    )),
                };
                self.diags.push(d);
            }
        }
        if let Some(a) = ast::attr(&h.attrs, "date") {
            self.check_date(root, a);
        }
        let year = ast::attr(&h.attrs, "year").and_then(|a| self.header_year(root, a));
        if let Some(a) = ast::attr(&h.attrs, "level") {
            if !matches!(&a.value.node, AttrValue::Word(w) if ["province", "city", "county"].contains(&w.as_str()))
            {
                self.diags.push(
                    Diag::error(
                        Code::Level,
                        self.src(root),
                        a.value.span,
                        crate::t!("level.message"),
                    )
                    .help(crate::t!("level.help")),
                );
            }
        }
        let t = |k: &str| attr_text(&h.attrs, k).unwrap_or("").to_string();
        let extends = chain.get(1).map(|&p| {
            self.m.units[p]
                .ast
                .items
                .iter()
                .find_map(|i| match &i.node {
                    Item::Header(h) => Some(h.id.node.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| self.m.units[p].source.name().to_string())
        });
        self.m.header = Some(HeaderInfo {
            id: h.id.node.clone(),
            title: t("title"),
            document: t("document"),
            name: t("name"),
            issuer: t("issuer"),
            date: t("date"),
            level: t("level"),
            section: t("section"),
            note: t("note"),
            conventions: self.conventions(chain),
            extends,
            year,
        });
    }

    /// `year 2024`: the evaluation year that `fact[year]` reads.
    fn header_year(&mut self, root: FileId, a: &ast::Attr) -> Option<i32> {
        let y = match &a.value.node {
            AttrValue::Quantity(q)
                if q.unit == ast::LitUnit::Bare && q.number.fract().is_zero() =>
            {
                crate::check::year_at(&ast::Expr::Quantity(q.clone()))
                    .and_then(|at| at.resolve(None))
            }
            _ => None,
        };
        if y.is_none() {
            self.diags.push(
                Diag::error(
                    Code::Date,
                    self.src(root),
                    a.value.span,
                    crate::t!("date.year"),
                )
                .label(crate::t!("date.year_label"))
                .help(crate::t!("date.year_help")),
            );
        }
        y
    }

    /// The readings stated once for the whole rule set, along the chain of files it
    /// extends (its own first), each once.
    fn conventions(&self, chain: &[FileId]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &f in chain {
            let header = self.m.units[f]
                .ast
                .items
                .iter()
                .find_map(|i| match &i.node {
                    Item::Header(h) => Some(h),
                    _ => None,
                });
            for c in header
                .map(|h| ast::attr_texts(&h.attrs, "convention"))
                .unwrap_or_default()
            {
                if !out.contains(&c) {
                    out.push(c);
                }
            }
        }
        out
    }

    pub(super) fn criteria(&mut self, f: FileId) {
        let items = self.m.units[f].ast.items.clone();
        let (ruleset, document) = {
            let p = self.provenance(f, Span::default(), &[], &[]);
            (p.ruleset, p.document)
        };
        let known = ["clause", "quote", "note", "interpretation"];
        for it in &items {
            match &it.node {
                Item::Criterion(c) => {
                    for a in &c.attrs {
                        if !known.contains(&a.key.node.as_str()) {
                            let mut d = Diag::error(
                                Code::UnknownAttr,
                                self.src(f),
                                a.key.span,
                                crate::t!("unknown_attr.criterion", attr = a.key.node),
                            );
                            d = match did_you_mean(&a.key.node, known) {
                                Some(s) => d.help(crate::t!(
                                    "unknown_name.did_you_mean",
                                    name = crate::source::echo(&s)
                                )),
                                None => d.help(crate::t!("unknown_attr.criterion_help")),
                            };
                            self.diags.push(d);
                        }
                    }
                    if c.requires.is_empty() {
                        self.diags.push(
                            Diag::error(
                                Code::EmptyCriterion,
                                self.src(f),
                                c.id.span,
                                crate::t!("empty_criterion.message", id = c.id.node),
                            )
                            .help(crate::t!("empty_criterion.help")),
                        );
                    }
                    let info = CriterionInfo {
                        decl: c.clone(),
                        file: f,
                        ruleset: ruleset.clone(),
                        document: document.clone(),
                    };
                    let pos = self
                        .m
                        .criteria
                        .iter()
                        .position(|x| x.decl.id.node == c.id.node);
                    match (pos, c.replaces) {
                        (None, false) => self.m.criteria.push(info),
                        (Some(i), true) => self.m.criteria[i] = info,
                        (Some(i), false) => {
                            let prev = &self.m.criteria[i];
                            let mut d = Diag::error(
                                Code::Duplicate,
                                self.src(f),
                                c.id.span,
                                crate::t!("duplicate.criterion", id = c.id.node),
                            )
                            .label(crate::t!("duplicate.again"));
                            if prev.file == f {
                                d = d.also(prev.decl.id.span, crate::t!("duplicate.first"));
                            }
                            self.diags
                                .push(d.help(crate::t!("duplicate.criterion_help")));
                        }
                        (None, true) => {
                            self.diags.push(
                                Diag::error(
                                    Code::UnknownName,
                                    self.src(f),
                                    c.id.span,
                                    crate::t!("unknown_name.override_nothing", id = c.id.node),
                                )
                                .help(crate::t!("unknown_name.override_nothing_help")),
                            );
                        }
                    }
                }
                Item::Drop(d) => match self
                    .m
                    .criteria
                    .iter()
                    .position(|x| x.decl.id.node == d.id.node)
                {
                    Some(i) => {
                        self.m.criteria.remove(i);
                    }
                    None => {
                        let ids: Vec<String> = self
                            .m
                            .criteria
                            .iter()
                            .map(|c| c.decl.id.node.clone())
                            .collect();
                        let mut diag = Diag::error(
                            Code::UnknownName,
                            self.src(f),
                            d.id.span,
                            crate::t!("unknown_name.drop_nothing", id = d.id.node),
                        );
                        diag = match did_you_mean(&d.id.node, ids.iter().map(String::as_str)) {
                            Some(s) => diag.help(crate::t!(
                                "unknown_name.did_you_mean",
                                name = crate::source::echo(&s)
                            )),
                            None => diag.help(crate::t!(
                                "unknown_name.inherited_criteria",
                                ids = ids.join(", ")
                            )),
                        };
                        self.diags.push(diag);
                    }
                },
                _ => {}
            }
        }
    }

    /// The population rankings are meant over: the nearest file of the chain that declares
    /// one (the root first); a file declaring two is an error.
    pub(super) fn population(&mut self, chain: &[FileId]) {
        for &f in chain {
            let items = self.m.units[f].ast.items.clone();
            for it in &items {
                let Item::Population(p) = &it.node else {
                    continue;
                };
                self.check_attrs(
                    f,
                    &p.attrs,
                    &["towns", "note", "clause"],
                    &crate::t!("unknown_attr.of_population"),
                );
                if let Some(first) = &self.m.population {
                    if self.m.units[f]
                        .ast
                        .items
                        .iter()
                        .any(|x| matches!(&x.node, Item::Population(q) if q.id.node == first.id))
                    {
                        self.diags.push(
                            Diag::error(
                                Code::Duplicate,
                                self.src(f),
                                p.id.span,
                                crate::t!("duplicate.population", id = p.id.node),
                            )
                            .help(crate::t!("duplicate.population_help")),
                        );
                    }
                    continue;
                }
                let towns = ast::attr(&p.attrs, "towns").and_then(|a| match &a.value.node {
                    AttrValue::Quantity(q) => rust_decimal::prelude::ToPrimitive::to_u64(&q.number),
                    _ => None,
                });
                self.m.population = Some(PopulationInfo {
                    id: p.id.node.clone(),
                    label: p.label.node.clone(),
                    towns,
                });
            }
            if self.m.population.is_some() {
                break;
            }
        }
    }

    /// The priority flags declared on their own, along the chain (the extended rule sets'
    /// first).
    pub(super) fn priorities(&mut self, chain: &[FileId]) {
        for &f in chain.iter().rev() {
            let items = self.m.units[f].ast.items.clone();
            for it in &items {
                if let Item::Priority(p) = &it.node {
                    self.check_attrs(
                        f,
                        &p.attrs,
                        &["clause", "note", "interpretation"],
                        &crate::t!("unknown_attr.of_priority"),
                    );
                    self.m.priorities.push(PriorityInfo {
                        decl: p.clone(),
                        file: f,
                    });
                }
            }
        }
    }

    pub(super) fn targets(&mut self, root: FileId) {
        let items = self.m.units[root].ast.items.clone();
        for it in &items {
            if let Item::Target(t) = &it.node {
                self.check_attrs(
                    root,
                    &t.attrs,
                    &["clause", "quote", "note", "by", "level", "towns"],
                    &crate::t!("unknown_attr.of_target"),
                );
                if let Some(a) = ast::attr(&t.attrs, "by") {
                    self.check_date(root, a);
                }
                let towns = ast::attr(&t.attrs, "towns").and_then(|a| match &a.value.node {
                    AttrValue::Quantity(q) => Some(q.number),
                    _ => None,
                });
                self.m.targets.push(TargetInfo {
                    id: t.id.node.clone(),
                    label: t.label.node.clone(),
                    by: attr_text(&t.attrs, "by").map(str::to_string),
                    level: attr_text(&t.attrs, "level").map(str::to_string),
                    towns,
                    clause: attr_text(&t.attrs, "clause").map(str::to_string),
                });
            }
        }
    }
}

pub(super) fn valid_date(d: &str) -> bool {
    let parts: Vec<u32> = d.split('-').filter_map(|p| p.parse().ok()).collect();
    let [y, m, day] = parts[..] else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1900..=2200).contains(&y) && (1..=days).contains(&day)
}
