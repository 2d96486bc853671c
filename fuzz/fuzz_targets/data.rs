//! Data file bytes → load (CSV, TOML or JSON, chosen by the first byte), against the
//! vocabulary of `rules/shanxi.rules`. CSV goes through a real file so that the
//! byte-order-mark, UTF-16 and GB18030 paths are reached.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use townrules::check::Checked;
use townrules::data::{load_towns, load_towns_str, DataFormat};

fn model() -> &'static Checked {
    static MODEL: OnceLock<Checked> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../rules/shanxi.rules"));
        townrules::check::check_file(path)
            .model
            .expect("rules/shanxi.rules checks")
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let model = model();
    let (ext, format) = match selector % 4 {
        0 | 1 => ("csv", DataFormat::Csv),
        2 => ("toml", DataFormat::Toml),
        _ => ("json", DataFormat::Json),
    };
    if selector % 4 == 1 {
        let path = std::env::temp_dir().join(format!(
            "townrules-fuzz-data-{}.{ext}",
            std::process::id()
        ));
        if std::fs::write(&path, bytes).is_ok() {
            let _ = load_towns(&path, model);
        }
        return;
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        match load_towns_str("fuzz", text, format, model) {
            Ok(loaded) => {
                let t = &loaded.towns;
                assert_eq!(t.ids.len(), t.names.len());
                assert_eq!(t.ids.len(), t.rows.len());
                for c in &t.columns {
                    assert_eq!(c.len(), t.ids.len());
                }
            }
            Err(errors) => {
                assert!(!errors.is_empty());
                for e in &errors {
                    let _ = e.to_string();
                }
            }
        }
    }
});
