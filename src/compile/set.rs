//! What-if values given after compiling: `--set NAME=VALUE`, the REPL's `set`, a date
//! to read dated values at; and reading a value a user typed for a parameter.

use rust_decimal::Decimal;

use super::{AsOf, RuleSet, SetParamError};
use crate::check::{Const, Kind, ParamValue, Provenance};
use crate::syntax::ast;

impl RuleSet {
    /// Parse `VALUE` for parameter `name` (with units checked) and make it the value in force,
    /// recording `origin` (e.g. `--set`) as its provenance.
    pub fn set_param(
        &mut self,
        name: &str,
        value: &str,
        origin: &str,
    ) -> Result<(), SetParamError> {
        self.set_param_from(name, value, None, origin)
    }

    /// [`RuleSet::set_param`], with the value in force from date `from` (`YYYY-MM-DD`)
    /// instead of replacing every value: the REPL's `set min_output = 15亿元 from 2025-01-01`.
    pub fn set_param_from(
        &mut self,
        name: &str,
        value: &str,
        from: Option<&str>,
        origin: &str,
    ) -> Result<(), SetParamError> {
        let Some(i) = self.resolve_param(name) else {
            let names = self.params.iter().map(|p| p.name.as_str());
            // A threshold named by what it is the threshold of (`上下游配套企业数`), or
            // a mistyped name.
            let by_title = (0..self.params.len())
                .find(|&p| {
                    let plain = self.params[p].table.is_none();
                    plain
                        && self
                            .compared_fact(p)
                            .is_some_and(|f| self.facts[f].label == name)
                        || self.param_title(&self.params[p].name) == name
                })
                .map(|p| &self.params[p]);
            let suggestion = match by_title {
                Some(p) => Some((p.name.clone(), Some(self.param_title(&p.name)))),
                None => crate::suggest::did_you_mean(name, names).map(|n| (n, None)),
            };
            return Err(SetParamError::Unknown {
                name: name.to_string(),
                suggestion,
            });
        };
        let p = &self.params[i];
        let (c, unit) = parse_param_value(value, p.kind, p.measure.as_deref(), &self.categories)
            .map_err(|message| SetParamError::Value { message })?;
        let mut written = value.trim().to_string();
        // `1800` for a count of 人 is shown as `1800人`, as the file writes it.
        let bare = !written.is_empty() && written.chars().all(|c| c.is_ascii_digit() || c == '.');
        if let (true, Kind::Count, Some(m)) = (bare, p.kind, p.measure.as_deref()) {
            written.push_str(m);
        }
        let prov = Provenance {
            ruleset: origin.to_string(),
            level: String::new(),
            document: origin.to_string(),
            clause: None,
            quote: None,
            note: None,
            interpretation: None,
            what_if: Some(origin.to_string()),
            at: origin.to_string(),
        };
        self.params[i].history.push(ParamValue {
            value: Some(c),
            written: Some(written),
            unit,
            provenance: prov,
            file: usize::MAX,
            span: ast::Span::default(),
            from: from.map(str::to_string),
        });
        Ok(())
    }

    /// Read dated parameter values at `date` (`YYYY-MM-DD`) from now on.
    pub fn set_date(&mut self, date: &str) {
        self.as_of = Some(AsOf {
            date: date.to_string(),
            given: true,
        });
        for p in &mut self.params {
            p.as_of = Some(date.to_string());
        }
    }

    /// The value in force of every parameter, by index (what evaluation reads).
    pub fn bindings(&self) -> Vec<Option<Const>> {
        self.params
            .iter()
            .map(|p| p.current().and_then(|v| v.value))
            .collect()
    }
}

/// Read a parameter value typed by a user (`15亿元`, `30%`, `8`, `是`, `制造业`) for a parameter of `kind`;
/// a count of what measure word `measure` counts refuses a measure word of another kind.
pub fn parse_param_value(
    text: &str,
    kind: Kind,
    measure: Option<&str>,
    categories: &[crate::check::CategorySet],
) -> Result<(Const, Option<crate::units::MoneyUnit>), String> {
    use crate::units;
    let t = units::normalize(text);
    let r = match kind {
        Kind::Money => {
            let (v, unit) = units::parse_money(&t, units::MoneyUnit::Yi).map_err(|e| e.message)?;
            if unit.is_none() {
                return Err(crate::t!("compile.money_unit", value = t));
            }
            (Const::Num(v), unit)
        }
        Kind::Percent => {
            // A parameter may be a factor above 100% (`growth = 110%`), unlike a share.
            let v = units::parse_percentage(&t).map_err(|e| e.message)?;
            if !t.trim_end().ends_with('%') && v > Decimal::ZERO && v < Decimal::ONE {
                let pct = units::format_decimal(v * Decimal::ONE_HUNDRED);
                return Err(crate::t!("compile.ambiguous_percent", value = t, pct = pct));
            }
            (Const::Num(v), None)
        }
        Kind::Count => (
            Const::Num(Decimal::from(
                units::parse_count_of(&t, measure).map_err(|e| e.message)?,
            )),
            None,
        ),
        Kind::Number => {
            let d: Decimal = t
                .parse()
                .map_err(|_| crate::t!("compile.not_number", value = t))?;
            (Const::Num(d), None)
        }
        Kind::Bool => (
            Const::Bool(units::parse_yes_no(&t).map_err(|e| e.message)?),
            None,
        ),
        Kind::Category(s) => {
            let set = &categories[s];
            let i = set
                .members
                .iter()
                .position(|m| m.id == *t || m.label == *t || m.aliases.iter().any(|a| *a == *t))
                .ok_or_else(|| crate::t!("compile.not_member", value = t, set = set.id))?;
            (Const::Member(i as u16), None)
        }
        Kind::Text => return Err(crate::t!("compile.text_param")),
        Kind::Ratio | Kind::PerUnit => return Err(crate::t!("compile.computed_param")),
        Kind::Points => {
            let d: Decimal = t
                .trim_end_matches("个百分点")
                .trim()
                .parse()
                .map_err(|_| crate::t!("compile.not_points", value = t))?;
            (Const::Num(d), None)
        }
    };
    Ok(r)
}
