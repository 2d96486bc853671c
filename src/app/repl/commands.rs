//! The REPL's commands: parsing a line, running it, and the Chinese output.

use std::fmt::Write as _;
use std::path::Path;

use super::error::ReplError;
use super::session::{tail, Change, Session, ORIGIN};
use super::show;

/// What a command produced.
#[derive(Debug, Default)]
pub struct Reply {
    /// Text for standard output.
    pub text: String,
    /// Whether the session ends.
    pub quit: bool,
}

impl Reply {
    fn text(text: String) -> Reply {
        Reply { text, quit: false }
    }
}

/// A command: name, arguments, one-line summary, longer help.
pub struct CommandInfo {
    /// The command word.
    pub name: &'static str,
    /// Its arguments.
    pub args: &'static str,
    /// What it does.
    pub summary: &'static str,
    /// Details and examples.
    pub details: &'static str,
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo { name: "load", args: "RULES", summary: "载入（或重新载入）规则文件", details: "出错时显示与 `check` 相同的诊断，会话保持原来的状态。本次会话中修改过的参数，新规则中仍有的会保留（可以用 undo 撤销保留）；之前的修改不能再撤销。\n例：load rules/shanxi.rules" },
    CommandInfo { name: "data", args: "TOWNS [SCORES]", summary: "载入（或重新载入）镇的数据", details: "TOWNS：CSV（UTF-8，可带 BOM）、TOML、JSON 或 Excel 工作簿（.xlsx、.xls、.ods，读第一张表）。SCORES：评价指标体系的专家评分表（town, expert, indicator, score；CSV 或工作簿），用于总分和等级。\n例：data examples/edge_cases.csv" },
    CommandInfo { name: "params", args: "[PATTERN]", summary: "列出参数：当前值、单位、文件中的值、出处", details: "PATTERN 可以是名称的一部分，或带 * ? 的通配符。带 * 标记的参数已在本次会话中修改。\n例：params min_output   params *enterprises" },
    CommandInfo { name: "set", args: "NAME = VALUE", summary: "修改参数（检查单位），立即列出结论变化的镇", details: "只重新判定用到该参数的认定标准。\n例：set min_output.manufacturing = 15亿元   set min_supporting_enterprises = 8户\n分日期生效的参数可加日期：set min_output = 15亿元 from 2025-01-01（该日期起施行；按本次的适用日期判定）" },
    CommandInfo { name: "unset", args: "NAME", summary: "一个参数恢复为文件中的值", details: "例：unset min_output.manufacturing" },
    CommandInfo { name: "reset", args: "", summary: "所有参数恢复为文件中的值", details: "可以用 undo 撤销。" },
    CommandInfo { name: "undo", args: "", summary: "撤销上一次 set / unset / reset", details: "可以连续撤销，直到本次会话（或最近一次 load）开始时的状态。" },
    CommandInfo { name: "redo", args: "", summary: "重做上一次 undo 撤销的操作", details: "undo 之后又有新的修改时，不能再重做。" },
    CommandInfo { name: "eval", args: "[TOWN]", summary: "所有镇的结论（每镇一行），或一个镇的完整说明", details: "TOWN：编号或名称。结论与按文件中的参数不同时，行末注明文件中的结论。\n例：eval   eval 乙镇" },
    CommandInfo { name: "why", args: "TOWN [CRITERION]", summary: "一个镇的判定理由，或其中一条认定标准的理由", details: "CRITERION：认定标准的编号（如 agglomeration）。\n例：why 乙镇   why e02_output_19_99 agglomeration" },
    CommandInfo { name: "changes", args: "", summary: "与文件不同的参数，以及结论因此不同的镇", details: "" },
    CommandInfo { name: "sweep", args: "NAME FROM TO STEP", summary: "参数逐步取值：每个取值下认定 / 不予认定 / 待定的镇数，及每步结论变化的镇", details: "不改变会话中的参数。\n例：sweep min_output.manufacturing 5亿元 30亿元 1亿元" },
    CommandInfo { name: "near", args: "[PERCENT]", summary: "与门槛相差不到 PERCENT（默认 10%）的镇：差一点未达到，或刚好达到", details: "列出数值、门槛、认定标准，以及门槛若正好移到该镇的数值时结论如何变化。\n例：near   near 5%" },
    CommandInfo { name: "save", args: "PATH", summary: "把当前参数值写成规则文件（格式与注释不变，只改数值）", details: "目标文件已存在时不覆盖；要覆盖用 `save! PATH`。写入先写临时文件再改名，不会留下写了一半的文件。\n例：save rules/shanxi-whatif.rules" },
    CommandInfo { name: "save!", args: "PATH", summary: "同 save，但可以覆盖已有文件", details: "" },
    CommandInfo { name: "time", args: "COMMAND", summary: "执行命令并显示用时", details: "例：time sweep min_output.manufacturing 5亿元 30亿元 1亿元" },
    CommandInfo { name: "help", args: "[COMMAND]", summary: "命令说明", details: "" },
    CommandInfo { name: "quit", args: "", summary: "退出（也可用 exit 或 Ctrl-D）", details: "" },
];

