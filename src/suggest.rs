//! "Did you mean …?" suggestions for mistyped names.

/// Longest word (and candidate) compared, in bytes.
const MAX_WORD_BYTES: usize = 256;

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    // Nothing this long is a typo of a name, and comparing it would take minutes
    // (a 200 MB CSV header cell: the string metrics below are quadratic).
    if word.len() > MAX_WORD_BYTES {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == word || c.len() > MAX_WORD_BYTES {
            continue;
        }
        let score = strsim::jaro_winkler(word, c);
        let close = score >= 0.85 || strsim::levenshtein(word, c) <= max_edits(word);
        // Ties go to the smaller candidate, so the suggestion does not depend on the
        // order of the candidates (often a hash map's).
        if close && best.is_none_or(|(b, bc)| score > b || (score == b && c < bc)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// The help line for a "name" that is really an approximate figure (`约20亿元`,
/// `近2亿`, `20余亿`): the grammar reads it as a name because it starts with a
/// Chinese character, but a rule needs an exact figure.
pub fn approximate_figure(name: &str) -> Option<String> {
    let digits = name.chars().any(|c| c.is_ascii_digit());
    let lead = ["约", "大约", "近", "超", "逾", "接近", "超过"];
    let inside = ["左右", "以上", "以下", "上下", "余", "多"];
    let approximate =
        lead.iter().any(|w| name.starts_with(w)) || inside.iter().any(|w| name.contains(w));
    (digits && approximate).then(|| crate::t!("unknown_name.approximate_help"))
}

fn max_edits(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 1,
        4..=8 => 2,
        _ => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names() {
        let names = ["output_value", "origin_or_gi", "jobs"];
        assert_eq!(
            did_you_mean("outpt_value", names).as_deref(),
            Some("output_value")
        );
        assert_eq!(
            did_you_mean("年产直", ["年产值", "产值"]).as_deref(),
            Some("年产值")
        );
        assert_eq!(did_you_mean("zzzzzz", names), None);
    }
}
