//! Merging declarations of all loaded files into one model.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::exprs::ExprChecker;
use super::model::*;
use crate::diag::{Code, Diag};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{self, attr_text, Item, KindSpec, LitUnit, Node, Quantity, Span, Value};
use crate::units::MoneyUnit;

mod dated;
mod sections;

pub use dated::is_iso_date;

/// Build the model of the rule set rooted at `root`.
pub fn build(units: Vec<Unit>, root: FileId) -> (Checked, Vec<Diag>) {
    let order = topo_order(&units, root);
    let chain = extends_chain(&units, root);
    let mut b = Builder {
        m: Checked {
            units,
            root,
            header: None,
            categories: Vec::new(),
            facts: Vec::new(),
            params: Vec::new(),
            tables: Vec::new(),
            criteria: Vec::new(),
            targets: Vec::new(),
            population: None,
            priorities: Vec::new(),
            names: HashMap::new(),
            evaluation: None,
            year_reads: Vec::new(),
            year: None,
        },
        diags: Vec::new(),
        decl_spans: HashMap::new(),
    };
    for &f in &order {
        b.vocabulary(f);
    }
    for &f in &order {
        b.parameters(f);
    }
    b.population(&chain);
    b.priorities(&chain);
    b.header(root, &chain);
    for &f in chain.iter().rev() {
        b.criteria(f);
    }
    // A rule set's targets are its own; one that declares none keeps those of the rule set it extends.
    for &f in &chain {
        b.targets(f);
        if !b.m.targets.is_empty() {
            break;
        }
    }
    for &f in chain.iter().rev() {
        let (ev, d) = super::indicators::build(&b.m, f);
        b.diags.extend(d);
        if ev.is_some() {
            b.m.evaluation = ev;
        }
    }
    let mut checker = ExprChecker::new(&b.m);
    for c in &b.m.criteria {
        checker.criterion(c);
    }
    for p in &b.m.priorities {
        checker.priority(p);
    }
    if let Some(ev) = &b.m.evaluation {
        checker.evaluation(ev);
    }
    let mut diags = b.diags;
    diags.extend(checker.diags);
    let reads = checker.year_reads;
    b.m.year_reads = reads;
    (b.m, diags)
}

/// Files in dependency order (each after everything it imports or extends).
fn topo_order(units: &[Unit], root: FileId) -> Vec<FileId> {
    fn visit(units: &[Unit], f: FileId, seen: &mut Vec<bool>, out: &mut Vec<FileId>) {
        if seen[f] {
            return;
        }
        seen[f] = true;
        let u = &units[f];
        if let Some(e) = u.extends {
            visit(units, e, seen, out);
        }
        for &i in &u.imports {
            visit(units, i, seen, out);
        }
        out.push(f);
    }
    let mut seen = vec![false; units.len()];
    let mut out = Vec::new();
    visit(units, root, &mut seen, &mut out);
    out
}

/// The root and the rule sets it extends, root first.
fn extends_chain(units: &[Unit], root: FileId) -> Vec<FileId> {
    let mut chain = vec![root];
    let mut cur = root;
    while let Some(e) = units[cur].extends {
        if chain.contains(&e) {
            break;
        }
        chain.push(e);
        cur = e;
    }
    chain
}

struct Builder {
    m: Checked,
    diags: Vec<Diag>,
    /// Where each name was declared, for "first declared here".
    decl_spans: HashMap<String, (FileId, Span)>,
}

impl Builder {
    fn src(&self, f: FileId) -> &crate::source::Source {
        &self.m.units[f].source
    }

    fn declare_name(&mut self, f: FileId, name: &str, span: Span, sym: Symbol) {
        if let Some(&(pf, ps)) = self.decl_spans.get(name) {
            let mut d = Diag::error(
                Code::Duplicate,
                self.src(f),
                span,
                crate::t!("duplicate.name", name = crate::source::echo(name)),
            )
            .label(crate::t!("duplicate.again"));
            if pf == f {
                d = d.also(ps, crate::t!("duplicate.first"));
            }
            let first = format!(
                "{}:{}",
                self.src(pf).name(),
                self.src(pf).line_col(ps.start).0
            );
            d = d.help(crate::t!("duplicate.name_help", first = first, name = name));
            self.diags.push(d);
            return;
        }
        self.decl_spans.insert(name.to_string(), (f, span));
        self.m.names.insert(name.to_string(), sym);
    }

