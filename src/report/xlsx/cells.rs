//! Cells as the report writes them: Chinese headers, frozen header rows with filters,
//! column widths from the widest text, statuses coloured, and decimals written exactly.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use crate::eval::{Outcome, Status};

/// The most significant digits a number cell holds: Excel shows at most 15.
const MAX_DIGITS: usize = 15;

/// The most decimals a number format is written with.
const MAX_SCALE: u32 = 20;

/// The formats of a workbook, made once.
pub(super) struct Styles {
    /// Header cells: bold, shaded, wrapped.
    pub header: Format,
    /// Long text: wrapped, aligned to the top.
    pub wrap: Format,
    /// A key of a key–value table: bold.
    pub key: Format,
    /// A status cell per status: met, not met, undetermined, not applicable.
    status: [Format; 4],
    /// A number cell with 0, 1, … decimals, thousands separated.
    decimals: Vec<Format>,
}

/// Fill and font colours of a verdict.
fn coloured(fill: u32, font: u32) -> Format {
    Format::new()
        .set_background_color(Color::RGB(fill))
        .set_font_color(Color::RGB(font))
}

impl Styles {
    /// The workbook's formats.
    pub fn new() -> Self {
        let decimals = (0..=MAX_SCALE)
            .map(|s| {
                // Thousands separated (12,089,000,000 元 reads at a glance), with
                // exactly the value's decimals: never rounded.
                let code = if s == 0 {
                    "#,##0".to_string()
                } else {
                    format!("#,##0.{}", "0".repeat(s as usize))
                };
                Format::new().set_num_format(code)
            })
            .collect();
        Styles {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            key: Format::new().set_bold().set_align(FormatAlign::Top),
            status: [
                coloured(0xC6EFCE, 0x006100),
                coloured(0xFFC7CE, 0x9C0006),
                coloured(0xFFEB9C, 0x9C5700),
                coloured(0xEDEDED, 0x595959),
            ],
            decimals,
        }
    }

    /// The format of a status cell.
    pub fn status(&self, s: Status) -> &Format {
        let i = match s {
            Status::Met => 0,
            Status::NotMet => 1,
            Status::Undetermined => 2,
            Status::NotApplicable => 3,
        };
        &self.status[i]
    }

    /// The format of an outcome cell (coloured as the status it resembles).
    pub fn outcome(&self, o: Outcome) -> &Format {
        match o {
            Outcome::Recognized => self.status(Status::Met),
            Outcome::NotRecognized => self.status(Status::NotMet),
            Outcome::Undetermined => self.status(Status::Undetermined),
        }
    }
}

/// Rows in an Excel sheet.
const MAX_ROWS: usize = 1_048_576;

/// Refuse to write row `r` of sheet `sheet` (for `towns` towns) past Excel's last row,
/// with a message saying what to do instead.
pub(super) fn room(sheet: &str, r: usize, towns: usize) -> Result<(), XlsxError> {
    if r < MAX_ROWS {
        return Ok(());
    }
    let message = crate::t!("xlsx.too_many_rows", sheet = sheet, towns = towns);
    Err(XlsxError::ParameterError(message))
}

/// A sheet row number from an index (past Excel's limit, the writer refuses it).
pub(super) fn row(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// A sheet column number from an index.
pub(super) fn col(i: usize) -> u16 {
    u16::try_from(i).unwrap_or(u16::MAX)
}

/// The binary number and decimal places a number cell holds for `d`, when the cell
/// reads back as exactly `d` and Excel can show every digit: at most 15 significant
/// digits, and the shortest decimal of the binary number is `d` itself.
pub fn exact_number(d: Decimal) -> Option<(f64, u32)> {
    let n = d.normalize();
    let digits = n.mantissa().unsigned_abs().to_string().len();
    if digits > MAX_DIGITS || n.scale() > MAX_SCALE {
        return None;
    }
    let text = crate::units::format_decimal(n);
    let f: f64 = text.parse().ok()?;
    let back: Decimal = format!("{f}").parse().ok()?;
    (back == n).then_some((f, n.scale()))
}

/// A worksheet being written, with the width each column needs.
pub(super) struct Sheet<'a> {
    /// The worksheet.
    pub ws: &'a mut Worksheet,
    /// The formats.
    pub st: &'a Styles,
    widths: Vec<usize>,
}

