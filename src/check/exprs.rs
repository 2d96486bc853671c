//! Name resolution and kind checking of conditions.

use super::declare::quantity_const;
use super::model::*;
use super::quantities;
use crate::diag::{Code, Diag};
use crate::source::Source;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{ArithOp, Attr, BinOp, CmpOp, Expr, Node, UnOp};

mod yearly;

/// Checks the expressions of criteria against a model.
pub struct ExprChecker<'m> {
    m: &'m Checked,
    /// Inside an indicator's score formula (`weight` names the item's weight).
    in_formula: bool,
    /// The file of the expressions being checked.
    file: FileId,
    /// Problems found.
    pub diags: Vec<Diag>,
    /// Reads of yearly facts by year, in order.
    pub year_reads: Vec<super::years::YearRead>,
}

impl<'m> ExprChecker<'m> {
    /// A checker over `m`.
    pub fn new(m: &'m Checked) -> Self {
        ExprChecker {
            m,
            in_formula: false,
            file: 0,
            diags: Vec::new(),
            year_reads: Vec::new(),
        }
    }

    /// Check every condition of a criterion.
    pub fn criterion(&mut self, c: &CriterionInfo) {
        self.file = c.file;
        let src = &self.m.units[c.file].source;
        for a in &c.decl.applies {
            self.condition(src, a, "`applies`");
        }
        for r in &c.decl.requires {
            if let Some(l) = &r.node.label {
                self.label(src, l);
            }
            self.condition(src, &r.node.cond, "`require`");
            if let Some(rx) = &r.node.relax {
                self.condition(src, &rx.node.when, "`when`");
                self.condition(src, &rx.node.then, "`then`");
                self.attrs(
                    src,
                    &rx.node.attrs,
                    &["clause", "quote", "note", "interpretation"],
                );
            }
        }
        for p in &c.decl.priorities {
            self.condition(src, &p.node.when, "`priority … when`");
        }
    }

    /// Check the condition of a priority flag of the whole rule set.
    pub fn priority(&mut self, p: &PriorityInfo) {
        let src = &self.m.units[p.file].source;
        self.condition(src, &p.decl.rule.node.when, "`priority … when`");
    }

    /// A requirement's label: every `{name}` in it names a parameter (whose value in
    /// force the label then shows).
    fn label(&mut self, src: &Source, l: &Node<String>) {
        for (at, part) in crate::syntax::template::parts(&l.node) {
            let crate::syntax::template::Part::Param(name) = part else {
                continue;
            };
            if matches!(self.m.resolve(name), Some(Symbol::Param(_))) {
                continue;
            }
            let names = self.m.params.iter().map(|p| p.name.as_str());
            let hint = match did_you_mean(name, names) {
                Some(s) => crate::t!(
                    "unknown_name.label_did_you_mean",
                    name = crate::source::echo(&s)
                ),
                None => crate::t!("unknown_name.label_param_help"),
            };
            // The label's span covers its quotes: the text starts one byte in.
            let start = l.span.start + 1 + at;
            let span = crate::syntax::ast::Span::new(start, start + name.len() + 2);
            self.diags.push(
                Diag::error(
                    Code::UnknownName,
                    src,
                    span,
                    crate::t!("unknown_name.label_param", name = crate::source::echo(name)),
                )
                .label(crate::t!("unknown_name.not_param"))
                .help(hint),
            );
        }
    }

    /// Check the score formulas of an indicator system.
    pub fn evaluation(&mut self, ev: &EvaluationInfo) {
        self.file = ev.file;
        let src = &self.m.units[ev.file].source;
        for n in &ev.nodes {
            match &n.score {
                ScoreSource::Expert => {}
                ScoreSource::FullWhen(e) => self.condition(src, e, "`score full when`"),
                ScoreSource::Formula(e) => {
                    self.in_formula = true;
                    let k = self.kind(src, e);
                    self.in_formula = false;
                    if let Some(k) = k {
                        if !matches!(k, Kind::Number | Kind::Count | Kind::Ratio) {
                            self.diags.push(
                                Diag::error(
                                    Code::KindMismatch,
                                    src,
                                    e.span,
                                    crate::t!("kind_mismatch.formula", kind = k.describe()),
                                )
                                .help(crate::t!("kind_mismatch.formula_help")),
                            );
                        }
                    }
                }
            }
        }
    }