    fn provenance(
        &self,
        f: FileId,
        span: Span,
        attrs: &[ast::Attr],
        fallback: &[ast::Attr],
    ) -> Provenance {
        let u = &self.m.units[f];
        let header = u.ast.items.iter().find_map(|i| match &i.node {
            Item::Header(h) => Some(h),
            _ => None,
        });
        let (ruleset, level, document) = match header {
            Some(h) => (
                h.id.node.clone(),
                attr_text(&h.attrs, "level").unwrap_or("").to_string(),
                attr_text(&h.attrs, "document").unwrap_or("").to_string(),
            ),
            None => (u.source.name().to_string(), String::new(), String::new()),
        };
        let pick = |k: &str| {
            attr_text(attrs, k)
                .or_else(|| attr_text(fallback, k))
                .map(str::to_string)
        };
        Provenance {
            ruleset,
            level,
            document,
            clause: pick("clause"),
            quote: pick("quote"),
            note: pick("note"),
            interpretation: pick("interpretation"),
            what_if: pick("what_if"),
            at: format!("{}:{}", u.source.name(), u.source.line_col(span.start).0),
        }
    }

    // ---- vocabulary ----------------------------------------------------

    fn vocabulary(&mut self, f: FileId) {
        let items = self.m.units[f].ast.items.clone();
        for it in &items {
            match &it.node {
                Item::Category(c) => self.category(f, c),
                Item::Fact(fd) => self.fact(f, fd),
                _ => {}
            }
        }
    }

    fn category(&mut self, f: FileId, c: &ast::CategoryDecl) {
        let set = self.m.categories.len();
        if self.m.categories.iter().any(|s| s.id == c.id.node) {
            self.diags.push(
                Diag::error(
                    Code::Duplicate,
                    self.src(f),
                    c.id.span,
                    crate::t!(
                        "duplicate.category_set",
                        name = crate::source::echo(&c.id.node)
                    ),
                )
                .help(crate::t!("duplicate.category_set_help")),
            );
            return;
        }
        let mut members = Vec::new();
        for (i, mem) in c.members.iter().enumerate() {
            self.declare_name(f, &mem.id.node, mem.id.span, Symbol::Member(set, i));
            if mem.label.node != mem.id.node && is_ident(&mem.label.node) {
                self.declare_name(f, &mem.label.node, mem.label.span, Symbol::Member(set, i));
            }
            members.push(MemberInfo {
                id: mem.id.node.clone(),
                label: mem.label.node.clone(),
                aliases: mem.aliases.iter().map(|a| a.node.clone()).collect(),
            });
        }
        self.m.categories.push(CategorySet {
            id: c.id.node.clone(),
            label: c.label.node.clone(),
            members,
        });
    }

    fn fact(&mut self, f: FileId, fd: &ast::FactDecl) {
        self.check_attrs(f, &fd.attrs, &["note"], &crate::t!("unknown_attr.of_fact"));
        let Some((kind, unit, measure)) = self.kind_of_spec(f, &fd.kind) else {
            return;
        };
        let idx = self.m.facts.len();
        self.declare_name(f, &fd.id.node, fd.id.span, Symbol::Fact(idx));
        if is_ident(&fd.label.node) && fd.label.node != fd.id.node {
            self.declare_name(f, &fd.label.node, fd.label.span, Symbol::Fact(idx));
        }
        for a in &fd.aliases {
            self.declare_name(f, &a.node, a.span, Symbol::Fact(idx));
        }
        self.m.facts.push(FactInfo {
            id: fd.id.node.clone(),
            label: fd.label.node.clone(),
            aliases: fd.aliases.iter().map(|a| a.node.clone()).collect(),
            kind,
            money_unit: unit.unwrap_or(MoneyUnit::Yi),
            measure,
            attestation: fd.kind.node.name == "attestation",
            yearly: fd.yearly,
            year: None,
        });
    }

