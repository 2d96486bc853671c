//! Why calamine could not read a workbook, in the language of messages: a file that is
//! no workbook at all (damaged, or only renamed), a password, a failure of the system;
//! anything else in calamine's own words, cut short and marked as the reader's.

use calamine::{Error, OdsError, XlsError, XlsbError, XlsxError};

use crate::t;

/// What went wrong, for `无法读取该工作簿：{error}`.
pub(super) fn workbook_error(e: &Error) -> String {
    let not_a_workbook = || t!("data.excel.reason.not_a_workbook");
    let password = || t!("data.excel.reason.password");
    match e {
        Error::Io(io) => crate::source::io_reason(io),
        Error::Xlsx(XlsxError::Io(io)) | Error::Ods(OdsError::Io(io)) => {
            crate::source::io_reason(io)
        }
        Error::Xls(XlsError::Io(io)) | Error::Xlsb(XlsbError::Io(io)) => {
            crate::source::io_reason(io)
        }
        Error::Xlsx(XlsxError::Zip(_)) | Error::Ods(OdsError::Zip(_)) => not_a_workbook(),
        Error::Xlsb(XlsbError::Zip(_)) | Error::Xls(XlsError::Cfb(_)) => not_a_workbook(),
        Error::Xlsx(XlsxError::Password) | Error::Ods(OdsError::Password) => password(),
        Error::Xls(XlsError::Password) => password(),
        other => {
            let text = other.to_string();
            // The zip reader stops a part that inflates past the size it declares
            // (zip's own words, inside an XML or I/O error).
            if text.contains("larger than its declared uncompressed size") {
                return t!("data.excel.reason.declared_size");
            }
            t!("data.excel.reason.other", text = crate::i18n::quote(&text))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_no_workbook_is_said_so_in_chinese() {
        // The library's unit tests run in the default language, Chinese.
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["bad.xlsx", "bad.ods", "bad.xls"] {
            let path = dir.path().join(name);
            std::fs::write(&path, "not a workbook").expect("write");
            let e = calamine::open_workbook_auto(&path).err().expect("an error");
            let said = workbook_error(&e);
            assert!(said.contains("不是有效的工作簿"), "{name}: {said}");
        }
    }
}