    fn call(
        &mut self,
        src: &Source,
        name: &Node<String>,
        args: &[Node<Expr>],
        within: &Option<Node<String>>,
    ) -> Option<Kind> {
        let fname = name.node.as_str();
        let (arity, result) = match fname {
            "rank" | "group_size" => (1, Some(Kind::Count)),
            "percentile" | "top" | "share" => (1, Some(Kind::Percent)),
            "min" | "max" => (2, None),
            _ => {
                let known = [
                    "rank",
                    "group_size",
                    "percentile",
                    "top",
                    "share",
                    "min",
                    "max",
                    "all_years",
                ];
                let mut d = Diag::error(
                    Code::UnknownName,
                    src,
                    name.span,
                    crate::t!("unknown_name.function", name = crate::source::echo(fname)),
                );
                d = match did_you_mean(fname, known) {
                    Some(s) => d.help(crate::t!(
                        "unknown_name.did_you_mean",
                        name = crate::source::echo(&s)
                    )),
                    None => d.help(crate::t!(
                        "unknown_name.functions",
                        names = known.join(", ")
                    )),
                };
                self.diags.push(d);
                return None;
            }
        };
        if args.len() != arity {
            self.diags.push(Diag::error(
                Code::Arity,
                src,
                name.span,
                crate::t!(
                    "arity.arguments",
                    name = fname,
                    arity = arity,
                    found = args.len()
                ),
            ));
            return None;
        }
        if let Some(w) = within {
            let population = self.m.population.as_ref().is_some_and(|p| p.id == w.node);
            if !population
                && !matches!(self.m.resolve(&w.node), Some(Symbol::Fact(f)) if matches!(self.m.facts[f].kind, Kind::Text | Kind::Category(_)))
            {
                self.diags.push(
                    Diag::error(
                        Code::KindMismatch,
                        src,
                        w.span,
                        crate::t!("kind_mismatch.within", name = w.node),
                    )
                    .help(crate::t!("kind_mismatch.within_help")),
                );
                return None;
            }
            if result.is_none() {
                self.diags.push(Diag::error(
                    Code::Arity,
                    src,
                    w.span,
                    crate::t!("arity.no_within", name = fname),
                ));
                return None;
            }
        }
        match result {
            Some(r) => {
                let a = &args[0];
                let is_fact = matches!(&a.node, Expr::Name(p) if matches!(self.m.resolve(&p.to_string()), Some(Symbol::Fact(_))));
                let k = self.kind(src, a)?;
                if !is_fact || !k.is_numeric() {
                    self.diags.push(
                        Diag::error(
                            Code::KindMismatch,
                            src,
                            a.span,
                            crate::t!("kind_mismatch.rank_fact", name = fname),
                        )
                        .help(crate::t!("kind_mismatch.rank_fact_help", name = fname)),
                    );
                    return None;
                }
                Some(r)
            }
            None => {
                let l = self.kind(src, &args[0])?;
                let r = self.kind(src, &args[1])?;
                if l.compatible(r) && l.is_numeric() {
                    Some(if l == Kind::Number { r } else { l })
                } else {
                    self.diags.push(Diag::error(
                        Code::KindMismatch,
                        src,
                        args[1].span,
                        crate::t!(
                            "kind_mismatch.two_values",
                            name = fname,
                            left = l.describe(),
                            right = r.describe()
                        ),
                    ));
                    None
                }
            }
        }
    }