    fn kind_of_spec(
        &mut self,
        f: FileId,
        k: &Node<KindSpec>,
    ) -> Option<(Kind, Option<MoneyUnit>, Option<String>)> {
        let arg = k.node.arg.clone();
        let kind = match k.node.name.as_str() {
            "money" => {
                let unit = match &arg {
                    None => MoneyUnit::Yi,
                    Some(a) => match MoneyUnit::from_suffix(a) {
                        Some(u) => u,
                        None => {
                            self.diags.push(
                                Diag::error(
                                    Code::Unit,
                                    self.src(f),
                                    k.span,
                                    crate::t!("unit.not_money", unit = a),
                                )
                                .help(crate::t!("unit.not_money_help")),
                            );
                            return None;
                        }
                    },
                };
                return Some((Kind::Money, Some(unit), None));
            }
            "count" => return Some((Kind::Count, None, arg)),
            "percent" => Kind::Percent,
            "yes_no" | "attestation" => Kind::Bool,
            "text" => Kind::Text,
            "category" => {
                let Some(a) = arg else {
                    self.diags.push(
                        Diag::error(
                            Code::Kind,
                            self.src(f),
                            k.span,
                            crate::t!("kind.category_needs_set"),
                        )
                        .help(crate::t!("kind.category_needs_set_help")),
                    );
                    return None;
                };
                match self.m.categories.iter().position(|c| c.id == a) {
                    Some(i) => Kind::Category(i),
                    None => {
                        let sets: Vec<&str> =
                            self.m.categories.iter().map(|c| c.id.as_str()).collect();
                        let mut d = Diag::error(
                            Code::UnknownName,
                            self.src(f),
                            k.span,
                            crate::t!("unknown_name.category_set", name = crate::source::echo(&a)),
                        );
                        d = match did_you_mean(&a, sets.iter().copied()) {
                            Some(s) => d.help(crate::t!(
                                "unknown_name.did_you_mean",
                                name = crate::source::echo(&s)
                            )),
                            None => d.help(crate::t!("unknown_name.category_set_help")),
                        };
                        self.diags.push(d);
                        return None;
                    }
                }
            }
            _ => return None,
        };
        Some((kind, None, None))
    }

    // ---- parameters ----------------------------------------------------

    fn parameters(&mut self, f: FileId) {
        let items = self.m.units[f].ast.items.clone();
        for it in &items {
            match &it.node {
                Item::Param(p) => self.param(f, p),
                Item::Table(t) => self.table(f, t),
                Item::Override(o) => self.override_(f, o),
                _ => {}
            }
        }
    }

