//! Checking an evaluation indicator system: weights that do not add up (warnings, since
//! published tables are not always consistent), grade bands with gaps or overlaps (errors).

use rust_decimal::Decimal;

use super::model::*;
use crate::diag::{Code, Diag};
use crate::suggest::did_you_mean;
use crate::syntax::ast::{
    self, attr_text, AttrValue, EvaluationDecl, IndicatorDecl, Item, LitUnit, Node, ScoreRule,
};

const EVAL_ATTRS: &[&str] = &[
    "total",
    "levels",
    "experts",
    "formula",
    "clause",
    "quote",
    "note",
    "interpretation",
];
const NODE_ATTRS: &[&str] = &["aggregate", "clause", "quote", "note", "interpretation"];
const GRADE_ATTRS: &[&str] = &["clause", "quote", "note", "interpretation"];

/// The evaluation system declared in file `f`, if any, with its diagnostics.
pub fn build(m: &Checked, f: FileId) -> (Option<EvaluationInfo>, Vec<Diag>) {
    let unit = &m.units[f];
    let mut b = Builder {
        src: &unit.source,
        diags: Vec::new(),
        nodes: Vec::new(),
    };
    let mut found: Option<EvaluationInfo> = None;
    for it in &unit.ast.items {
        if let Item::Evaluation(e) = &it.node {
            if found.is_some() {
                b.diags.push(
                    Diag::error(
                        Code::Duplicate,
                        b.src,
                        e.id.span,
                        crate::t!("duplicate.evaluation"),
                    )
                    .help(crate::t!("duplicate.evaluation_help")),
                );
                continue;
            }
            found = Some(b.evaluation(f, e));
        }
    }
    (found, b.diags)
}

struct Builder<'a> {
    src: &'a crate::source::Source,
    diags: Vec<Diag>,
    nodes: Vec<IndicatorInfo>,
}

