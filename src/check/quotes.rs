//! Verbatim quotations: whether a quoted text occurs in a document's text.
//!
//! The rule (also in docs/LANGUAGE.md, "Quotations"):
//!
//! - Both texts are *normalised* before they are compared: every whitespace character
//!   (spaces, tabs, the full-width space, line breaks) is removed, full-width forms are
//!   folded to their half-width forms as NFKC does (`（）：，；！？％` …, full-width digits
//!   and Latin letters, and the half-width `｡｢｣､` to `。「」、`), and curly quotation marks
//!   `“ ” ‘ ’` are folded to `" '`. Nothing else is folded: `。` and `.` stay different.
//! - A run of `…` (U+2026, so `…` or `……`) in a quotation stands for left-out text: at
//!   least one character of the source, *within one sentence* — the left-out text contains
//!   no sentence end (`。！？；` or their half-width forms) and does not reach the start of
//!   a numbered paragraph (a source line that begins with a heading or item number such as
//!   `二、`, `（五）`, `(1)`, `1.`, `4.2.3 `). A `…` at the very start or end of a quotation
//!   only says that the sentence goes on, and is ignored.
//! - Everything else must occur in the source character for character, in order.
//!
//! When a quotation is not found, [`Miss`] says where it departs from the source: the
//! longest stretch of the quotation (from its start) found in the source, and the place in
//! both texts where they differ.

use std::collections::HashSet;

/// How many characters of a stretch must match before it is reported as "the closest
/// match" (shorter agreements are coincidences).
const MIN_AGREEMENT: usize = 2;

/// Fold one character for comparison: `None` for whitespace (dropped), otherwise its
/// half-width form (see the module documentation).
pub fn fold(c: char) -> Option<char> {
    if c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}') {
        return None;
    }
    Some(match c {
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        '\u{ff61}' => '。',
        '\u{ff62}' => '「',
        '\u{ff63}' => '」',
        '\u{ff64}' => '、',
        '“' | '”' => '"',
        '‘' | '’' => '\'',
        _ => c,
    })
}

/// Whether a (folded) character ends a sentence.
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';')
}

fn is_numeral(c: char) -> bool {
    matches!(
        c,
        '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十' | '百' | '〇' | '零'
    )
}

/// Whether a source line (without its leading whitespace) starts with a heading or item
/// number: `二、`, `（五）`/`(五)`, `(1)`, `1 `, `1.`, `1、`, `4.2.3 `.
pub fn numbered(line: &str) -> bool {
    let cs: Vec<char> = line
        .chars()
        .map(|c| fold(c).unwrap_or(' '))
        .take(16)
        .collect();
    let run = |from: usize, ok: &dyn Fn(char) -> bool| {
        cs.iter().skip(from).take_while(|&&c| ok(c)).count()
    };
    let n = run(0, &is_numeral);
    if n > 0 && cs.get(n) == Some(&'、') {
        return true;
    }
    if cs.first() == Some(&'(') {
        let m = run(1, &|c| is_numeral(c) || c.is_ascii_digit());
        return m > 0 && cs.get(1 + m) == Some(&')');
    }
    let mut i = run(0, &|c| c.is_ascii_digit());
    if i == 0 {
        return false;
    }
    while cs.get(i) == Some(&'.') && cs.get(i + 1).is_some_and(char::is_ascii_digit) {
        i += 1 + run(i + 1, &|c| c.is_ascii_digit());
    }
    matches!(cs.get(i), None | Some(' ' | '、' | '.'))
}

/// A document's text, normalised for matching quotations.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    /// The normalised characters.
    chars: Vec<char>,
    /// Byte offset in `text` of each normalised character.
    at: Vec<usize>,
    /// Whether a numbered paragraph starts at each normalised character.
    paragraph: Vec<bool>,
}

/// Where a quotation departs from the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// Byte offset in the quotation of its first character that is not matched (the
    /// quotation's length when an elision is the problem at its end).
    pub quote_at: usize,
    /// What went wrong.
    pub reason: Reason,
}

/// Why a quotation is not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// The quotation has no words (only spaces or `…`).
    Empty,
    /// Not even the quotation's first two characters occur in the source.
    Absent,
    /// The source agrees up to normalised character `source_at`, then differs.
    Differs {
        /// Normalised index in the source of the first differing character.
        source_at: usize,
    },
    /// The text before a `……` occurs (ending before normalised character `after`), but
    /// the text after it does not follow within the same sentence, which ends at `stop`.
    Elision {
        /// Normalised index just after the text matched before the `……`.
        after: usize,
        /// Normalised index of the sentence end or paragraph start that bounds the `……`.
        stop: usize,
    },
}