    fn param(&mut self, f: FileId, p: &ast::ParamDecl) {
        let name = p.name.node.to_string();
        let mut measure = None;
        let declared = match &p.kind {
            Some(k) => match self.kind_of_spec(f, k) {
                Some((kind, unit, m)) => {
                    measure = m;
                    Some((kind, unit))
                }
                None => return,
            },
            None => None,
        };
        self.check_attrs(
            f,
            &p.attrs,
            PARAM_ATTRS,
            &crate::t!("unknown_attr.of_param"),
        );
        let (kind, value) = match &p.value {
            Some(v) => match self.value(f, v, declared.map(|d| d.0), &mut measure) {
                Some((k, c, unit)) => (k, Some((c, unit, v))),
                None => {
                    // Keep the name known so uses of it do not report a second, misleading error.
                    let idx = self.m.params.len();
                    self.declare_name(f, &name, p.name.span, Symbol::Param(idx));
                    self.m.params.push(ParamInfo {
                        name,
                        kind: declared.map_or(Kind::Number, |d| d.0),
                        history: Vec::new(),
                        table: None,
                        measure,
                        as_of: None,
                    });
                    return;
                }
            },
            None => match declared {
                Some((k, _)) => (k, None),
                None => {
                    self.diags.push(
                        Diag::error(
                            Code::Kind,
                            self.src(f),
                            p.name.span,
                            crate::t!("kind.param_without_kind", name = name),
                        )
                        .help(crate::t!("kind.param_without_kind_help", name = name)),
                    );
                    return;
                }
            },
        };
        let prov = self.provenance(f, p.name.span, &p.attrs, &[]);
        let pv = match value {
            Some((c, unit, v)) => {
                let written = self.src(f).text()[v.span.start..v.span.end].to_string();
                if let Some(note) = &prov.what_if {
                    let d = super::what_if::saved(self.src(f), v.span, &name, &written, note);
                    self.diags.push(d);
                }
                ParamValue {
                    value: Some(c),
                    written: Some(written),
                    unit,
                    provenance: prov,
                    file: f,
                    span: v.span,
                    from: None,
                }
            }
            None => {
                self.diags.push(
                    Diag::note(
                        Code::DraftParam,
                        self.src(f),
                        p.name.span,
                        crate::t!("draft_param.message", name = name),
                    )
                    .label(crate::t!("draft_param.label"))
                    .help(crate::t!("draft_param.help")),
                );
                ParamValue {
                    value: None,
                    written: None,
                    unit: declared.and_then(|d| d.1),
                    provenance: prov,
                    file: f,
                    span: p.name.span,
                    from: None,
                }
            }
        };
        let idx = self.m.params.len();
        self.declare_name(f, &name, p.name.span, Symbol::Param(idx));
        self.m.params.push(ParamInfo {
            name,
            kind,
            history: vec![pv],
            table: None,
            measure,
            as_of: None,
        });
        self.dated(f, idx, &p.from, &p.versions, &[]);
    }

    fn table(&mut self, f: FileId, t: &ast::TableDecl) {
        let name = t.name.node.to_string();
        let Some(Symbol::Fact(by_fact)) = self.m.resolve(&t.by.node) else {
            self.diags.push(self.unknown(
                f,
                &t.by.node,
                t.by.span,
                &crate::t!("unknown_name.what_category_fact"),
            ));
            return;
        };
        let Kind::Category(set) = self.m.facts[by_fact].kind else {
            self.diags.push(
                Diag::error(
                    Code::Kind,
                    self.src(f),
                    t.by.span,
                    crate::t!(
                        "table_use.key_not_category",
                        name = t.by.node,
                        kind = self.m.facts[by_fact].kind.describe()
                    ),
                )
                .help(crate::t!("table_use.key_not_category_help")),
            );
            return;
        };
        let mut measure = None;
        let declared = match &t.kind {
            Some(k) => match self.kind_of_spec(f, k) {
                Some((kind, _, m)) => {
                    measure = m;
                    Some(kind)
                }
                None => return,
            },
            None => None,
        };
        self.check_attrs(
            f,
            &t.attrs,
            PARAM_ATTRS,
            &crate::t!("unknown_attr.of_table"),
        );
        let tidx = self.m.tables.len();
        let nmembers = self.m.categories[set].members.len();
        let mut entries = vec![None; nmembers];
        let mut kind = declared;
        self.declare_name(f, &name, t.name.span, Symbol::Table(tidx));
        for e in &t.entries {
            let Some(mi) = self.member_index(set, &e.key.node) else {
                let names: Vec<String> = self.m.categories[set]
                    .members
                    .iter()
                    .map(|m| m.id.clone())
                    .collect();
                let mut d = Diag::error(
                    Code::UnknownName,
                    self.src(f),
                    e.key.span,
                    crate::t!(
                        "unknown_name.not_member",
                        name = e.key.node,
                        set = self.m.categories[set].id
                    ),
                );
                d = match did_you_mean(&e.key.node, names.iter().map(String::as_str)) {
                    Some(s) => d.help(crate::t!(
                        "unknown_name.did_you_mean",
                        name = crate::source::echo(&s)
                    )),
                    None => d.help(crate::t!(
                        "unknown_name.members_are",
                        names = names.join(", ")
                    )),
                };
                self.diags.push(d);
                continue;
            };
            self.check_attrs(
                f,
                &e.attrs,
                PARAM_ATTRS,
                &crate::t!("unknown_attr.of_table_entry"),
            );
            let Some((k, c, unit)) = self.value(f, &e.value, kind, &mut measure) else {
                continue;
            };
            kind.get_or_insert(k);
            let pname = format!("{name}.{}", self.m.categories[set].members[mi].id);
            let prov = self.provenance(f, e.key.span, &e.attrs, &t.attrs);
            let pidx = self.m.params.len();
            if entries[mi].is_some() {
                self.diags.push(
                    Diag::error(
                        Code::Duplicate,
                        self.src(f),
                        e.key.span,
                        crate::t!("duplicate.table_entry", table = name, member = e.key.node),
                    )
                    .help(crate::t!("duplicate.table_entry_help")),
                );
                continue;
            }
            entries[mi] = Some(pidx);
            self.declare_name(f, &pname, e.key.span, Symbol::Param(pidx));
            // The entry is also reachable by the member's Chinese label: `最低产值.制造业`.
            let label = &self.m.categories[set].members[mi].label;
            if is_ident(label) && *label != self.m.categories[set].members[mi].id {
                let alias = format!("{name}.{label}");
                if self.m.resolve(&alias).is_none() {
                    self.m.names.insert(alias, Symbol::Param(pidx));
                }
            }
            self.m.params.push(ParamInfo {
                name: pname,
                kind: k,
                history: vec![ParamValue {
                    value: Some(c),
                    written: Some(
                        self.src(f).text()[e.value.span.start..e.value.span.end].to_string(),
                    ),
                    unit,
                    provenance: prov,
                    file: f,
                    span: e.value.span,
                    from: None,
                }],
                table: Some((tidx, mi)),
                measure: measure.clone(),
                as_of: None,
            });
            self.dated(f, pidx, &e.from, &e.versions, &t.attrs);
        }
        self.m.tables.push(TableInfo {
            name,
            by_fact,
            set,
            entries,
            kind: kind.unwrap_or(Kind::Number),
        });
    }

