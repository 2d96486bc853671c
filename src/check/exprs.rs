//! Name resolution and kind checking of conditions.

use super::declare::quantity_const;
use super::model::*;
use super::quantities;
use crate::diag::{Code, Diag};
use crate::source::Source;
use crate::suggest::did_you_mean;
use crate::syntax::ast::{ArithOp, Attr, BinOp, CmpOp, Expr, Node, UnOp};

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
                Some(s) => format!("did you mean `{{{s}}}`?"),
                None => "a label names a parameter as `{name}`, e.g. `上下游配套企业{min_supporting_enterprises}以上`".to_string(),
            };
            // The label's span covers its quotes: the text starts one byte in.
            let start = l.span.start + 1 + at;
            let span = crate::syntax::ast::Span::new(start, start + name.len() + 2);
            self.diags.push(
                Diag::error(
                    Code::UnknownName,
                    src,
                    span,
                    format!("`{{{name}}}` in a label names no parameter"),
                )
                .label("not a parameter")
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
                                    format!(
                                        "a score formula gives points (a plain number), found {}",
                                        k.describe()
                                    ),
                                )
                                .help("e.g. `score = weight * percentile(output_value) / 100%`"),
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
                    format!("unknown function `{fname}`"),
                );
                d = match did_you_mean(fname, known) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("functions: {}", known.join(", "))),
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
                format!("`{fname}` takes {arity} argument(s), found {}", args.len()),
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
                        format!(
                            "`within {}` needs a text or category fact to group by, or the rule set's `population`",
                            w.node
                        ),
                    )
                    .help("e.g. `rank(output_value within county)`"),
                );
                return None;
            }
            if result.is_none() {
                self.diags.push(Diag::error(
                    Code::Arity,
                    src,
                    w.span,
                    format!("`{fname}` does not take `within`"),
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
                            format!("`{fname}` ranks the towns by a numeric fact"),
                        )
                        .help(format!("write e.g. `{fname}(output_value)`")),
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
                        format!(
                            "`{fname}` needs two values of the same kind, found {} and {}",
                            l.describe(),
                            r.describe()
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
                    format!("unknown attribute `{}`", a.key.node),
                );
                d = match did_you_mean(&a.key.node, known.iter().copied()) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("allowed here: {}", known.join(", "))),
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
                        format!("{what} needs a yes/no condition, found {}", k.describe()),
                    )
                    .label(format!("this is {}", k.describe()))
                    .help("compare it with a threshold, e.g. `output_value >= 20亿元`"),
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
                            .help("numbers are exact decimals of at most 28 digits"),
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
                    Diag::error(Code::List, src, e.span, "a list can only follow `in`")
                        .help("write e.g. `category in [manufacturing, specialty_agriculture]`"),
                );
                None
            }
            Expr::Index { base, key } => self.index(src, base, key, e.span),
            Expr::In { item, set } => self.in_set(src, item, set),
            Expr::Unary { op, operand } => {
                let k = self.kind(src, operand)?;
                let (fits, need, sym) = match op {
                    UnOp::Not => (k == Kind::Bool, "yes/no", "not"),
                    UnOp::Neg => (k.is_numeric(), "a number", "-"),
                };
                match fits {
                    true => Some(k),
                    false => {
                        self.diags.push(
                            Diag::error(
                                Code::KindMismatch,
                                src,
                                operand.span,
                                format!("`{sym}` needs {need}, found {}", k.describe()),
                            )
                            .label(format!("this is {}", k.describe())),
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
                            format!("text fact `{name}` cannot be used in a condition"),
                        )
                        .help("conditions use money, counts, percentages, yes/no and categories"),
                    );
                    return None;
                }
                if f.yearly {
                    self.diags.push(
                        Diag::error(
                            Code::KindMismatch,
                            src,
                            e.span,
                            format!("`{name}` is a yearly fact: say which year to read"),
                        )
                        .label("which year?")
                        .help(format!("write `{name}[year]` for the evaluation year or `{name}[year - 1]` for the year before")),
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
                        format!("table `{name}` needs a key"),
                    )
                    .label("a table, not a value")
                    .help(format!(
                        "write `{name}[{by}]` for the value of the town's category"
                    )),
                );
                None
            }
            None => {
                let mut d = Diag::error(
                    Code::UnknownName,
                    src,
                    e.span,
                    format!("unknown name `{name}`"),
                )
                .label("not a fact, parameter or category");
                let cands = self.m.names.keys().map(String::as_str);
                d = match (crate::suggest::approximate_figure(name), did_you_mean(name, cands)) {
                    _ if name == "year" => d.help("`year` is the evaluation year: it can only index a yearly fact, as in `output_value[year - 1]`"),
                    (Some(h), _) => d.label("not an exact figure").help(h),
                    (None, Some(s)) => d.help(format!("did you mean `{s}`?")),
                    (None, None) => d.help("facts are declared in the vocabulary file (`fact …`), thresholds with `param` or `table`"),
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
                            format!("`{p}` is not a table"),
                        )
                        .help("only tables declared with `table … by …` can be indexed"),
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
                        "only a table can be indexed",
                    )
                    .help("write e.g. `min_output[category]`"),
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
                    format!(
                        "table `{}` is keyed by `{}`, found {}",
                        table.name,
                        self.m.facts[table.by_fact].id,
                        k.describe()
                    ),
                )
                .help(format!(
                    "write `{}[{}]`",
                    table.name, self.m.facts[table.by_fact].id
                )),
            );
            return None;
        }
        Some(table.kind)
    }

    /// `all_years(COND, N)`: `COND` in the evaluation year and each of the `N - 1` years
    /// before (its reads by `year` move back one year at a time).
    fn all_years(
        &mut self,
        src: &Source,
        name: &Node<String>,
        args: &[Node<Expr>],
        within: &Option<Node<String>>,
    ) -> Option<Kind> {
        let help = "write e.g. `all_years(yearly_output[year] >= 10亿元, 3)`: the condition holds in the evaluation year and in each of the two years before";
        let [cond, count] = args else {
            let d = Diag::error(
                Code::Arity,
                src,
                name.span,
                format!(
                    "`all_years` takes a condition and a number of years, found {} argument(s)",
                    args.len()
                ),
            );
            self.diags.push(d.help(help));
            return None;
        };
        if let Some(w) = within {
            let d = Diag::error(
                Code::Arity,
                src,
                w.span,
                "`all_years` does not take `within`",
            );
            self.diags.push(d.help(help));
            return None;
        }
        let Some(n) = super::years::year_count(&count.node) else {
            let msg = format!(
                "the number of years must be a whole number from 1 to {}",
                super::years::MAX_YEARS
            );
            let d = Diag::error(Code::Number, src, count.span, msg).label("how many years?");
            self.diags.push(d.help(help));
            return None;
        };
        let before = self.year_reads.len();
        let k = self.kind(src, cond)?;
        if k != Kind::Bool {
            let msg = format!(
                "`all_years` needs a yes/no condition, found {}",
                k.describe()
            );
            let d = Diag::error(Code::KindMismatch, src, cond.span, msg);
            self.diags.push(d.help(help));
            return None;
        }
        let reads: Vec<_> = self.year_reads[before..].to_vec();
        if !reads
            .iter()
            .any(|r| matches!(r.at, super::years::YearAt::Relative(_)))
        {
            let msg = "the condition of `all_years` reads no yearly fact by `year`";
            let d = Diag::error(Code::KindMismatch, src, cond.span, msg)
                .label("the same in every year");
            self.diags.push(d.help(help));
            return None;
        }
        for back in 1..n {
            for r in &reads {
                let mut moved = *r;
                moved.at = r.at.back(back);
                self.year_reads.push(moved);
            }
        }
        Some(Kind::Bool)
    }

    /// `fact[year - 1]`: a yearly fact read by year.
    fn year_index(
        &mut self,
        src: &Source,
        f: usize,
        base: &Node<Expr>,
        key: &Node<Expr>,
        whole: crate::syntax::ast::Span,
    ) -> Option<Kind> {
        let fact = &self.m.facts[f];
        if !fact.yearly {
            let year_like = super::years::year_at(&key.node).is_some();
            let mut d = Diag::error(
                Code::KindMismatch,
                src,
                base.span,
                format!(
                    "`{}` is not a yearly fact, so it cannot be read by year",
                    fact.id
                ),
            )
            .label("one value per town, not per year");
            d = if year_like {
                d.help(format!(
                    "read it as `{}`, or declare it `yearly` (`fact {} \"{}\" : … yearly`) and give one column per year",
                    fact.id, fact.id, fact.label
                ))
            } else {
                d.help("only tables (`min_output[category]`) and yearly facts (`output_value[year]`) can be indexed")
            };
            self.diags.push(d);
            return None;
        }
        let Some(at) = super::years::year_at(&key.node) else {
            self.diags.push(super::years::bad_index(src, &fact.id, key));
            return None;
        };
        self.year_reads.push(super::years::YearRead {
            fact: f,
            at,
            file: self.file,
            span: whole,
        });
        Some(fact.kind)
    }

    fn in_set(&mut self, src: &Source, item: &Node<Expr>, set: &Node<Expr>) -> Option<Kind> {
        let k = self.kind(src, item)?;
        let Kind::Category(s) = k else {
            self.diags.push(
                Diag::error(
                    Code::KindMismatch,
                    src,
                    item.span,
                    format!("`in` tests a category, found {}", k.describe()),
                )
                .help("write e.g. `category in [manufacturing, culture_tourism]`"),
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
                            format!(
                                "expected a member of `{}`, found {}",
                                self.m.categories[s].id,
                                ik.describe()
                            ),
                        ));
                    }
                }
                Some(Kind::Bool)
            }
            Expr::Name(p) => {
                match self.m.resolve(&p.to_string()) {
                    Some(Symbol::Table(t)) if self.m.tables[t].set == s => Some(Kind::Bool),
                    None => {
                        self.name(src, &p.to_string(), set);
                        None
                    }
                    _ => {
                        self.diags.push(Diag::error(Code::KindMismatch, src, set.span, format!("`{p}` is not a list or a table of `{}`", self.m.categories[s].id)).help("write a list `[a, b]` or the name of a table keyed by this category"));
                        None
                    }
                }
            }
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
                            format!(
                                "`{}` needs yes/no on both sides, found {}",
                                op.symbol(),
                                k.describe()
                            ),
                        )
                        .label(format!("this is {}", k.describe()))
                        .help("compare it with a threshold first, e.g. `jobs >= 2000`"),
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
                        .label(format!("this is {}", kat.describe()))
                        .also(other.span, format!("this is {}", kother.describe()))
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
                            .label(format!("`{b}` counts {}", crate::units::measure_kind(&b)))
                            .also(
                                lhs.span,
                                format!("this counts {}", crate::units::measure_kind(&a)),
                            )
                            .help(format!(
                                "write the count with `{a}` (or a word for the same kind of thing)"
                            )),
                    );
                    return None;
                }
            }
        }
        if ok.is_none() {
            let verb = match op {
                BinOp::Cmp(_) => "compare",
                BinOp::Logic(_) | BinOp::Arith(_) => "combine",
            };
            let help = match (l, r) {
                (Kind::Money, Kind::Count) | (Kind::Count, Kind::Money) => "money must be compared with money: write the threshold with a unit, e.g. `20亿元`",
                (Kind::Percent, _) | (_, Kind::Percent) => "percentages are compared with percentages, e.g. `30%`",
                _ => "both sides must be of the same kind",
            };
            self.diags.push(
                Diag::error(
                    Code::KindMismatch,
                    src,
                    lhs.span,
                    format!("cannot {verb} {} with {}", l.describe(), r.describe()),
                )
                .label(format!("this is {}", l.describe()))
                .also(rhs.span, format!("this is {}", r.describe()))
                .help(help),
            );
        }
        ok
    }
}