/// A normalised quotation: stretches of (character, byte offset in the quotation)
/// separated by `……`.
struct Quote {
    parts: Vec<Vec<(char, usize)>>,
}

impl Quote {
    fn new(q: &str) -> Self {
        let mut parts = vec![Vec::new()];
        let mut in_gap = false;
        for (i, c) in q.char_indices() {
            if c == '…' {
                in_gap = true;
                continue;
            }
            let Some(f) = fold(c) else { continue };
            if in_gap && parts.last().is_some_and(|p| !p.is_empty()) {
                parts.push(Vec::new());
            }
            in_gap = false;
            if let Some(p) = parts.last_mut() {
                p.push((f, i));
            }
        }
        parts.retain(|p| !p.is_empty());
        Quote { parts }
    }

    /// Characters in the parts before part `j`.
    fn before(&self, j: usize) -> usize {
        self.parts[..j].iter().map(Vec::len).sum()
    }
}

/// The closest match found so far: quotation characters matched and where it stops.
struct Best {
    matched: usize,
    miss: Option<(usize, usize, Reason)>,
}

impl Best {
    fn offer(&mut self, matched: usize, part: usize, index: usize, reason: Reason) {
        if matched > self.matched {
            self.matched = matched;
            self.miss = Some((part, index, reason));
        }
    }
}