/// The display width of a text: its widest line (CJK characters count two).
fn width(s: &str) -> usize {
    s.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

impl<'a> Sheet<'a> {
    /// Name the worksheet and start writing it.
    pub fn new(ws: &'a mut Worksheet, st: &'a Styles, name: &str) -> Result<Self, XlsxError> {
        ws.set_name(name)?;
        Ok(Sheet {
            ws,
            st,
            widths: Vec::new(),
        })
    }

    fn note_width(&mut self, c: usize, w: usize) {
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(w);
    }

    /// A row of headers at row `r`.
    pub fn header(&mut self, r: usize, heads: &[String]) -> Result<(), XlsxError> {
        let fmt = self.st.header.clone();
        for (c, h) in heads.iter().enumerate() {
            self.ws.write_string_with_format(row(r), col(c), h, &fmt)?;
            self.note_width(c, width(h).min(24));
        }
        Ok(())
    }

    /// Text at (`r`, `c`); an empty text leaves the cell empty.
    pub fn text(&mut self, r: usize, c: usize, s: &str) -> Result<(), XlsxError> {
        if s.is_empty() {
            return Ok(());
        }
        self.ws.write_string(row(r), col(c), s)?;
        self.note_width(c, width(s));
        Ok(())
    }

    /// Text in a format.
    pub fn text_in(&mut self, r: usize, c: usize, s: &str, f: &Format) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(row(r), col(c), s, f)?;
        self.note_width(c, width(s));
        Ok(())
    }

    /// Long text, wrapped.
    pub fn long(&mut self, r: usize, c: usize, s: &str) -> Result<(), XlsxError> {
        if s.is_empty() {
            return Ok(());
        }
        let f = self.st.wrap.clone();
        self.text_in(r, c, s, &f)
    }

    /// A decimal written exactly: a number cell showing all its decimals when the
    /// number reads back as the same decimal ([`exact_number`]), else the decimal as text.
    pub fn decimal(&mut self, r: usize, c: usize, d: Decimal) -> Result<(), XlsxError> {
        let shown = crate::units::format_decimal(d.normalize());
        match exact_number(d) {
            Some((f, scale)) => {
                let fmt = self.st.decimals[scale as usize].clone();
                self.ws.write_number_with_format(row(r), col(c), f, &fmt)?;
            }
            None => {
                self.ws.write_string(row(r), col(c), &shown)?;
            }
        }
        self.note_width(c, shown.len());
        Ok(())
    }

    /// A criterion status in Chinese, coloured.
    pub fn status(&mut self, r: usize, c: usize, s: Status) -> Result<(), XlsxError> {
        let f = self.st.status(s).clone();
        self.text_in(r, c, super::super::status_zh(s), &f)
    }

    /// Freeze the rows up to and including `header_row` and put a filter on the table
    /// from it to `last_row` over `cols` columns.
    pub fn table(
        &mut self,
        header_row: usize,
        last_row: usize,
        cols: usize,
    ) -> Result<(), XlsxError> {
        self.ws.set_freeze_panes(row(header_row + 1), 0)?;
        if cols > 0 {
            self.ws.autofilter(
                row(header_row),
                0,
                row(last_row.max(header_row)),
                col(cols - 1),
            )?;
        }
        Ok(())
    }

    /// Set each column's width from its widest text (between 6 and `max`).
    pub fn finish(self, max: usize) -> Result<(), XlsxError> {
        for (c, w) in self.widths.iter().enumerate() {
            let w = (w + 2).clamp(6, max);
            self.ws.set_column_width(col(c), w as f64)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_only_when_they_read_back_exactly() {
        assert_eq!(exact_number(d("79.95")), Some((79.95, 2)));
        assert_eq!(exact_number(d("80.00")), Some((80.0, 0)));
        assert_eq!(exact_number(d("2000000000")), Some((2e9, 0)));
        assert_eq!(exact_number(d("-0.125")), Some((-0.125, 3)));
        // 16 significant digits: Excel would show 15.
        assert_eq!(exact_number(d("1234567890.123456")), None);
        // A mean of three experts that does not end.
        assert_eq!(exact_number(d("89.99999999999999999999999")), None);
    }

    #[test]
    fn a_sheet_past_excels_last_row_is_refused_with_advice() {
        assert!(room("汇总", 1_048_575, 9).is_ok());
        let e = room("逐条说明", 1_048_576, 400_000)
            .unwrap_err()
            .to_string();
        assert!(e.contains("逐条说明") && e.contains("400000"), "{e}");
        assert!(e.contains("--town") && e.contains("--format csv"), "{e}");
    }
}