    fn member_index(&self, set: usize, name: &str) -> Option<usize> {
        self.m.categories[set]
            .members
            .iter()
            .position(|m| m.id == name || m.label == name || m.aliases.iter().any(|a| a == name))
    }

    /// The kind and constant of a parameter value, checked against the declared kind
    /// and, for a count, against the measure word of what it counts (`measure`, set
    /// from the value when none is known yet).
    fn value(
        &mut self,
        f: FileId,
        v: &Node<Value>,
        declared: Option<Kind>,
        measure: &mut Option<String>,
    ) -> Option<(Kind, Const, Option<MoneyUnit>)> {
        if let Value::Quantity(Quantity {
            unit: LitUnit::Count(w),
            ..
        }) = &v.node
        {
            let m = measure.get_or_insert_with(|| w.clone());
            if let Some(why) = crate::units::measure_mismatch(w, m) {
                let help = crate::t!("unit.measure_help", word = m);
                let label = crate::t!(
                    "unit.measure_label",
                    word = w,
                    what = crate::units::measure_kind(w)
                );
                let d = Diag::error(Code::Unit, self.src(f), v.span, why).label(label);
                self.diags.push(d.help(help));
                return None;
            }
        }
        let (kind, c, unit) = match &v.node {
            Value::Bool(b) => (Kind::Bool, Const::Bool(*b), None),
            Value::Quantity(q) => match quantity_const(q) {
                Ok(x) => x,
                Err(msg) => {
                    let fraction = q.number.fract() != Decimal::ZERO;
                    let help = if fraction && matches!(q.unit, LitUnit::Count(_)) {
                        crate::t!("number.whole_help")
                    } else {
                        crate::t!("number.exact_help")
                    };
                    self.diags
                        .push(Diag::error(Code::Number, self.src(f), v.span, msg).help(help));
                    return None;
                }
            },
            Value::Name(p) => {
                let name = p.to_string();
                match self.m.resolve(&name) {
                    Some(Symbol::Member(set, i)) => {
                        (Kind::Category(set), Const::Member(i as u16), None)
                    }
                    _ => {
                        self.diags.push(self.unknown(
                            f,
                            &name,
                            v.span,
                            &crate::t!("unknown_name.what_member"),
                        ));
                        return None;
                    }
                }
            }
        };
        if declared == Some(Kind::Count) || kind == Kind::Count {
            if let Const::Num(d) = c {
                if d.fract() != Decimal::ZERO || d.is_sign_negative() {
                    self.diags.push(
                        Diag::error(
                            Code::KindMismatch,
                            self.src(f),
                            v.span,
                            crate::t!("number.not_whole", number = d),
                        )
                        .help(crate::t!("number.whole_help")),
                    );
                    return None;
                }
            }
        }
        match declared {
            None => Some((kind, c, unit)),
            Some(d) if d.compatible(kind) => Some((d, c, unit)),
            Some(Kind::Count) if kind == Kind::Number => Some((Kind::Count, c, unit)),
            Some(d) => {
                let help = match d {
                    Kind::Money => crate::t!("kind_mismatch.money_help"),
                    Kind::Percent => crate::t!("kind_mismatch.percent_help"),
                    Kind::Count => crate::t!("number.whole_help"),
                    Kind::Bool => crate::t!("kind_mismatch.yes_no_help"),
                    _ => crate::t!("kind_mismatch.declared_help"),
                };
                self.diags.push(
                    Diag::error(
                        Code::KindMismatch,
                        self.src(f),
                        v.span,
                        crate::t!(
                            "kind_mismatch.expected",
                            expected = d.describe(),
                            found = kind.describe()
                        ),
                    )
                    .label(crate::t!("kind_mismatch.this_is", kind = kind.describe()))
                    .help(help),
                );
                None
            }
        }
    }