/// Split arguments at white space; `"…"` keeps spaces.
pub fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut any = false;
    for ch in s.chars() {
        match ch {
            '"' => {
                quoted = !quoted;
                any = true;
            }
            c if c.is_whitespace() && !quoted => {
                if any {
                    out.push(std::mem::take(&mut cur));
                    any = false;
                }
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    if any {
        out.push(cur);
    }
    out
}

/// `usage: `NAME ARGS`` for a command of [`COMMANDS`].
pub(super) fn usage(name: &str) -> String {
    COMMANDS
        .iter()
        .find(|c| c.name == name)
        .map(|c| format!("usage: `{}`", format!("{} {}", c.name, c.args).trim_end()))
        .unwrap_or_default()
}

fn arity(name: &str, args: &[String], min: usize, max: usize) -> Result<(), ReplError> {
    if args.len() < min || args.len() > max {
        return Err(ReplError::Arity {
            command: name.to_string(),
            min,
            max,
        });
    }
    Ok(())
}

impl Session {
    /// Run one command line; `Err` says why it failed (see [`ReplError::print`]).
    pub fn execute(&mut self, line: &str) -> Result<Reply, ReplError> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(Reply::default());
        }
        let (cmd, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        let rest = rest.trim();
        let args = words(rest);
        let text = match cmd {
            "quit" | "exit" | "q" => {
                return Ok(Reply {
                    text: String::new(),
                    quit: true,
                })
            }
            "help" | "?" => {
                arity("help", &args, 0, 1)?;
                help(args.first().map(String::as_str))?
            }
            "load" => {
                arity("load", &args, 1, 1)?;
                self.load(Path::new(&args[0]))?
            }
            "data" => {
                arity("data", &args, 1, 2)?;
                self.load_data(Path::new(&args[0]), args.get(1).map(Path::new))?
            }
            "params" => {
                arity("params", &args, 0, 1)?;
                self.params(args.first().map(String::as_str))?
            }
            "set" => self.set(rest)?,
            "unset" => {
                arity("unset", &args, 1, 1)?;
                self.unset(&args[0])?
            }
            "reset" => {
                arity("reset", &args, 0, 0)?;
                self.reset()?
            }
            "undo" => {
                arity("undo", &args, 0, 0)?;
                let (what, change) = self.undo()?;
                format!("已撤销：{what}\n{}", self.describe_change(&change))
            }
            "redo" => {
                arity("redo", &args, 0, 0)?;
                let (what, change) = self.redo()?;
                format!("已重做：{what}\n{}", self.describe_change(&change))
            }
            "eval" => {
                arity("eval", &args, 0, 1)?;
                match args.first() {
                    Some(t) => self.eval_town(t)?,
                    None => self.eval_all()?,
                }
            }
            "why" => {
                arity("why", &args, 1, 2)?;
                self.why(&args[0], args.get(1).map(String::as_str))?
            }
            "changes" => {
                arity("changes", &args, 0, 0)?;
                self.changes()?
            }
            "sweep" => {
                arity("sweep", &args, 4, 4)?;
                self.sweep(&args[0], &args[1], &args[2], &args[3])?
            }
            "near" => {
                arity("near", &args, 0, 1)?;
                self.near(args.first().map(String::as_str))?
            }
            "save" | "save!" => {
                arity(cmd, &args, 1, 1)?;
                self.save(Path::new(&args[0]), cmd == "save!")?
            }
            "time" => {
                if rest.is_empty() {
                    return Err(ReplError::TimeWithoutCommand);
                }
                let start = std::time::Instant::now();
                let mut r = self.execute(rest)?;
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                let _ = writeln!(r.text, "（用时 {ms:.2} ms）");
                return Ok(r);
            }
            other => {
                let names = COMMANDS.iter().map(|c| c.name).chain(["exit"]);
                return Err(ReplError::UnknownCommand {
                    command: other.to_string(),
                    suggestion: crate::suggest::did_you_mean(other, names),
                });
            }
        };
        Ok(Reply::text(text))
    }

    fn set(&mut self, rest: &str) -> Result<String, ReplError> {
        let (name, value) = match rest.split_once('=') {
            Some((n, v)) => (n.trim(), v.trim()),
            None => match rest.split_once(char::is_whitespace) {
                Some((n, v)) => (n.trim(), v.trim()),
                None => (rest, ""),
            },
        };
        if name.is_empty() || value.is_empty() {
            return Err(ReplError::SetSyntax);
        }
        // `set min_output = 15亿元 from 2025-01-01`: a value in force from that date.
        let (value, from) = match value.rsplit_once(" from ") {
            Some((v, d)) => (v.trim(), Some(d.trim())),
            None => (value, None),
        };
        if let Some(d) = from.filter(|d| !crate::check::is_iso_date(d)) {
            return Err(ReplError::from(crate::compile::SetParamError::Value {
                message: format!("`{d}` is not a valid date: write the date the value takes effect as `from 2025-01-01`"),
            }));
        }
        let what = match from {
            Some(d) => format!("set {name} = {value} from {d}"),
            None => format!("set {name} = {value}"),
        };
        let change = self.change(&what, |rs| {
            rs.set_param_from(name, value, from, ORIGIN)
                .map_err(ReplError::from)
        })?;
        let mut out = String::new();
        let at = self.rules()?.rs.as_of.as_ref().map(|a| a.date.clone());
        if let (Some(d), Some(at)) = (from, at) {
            if d > at.as_str() {
                let _ = writeln!(
                    out,
                    "{name} = {value} 自 {d} 起施行；适用日期 {at} 时尚未施行，本次判定不受影响"
                );
            }
        }
        out.push_str(&self.describe_change(&change));
        Ok(out)
    }

    fn param_index(&self, name: &str) -> Result<usize, ReplError> {
        let rs = &self.rules()?.rs;
        rs.resolve_param(name)
            .ok_or_else(|| ReplError::unknown_parameter(rs, name))
    }

    fn unset(&mut self, name: &str) -> Result<String, ReplError> {
        let i = self.param_index(name)?;
        let rs = &self.rules()?.rs;
        let p = &rs.params[i];
        if tail(p).is_empty() {
            let v = show::param_value(rs, p, p.current());
            return Ok(format!("{name} 未修改过，仍是文件中的值 {v}\n"));
        }
        let change = self.change(&format!("unset {name}"), |rs| {
            super::session::clear_tail(&mut rs.params[i]);
            Ok(())
        })?;
        Ok(self.describe_change(&change))
    }

    fn reset(&mut self) -> Result<String, ReplError> {
        let rs = &self.rules()?.rs;
        if rs.params.iter().all(|p| tail(p).is_empty()) {
            return Ok("所有参数都是文件中的值，无需恢复。\n".to_string());
        }
        let change = self.change("reset", |rs| {
            for p in rs.params.iter_mut() {
                super::session::clear_tail(p);
            }
            Ok(())
        })?;
        Ok(self.describe_change(&change))
    }

    /// The parameters that changed and the towns whose verdict changed.
    pub fn describe_change(&self, c: &Change) -> String {
        let mut out = String::new();
        let Some(r) = &self.rules else { return out };
        let rs = &r.rs;
        if c.params.is_empty() {
            out.push_str("参数的值没有变化。\n");
        }
        for (k, &(i, old, new)) in c.params.iter().enumerate() {
            let p = &rs.params[i];
            let now = p
                .current()
                .and_then(|v| v.unit)
                .or(show::file_value(p).and_then(|v| v.unit));
            let fmt = |v: Option<crate::check::Const>, unit| match v {
                Some(x) => show::constant(rs, p, x, unit),
                None => "未设定".to_string(),
            };
            let was = c.was.get(k).copied().flatten().or(now);
            let file = show::param_value(rs, p, show::file_value(p));
            let _ = writeln!(
                out,
                "{}：{} → {}（文件中的值 {file}）",
                p.name,
                fmt(old, was),
                fmt(new, now)
            );
        }
        let (Ok((_, d, e)), Some((before, after))) = (self.loaded(), c.counts) else {
            if self.data.is_none() && !c.params.is_empty() {
                out.push_str("（未载入数据：用 `data TOWNS` 载入后可看各镇结论的变化）\n");
            }
            return out;
        };
        let mut facts: Vec<usize> = Vec::new();
        for &(i, _, _) in &c.params {
            for f in e.deps.facts_of(rs, i) {
                if !facts.contains(&f) {
                    facts.push(f);
                }
            }
        }
        if c.flips.is_empty() {
            out.push_str("没有镇的结论发生变化。\n");
        } else {
            let _ = writeln!(out, "结论变化（{} 个镇）：", c.flips.len());
            let ev = e.evaluator(rs, d);
            out.push_str(&show::flips(rs, &d.towns, &c.flips, &facts, &ev, 50));
        }
        if !rs.criteria.is_empty() || e.grades.is_none() {
            let _ = writeln!(out, "合计：{}", show::counts(after, Some(before)));
        }
        out.push_str(&super::views::grade_totals(rs, e));
        out
    }
}

/// Whether `name` matches `pattern`: a glob when it has `*` or `?`, else a substring.
pub fn matches(pattern: &str, name: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return name.contains(pattern);
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Classic glob matching with backtracking on the last `*`.
    let (mut i, mut j) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

fn help(cmd: Option<&str>) -> Result<String, ReplError> {
    let mut out = String::new();
    match cmd {
        None => {
            out.push_str("命令（TOWN 为编号或名称；Tab 补全命令、参数名、镇和认定标准）：\n");
            let rows: Vec<Vec<String>> = COMMANDS
                .iter()
                .map(|c| {
                    vec![
                        format!("  {} {}", c.name, c.args).trim_end().to_string(),
                        c.summary.to_string(),
                    ]
                })
                .collect();
            out.push_str(&show::table(&rows));
            out.push_str("`help COMMAND` 查看详细说明。Ctrl-C 取消当前输入，Ctrl-D 退出。\n");
        }
        Some(name) => {
            let name = name.trim_start_matches('`').trim_end_matches('`');
            let Some(c) = COMMANDS
                .iter()
                .find(|c| c.name == name || (name == "exit" && c.name == "quit"))
            else {
                let names = COMMANDS.iter().map(|c| c.name);
                return Err(ReplError::NoHelp {
                    command: name.to_string(),
                    suggestion: crate::suggest::did_you_mean(name, names),
                });
            };
            let _ = writeln!(out, "{}", format!("{} {}", c.name, c.args).trim_end());
            let _ = writeln!(out, "  {}", c.summary);
            for l in c.details.lines() {
                let _ = writeln!(out, "  {l}");
            }
        }
    }
    Ok(out)
}