impl Document {
    /// Normalise a document's text.
    pub fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len() / 3);
        let mut at = Vec::with_capacity(text.len() / 3);
        let mut paragraph = Vec::with_capacity(text.len() / 3);
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let mut first = true;
            for (i, c) in line.char_indices() {
                let Some(f) = fold(c) else { continue };
                paragraph.push(first && numbered(&line[i..]));
                first = false;
                chars.push(f);
                at.push(offset + i);
            }
            offset += line.len();
        }
        Document {
            text: text.to_string(),
            chars,
            at,
            paragraph,
        }
    }

    /// Whether `quote` occurs in the document (see the module documentation).
    pub fn find(&self, quote: &str) -> Result<(), Miss> {
        let q = Quote::new(quote);
        if q.parts.is_empty() {
            return Err(Miss {
                quote_at: 0,
                reason: Reason::Empty,
            });
        }
        let mut best = Best {
            matched: MIN_AGREEMENT - 1,
            miss: None,
        };
        let mut seen = HashSet::new();
        if self.part(&q, 0, 0, self.chars.len(), &mut best, &mut seen) {
            return Ok(());
        }
        Err(match best.miss {
            None => Miss {
                quote_at: q.parts[0][0].1,
                reason: Reason::Absent,
            },
            Some((j, i, reason)) => Miss {
                quote_at: q.parts[j].get(i).map_or(quote.len(), |&(_, b)| b),
                reason,
            },
        })
    }

    /// Try part `j` of the quotation at each start in `from..=to` (normalised indices).
    fn part(
        &self,
        q: &Quote,
        j: usize,
        from: usize,
        to: usize,
        best: &mut Best,
        seen: &mut HashSet<(usize, usize)>,
    ) -> bool {
        let part = &q.parts[j];
        let before = q.before(j);
        for s in from..=to.min(self.chars.len().saturating_sub(1)) {
            if j > 0 && !seen.insert((j, s)) {
                continue;
            }
            let l = part
                .iter()
                .zip(&self.chars[s..])
                .take_while(|((a, _), b)| a == *b)
                .count();
            if l < part.len() {
                if l >= MIN_AGREEMENT {
                    let reason = Reason::Differs { source_at: s + l };
                    best.offer(before + l, j, l, reason);
                }
                continue;
            }
            let end = s + l;
            if j + 1 == q.parts.len() {
                return true;
            }
            let stop = self.gap_stop(end);
            // The left-out text is `end..b` (at least one character) with `b <= limit`.
            let limit = if self.paragraph.get(stop).copied().unwrap_or(false) {
                stop.checked_sub(1)
            } else {
                Some(stop)
            };
            if let Some(limit) = limit.filter(|&b| b > end) {
                if self.part(q, j + 1, end + 1, limit, best, seen) {
                    return true;
                }
            }
            best.offer(before + l, j + 1, 0, Reason::Elision { after: end, stop });
        }
        false
    }

    /// The first sentence end or numbered paragraph start at or after `from` (or the end
    /// of the text).
    fn gap_stop(&self, from: usize) -> usize {
        (from..self.chars.len())
            .find(|&k| self.paragraph[k] || ends_sentence(self.chars[k]))
            .unwrap_or(self.chars.len())
    }

    /// 1-based line of the source at normalised index `i`.
    pub fn line_of(&self, i: usize) -> usize {
        let byte = self
            .at
            .get(i)
            .copied()
            .unwrap_or(self.text.len())
            .min(self.text.len());
        self.text[..byte].matches('\n').count() + 1
    }

    /// The source as written (without whitespace) in normalised indices `from..to`.
    pub fn excerpt(&self, from: usize, to: usize) -> String {
        let to = to.min(self.chars.len());
        (from.min(to)..to)
            .filter_map(|i| self.text[self.at[i]..].chars().next())
            .collect()
    }

    /// A window around normalised index `i`: up to `n` characters before it and `n`
    /// from it on, as written in the source (without whitespace), with `…` where the
    /// window cuts the text.
    pub fn window(&self, i: usize, n: usize) -> (String, String) {
        let start = i.saturating_sub(n);
        let end = (i + n).min(self.chars.len());
        let mut before = self.excerpt(start, i);
        if start > 0 {
            before.insert(0, '…');
        }
        let mut after = self.excerpt(i, end);
        if end < self.chars.len() {
            after.push('…');
        }
        (before, after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "二、省级专业镇认定标准\n\n\
        (四)产业集聚度高。特色主导产业原则上限定在一个县(区、\n\n市)内,产业配套能力和竞争力较强。专业镇的主导产业应具备一\n\
        定规模,原则上制造业类专业镇特色主导产业产值应达到20亿元\n\n以上。\n\
        (五)龙头企业带动效应强。拥有“专精特新”、“小巨人”、单\n\n项冠军企业、龙头企业的专业镇优先评定。\n\
        三、重点任务\n\
        (一)培育市场主体。鼓励企业做大做强\n";

    fn doc() -> Document {
        Document::new(DOC)
    }

    fn miss(q: &str) -> Miss {
        doc().find(q).expect_err(q)
    }

    #[test]
    fn folding_widths_and_quotes() {
        assert_eq!(fold('（'), Some('('));
        assert_eq!(fold('，'), Some(','));
        assert_eq!(fold('：'), Some(':'));
        assert_eq!(fold('；'), Some(';'));
        assert_eq!(fold('！'), Some('!'));
        assert_eq!(fold('？'), Some('?'));
        assert_eq!(fold('％'), Some('%'));
        assert_eq!(fold('２'), Some('2'));
        assert_eq!(fold('Ｇ'), Some('G'));
        assert_eq!(fold('ｄ'), Some('d'));
        assert_eq!(fold('､'), Some('、'));
        assert_eq!(fold('｡'), Some('。'));
        assert_eq!(fold('“'), Some('"'));
        assert_eq!(fold('”'), Some('"'));
        assert_eq!(fold('’'), Some('\''));
        assert_eq!(fold('\u{3000}'), None);
        assert_eq!(fold('\n'), None);
        assert_eq!(fold('。'), Some('。'), "the full stop is not a period");
        assert_eq!(fold('、'), Some('、'));
        assert_eq!(fold('字'), Some('字'));
    }

    #[test]
    fn exact_and_across_line_breaks_and_widths() {
        let d = doc();
        assert_eq!(d.find("产业集聚度高"), Ok(()));
        // The source breaks the line inside 县(区、市) and uses half-width punctuation.
        assert_eq!(
            d.find("特色主导产业原则上限定在一个县（区、市）内，产业配套能力和竞争力较强"),
            Ok(())
        );
        assert_eq!(d.find("应达到２０亿元以上。"), Ok(()));
        assert_eq!(d.find("拥有\u{3000}“专精特新”、 “小巨人”"), Ok(()));
        // A quotation may run across sentences when it leaves nothing out.
        assert_eq!(d.find("竞争力较强。专业镇的主导产业"), Ok(()));
    }

    #[test]
    fn a_left_out_word_is_found_at_its_place() {
        let q = "拥有“专精特新”、“小巨人”、单项冠军企业的专业镇优先评定";
        let m = miss(q);
        let d = doc();
        let Reason::Differs { source_at } = m.reason else {
            panic!("{m:?}")
        };
        assert_eq!(&q[m.quote_at..], "的专业镇优先评定");
        assert_eq!(d.excerpt(source_at, source_at + 5), "、龙头企业");
        let (before, after) = d.window(source_at, 6);
        assert_eq!(before, "…单项冠军企业");
        assert_eq!(after, "、龙头企业的…");
        assert_eq!(d.line_of(source_at), 11);
    }

    #[test]
    fn elision_within_a_sentence() {
        let d = doc();
        assert_eq!(d.find("原则上制造业类专业镇……应达到20亿元以上"), Ok(()));
        assert_eq!(d.find("拥有…龙头企业的专业镇优先评定"), Ok(()));
        assert_eq!(
            d.find("专业镇的主导产业……原则上……产值应达到20亿元以上"),
            Ok(())
        );
        // Leading and trailing marks only say that the sentence goes on.
        assert_eq!(d.find("……限定在一个县(区、市)内……"), Ok(()));
        // An elision stands for at least one character.
        assert!(d.find("产业集聚……度高").is_err());
    }

    #[test]
    fn elision_does_not_cross_a_sentence_end() {
        let q = "特色主导产业原则上限定在一个县（区、市）内……原则上制造业类专业镇";
        let m = miss(q);
        let d = doc();
        assert_eq!(&q[m.quote_at..], "原则上制造业类专业镇");
        let Reason::Elision { after, stop } = m.reason else {
            panic!("{m:?}")
        };
        assert_eq!(d.excerpt(after, stop + 1), ",产业配套能力和竞争力较强。");
        // Nor a half-width one, nor a semicolon.
        let d2 = Document::new("甲乙丙;丁戊己!庚辛");
        assert!(d2.find("乙……戊").is_err());
        assert!(d2.find("戊……辛").is_err());
        assert_eq!(d2.find("丁…己"), Ok(()));
    }

    #[test]
    fn elision_does_not_cross_into_a_numbered_paragraph() {
        let d = doc();
        // 三、重点任务 has no full stop, but starts a numbered paragraph.
        assert!(d.find("优先评定……重点任务").is_err());
        assert!(d.find("重点任务……培育市场主体").is_err());
        assert_eq!(d.find("优先评定。三、重点任务"), Ok(()));
    }

    #[test]
    fn numbered_lines() {
        for yes in [
            "二、省级",
            "（五）龙头",
            "(四)产业",
            "(1) 专业镇",
            "1 范围",
            "4.2.3 量化指标",
            "5.1.1 主要",
            "1.推动",
            "1、 主要职责",
            "3.1",
            "十二、附则",
        ] {
            assert!(numbered(yes), "{yes}");
        }
        for no in [
            "市)内",
            "2022年9月26日",
            "(此件公开发布)",
            "1.5亿元以上",
            "30%以上",
            "(含)",
            "项冠军企业",
            "",
        ] {
            assert!(!numbered(no), "{no}");
        }
    }

    #[test]
    fn absent_and_empty() {
        assert_eq!(miss("完全不同的句子").reason, Reason::Absent);
        assert_eq!(miss(" …… ").reason, Reason::Empty);
        assert_eq!(miss("").reason, Reason::Empty);
    }

    #[test]
    fn the_longest_prefix_wins_over_earlier_partial_matches() {
        let d = Document::new("专业镇甲。专业镇主导产品乙。专业镇主导产业丙。");
        let q = "专业镇主导产业丁";
        let m = d.find(q).expect_err("misquote");
        let Reason::Differs { source_at } = m.reason else {
            panic!("{m:?}")
        };
        assert_eq!(&q[m.quote_at..], "丁");
        assert_eq!(d.excerpt(source_at, source_at + 1), "丙");
    }

    #[test]
    fn backtracks_over_later_occurrences() {
        // The first 甲 is followed by 乙 only across a sentence end; the second works.
        let d = Document::new("甲丙。乙。甲丁乙戊");
        assert_eq!(d.find("甲……乙戊"), Ok(()));
        assert!(d.find("甲……乙丙").is_err());
    }

    #[test]
    fn window_marks_cuts() {
        let d = Document::new("一二三\n四五 六七八九");
        assert_eq!(d.window(4, 2), ("…三四".into(), "五六…".into()));
        assert_eq!(d.window(0, 2), (String::new(), "一二…".into()));
        assert_eq!(d.window(9, 3), ("…七八九".into(), String::new()));
    }
}