impl Builder<'_> {
    fn attrs(&mut self, attrs: &[ast::Attr], known: &[&str], what: &str) {
        for a in attrs {
            if !known.contains(&a.key.node.as_str()) {
                let mut d = Diag::error(
                    Code::UnknownAttr,
                    self.src,
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

    fn evaluation(&mut self, f: FileId, e: &EvaluationDecl) -> EvaluationInfo {
        self.attrs(
            &e.attrs,
            EVAL_ATTRS,
            &crate::t!("unknown_attr.of_evaluation"),
        );
        let total = match ast::attr(&e.attrs, "total").map(|a| &a.value) {
            Some(Node {
                node: AttrValue::Quantity(q),
                ..
            }) if q.unit == LitUnit::Bare => q.number,
            Some(v) => {
                self.diags.push(
                    Diag::error(
                        Code::Evaluation,
                        self.src,
                        v.span,
                        crate::t!("evaluation.total"),
                    )
                    .help(crate::t!("evaluation.total_help")),
                );
                Decimal::ONE_HUNDRED
            }
            None => Decimal::ONE_HUNDRED,
        };
        let experts = attr_text(&e.attrs, "experts").unwrap_or("mean").to_string();
        if experts != "mean" {
            if let Some(a) = ast::attr(&e.attrs, "experts") {
                self.diags.push(
                    Diag::error(
                        Code::Evaluation,
                        self.src,
                        a.value.span,
                        crate::t!("evaluation.experts", name = experts),
                    )
                    .help(crate::t!("evaluation.experts_help")),
                );
            }
        }
        let roots: Vec<usize> = e.indicators.iter().map(|i| self.node(i, None, 1)).collect();
        let mut codes: Vec<(&str, ast::Span)> = Vec::new();
        for n in &self.nodes {
            if let Some((_, first)) = codes.iter().find(|(c, _)| *c == n.code) {
                self.diags.push(
                    Diag::error(
                        Code::Duplicate,
                        self.src,
                        n.code_span,
                        crate::t!("duplicate.indicator", code = n.code),
                    )
                    .also(*first, crate::t!("duplicate.first"))
                    .help(crate::t!("duplicate.indicator_help")),
                );
            } else {
                codes.push((n.code.as_str(), n.code_span));
            }
        }
        self.weights(&roots, total, e);
        if let Some(a) = ast::attr(&e.attrs, "levels") {
            self.levels(a);
        }
        let (grades, grades_label, grades_clause) = match &e.grades {
            Some(g) => {
                self.attrs(
                    &g.node.attrs,
                    GRADE_ATTRS,
                    &crate::t!("unknown_attr.of_grades"),
                );
                (
                    self.grades(&g.node, total),
                    g.node
                        .label
                        .as_ref()
                        .map(|l| l.node.clone())
                        .unwrap_or_default(),
                    attr_text(&g.node.attrs, "clause").map(str::to_string),
                )
            }
            None => (Vec::new(), String::new(), None),
        };
        EvaluationInfo {
            id: e.id.node.clone(),
            label: e.label.node.clone(),
            file: f,
            total,
            formula: attr_text(&e.attrs, "formula").unwrap_or("").to_string(),
            clause: attr_text(&e.attrs, "clause").map(str::to_string),
            note: attr_text(&e.attrs, "note").map(str::to_string),
            interpretations: {
                let mut v = ast::attr_texts(&e.attrs, "interpretation");
                v.extend(self.nodes.iter().flat_map(|n| n.interpretations.clone()));
                if let Some(g) = &e.grades {
                    v.extend(ast::attr_texts(&g.node.attrs, "interpretation"));
                }
                v
            },
            nodes: std::mem::take(&mut self.nodes),
            roots,
            grades,
            grades_label,
            grades_clause,
            experts,
        }
    }

    fn node(&mut self, d: &Node<IndicatorDecl>, parent: Option<usize>, depth: usize) -> usize {
        let d = &d.node;
        self.attrs(
            &d.attrs,
            NODE_ATTRS,
            &crate::t!("unknown_attr.of_indicator"),
        );
        if d.weight.node.unit != LitUnit::Bare || d.weight.node.number.is_sign_negative() {
            self.diags.push(
                Diag::error(
                    Code::Evaluation,
                    self.src,
                    d.weight.span,
                    crate::t!("evaluation.weight"),
                )
                .help(crate::t!("evaluation.weight_help")),
            );
        }
        let aggregate = match attr_text(&d.attrs, "aggregate") {
            None | Some("sum") => Aggregate::SumCapped,
            Some("geometric") => Aggregate::Geometric,
            Some(other) => {
                if let Some(a) = ast::attr(&d.attrs, "aggregate") {
                    self.diags.push(
                        Diag::error(
                            Code::Evaluation,
                            self.src,
                            a.value.span,
                            crate::t!("evaluation.aggregate", name = other),
                        )
                        .help(crate::t!("evaluation.aggregate_help")),
                    );
                }
                Aggregate::SumCapped
            }
        };
        let score = match &d.score {
            None => ScoreSource::Expert,
            Some(s) => {
                if !d.children.is_empty() {
                    self.diags.push(
                        Diag::error(
                            Code::Evaluation,
                            self.src,
                            s.span,
                            crate::t!("evaluation.score_on_parent", code = d.code.node),
                        )
                        .help(crate::t!("evaluation.score_on_parent_help")),
                    );
                }
                match &s.node {
                    ScoreRule::Expert => ScoreSource::Expert,
                    ScoreRule::FullWhen(e) => ScoreSource::FullWhen(e.clone()),
                    ScoreRule::Formula(e) => ScoreSource::Formula(e.clone()),
                }
            }
        };
        let idx = self.nodes.len();
        self.nodes.push(IndicatorInfo {
            code: d.code.node.clone(),
            label: d.label.node.clone(),
            weight: d.weight.node.number,
            parent,
            children: Vec::new(),
            depth,
            score,
            aggregate,
            code_span: d.code.span,
            weight_span: d.weight.span,
            note: attr_text(&d.attrs, "note").map(str::to_string),
            interpretations: ast::attr_texts(&d.attrs, "interpretation"),
        });
        let children: Vec<usize> = d
            .children
            .iter()
            .map(|c| self.node(c, Some(idx), depth + 1))
            .collect();
        self.nodes[idx].children = children;
        idx
    }

    fn leaf_sum(&self, n: usize) -> Decimal {
        let node = &self.nodes[n];
        if node.children.is_empty() {
            node.weight
        } else {
            node.children.iter().map(|&c| self.leaf_sum(c)).sum()
        }
    }

    fn weights(&mut self, roots: &[usize], total: Decimal, e: &EvaluationDecl) {
        let root_sum: Decimal = roots.iter().map(|&r| self.nodes[r].weight).sum();
        if root_sum != total && !roots.is_empty() {
            let span = ast::attr(&e.attrs, "total").map_or(e.id.span, |a| a.value.span);
            self.diags.push(
                Diag::warning(
                    Code::Weights,
                    self.src,
                    span,
                    crate::t!("weights.total", sum = root_sum, total = total),
                )
                .label(crate::t!("weights.total_label", total = total))
                .help(crate::t!("weights.total_help")),
            );
        }
        for n in 0..self.nodes.len() {
            let node = &self.nodes[n];
            if node.children.is_empty() {
                continue;
            }
            let sum: Decimal = node.children.iter().map(|&c| self.nodes[c].weight).sum();
            if sum != node.weight {
                let kids: Vec<String> = node
                    .children
                    .iter()
                    .map(|&c| {
                        let n = &self.nodes[c];
                        crate::t!("weights.part", code = n.code, weight = n.weight)
                    })
                    .collect();
                let mut d = Diag::warning(
                    Code::Weights,
                    self.src,
                    node.weight_span,
                    crate::t!(
                        "weights.parts",
                        code = node.code,
                        weight = node.weight,
                        sum = sum,
                        parts = kids.join(" + ")
                    ),
                )
                .label(crate::t!(
                    "weights.declares",
                    code = node.code,
                    weight = node.weight
                ));
                for &c in node.children.iter().take(3) {
                    d = d.also(
                        self.nodes[c].weight_span,
                        format!("{} {}", self.nodes[c].code, self.nodes[c].weight),
                    );
                }
                let help = if sum > node.weight {
                    crate::t!(
                        "weights.capped_help",
                        code = node.code,
                        weight = node.weight
                    )
                } else {
                    crate::t!(
                        "weights.short_help",
                        code = node.code,
                        weight = node.weight,
                        sum = sum
                    )
                };
                self.diags.push(d.help(help));
            }
            let has_grandchildren = node
                .children
                .iter()
                .any(|&c| !self.nodes[c].children.is_empty());
            let leaves = self.leaf_sum(n);
            if has_grandchildren && leaves != node.weight {
                let node = &self.nodes[n];
                self.diags.push(
                    Diag::warning(
                        Code::Weights,
                        self.src,
                        node.weight_span,
                        crate::t!(
                            "weights.leaves",
                            code = node.code,
                            sum = leaves,
                            weight = node.weight
                        ),
                    )
                    .label(crate::t!(
                        "weights.declares",
                        code = node.code,
                        weight = node.weight
                    ))
                    .help(crate::t!("weights.leaves_help")),
                );
            }
        }
    }

    fn levels(&mut self, a: &ast::Attr) {
        let text = match &a.value.node {
            AttrValue::Text(t) => t.clone(),
            _ => String::new(),
        };
        let declared: Vec<Option<usize>> = text.split('/').map(|p| p.trim().parse().ok()).collect();
        if declared.is_empty() || declared.iter().any(Option::is_none) {
            self.diags.push(
                Diag::error(
                    Code::Evaluation,
                    self.src,
                    a.value.span,
                    crate::t!("evaluation.levels"),
                )
                .help(crate::t!("evaluation.levels_help")),
            );
            return;
        }
        let names = [
            crate::t!("levels.first"),
            crate::t!("levels.second"),
            crate::t!("levels.third"),
            crate::t!("levels.fourth"),
            crate::t!("levels.fifth"),
        ];
        for (i, want) in declared.iter().enumerate() {
            let want = want.unwrap_or(0);
            let have = self.nodes.iter().filter(|n| n.depth == i + 1).count();
            if have != want {
                let level = names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| crate::t!("levels.deeper"));
                self.diags.push(
                    Diag::warning(
                        Code::Levels,
                        self.src,
                        a.value.span,
                        crate::t!("levels.message", want = want, level = level, have = have),
                    )
                    .label(crate::t!("levels.label", want = want))
                    .help(crate::t!("levels.help")),
                );
            }
        }
    }

    fn grades(&mut self, g: &ast::GradesDecl, total: Decimal) -> Vec<GradeBand> {
        let bands: Vec<GradeBand> = g
            .bands
            .iter()
            .map(|b| GradeBand {
                name: b.node.grade.node.clone(),
                lower: b.node.lower,
                upper: b.node.upper,
            })
            .collect();
        if bands.is_empty() {
            return bands;
        }
        // Probe every boundary and every point between two boundaries in [0, total].
        let mut points: Vec<Decimal> = vec![Decimal::ZERO, total];
        for b in &bands {
            for (v, _) in b.lower.iter().chain(b.upper.iter()) {
                if *v >= Decimal::ZERO && *v <= total {
                    points.push(*v);
                }
            }
        }
        points.sort();
        points.dedup();
        let mut probes = points.clone();
        for w in points.windows(2) {
            probes.push((w[0] + w[1]) / Decimal::TWO);
        }
        probes.sort();
        let mut reported = false;
        for p in probes {
            let hits: Vec<usize> = (0..bands.len()).filter(|&i| bands[i].contains(p)).collect();
            if hits.is_empty() && !reported {
                reported = true;
                let span = g.bands.first().map_or(ast::Span::default(), |b| b.span);
                self.diags.push(
                    Diag::error(
                        Code::Grades,
                        self.src,
                        span,
                        crate::t!("grades.gap", score = p),
                    )
                    .label(crate::t!("grades.gap_label"))
                    .help(crate::t!("grades.gap_help")),
                );
            } else if hits.len() > 1 && !reported {
                reported = true;
                let (a, b) = (hits[0], hits[1]);
                self.diags.push(
                    Diag::error(
                        Code::Grades,
                        self.src,
                        g.bands[b].span,
                        crate::t!(
                            "grades.overlap",
                            first = bands[a].name,
                            second = bands[b].name,
                            score = p
                        ),
                    )
                    .label(crate::t!(
                        "grades.also_contains",
                        band = bands[b].name,
                        score = p
                    ))
                    .also(
                        g.bands[a].span,
                        crate::t!("grades.contains", band = bands[a].name, score = p),
                    )
                    .help(crate::t!("grades.overlap_help")),
                );
            }
        }
        bands
    }
}
