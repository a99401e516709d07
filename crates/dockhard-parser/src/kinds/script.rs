//! Shell scripts: `*.sh`, `*.bash`, `*.zsh`, and files without an
//! extension whose first line is a `sh`/`bash`/`zsh` shebang. The whole file
//! is one block of shell text.

use std::path::Path;

use super::{Extracted, ShellBlock};
use crate::mapped::MappedText;
use crate::shell::SHELLS;

pub fn detect(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e, "sh" | "bash" | "zsh"))
}

/// How many bytes of a file are read to look for a shebang.
pub const SHEBANG_BYTES: usize = 128;

/// `#!/bin/sh`, `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e`,
/// `#! /bin/zsh`: a shell this model parses.
pub fn is_shell_shebang(first_bytes: &[u8]) -> bool {
    let Some(rest) = first_bytes.strip_prefix(b"#!") else {
        return false;
    };
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(rest);
    let Ok(line) = std::str::from_utf8(line) else {
        return false;
    };
    let mut words = line.split_whitespace();
    let Some(interpreter) = words.next() else {
        return false;
    };
    let base = interpreter.rsplit('/').next().unwrap_or(interpreter);
    let program = if base == "env" {
        words.find(|w| !w.starts_with('-') && !w.contains('='))
    } else {
        Some(base)
    };
    program.is_some_and(|p| SHELLS.contains(&p))
}

pub fn extract(text: &str) -> Extracted {
    Extracted {
        blocks: vec![ShellBlock::new(0, MappedText::contiguous(text, 0))],
        ..Extracted::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_shebangs() {
        assert!(detect(Path::new("deploy.sh")));
        assert!(detect(Path::new("x/run.bash")));
        assert!(!detect(Path::new("deploy.py")));
        for yes in [
            "#!/bin/sh\n",
            "#!/bin/bash -e\necho",
            "#!/usr/bin/env bash\n",
            "#! /usr/bin/env -S bash -eu\n",
            "#!/bin/zsh",
            "#!/usr/bin/dash\n",
        ] {
            assert!(is_shell_shebang(yes.as_bytes()), "{yes}");
        }
        for no in [
            "#!/usr/bin/env python3\n",
            "echo hi\n",
            "#!",
            "",
            "#!/usr/bin/perl -w",
        ] {
            assert!(!is_shell_shebang(no.as_bytes()), "{no}");
        }
    }
}
