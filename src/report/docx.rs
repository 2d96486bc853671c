//! The letters (认定意见 / 补充材料通知) as a Word document that WPS and Word open for
//! editing: one A4 page per town, in 仿宋 body text with 小标宋-style headings (the
//! fonts fall back to what the machine has).

use docx_rs::{AlignmentType, BreakType, Docx, Paragraph, Run, RunFonts};

use super::html::Letter;

/// Half-points: 三号 (16 pt) for the body, 二号 (22 pt) for titles.
const BODY: usize = 32;
const TITLE: usize = 44;

fn run(text: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia("仿宋").ascii("Times New Roman"))
}

fn para(text: &str) -> Paragraph {
    Paragraph::new().add_run(run(text, BODY))
}

/// The letters as the bytes of a .docx file.
pub fn letters_docx(letters: &[Letter]) -> Result<Vec<u8>, docx_rs::DocxError> {
    // A4 in twentieths of a point; margins as official documents use (37 mm top, 28 mm sides).
    let mut doc = Docx::new().page_size(11_906, 16_838);
    for (i, l) in letters.iter().enumerate() {
        let mut title = Paragraph::new()
            .add_run(
                run(&l.title, TITLE)
                    .bold()
                    .fonts(RunFonts::new().east_asia("方正小标宋简体")),
            )
            .align(AlignmentType::Center);
        if i > 0 {
            title = Paragraph::new()
                .add_run(Run::new().add_break(BreakType::Page))
                .add_run(
                    run(&l.title, TITLE)
                        .bold()
                        .fonts(RunFonts::new().east_asia("方正小标宋简体")),
                )
                .align(AlignmentType::Center);
        }
        doc = doc.add_paragraph(title);
        for w in &l.warnings {
            doc = doc.add_paragraph(Paragraph::new().add_run(run(w, BODY).bold().color("C62828")));
        }
        doc = doc.add_paragraph(para(&l.to));
        for p in &l.opening {
            doc = doc.add_paragraph(para(&format!("　　{p}")));
        }
        for (n, item) in l.items.iter().enumerate() {
            doc = doc.add_paragraph(para(&format!("　　{}. {item}", n + 1)));
        }
        for p in &l.closing {
            doc = doc.add_paragraph(para(&format!("　　{p}")));
        }
        doc = doc.add_paragraph(para(""));
        for s in &l.signature {
            doc = doc.add_paragraph(para(s).align(AlignmentType::Right));
        }
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.pack(&mut buf)?;
    Ok(buf.into_inner())
}
