//! Rule text → parse → check → compile, and the diagnostics rendered as a user sees them.
//! Nothing may panic, overflow the stack or run out of memory, whatever the text.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // As if the text were a file in rules/, so `import "facts.rules"` and
    // `extends "shanxi.rules"` resolve to the bundled files.
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/fuzz_input.rules"));
    let source = townrules::source::Source::new(path.clone(), text);
    let _ = townrules::syntax::parse(&source);
    let report = townrules::check::check_source(&path, text);
    let _ = townrules::diag::render_plain(&report.diagnostics, 100);
    for d in &report.diagnostics {
        let _ = d.location();
    }
    if let Some(model) = &report.model {
        let _ = townrules::compile::compile(model);
    }
});