    fn unknown(&self, f: FileId, name: &str, span: Span, what: &str) -> Diag {
        let mut d = Diag::error(
            Code::UnknownName,
            self.src(f),
            span,
            crate::t!("unknown_name.name", name = crate::source::echo(name)),
        )
        .label(crate::t!("unknown_name.expected", what = what));
        if let Some(h) = crate::suggest::approximate_figure(name) {
            return d.label(crate::t!("unknown_name.approximate")).help(h);
        }
        d = match did_you_mean(name, self.m.names.keys().map(String::as_str)) {
            Some(s) => d.help(crate::t!(
                "unknown_name.did_you_mean",
                name = crate::source::echo(&s)
            )),
            None => d.help(crate::t!("unknown_name.declare_help")),
        };
        d
    }
}

/// The kind and exact value of a literal (money in 元, percent in points).
pub fn quantity_const(q: &Quantity) -> Result<(Kind, Const, Option<MoneyUnit>), String> {
    Ok(match &q.unit {
        LitUnit::Money(u) => {
            let v = q.number.checked_mul(u.factor()).ok_or_else(|| {
                crate::t!(
                    "number.amount_too_large",
                    amount = format!("{}{}", q.number, u.suffix())
                )
            })?;
            (Kind::Money, Const::Num(v.normalize()), Some(*u))
        }
        LitUnit::Percent => (Kind::Percent, Const::Num(q.number.normalize()), None),
        LitUnit::Points => (Kind::Points, Const::Num(q.number.normalize()), None),
        LitUnit::Count(_) => {
            if q.number.fract() != Decimal::ZERO {
                return Err(crate::t!("number.not_whole", number = q.number));
            }
            (Kind::Count, Const::Num(q.number.normalize()), None)
        }
        LitUnit::Bare => {
            let k = if q.number.fract() == Decimal::ZERO {
                Kind::Count
            } else {
                Kind::Number
            };
            (k, Const::Num(q.number.normalize()), None)
        }
    })
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if unicode_ident::is_xid_start(c) || c == '_' => {
            chars.all(unicode_ident::is_xid_continue)
        }
        _ => false,
    }
}

/// Attributes a parameter, table, table entry or override may carry.
pub(super) const PARAM_ATTRS: &[&str] = &["clause", "quote", "note", "interpretation", "what_if"];
