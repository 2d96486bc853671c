//! Labels that state a threshold are written from the parameter, so they never show a
//! stale number: `"上下游配套企业{min_supporting_enterprises}以上"` reads
//! `上下游配套企业10户以上` with the file's value and `上下游配套企业8户以上` after
//! `--set min_supporting_enterprises=8户`.

/// The parts of a label template: literal text and `{parameter}` names, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'t> {
    /// Text as written.
    Text(&'t str),
    /// A parameter's name (`min_output.manufacturing` for a table entry).
    Param(&'t str),
}

/// Split `label` into literal text and `{name}` parts (a `{` without a closing `}` is
/// text), with each part's byte offset in `label`.
pub fn parts(label: &str) -> Vec<(usize, Part<'_>)> {
    let mut out = Vec::new();
    let mut rest = label;
    let mut at = 0;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push((at, Part::Text(&rest[..open])));
        }
        let name = rest[open + 1..open + close].trim();
        out.push((at + open, Part::Param(name)));
        at += open + close + 1;
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push((at, Part::Text(rest)));
    }
    out
}

/// The label with each `{name}` replaced by `value(name)`.
pub fn render(label: &str, value: impl Fn(&str) -> String) -> String {
    parts(label)
        .into_iter()
        .map(|(_, p)| match p {
            Part::Text(t) => t.to_string(),
            Part::Param(n) => value(n),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_renders() {
        let l = "上下游配套企业{min_supporting_enterprises}以上";
        assert_eq!(
            parts(l),
            vec![
                (0, Part::Text("上下游配套企业")),
                (21, Part::Param("min_supporting_enterprises")),
                (49, Part::Text("以上")),
            ]
        );
        assert_eq!(render(l, |_| "8户".into()), "上下游配套企业8户以上");
        assert_eq!(render("没有参数", |_| "x".into()), "没有参数");
        assert_eq!(render("{a}{b}", |n| n.to_uppercase()), "AB");
        assert_eq!(render("未闭合 {a", |_| "x".into()), "未闭合 {a");
    }
}
