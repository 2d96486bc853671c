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
                    format!("unknown attribute `{}` of {what}", a.key.node),
                );
                d = match did_you_mean(&a.key.node, known.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("allowed here: {}", known.join(", "))),
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
                Diag::error(Code::Date, self.src(f), a.value.span, "not a valid date")
                    .label("expected YYYY-MM-DD")
                    .help("write a real calendar date such as `2022-09-26`"),
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
                    format!("unknown header field `{}`", a.key.node),
                );
                d = match did_you_mean(&a.key.node, known) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("header fields are: {}", known.join(", "))),
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
                        "level must be `province`, `city` or `county`",
                    )
                    .help("write e.g. `level county`"),
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
                Diag::error(Code::Date, self.src(root), a.value.span, "not a valid year")
                    .label("expected a year such as 2024")
                    .help("write the evaluation year as four digits, e.g. `year 2024`"),
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
                                format!("unknown criterion attribute `{}`", a.key.node),
                            );
                            d = match did_you_mean(&a.key.node, known) {
                                Some(s) => d.help(format!("did you mean `{s}`?")),
                                None => d.help("a criterion has `clause`, `quote`, `note`, `applies`, `require` and `priority`"),
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
                                format!("criterion `{}` has no `require`", c.id.node),
                            )
                            .help("add at least one `require CONDITION`"),
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
                                format!("criterion `{}` is declared twice", c.id.node),
                            )
                            .label("declared again here");
                            if prev.file == f {
                                d = d.also(prev.decl.id.span, "first declared here");
                            }
                            self.diags.push(d.help("give it another id, or write `override criterion` to replace an inherited one"));
                        }
                        (None, true) => {
                            self.diags.push(
                                Diag::error(Code::UnknownName, self.src(f), c.id.span, format!("`override criterion {}` replaces nothing", c.id.node))
                                    .help("only criteria of an extended rule set can be overridden; remove `override`"),
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
                            format!(
                                "`drop criterion {}`: no such inherited criterion",
                                d.id.node
                            ),
                        );
                        diag = match did_you_mean(&d.id.node, ids.iter().map(String::as_str)) {
                            Some(s) => diag.help(format!("did you mean `{s}`?")),
                            None => diag.help(format!("inherited criteria: {}", ids.join(", "))),
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
                self.check_attrs(f, &p.attrs, &["towns", "note", "clause"], "a population");
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
                                format!("a second population `{}`: rankings are over one population", p.id.node),
                            )
                            .help("declare one `population`; group within it with a fact, e.g. `rank(x within county)`"),
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
                        "a priority",
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
                    "a target",
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
