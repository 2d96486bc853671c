//! Declarations and blocks.

use unicode_width::UnicodeWidthStr;

use super::super::ast::*;
use super::{pad, Kind, Printer, ALIGN_MAX, INDENT};

/// The column widths of a run of `fact` lines: identifier and label.
type FactColumns = Option<(usize, usize)>;

/// Something inside a block, by where it starts.
enum Elem<'a> {
    Attr(&'a Attr),
    Entry(&'a TableEntry),
    Applies(&'a Node<Expr>),
    Require(&'a Node<Require>),
    Priority(&'a Node<Priority>),
    Indicator(&'a Node<IndicatorDecl>),
    Score(&'a Node<ScoreRule>),
    Grades(&'a Node<GradesDecl>),
    Band(&'a Node<Band>),
}

impl Elem<'_> {
    fn start(&self) -> usize {
        match self {
            Elem::Attr(a) => a.key.span.start,
            Elem::Entry(e) => e.key.span.start,
            Elem::Applies(e) => e.span.start,
            Elem::Require(r) => r.span.start,
            Elem::Priority(p) => p.span.start,
            Elem::Indicator(i) => i.span.start,
            Elem::Score(s) => s.span.start,
            Elem::Grades(g) => g.span.start,
            Elem::Band(b) => b.span.start,
        }
    }
}

/// Which declarations form groups that may go without blank lines between them.
fn group(item: &Item) -> u8 {
    match item {
        Item::Header(_) => 0,
        Item::Import(_) | Item::Extends(_) => 1,
        Item::Category(_) => 2,
        Item::Fact(_) => 3,
        Item::Param(_) => 4,
        Item::Table(_) => 5,
        Item::Override(_) => 6,
        Item::Criterion(_) => 7,
        Item::Drop(_) => 8,
        Item::Target(_) => 9,
        Item::Population(_) => 10,
        Item::Priority(_) => 11,
        Item::Evaluation(_) => 12,
    }
}

/// The width for aligning attribute values after these keys.
fn key_width<'k>(keys: impl Iterator<Item = &'k str>) -> usize {
    keys.map(UnicodeWidthStr::width)
        .filter(|w| *w <= ALIGN_MAX)
        .max()
        .unwrap_or(0)
}

fn attr_keys(attrs: &[Attr]) -> impl Iterator<Item = &str> {
    attrs.iter().map(|a| a.key.node.as_str())
}

impl Printer<'_> {
    pub(super) fn file(&mut self, items: &[Node<Item>]) {
        let columns = self.fact_columns(items);
        for (i, item) in items.iter().enumerate() {
            if i > 0 && group(&items[i - 1].node) != group(&item.node) {
                // Comments before this declaration stay with it, after the blank line.
                self.flush_trailing(item.span.start);
                self.pending_blank = true;
            }
            self.item(item, columns.get(i).copied().flatten());
        }
    }

    /// Print the comment at the end of the last printed line, if there is one (before a
    /// blank line goes in).
    fn flush_trailing(&mut self, next_item: usize) {
        let free = self
            .lines
            .last()
            .is_some_and(|l| !l.is_comment && l.comment.is_none());
        if let (true, Some(c)) = (free, self.comments.get(self.next)) {
            let same = c.span.start < next_item
                && (c.span.start < self.last_end
                    || !self
                        .text
                        .get(self.last_end..c.span.start)
                        .unwrap_or("\n")
                        .contains('\n'));
            if same {
                self.next += 1;
                self.place(c.span, 0);
            }
        }
    }

    /// Runs of `fact` declarations with nothing but a line break between them are
    /// aligned in columns.
    fn fact_columns(&self, items: &[Node<Item>]) -> Vec<FactColumns> {
        let mut out = vec![None; items.len()];
        let mut i = 0;
        while i < items.len() {
            let mut j = i + 1;
            if matches!(items[i].node, Item::Fact(_)) {
                while j < items.len()
                    && matches!(items[j].node, Item::Fact(_))
                    && !self.blank_between(self.tok_end(items[j - 1].span), items[j].span.start)
                    && !self.comments.iter().any(|c| {
                        items[j - 1].span.start <= c.span.start
                            && c.span.start < items[j].span.start
                    })
                {
                    j += 1;
                }
            }
            if j > i + 1 {
                let mut id_w = 0;
                let mut label_w = 0;
                for it in &items[i..j] {
                    if let Item::Fact(f) = &it.node {
                        id_w = id_w.max(f.id.node.width());
                        label_w = label_w.max(self.src(f.label.span).width());
                    }
                }
                for c in &mut out[i..j] {
                    *c = Some((id_w, label_w));
                }
            }
            i = j;
        }
        out
    }

    fn item(&mut self, item: &Node<Item>, columns: FactColumns) {
        let start = item.span.start;
        let end = self.tok_end(item.span);
        let close = end.saturating_sub(1);
        match &item.node {
            Item::Header(h) => {
                let open = self.find(h.id.span.end, '{');
                let head = format!("ruleset {} {{", h.id.node);
                self.line(0, head, start, open + 1, Kind::Start);
                let elems = h.attrs.iter().map(Elem::Attr).collect();
                self.elems(INDENT, elems, key_width(attr_keys(&h.attrs)));
                self.close(0, close);
            }
            Item::Import(s) => {
                let code = format!("import {}", self.src(s.span));
                self.line(0, code, start, end, Kind::Start);
            }
            Item::Extends(s) => {
                let code = format!("extends {}", self.src(s.span));
                self.line(0, code, start, end, Kind::Start);
            }
            Item::Category(c) => self.category(c, start, close),
            Item::Fact(f) => self.fact(f, start, end, columns),
            Item::Param(p) => {
                let mut head = format!("param {}", p.name.node);
                let mut head_end = p.name.span.end;
                if let Some(k) = &p.kind {
                    head.push_str(&format!(" : {}", kind(&k.node)));
                    head_end = self.tok_end(k.span);
                }
                if let Some(v) = &p.value {
                    head.push_str(&format!(" = {}", self.src(v.span)));
                    head_end = v.span.end;
                }
                self.dated(0, head, start, head_end, &p.from, &p.attrs, &p.versions);
            }
            Item::Table(t) => self.table(t, start, close),
            Item::Override(o) => {
                let head = format!("override {} = {}", o.name.node, self.src(o.value.span));
                let head_end = o.value.span.end;
                self.dated(0, head, start, head_end, &o.from, &o.attrs, &o.versions);
            }
            Item::Criterion(c) => self.criterion(c, start, close),
            Item::Drop(d) => {
                let mut code = format!("drop criterion {}", d.id.node);
                if let Some(r) = &d.reason {
                    code.push(' ');
                    code.push_str(self.src(r.span));
                }
                self.line(0, code, start, end, Kind::Start);
            }
            Item::Target(t) => self.labelled("target", t, start, close, end),
            Item::Population(t) => self.labelled("population", t, start, close, end),
            Item::Priority(p) => {
                let rule = &p.rule.node;
                let head = format!(
                    "priority {} when {}",
                    self.src(rule.label.span),
                    self.expr(&rule.when)
                );
                self.block(0, head, start, rule.when.span.end, &p.attrs, close, end);
            }
            Item::Evaluation(e) => {
                let open = self.find(e.label.span.end, '{');
                let head = format!("evaluation {} {} {{", e.id.node, self.src(e.label.span));
                self.line(0, head, start, open + 1, Kind::Start);
                let mut elems: Vec<Elem> = e.attrs.iter().map(Elem::Attr).collect();
                elems.extend(e.indicators.iter().map(Elem::Indicator));
                elems.extend(e.grades.iter().map(Elem::Grades));
                self.elems(INDENT, elems, key_width(attr_keys(&e.attrs)));
                self.close(0, close);
            }
        }
    }

    /// `HEAD { attrs }`, or `HEAD` alone when there are no attributes; the block's
    /// `}` is at `close` when there is one.
    #[allow(clippy::too_many_arguments)]
    fn block(
        &mut self,
        indent: usize,
        head: String,
        start: usize,
        head_end: usize,
        attrs: &[Attr],
        close: usize,
        end: usize,
    ) {
        if attrs.is_empty() {
            self.line(indent, head, start, end, Kind::Start);
            return;
        }
        let open = self.find(head_end, '{');
        self.line(indent, format!("{head} {{"), start, open + 1, Kind::Start);
        let elems = attrs.iter().map(Elem::Attr).collect();
        self.elems(indent + INDENT, elems, key_width(attr_keys(attrs)));
        self.close(indent, close);
    }

    fn labelled(&mut self, word: &str, t: &TargetDecl, start: usize, close: usize, end: usize) {
        let head = format!("{word} {} {}", t.id.node, self.src(t.label.span));
        self.block(0, head, start, t.label.span.end, &t.attrs, close, end);
    }

    fn category(&mut self, c: &CategoryDecl, start: usize, close: usize) {
        let open = self.find(c.label.span.end, '{');
        let head = format!("category {} {} {{", c.id.node, self.src(c.label.span));
        self.line(0, head, start, open + 1, Kind::Start);
        let id_w = c
            .members
            .iter()
            .map(|m| m.id.node.width())
            .max()
            .unwrap_or(0);
        for m in &c.members {
            let mut code = format!("{} {}", pad(&m.id.node, id_w), self.src(m.label.span));
            let mut end = m.label.span.end;
            for (k, a) in m.aliases.iter().enumerate() {
                code.push_str(if k == 0 { "  alias " } else { " alias " });
                code.push_str(self.src(a.span));
                end = a.span.end;
            }
            self.line(INDENT, code, m.id.span.start, end, Kind::Start);
        }
        self.close(0, close);
    }

    fn fact(&mut self, f: &FactDecl, start: usize, end: usize, columns: FactColumns) {
        let (id_w, label_w) = columns.unwrap_or((0, 0));
        let label = self.src(f.label.span);
        let mut head = format!(
            "fact {} {} : {}",
            pad(&f.id.node, id_w),
            pad(label, label_w),
            kind(&f.kind.node)
        );
        let mut head_end = self.tok_end(f.kind.span);
        if f.yearly {
            head.push_str(" yearly");
        }
        for (k, a) in f.aliases.iter().enumerate() {
            head.push_str(if k == 0 { "  alias " } else { " alias " });
            head.push_str(self.src(a.span));
            head_end = a.span.end;
        }
        self.block(
            0,
            head,
            start,
            head_end,
            &f.attrs,
            end.saturating_sub(1),
            end,
        );
    }

    fn table(&mut self, t: &TableDecl, start: usize, close: usize) {
        let mut head = format!("table {} by {}", t.name.node, t.by.node);
        let mut head_end = t.by.span.end;
        if let Some(k) = &t.kind {
            head.push_str(&format!(" : {}", kind(&k.node)));
            head_end = self.tok_end(k.span);
        }
        let open = self.find(head_end, '{');
        self.line(0, format!("{head} {{"), start, open + 1, Kind::Start);
        let mut elems: Vec<Elem> = t.attrs.iter().map(Elem::Attr).collect();
        elems.extend(t.entries.iter().map(Elem::Entry));
        self.elems(INDENT, elems, key_width(attr_keys(&t.attrs)));
        self.close(0, close);
    }

    fn criterion(&mut self, c: &CriterionDecl, start: usize, close: usize) {
        let open = self.find(c.label.span.end, '{');
        let head = format!(
            "{}criterion {} {} {{",
            if c.replaces { "override " } else { "" },
            c.id.node,
            self.src(c.label.span)
        );
        self.line(0, head, start, open + 1, Kind::Start);
        let mut elems: Vec<Elem> = c.attrs.iter().map(Elem::Attr).collect();
        elems.extend(c.applies.iter().map(Elem::Applies));
        elems.extend(c.requires.iter().map(Elem::Require));
        elems.extend(c.priorities.iter().map(Elem::Priority));
        self.elems(INDENT, elems, key_width(attr_keys(&c.attrs)));
        self.close(0, close);
    }

    /// The parts of a block in the order written; attributes aligned at `width`, table
    /// entries at their `=`.
    fn elems(&mut self, indent: usize, mut elems: Vec<Elem>, width: usize) {
        elems.sort_by_key(Elem::start);
        let widest =
            |f: &dyn Fn(&Elem) -> Option<usize>| elems.iter().filter_map(f).max().unwrap_or(0);
        let entry_w = widest(&|e| match e {
            Elem::Entry(t) => Some(t.key.node.width()),
            _ => None,
        });
        let grade_w = widest(&|e| match e {
            Elem::Band(b) => Some(b.node.grade.node.width()),
            _ => None,
        });
        for e in elems {
            match e {
                Elem::Attr(a) => self.attr(indent, a, width),
                Elem::Entry(t) => {
                    let head =
                        format!("{} = {}", pad(&t.key.node, entry_w), self.src(t.value.span));
                    let (start, head_end) = (t.key.span.start, t.value.span.end);
                    self.dated(
                        indent,
                        head,
                        start,
                        head_end,
                        &t.from,
                        &t.attrs,
                        &t.versions,
                    );
                }
                Elem::Applies(x) => {
                    let code = format!("applies {}", self.expr(x));
                    self.line(indent, code, x.span.start, x.span.end, Kind::Start);
                }
                Elem::Require(r) => self.require(indent, r),
                Elem::Priority(p) => {
                    let code = format!("priority {}", self.src(p.node.label.span));
                    let label = p.node.label.span;
                    self.line(indent, code, p.span.start, label.end, Kind::Start);
                    let w = &p.node.when;
                    let code = format!("when {}", self.expr(w));
                    self.line(
                        indent + INDENT,
                        code,
                        w.span.start,
                        w.span.end,
                        Kind::Continued,
                    );
                }
                Elem::Indicator(i) => self.indicator(indent, i),
                Elem::Score(s) => {
                    let code = match &s.node {
                        ScoreRule::Expert => "score expert".to_string(),
                        ScoreRule::FullWhen(x) => format!("score full when {}", self.expr(x)),
                        ScoreRule::Formula(x) => format!("score = {}", self.expr(x)),
                    };
                    let end = self.tok_end(s.span);
                    self.line(indent, code, s.span.start, end, Kind::Start);
                }
                Elem::Grades(g) => self.grades(indent, g),
                Elem::Band(b) => {
                    let grade = &b.node.grade;
                    let spec = self.squash(grade.span.end, b.span.end);
                    let spec = match spec.find(|c: char| c.is_ascii_digit()) {
                        Some(k) if !spec.starts_with(['[', '(']) => {
                            format!("{} {}", &spec[..k], &spec[k..])
                        }
                        Some(_) | None => spec.replace(',', ", "),
                    };
                    let code = format!("{} {spec}", pad(&grade.node, grade_w));
                    self.line(indent, code, b.span.start, b.span.end, Kind::Start);
                }
            }
        }
    }

    fn attr(&mut self, indent: usize, a: &Attr, width: usize) {
        let key = &a.key.node;
        let key = if key.width() <= width {
            pad(key, width)
        } else {
            key.clone()
        };
        let code = format!("{key} {}", self.src(a.value.span));
        self.line(
            indent,
            code,
            a.key.span.start,
            a.value.span.end,
            Kind::Start,
        );
    }

    fn require(&mut self, indent: usize, r: &Node<Require>) {
        let req = &r.node;
        let mut code = format!("require {}", self.expr(&req.cond));
        let mut end = req.cond.span.end;
        if let Some(l) = &req.label {
            code.push(' ');
            code.push_str(self.src(l.span));
            end = l.span.end;
        }
        self.line(indent, code, r.span.start, end, Kind::Start);
        let Some(relax) = &req.relax else {
            return;
        };
        let x = &relax.node;
        let inner = indent + INDENT;
        let open = self.find(relax.span.start, '{');
        let head = if x.discretionary {
            "relax discretionary {"
        } else {
            "relax {"
        };
        self.line(
            inner,
            head.into(),
            relax.span.start,
            open + 1,
            Kind::Continued,
        );
        let width = key_width(["when", "then"].into_iter().chain(attr_keys(&x.attrs)));
        let body = inner + INDENT;
        for (word, e) in [("when", &x.when), ("then", &x.then)] {
            let code = format!("{} {}", pad(word, width), self.expr(e));
            self.line(body, code, e.span.start, e.span.end, Kind::Start);
        }
        for a in &x.attrs {
            self.attr(body, a, width);
        }
        self.close(inner, relax.span.end.saturating_sub(1));
    }

    fn indicator(&mut self, indent: usize, i: &Node<IndicatorDecl>) {
        let d = &i.node;
        let head = format!(
            "indicator {} {} weight {}",
            d.code.node,
            self.src(d.label.span),
            self.src(d.weight.span)
        );
        let end = self.tok_end(i.span);
        if d.children.is_empty() && d.score.is_none() && d.attrs.is_empty() {
            self.line(indent, head, i.span.start, end, Kind::Start);
            return;
        }
        let open = self.find(d.weight.span.end, '{');
        self.line(
            indent,
            format!("{head} {{"),
            i.span.start,
            open + 1,
            Kind::Start,
        );
        let mut elems: Vec<Elem> = d.attrs.iter().map(Elem::Attr).collect();
        elems.extend(d.children.iter().map(Elem::Indicator));
        elems.extend(d.score.iter().map(Elem::Score));
        self.elems(indent + INDENT, elems, key_width(attr_keys(&d.attrs)));
        self.close(indent, end.saturating_sub(1));
    }

    fn grades(&mut self, indent: usize, g: &Node<GradesDecl>) {
        let d = &g.node;
        let mut head = "grades".to_string();
        if let Some(l) = &d.label {
            head.push(' ');
            head.push_str(self.src(l.span));
        }
        let open = self.find(g.span.start, '{');
        self.line(
            indent,
            format!("{head} {{"),
            g.span.start,
            open + 1,
            Kind::Start,
        );
        let mut elems: Vec<Elem> = d.attrs.iter().map(Elem::Attr).collect();
        elems.extend(d.bands.iter().map(Elem::Band));
        self.elems(indent + INDENT, elems, key_width(attr_keys(&d.attrs)));
        self.close(indent, g.span.end.saturating_sub(1));
    }

    /// A parameter, override or table entry with its dated values: `HEAD [from DATE]
    /// [{ … }] [then VALUE [from DATE] [{ … }]]…`.
    #[allow(clippy::too_many_arguments)]
    fn dated(
        &mut self,
        indent: usize,
        head: String,
        start: usize,
        head_end: usize,
        from: &Option<Node<String>>,
        attrs: &[Attr],
        versions: &[Version],
    ) {
        let mut cur = head;
        let (mut cur_start, mut cur_end, mut kind) = (start, head_end, Kind::Start);
        let first = std::iter::once((None, from, attrs));
        let later = versions
            .iter()
            .map(|v| (Some(&v.value), &v.from, v.attrs.as_slice()));
        for (value, from, attrs) in first.chain(later) {
            if let Some(v) = value {
                cur.push_str(" then ");
                cur.push_str(self.src(v.span));
                cur_end = v.span.end;
            }
            if let Some(d) = from {
                cur.push_str(" from ");
                cur.push_str(&d.node);
                cur_end = d.span.end;
            }
            if attrs.is_empty() {
                continue;
            }
            let open = self.find(cur_end, '{');
            cur.push_str(" {");
            self.line(indent, cur, cur_start, open + 1, kind);
            let elems = attrs.iter().map(Elem::Attr).collect();
            self.elems(indent + INDENT, elems, key_width(attr_keys(attrs)));
            let last = attrs.last().map_or(open + 1, |a| a.value.span.end);
            let close = self.find(last, '}');
            self.flush(close, indent + INDENT);
            cur = "}".into();
            (cur_start, cur_end, kind) = (close, close + 1, Kind::Continued);
        }
        self.line(indent, cur, cur_start, cur_end, kind);
    }
}

/// `money 亿元`, `count 人`, `category industry`, `percent`.
fn kind(k: &KindSpec) -> String {
    match &k.arg {
        Some(a) => format!("{} {a}", k.name),
        None => k.name.clone(),
    }
}
