//! The `townrules` command: see `townrules --help`.
#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    townrules::app::main()
}