    fn attrs(&mut self, src: &Source, attrs: &[Attr], known: &[&str]) {
        for a in attrs {
            if !known.contains(&a.key.node.as_str()) {
                let mut d = Diag::error(
                    Code::UnknownAttr,
                    src,
                    a.key.span,
                    crate::t!("unknown_attr.plain", attr = a.key.node),
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

    fn condition(&mut self, src: &Source, e: &Node<Expr>, what: &str) {
        if let Some(k) = self.kind(src, e) {
            if k != Kind::Bool {
                self.diags.push(
                    Diag::error(
                        Code::KindMismatch,
                        src,
                        e.span,
                        crate::t!("kind_mismatch.condition", what = what, kind = k.describe()),
                    )
                    .label(crate::t!("kind_mismatch.this_is", kind = k.describe()))
                    .help(crate::t!("kind_mismatch.condition_help")),
                );
            }
        }
    }

    fn kind(&mut self, src: &Source, e: &Node<Expr>) -> Option<Kind> {
        match &e.node {
            Expr::Quantity(q) => match quantity_const(q) {
                Ok((k, _, _)) => Some(k),
                Err(msg) => {
                    self.diags.push(
                        Diag::error(Code::Number, src, e.span, msg)
                            .help(crate::t!("number.too_precise_help")),
                    );
                    None
                }
            },
            Expr::Bool(_) => Some(Kind::Bool),
            Expr::Name(p) if self.in_formula && p.0.len() == 1 && p.0[0] == "weight" => {
                Some(Kind::Number)
            }
            Expr::Name(p) => self.name(src, &p.to_string(), e),
            Expr::Call { name, args, within } if name.node == "all_years" => {
                self.all_years(src, name, args, within)
            }
            Expr::Call { name, args, within } => self.call(src, name, args, within),
            Expr::List(_) => {
                self.diags.push(
                    Diag::error(Code::List, src, e.span, crate::t!("list.message"))
                        .help(crate::t!("list.help")),
                );
                None
            }
            Expr::Index { base, key } => self.index(src, base, key, e.span),
            Expr::In { item, set } => self.in_set(src, item, set),
            Expr::Unary { op, operand } => {
                let k = self.kind(src, operand)?;
                let (fits, need, sym) = match op {
                    UnOp::Not => (k == Kind::Bool, crate::t!("kind.yes_no"), "not"),
                    UnOp::Neg => (k.is_numeric(), crate::t!("kind_mismatch.a_number"), "-"),
                };
                match fits {
                    true => Some(k),
                    false => {
                        self.diags.push(
                            Diag::error(
                                Code::KindMismatch,
                                src,
                                operand.span,
                                crate::t!(
                                    "kind_mismatch.unary",
                                    op = sym,
                                    need = need,
                                    kind = k.describe()
                                ),
                            )
                            .label(crate::t!("kind_mismatch.this_is", kind = k.describe())),
                        );
                        None
                    }
                }
            }
            Expr::Binary { op, lhs, rhs } => {
                let l = self.kind(src, lhs);
                let r = self.kind(src, rhs);
                self.binary(src, *op, lhs, rhs, l?, r?)
            }
        }
    }

    fn name(&mut self, src: &Source, name: &str, e: &Node<Expr>) -> Option<Kind> {
        match self.m.resolve(name) {
            Some(Symbol::Fact(i)) => {
                let f = &self.m.facts[i];
                if f.kind == Kind::Text {
                    self.diags.push(
                        Diag::error(
                            Code::KindMismatch,
                            src,
                            e.span,
                            crate::t!("kind_mismatch.text_fact", name = name),
                        )
                        .help(crate::t!("kind_mismatch.text_fact_help")),
                    );
                    return None;
                }
                if f.yearly {
                    self.diags.push(
                        Diag::error(
                            Code::KindMismatch,
                            src,
                            e.span,
                            crate::t!("kind_mismatch.yearly", name = name),
                        )
                        .label(crate::t!("kind_mismatch.yearly_label"))
                        .help(crate::t!("kind_mismatch.yearly_help", name = name)),
                    );
                    return None;
                }
                Some(f.kind)
            }
            Some(Symbol::Param(i)) => Some(self.m.params[i].kind),
            Some(Symbol::Member(s, _)) => Some(Kind::Category(s)),
            Some(Symbol::Table(t)) => {
                let by = &self.m.facts[self.m.tables[t].by_fact].id;
                self.diags.push(
                    Diag::error(
                        Code::TableUse,
                        src,
                        e.span,
                        crate::t!("table_use.needs_key", name = name),
                    )
                    .label(crate::t!("table_use.needs_key_label"))
                    .help(crate::t!(
                        "table_use.needs_key_help",
                        name = name,
                        by = by
                    )),
                );
                None
            }
            None => {
                let mut d = Diag::error(
                    Code::UnknownName,
                    src,
                    e.span,
                    crate::t!("unknown_name.name", name = crate::source::echo(name)),
                )
                .label(crate::t!("unknown_name.not_declared"));
                let cands = self.m.names.keys().map(String::as_str);
                d = match (
                    crate::suggest::approximate_figure(name),
                    did_you_mean(name, cands),
                ) {
                    _ if name == "year" => d.help(crate::t!("unknown_name.year_help")),
                    (Some(h), _) => d.label(crate::t!("unknown_name.approximate")).help(h),
                    (None, Some(s)) => d.help(crate::t!(
                        "unknown_name.did_you_mean",
                        name = crate::source::echo(&s)
                    )),
                    (None, None) => d.help(crate::t!("unknown_name.facts_help")),
                };
                self.diags.push(d);
                None
            }
        }
    }

    fn index(
        &mut self,
        src: &Source,
        base: &Node<Expr>,
        key: &Node<Expr>,
        whole: crate::syntax::ast::Span,
    ) -> Option<Kind> {
        let t = match &base.node {
            Expr::Name(p) => match self.m.resolve(&p.to_string()) {
                Some(Symbol::Table(t)) => t,
                Some(Symbol::Fact(f)) => return self.year_index(src, f, base, key, whole),
                None => {
                    self.name(src, &p.to_string(), base);
                    return None;
                }
                Some(_) => {
                    self.diags.push(
                        Diag::error(
                            Code::TableUse,
                            src,
                            base.span,
                            crate::t!("table_use.not_table", name = p),
                        )
                        .help(crate::t!("table_use.not_table_help")),
                    );
                    return None;
                }
            },
            _ => {
                self.diags.push(
                    Diag::error(
                        Code::TableUse,
                        src,
                        base.span,
                        crate::t!("table_use.only_table"),
                    )
                    .help(crate::t!("table_use.only_table_help")),
                );
                return None;
            }
        };
        let table = &self.m.tables[t];
        let k = self.kind(src, key)?;
        if k != Kind::Category(table.set) {
            self.diags.push(
                Diag::error(
                    Code::KindMismatch,
                    src,
                    key.span,
                    crate::t!(
                        "kind_mismatch.table_key",
                        table = table.name,
                        by = self.m.facts[table.by_fact].id,
                        kind = k.describe()
                    ),
                )
                .help(crate::t!(
                    "kind_mismatch.table_key_help",
                    table = table.name,
                    by = self.m.facts[table.by_fact].id
                )),
            );
            return None;
        }
        Some(table.kind)
    }

    fn in_set(&mut self, src: &Source, item: &Node<Expr>, set: &Node<Expr>) -> Option<Kind> {
        let k = self.kind(src, item)?;
        let Kind::Category(s) = k else {
            self.diags.push(
                Diag::error(
                    Code::KindMismatch,
                    src,
                    item.span,
                    crate::t!("kind_mismatch.in_category", kind = k.describe()),
                )
                .help(crate::t!("kind_mismatch.in_category_help")),
            );
            return None;
        };
        match &set.node {
            Expr::List(items) => {
                for it in items {
                    let ik = self.kind(src, it)?;
                    if ik != Kind::Category(s) {
                        self.diags.push(Diag::error(
                            Code::KindMismatch,
                            src,
                            it.span,
                            crate::t!(
                                "kind_mismatch.in_member",
                                set = self.m.categories[s].id,
                                kind = ik.describe()
                            ),
                        ));
                    }
                }
                Some(Kind::Bool)
            }
            Expr::Name(p) => match self.m.resolve(&p.to_string()) {
                Some(Symbol::Table(t)) if self.m.tables[t].set == s => Some(Kind::Bool),
                None => {
                    self.name(src, &p.to_string(), set);
                    None
                }
                _ => {
                    self.diags.push(
                        Diag::error(
                            Code::KindMismatch,
                            src,
                            set.span,
                            crate::t!(
                                "kind_mismatch.in_list",
                                name = p,
                                set = self.m.categories[s].id
                            ),
                        )
                        .help(crate::t!("kind_mismatch.in_list_help")),
                    );
                    None
                }
            },
            _ => None,
        }
    }

    /// The measure word of a count expression: a literal's (`2000人`), a fact's or a
    /// parameter's (`None`: not a count, or no measure word).
    fn measure(&self, e: &Node<Expr>) -> Option<String> {
        match &e.node {
            Expr::Quantity(q) => match &q.unit {
                crate::syntax::ast::LitUnit::Count(w) => Some(w.clone()),
                _ => None,
            },
            Expr::Name(p) => match self.m.resolve(&p.to_string()) {
                Some(Symbol::Fact(f)) => self.m.facts.get(f)?.measure.clone(),
                Some(Symbol::Param(i)) => self.m.params.get(i)?.measure.clone(),
                Some(Symbol::Table(t)) => self
                    .m
                    .params
                    .iter()
                    .find(|p| p.table.is_some_and(|(x, _)| x == t))?
                    .measure
                    .clone(),
                _ => None,
            },
            Expr::Index { base, .. } => self.measure(base),
            _ => None,
        }
    }

    fn binary(
        &mut self,
        src: &Source,
        op: BinOp,
        lhs: &Node<Expr>,
        rhs: &Node<Expr>,
        l: Kind,
        r: Kind,
    ) -> Option<Kind> {
        if let BinOp::Logic(_) = op {
            for (k, side) in [(l, lhs), (r, rhs)] {
                if k != Kind::Bool {
                    self.diags.push(
                        Diag::error(
                            Code::KindMismatch,
                            src,
                            side.span,
                            crate::t!("kind_mismatch.logic", op = op.symbol(), kind = k.describe()),
                        )
                        .label(crate::t!("kind_mismatch.this_is", kind = k.describe()))
                        .help(crate::t!("kind_mismatch.logic_help")),
                    );
                }
            }
            return (l == Kind::Bool && r == Kind::Bool).then_some(Kind::Bool);
        }
        let (lo, ro) = (
            quantities::operand(self.m, lhs, l),
            quantities::operand(self.m, rhs, r),
        );
        let typed = match op {
            BinOp::Logic(_) => return None,
            BinOp::Cmp(CmpOp::Eq | CmpOp::Ne) if !(l.is_numeric() && r.is_numeric()) => {
                match l.compatible(r) {
                    true => Ok(Kind::Bool),
                    false => Err(None),
                }
            }
            BinOp::Cmp(_) => quantities::compare(lo, ro).map(|t| t.kind).map_err(Some),
            BinOp::Arith(a) => quantities::arith(a, lo, ro, self.in_formula)
                .map(|t| t.kind)
                .map_err(Some),
        };
        let ok = match typed {
            Ok(k) => Some(k),
            Err(Some(refusal)) => {
                let (at, other, kat, kother) = match refusal.at_rhs {
                    true => (rhs, lhs, r, l),
                    false => (lhs, rhs, l, r),
                };
                self.diags.push(
                    Diag::error(Code::KindMismatch, src, at.span, refusal.message)
                        .label(crate::t!("kind_mismatch.this_is", kind = kat.describe()))
                        .also(
                            other.span,
                            crate::t!("kind_mismatch.this_is", kind = kother.describe()),
                        )
                        .help(refusal.help),
                );
                return None;
            }
            Err(None) => None,
        };
        if let (Some(_), BinOp::Cmp(_) | BinOp::Arith(ArithOp::Add | ArithOp::Sub)) = (ok, op) {
            if let (Some(a), Some(b)) = (self.measure(lhs), self.measure(rhs)) {
                if let Some(why) = crate::units::measure_mismatch(&b, &a) {
                    self.diags.push(
                        Diag::error(Code::Unit, src, rhs.span, why)
                            .label(crate::t!(
                                "unit.measure_label",
                                word = b,
                                what = crate::units::measure_kind(&b)
                            ))
                            .also(
                                lhs.span,
                                crate::t!(
                                    "unit.this_counts",
                                    what = crate::units::measure_kind(&a)
                                ),
                            )
                            .help(crate::t!("unit.measure_help", word = a)),
                    );
                    return None;
                }
            }
        }
        if ok.is_none() {
            let message = match op {
                BinOp::Cmp(_) => crate::t!(
                    "kind_mismatch.cannot_compare",
                    left = l.describe(),
                    right = r.describe()
                ),
                BinOp::Logic(_) | BinOp::Arith(_) => crate::t!(
                    "kind_mismatch.cannot_combine",
                    left = l.describe(),
                    right = r.describe()
                ),
            };
            let help = match (l, r) {
                (Kind::Money, Kind::Count) | (Kind::Count, Kind::Money) => {
                    crate::t!("kind_mismatch.money_with_money_help")
                }
                (Kind::Percent, _) | (_, Kind::Percent) => {
                    crate::t!("kind_mismatch.percent_with_percent_help")
                }
                _ => crate::t!("kind_mismatch.same_kind_help"),
            };
            self.diags.push(
                Diag::error(Code::KindMismatch, src, lhs.span, message)
                    .label(crate::t!("kind_mismatch.this_is", kind = l.describe()))
                    .also(
                        rhs.span,
                        crate::t!("kind_mismatch.this_is", kind = r.describe()),
                    )
                    .help(help),
            );
        }
        ok
    }
}
