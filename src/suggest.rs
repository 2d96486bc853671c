//! "Did you mean …?" suggestions for mistyped names.

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let score = strsim::jaro_winkler(word, c);
        let close = score >= 0.85 || strsim::levenshtein(word, c) <= max_edits(word);
        if close && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c.to_string())
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
